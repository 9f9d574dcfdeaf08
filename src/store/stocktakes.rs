//! 低效闲置资产盘点: stocktake tasks by id. Opening one (its checklist frozen from the ledger) and
//! every check, 盘盈, submission or cancellation is one write transaction with its audit event;
//! the rules are `domain::stocktake`'s. Two clerks checking at once each change one line inside
//! their own transaction, so neither loses the other's check.

use crate::domain::DomainError;
use crate::domain::audit::AuditEntry;
use crate::domain::listing::{Actor, Refusal};
use crate::domain::location::LocationTree;
use std::collections::{BTreeMap, HashMap};

use crate::domain::card::{AssetCard, CardStatus};
use crate::domain::listing::{self, ListingFields, Mode, Scope, Source};
use crate::domain::photo::MAX_CARD_PHOTOS;
use crate::domain::stocktake::{self, Difference, DifferenceKind, NewStocktake, Stocktake, StocktakeLine};

use super::cards::{HistoryEntry, HistorySource};

use super::tables::STOCKTAKES;

use super::{Read, Result, Tx};

/// A stocktake by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Stocktake>> {
    r.get(STOCKTAKES, id)
}

/// A unit's stocktakes, newest first.
pub fn of_unit(r: &impl Read, unit_id: &str) -> Result<Vec<Stocktake>> {
    let mut found: Vec<Stocktake> =
        r.scan::<Stocktake>(STOCKTAKES)?.into_iter().filter(|s| s.unit_id == unit_id).collect();
    found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    Ok(found)
}

/// 新建盘点任务 for the actor's unit.
pub fn open(
    tx: &Tx,
    actor: &Actor,
    username: &str,
    input: &NewStocktake,
    now: &str,
) -> Result<(Stocktake, AuditEntry)> {
    let unit_id = actor.unit_id.clone().ok_or_else(|| DomainError::Forbidden("只有单位用户可以开展盘点".to_owned()))?;
    let cards: Vec<_> = super::cards::of_unit(tx, &unit_id)?;
    let tree = super::locations::tree(tx, &unit_id)?;
    let id = tx.next_id("ST")?;
    let task = stocktake::open(id, actor, username, input, &cards, &tree, now).map_err(DomainError::from)?;
    tx.put(STOCKTAKES, &task.id, &task)?;
    let summary = format!("新建盘点任务：{}（{}，{} 项资产）", task.title, task.id, task.lines.len());
    Ok((
        task.clone(),
        AuditEntry::new("stocktake_opened", format!("stocktake:{}", task.id), summary, Some(actor.region.to_string())),
    ))
}

/// Changes a stocktake of the actor's unit by `change` (given the task and the unit's
/// locations); `what` says what was done, for the audit. Another unit's task does not exist.
pub fn act(
    tx: &Tx,
    id: &str,
    actor: &Actor,
    kind: &'static str,
    what: impl FnOnce(&Stocktake) -> String,
    change: impl FnOnce(&Stocktake, &LocationTree) -> std::result::Result<Stocktake, Refusal>,
) -> Result<(Stocktake, AuditEntry)> {
    let task = get(tx, id)?
        .filter(|t| actor.unit_id.as_deref() == Some(t.unit_id.as_str()))
        .ok_or_else(|| DomainError::NotFound("盘点任务不存在".to_owned()))?;
    let tree = super::locations::tree(tx, &task.unit_id)?;
    let next = change(&task, &tree).map_err(DomainError::from)?;
    tx.put(STOCKTAKES, &next.id, &next)?;
    let summary = format!("{}：{}（{}）", what(&next), next.title, next.id);
    Ok((next, AuditEntry::new(kind, format!("stocktake:{id}"), summary, Some(actor.region.to_string()))))
}

