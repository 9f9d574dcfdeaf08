//! 配置预算衔接: the authority enters a line of a unit's asset-configuration budget, sees the
//! warehouse and platform listings that could meet it as that unit sees them (with the matching
//! reasons), and records the outcome (调剂解决 n 件, 仍需购置 m 件, reason). The rules are
//! `domain::budget`'s; matching is `domain::demand::fitting_offers`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::budget::{self, BudgetCheck, BudgetCheckState, BudgetLineFields, BudgetOutcome, OutcomeFields};
use crate::domain::demand::{Need, fitting_offers};
use crate::domain::listing::{Listing, Viewer};
use crate::domain::unit::Unit;
use crate::domain::user::{Role, User};
use crate::store::{self, Read, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Path, Query};
use super::listings::{ListingView, views};
use super::matching::plaza_cards;
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_checks, create_check))
        .routes(routes!(get_check))
        .routes(routes!(check_matches))
        .routes(routes!(record_outcome))
}

/// The most matches shown for one line.
const SHOWN: usize = 50;

/// A checked budget line as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct BudgetCheckView {
    /// Opaque id.
    pub id: String,
    /// The budget's unit.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// Its region.
    pub region: String,
    /// The region's name.
    pub region_name: String,
    /// Its 主管部门.
    pub department: String,
    /// 预算年度.
    pub year: u16,
    /// 预算项目.
    pub budget_item: String,
    /// 资产分类.
    pub category: String,
    /// Its name.
    pub category_name: String,
    /// 资产名称.
    pub name: String,
    /// 规格要求.
    pub spec: String,
    /// 申请数量.
    pub quantity: u32,
    /// 预算单价, fen.
    pub unit_price_fen: i64,
    /// 预算金额 (unit price × quantity), fen.
    pub amount_fen: i64,
    /// open or decided.
    pub state: BudgetCheckState,
    /// The decision, once recorded.
    pub outcome: Option<BudgetOutcome>,
    /// Who entered it.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub decided_at: Option<String>,
}

/// A listing that could meet a budget line.
#[derive(Serialize, ToSchema)]
pub struct BudgetMatch {
    /// The listing.
    pub listing: ListingView,
    /// Higher is better.
    pub score: u32,
    /// Why it fits (Chinese).
    pub reasons: Vec<String>,
}

/// Filters of `GET /budget-checks`.
#[derive(Deserialize, IntoParams)]
pub struct BudgetFilter {
    /// 预算年度.
    pub year: Option<u16>,
    /// open or decided.
    pub state: Option<BudgetCheckState>,
    /// One unit.
    pub unit_id: Option<String>,
}

