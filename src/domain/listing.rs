//! Listings (SPEC §5): one card offered in one mode, moving along two tracks — the warehouse
//! track (`state`) and, for listings pushed to the national platform, the platform track
//! (`national_state`). [`transition`] is the only function that changes either: it takes the
//! listing, the actor and the action, and returns the new listing or a typed refusal.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::region::RegionCode;
use super::user::Role;

/// 调剂 or 共享.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 调剂: the asset changes hands.
    Transfer,
    /// 共享: the asset is shared for use.
    Share,
}

/// 调剂共享范围.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// 本部门
    Department,
    /// 本区县
    County,
    /// 本地市
    City,
    /// 本省
    Province,
    /// 全国
    National,
}

impl Scope {
    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Department => "本部门",
            Self::County => "本区县",
            Self::City => "本地市",
            Self::Province => "本省",
            Self::National => "全国",
        }
    }

    /// Whether `to` reaches every unit `self` reaches, and more (扩大范围). 本部门 reaches the same
    /// 主管部门 across the city, so only 本地市 and the platform widen it; 本区县 does not.
    pub fn widens_to(self, to: Scope) -> bool {
        to > self && !(self == Self::Department && to == Self::County)
    }

    /// Scopes a listing may have: local ones unless it goes to the national platform.
    pub fn fits(self, national: bool) -> bool {
        if national {
            matches!(self, Self::Province | Self::National)
        } else {
            !matches!(self, Self::Province | Self::National)
        }
    }
}

/// Where the idle asset comes from (notice 二(二)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 日常闲置
    Routine,
    /// 实体公物仓
    PhysicalWarehouse,
    /// 临时机构
    TemporaryBody,
    /// 大型活动
    Event,
    /// 专项工作
    SpecialTask,
}

/// The warehouse track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 草稿
    Draft,
    /// 入仓待审核
    PendingEntry,
    /// 已退回
    Returned,
    /// 已入仓（公物仓广场）
    Published,
    /// 退仓待审核
    PendingExit,
    /// 已退仓
    Withdrawn,
    /// 已完成（登记调剂结果）
    Completed,
}

/// The platform track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NationalState {
    /// Not on the platform track.
    None,
    /// 待主管部门审核
    PendingAuthority,
    /// 待省财政厅报送
    PendingProvince,
    /// 已报送至中央
    PublishedNational,
    /// 已驳回
    Rejected,
    /// 已取消调剂共享
    Cancelled,
}

impl State {
    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::PendingEntry => "入仓待审核",
            Self::Returned => "已退回",
            Self::Published => "已入仓",
            Self::PendingExit => "退仓待审核",
            Self::Withdrawn => "已退仓",
            Self::Completed => "已完成",
        }
    }
}

impl NationalState {
    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "未报送",
            Self::PendingAuthority => "待主管部门审核",
            Self::PendingProvince => "待省财政厅报送",
            Self::PublishedNational => "已报送至中央",
            Self::Rejected => "已驳回",
            Self::Cancelled => "已取消调剂共享",
        }
    }
}

/// The tabs of 公物仓 › 我的信息.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarehouseGroup {
    /// 已入仓资产 (published, or exit requested).
    InWarehouse,
    /// 待审核/已退回 (draft, pending entry, returned).
    Pending,
    /// 已退仓资产.
    Withdrawn,
    /// 已完成调剂.
    Completed,
}

/// The groups of 调剂共享平台 › 我的信息 (调剂资产 / 共享资产), by platform state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlatformGroup {
    /// 待审核 (authority or province).
    Pending,
    /// 已发布 (published nationally).
    Published,
    /// 已取消 (取消调剂共享).
    Cancelled,
    /// 已完成 (result recorded).
    Completed,
    /// 已驳回.
    Rejected,
}

pub(crate) fn name<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// 登记调剂结果: how the asset went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultMethod {
    /// 无偿调拨
    Allocation,
    /// 共享使用
    SharedUse,
    /// 出租
    Lease,
    /// 出借
    Loan,
    /// 其他
    Other,
}

/// The recorded result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListingResult {
    /// 调剂方式.
    pub method: ResultMethod,
    /// 接收方单位名称.
    pub receiver_name: String,
    /// The receiving unit, when it is a unit of this node.
    pub receiver_unit_id: Option<String>,
    /// The receiver's region, for an outside unit.
    pub receiver_region: Option<String>,
    /// The receiver's budget code, for an outside unit.
    pub receiver_budget_code: Option<String>,
    /// 日期.
    pub date: String,
    /// 数量.
    pub quantity: u32,
    /// 备注.
    pub note: String,
    /// 使用期限至 (共享使用, 出租, 出借), YYYY-MM-DD.
    #[serde(default)]
    pub until: Option<String>,
}

