//! 低效闲置资产盘点 (the notice's 二(二): "各级行政事业单位应及时开展低效闲置资产盘点工作，将低效运转、
//! 闲置资产信息录入虚拟公物仓"): a clerk opens a stocktake of the whole unit, a using department or
//! a location subtree; its checklist is frozen then; clerks check each card on the spot (found or
//! missing, status now, where it really is, a note) and record what they find that is not on
//! the list (盘盈); the clerk submits, the unit's reviewer approves or returns it. The rules are
//! here; `store::stocktakes` keeps the tasks, one write transaction per action.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::card::{AssetCard, CardStatus};
use super::listing::{Actor, Refusal};
use super::location::LocationTree;
use super::photo::Photo;
use super::user::Role;

/// What a stocktake covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StocktakeScope {
    /// 全单位.
    Unit,
    /// 一个使用部门.
    Department {
        /// 使用部门, as on the cards.
        name: String,
    },
    /// 一个存放地点及其下级（院落 › 楼栋 › 楼层 › 房间）.
    Location {
        /// The location.
        location_id: String,
    },
}

/// Where a stocktake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StocktakeState {
    /// 盘点中 (also after the reviewer returned it).
    Checking,
    /// 待审核.
    Submitted,
    /// 已审核生效: the changes are in the ledger.
    Applied,
    /// 已作废.
    Cancelled,
}

impl StocktakeState {
    /// The label the UI shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Checking => "盘点中",
            Self::Submitted => "待审核",
            Self::Applied => "已生效",
            Self::Cancelled => "已作废",
        }
    }

    fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

/// What a clerk found for one card of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LineCheck {
    /// 实物在 (false: 盘亏, not found).
    pub found: bool,
    /// 使用状态 found (when found).
    pub status: Option<CardStatus>,
    /// Where it really is, when not where the ledger says.
    pub location_id: Option<String>,
    /// 备注.
    pub note: String,
    /// Who checked it (username).
    pub checked_by: String,
    /// RFC 3339.
    pub checked_at: String,
}

/// One card of the frozen checklist: the ledger's facts when the stocktake opened, and the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StocktakeLine {
    /// The card.
    pub card_id: String,
    /// 资产编号.
    pub asset_code: String,
    /// 资产名称.
    pub name: String,
    /// 规格型号.
    pub spec: String,
    /// 资产分类.
    pub category: String,
    /// 数量.
    pub quantity: u32,
    /// 计量单位.
    pub measure_unit: String,
    /// 原值, fen.
    pub original_value_fen: i64,
    /// 使用状态 in the ledger.
    pub status: CardStatus,
    /// 存放地点 in the ledger.
    pub location_id: Option<String>,
    /// 使用部门.
    pub using_department: String,
    /// 使用人.
    pub custodian: String,
    /// The card's `updated_at` when frozen: a later change to the card is shown at review.
    pub card_updated_at: String,
    /// The check, once made.
    pub check: Option<LineCheck>,
    /// Photos taken on the spot; added to the card when the stocktake takes effect.
    #[serde(default)]
    pub photos: Vec<Photo>,
}

/// 盘盈: an asset found that is not on the list, with its facts, for the ledger's follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Surplus {
    /// `P1`, `P2`, … within the stocktake.
    pub id: String,
    /// 资产名称.
    pub name: String,
    /// 资产分类 (GB/T 14885), if known.
    pub category: String,
    /// 规格型号.
    pub spec: String,
    /// 数量.
    pub quantity: u32,
    /// 存放地点.
    pub location_id: Option<String>,
    /// 使用状态 found.
    pub status: CardStatus,
    /// 备注 (e.g. 疑似某卡片, 无标签).
    pub note: String,
    /// Photos taken on the spot.
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// Who found it.
    pub found_by: String,
    /// RFC 3339.
    pub found_at: String,
}

