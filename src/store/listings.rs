//! Listings and their effect on cards: a listing holds its card (`active_listing_id`) from the
//! entry request until it is completed or withdrawn and off the platform; a recorded transfer
//! moves the card out of the unit's ledger.

use crate::domain::DomainError;
use crate::domain::audit::AuditEntry;
use crate::domain::card::{AssetCard, SplitPart};
use crate::domain::listing::{self, Actor, Listing, ListingAction, ListingResult, ResultMethod, State};

use super::cards::{self, HistoryEntry, HistorySource};
use super::tables::LISTINGS;
use super::{Read, Result, Tx};

/// A listing by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Listing>> {
    r.get(LISTINGS, id)
}

/// Every listing.
pub fn all(r: &impl Read) -> Result<Vec<Listing>> {
    r.scan(LISTINGS)
}

/// Stores a listing changed on this node, with the events for the peers that must learn of it.
pub fn put(tx: &Tx, listing: &Listing) -> Result<()> {
    put_from(tx, listing, None)
}

/// Stores a listing whose change came from peer `from` (or from this node), with the events for
/// the other peers that must learn of it.
pub fn put_from(tx: &Tx, listing: &Listing, from: Option<&str>) -> Result<()> {
    let old = get(tx, &listing.id)?;
    let mut next = listing.clone();
    if let Some(old) = &old {
        // Bookkeeping of the store: a caller's copy may predate the last send.
        next.sent_to = old.sent_to.iter().chain(&listing.sent_to).cloned().collect();
        next.sent_to.sort();
        next.sent_to.dedup();
    }
    super::relay::listing_changed(tx, old.as_ref(), &mut next, from)?;
    super::plaza::touch(tx, &next.id);
    tx.put(LISTINGS, &next.id, &next)
}

fn card_of(tx: &Tx, listing: &Listing) -> Result<AssetCard> {
    super::relay::card_of(tx, listing)?.ok_or_else(|| DomainError::NotFound("入仓资产的卡片不存在".to_owned()).into())
}

fn history(username: &str, field: &str, after: String, note: String, now: &str) -> HistoryEntry {
    HistoryEntry {
        at: now.to_owned(),
        username: username.to_owned(),
        field: field.to_owned(),
        before: String::new(),
        after,
        note,
        source: HistorySource::Listing,
    }
}

/// Creates a listing for a card and makes the card held by it.
pub fn create(tx: &Tx, listing: &Listing, username: &str) -> Result<AuditEntry> {
    let mut card = card_of(tx, listing)?;
    if let Some(other) = &card.active_listing_id {
        return Err(DomainError::Conflict {
            message: format!("该资产已在入仓申请 {other} 中，请勿重复提交；如需变更请先办理退仓"),
            state: Some("in_listing".to_owned()),
        }
        .into());
    }
    card.active_listing_id = Some(listing.id.clone());
    cards::update(tx, &card)?;
    put(tx, listing)?;
    let what = if listing.state == State::PendingEntry { "提交入仓申请" } else { "保存入仓申请草稿" };
    cards::record(
        tx,
        &card.id,
        [history(username, "入仓申请", what.to_owned(), format!("入仓单 {}", listing.id), &listing.created_at)],
    )?;
    let summary = format!("{what}：{} {}（{}）", card.asset_code, card.name, listing.id);
    Ok(AuditEntry::new(
        "listing_created",
        format!("listing:{}", listing.id),
        summary,
        Some(listing.unit_region.to_string()),
    ))
}

/// Deletes a draft or returned request ([`listing::may_discard`]) and frees its card.
pub fn discard(tx: &Tx, id: &str, actor: &Actor, username: &str, now: &str) -> Result<AuditEntry> {
    let current = get(tx, id)?.ok_or_else(|| DomainError::NotFound("入仓申请不存在".to_owned()))?;
    listing::may_discard(&current, actor).map_err(DomainError::from)?;
    let mut card = card_of(tx, &current)?;
    if card.active_listing_id.as_deref() == Some(id) {
        card.active_listing_id = None;
        cards::update(tx, &card)?;
    }
    cards::record(
        tx,
        &card.id,
        [history(username, "入仓申请", "删除入仓申请".to_owned(), format!("入仓单 {id}"), now)],
    )?;
    super::plaza::touch(tx, id);
    tx.remove(LISTINGS, id)?;
    let summary = format!("删除入仓申请：{} {}（{}，{}）", card.asset_code, card.name, id, current.state.label());
    Ok(AuditEntry::new("listing_discarded", format!("listing:{id}"), summary, Some(current.unit_region.to_string())))
}

