//! 单位管理: create, list, read, edit and disable units. Creating a unit creates its reviewer and
//! clerk accounts with the initial password.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::permission;
use crate::domain::unit::{NewUnit, UnitPatch};

use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Paged, Paging, Path, Query};
use super::session::Ctx;
use super::views::{CreatedUnit, UnitView};

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units, create_unit))
        .routes(routes!(get_unit, update_unit))
        .routes(routes!(directory))
}

/// Filters of `GET /units`.
#[derive(Deserialize, IntoParams)]
pub struct UnitFilter {
    /// Name, budget code or login name contains this.
    pub q: Option<String>,
    /// 主管部门 equals this.
    pub department: Option<String>,
    /// Within this region.
    pub region: Option<String>,
    /// Include disabled units.
    #[serde(default)]
    pub include_disabled: bool,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

impl UnitFilter {
    fn paging(&self) -> Paging {
        Paging { page: self.page, page_size: self.page_size }
    }
}

/// Units the caller may see, filtered and paged (by budget code).
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitFilter),
    responses((status = 200, body = Paged<UnitView>), (status = 403, body = ErrorBody)))]
async fn list_units(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<UnitFilter>,
) -> Result<Json<Paged<UnitView>>, ApiError> {
    filter.paging().checked()?;
    let store = state.store.clone();
    let page = blocking(move || {
        let reference = store.reference();
        let scope = permission::unit_list_scope(&ctx.user);
        let region =
            filter.region.as_deref().filter(|r| !r.is_empty()).map(|r| reference.known_region(r)).transpose()?;
        let q = filter.q.as_deref().map(str::trim).unwrap_or("");
        let mut units: Vec<_> = store
            .read(store::units::all)?
            .into_iter()
            .filter(|u| scope.as_ref().is_none_or(|s| s.contains(&u.region)))
            .filter(|u| region.as_ref().is_none_or(|s| s.contains(&u.region)))
            .filter(|u| filter.include_disabled || !u.disabled)
            .filter(|u| filter.department.as_deref().is_none_or(|d| d.is_empty() || u.department == d))
            .map(|u| UnitView::new(&u, &reference))
            .filter(|u| {
                q.is_empty() || u.name.contains(q) || u.budget_code.contains(q) || u.accounts.reviewer.contains(q)
            })
            .collect();
        units.sort_by(|a, b| (&a.region, &a.budget_code).cmp(&(&b.region, &b.budget_code)));
        filter.paging().apply(units)
    })
    .await?;
    Ok(Json(page))
}

/// Creates a unit and its two accounts (initial password 123qweQWE).
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = NewUnit,
    responses((status = 201, body = CreatedUnit), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewUnit>,
) -> Result<(StatusCode, Json<CreatedUnit>), ApiError> {
    let store = state.store.clone();
    let created = blocking(move || {
        let node = store.node()?.ok_or(ApiError::NotInitialized)?;
        let (unit, accounts) = store::units::add(&store, &Actor::user(&ctx.user), &body, &node.region)?;
        Ok(CreatedUnit { unit: UnitView::new(&unit, &store.reference()), accounts })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One unit (unit users: their own; authorities: their region's).
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = String, Path)),
    responses((status = 200, body = UnitView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_unit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Json<UnitView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let unit =
            store.read(|r| store::units::get(r, &id))?.ok_or_else(|| ApiError::NotFound("单位不存在".to_owned()))?;
        if !permission::can_read_unit(&ctx.user, &unit) {
            return Err(ApiError::Forbidden("无权查看其他单位的信息".to_owned()));
        }
        Ok(UnitView::new(&unit, &store.reference()))
    })
    .await?;
    Ok(Json(view))
}

/// Edits a unit, or disables / enables it (its accounts with it).
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "units", params(("id" = String, Path)), request_body = UnitPatch,
    responses((status = 200, body = UnitView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(patch): Json<UnitPatch>,
) -> Result<Json<UnitView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let unit = store.write(&Actor::user(&ctx.user), |tx| {
            let before = store::units::get(tx, &id)?.ok_or_else(|| DomainError::NotFound("单位不存在".to_owned()))?;
            let after = patch.apply(&before)?;
            store::units::update(tx, &after)?;
            let summary = format!("修改单位“{}”：{}", after.name, patch.describe(&before, &after));
            Ok((
                after.clone(),
                AuditEntry::new("unit_updated", format!("unit:{}", after.id), summary, Some(after.region.to_string())),
            ))
        })?;
        Ok(UnitView::new(&unit, &store.reference()))
    })
    .await?;
    Ok(Json(view))
}

/// A unit of this node as every user may see it (接收方单位 picker).
#[derive(Serialize, ToSchema)]
pub struct DirectoryEntry {
    /// Unit id.
    pub id: String,
    /// 单位名称.
    pub name: String,
    /// Region code.
    pub region: String,
    /// Region name.
    pub region_name: String,
    /// 预算代码.
    pub budget_code: String,
    /// 主管部门.
    pub department: String,
}

/// The units of this node by region and budget code: names only, for picking a receiving unit.
#[utoipa::path(get, path = "/api/v1/units/directory", tag = "units",
    responses((status = 200, body = Items<DirectoryEntry>), (status = 401, body = ErrorBody)))]
async fn directory(State(state): State<AppState>, _ctx: Ctx) -> Result<Json<Items<DirectoryEntry>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let reference = store.reference();
        let mut units = store.read(store::units::all)?;
        units.sort_by(|a, b| (a.region.as_str(), &a.budget_code).cmp(&(b.region.as_str(), &b.budget_code)));
        Ok(units
            .into_iter()
            .map(|u| DirectoryEntry {
                id: u.id,
                name: u.name,
                region_name: reference.region_name(u.region.as_str()),
                region: u.region.to_string(),
                budget_code: u.budget_code,
                department: u.department,
            })
            .collect())
    })
    .await?;
    Ok(Json(Items { items }))
}