/// A stocktake as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stocktake {
    /// `ST1`, `ST2`, …
    pub id: String,
    /// The unit.
    pub unit_id: String,
    /// 盘点任务名称.
    pub title: String,
    /// What it covers.
    pub scope: StocktakeScope,
    /// 完成期限, `YYYY-MM-DD`.
    pub due_on: String,
    /// Where it stands.
    pub state: StocktakeState,
    /// The frozen checklist, in location then asset-code order.
    pub lines: Vec<StocktakeLine>,
    /// 盘盈.
    pub surplus: Vec<Surplus>,
    /// Who opened it (username).
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// When it was last submitted.
    pub submitted_at: Option<String>,
    /// Why the reviewer returned it last.
    pub reason: Option<String>,
    /// Who approved it and when.
    pub reviewed_by: Option<String>,
    /// RFC 3339.
    pub reviewed_at: Option<String>,
    /// The differences as they were applied on approval.
    #[serde(default)]
    pub result: Vec<Difference>,
    /// Entry requests (入仓申请 drafts) made from it.
    #[serde(default)]
    pub entry_requests: Vec<String>,
}

/// What the clerk fills in to open a stocktake.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewStocktake {
    /// 盘点任务名称 (default: the scope and the date).
    #[serde(default)]
    pub title: String,
    /// What it covers.
    pub scope: StocktakeScope,
    /// 完成期限, `YYYY-MM-DD`, today or later.
    pub due_on: String,
}

/// What a clerk records for one card.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CheckInput {
    /// 实物在.
    pub found: bool,
    /// 使用状态 found (required when found).
    pub status: Option<CardStatus>,
    /// Where it really is (a location of the unit), when moved.
    pub location_id: Option<String>,
    /// 备注 (≤ 200; required when not found: where it was looked for, who was asked).
    #[serde(default)]
    pub note: String,
}

/// What a clerk records for an asset not on the list.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SurplusInput {
    /// 资产名称.
    pub name: String,
    /// 资产分类, if known.
    #[serde(default)]
    pub category: String,
    /// 规格型号.
    #[serde(default)]
    pub spec: String,
    /// 数量 (≥ 1).
    pub quantity: u32,
    /// 存放地点.
    pub location_id: Option<String>,
    /// 使用状态 found.
    pub status: CardStatus,
    /// 备注.
    #[serde(default)]
    pub note: String,
}

/// Checked n of m.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Progress {
    /// Cards on the list.
    pub total: u64,
    /// Checked.
    pub checked: u64,
    /// Of those, not found (盘亏).
    pub missing: u64,
    /// Of those, found idle, low-efficiency or pending disposal.
    pub found_spare: u64,
    /// Of those, found somewhere else.
    pub moved: u64,
    /// 盘盈.
    pub surplus: u64,
}

/// The most photos kept per line or 盘盈 (as many as a card keeps).
pub const MAX_PHOTOS: usize = super::photo::MAX_CARD_PHOTOS;

fn clerk_of(actor: &Actor, unit_id: &str) -> Result<(), Refusal> {
    if actor.role == Role::Clerk && actor.unit_id.as_deref() == Some(unit_id) {
        Ok(())
    } else {
        Err(Refusal::NotAllowed("只有本单位的资产管理经办岗可以开展盘点".to_owned()))
    }
}

fn checking(task: &Stocktake) -> Result<(), Refusal> {
    if task.state == StocktakeState::Checking {
        Ok(())
    } else {
        Err(Refusal::WrongState {
            message: format!("盘点任务{}，不能再修改盘点记录", task.state.label()),
            state: task.state.name(),
        })
    }
}

fn note(text: &str, required: Option<&str>) -> Result<String, Refusal> {
    let text = text.trim();
    if text.chars().count() > 200 {
        return Err(Refusal::Invalid("备注不超过 200 字".to_owned()));
    }
    if let (true, Some(why)) = (text.is_empty(), required) {
        return Err(Refusal::Invalid(why.to_owned()));
    }
    Ok(text.to_owned())
}

/// Whether a card of the unit is in the scope (in the ledger, not transferred out).
fn covers(scope: &StocktakeScope, card: &AssetCard, subtree: &[String]) -> bool {
    card.transferred_to.is_none()
        && match scope {
            StocktakeScope::Unit => true,
            StocktakeScope::Department { name } => card.using_department == *name,
            StocktakeScope::Location { .. } => card.location_id.as_ref().is_some_and(|l| subtree.contains(l)),
        }
}