fn view(store: &Store, check: &BudgetCheck, units: &HashMap<String, Unit>) -> BudgetCheckView {
    let reference = store.reference();
    BudgetCheckView {
        id: check.id.clone(),
        unit_id: check.unit_id.clone(),
        unit_name: units.get(&check.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
        region: check.unit_region.to_string(),
        region_name: reference.region_name(check.unit_region.as_str()),
        department: check.unit_department.clone(),
        year: check.year,
        budget_item: check.budget_item.clone(),
        category: check.category.clone(),
        category_name: reference.category(&check.category).map(|c| c.name.clone()).unwrap_or_default(),
        name: check.name.clone(),
        spec: check.spec.clone(),
        quantity: check.quantity,
        unit_price_fen: check.unit_price_fen,
        amount_fen: check.amount_fen(),
        state: check.state,
        outcome: check.outcome.clone(),
        created_by: check.created_by.clone(),
        created_at: check.created_at.clone(),
        decided_at: check.decided_at.clone(),
    }
}

fn units_by_id(store: &Store) -> Result<HashMap<String, Unit>, ApiError> {
    Ok(store.read(store::units::all)?.into_iter().map(|u| (u.id.clone(), u)).collect())
}

/// The check `id` if the caller is the authority of its unit's region.
fn readable(store: &Store, user: &User, id: &str) -> Result<BudgetCheck, ApiError> {
    let check = store
        .read(|r| store::budget::get(r, id))?
        .ok_or_else(|| ApiError::NotFound("预算核对记录不存在".to_owned()))?;
    budget::may_check(user.role, &user.region, &check.unit_region)?;
    Ok(check)
}

/// A listing that could meet a line: the listing, its score, the reasons, its card's quantity.
type Fit = (Listing, u32, Vec<String>, u32);

/// The listings that could meet the line, as its unit sees them (including one held for that very
/// unit), best first; read in the caller's transaction.
fn matches_in(r: &impl Read, check: &BudgetCheck) -> store::Result<Vec<Fit>> {
    let unit = store::units::get(r, &check.unit_id)?.ok_or_else(|| DomainError::NotFound("单位不存在".to_owned()))?;
    let viewer = Viewer {
        role: Role::Clerk,
        unit_id: Some(unit.id.clone()),
        region: unit.region.clone(),
        department: Some(unit.department.clone()),
    };
    let today = crate::domain::clock::today();
    let listings: Vec<Listing> = store::listings::all(r)?
        .into_iter()
        .filter(|l| !l.reserved(&today) || l.hold.as_ref().is_some_and(|h| h.unit_id == check.unit_id))
        .collect();
    let cards = plaza_cards(r, &listings)?;
    let words = format!("{} {}", check.name, check.spec);
    let need = Need { unit_id: &check.unit_id, category: &check.category, name: &words, region: &check.unit_region };
    Ok(fitting_offers(&need, &viewer, &listings, |id| cards.get(id))
        .into_iter()
        .map(|(l, score, reasons)| {
            let quantity = cards.get(&l.card_id).map_or(0, |c| c.quantity);
            (l.clone(), score, reasons, quantity)
        })
        .collect())
}

/// The budget lines the authority has checked in its region, newest first.
#[utoipa::path(get, path = "/api/v1/budget-checks", tag = "budget", params(BudgetFilter),
    responses((status = 200, body = Items<BudgetCheckView>), (status = 403, body = ErrorBody)))]
async fn list_checks(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<BudgetFilter>,
) -> Result<Json<Items<BudgetCheckView>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let user = &ctx.user;
        let units = units_by_id(&store)?;
        let mut checks: Vec<BudgetCheck> = store
            .read(store::budget::all)?
            .into_iter()
            .filter(|c| budget::may_check(user.role, &user.region, &c.unit_region).is_ok())
            .filter(|c| filter.year.is_none_or(|y| c.year == y))
            .filter(|c| filter.state.is_none_or(|s| c.state == s))
            .filter(|c| filter.unit_id.as_deref().is_none_or(|u| c.unit_id == u))
            .collect();
        checks.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(checks.iter().map(|c| view(&store, c, &units)).collect())
    })
    .await?;
    Ok(Json(Items { items }))
}

/// 核对配置预算: enters a budget line of a unit in the authority's region.
#[utoipa::path(post, path = "/api/v1/budget-checks", tag = "budget", request_body = BudgetLineFields,
    responses((status = 201, body = BudgetCheckView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(fields): Json<BudgetLineFields>,
) -> Result<(StatusCode, Json<BudgetCheckView>), ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let reference = store.reference();
        let fields = fields.checked(|code| reference.category(code).is_some())?;
        let check = store.write(&Actor::user(user), |tx| {
            let unit = store::units::get(tx, &fields.unit_id)?
                .ok_or_else(|| DomainError::invalid("所选单位不存在，请重新选择"))?;
            budget::may_check(user.role, &user.region, &unit.region)?;
            let now = crate::domain::clock::now_rfc3339();
            let check = budget::create(
                tx.next_id("B")?,
                &fields,
                unit.region.clone(),
                unit.department.clone(),
                &user.username,
                &now,
            );
            store::budget::put(tx, &check)?;
            let summary = format!(
                "核对配置预算：{} {}年 {}，{} {} 件",
                unit.name, check.year, check.budget_item, check.name, check.quantity
            );
            let entry = AuditEntry::new(
                "budget_check_created",
                format!("budget:{}", check.id),
                summary,
                Some(unit.region.to_string()),
            );
            Ok((check, entry))
        })?;
        Ok(view(&store, &check, &units_by_id(&store)?))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One checked budget line.
#[utoipa::path(get, path = "/api/v1/budget-checks/{id}", tag = "budget", params(("id" = String, Path)),
    responses((status = 200, body = BudgetCheckView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<BudgetCheckView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let check = readable(&store, &ctx.user, &id)?;
        Ok(view(&store, &check, &units_by_id(&store)?))
    })
    .await?;
    Ok(Json(view))
}

