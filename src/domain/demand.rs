//! Demands (需求, SPEC §6): a unit's asset need with concrete indicator requirements, and the
//! matching of published listings against it. `draft → pending_review → published → closed`: the
//! clerk drafts and submits, the unit reviewer adjusts the scope and publishes (报送至中央 for a
//! national scope), the clerk closes it once the need is met (及时清理需求信息).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::card::AssetCard;
use super::clock;
use super::listing::{Listing, Scope, Viewer, scope_visible, visible};
use super::reference::Reference;
use super::region::RegionCode;
use super::user::Role;

/// A demand as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// Opaque id.
    pub id: String,
    /// The unit in need.
    pub unit_id: String,
    /// Its region.
    pub unit_region: RegionCode,
    /// Its 主管部门.
    pub unit_department: String,
    /// The fields the clerk entered.
    #[serde(flatten)]
    pub fields: DemandFields,
    /// State.
    pub state: DemandState,
    /// Why it was closed.
    pub close_reason: Option<CloseReason>,
    /// The reviewer's reason when returned.
    pub reason: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub published_at: Option<String>,
    /// RFC 3339.
    pub updated_at: String,
    /// When its clerk last looked at the matching listings (RFC 3339): listings published later
    /// are "new matches" on the to-do.
    #[serde(default)]
    pub matches_seen_at: Option<String>,
    /// Where a demand received from another node comes from; `None` for this node's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<super::listing::Origin>,
    /// The peers this node has sent it to (this node's bookkeeping, never sent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent_to: Vec<String>,
}

/// What a clerk fills in (需求发布).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DemandFields {
    /// GB/T 14885 code.
    pub category: String,
    /// 需求名称.
    pub name: String,
    /// 数量.
    pub quantity: u32,
    /// 技术指标.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// 单价预算, fen.
    #[serde(default)]
    pub budget_per_unit_fen: i64,
    /// 期望日期.
    pub expected_on: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 调剂共享范围.
    pub scope: Scope,
}

impl DemandFields {
    /// Checks the fields.
    pub fn validate(&self, reference: &Reference) -> Result<(), DomainError> {
        if reference.category(self.category.trim()).is_none_or(|c| c.level == 0) {
            return Err(DomainError::invalid(format!("资产分类代码“{}”不在 GB/T 14885-2022 分类表中", self.category)));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 60 {
            return Err(DomainError::invalid("需求名称不能为空，且不超过 60 个字"));
        }
        if self.quantity == 0 {
            return Err(DomainError::invalid("需求数量应为正整数"));
        }
        if !(0..=super::card::MAX_VALUE_FEN).contains(&self.budget_per_unit_fen) {
            return Err(DomainError::invalid("单价预算应为 0 至 100 亿元"));
        }
        if clock::parse_date(&self.expected_on).is_none() {
            return Err(DomainError::invalid(format!("期望日期“{}”无效，应为 YYYY-MM-DD", self.expected_on)));
        }
        if self.contact_name.trim().is_empty() || self.contact_phone.trim().is_empty() {
            return Err(DomainError::invalid("请填写联系人和联系电话，便于供给方联系"));
        }
        if self.indicators.len() > 20
            || self
                .indicators
                .iter()
                .any(|i| i.key.trim().is_empty() || i.key.chars().count() > 20 || i.value.chars().count() > 60)
        {
            return Err(DomainError::invalid("指标要求最多 20 条，每条须有指标名称（20 字内）和要求（60 字内）"));
        }
        Ok(())
    }
}

impl From<DemandRefusal> for DomainError {
    fn from(r: DemandRefusal) -> Self {
        match r {
            DemandRefusal::NotAllowed(m) => DomainError::Forbidden(m.to_owned()),
            DemandRefusal::Invalid(m) => DomainError::invalid(m),
            DemandRefusal::WrongState(m, state) => DomainError::Conflict {
                message: m.to_owned(),
                state: serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_owned)),
            },
        }
    }
}