/// 新建盘点任务 for the actor's unit: the checklist of the unit's cards in the scope, frozen now, ordered by location
/// path then asset code (the order a person walks the building in).
pub fn open(
    id: String,
    actor: &Actor,
    username: &str,
    input: &NewStocktake,
    cards: &[AssetCard],
    tree: &LocationTree,
    now: &str,
) -> Result<Stocktake, Refusal> {
    let unit_id = actor.unit_id.as_deref().unwrap_or_default();
    clerk_of(actor, unit_id)?;
    let today = now.get(..10).unwrap_or(now);
    let due = super::clock::parse_date(input.due_on.trim())
        .map(super::clock::format_date)
        .ok_or_else(|| Refusal::Invalid("请填写完成期限（YYYY-MM-DD）".to_owned()))?;
    if due.as_str() < today {
        return Err(Refusal::Invalid("完成期限不能早于今天".to_owned()));
    }
    let (subtree, scope_name) = match &input.scope {
        StocktakeScope::Unit => (Vec::new(), "全单位".to_owned()),
        StocktakeScope::Department { name } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(Refusal::Invalid("请选择要盘点的使用部门".to_owned()));
            }
            (Vec::new(), name.to_owned())
        }
        StocktakeScope::Location { location_id } => {
            if tree.path(location_id).is_empty() {
                return Err(Refusal::Invalid("所选存放地点不存在，请重新选择".to_owned()));
            }
            (tree.subtree(location_id), tree.path(location_id))
        }
    };
    let scope = match &input.scope {
        StocktakeScope::Department { name } => StocktakeScope::Department { name: name.trim().to_owned() },
        other => other.clone(),
    };
    let mut lines: Vec<(String, StocktakeLine)> = cards
        .iter()
        .filter(|c| c.unit_id == unit_id && covers(&scope, c, &subtree))
        .map(|c| {
            let path = c.location_id.as_deref().map(|l| tree.path(l)).unwrap_or_default();
            let line = StocktakeLine {
                card_id: c.id.clone(),
                asset_code: c.asset_code.clone(),
                name: c.name.clone(),
                spec: c.spec.clone(),
                category: c.category.clone(),
                quantity: c.quantity,
                measure_unit: c.measure_unit.clone(),
                original_value_fen: c.original_value_fen,
                status: c.status,
                location_id: c.location_id.clone(),
                using_department: c.using_department.clone(),
                custodian: c.custodian.clone(),
                card_updated_at: c.updated_at.clone(),
                check: None,
                photos: Vec::new(),
            };
            (path, line)
        })
        .collect();
    if lines.is_empty() {
        return Err(Refusal::Invalid(format!("{scope_name}没有在账的资产卡片，无需盘点")));
    }
    lines.sort_by(|(pa, a), (pb, b)| pa.cmp(pb).then_with(|| a.asset_code.cmp(&b.asset_code)));
    let title = match input.title.trim() {
        "" => format!("{scope_name}低效闲置资产盘点（{today}）"),
        t if t.chars().count() > 60 => return Err(Refusal::Invalid("盘点任务名称不超过 60 字".to_owned())),
        t => t.to_owned(),
    };
    Ok(Stocktake {
        id,
        unit_id: unit_id.to_owned(),
        title,
        scope,
        due_on: due,
        state: StocktakeState::Checking,
        lines: lines.into_iter().map(|(_, l)| l).collect(),
        surplus: Vec::new(),
        created_by: username.to_owned(),
        created_at: now.to_owned(),
        submitted_at: None,
        reason: None,
        reviewed_by: None,
        reviewed_at: None,
        result: Vec::new(),
        entry_requests: Vec::new(),
    })
}

/// Records (or corrects) the check of one card; `known_location` says whether a location id is
/// one of the unit's.
pub fn check(
    task: &Stocktake,
    card_id: &str,
    actor: &Actor,
    username: &str,
    input: &CheckInput,
    known_location: impl Fn(&str) -> bool,
    now: &str,
) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    let mut next = task.clone();
    let Some(line) = next.lines.iter_mut().find(|l| l.card_id == card_id) else {
        return Err(Refusal::Invalid("该资产不在本次盘点清单中；清单外发现的资产请登记为盘盈".to_owned()));
    };
    let (status, location_id) = if input.found {
        let Some(status) = input.status else {
            return Err(Refusal::Invalid("请选择资产现在的使用状态".to_owned()));
        };
        let location = input.location_id.as_deref().map(str::trim).filter(|l| !l.is_empty());
        if let Some(l) = location
            && !known_location(l)
        {
            return Err(Refusal::Invalid("所选存放地点不存在，请重新选择".to_owned()));
        }
        // The same place as the ledger's is no move.
        let moved = location.filter(|l| line.location_id.as_deref() != Some(*l)).map(str::to_owned);
        (Some(status), moved)
    } else {
        (None, None)
    };
    let note = note(
        &input.note,
        (!input.found).then_some("未找到实物（盘亏）时请在备注中说明查找情况，如查找的地点、询问的人员"),
    )?;
    line.check = Some(LineCheck {
        found: input.found,
        status,
        location_id,
        note,
        checked_by: username.to_owned(),
        checked_at: now.to_owned(),
    });
    Ok(next)
}