/// A listing as stored. `unit_region` and `unit_department` are copied from the unit so the
/// visibility rule needs no join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// Opaque id.
    pub id: String,
    /// The card offered.
    pub card_id: String,
    /// The offering unit.
    pub unit_id: String,
    /// Its region.
    pub unit_region: RegionCode,
    /// Its 主管部门.
    pub unit_department: String,
    /// 调剂 / 共享.
    pub mode: Mode,
    /// 是否纳入全国调剂共享平台.
    pub national: bool,
    /// 调剂共享范围.
    pub scope: Scope,
    /// 资产描述.
    pub description: String,
    /// 成色 / 状况.
    pub condition: String,
    /// 来源.
    pub source: Source,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// Warehouse track.
    pub state: State,
    /// Platform track.
    pub national_state: NationalState,
    /// The last refusal's reason (退回 / 驳回 / 退仓申请原因).
    pub reason: Option<String>,
    /// The recorded result.
    pub result: Option<ListingResult>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, when it entered the warehouse plaza.
    pub published_at: Option<String>,
    /// RFC 3339.
    pub updated_at: String,
    /// When the province published it on the platform (报送至中央), RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_published_at: Option<String>,
    /// Where a listing received from another node comes from; `None` for this node's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The peers this node has sent it to (this node's bookkeeping, never sent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent_to: Vec<String>,
    /// 洽谈中: held for the unit whose interest the clerk accepted (see `domain::interest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<super::interest::Hold>,
    /// 开放期限至 (`YYYY-MM-DD`): the clerk's own end of the offer; without it the node's stale
    /// period counts from `offered_since` (see [`Listing::due_on`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_until: Option<String>,
    /// When the current offer period started, if not at publication (a widened scope starts a new
    /// one), RFC 3339 (a date in records written before 2026-11-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_since: Option<String>,
    /// 扩大调剂共享范围 awaiting the unit's reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_change: Option<ScopeChange>,
}

/// A clerk's request to widen a published listing's scope (本部门 → 本区县 → 本地市 → 全国平台),
/// approved by the unit's reviewer like an entry request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScopeChange {
    /// The requested scope; 本省 or 全国 means joining the national platform (then reviewed by the
    /// authority as any platform listing).
    pub scope: Scope,
    /// RFC 3339.
    pub requested_at: String,
}

/// The longest an offer may be extended or set open ahead of today (开放期限).
pub const MAX_OPEN_DAYS: u32 = 366;

/// The provenance of a listing or demand received from another node (SPEC §9). Its ids carry
/// the origin node's id (`L12@210100-3fa2c91b`), so they never collide with this node's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Origin {
    /// The node where the unit keeps its ledger.
    pub node: String,
    /// The node's name, e.g. 沈阳市财政局公物仓.
    pub node_name: String,
    /// The offering (or needing) unit's name.
    pub unit_name: String,
    /// The peer it arrived from (this node's bookkeeping).
    #[serde(default)]
    pub via: String,
    /// When it first arrived here, RFC 3339 (this node's bookkeeping; a later update keeps it).
    #[serde(default)]
    pub received_at: String,
}

/// Who acts, as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Role.
    pub role: Role,
    /// Unit of a clerk or reviewer.
    pub unit_id: Option<String>,
    /// The region the actor acts for.
    pub region: RegionCode,
}

/// The fields a clerk fills in (选择资产 → 完善信息).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ListingFields {
    /// 调剂 / 共享.
    pub mode: Mode,
    /// 是否纳入全国调剂共享平台.
    pub national: bool,
    /// 调剂共享范围.
    pub scope: Scope,
    /// 资产描述.
    #[serde(default)]
    pub description: String,
    /// 成色 / 状况.
    #[serde(default)]
    pub condition: String,
    /// 来源.
    pub source: Source,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 开放期限至 (`YYYY-MM-DD`), optional.
    #[serde(default)]
    pub open_until: Option<String>,
}