/// Applies an action to a demand (the state rule is [`next_state`]); `now` is RFC 3339.
pub fn apply(
    demand: &Demand,
    role: Role,
    actor_unit: Option<&str>,
    action: &DemandAction,
    now: &str,
) -> Result<Demand, DemandRefusal> {
    let state = next_state(demand.state, &demand.unit_id, role, actor_unit, action)?;
    let mut next = demand.clone();
    next.state = state;
    next.updated_at = now.to_owned();
    match action {
        DemandAction::Submit => next.reason = None,
        DemandAction::Publish { scope } => {
            if let Some(scope) = scope {
                next.fields.scope = *scope;
            }
            next.published_at = Some(now.to_owned());
        }
        DemandAction::Return { reason } => next.reason = Some(reason.trim().to_owned()),
        DemandAction::Close { reason } => next.close_reason = Some(*reason),
    }
    Ok(next)
}

/// The actions the actor may take now, asked of [`next_state`].
pub fn allowed_actions(demand: &Demand, role: Role, actor_unit: Option<&str>) -> Vec<&'static str> {
    let mut actions = Vec::new();
    let can = |a: DemandAction| next_state(demand.state, &demand.unit_id, role, actor_unit, &a).is_ok();
    if can(DemandAction::Submit) {
        actions.push("edit");
    }
    if can(DemandAction::Publish { scope: None }) {
        actions.push("review");
    }
    if can(DemandAction::Close { reason: CloseReason::Cancelled }) {
        actions.push("close");
    }
    actions
}

/// The demand's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandState {
    /// 草稿
    Draft,
    /// 待审核
    PendingReview,
    /// 已发布
    Published,
    /// 已关闭
    Closed,
}

impl DemandState {
    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::PendingReview => "待审核",
            Self::Published => "已发布",
            Self::Closed => "已关闭",
        }
    }
}

/// Why a demand was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// 已通过公物仓调剂解决
    MetByListing,
    /// 已采购
    Purchased,
    /// 需求取消
    Cancelled,
}

/// One indicator requirement, e.g. `CPU` ≥ `i5`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Indicator {
    /// 指标, e.g. 内存.
    pub key: String,
    /// 要求, e.g. ≥ 8G.
    pub value: String,
}

/// What an actor asks of a demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemandAction {
    /// 提交 (clerk, from draft).
    Submit,
    /// 调整范围并发布 / 报送至中央 (reviewer, from pending review).
    Publish {
        /// The final scope, when the reviewer changes it.
        scope: Option<Scope>,
    },
    /// 退回 (reviewer, with a reason).
    Return {
        /// Why.
        reason: String,
    },
    /// 关闭 (clerk, from draft or published).
    Close {
        /// Why.
        reason: CloseReason,
    },
}

/// A refusal: not allowed (403) or not in the needed state (409, with the state's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemandRefusal {
    /// The actor may not act on this demand.
    NotAllowed(&'static str),
    /// The demand is not in the needed state.
    WrongState(&'static str, DemandState),
    /// Bad input.
    Invalid(&'static str),
}

/// The next state of a demand of `unit_id` when `role` of `actor_unit` asks for `action`.
pub fn next_state(
    state: DemandState,
    unit_id: &str,
    role: Role,
    actor_unit: Option<&str>,
    action: &DemandAction,
) -> Result<DemandState, DemandRefusal> {
    let own = actor_unit == Some(unit_id);
    match action {
        DemandAction::Submit => {
            if role != Role::Clerk || !own {
                return Err(DemandRefusal::NotAllowed("只有本单位经办岗可以提交需求"));
            }
            match state {
                DemandState::Draft => Ok(DemandState::PendingReview),
                other => Err(DemandRefusal::WrongState("只有草稿可以提交", other)),
            }
        }
        DemandAction::Publish { .. } | DemandAction::Return { .. } => {
            if role != Role::Reviewer || !own {
                return Err(DemandRefusal::NotAllowed("只有本单位审核岗可以审核需求"));
            }
            if state != DemandState::PendingReview {
                return Err(DemandRefusal::WrongState("该需求已处理或尚未提交", state));
            }
            match action {
                DemandAction::Return { reason } if reason.trim().is_empty() => {
                    Err(DemandRefusal::Invalid("退回时须填写理由"))
                }
                DemandAction::Return { .. } => Ok(DemandState::Draft),
                _ => Ok(DemandState::Published),
            }
        }
        DemandAction::Close { .. } => {
            if role != Role::Clerk || !own {
                return Err(DemandRefusal::NotAllowed("只有本单位经办岗可以关闭需求"));
            }
            match state {
                DemandState::Draft | DemandState::Published => Ok(DemandState::Closed),
                other => Err(DemandRefusal::WrongState("待审核或已关闭的需求不能关闭", other)),
            }
        }
    }
}

/// What a listing offers, for matching.
#[derive(Debug, Clone)]
pub struct Offer<'a> {
    /// GB/T 14885 code.
    pub category: &'a str,
    /// Name, spec, brand and description, for keyword overlap.
    pub text: String,
    /// Where the offering unit is.
    pub region: &'a RegionCode,
}

impl<'a> Offer<'a> {
    /// What a listing of `card` offers.
    pub fn of(card: &'a AssetCard, listing: &'a Listing) -> Self {
        Self {
            category: &card.category,
            text: format!("{} {} {} {}", card.name, card.spec, card.brand, listing.description),
            region: &listing.unit_region,
        }
    }
}

/// The listings among `listings` that could meet `demand` for a viewer: published in the plazas,
/// of another unit, visible to `viewer`, and fitting by [`match_reasons`]; best first, newest
/// first among equals. `card_of` finds a listing's card.
pub fn fitting_listings<'a>(
    demand: &Demand,
    viewer: &Viewer,
    listings: impl IntoIterator<Item = &'a Listing>,
    card_of: impl Fn(&str) -> Option<&'a AssetCard>,
) -> Vec<(&'a Listing, u32, Vec<String>)> {
    let need = Need {
        unit_id: &demand.unit_id,
        category: &demand.fields.category,
        name: &demand.fields.name,
        region: &demand.unit_region,
    };
    fitting_offers(&need, viewer, listings, card_of)
}

