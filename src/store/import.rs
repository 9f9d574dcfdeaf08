//! Applying a checked ledger: every valid row in one transaction — new 资产编号 become cards, known
//! ones update the card (each changed field a history line), 存放地点 text is mapped into the
//! unit's tree (missing levels are created).

use crate::domain::card::{AssetCard, FieldChange, yuan};
use crate::domain::ledger::{LedgerRow, RowError};

use super::cards::{self, HistoryEntry, HistorySource};
use super::{Result, Tx, locations};

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// New cards.
    pub created: u64,
    /// Cards whose fields changed.
    pub updated: u64,
    /// Known cards with nothing to change.
    pub unchanged: u64,
    /// Location nodes created.
    pub new_locations: u64,
    /// Rows whose location is less precise than its compound allows.
    pub incomplete_locations: u64,
    /// Rows refused at apply time (e.g. a card in an active listing).
    pub refused: Vec<RowError>,
}

fn diff(old: &AssetCard, new: &AssetCard, location_path: impl Fn(&Option<String>) -> String) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut text = |field: &str, a: String, b: String| {
        if a != b {
            changes.push(FieldChange { field: field.to_owned(), before: a, after: b });
        }
    };
    text("资产名称", old.name.clone(), new.name.clone());
    text("资产分类代码", old.category.clone(), new.category.clone());
    text("规格型号", old.spec.clone(), new.spec.clone());
    text("品牌", old.brand.clone(), new.brand.clone());
    text("数量", old.quantity.to_string(), new.quantity.to_string());
    text("计量单位", old.measure_unit.clone(), new.measure_unit.clone());
    text("取得日期", old.acquired_on.clone(), new.acquired_on.clone());
    text("原值", yuan(old.original_value_fen), yuan(new.original_value_fen));
    text("净值", yuan(old.net_value_fen), yuan(new.net_value_fen));
    text("使用状态", old.status.label().to_owned(), new.status.label().to_owned());
    text(
        "是否共享共用",
        if old.shared { "是" } else { "否" }.to_owned(),
        if new.shared { "是" } else { "否" }.to_owned(),
    );
    text("存放地点", location_path(&old.location_id), location_path(&new.location_id));
    text("使用部门", old.using_department.clone(), new.using_department.clone());
    text("使用人", old.custodian.clone(), new.custodian.clone());
    changes
}

/// Applies the rows to `unit_id`'s ledger inside `tx`.
pub fn apply(tx: &Tx, unit_id: &str, rows: &[LedgerRow], username: &str, now: &str) -> Result<Outcome> {
    let mut tree = locations::tree(tx, unit_id)?;
    let mut outcome = Outcome::default();
    let split_parents: std::collections::HashSet<String> =
        cards::of_unit(tx, unit_id)?.into_iter().filter_map(|c| c.parent_id).collect();
    for row in rows {
        let (location_id, created) = locations::find_or_create(tx, &mut tree, unit_id, &row.location)?;
        outcome.new_locations += created as u64;
        if location_id.as_deref().is_none_or(|l| !tree.is_complete(l)) {
            outcome.incomplete_locations += 1;
        }
        let mut fields = row.fields.clone();
        fields.location_id = location_id;
        match cards::by_code(tx, unit_id, fields.asset_code.trim())? {
            None => {
                outcome.created += 1;
                let card = fields.into_card(tx.next_id("c")?, unit_id.to_owned(), now.to_owned());
                cards::insert(tx, &card)?;
                let entry = HistoryEntry {
                    at: now.to_owned(),
                    username: username.to_owned(),
                    field: "新增卡片".to_owned(),
                    before: String::new(),
                    after: format!("{} {}", card.asset_code, card.name),
                    note: format!("台账导入第 {} 行", row.row),
                    source: HistorySource::Import,
                };
                cards::record(tx, &card.id, [entry])?;
            }
            Some(old) => {
                if old.active_listing_id.is_some() {
                    outcome.refused.push(RowError {
                        row: row.row,
                        column: "资产编号".to_owned(),
                        message: format!("资产 {} 正在公物仓中，未更新；请先退仓", old.asset_code),
                    });
                    continue;
                }
                let split = split_parents.contains(&old.id);
                let amounts_differ = (fields.quantity, fields.original_value_fen, fields.net_value_fen)
                    != (old.quantity, old.original_value_fen, old.net_value_fen);
                if split && amounts_differ {
                    outcome.refused.push(RowError {
                        row: row.row,
                        column: "数量".to_owned(),
                        message: format!("资产 {} 已在本系统拆分，台账中的数量和金额不再覆盖拆分后的卡片；请在资产管理信息系统中同步拆分后再导入", old.asset_code),
                    });
                    continue;
                }
                let mut new = fields.into_card(old.id.clone(), unit_id.to_owned(), old.created_at.clone());
                new.photos = old.photos.clone();
                new.parent_id = old.parent_id.clone();
                new.transferred_to = old.transferred_to.clone();
                new.lease_end_on = old.lease_end_on.clone().filter(|_| new.status == old.status);
                let changes = diff(&old, &new, |id| id.as_deref().map(|l| tree.path(l)).unwrap_or_default());
                if changes.is_empty() {
                    outcome.unchanged += 1;
                    continue;
                }
                outcome.updated += 1;
                new.updated_at = now.to_owned();
                cards::update(tx, &new)?;
                let note = format!("台账导入第 {} 行", row.row);
                cards::record(tx, &new.id, cards::entries(&changes, username, &note, HistorySource::Import, now))?;
            }
        }
    }
    Ok(outcome)
}