impl ListingFields {
    /// Checks the fields on their own.
    pub fn validate(&self) -> Result<(), DomainError> {
        if !self.scope.fits(self.national) {
            return Err(DomainError::invalid(if self.national {
                "纳入全国调剂共享平台的资产，调剂共享范围应为本省或全国"
            } else {
                "未纳入全国平台的资产，调剂共享范围应为本部门、本区县或本地市"
            }));
        }
        if self.contact_name.trim().is_empty() || self.contact_phone.trim().is_empty() {
            return Err(DomainError::invalid("请填写联系人和联系电话，便于需求方联系"));
        }
        if self.description.chars().count() > 500 || self.condition.chars().count() > 200 {
            return Err(DomainError::invalid("资产描述不超过 500 字，状况不超过 200 字"));
        }
        Ok(())
    }
}

/// What an actor asks to do to a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingAction {
    /// 提交入仓申请 (clerk, from draft or returned).
    Submit,
    /// 入仓审批 (reviewer).
    ReviewEntry {
        /// 同意 / 不同意.
        approve: bool,
        /// Required when refusing.
        reason: Option<String>,
    },
    /// 退仓申请 (clerk, from published).
    RequestExit {
        /// Why.
        reason: String,
    },
    /// 退仓审批 (reviewer).
    ReviewExit {
        /// 同意 / 不同意.
        approve: bool,
        /// Required when refusing.
        reason: Option<String>,
    },
    /// 调整调剂共享范围 / 审核同意 (authority of the unit's region).
    AuthorityReview {
        /// 审核同意 / 驳回.
        approve: bool,
        /// The final scope (province or national).
        scope: Option<Scope>,
        /// Required when refusing.
        reason: Option<String>,
    },
    /// 报送至中央 (province).
    SubmitCentral {
        /// 报送 / 驳回.
        approve: bool,
        /// Required when refusing.
        reason: Option<String>,
    },
    /// 取消调剂共享 (clerk, after the exit was approved).
    Cancel,
    /// 登记调剂结果 (clerk, on a published listing).
    RecordResult(ListingResult),
    /// 延期: a new 开放期限 (clerk, on a published listing).
    Extend {
        /// The new last day of the offer, `YYYY-MM-DD`.
        until: String,
    },
    /// 扩大范围 申请 (clerk, on a published local listing).
    RequestWiden {
        /// The wider scope.
        scope: Scope,
    },
    /// 扩大范围 审批 (reviewer).
    ReviewWiden {
        /// 同意 / 不同意.
        approve: bool,
        /// Required when refusing.
        reason: Option<String>,
    },
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor's role or unit may not do this (403).
    NotAllowed(String),
    /// The listing is not in the state the action needs (409, with the state).
    WrongState {
        /// What to do instead, in Chinese.
        message: String,
        /// The current state.
        state: String,
    },
    /// The input is not acceptable (422).
    Invalid(String),
}

impl From<Refusal> for DomainError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::NotAllowed(m) => DomainError::Forbidden(m),
            Refusal::WrongState { message, state } => DomainError::Conflict { message, state: Some(state) },
            Refusal::Invalid(m) => DomainError::Invalid(m),
        }
    }
}

fn own_clerk(listing: &Listing, actor: &Actor) -> Result<(), Refusal> {
    if actor.role == Role::Clerk && actor.unit_id.as_deref() == Some(listing.unit_id.as_str()) {
        Ok(())
    } else {
        Err(Refusal::NotAllowed("只有本单位经办岗可以办理此项".to_owned()))
    }
}

fn own_reviewer(listing: &Listing, actor: &Actor) -> Result<(), Refusal> {
    if actor.role == Role::Reviewer && actor.unit_id.as_deref() == Some(listing.unit_id.as_str()) {
        Ok(())
    } else {
        Err(Refusal::NotAllowed("只有本单位审核岗可以审批".to_owned()))
    }
}

fn wrong(listing: &Listing, message: &str) -> Refusal {
    let state = if matches!(listing.state, State::Published | State::PendingExit | State::Withdrawn) && listing.national
    {
        format!("{}/{}", name(listing.state), name(listing.national_state))
    } else {
        name(listing.state)
    };
    Refusal::WrongState { message: message.to_owned(), state }
}

fn reason(reason: &Option<String>) -> Result<String, Refusal> {
    match reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() <= 200 => Ok(r.to_owned()),
        Some(_) => Err(Refusal::Invalid("理由不超过 200 字".to_owned())),
        None => Err(Refusal::Invalid("不同意或驳回时须填写理由，经办岗据此修改".to_owned())),
    }
}

