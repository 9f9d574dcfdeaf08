//! Asset cards, their history, and their photos (stored once by content hash).

use redb::ReadableTable;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::DomainError;
use crate::domain::card::{AssetCard, FieldChange, SplitPart, split_parts, yuan};

use super::tables::{CARD_CODES, CARD_HISTORY, CARDS, PHOTOS};
use super::{Read, Result, Rx, Tx};

/// Where a history entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistorySource {
    /// 新增卡片
    Created,
    /// 信息卡变动
    Manual,
    /// 台账导入
    Import,
    /// 出租出借收回
    Recall,
    /// 拆分
    Split,
    /// 照片
    Photos,
    /// 入仓 / 退仓 / 调剂结果
    Listing,
    /// 低效闲置资产盘点
    Stocktake,
}

/// One line of a card's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    /// RFC 3339.
    pub at: String,
    /// Who (login name); API.md calls it `user`.
    #[serde(rename = "user", alias = "username")]
    pub username: String,
    /// Chinese field name.
    pub field: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
    /// 变动原因 or a description.
    pub note: String,
    /// Which action.
    pub source: HistorySource,
}

fn code_key(unit_id: &str, asset_code: &str) -> String {
    format!("{unit_id}/{asset_code}")
}

/// Inserts a new card; its asset code must be free within the unit.
pub fn insert(tx: &Tx, card: &AssetCard) -> Result<()> {
    let key = code_key(&card.unit_id, &card.asset_code);
    if tx.lookup(CARD_CODES, &key)?.is_some() {
        return Err(DomainError::conflict(format!("资产编号 {} 已存在", card.asset_code)).into());
    }
    tx.index(CARD_CODES, &key, &card.id)?;
    changed(tx, card);
    tx.put(CARDS, &card.id, card)
}

/// Stores a changed card (the asset code never changes).
pub fn update(tx: &Tx, card: &AssetCard) -> Result<()> {
    changed(tx, card);
    tx.put(CARDS, &card.id, card)
}

/// The listing showing a card shows its new facts (the plaza index).
fn changed(tx: &Tx, card: &AssetCard) {
    if let Some(listing) = &card.active_listing_id {
        super::plaza::touch(tx, listing);
    }
}

/// A card by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<AssetCard>> {
    r.get(CARDS, id)
}

/// A card by unit and asset code.
pub fn by_code(r: &impl Read, unit_id: &str, asset_code: &str) -> Result<Option<AssetCard>> {
    match r.lookup(CARD_CODES, &code_key(unit_id, asset_code))? {
        Some(id) => get(r, &id),
        None => Ok(None),
    }
}

/// The cards of one unit (through the asset-code index: a unit's pages never read the whole
/// ledger), in id order as [`all`].
pub fn of_unit(r: &impl Read, unit_id: &str) -> Result<Vec<AssetCard>> {
    let mut ids = r.lookup_prefix(CARD_CODES, &format!("{unit_id}/"))?;
    ids.sort();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(card) = get(r, &id)? {
            out.push(card);
        }
    }
    Ok(out)
}

/// Every card, in id order.
pub fn all(r: &impl Read) -> Result<Vec<AssetCard>> {
    r.scan(CARDS)
}

/// Appends history lines for a card.
pub fn record(tx: &Tx, card_id: &str, entries: impl IntoIterator<Item = HistoryEntry>) -> Result<()> {
    for entry in entries {
        let seq = tx.next_id("h")?;
        tx.put(CARD_HISTORY, &format!("{card_id}/{:0>12}", &seq[1..]), &entry)?;
    }
    Ok(())
}

/// History lines for changed fields.
pub fn entries(
    changes: &[FieldChange],
    username: &str,
    note: &str,
    source: HistorySource,
    at: &str,
) -> Vec<HistoryEntry> {
    changes
        .iter()
        .map(|c| HistoryEntry {
            at: at.to_owned(),
            username: username.to_owned(),
            field: c.field.clone(),
            before: c.before.clone(),
            after: c.after.clone(),
            note: note.to_owned(),
            source,
        })
        .collect()
}

/// A card's history, newest first.
pub fn history(r: &Rx, card_id: &str) -> Result<Vec<HistoryEntry>> {
    let table = r.raw().open_table(CARD_HISTORY)?;
    let start = format!("{card_id}/");
    let end = format!("{card_id}0");
    let mut out = Vec::new();
    for row in table.range(start.as_str()..end.as_str())?.rev() {
        let (_, value) = row?;
        out.push(super::codec::decode(value.value())?);
    }
    Ok(out)
}

/// Stores a photo under its content hash (once).
pub fn put_photo(tx: &Tx, hash: &str, bytes: &[u8]) -> Result<()> {
    let mut table = tx.raw().open_table(PHOTOS)?;
    if table.get(hash)?.is_none() {
        table.insert(hash, bytes)?;
    }
    Ok(())
}

/// A photo's bytes by content hash.
pub fn photo(r: &Rx, hash: &str) -> Result<Option<Vec<u8>>> {
    Ok(r.raw().open_table(PHOTOS)?.get(hash)?.map(|v| v.value().to_vec()))
}

/// Splits a card into `parts` (values apportioned exactly, `domain::card::split_parts`): the first
/// keeps its id and code, the others get new ids and the next free `资产编号-2`, `-3` …; each
/// part's history says so. Returns the parts as written.
pub fn split(tx: &Tx, card: &AssetCard, parts: &[SplitPart], username: &str, now: &str) -> Result<Vec<AssetCard>> {
    let mut ids = Vec::new();
    for _ in 1..parts.len() {
        ids.push(tx.next_id("c")?);
    }
    let mut ids = ids.into_iter();
    let mut pieces = split_parts(card, parts, || ids.next().unwrap_or_default(), now)?;
    // `资产编号-2` may be taken (an earlier split, a ledger code): use the next free suffix.
    let mut suffix = 2;
    for piece in pieces.iter_mut().skip(1) {
        loop {
            let code = format!("{}-{suffix}", card.asset_code);
            suffix += 1;
            if by_code(tx, &card.unit_id, &code)?.is_none() {
                piece.asset_code = code;
                break;
            }
        }
    }
    let codes: Vec<String> = pieces.iter().map(|p| format!("{}（数量 {}）", p.asset_code, p.quantity)).collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i == 0 {
            update(tx, piece)?;
        } else {
            insert(tx, piece)?;
        }
        let (before, after) = if i == 0 {
            (format!("数量 {}", card.quantity), format!("拆分为 {}", codes.join("、")))
        } else {
            (format!("由 {} 拆分", card.asset_code), format!("数量 {}", piece.quantity))
        };
        let entry = HistoryEntry {
            at: now.to_owned(),
            username: username.to_owned(),
            field: "拆分".to_owned(),
            before,
            after,
            note: format!("原值 {} 元，净值 {} 元", yuan(piece.original_value_fen), yuan(piece.net_value_fen)),
            source: HistorySource::Split,
        };
        record(tx, &piece.id, [entry])?;
    }
    Ok(pieces)
}