/// Links a result to a unit of this node: by `receiver_unit_id`, or by the region and budget code
/// typed for an outside unit when they name one of ours. The unit's own facts replace what was
/// typed; a unit cannot be its own receiver.
fn resolve_receiver(tx: &Tx, result: &mut ListingResult, own_unit: &str) -> Result<()> {
    let unit = match result.receiver_unit_id.as_deref().filter(|u| !u.is_empty()) {
        Some(id) => {
            Some(super::units::get(tx, id)?.ok_or_else(|| DomainError::invalid("所选接收方单位不存在，请重新选择"))?)
        }
        None => match (result.receiver_region.as_deref(), result.receiver_budget_code.as_deref()) {
            (Some(region), Some(code)) => super::units::all(tx)?
                .into_iter()
                .find(|u| u.region.as_str() == region.trim() && u.budget_code == code.trim()),
            _ => None,
        },
    };
    if let Some(unit) = unit {
        if unit.id == own_unit {
            return Err(DomainError::invalid("接收方不能是本单位").into());
        }
        result.receiver_unit_id = Some(unit.id.clone());
        result.receiver_name = unit.name.clone();
        result.receiver_region = Some(unit.region.to_string());
        result.receiver_budget_code = Some(unit.budget_code.clone());
    }
    Ok(())
}

fn result_text(result: &ListingResult) -> String {
    let method = match result.method {
        ResultMethod::Allocation => "无偿调拨",
        ResultMethod::SharedUse => "共享使用",
        ResultMethod::Lease => "出租",
        ResultMethod::Loan => "出借",
        ResultMethod::Other => "其他",
    };
    format!("{method}：{}，{}，数量 {}", result.receiver_name, result.date, result.quantity)
}

/// Runs one action through [`listing::transition`] and applies its effect on the card, in the
/// caller's transaction. `action` sees the listing as it is inside the transaction (a review acts
/// on whichever request is pending). A refused action writes nothing.
pub fn act(
    tx: &Tx,
    id: &str,
    actor: &Actor,
    username: &str,
    action: impl FnOnce(&Listing) -> ListingAction,
    now: &str,
) -> Result<(Listing, AuditEntry)> {
    act_from(tx, id, actor, username, action, now, None)
}