/// What a unit needs, for matching: a demand, or a line of its configuration budget.
#[derive(Debug, Clone, Copy)]
pub struct Need<'a> {
    /// The needing unit (its own listings never fit).
    pub unit_id: &'a str,
    /// GB/T 14885 code.
    pub category: &'a str,
    /// 资产名称 (and spec words), for keyword overlap.
    pub name: &'a str,
    /// Where the unit is.
    pub region: &'a RegionCode,
}

/// The listings among `listings` that could meet `need` for `viewer` (the needing unit's view):
/// offered here, of another unit, visible, fitting by [`match_reasons`]; best first, newest first
/// among equals.
pub fn fitting_offers<'a>(
    need: &Need<'_>,
    viewer: &Viewer,
    listings: impl IntoIterator<Item = &'a Listing>,
    card_of: impl Fn(&str) -> Option<&'a AssetCard>,
) -> Vec<(&'a Listing, u32, Vec<String>)> {
    let mut found: Vec<_> = listings
        .into_iter()
        .filter(|l| l.offered_here() && l.unit_id != need.unit_id && visible(l, viewer))
        .filter_map(|l| {
            let offer = Offer::of(card_of(&l.card_id)?, l);
            let (score, reasons) = match_reasons(need.category, need.name, need.region, &offer)?;
            Some((l, score, reasons))
        })
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.published_at.cmp(&a.0.published_at)).then(a.0.id.cmp(&b.0.id)));
    found
}

/// The published demands among `demands` that a listing of `card` could meet, as `viewer` sees
/// them (other units' demands within their scope); best first.
pub fn fitting_demands<'a>(
    listing: &Listing,
    card: &AssetCard,
    viewer: &Viewer,
    demands: impl IntoIterator<Item = &'a Demand>,
) -> Vec<(&'a Demand, u32, Vec<String>)> {
    let offer = Offer::of(card, listing);
    let mut found: Vec<_> = demands
        .into_iter()
        .filter(|d| d.state == DemandState::Published && d.unit_id != listing.unit_id)
        .filter(|d| scope_visible(&d.unit_id, &d.unit_region, &d.unit_department, d.fields.scope, viewer))
        .filter_map(|d| {
            let (score, reasons) = match_reasons(&d.fields.category, &d.fields.name, &d.unit_region, &offer)?;
            Some((d, score, reasons))
        })
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.published_at.cmp(&a.0.published_at)).then(a.0.id.cmp(&b.0.id)));
    found
}

/// Whether the matches of `demand` include listings published after its clerk last looked.
pub fn has_new_matches(demand: &Demand, fitting: &[(&Listing, u32, Vec<String>)]) -> bool {
    fitting.iter().any(|(l, _, _)| match (&demand.matches_seen_at, &l.published_at) {
        (None, _) => true,
        (Some(seen), Some(published)) => published > seen,
        (Some(_), None) => false,
    })
}

