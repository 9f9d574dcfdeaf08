//! 用户管理: region-bound accounts (authority, province, national, admin) and extra unit
//! accounts; edit, disable, reset to the initial password.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::unit::Unit;
use crate::domain::user::{self, INITIAL_PASSWORD, NewUser, Role, User, UserPatch};
use crate::store::{self, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Paged, Paging, Path, Query};
use super::session::Ctx;
use super::views::UserView;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(reset_password))
}

/// Filters of `GET /users`.
#[derive(Deserialize, IntoParams)]
pub struct UserFilter {
    /// Login or display name contains this.
    pub q: Option<String>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only this unit's accounts.
    pub unit_id: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

impl UserFilter {
    fn paging(&self) -> Paging {
        Paging { page: self.page, page_size: self.page_size }
    }
}

fn view(store: &Store, user: &User) -> Result<UserView, ApiError> {
    let unit: Option<Unit> = match &user.unit_id {
        Some(id) => store.read(|r| store::units::get(r, id))?,
        None => None,
    };
    Ok(UserView::new(user, unit.as_ref(), &store.reference()))
}

/// Accounts, filtered and paged (by login name).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserFilter),
    responses((status = 200, body = Paged<UserView>), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    _auth: Ctx,
    Query(filter): Query<UserFilter>,
) -> Result<Json<Paged<UserView>>, ApiError> {
    filter.paging().checked()?;
    let store = state.store.clone();
    let page = blocking(move || {
        let reference = store.reference();
        let units = store.read(store::units::all)?;
        let q = filter.q.as_deref().map(str::trim).unwrap_or("");
        let mut users: Vec<UserView> = store
            .read(store::users::all)?
            .iter()
            .filter(|u| filter.role.is_none_or(|role| u.role == role))
            .filter(|u| filter.unit_id.as_deref().is_none_or(|id| id.is_empty() || u.unit_id.as_deref() == Some(id)))
            .filter(|u| q.is_empty() || u.username.contains(q) || u.name.contains(q))
            .map(|u| {
                UserView::new(u, u.unit_id.as_ref().and_then(|id| units.iter().find(|unit| &unit.id == id)), &reference)
            })
            .collect();
        users.sort_by(|a, b| a.username.cmp(&b.username));
        filter.paging().apply(users)
    })
    .await?;
    Ok(Json(page))
}

/// Creates an account; it must change its password at the first login.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let store = state.store.clone();
    let created = blocking(move || {
        let reference = store.reference();
        let node = store.node()?.ok_or(ApiError::NotInitialized)?;
        let unit = match body.unit_id.as_deref().filter(|id| !id.is_empty()) {
            Some(id) => store.read(|r| store::units::get(r, id))?,
            None => None,
        };
        let account = body.validate(unit.as_ref(), node.kind, &node.region, &reference)?;
        let user = store::users::add(&store, &Actor::user(&ctx.user), account, &body.password)?;
        view(&store, &user)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

fn change_user(
    store: &Store,
    actor: &User,
    id: &str,
    action: &'static str,
    change: impl FnOnce(&mut User) -> Result<String, DomainError>,
) -> Result<User, ApiError> {
    Ok(store.write(&Actor::user(actor), |tx| {
        let mut user = store::users::get(tx, id)?.ok_or_else(|| DomainError::NotFound("用户不存在".to_owned()))?;
        let summary = change(&mut user)?;
        store::users::update(tx, &user)?;
        Ok((user.clone(), AuditEntry::new(action, format!("user:{}", user.id), summary, Some(user.region.to_string()))))
    })?)
}

/// Renames, disables or enables an account (the `admin` account cannot be disabled).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)), request_body = UserPatch,
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(patch): Json<UserPatch>,
) -> Result<Json<UserView>, ApiError> {
    let store = state.store.clone();
    let user = blocking(move || {
        let user = change_user(&store, &ctx.user, &id, "user_updated", |user| {
            let mut parts = Vec::new();
            if let Some(name) = &patch.name {
                let name = user::validate_display_name(name)?;
                if name != user.name {
                    parts.push(format!("姓名改为 {name}"));
                    user.name = name;
                }
            }
            if let Some(disabled) = patch.disabled {
                if disabled && user.role == Role::Admin {
                    return Err(DomainError::invalid("不能停用系统管理员账户"));
                }
                if disabled != user.disabled {
                    user.disabled = disabled;
                    parts.push(if disabled { "停用" } else { "启用" }.to_owned());
                }
            }
            if parts.is_empty() {
                return Err(DomainError::invalid("没有需要修改的内容"));
            }
            Ok(format!("修改账户 {}：{}", user.username, parts.join("；")))
        })?;
        view(&store, &user).map(|v| (v, user))
    })
    .await?;
    if user.1.disabled {
        state.sessions.close_user(&user.1.id);
    }
    Ok(Json(user.0))
}

/// Resets an account to the initial password 123qweQWE; it must be changed at the next login.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<UserView>, ApiError> {
    let store = state.store.clone();
    let (view, user_id) = blocking(move || {
        let hash = user::hash_password(INITIAL_PASSWORD)?;
        let user = change_user(&store, &ctx.user, &id, "password_reset", |user| {
            if user.role == Role::Admin {
                return Err(DomainError::invalid("系统管理员密码不能在此重置"));
            }
            user.password_hash = hash;
            user.must_change_password = true;
            Ok(format!("将账户 {} 的密码重置为初始密码", user.username))
        })?;
        Ok((view(&store, &user)?, user.id))
    })
    .await?;
    state.sessions.close_user(&user_id);
    Ok(Json(view))
}
