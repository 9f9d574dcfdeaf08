//! 需求发布 and 我的需求: a unit's asset needs, their review (调整调剂共享范围, 报送至中央 / 发布,
//! 退回), closing (及时清理需求信息), the listings that could meet them, and the 需求广场.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::domain::demand::{self, CloseReason, Demand, DemandAction, DemandFields, DemandState, Indicator};
use crate::domain::listing::{self, Scope};
use crate::domain::permission::in_my_information;
use crate::domain::settings::older_than;
use crate::domain::user::User;
use crate::store::{self, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Paged, Paging, Path, Query};
use super::listings::viewer_of;
use super::matching::new_match_flags;
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_demands, create_demand))
        .routes(routes!(get_demand, edit_demand))
        .routes(routes!(publish))
        .routes(routes!(return_demand))
        .routes(routes!(close))
        .routes(routes!(demand_plaza))
}

/// A demand as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct DemandView {
    /// Opaque id.
    pub id: String,
    /// The unit in need.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// Its region.
    pub region: String,
    /// The region's name.
    pub region_name: String,
    /// GB/T 14885 code.
    pub category: String,
    /// Its name.
    pub category_name: String,
    /// 需求名称.
    pub name: String,
    /// 数量.
    pub quantity: u32,
    /// 技术指标.
    pub indicators: Vec<Indicator>,
    /// 单价预算, fen.
    pub budget_per_unit_fen: i64,
    /// 期望日期.
    pub expected_on: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 调剂共享范围.
    pub scope: Scope,
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
    /// What the caller may do now: edit, review, close.
    pub actions: Vec<&'static str>,
    /// Published longer than the node's reminder period (及时清理需求信息).
    pub stale: bool,
    /// Its clerk has not yet looked at some of its matches (我的需求 of the clerk only).
    pub new_matches: bool,
    /// Where it comes from, when it was received from another node.
    pub origin: Option<listing::Origin>,
}

/// The view of a demand for a user.
pub fn view(store: &Store, user: &User, d: &Demand) -> Result<DemandView, ApiError> {
    let reference = store.reference();
    let (unit, settings) = store.read(|r| Ok((store::units::get(r, &d.unit_id)?, store::settings::get(r)?)))?;
    let unit_name = match &d.origin {
        Some(origin) => origin.unit_name.clone(),
        None => unit.map(|u| u.name).unwrap_or_default(),
    };
    let days = settings.stale_demand_days;
    Ok(DemandView {
        id: d.id.clone(),
        unit_id: d.unit_id.clone(),
        unit_name,
        region: d.unit_region.to_string(),
        region_name: reference.region_name(d.unit_region.as_str()),
        category: d.fields.category.clone(),
        category_name: reference.category(&d.fields.category).map(|c| c.name.clone()).unwrap_or_default(),
        name: d.fields.name.clone(),
        quantity: d.fields.quantity,
        indicators: d.fields.indicators.clone(),
        budget_per_unit_fen: d.fields.budget_per_unit_fen,
        expected_on: d.fields.expected_on.clone(),
        contact_name: d.fields.contact_name.clone(),
        contact_phone: d.fields.contact_phone.clone(),
        scope: d.fields.scope,
        state: d.state,
        close_reason: d.close_reason,
        reason: d.reason.clone(),
        created_at: d.created_at.clone(),
        published_at: d.published_at.clone(),
        actions: demand::allowed_actions(d, user.role, user.unit_id.as_deref()),
        stale: d.state == DemandState::Published
            && d.published_at.as_deref().is_some_and(|p| older_than(p, &clock::now_rfc3339(), days)),
        new_matches: false,
        origin: d.origin.clone(),
    })
}

fn mine(user: &User, d: &Demand) -> bool {
    in_my_information(user, &d.unit_id, &d.unit_region)
}

fn published_and_visible(store: &Store, user: &User, d: &Demand) -> Result<bool, ApiError> {
    let viewer = viewer_of(store, user)?;
    Ok(d.state == DemandState::Published
        && listing::scope_visible(&d.unit_id, &d.unit_region, &d.unit_department, d.fields.scope, &viewer))
}

/// The demand `id` if the user may read it: its unit (its region for authorities), or a viewer
/// of the 需求广场 where it is published.
pub fn demand_for(store: &Store, user: &User, id: &str) -> Result<Demand, ApiError> {
    let d = store.read(|r| store::demands::get(r, id))?.ok_or_else(|| ApiError::NotFound("需求不存在".to_owned()))?;
    if mine(user, &d) || published_and_visible(store, user, &d)? {
        Ok(d)
    } else {
        Err(ApiError::Forbidden("无权查看该需求".to_owned()))
    }
}

/// Filters of `GET /demands`.
#[derive(Deserialize, IntoParams)]
pub struct DemandFilter {
    /// State.
    pub state: Option<DemandState>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

/// 我的需求: the unit's demands (authority, province: the region's), newest first.
#[utoipa::path(get, path = "/api/v1/demands", tag = "demands", params(DemandFilter),
    responses((status = 200, body = Paged<DemandView>), (status = 403, body = ErrorBody)))]