/// Where a photo taken on the spot belongs: a card of the list, or a 盘盈.
#[derive(Debug, Clone, Copy)]
pub enum PhotoOf<'a> {
    /// A card of the list.
    Line(&'a str),
    /// A 盘盈.
    Surplus(&'a str),
}

fn photos_of<'t>(task: &'t mut Stocktake, of: PhotoOf<'_>) -> Result<&'t mut Vec<Photo>, Refusal> {
    match of {
        PhotoOf::Line(card_id) => task.lines.iter_mut().find(|l| l.card_id == card_id).map(|l| &mut l.photos),
        PhotoOf::Surplus(id) => task.surplus.iter_mut().find(|s| s.id == id).map(|s| &mut s.photos),
    }
    .ok_or_else(|| Refusal::Invalid("该资产不在本次盘点中".to_owned()))
}

/// Adds a photo taken on the spot (its quality flags as the card photos have them).
pub fn add_photo(task: &Stocktake, of: PhotoOf<'_>, actor: &Actor, photo: Photo) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    let mut next = task.clone();
    let photos = photos_of(&mut next, of)?;
    if photos.iter().any(|p| p.hash == photo.hash) {
        return Err(Refusal::Invalid("这张照片已经上传过".to_owned()));
    }
    if photos.len() >= MAX_PHOTOS {
        return Err(Refusal::Invalid(format!("每项最多 {MAX_PHOTOS} 张照片，请先删除不清晰的照片")));
    }
    photos.push(photo);
    Ok(next)
}

/// Removes a photo taken on the spot.
pub fn remove_photo(task: &Stocktake, of: PhotoOf<'_>, actor: &Actor, hash: &str) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    let mut next = task.clone();
    let photos = photos_of(&mut next, of)?;
    let before = photos.len();
    photos.retain(|p| p.hash != hash);
    if photos.len() == before {
        return Err(Refusal::Invalid("该照片不存在".to_owned()));
    }
    Ok(next)
}

/// Takes back the check of one card (it is to be checked again).
pub fn uncheck(task: &Stocktake, card_id: &str, actor: &Actor) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    let mut next = task.clone();
    let line = next
        .lines
        .iter_mut()
        .find(|l| l.card_id == card_id)
        .ok_or_else(|| Refusal::Invalid("该资产不在本次盘点清单中".to_owned()))?;
    line.check = None;
    Ok(next)
}

/// 登记盘盈: an asset found that is not on the list.
pub fn add_surplus(
    task: &Stocktake,
    actor: &Actor,
    username: &str,
    input: &SurplusInput,
    known_location: impl Fn(&str) -> bool,
    known_category: impl Fn(&str) -> bool,
    now: &str,
) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Refusal::Invalid("请填写盘盈资产的名称（不超过 60 字）".to_owned()));
    }
    if input.quantity == 0 || input.quantity > 100_000 {
        return Err(Refusal::Invalid("盘盈资产的数量应在 1 至 100000 之间".to_owned()));
    }
    let category = input.category.trim();
    if !category.is_empty() && !known_category(category) {
        return Err(Refusal::Invalid("资产分类代码无效，请从分类中选择，或留空由资产管理人员确认".to_owned()));
    }
    if input.spec.trim().chars().count() > 200 {
        return Err(Refusal::Invalid("规格型号不超过 200 字".to_owned()));
    }
    let location_id = input.location_id.as_deref().map(str::trim).filter(|l| !l.is_empty());
    if let Some(l) = location_id
        && !known_location(l)
    {
        return Err(Refusal::Invalid("所选存放地点不存在，请重新选择".to_owned()));
    }
    let mut next = task.clone();
    let number = task.surplus.iter().filter_map(|s| s.id.strip_prefix('P')?.parse::<u32>().ok()).max().unwrap_or(0) + 1;
    next.surplus.push(Surplus {
        id: format!("P{number}"),
        name: name.to_owned(),
        category: category.to_owned(),
        spec: input.spec.trim().to_owned(),
        quantity: input.quantity,
        location_id: location_id.map(str::to_owned),
        status: input.status,
        note: note(&input.note, None)?,
        photos: Vec::new(),
        found_by: username.to_owned(),
        found_at: now.to_owned(),
    });
    Ok(next)
}

