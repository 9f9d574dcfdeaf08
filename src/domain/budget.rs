//! 配置预算衔接 (notice 二(五): 新增资产配置需求应当优先通过公物仓调剂方式解决): an authority
//! reviewing a unit's asset-configuration budget checks each line against what the warehouse and
//! the platform offer that unit, and records how much the warehouse meets (调剂解决) and how much
//! must still be bought (仍需购置, with the reason). The value met — the line's unit price times
//! the quantity met, in fen — is what reports call 节约财政资金.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::region::RegionCode;
use super::user::Role;

/// The largest quantity of one budget line.
pub const MAX_QUANTITY: u32 = 100_000;
/// The largest unit price of one budget line: 一亿元, in fen.
pub const MAX_UNIT_PRICE_FEN: i64 = 10_000_000_000;

/// Where a check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetCheckState {
    /// 待核对: entered, outcome not yet recorded.
    Open,
    /// 已核定: the outcome is recorded (final).
    Decided,
}

/// A budget line as the authority enters it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct BudgetLineFields {
    /// The unit whose budget it is.
    pub unit_id: String,
    /// 预算年度.
    pub year: u16,
    /// 预算项目 (the budget item's name or code).
    pub budget_item: String,
    /// 资产分类 (GB/T 14885 code).
    pub category: String,
    /// 资产名称.
    pub name: String,
    /// 规格要求.
    #[serde(default)]
    pub spec: String,
    /// 申请数量.
    pub quantity: u32,
    /// 预算单价, fen.
    pub unit_price_fen: i64,
}

impl BudgetLineFields {
    /// Trimmed fields, or why they cannot be kept; `known_category` says whether a code exists.
    pub fn checked(&self, known_category: impl Fn(&str) -> bool) -> Result<Self, DomainError> {
        let item = self.budget_item.trim();
        let name = self.name.trim();
        let spec = self.spec.trim();
        let category = self.category.trim();
        if item.is_empty() || item.chars().count() > 100 {
            return Err(DomainError::invalid("请填写预算项目（不超过 100 字）"));
        }
        if name.is_empty() || name.chars().count() > 60 {
            return Err(DomainError::invalid("请填写资产名称（不超过 60 字）"));
        }
        if spec.chars().count() > 200 {
            return Err(DomainError::invalid("规格要求不超过 200 字"));
        }
        if !known_category(category) {
            return Err(DomainError::invalid(format!("资产分类代码“{category}”不存在，请从分类列表中选择")));
        }
        if !(2000..=2100).contains(&self.year) {
            return Err(DomainError::invalid(format!("预算年度“{}”无效", self.year)));
        }
        if self.quantity == 0 || self.quantity > MAX_QUANTITY {
            return Err(DomainError::invalid(format!("申请数量应为 1 至 {MAX_QUANTITY} 的整数")));
        }
        if !(0..=MAX_UNIT_PRICE_FEN).contains(&self.unit_price_fen) {
            return Err(DomainError::invalid("预算单价应为 0 至 1 亿元"));
        }
        Ok(Self {
            unit_id: self.unit_id.trim().to_owned(),
            year: self.year,
            budget_item: item.to_owned(),
            category: category.to_owned(),
            name: name.to_owned(),
            spec: spec.to_owned(),
            quantity: self.quantity,
            unit_price_fen: self.unit_price_fen,
        })
    }
}

/// What the authority decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BudgetOutcome {
    /// 调剂解决 (件).
    pub met_quantity: u32,
    /// 仍需购置 (件).
    pub purchase_quantity: u32,
    /// Why the rest must be bought (required when something must be bought).
    pub reason: String,
    /// The listings that meet it.
    pub listing_ids: Vec<String>,
    /// 节约财政资金: unit price × quantity met, fen.
    pub value_met_fen: i64,
}

/// The outcome as the authority enters it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct OutcomeFields {
    /// 调剂解决 (件).
    pub met_quantity: u32,
    /// 仍需购置 (件).
    pub purchase_quantity: u32,
    /// 理由 (required when purchase_quantity > 0).
    #[serde(default)]
    pub reason: String,
    /// The listings that meet it (required when met_quantity > 0), among the line's matches.
    #[serde(default)]
    pub listing_ids: Vec<String>,
}

/// A checked budget line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetCheck {
    /// Opaque id.
    pub id: String,
    /// The budget's unit.
    pub unit_id: String,
    /// Its region (copied, so the authority's scope needs no join).
    pub unit_region: RegionCode,
    /// Its 主管部门.
    pub unit_department: String,
    /// 预算年度.
    pub year: u16,
    /// 预算项目.
    pub budget_item: String,
    /// 资产分类.
    pub category: String,
    /// 资产名称.
    pub name: String,
    /// 规格要求.
    pub spec: String,
    /// 申请数量.
    pub quantity: u32,
    /// 预算单价, fen.
    pub unit_price_fen: i64,
    /// Where it stands.
    pub state: BudgetCheckState,
    /// The decision.
    pub outcome: Option<BudgetOutcome>,
    /// Who entered it.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub decided_at: Option<String>,
}