/// [`act`] for an action that came from peer `from` (the province's decision about a listing of
/// this node), which is then not sent back to it.
pub fn act_from(
    tx: &Tx,
    id: &str,
    actor: &Actor,
    username: &str,
    action: impl FnOnce(&Listing) -> ListingAction,
    now: &str,
    from: Option<&str>,
) -> Result<(Listing, AuditEntry)> {
    let current = get(tx, id)?.ok_or_else(|| DomainError::NotFound("入仓申请不存在".to_owned()))?;
    let mut card = card_of(tx, &current)?;
    let mut action = action(&current);
    if let ListingAction::RecordResult(result) = &mut action {
        listing::check_result(result, card.quantity, now.get(..10).unwrap_or_default()).map_err(DomainError::from)?;
        resolve_receiver(tx, result, &current.unit_id)?;
    }
    let action = &action;
    let next = listing::transition(&current, actor, action, now).map_err(DomainError::from)?;
    let mut lines = Vec::new();
    if current.state != next.state {
        match next.state {
            State::Published if current.state == State::PendingEntry => {
                lines.push(history(username, "入仓", "进入公物仓广场".to_owned(), format!("入仓单 {id}"), now))
            }
            State::Withdrawn => {
                lines.push(history(username, "退仓", "退出公物仓广场".to_owned(), format!("入仓单 {id}"), now))
            }
            State::Completed => {
                if let Some(result) = &next.result {
                    lines.push(history(username, "登记调剂结果", result_text(result), result.note.clone(), now));
                    let period = || match &result.until {
                        Some(until) => format!("{} 至 {until}", result.date),
                        None => format!("{} 起", result.date),
                    };
                    match result.method {
                        ResultMethod::Allocation => {
                            // Part of the card handed over: the card is split, the part handed
                            // over leaves the ledger and the rest stays in it, out of the warehouse.
                            if result.quantity < card.quantity && current.origin.is_none() {
                                let part = |quantity| SplitPart { quantity, status: card.status, shared: card.shared };
                                let parts = [part(result.quantity), part(card.quantity - result.quantity)];
                                card = cards::split(tx, &card, &parts, username, now)?.swap_remove(0);
                            }
                            card.transferred_to = Some(format!("{}（入仓单 {id}）", result.receiver_name));
                            card.transferred_listing_id = Some(id.to_owned());
                        }
                        ResultMethod::SharedUse => {
                            card.shared_with = Some(format!("{}（{}）", result.receiver_name, period()));
                            card.status = crate::domain::card::CardStatus::InUse;
                        }
                        ResultMethod::Lease | ResultMethod::Loan => {
                            card.status = crate::domain::card::CardStatus::Leased;
                            card.lease_end_on = result.until.clone();
                        }
                        ResultMethod::Other => {}
                    }
                }
            }
            _ => {}
        }
    }
    if current.scope != next.scope {
        lines.push(history(
            username,
            "调剂共享范围",
            format!("{} → {}", current.scope.label(), next.scope.label()),
            format!("入仓单 {id}"),
            now,
        ));
    }
    if !next.holds_card() && card.active_listing_id.as_deref() == Some(id) {
        card.active_listing_id = None;
    }
    if current.origin.is_none() {
        cards::update(tx, &card)?;
        cards::record(tx, &card.id, lines)?;
    }
    super::interests::complete_held(tx, &current, &next, now)?;
    put_from(tx, &next, from)?;
    let track = if next.national { format!("，平台：{}", next.national_state.label()) } else { String::new() };
    let detail = match action {
        ListingAction::Extend { .. } => format!("，开放期限至 {}", next.open_until.as_deref().unwrap_or_default()),
        ListingAction::RequestWiden { scope } => format!("，申请扩大至{}", scope.label()),
        ListingAction::ReviewWiden { .. } if current.scope != next.scope => {
            format!("，范围 {} → {}", current.scope.label(), next.scope.label())
        }
        _ => String::new(),
    };
    let summary = format!(
        "{}：{} {}（{}）→ {}{track}{detail}{}",
        action_label(action),
        card.asset_code,
        card.name,
        id,
        next.state.label(),
        next.reason.as_deref().map(|r| format!("，理由：{r}")).unwrap_or_default()
    );
    Ok((
        next,
        AuditEntry::new(action_name(action), format!("listing:{id}"), summary, Some(current.unit_region.to_string())),
    ))
}

fn action_label(action: &ListingAction) -> &'static str {
    match action {
        ListingAction::Submit => "提交入仓申请",
        ListingAction::ReviewEntry { approve: true, .. } => "入仓审批同意",
        ListingAction::ReviewEntry { .. } => "入仓审批不同意",
        ListingAction::RequestExit { .. } => "提交退仓申请",
        ListingAction::ReviewExit { approve: true, .. } => "退仓审批同意",
        ListingAction::ReviewExit { .. } => "退仓审批不同意",
        ListingAction::AuthorityReview { approve: true, .. } => "主管部门审核同意",
        ListingAction::AuthorityReview { .. } => "主管部门驳回",
        ListingAction::SubmitCentral { approve: true, .. } => "报送至中央",
        ListingAction::SubmitCentral { .. } => "省财政厅驳回",
        ListingAction::Cancel => "取消调剂共享",
        ListingAction::RecordResult(_) => "登记调剂结果",
        ListingAction::Extend { .. } => "延期",
        ListingAction::RequestWiden { .. } => "申请扩大调剂共享范围",
        ListingAction::ReviewWiden { approve: true, .. } => "扩大范围审批同意",
        ListingAction::ReviewWiden { .. } => "扩大范围审批不同意",
    }
}

fn action_name(action: &ListingAction) -> &'static str {
    match action {
        ListingAction::Submit => "listing_submitted",
        ListingAction::ReviewEntry { .. } => "listing_entry_reviewed",
        ListingAction::RequestExit { .. } => "listing_exit_requested",
        ListingAction::ReviewExit { .. } => "listing_exit_reviewed",
        ListingAction::AuthorityReview { .. } => "listing_authority_reviewed",
        ListingAction::SubmitCentral { .. } => "listing_submitted_central",
        ListingAction::Cancel => "listing_cancelled",
        ListingAction::RecordResult(_) => "listing_result_recorded",
        ListingAction::Extend { .. } => "listing_extended",
        ListingAction::RequestWiden { .. } => "listing_widen_requested",
        ListingAction::ReviewWiden { .. } => "listing_widen_reviewed",
    }
}
