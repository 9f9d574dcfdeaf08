//! 意向登记 and 洽谈中 (SPEC §5, the notice's 二(五): "已达成调剂意向、正在调剂或已调剂完成的资产应及时下架").
//!
//! A unit that wants a listed asset registers an interest; the offering unit's clerk works the
//! queue oldest first and accepts one: the listing is then held (洽谈中) for that unit and leaves
//! the plazas' available view until a result is recorded, the hold is released, or it lapses
//! after the node's hold period. A lapsed hold is not written anywhere: [`Hold::active`] and
//! [`effective`] read it off the date, so every view agrees without a background job.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::listing::{Actor, Listing, Origin, Refusal, State};
use super::user::Role;

/// Default days an accepted interest holds the listing without a result (洽谈期限).
pub const DEFAULT_HOLD_DAYS: u32 = 30;

/// Where an interest stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterestState {
    /// 待处理: waiting in the queue.
    Open,
    /// 已接受（洽谈中）: the listing is held for this unit.
    Accepted,
    /// 未采纳: declined by the offering unit, or closed because the asset went elsewhere.
    Declined,
    /// 已过期: accepted, but no result within the hold period.
    Lapsed,
    /// 已撤回 by the interested unit.
    Withdrawn,
    /// 已调剂: the result was recorded for this interest.
    Completed,
}

impl InterestState {
    /// The label the UI shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "待处理",
            Self::Accepted => "洽谈中",
            Self::Declined => "未采纳",
            Self::Lapsed => "已过期",
            Self::Withdrawn => "已撤回",
            Self::Completed => "已调剂",
        }
    }
}

/// An interest as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interest {
    /// Opaque id, `I1`, `I2`, …
    pub id: String,
    /// The listing it is for.
    pub listing_id: String,
    /// The offering unit (the listing's), so its queue needs no join.
    pub listing_unit_id: String,
    /// The interested unit.
    pub unit_id: String,
    /// 拟调入数量.
    pub quantity: u32,
    /// 拟用途.
    pub purpose: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 备注.
    pub note: String,
    /// As stored; [`effective`] gives what it means today.
    pub state: InterestState,
    /// RFC 3339.
    pub created_at: String,
    /// When it was accepted, declined, withdrawn or completed, RFC 3339.
    pub decided_at: Option<String>,
    /// Why it was declined or released.
    pub reason: Option<String>,
    /// The last day of the hold, `YYYY-MM-DD` (accepted interests).
    pub hold_until: Option<String>,
    /// Where an interest registered at another node comes from (its unit's node and name); none
    /// for this node's own units' interests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// The hold an accepted interest puts on its listing (洽谈中).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Hold {
    /// The accepted interest.
    pub interest_id: String,
    /// The unit it is held for.
    pub unit_id: String,
    /// RFC 3339.
    pub since: String,
    /// The last day, `YYYY-MM-DD`.
    pub until: String,
}

impl Hold {
    /// Whether the hold still stands on `today` (`YYYY-MM-DD` or RFC 3339).
    pub fn active(&self, today: &str) -> bool {
        today.get(..10).is_some_and(|day| day <= self.until.as_str())
    }
}

/// What the interested unit fills in.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InterestFields {
    /// 拟调入数量.
    pub quantity: u32,
    /// 拟用途.
    pub purpose: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 备注.
    #[serde(default)]
    pub note: String,
}

/// The listing's hold that stands today, if any.
pub fn active_hold<'a>(listing: &'a Listing, today: &str) -> Option<&'a Hold> {
    listing.hold.as_ref().filter(|h| h.active(today) && listing.state == State::Published)
}

/// What an interest means today: an accepted one whose hold ran out has lapsed, and an open one
/// on a listing that is no longer on offer is closed with the reason.
pub fn effective(interest: &Interest, listing: Option<&Listing>, today: &str) -> (InterestState, Option<String>) {
    let on_offer = listing.is_some_and(|l| matches!(l.state, State::Published | State::PendingExit));
    match interest.state {
        InterestState::Accepted => {
            let Some(listing) = listing else {
                return (InterestState::Declined, Some("资产已不在公物仓中".to_owned()));
            };
            let hold = listing.hold.as_ref().filter(|h| h.interest_id == interest.id);
            match listing.state {
                State::Completed => (InterestState::Declined, Some("资产已调剂给其他单位".to_owned())),
                State::Withdrawn => (InterestState::Declined, Some("资产已退仓".to_owned())),
                _ if hold.is_some_and(|h| h.active(today)) => (InterestState::Accepted, None),
                _ => (InterestState::Lapsed, Some("洽谈期限已过，未登记调剂结果，资产已重新开放".to_owned())),
            }
        }
        InterestState::Open if !on_offer => {
            let why = match listing.map(|l| l.state) {
                Some(State::Completed) => "资产已调剂完成",
                Some(State::Withdrawn) => "资产已退仓",
                _ => "资产已不在公物仓中",
            };
            (InterestState::Declined, Some(why.to_owned()))
        }
        state => (state, interest.reason.clone()),
    }
}