impl BudgetCheck {
    /// 预算金额: unit price × quantity, fen.
    pub fn amount_fen(&self) -> i64 {
        self.unit_price_fen.saturating_mul(i64::from(self.quantity))
    }
}

/// Whether the actor (role, region) may check the budgets of a unit in `unit_region`: the
/// authority of a region containing it.
pub fn may_check(role: Role, actor_region: &RegionCode, unit_region: &RegionCode) -> Result<(), DomainError> {
    if role == Role::Authority && actor_region.contains(unit_region) {
        Ok(())
    } else {
        Err(DomainError::Forbidden("只有该单位所在地区的资产管理行政主管部门可以核对配置预算".to_owned()))
    }
}

/// A new check of a line of the unit's budget.
pub fn create(
    id: String,
    fields: &BudgetLineFields,
    unit_region: RegionCode,
    unit_department: String,
    username: &str,
    now: &str,
) -> BudgetCheck {
    BudgetCheck {
        id,
        unit_id: fields.unit_id.clone(),
        unit_region,
        unit_department,
        year: fields.year,
        budget_item: fields.budget_item.clone(),
        category: fields.category.clone(),
        name: fields.name.clone(),
        spec: fields.spec.clone(),
        quantity: fields.quantity,
        unit_price_fen: fields.unit_price_fen,
        state: BudgetCheckState::Open,
        outcome: None,
        created_by: username.to_owned(),
        created_at: now.to_owned(),
        decided_at: None,
    }
}

/// Records the outcome. `available` gives the quantity of a listing among the line's matches now
/// (`None` when it is not one); `claimed_by` names another decided line that already counts the
/// listing (each listing meets at most one budget line, so 节约财政资金 is never counted twice).
pub fn decide(
    check: &BudgetCheck,
    fields: &OutcomeFields,
    available: impl Fn(&str) -> Option<u32>,
    claimed_by: impl Fn(&str) -> Option<String>,
    now: &str,
) -> Result<BudgetCheck, DomainError> {
    if check.state == BudgetCheckState::Decided {
        return Err(DomainError::Conflict {
            message: "该预算项已核定，结果不能再修改".to_owned(),
            state: Some("decided".to_owned()),
        });
    }
    let total = u64::from(fields.met_quantity) + u64::from(fields.purchase_quantity);
    if total != u64::from(check.quantity) {
        return Err(DomainError::invalid(format!(
            "调剂解决 {} 件与仍需购置 {} 件之和应等于申请数量 {} 件",
            fields.met_quantity, fields.purchase_quantity, check.quantity
        )));
    }
    let reason = fields.reason.trim();
    if fields.purchase_quantity > 0 && reason.is_empty() {
        return Err(DomainError::invalid("仍需购置的，请填写理由（如公物仓中无符合规格的资产）"));
    }
    if reason.chars().count() > 200 {
        return Err(DomainError::invalid("理由不超过 200 字"));
    }
    let mut listing_ids: Vec<String> = fields.listing_ids.iter().map(|i| i.trim().to_owned()).collect();
    listing_ids.sort();
    listing_ids.dedup();
    if fields.met_quantity > 0 && listing_ids.is_empty() {
        return Err(DomainError::invalid("调剂解决的，请勾选用于调剂的公物仓资产"));
    }
    if fields.met_quantity == 0 && !listing_ids.is_empty() {
        return Err(DomainError::invalid("未调剂解决的，无需勾选资产"));
    }
    let mut offered: u64 = 0;
    for id in &listing_ids {
        let Some(quantity) = available(id) else {
            return Err(DomainError::invalid(format!("资产 {id} 不在该预算项的匹配结果中，请重新勾选")));
        };
        if let Some(other) = claimed_by(id) {
            return Err(DomainError::invalid(format!(
                "资产 {id} 已计入预算项 {other} 的调剂解决数量，同一资产不能重复计入"
            )));
        }
        offered += u64::from(quantity);
    }
    if u64::from(fields.met_quantity) > offered {
        return Err(DomainError::invalid(format!(
            "勾选的资产共 {offered} 件，调剂解决数量 {} 件不能超过勾选资产的数量",
            fields.met_quantity
        )));
    }
    let mut next = check.clone();
    next.state = BudgetCheckState::Decided;
    next.outcome = Some(BudgetOutcome {
        met_quantity: fields.met_quantity,
        purchase_quantity: fields.purchase_quantity,
        reason: reason.to_owned(),
        listing_ids,
        value_met_fen: check.unit_price_fen.saturating_mul(i64::from(fields.met_quantity)),
    });
    next.decided_at = Some(now.to_owned());
    Ok(next)
}

#[cfg(test)]
mod tests;