/// Removes a 盘盈 entered by mistake.
pub fn remove_surplus(task: &Stocktake, surplus_id: &str, actor: &Actor) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    let mut next = task.clone();
    let before = next.surplus.len();
    next.surplus.retain(|s| s.id != surplus_id);
    if next.surplus.len() == before {
        return Err(Refusal::Invalid("该盘盈记录不存在".to_owned()));
    }
    Ok(next)
}

/// 提交审核: every card of the list checked.
pub fn submit(task: &Stocktake, actor: &Actor, now: &str) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    let left = task.lines.iter().filter(|l| l.check.is_none()).count();
    if left > 0 {
        return Err(Refusal::Invalid(format!("还有 {left} 项资产未盘点，请全部盘点后再提交审核")));
    }
    // A return's reason was for the round it ended; the audit keeps it.
    Ok(Stocktake { state: StocktakeState::Submitted, submitted_at: Some(now.to_owned()), reason: None, ..task.clone() })
}

/// 作废: a stocktake still being checked.
pub fn cancel(task: &Stocktake, actor: &Actor) -> Result<Stocktake, Refusal> {
    clerk_of(actor, &task.unit_id)?;
    checking(task)?;
    Ok(Stocktake { state: StocktakeState::Cancelled, ..task.clone() })
}

/// The progress of a stocktake.
pub fn progress(task: &Stocktake) -> Progress {
    let mut p = Progress { total: task.lines.len() as u64, surplus: task.surplus.len() as u64, ..Progress::default() };
    for check in task.lines.iter().filter_map(|l| l.check.as_ref()) {
        p.checked += 1;
        if !check.found {
            p.missing += 1;
        }
        if check.status.is_some_and(CardStatus::is_spare) {
            p.found_spare += 1;
        }
        if check.location_id.is_some() {
            p.moved += 1;
        }
    }
    p
}

/// What a difference against the ledger is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// 使用状态变更.
    Status,
    /// 存放地点变更.
    Moved,
    /// 盘亏: not found; listed for the follow-up the ledger rules require, never deleted.
    Missing,
    /// 盘盈: found, not on the list; listed for the follow-up, never created silently.
    Surplus,
    /// 新照片 taken on the spot, added to the card.
    Photos,
}

/// One difference between the stocktake and the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Difference {
    /// The card (none for a 盘盈).
    pub card_id: Option<String>,
    /// 资产编号 (the 盘盈's own id).
    pub asset_code: String,
    /// 资产名称.
    pub name: String,
    /// What it is.
    pub kind: DifferenceKind,
    /// The ledger's value (a status label, a location id), if any.
    pub from: Option<String>,
    /// The value found, if any.
    pub to: Option<String>,
    /// The clerk's note.
    pub note: String,
    /// Why it cannot be applied, when the card changed meanwhile (it is then left as it is).
    pub conflict: Option<String>,
}

impl Difference {
    /// Whether approving changes the ledger for it.
    pub fn applies(&self) -> bool {
        self.conflict.is_none()
            && matches!(self.kind, DifferenceKind::Status | DifferenceKind::Moved | DifferenceKind::Photos)
    }
}