impl InterestFields {
    /// The fields, trimmed, or why they cannot be registered; `available` is the card's quantity.
    pub fn checked(&self, available: u32) -> Result<Self, DomainError> {
        let purpose = self.purpose.trim();
        let name = self.contact_name.trim();
        let phone = self.contact_phone.trim();
        let note = self.note.trim();
        if self.quantity == 0 || self.quantity > available {
            return Err(DomainError::invalid(format!("拟调入数量应在 1 至 {available} 之间")));
        }
        if purpose.is_empty() || purpose.chars().count() > 200 {
            return Err(DomainError::invalid("请填写拟用途（不超过 200 字），便于资产所属单位判断"));
        }
        if name.is_empty() || phone.is_empty() || name.chars().count() > 30 || phone.chars().count() > 40 {
            return Err(DomainError::invalid("请填写联系人和联系电话，便于资产所属单位联系"));
        }
        if note.chars().count() > 500 {
            return Err(DomainError::invalid("备注不超过 500 字"));
        }
        Ok(Self {
            quantity: self.quantity,
            purpose: purpose.to_owned(),
            contact_name: name.to_owned(),
            contact_phone: phone.to_owned(),
            note: note.to_owned(),
        })
    }
}

/// Whether `actor` may register an interest in `listing` at all (a clerk of another unit, on a
/// published listing of this node or of another node, where the interest travels by bundle);
/// gives the actor's unit.
pub fn may_register(listing: &Listing, actor: &Actor) -> Result<String, Refusal> {
    let Some(unit_id) = actor.unit_id.clone().filter(|_| actor.role == Role::Clerk) else {
        return Err(Refusal::NotAllowed("只有单位经办岗可以登记调剂意向".to_owned()));
    };
    if unit_id == listing.unit_id {
        return Err(Refusal::Invalid("不能对本单位的资产登记调剂意向".to_owned()));
    }
    if listing.state != State::Published {
        return Err(Refusal::WrongState {
            message: "只能对公物仓中在架的资产登记调剂意向".to_owned(),
            state: super::listing::name(listing.state),
        });
    }
    Ok(unit_id)
}

/// 登记意向: [`may_register`], and at most one open or accepted interest per unit (the caller
/// checks that the listing is visible to the actor).
pub fn register(
    id: String,
    listing: &Listing,
    actor: &Actor,
    fields: InterestFields,
    existing: &[Interest],
    now: &str,
) -> Result<Interest, Refusal> {
    let unit_id = may_register(listing, actor)?;
    let today = &now[..now.len().min(10)];
    if let Some(mine) = existing.iter().find(|i| {
        i.unit_id == unit_id
            && matches!(effective(i, Some(listing), today).0, InterestState::Open | InterestState::Accepted)
    }) {
        return Err(Refusal::WrongState {
            message: format!(
                "本单位已登记过对该资产的调剂意向（{}），无需重复登记",
                effective(mine, Some(listing), today).0.label()
            ),
            state: "registered".to_owned(),
        });
    }
    Ok(Interest {
        id,
        listing_id: listing.id.clone(),
        listing_unit_id: listing.unit_id.clone(),
        unit_id,
        quantity: fields.quantity,
        purpose: fields.purpose,
        contact_name: fields.contact_name,
        contact_phone: fields.contact_phone,
        note: fields.note,
        state: InterestState::Open,
        created_at: now.to_owned(),
        decided_at: None,
        reason: None,
        hold_until: None,
        origin: None,
    })
}

/// Why an interest that arrived from another node cannot be registered in `listing` of this node
/// (the rules [`register`] applies to this node's own units): the listing on offer to the
/// platform and reaching the unit's region, the fields as a clerk must fill them, one open or
/// accepted interest per unit. `existing` are the listing's interests here.
pub fn check_remote(
    listing: &Listing,
    interest: &Interest,
    unit_region: &super::region::RegionCode,
    available: u32,
    existing: &[Interest],
    today: &str,
) -> Result<(), String> {
    use super::listing::{NationalState, Scope};
    let reaches = listing.national
        && listing.national_state == NationalState::PublishedNational
        && (listing.scope == Scope::National || listing.unit_region.as_str().get(..2) == unit_region.as_str().get(..2));
    if listing.state != State::Published || !reaches {
        return Err("该资产已不在调剂共享平台上，意向未能登记".to_owned());
    }
    if super::clock::parse_rfc3339(&interest.created_at).is_none() {
        return Err("意向的登记时间无效".to_owned());
    }
    let fields = InterestFields {
        quantity: interest.quantity,
        purpose: interest.purpose.clone(),
        contact_name: interest.contact_name.clone(),
        contact_phone: interest.contact_phone.clone(),
        note: interest.note.clone(),
    };
    fields.checked(available).map_err(|e| e.to_string())?;
    if existing.iter().any(|i| {
        i.unit_id == interest.unit_id
            && i.id != interest.id
            && matches!(effective(i, Some(listing), today).0, InterestState::Open | InterestState::Accepted)
    }) {
        return Err("该单位已登记过对该资产的调剂意向".to_owned());
    }
    Ok(())
}