/// The one function that moves a listing. `now` is RFC 3339.
pub fn transition(listing: &Listing, actor: &Actor, action: &ListingAction, now: &str) -> Result<Listing, Refusal> {
    let mut next = listing.clone();
    next.updated_at = now.to_owned();
    match action {
        ListingAction::Submit => {
            own_clerk(listing, actor)?;
            if !matches!(listing.state, State::Draft | State::Returned) {
                return Err(wrong(listing, "只有草稿或已退回的入仓申请可以提交"));
            }
            next.state = State::PendingEntry;
            next.reason = None;
        }
        ListingAction::ReviewEntry { approve, reason: why } => {
            own_reviewer(listing, actor)?;
            if listing.state != State::PendingEntry {
                return Err(wrong(listing, "该入仓申请已处理或尚未提交"));
            }
            if *approve {
                next.state = State::Published;
                next.published_at = Some(now.to_owned());
                next.reason = None;
                if listing.national {
                    next.national_state = NationalState::PendingAuthority;
                }
            } else {
                next.state = State::Returned;
                next.reason = Some(reason(why)?);
            }
        }
        ListingAction::RequestExit { reason: why } => {
            own_clerk(listing, actor)?;
            if listing.state != State::Published {
                return Err(wrong(listing, "只有已入仓的资产可以申请退仓"));
            }
            if listing.scope_change.is_some() {
                return Err(wrong(listing, "该资产有待审批的扩大范围申请，请待本单位审核岗审批后再申请退仓"));
            }
            next.state = State::PendingExit;
            next.reason = Some(reason(&Some(why.clone())).map_err(|_| Refusal::Invalid("请填写退仓原因".to_owned()))?);
        }
        ListingAction::ReviewExit { approve, reason: why } => {
            own_reviewer(listing, actor)?;
            if listing.state != State::PendingExit {
                return Err(wrong(listing, "该退仓申请已处理或尚未提交"));
            }
            if *approve {
                next.state = State::Withdrawn;
                // Nothing was published nationally yet: the platform request ends with the exit.
                if matches!(listing.national_state, NationalState::PendingAuthority | NationalState::PendingProvince) {
                    next.national_state = NationalState::Cancelled;
                }
            } else {
                next.state = State::Published;
                next.reason = Some(reason(why)?);
            }
        }
        ListingAction::AuthorityReview { approve, scope, reason: why } => {
            if actor.role != Role::Authority || !actor.region.contains(&listing.unit_region) {
                return Err(Refusal::NotAllowed("只有该单位所在地区的资产管理行政主管部门可以审核".to_owned()));
            }
            if listing.national_state != NationalState::PendingAuthority
                || !matches!(listing.state, State::Published | State::PendingExit)
            {
                return Err(wrong(listing, "该资产不在待主管部门审核状态"));
            }
            if *approve {
                let scope = scope.unwrap_or(listing.scope);
                if !scope.fits(true) {
                    return Err(Refusal::Invalid("纳入全国平台的资产，调剂共享范围应为本省或全国".to_owned()));
                }
                next.scope = scope;
                next.national_state = NationalState::PendingProvince;
                next.reason = None;
            } else {
                next.national_state = NationalState::Rejected;
                next.reason = Some(reason(why)?);
            }
        }
        ListingAction::SubmitCentral { approve, reason: why } => {
            if actor.role != Role::Province || !actor.region.contains(&listing.unit_region) {
                return Err(Refusal::NotAllowed(
                    "报送至中央由省财政厅（省级节点的省级用户）办理；主管部门审核同意后，资产即等待省财政厅报送"
                        .to_owned(),
                ));
            }
            if listing.national_state != NationalState::PendingProvince
                || !matches!(listing.state, State::Published | State::PendingExit)
            {
                return Err(wrong(listing, "该资产不在待省财政厅报送状态"));
            }
            if *approve {
                next.national_state = NationalState::PublishedNational;
                next.national_published_at = Some(now.to_owned());
                next.reason = None;
            } else {
                next.national_state = NationalState::Rejected;
                next.reason = Some(reason(why)?);
            }
        }
        ListingAction::Cancel => {
            own_clerk(listing, actor)?;
            if listing.state != State::Withdrawn {
                return Err(wrong(listing, "请先提交退仓申请，经审核岗同意后再取消调剂共享"));
            }
            if !listing.national || matches!(listing.national_state, NationalState::Cancelled | NationalState::None) {
                return Err(wrong(listing, "该资产已不在调剂共享平台上，可直接修改资产卡片"));
            }
            next.national_state = NationalState::Cancelled;
        }
        ListingAction::RecordResult(result) => {
            own_clerk(listing, actor)?;
            if listing.state != State::Published {
                return Err(wrong(listing, "只有已发布的资产可以登记调剂结果"));
            }
            if result.receiver_name.trim().is_empty() {
                return Err(Refusal::Invalid("请填写接收方单位名称".to_owned()));
            }
            if result.quantity == 0 {
                return Err(Refusal::Invalid("数量应为正整数".to_owned()));
            }
            next.state = State::Completed;
            next.result = Some(result.clone());
            if matches!(listing.national_state, NationalState::PendingAuthority | NationalState::PendingProvince) {
                next.national_state = NationalState::Cancelled;
            }
        }
        ListingAction::Extend { until } => {
            own_clerk(listing, actor)?;
            if listing.state != State::Published {
                return Err(wrong(listing, "只有已入仓的资产可以延期"));
            }
            next.open_until = Some(open_until(until, now)?);
        }
        ListingAction::RequestWiden { scope } => {
            own_clerk(listing, actor)?;
            if listing.state != State::Published {
                return Err(wrong(listing, "只有已入仓的资产可以扩大调剂共享范围"));
            }
            if listing.national {
                return Err(wrong(listing, "该资产已申请纳入全国调剂共享平台，其范围由主管部门审核确定"));
            }
            if listing.scope_change.is_some() {
                return Err(wrong(listing, "该资产已提交扩大范围申请，请等待本单位审核岗审批"));
            }
            if !listing.scope.widens_to(*scope) {
                return Err(Refusal::Invalid(format!(
                    "新的范围应覆盖当前的“{}”并更大（本区县 → 本地市 → 全国调剂共享平台；本部门可扩大至本地市或全国调剂共享平台）",
                    listing.scope.label()
                )));
            }
            next.scope_change = Some(ScopeChange { scope: *scope, requested_at: now.to_owned() });
        }
        ListingAction::ReviewWiden { approve, reason: why } => {
            own_reviewer(listing, actor)?;
            let Some(change) = listing.scope_change.as_ref().filter(|_| listing.state == State::Published) else {
                return Err(wrong(listing, "该资产没有待审批的扩大范围申请"));
            };
            next.scope_change = None;
            if *approve {
                next.scope = change.scope;
                if change.scope.fits(true) {
                    next.national = true;
                    next.national_state = NationalState::PendingAuthority;
                }
                // A new audience, a new offer period.
                next.offered_since = Some(now.to_owned());
                next.open_until = None;
                next.reason = None;
            } else {
                next.reason = Some(reason(why)?);
            }
        }
    }
    // A hold ends with the listing's time on offer (a result, or 退仓).
    if matches!(next.state, State::Completed | State::Withdrawn) {
        next.hold = None;
    }
    // 退仓 or a result supersedes a pending widening.
    if next.state != State::Published {
        next.scope_change = None;
    }
    Ok(next)
}