fn status_name(status: CardStatus) -> String {
    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The differences of a stocktake against the ledger as it is now (`card_now` finds a card): a
/// card that changed since the checklist was frozen in a way that touches the difference is a
/// conflict, shown and left as it is, never overwritten.
pub fn differences<'a>(task: &Stocktake, card_now: impl Fn(&str) -> Option<&'a AssetCard>) -> Vec<Difference> {
    let mut out = Vec::new();
    for line in &task.lines {
        let Some(check) = &line.check else { continue };
        let now = card_now(&line.card_id);
        let gone = match now {
            None => Some("卡片已不存在".to_owned()),
            Some(c) if c.transferred_to.is_some() => Some("资产已于盘点期间调出".to_owned()),
            Some(_) => None,
        };
        let diff = |kind, from: Option<String>, to: Option<String>, conflict: Option<String>| Difference {
            card_id: Some(line.card_id.clone()),
            asset_code: line.asset_code.clone(),
            name: line.name.clone(),
            kind,
            from,
            to,
            note: check.note.clone(),
            conflict: gone.clone().or(conflict),
        };
        if !check.found {
            out.push(diff(DifferenceKind::Missing, None, None, None));
            continue;
        }
        if let Some(status) = check.status.filter(|s| *s != line.status) {
            let conflict = now.and_then(|c| {
                if c.status != line.status {
                    Some(format!("台账的使用状态已于盘点期间改为{}，未覆盖", c.status.label()))
                } else if c.active_listing_id.is_some() {
                    Some("资产在公物仓中（入仓申请或在架），请先办理退仓".to_owned())
                } else if c.status == CardStatus::Leased || status == CardStatus::Leased {
                    Some("出租出借的变更请通过信息卡变动或收回办理".to_owned())
                } else {
                    None
                }
            });
            out.push(diff(DifferenceKind::Status, Some(status_name(line.status)), Some(status_name(status)), conflict));
        }
        if let Some(to) = &check.location_id {
            let conflict = now
                .filter(|c| c.location_id != line.location_id)
                .map(|_| "台账的存放地点已于盘点期间变更，未覆盖".to_owned());
            out.push(diff(DifferenceKind::Moved, line.location_id.clone(), Some(to.clone()), conflict));
        }
        if !line.photos.is_empty() {
            out.push(diff(DifferenceKind::Photos, None, Some(line.photos.len().to_string()), None));
        }
    }
    for s in &task.surplus {
        out.push(Difference {
            card_id: None,
            asset_code: s.id.clone(),
            name: s.name.clone(),
            kind: DifferenceKind::Surplus,
            from: None,
            to: Some(s.quantity.to_string()),
            note: s.note.clone(),
            conflict: None,
        });
    }
    out
}

/// 审核盘点结果: the unit's reviewer approves (the stocktake takes effect: the caller applies its
/// differences in the same transaction) or returns it to the clerks with a reason.
pub fn review(
    task: &Stocktake,
    actor: &Actor,
    username: &str,
    approve: bool,
    reason: Option<&str>,
    now: &str,
) -> Result<Stocktake, Refusal> {
    if actor.role != Role::Reviewer || actor.unit_id.as_deref() != Some(task.unit_id.as_str()) {
        return Err(Refusal::NotAllowed("只有本单位的资产管理审核岗可以审核盘点结果".to_owned()));
    }
    if task.state != StocktakeState::Submitted {
        return Err(Refusal::WrongState {
            message: format!("盘点任务{}，不能审核", task.state.label()),
            state: task.state.name(),
        });
    }
    let mut next = task.clone();
    if approve {
        next.state = StocktakeState::Applied;
        next.reviewed_by = Some(username.to_owned());
        next.reviewed_at = Some(now.to_owned());
        next.reason = None;
    } else {
        next.state = StocktakeState::Checking;
        next.reason = Some(checked_reason(reason).map_err(|e| Refusal::Invalid(e.to_string()))?);
    }
    Ok(next)
}

/// The cards an applied stocktake found idle, low-efficiency or pending disposal: those that
/// should now be offered in the warehouse (生成入仓申请).
pub fn found_spare(task: &Stocktake) -> Vec<&StocktakeLine> {
    if task.state != StocktakeState::Applied {
        return Vec::new();
    }
    spare_lines(task).collect()
}

/// Whether a card found spare can become a draft entry request now (生成入仓申请), or why not.
pub fn listable(card: Option<&AssetCard>) -> Result<(), String> {
    let Some(card) = card else {
        return Err("卡片已不存在".to_owned());
    };
    if let Some(other) = &card.active_listing_id {
        return Err(format!("已在入仓申请 {other} 中"));
    }
    if !card.publishable() {
        return Err(format!("台账状态为{}，不可入仓", card.status.label()));
    }
    Ok(())
}