/// 审核盘点结果. On approval every difference without a conflict is applied to its card in this
/// same transaction, each with a history line (source: 盘点): 使用状态, 存放地点, the photos taken on
/// the spot; a card not found gets a history line and stays in the ledger, a 盘盈 is listed in
/// the audit — neither is deleted or created silently. Returns the differences as applied.
pub fn review(
    tx: &Tx,
    id: &str,
    actor: &Actor,
    username: &str,
    approve: bool,
    reason: Option<&str>,
    now: &str,
) -> Result<(Stocktake, Vec<Difference>, AuditEntry)> {
    let task = get(tx, id)?
        .filter(|t| actor.unit_id.as_deref() == Some(t.unit_id.as_str()))
        .ok_or_else(|| DomainError::NotFound("盘点任务不存在".to_owned()))?;
    let mut next = stocktake::review(&task, actor, username, approve, reason, now).map_err(DomainError::from)?;
    if !approve {
        tx.put(STOCKTAKES, &next.id, &next)?;
        let summary =
            format!("退回盘点结果：{}（{}），理由：{}", task.title, id, next.reason.as_deref().unwrap_or_default());
        let entry =
            AuditEntry::new("stocktake_returned", format!("stocktake:{id}"), summary, Some(actor.region.to_string()));
        return Ok((next, Vec::new(), entry));
    }
    let cards: HashMap<String, AssetCard> =
        super::cards::of_unit(tx, &task.unit_id)?.into_iter().map(|c| (c.id.clone(), c)).collect();
    let tree = super::locations::tree(tx, &task.unit_id)?;
    let diffs = stocktake::differences(&task, |id| cards.get(id));
    next.result = diffs.clone();
    tx.put(STOCKTAKES, &next.id, &next)?;
    let mut changed: BTreeMap<String, (AssetCard, Vec<HistoryEntry>)> = BTreeMap::new();
    let note = format!("盘点任务 {id}");
    let line = |field: &str, before: String, after: String, extra: &str| HistoryEntry {
        at: now.to_owned(),
        username: username.to_owned(),
        field: field.to_owned(),
        before,
        after,
        note: if extra.is_empty() { note.clone() } else { format!("{note}：{extra}") },
        source: HistorySource::Stocktake,
    };
    let path =
        |l: Option<&str>| l.map(|l| tree.path(l)).filter(|p| !p.is_empty()).unwrap_or_else(|| "未填写".to_owned());
    for d in &diffs {
        let Some(card_id) = &d.card_id else { continue };
        let Some(card) = cards.get(card_id) else { continue };
        let (card, entries) = changed.entry(card_id.clone()).or_insert_with(|| (card.clone(), Vec::new()));
        match d.kind {
            DifferenceKind::Status if d.applies() => {
                let to = d.to.as_deref().and_then(|s| serde_json::from_value::<CardStatus>(serde_json::json!(s)).ok());
                if let Some(to) = to {
                    entries.push(line("使用状态", card.status.label().to_owned(), to.label().to_owned(), &d.note));
                    card.status = to;
                }
            }
            DifferenceKind::Moved if d.applies() => {
                entries.push(line("存放地点", path(card.location_id.as_deref()), path(d.to.as_deref()), &d.note));
                card.location_id = d.to.clone();
            }
            DifferenceKind::Photos if d.applies() => {
                let taken =
                    task.lines.iter().find(|l| &l.card_id == card_id).map(|l| l.photos.clone()).unwrap_or_default();
                let before = card.photos.len();
                for photo in taken {
                    if card.photos.len() < MAX_CARD_PHOTOS && !card.photos.iter().any(|p| p.hash == photo.hash) {
                        card.photos.push(photo);
                    }
                }
                if card.photos.len() > before {
                    entries.push(line(
                        "照片",
                        format!("{before} 张"),
                        format!("{} 张", card.photos.len()),
                        "盘点现场拍摄",
                    ));
                }
            }
            DifferenceKind::Missing if d.conflict.is_none() => {
                entries.push(line("盘点", "在账".to_owned(), "未找到实物（盘亏），待按规定处理".to_owned(), &d.note));
            }
            _ => {}
        }
    }
    for (card, entries) in changed.into_values().filter(|(_, e)| !e.is_empty()) {
        let mut card = card;
        card.updated_at = now.to_owned();
        super::cards::update(tx, &card)?;
        super::cards::record(tx, &card.id, entries)?;
    }
    let count = |kind: DifferenceKind| diffs.iter().filter(|d| d.kind == kind).count();
    let conflicts = diffs.iter().filter(|d| d.conflict.is_some()).count();
    let summary = format!(
        "审核通过盘点结果：{}（{}）：状态变更 {}，位置变更 {}，盘亏 {}，盘盈 {}{}",
        task.title,
        id,
        count(DifferenceKind::Status),
        count(DifferenceKind::Moved),
        count(DifferenceKind::Missing),
        count(DifferenceKind::Surplus),
        if conflicts > 0 { format!("，{conflicts} 项因台账已变更未覆盖") } else { String::new() }
    );
    let entry =
        AuditEntry::new("stocktake_applied", format!("stocktake:{id}"), summary, Some(actor.region.to_string()));
    Ok((next, diffs, entry))
}