/// The warehouse and platform listings that could meet the line, as its unit sees them.
#[utoipa::path(get, path = "/api/v1/budget-checks/{id}/matches", tag = "budget", params(("id" = String, Path)),
    responses((status = 200, body = Items<BudgetMatch>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn check_matches(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Items<BudgetMatch>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let check = readable(&store, &ctx.user, &id)?;
        let mut found = store.read(|r| matches_in(r, &check))?;
        found.truncate(SHOWN);
        let listings: Vec<Listing> = found.iter().map(|(l, ..)| l.clone()).collect();
        Ok(views(&store, &ctx.user, &listings)?
            .into_iter()
            .zip(found)
            .map(|(listing, (_, score, reasons, _))| BudgetMatch { listing, score, reasons })
            .collect())
    })
    .await?;
    Ok(Json(Items { items }))
}

/// 记录核对结果: 调剂解决 n 件, 仍需购置 m 件 (with the reason), the listings that meet it.
#[utoipa::path(post, path = "/api/v1/budget-checks/{id}/outcome", tag = "budget", params(("id" = String, Path)), request_body = OutcomeFields,
    responses((status = 200, body = BudgetCheckView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(fields): Json<OutcomeFields>,
) -> Result<Json<BudgetCheckView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        readable(&store, user, &id)?;
        let check = store.write(&Actor::user(user), |tx| {
            let current =
                store::budget::get(tx, &id)?.ok_or_else(|| DomainError::NotFound("预算核对记录不存在".to_owned()))?;
            // What meets the line and what other lines already count, as of this transaction.
            let fits = matches_in(tx, &current)?;
            let others = store::budget::all(tx)?;
            let available = |l: &str| fits.iter().find(|(f, ..)| f.id == l).map(|(.., quantity)| *quantity);
            let claimed_by = |l: &str| {
                others
                    .iter()
                    .filter(|b| b.id != current.id)
                    .find(|b| b.outcome.as_ref().is_some_and(|o| o.listing_ids.iter().any(|i| i == l)))
                    .map(|b| format!("{}（{}年 {}）", b.id, b.year, b.budget_item))
            };
            let now = crate::domain::clock::now_rfc3339();
            let next = budget::decide(&current, &fields, available, claimed_by, &now)?;
            store::budget::put(tx, &next)?;
            let outcome = next.outcome.as_ref().map_or_else(String::new, |o| {
                format!(
                    "调剂解决 {} 件（{}），仍需购置 {} 件{}",
                    o.met_quantity,
                    o.listing_ids.join("、"),
                    o.purchase_quantity,
                    if o.reason.is_empty() { String::new() } else { format!("，理由：{}", o.reason) }
                )
            });
            let summary = format!("记录预算核对结果：{}年 {}，{}：{outcome}", next.year, next.budget_item, next.name);
            let entry = AuditEntry::new(
                "budget_check_decided",
                format!("budget:{}", next.id),
                summary,
                Some(next.unit_region.to_string()),
            );
            Ok((next, entry))
        })?;
        Ok(view(&store, &check, &units_by_id(&store)?))
    })
    .await?;
    Ok(Json(view))
}