/// Whether 生成入仓申请 would make at least one draft: an applied stocktake with a card found spare
/// that is still listable.
pub fn has_listable<'a>(task: &Stocktake, card_of: impl Fn(&str) -> Option<&'a AssetCard>) -> bool {
    found_spare(task).iter().any(|line| listable(card_of(&line.card_id)).is_ok())
}

/// The lines found idle, low-efficiency or pending disposal.
fn spare_lines(task: &Stocktake) -> impl Iterator<Item = &StocktakeLine> {
    task.lines
        .iter()
        .filter(|l| l.check.as_ref().is_some_and(|c| c.found && c.status.is_some_and(CardStatus::is_spare)))
}

/// What one stocktake found, on its page: counted from the checks whatever the state, with the
/// time it has taken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Findings {
    /// Cards checked.
    pub cards_checked: u64,
    /// Found idle, low-efficiency or pending disposal.
    pub found_spare: u64,
    /// Their 原值, fen.
    pub found_spare_value_fen: i64,
    /// Of those, in the warehouse now or already transferred or shared through it.
    pub spare_in_warehouse: u64,
    /// Found elsewhere than the ledger says.
    pub moved: u64,
    /// 盘亏.
    pub missing: u64,
    /// 盘盈.
    pub surplus: u64,
    /// 用时: minutes from opening to taking effect, or to `now` while not yet in effect; none once 作废.
    pub minutes_taken: Option<u64>,
}

/// Minutes from one RFC 3339 time to another (none when either is unreadable or the order is wrong).
fn minutes_between(from: &str, to: &str) -> Option<u64> {
    let (from, to) = (super::clock::parse_rfc3339(from)?, super::clock::parse_rfc3339(to)?);
    u64::try_from((to - from).whole_minutes()).ok()
}

/// What `task` found; `in_warehouse` says whether a card is in the warehouse now or went through it.
pub fn findings(task: &Stocktake, in_warehouse: impl Fn(&str) -> bool, now: &str) -> Findings {
    let p = progress(task);
    let mut f = Findings {
        cards_checked: p.checked,
        moved: p.moved,
        missing: p.missing,
        surplus: p.surplus,
        minutes_taken: match task.state {
            StocktakeState::Cancelled => None,
            StocktakeState::Applied => minutes_between(&task.created_at, task.reviewed_at.as_deref().unwrap_or(now)),
            StocktakeState::Checking | StocktakeState::Submitted => minutes_between(&task.created_at, now),
        },
        ..Findings::default()
    };
    for line in spare_lines(task) {
        f.found_spare += 1;
        f.found_spare_value_fen += line.original_value_fen;
        f.spare_in_warehouse += u64::from(in_warehouse(&line.card_id));
    }
    f
}

/// A year's stocktakes added up (盘点情况): every figure but the task counts sums the applied ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Tally {
    /// Stocktakes opened in the year (not 作废).
    pub tasks: u64,
    /// Of which 已生效.
    pub applied: u64,
    /// Cards checked.
    pub cards_checked: u64,
    /// Found idle, low-efficiency or pending disposal.
    pub found_spare: u64,
    /// Their 原值, fen.
    pub found_spare_value_fen: i64,
    /// Of those, in the warehouse now or already transferred or shared through it.
    pub spare_in_warehouse: u64,
    /// Found elsewhere than the ledger says.
    pub moved: u64,
    /// 盘亏.
    pub missing: u64,
    /// 盘盈.
    pub surplus: u64,
    /// Minutes from opening to taking effect, summed (the average is this / applied).
    pub minutes_taken: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.tasks += other.tasks;
        self.applied += other.applied;
        self.cards_checked += other.cards_checked;
        self.found_spare += other.found_spare;
        self.found_spare_value_fen += other.found_spare_value_fen;
        self.spare_in_warehouse += other.spare_in_warehouse;
        self.moved += other.moved;
        self.missing += other.missing;
        self.surplus += other.surplus;
        self.minutes_taken += other.minutes_taken;
    }

    fn applied(f: &Findings) -> Tally {
        Tally {
            tasks: 1,
            applied: 1,
            cards_checked: f.cards_checked,
            found_spare: f.found_spare,
            found_spare_value_fen: f.found_spare_value_fen,
            spare_in_warehouse: f.spare_in_warehouse,
            moved: f.moved,
            missing: f.missing,
            surplus: f.surplus,
            minutes_taken: f.minutes_taken.unwrap_or(0),
        }
    }
}