/// What 生成入仓申请 did.
pub struct EntryRequests {
    /// The drafts made.
    pub made: Vec<String>,
    /// Cards left out (资产编号, why).
    pub skipped: Vec<(String, String)>,
    /// One audit event per draft, and the stocktake's.
    pub entries: Vec<AuditEntry>,
}

/// 生成入仓申请: a draft entry request for every card the applied stocktake found idle,
/// low-efficiency or pending disposal that can be offered now (pre-filled: the unit's contact,
/// what the stocktake found; the photos are the card's, the stocktake's among them), for the clerk
/// to complete and submit. A card already in the warehouse or changed meanwhile is named with
/// why it was left out. Returns the drafts made and the ones left out.
pub fn entry_requests(tx: &Tx, id: &str, actor: &Actor, username: &str, now: &str) -> Result<EntryRequests> {
    let mut task = get(tx, id)?
        .filter(|t| actor.unit_id.as_deref() == Some(t.unit_id.as_str()))
        .ok_or_else(|| DomainError::NotFound("盘点任务不存在".to_owned()))?;
    if task.state != stocktake::StocktakeState::Applied {
        return Err(DomainError::Conflict {
            message: "盘点结果审核通过后才能生成入仓申请".to_owned(),
            state: Some(
                serde_json::to_value(task.state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            ),
        }
        .into());
    }
    let unit = super::units::get(tx, &task.unit_id)?.ok_or_else(|| DomainError::NotFound("单位不存在".to_owned()))?;
    let (mut made, mut skipped, mut entries) = (Vec::new(), Vec::new(), Vec::new());
    let spare: Vec<StocktakeLine> = stocktake::found_spare(&task).into_iter().cloned().collect();
    for line in spare {
        let card = super::cards::get(tx, &line.card_id)?;
        if let Err(why) = stocktake::listable(card.as_ref()) {
            skipped.push((line.asset_code.clone(), why));
            continue;
        }
        let Some(card) = card else { continue };
        let note = line.check.as_ref().map(|c| c.note.clone()).unwrap_or_default();
        let fields = ListingFields {
            mode: Mode::Transfer,
            national: false,
            scope: Scope::City,
            description: format!(
                "{}{}。盘点任务 {id} 发现{}{}",
                card.name,
                if card.spec.is_empty() { String::new() } else { format!("（{}）", card.spec) },
                card.status.label(),
                if note.is_empty() { String::new() } else { format!("：{note}") }
            ),
            condition: String::new(),
            source: Source::Routine,
            contact_name: unit.contact_name.clone(),
            contact_phone: unit.contact_phone.clone(),
            open_until: None,
        };
        let created = listing::create(
            tx.next_id("L")?,
            card.id.clone(),
            true,
            &unit.id,
            unit.region.clone(),
            unit.department.clone(),
            actor,
            &fields,
            now,
        );
        match created {
            Ok(draft) => {
                entries.push(super::listings::create(tx, &draft, username)?);
                made.push(draft.id);
            }
            Err(refusal) => skipped.push((card.asset_code.clone(), DomainError::from(refusal).to_string())),
        }
    }
    task.entry_requests.extend(made.iter().cloned());
    tx.put(STOCKTAKES, &task.id, &task)?;
    let summary = format!("由盘点任务生成入仓申请草稿：{}（{}），{} 项", task.title, id, made.len());
    entries.push(AuditEntry::new(
        "stocktake_entry_requests",
        format!("stocktake:{id}"),
        summary,
        Some(actor.region.to_string()),
    ));
    Ok(EntryRequests { made, skipped, entries })
}