/// A 开放期限 the clerk chose on `now`'s day: a valid date from today to [`MAX_OPEN_DAYS`] ahead.
fn open_until(until: &str, now: &str) -> Result<String, Refusal> {
    let today = now.get(..10).and_then(super::clock::parse_date);
    let Some(date) = super::clock::parse_date(until) else {
        return Err(Refusal::Invalid(format!("开放期限“{until}”无效，应为 YYYY-MM-DD")));
    };
    if let Some(today) = today {
        if date < today {
            return Err(Refusal::Invalid("开放期限不能早于今天".to_owned()));
        }
        if (date - today).whole_days() > i64::from(MAX_OPEN_DAYS) {
            return Err(Refusal::Invalid(format!("开放期限最长为 {MAX_OPEN_DAYS} 天，请选择一年以内的日期")));
        }
    }
    Ok(super::clock::format_date(date))
}

/// Checks a result against the card it concerns on `today`: a valid date not in the future, a
/// period for 出租 / 出借 that ends after it starts, and no more than the card's quantity.
pub fn check_result(result: &ListingResult, card_quantity: u32, today: &str) -> Result<(), Refusal> {
    let Some(date) = super::clock::parse_date(&result.date) else {
        return Err(Refusal::Invalid(format!("日期“{}”无效，应为 YYYY-MM-DD", result.date)));
    };
    if super::clock::parse_date(today).is_some_and(|today| date > today) {
        return Err(Refusal::Invalid("调剂日期不能晚于今天：请在交接完成后登记调剂结果".to_owned()));
    }
    if result.quantity > card_quantity {
        return Err(Refusal::Invalid(format!(
            "数量 {} 超过资产卡片的数量 {card_quantity}；只调剂其中一部分的，请先在资产卡片中办理拆分",
            result.quantity
        )));
    }
    let until = result.until.as_deref().map(str::trim).filter(|u| !u.is_empty());
    if matches!(result.method, ResultMethod::Lease | ResultMethod::Loan) && until.is_none() {
        return Err(Refusal::Invalid("出租、出借须填写期限（使用期限至）".to_owned()));
    }
    if let Some(until) = until {
        match super::clock::parse_date(until) {
            Some(end) if end >= date => {}
            Some(_) => return Err(Refusal::Invalid("使用期限应晚于调剂日期".to_owned())),
            None => return Err(Refusal::Invalid(format!("使用期限“{until}”无效，应为 YYYY-MM-DD"))),
        }
    }
    Ok(())
}