/// One unit's stocktakes of a year (盘点情况), for the unit and its authority.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnitStocktakes {
    /// The unit.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// Its 主管部门.
    pub department: String,
    /// Its region.
    pub region: String,
    /// The region's name.
    pub region_name: String,
    /// When the last one took effect, RFC 3339.
    pub last_applied_at: Option<String>,
    /// Its figures.
    #[serde(flatten)]
    pub tally: Tally,
}

/// The units of one region (or all of them: 合计).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RegionStocktakes {
    /// The 财政区划 code ("" for 合计).
    pub region: String,
    /// Its name (合计).
    pub region_name: String,
    /// Units.
    pub units: u64,
    /// Of which without a stocktake that took effect in the year.
    pub not_done: u64,
    /// Their figures added up.
    #[serde(flatten)]
    pub tally: Tally,
}

impl RegionStocktakes {
    fn add(&mut self, unit: &UnitStocktakes) {
        self.units += 1;
        self.not_done += u64::from(unit.tally.applied == 0);
        self.tally.add(&unit.tally);
    }
}

/// 盘点情况 of a year: per unit, per region, and the whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct StocktakeOverview {
    /// One row per unit; those without a stocktake that took effect in the year first (the list an
    /// authority sends reminders from), then by name.
    pub items: Vec<UnitStocktakes>,
    /// One row per region, by code.
    pub regions: Vec<RegionStocktakes>,
    /// 合计: the rows add up to it exactly.
    pub total: RegionStocktakes,
}

/// 盘点情况 of `units` in `year` (`YYYY`). `in_warehouse` says whether a card is in the warehouse
/// now or went through it; `region_name` names a region code.
pub fn overview(
    units: &[super::unit::Unit],
    tasks: &[Stocktake],
    year: &str,
    in_warehouse: impl Fn(&str) -> bool,
    region_name: impl Fn(&str) -> String,
) -> StocktakeOverview {
    let mut items: Vec<UnitStocktakes> = units
        .iter()
        .map(|u| {
            let mut row = UnitStocktakes {
                unit_id: u.id.clone(),
                unit_name: u.name.clone(),
                department: u.department.clone(),
                region: u.region.to_string(),
                region_name: region_name(u.region.as_str()),
                ..UnitStocktakes::default()
            };
            let of_year = tasks.iter().filter(|t| {
                t.unit_id == u.id && t.state != StocktakeState::Cancelled && t.created_at.starts_with(year)
            });
            for task in of_year {
                if task.state != StocktakeState::Applied {
                    row.tally.tasks += 1;
                    continue;
                }
                if row.last_applied_at.as_deref() < task.reviewed_at.as_deref() {
                    row.last_applied_at = task.reviewed_at.clone();
                }
                let now = task.reviewed_at.clone().unwrap_or_default();
                row.tally.add(&Tally::applied(&findings(task, &in_warehouse, &now)));
            }
            row
        })
        .collect();
    items.sort_by(|a, b| (a.tally.applied > 0).cmp(&(b.tally.applied > 0)).then_with(|| a.unit_name.cmp(&b.unit_name)));
    let mut regions: std::collections::BTreeMap<&str, RegionStocktakes> = std::collections::BTreeMap::new();
    let mut total = RegionStocktakes { region_name: "合计".to_owned(), ..RegionStocktakes::default() };
    for row in &items {
        regions
            .entry(row.region.as_str())
            .or_insert_with(|| RegionStocktakes {
                region: row.region.clone(),
                region_name: row.region_name.clone(),
                ..RegionStocktakes::default()
            })
            .add(row);
        total.add(row);
    }
    let regions = regions.into_values().collect();
    StocktakeOverview { items, regions, total }
}

/// Whether the reviewer's return needs a reason.
pub fn checked_reason(reason: Option<&str>) -> Result<String, DomainError> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() <= 200 => Ok(r.to_owned()),
        Some(_) => Err(DomainError::invalid("退回理由不超过 200 字")),
        None => Err(DomainError::invalid("请填写退回理由，便于经办人员补充盘点")),
    }
}

#[cfg(test)]
mod tests;
