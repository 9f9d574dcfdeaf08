//! 意向登记 and 洽谈中: interests stored by id; registering one and acting on it are each one
//! write transaction with its audit event. The rules are `domain::interest`'s.

use crate::domain::DomainError;
use crate::domain::audit::AuditEntry;
use crate::domain::interest::{self, Interest, InterestAction, InterestFields};
use crate::domain::listing::{self, Actor, Listing, Viewer};

use super::tables::INTERESTS;
use super::{Read, Result, Tx};

/// An interest by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Interest>> {
    r.get(INTERESTS, id)
}

/// Stores an interest, and sends it to the peers that must learn of it (an interest in a listing
/// of another node travels to that node, and its decision back); `from` is the peer the change
/// came from, if it came from one.
pub fn put_from(tx: &Tx, interest: &Interest, from: Option<&str>) -> Result<()> {
    super::relay::interest_changed(tx, interest, from)?;
    tx.put(INTERESTS, &interest.id, interest)
}

/// Every interest.
pub fn all(r: &impl Read) -> Result<Vec<Interest>> {
    r.scan(INTERESTS)
}

/// The queue of a listing, oldest first.
pub fn of_listing(r: &impl Read, listing_id: &str) -> Result<Vec<Interest>> {
    Ok(oldest_first(all(r)?.into_iter().filter(|i| i.listing_id == listing_id).collect()))
}

/// What a unit has registered, newest first.
pub fn of_unit(r: &impl Read, unit_id: &str) -> Result<Vec<Interest>> {
    let mut found = oldest_first(all(r)?.into_iter().filter(|i| i.unit_id == unit_id).collect());
    found.reverse();
    Ok(found)
}

/// Interests in the listings of `unit_id` (the offering unit's to-do).
pub fn for_unit_listings(r: &impl Read, unit_id: &str) -> Result<Vec<Interest>> {
    Ok(oldest_first(all(r)?.into_iter().filter(|i| i.listing_unit_id == unit_id).collect()))
}

/// `interests` sorted oldest first (registration time, then id), the order of a queue.
pub fn oldest_first(mut interests: Vec<Interest>) -> Vec<Interest> {
    interests.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| id_number(&a.id).cmp(&id_number(&b.id))));
    interests
}

fn id_number(id: &str) -> u64 {
    id.trim_start_matches('I').parse().unwrap_or(u64::MAX)
}

fn listing_of(tx: &Tx, id: &str) -> Result<Listing> {
    super::listings::get(tx, id)?.ok_or_else(|| DomainError::NotFound("资产不存在或已删除".to_owned()).into())
}

/// 登记调剂意向 on a listing `viewer` can see.
pub fn register(
    tx: &Tx,
    listing_id: &str,
    actor: &Actor,
    viewer: &Viewer,
    fields: &InterestFields,
    now: &str,
) -> Result<(Interest, AuditEntry)> {
    let listing = listing_of(tx, listing_id)?;
    if !listing::visible(&listing, viewer) {
        return Err(DomainError::NotFound("资产不存在或已删除".to_owned()).into());
    }
    let card =
        super::relay::card_of(tx, &listing)?.ok_or_else(|| DomainError::NotFound("入仓资产的卡片不存在".to_owned()))?;
    let fields = fields.checked(card.quantity)?;
    let existing = of_listing(tx, listing_id)?;
    let id = tx.next_id("I")?;
    let created = interest::register(id, &listing, actor, fields, &existing, now).map_err(DomainError::from)?;
    put_from(tx, &created, None)?;
    let summary = format!(
        "登记调剂意向：{} {}（{}），拟调入 {} 件，用途：{}（{}）",
        card.asset_code, card.name, listing.id, created.quantity, created.purpose, created.id
    );
    let entry = AuditEntry::new(
        "interest_registered",
        format!("listing:{}", listing.id),
        summary,
        Some(listing.unit_region.to_string()),
    );
    Ok((created, entry))
}

/// Accepts, declines or withdraws an interest, changing its listing's hold with it. Someone who is
/// neither the offering nor the interested unit is told it does not exist.
pub fn act(tx: &Tx, id: &str, actor: &Actor, action: &InterestAction, now: &str) -> Result<(Interest, AuditEntry)> {
    let not_found = || DomainError::NotFound("调剂意向不存在".to_owned());
    let current = get(tx, id)?.ok_or_else(not_found)?;
    let involved = [current.unit_id.as_str(), current.listing_unit_id.as_str()];
    if !actor.unit_id.as_deref().is_some_and(|u| involved.contains(&u)) {
        return Err(not_found().into());
    }
    let listing = listing_of(tx, &current.listing_id)?;
    let (next, listing_next) = interest::act(&current, &listing, actor, action, now).map_err(DomainError::from)?;
    put_from(tx, &next, None)?;
    if listing_next != listing {
        super::listings::put(tx, &listing_next)?;
    }
    let name = super::relay::card_of(tx, &listing)?.map(|c| format!("{} {}", c.asset_code, c.name)).unwrap_or_default();
    let (kind, what) = match action {
        InterestAction::Accept { .. } => {
            ("interest_accepted", format!("接受调剂意向，洽谈中至 {}", next.hold_until.as_deref().unwrap_or("")))
        }
        InterestAction::Decline { reason } if current.state == interest::InterestState::Accepted => {
            ("interest_declined", format!("结束洽谈，原因：{reason}"))
        }
        InterestAction::Decline { reason } => ("interest_declined", format!("不予采纳调剂意向，原因：{reason}")),
        InterestAction::Withdraw => ("interest_withdrawn", "撤回调剂意向".to_owned()),
    };
    let summary = format!("{what}：{name}（{}，意向 {id}）", listing.id);
    Ok((next, AuditEntry::new(kind, format!("listing:{}", listing.id), summary, Some(listing.unit_region.to_string()))))
}

/// Called when a result is recorded: the interest the listing was held for is completed when the
/// result names its unit as the receiver (a unit of another node by its name).
pub fn complete_held(tx: &Tx, before: &Listing, after: &Listing, now: &str) -> Result<()> {
    let (Some(hold), Some(result)) = (&before.hold, &after.result) else { return Ok(()) };
    if after.state != listing::State::Completed {
        return Ok(());
    }
    let Some(held) = get(tx, &hold.interest_id)?.filter(|i| i.state == interest::InterestState::Accepted) else {
        return Ok(());
    };
    let receives = match &held.origin {
        None => result.receiver_unit_id.as_deref() == Some(hold.unit_id.as_str()),
        Some(origin) => {
            let named = result.receiver_name.trim();
            result.receiver_unit_id.is_none()
                && (named == origin.unit_name || named == format!("{}（{}）", origin.unit_name, origin.node_name))
        }
    };
    if receives {
        put_from(tx, &interest::completed_by_result(&held, now), None)?;
    }
    Ok(())
}