/// Whether the clerk may delete (删除) a request that never reached the plaza: a draft or a
/// returned request of the own unit. Deleting frees the card; the audit log and the card's
/// history keep the record.
pub fn may_discard(listing: &Listing, actor: &Actor) -> Result<(), Refusal> {
    own_clerk(listing, actor)?;
    if !matches!(listing.state, State::Draft | State::Returned) {
        return Err(wrong(listing, "只有草稿或已退回的入仓申请可以删除；已入仓的资产请办理退仓"));
    }
    Ok(())
}

/// Who may read and print the 资产调剂交接单 of a listing: the clerks and reviewers of both units,
/// and the authority or province of either unit's region; once the result is recorded.
pub fn may_read_handover(listing: &Listing, actor: &Actor) -> Result<(), Refusal> {
    let result = listing.result.as_ref();
    let receiver_unit = result.and_then(|r| r.receiver_unit_id.as_deref());
    let receiver_region = result.and_then(|r| r.receiver_region.as_deref()).and_then(|r| RegionCode::parse(r).ok());
    let allowed = match actor.role {
        Role::Clerk | Role::Reviewer => {
            actor.unit_id.as_deref().is_some_and(|u| u == listing.unit_id || Some(u) == receiver_unit)
        }
        Role::Authority | Role::Province => {
            actor.region.contains(&listing.unit_region) || receiver_region.is_some_and(|r| actor.region.contains(&r))
        }
        _ => false,
    };
    if !allowed {
        return Err(Refusal::NotAllowed(
            "只有调出、调入双方单位及其所在地区的主管部门可以查看资产调剂交接单".to_owned(),
        ));
    }
    if listing.state != State::Completed || result.is_none() {
        return Err(wrong(listing, "登记调剂结果后才能打印资产调剂交接单"));
    }
    Ok(())
}

/// The part of a card's value (in fen) that `part` of its `whole` items carry: the whole value
/// when all are handed over, otherwise rounded down to the fen.
pub fn value_share(value_fen: i64, part: u32, whole: u32) -> i64 {
    if whole == 0 || part >= whole {
        return value_fen;
    }
    (i128::from(value_fen) * i128::from(part) / i128::from(whole)) as i64
}

/// A clerk's edit of a draft or returned request.
pub fn edit(listing: &Listing, actor: &Actor, fields: &ListingFields, now: &str) -> Result<Listing, Refusal> {
    own_clerk(listing, actor)?;
    if !matches!(listing.state, State::Draft | State::Returned) {
        return Err(wrong(listing, "只有草稿或已退回的入仓申请可以修改；已入仓的资产请先申请退仓"));
    }
    fields.validate().map_err(|e| Refusal::Invalid(e.to_string()))?;
    let mut next = listing.clone();
    next.mode = fields.mode;
    next.national = fields.national;
    next.scope = fields.scope;
    next.description = fields.description.trim().to_owned();
    next.condition = fields.condition.trim().to_owned();
    next.source = fields.source;
    next.contact_name = fields.contact_name.trim().to_owned();
    next.contact_phone = fields.contact_phone.trim().to_owned();
    next.open_until = match fields.open_until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(until) => Some(open_until(until, now)?),
        None => None,
    };
    next.updated_at = now.to_owned();
    Ok(next)
}