/// What the offering clerk or the interested clerk does with an interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterestAction {
    /// 接受意向: the listing is held for the unit for `hold_days`.
    Accept {
        /// The node's hold period.
        hold_days: u32,
    },
    /// 不予采纳 (an open interest) or 结束洽谈 (an accepted one), with a reason.
    Decline {
        /// Why, shown to the interested unit.
        reason: String,
    },
    /// 撤回意向 (the interested unit).
    Withdraw,
}

/// The one function that moves an interest; returns it and its listing as they become.
pub fn act(
    interest: &Interest,
    listing: &Listing,
    actor: &Actor,
    action: &InterestAction,
    now: &str,
) -> Result<(Interest, Listing), Refusal> {
    let today = &now[..now.len().min(10)];
    let (state, _) = effective(interest, Some(listing), today);
    let mut next = interest.clone();
    let mut listing_next = listing.clone();
    next.decided_at = Some(now.to_owned());
    let holds_this = listing.hold.as_ref().is_some_and(|h| h.interest_id == interest.id);
    match action {
        InterestAction::Accept { hold_days } => {
            offering_clerk(listing, actor)?;
            if state != InterestState::Open {
                return Err(wrong_state(state, "只能接受待处理的调剂意向"));
            }
            if listing.state != State::Published {
                return Err(Refusal::WrongState {
                    message: "资产已不在架，不能接受调剂意向".to_owned(),
                    state: super::listing::name(listing.state),
                });
            }
            if let Some(hold) = active_hold(listing, today) {
                return Err(Refusal::WrongState {
                    message: format!("该资产正与其他单位洽谈中（至 {}），请先登记调剂结果或结束该洽谈", hold.until),
                    state: "reserved".to_owned(),
                });
            }
            let until =
                super::clock::add_days(today, *hold_days).ok_or_else(|| Refusal::Invalid("日期无效".to_owned()))?;
            next.state = InterestState::Accepted;
            next.hold_until = Some(until.clone());
            next.reason = None;
            listing_next.hold = Some(Hold {
                interest_id: interest.id.clone(),
                unit_id: interest.unit_id.clone(),
                since: now.to_owned(),
                until,
            });
        }
        InterestAction::Decline { reason } => {
            offering_clerk(listing, actor)?;
            if !matches!(state, InterestState::Open | InterestState::Accepted) {
                return Err(wrong_state(state, "该调剂意向已处理"));
            }
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > 200 {
                return Err(Refusal::Invalid(
                    "请填写不予采纳或结束洽谈的原因（不超过 200 字），对方单位可以看到".to_owned(),
                ));
            }
            next.state = InterestState::Declined;
            next.reason = Some(reason.to_owned());
            if holds_this {
                listing_next.hold = None;
            }
        }
        InterestAction::Withdraw => {
            if actor.role != Role::Clerk || actor.unit_id.as_deref() != Some(interest.unit_id.as_str()) {
                return Err(Refusal::NotAllowed("只有登记意向的单位经办岗可以撤回".to_owned()));
            }
            if !matches!(state, InterestState::Open | InterestState::Accepted) {
                return Err(wrong_state(state, "该调剂意向已处理，无需撤回"));
            }
            next.state = InterestState::Withdrawn;
            // Another node's listing is released by its own node when the withdrawal arrives.
            if holds_this && listing.origin.is_none() {
                listing_next.hold = None;
            }
        }
    }
    if listing_next != *listing {
        listing_next.updated_at = now.to_owned();
    }
    Ok((next, listing_next))
}

/// When a result is recorded on a held listing for the held unit, its interest is completed.
pub fn completed_by_result(interest: &Interest, now: &str) -> Interest {
    Interest { state: InterestState::Completed, decided_at: Some(now.to_owned()), ..interest.clone() }
}

fn offering_clerk(listing: &Listing, actor: &Actor) -> Result<(), Refusal> {
    if actor.role == Role::Clerk && actor.unit_id.as_deref() == Some(listing.unit_id.as_str()) {
        Ok(())
    } else {
        Err(Refusal::NotAllowed("只有资产所属单位的经办岗可以处理调剂意向".to_owned()))
    }
}

fn wrong_state(state: InterestState, message: &str) -> Refusal {
    Refusal::WrongState { message: format!("{message}（当前：{}）", state.label()), state: name(state) }
}

fn name(state: InterestState) -> String {
    serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// `YYYY-MM-DD` plus `days`.
#[cfg(test)]
mod tests;