async fn list_demands(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<DemandFilter>,
) -> Result<Json<Paged<DemandView>>, ApiError> {
    let paging = Paging { page: filter.page, page_size: filter.page_size };
    paging.checked()?;
    let store = state.store.clone();
    let page = blocking(move || {
        let mut demands: Vec<Demand> = store
            .read(store::demands::all)?
            .into_iter()
            .filter(|d| mine(&ctx.user, d) && filter.state.is_none_or(|s| d.state == s))
            .collect();
        demands.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
        let page = paging.apply(demands)?;
        let fresh = new_match_flags(&super::matching::Offers::new(&store, &ctx.user), &page.items)?;
        let items = page
            .items
            .iter()
            .zip(fresh)
            .map(|(d, new_matches)| Ok(DemandView { new_matches, ..view(&store, &ctx.user, d)? }))
            .collect::<Result<_, ApiError>>()?;
        Ok(Paged { items, total: page.total, page: page.page, page_size: page.page_size })
    })
    .await?;
    Ok(Json(page))
}

/// `POST /demands` and `PATCH /demands/{id}` body.
#[derive(Deserialize, ToSchema)]
pub struct DemandBody {
    /// The demand's fields.
    #[serde(flatten)]
    pub fields: DemandFields,
    /// Submit for review at once.
    #[serde(default)]
    pub submit: bool,
}

fn save(store: &Store, user: &User, existing: Option<Demand>, body: DemandBody) -> Result<DemandView, ApiError> {
    body.fields.validate(&store.reference())?;
    let demand = store.write(&Actor::user(user), |tx| {
        let now = clock::now_rfc3339();
        let mut d = match &existing {
            Some(old) => {
                let current =
                    store::demands::get(tx, &old.id)?.ok_or_else(|| DomainError::NotFound("需求不存在".to_owned()))?;
                if current.state != DemandState::Draft || user.unit_id.as_deref() != Some(current.unit_id.as_str()) {
                    return Err(DomainError::Conflict {
                        message: "只有本单位的需求草稿可以修改".to_owned(),
                        state: Some("draft".to_owned()),
                    }
                    .into());
                }
                Demand { fields: body.fields.clone(), updated_at: now.clone(), ..current }
            }
            None => {
                let unit_id = user
                    .unit_id
                    .clone()
                    .ok_or_else(|| DomainError::Forbidden("只有单位经办岗可以发布需求".to_owned()))?;
                let unit =
                    store::units::get(tx, &unit_id)?.ok_or_else(|| DomainError::NotFound("单位不存在".to_owned()))?;
                Demand {
                    id: tx.next_id("D")?,
                    unit_id,
                    unit_region: unit.region,
                    unit_department: unit.department,
                    fields: body.fields.clone(),
                    state: DemandState::Draft,
                    close_reason: None,
                    reason: None,
                    created_at: now.clone(),
                    published_at: None,
                    matches_seen_at: None,
                    updated_at: now.clone(),
                    origin: None,
                    sent_to: Vec::new(),
                }
            }
        };
        if body.submit {
            d = demand::apply(&d, user.role, user.unit_id.as_deref(), &DemandAction::Submit, &now)
                .map_err(DomainError::from)?;
        }
        store::demands::put(tx, &d)?;
        let what = if body.submit { "提交需求" } else { "保存需求草稿" };
        let summary = format!("{what}：{} × {}（{}）", d.fields.name, d.fields.quantity, d.id);
        Ok((
            d.clone(),
            AuditEntry::new("demand_saved", format!("demand:{}", d.id), summary, Some(d.unit_region.to_string())),
        ))
    })?;
    view(store, user, &demand)
}

/// 需求发布: a new demand (draft, or submitted for review).
#[utoipa::path(post, path = "/api/v1/demands", tag = "demands", request_body = DemandBody,
    responses((status = 201, body = DemandView), (status = 422, body = ErrorBody)))]
async fn create_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<DemandBody>,
) -> Result<(StatusCode, Json<DemandView>), ApiError> {
    let store = state.store.clone();
    Ok((StatusCode::CREATED, Json(blocking(move || save(&store, &ctx.user, None, body)).await?)))
}

/// One demand.
#[utoipa::path(get, path = "/api/v1/demands/{id}", tag = "demands", params(("id" = String, Path)),
    responses((status = 200, body = DemandView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<DemandView>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || view(&store, &ctx.user, &demand_for(&store, &ctx.user, &id)?)).await?))
}