/// A new entry request (入仓申请) for a card of the clerk's unit; `publishable` is the card's
/// SPEC §4 test.
#[allow(clippy::too_many_arguments)]
pub fn create(
    id: String,
    card_id: String,
    publishable: bool,
    unit_id: &str,
    unit_region: RegionCode,
    unit_department: String,
    actor: &Actor,
    fields: &ListingFields,
    now: &str,
) -> Result<Listing, Refusal> {
    if actor.role != Role::Clerk || actor.unit_id.as_deref() != Some(unit_id) {
        return Err(Refusal::NotAllowed("只有本单位经办岗可以提交入仓申请".to_owned()));
    }
    if !publishable {
        return Err(Refusal::WrongState {
            message: "该资产不可发布：只有闲置、待处置、低效运转或共享共用，且不在公物仓中的资产可以入仓；如已在公物仓中，请先提交退仓申请".to_owned(),
            state: "not_publishable".to_owned(),
        });
    }
    let draft = Listing {
        id,
        card_id,
        unit_id: unit_id.to_owned(),
        unit_region,
        unit_department,
        mode: fields.mode,
        national: fields.national,
        scope: fields.scope,
        description: String::new(),
        condition: String::new(),
        source: fields.source,
        contact_name: String::new(),
        contact_phone: String::new(),
        state: State::Draft,
        national_state: NationalState::None,
        reason: None,
        result: None,
        created_at: now.to_owned(),
        published_at: None,
        updated_at: now.to_owned(),
        national_published_at: None,
        origin: None,
        sent_to: Vec::new(),
        hold: None,
        open_until: None,
        offered_since: None,
        scope_change: None,
    };
    edit(&draft, actor, fields, now)
}

/// The reviewer's decision as the action it decides: the request the listing waits for — its
/// 退仓 (also a second look at one just approved), a 扩大范围, or its 入仓.
pub fn review_of(listing: &Listing, approve: bool, reason: Option<String>) -> ListingAction {
    if matches!(listing.state, State::PendingExit | State::Withdrawn) {
        ListingAction::ReviewExit { approve, reason }
    } else if listing.state == State::Published && listing.scope_change.is_some() {
        ListingAction::ReviewWiden { approve, reason }
    } else {
        ListingAction::ReviewEntry { approve, reason }
    }
}

/// The actions the actor may take on the listing on `now` (the UI shows these buttons). Computed
/// by asking [`transition`] itself, so it can never disagree with the rules.
pub fn allowed_actions(listing: &Listing, actor: &Actor, now: &str) -> Vec<&'static str> {
    let why = Some("理由".to_owned());
    let sample = ListingResult {
        method: ResultMethod::Other,
        receiver_name: "x".to_owned(),
        receiver_unit_id: None,
        receiver_region: None,
        receiver_budget_code: None,
        date: String::new(),
        quantity: 1,
        note: String::new(),
        until: None,
    };
    let candidates = [
        ("submit", ListingAction::Submit),
        ("review", ListingAction::ReviewEntry { approve: true, reason: why.clone() }),
        ("review", ListingAction::ReviewExit { approve: true, reason: why.clone() }),
        ("review", ListingAction::ReviewWiden { approve: true, reason: why.clone() }),
        ("exit", ListingAction::RequestExit { reason: "理由".to_owned() }),
        ("authority_review", ListingAction::AuthorityReview { approve: true, scope: None, reason: why.clone() }),
        ("submit_central", ListingAction::SubmitCentral { approve: true, reason: why }),
        ("cancel", ListingAction::Cancel),
        ("result", ListingAction::RecordResult(sample)),
        ("extend", ListingAction::Extend { until: now.get(..10).unwrap_or_default().to_owned() }),
        ("widen", ListingAction::RequestWiden { scope: Scope::National }),
    ];
    let mut actions: Vec<&'static str> =
        candidates.iter().filter(|(_, a)| transition(listing, actor, a, now).is_ok()).map(|(n, _)| *n).collect();
    if may_discard(listing, actor).is_ok() {
        actions.insert(0, "edit");
        actions.push("discard");
    }
    if may_read_handover(listing, actor).is_ok() {
        actions.push("handover");
    }
    actions.dedup();
    actions
}

impl Listing {
    /// Whether the listing holds its card (the card cannot be listed again or edited in the
    /// fields the listing shows): from draft until it is completed, or withdrawn and off the
    /// platform.
    pub fn holds_card(&self) -> bool {
        match self.state {
            State::Completed => false,
            State::Withdrawn => {
                self.national
                    && matches!(
                        self.national_state,
                        NationalState::PendingAuthority
                            | NationalState::PendingProvince
                            | NationalState::PublishedNational
                    )
            }
            _ => true,
        }
    }

    /// Its tab in 公物仓 › 我的信息.
    pub fn warehouse_group(&self) -> WarehouseGroup {
        match self.state {
            State::Published | State::PendingExit => WarehouseGroup::InWarehouse,
            State::Draft | State::PendingEntry | State::Returned => WarehouseGroup::Pending,
            State::Withdrawn => WarehouseGroup::Withdrawn,
            State::Completed => WarehouseGroup::Completed,
        }
    }