/// Only the demand's own clerk marks its matches as seen.
pub fn may_mark_seen(demand: &Demand, role: Role, actor_unit: Option<&str>) -> Result<(), DemandRefusal> {
    if role == Role::Clerk && actor_unit == Some(demand.unit_id.as_str()) {
        Ok(())
    } else {
        Err(DemandRefusal::NotAllowed("只有本单位经办岗可以查看需求的匹配结果"))
    }
}

/// Why a listing fits a demand (shown to the user), best first; `None` when it does not fit.
/// A fit needs the same category (the longer the shared code prefix, the better) or a keyword
/// of the demand's name in the listing's text; nearer regions rank first.
pub fn match_reasons(category: &str, name: &str, region: &RegionCode, offer: &Offer<'_>) -> Option<(u32, Vec<String>)> {
    // GB/T 14885 codes: A02 大类, A0202 中类, A020210 小类, A02021003 the category itself.
    let shared = category.chars().zip(offer.category.chars()).take_while(|(a, b)| a == b).count();
    let (words, weight) = shared_phrases(name, &offer.text);
    if shared < 7 && words.is_empty() {
        // Only the broad class in common (办公设备 for a printer and a shredder): no fit.
        return None;
    }
    let mut score = 0;
    let mut reasons = Vec::new();
    if shared >= 9 {
        score += 60;
        reasons.push("资产分类相同".to_owned());
    } else if shared >= 7 {
        score += 40;
        reasons.push("属同一小类".to_owned());
    } else if shared >= 5 {
        score += 20;
        reasons.push("属同一中类".to_owned());
    }
    if !words.is_empty() {
        score += 10 * weight;
        reasons.push(format!("名称相符：{}", words.join("、")));
    }
    if score == 0 {
        return None;
    }
    let (a, b) = (region.as_str(), offer.region.as_str());
    let (bonus, place) = if a == b {
        (15, "同一区县")
    } else if a[..4] == b[..4] {
        (10, "同一地市")
    } else if a[..2] == b[..2] {
        (5, "同一省份")
    } else {
        (0, "外省")
    };
    reasons.push(place.to_owned());
    Some((score + bonus, reasons))
}

/// The longest pieces of a demand's name found in a listing's text, as people would name them
/// (台式计算机, not 台式、式计、计算、算机): Chinese runs of two or more characters, taken greedily
/// from the left, and ASCII words such as model numbers. The weight counts the two-character
/// steps and words covered, so a longer shared name ranks higher.
pub fn shared_phrases(name: &str, text: &str) -> (Vec<String>, u32) {
    let mut chars: Vec<char> = Vec::new();
    // Indices (into `chars`) that follow a space: word starts.
    let mut breaks: Vec<usize> = Vec::new();
    for c in name.chars() {
        if c.is_whitespace() {
            breaks.push(chars.len());
        } else {
            chars.push(c);
        }
    }
    let mut last_end = usize::MAX;
    let mut phrases: Vec<String> = Vec::new();
    let mut weight = 0;
    let mut i = 0;
    while i + 1 < chars.len() {
        let mut best = None;
        let mut j = i + 2;
        while j <= chars.len() && chars[i..j].iter().all(|c| !c.is_ascii()) {
            let piece: String = chars[i..j].iter().collect();
            if !text.contains(piece.as_str()) {
                break;
            }
            best = Some((j, piece));
            j += 1;
        }
        // Two characters in the middle of a word (印机 of 复印机 against 打印机) say nothing.
        let at_word_start = i == 0 || chars[i - 1].is_ascii() || breaks.contains(&i) || last_end == i;
        let best = best.filter(|(end, _)| end - i >= 3 || at_word_start);
        match best {
            Some((end, piece)) => {
                weight += (end - i - 1) as u32;
                if !phrases.contains(&piece) {
                    phrases.push(piece);
                }
                i = end;
                last_end = end;
            }
            None => i += 1,
        }
    }
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 2) {
        if text.contains(word) && !phrases.iter().any(|w| w == word) {
            phrases.push(word.to_owned());
            weight += 1;
        }
    }
    (phrases, weight)
}

#[cfg(test)]
mod tests;