/// Edits a draft (and submits it when asked).
#[utoipa::path(patch, path = "/api/v1/demands/{id}", tag = "demands", params(("id" = String, Path)), request_body = DemandBody,
    responses((status = 200, body = DemandView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn edit_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<DemandBody>,
) -> Result<Json<DemandView>, ApiError> {
    let store = state.store.clone();
    Ok(Json(
        blocking(move || {
            let existing = demand_for(&store, &ctx.user, &id)?;
            save(&store, &ctx.user, Some(existing), body)
        })
        .await?,
    ))
}

async fn act(state: AppState, ctx: Ctx, id: String, action: DemandAction) -> Result<Json<DemandView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let d = store.write(&Actor::user(user), |tx| {
            let current =
                store::demands::get(tx, &id)?.ok_or_else(|| DomainError::NotFound("需求不存在".to_owned()))?;
            let next = demand::apply(&current, user.role, user.unit_id.as_deref(), &action, &clock::now_rfc3339())
                .map_err(DomainError::from)?;
            store::demands::put(tx, &next)?;
            let summary =
                format!("需求“{}”（{}）：{} → {}", next.fields.name, id, current.state.label(), next.state.label());
            Ok((
                next.clone(),
                AuditEntry::new("demand_changed", format!("demand:{id}"), summary, Some(next.unit_region.to_string())),
            ))
        })?;
        view(&store, user, &d)
    })
    .await?;
    Ok(Json(view))
}

/// `POST /demands/{id}/submit` body (reviewer).
#[derive(Deserialize, ToSchema)]
pub struct PublishBody {
    /// The final scope (调整调剂共享范围).
    pub scope: Option<Scope>,
}

/// 调整调剂共享范围 and 报送至中央 / 发布 (reviewer).
#[utoipa::path(post, path = "/api/v1/demands/{id}/submit", tag = "demands", params(("id" = String, Path)), request_body = PublishBody,
    responses((status = 200, body = DemandView), (status = 409, body = ErrorBody)))]
async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<PublishBody>,
) -> Result<Json<DemandView>, ApiError> {
    act(state, ctx, id, DemandAction::Publish { scope: body.scope }).await
}

/// `POST /demands/{id}/return` body.
#[derive(Deserialize, ToSchema)]
pub struct ReturnBody {
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// 退回 a submitted demand to its clerk (reviewer).
#[utoipa::path(post, path = "/api/v1/demands/{id}/return", tag = "demands", params(("id" = String, Path)), request_body = ReturnBody,
    responses((status = 200, body = DemandView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn return_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReturnBody>,
) -> Result<Json<DemandView>, ApiError> {
    act(state, ctx, id, DemandAction::Return { reason: body.reason }).await
}

/// `POST /demands/{id}/close` body.
#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    /// met_by_listing, purchased or cancelled.
    pub reason: CloseReason,
}

/// 关闭需求 (及时清理需求信息, clerk).
#[utoipa::path(post, path = "/api/v1/demands/{id}/close", tag = "demands", params(("id" = String, Path)), request_body = CloseBody,
    responses((status = 200, body = DemandView), (status = 409, body = ErrorBody)))]
async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<CloseBody>,
) -> Result<Json<DemandView>, ApiError> {
    act(state, ctx, id, DemandAction::Close { reason: body.reason }).await
}

/// Filters of the 需求广场.
#[derive(Deserialize, IntoParams)]
pub struct DemandPlazaFilter {
    /// Name or indicator contains this.
    pub q: Option<String>,
    /// Category code prefix.
    pub category: Option<String>,
    /// Within this region.
    pub region: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

/// 需求广场: published demands visible to the caller, newest first.
#[utoipa::path(get, path = "/api/v1/plaza/demand", tag = "plaza", params(DemandPlazaFilter),
    responses((status = 200, body = Paged<DemandView>), (status = 403, body = ErrorBody)))]
async fn demand_plaza(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<DemandPlazaFilter>,
) -> Result<Json<Paged<DemandView>>, ApiError> {
    let paging = Paging { page: filter.page, page_size: filter.page_size };
    paging.checked()?;
    let store = state.store.clone();
    let page = blocking(move || {
        let viewer = viewer_of(&store, &ctx.user)?;
        let region = filter
            .region
            .as_deref()
            .filter(|r| !r.is_empty())
            .map(crate::domain::region::RegionCode::parse)
            .transpose()?;
        let q = filter.q.as_deref().map(str::trim).unwrap_or("");
        let category = filter.category.as_deref().map(crate::domain::card::category_prefix).unwrap_or("");
        let mut demands: Vec<Demand> = store
            .read(store::demands::all)?
            .into_iter()
            .filter(|d| d.state == DemandState::Published)
            .filter(|d| listing::scope_visible(&d.unit_id, &d.unit_region, &d.unit_department, d.fields.scope, &viewer))
            .filter(|d| region.as_ref().is_none_or(|r| r.contains(&d.unit_region)))
            .filter(|d| category.is_empty() || d.fields.category.starts_with(category))
            .filter(|d| {
                q.is_empty()
                    || d.fields.name.contains(q)
                    || d.fields.indicators.iter().any(|i| i.key.contains(q) || i.value.contains(q))
            })
            .collect();
        demands.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
        let page = paging.apply(demands)?;
        let items = page.items.iter().map(|d| view(&store, &ctx.user, d)).collect::<Result<_, _>>()?;
        Ok(Paged { items, total: page.total, page: page.page, page_size: page.page_size })
    })
    .await?;
    Ok(Json(page))
}