    /// Its group in 调剂共享平台 › 我的信息; `None` when it is not on the platform track (yet).
    pub fn platform_group(&self) -> Option<PlatformGroup> {
        if !self.national {
            return None;
        }
        if self.state == State::Completed {
            return Some(PlatformGroup::Completed);
        }
        match self.national_state {
            NationalState::None => None,
            NationalState::PendingAuthority | NationalState::PendingProvince => Some(PlatformGroup::Pending),
            NationalState::PublishedNational => Some(PlatformGroup::Published),
            NationalState::Cancelled => Some(PlatformGroup::Cancelled),
            NationalState::Rejected => Some(PlatformGroup::Rejected),
        }
    }

    /// Whether it is held for a unit today (洽谈中): then it is not in the plazas' available view.
    pub fn reserved(&self, today: &str) -> bool {
        super::interest::active_hold(self, today).is_some()
    }

    /// The first day it counts as 长期未调剂共享 (stale): the day after its 开放期限, or
    /// `stale_days` after the start of its offer period. `None` before publication.
    pub fn due_on(&self, stale_days: u32) -> Option<String> {
        match &self.open_until {
            Some(until) => super::clock::add_days(until, 1),
            None => {
                let since = self.offered_since.as_deref().or(self.published_at.as_deref()).and_then(|p| p.get(..10))?;
                super::clock::add_days(since, stale_days)
            }
        }
    }

    /// Whether the offering unit's clerk must decide on it today (SPEC §5, 长期未调剂共享的资产应及时
    /// 予以清理): published here past its due day, not in negotiation, no widening pending. The
    /// choices are 延期, 扩大范围 and 退仓.
    pub fn stale(&self, today: &str, stale_days: u32) -> bool {
        self.state == State::Published
            && self.origin.is_none()
            && self.scope_change.is_none()
            && !self.reserved(today)
            && self.due_on(stale_days).is_some_and(|due| today >= due.as_str())
    }

    /// Whether it shows in the warehouse plaza (公物仓广场).
    pub fn in_warehouse_plaza(&self) -> bool {
        matches!(self.state, State::Published | State::PendingExit)
    }

    /// Whether this node's own listing is in the warehouse now or already transferred or shared
    /// through it (what 盘点情况 counts as an idle card that reached the warehouse).
    pub fn reached_warehouse(&self) -> bool {
        self.origin.is_none() && (self.in_warehouse_plaza() || self.state == State::Completed)
    }

    /// Whether it is on offer to this node's units: its own in the warehouse plaza, or one received
    /// from another node while it is published on the platform.
    pub fn offered_here(&self) -> bool {
        self.in_warehouse_plaza() && (self.origin.is_none() || self.national_state == NationalState::PublishedNational)
    }
}

/// The viewer of a plaza.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Role.
    pub role: Role,
    /// The viewer's unit (clerk, reviewer).
    pub unit_id: Option<String>,
    /// The unit's region, or the region the viewer acts for.
    pub region: RegionCode,
    /// The unit's 主管部门.
    pub department: Option<String>,
}

/// SPEC §7: a listing of unit U with scope S is visible to a viewer of unit V when V is in the
/// same department (S = department), county, city, province as U, or always (S = national).
/// Authorities (and province and national users) see their whole region; a unit sees its own.
pub fn visible(listing: &Listing, viewer: &Viewer) -> bool {
    scope_visible(&listing.unit_id, &listing.unit_region, &listing.unit_department, listing.scope, viewer)
}

/// The rule of [`visible`] for anything a unit publishes with a scope (listings, demands).
pub fn scope_visible(
    unit_id: &str,
    unit_region: &RegionCode,
    unit_department: &str,
    scope: Scope,
    viewer: &Viewer,
) -> bool {
    if viewer.unit_id.as_deref() == Some(unit_id) {
        return true;
    }
    match viewer.role {
        Role::Authority | Role::Province | Role::National => {
            if viewer.region.contains(unit_region) {
                return true;
            }
        }
        Role::Admin => return false,
        Role::Clerk | Role::Reviewer => {}
    }
    let (u, v) = (unit_region.as_str(), viewer.region.as_str());
    match scope {
        Scope::Department => viewer.department.as_deref() == Some(unit_department) && u[..4] == v[..4],
        Scope::County => u == v,
        Scope::City => u[..4] == v[..4],
        Scope::Province => u[..2] == v[..2],
        Scope::National => true,
    }
}

#[cfg(test)]
mod tests;
