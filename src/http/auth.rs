//! Login, logout, the current session, and password change.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::domain::permission;
use crate::domain::user::{self, User};
use crate::store::{self, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::Json;
use super::session::{COOKIE, Ctx};
use super::views::{SessionView, UserView};

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

/// `POST /login` body.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// `POST /password` body.
#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    /// The current password.
    pub old_password: String,
    /// The new one: ≥ 8 characters with letters and digits.
    pub new_password: String,
}

const BAD_CREDENTIALS: &str = "用户名或密码错误";

/// A hash to verify against when the user does not exist, so both cases take the same time.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| user::hash_password("not-a-real-password-0").unwrap_or_default())
}

fn session_view(store: &Store, user: &User, csrf: String) -> Result<SessionView, ApiError> {
    let unit = match &user.unit_id {
        Some(id) => store.read(|r| store::units::get(r, id))?,
        None => None,
    };
    Ok(SessionView {
        user: UserView::new(user, unit.as_ref(), &store.reference()),
        must_change_password: user.must_change_password,
        csrf_token: csrf,
        permissions: permission::permissions_of(user.role),
    })
}

/// Logs in; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Json(request): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let ip = Some(addr.ip());
    if let Some(wait) = state.throttle.retry_after(&request.username, ip) {
        return Err(ApiError::RateLimited(wait));
    }
    let store = state.store.clone();
    let username = request.username.clone();
    let outcome = blocking(move || {
        if store.node()?.is_none() {
            return Err(ApiError::NotInitialized);
        }
        let found = store.read(|r| store::users::by_username(r, &username))?;
        let hash = found.as_ref().map(|u| u.password_hash.as_str()).unwrap_or(dummy_hash());
        let password_ok = user::verify_password(hash, &request.password);
        let user = match found {
            Some(user) if password_ok => user,
            _ => {
                let summary = format!("登录失败：{}", username.chars().take(40).collect::<String>());
                store.write(&Actor::anonymous(&username), |_| {
                    Ok(((), AuditEntry::new("login_failed", "session", summary, None)))
                })?;
                return Ok(Err(()));
            }
        };
        let unit_disabled = match &user.unit_id {
            Some(id) => store.read(|r| store::units::get(r, id))?.is_none_or(|u| u.disabled),
            None => false,
        };
        if user.disabled || unit_disabled {
            return Err(ApiError::Forbidden("账户已停用，请联系系统管理员".to_owned()));
        }
        let user = store.write(&Actor::user(&user), |tx| {
            let mut user = user.clone();
            user.last_login_at = Some(clock::now_rfc3339());
            store::users::update(tx, &user)?;
            let entry = AuditEntry::new(
                "login",
                format!("user:{}", user.id),
                format!("{} 登录", user.username),
                Some(user.region.to_string()),
            );
            Ok((user, entry))
        })?;
        Ok(Ok(user))
    })
    .await?;
    let Ok(user) = outcome else {
        state.throttle.fail(&request.username, ip);
        return Err(ApiError::Unauthenticated(BAD_CREDENTIALS.to_owned()));
    };
    state.throttle.succeed(&request.username, ip);
    let (token, csrf) = state.sessions.open(&user.id)?;
    let store = state.store.clone();
    let view = blocking(move || session_view(&store, &user, csrf)).await?;
    // Over HTTPS (`serve --tls`) the browser must never send it in clear text.
    let secure = if state.tls.is_some() { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?);
    Ok((headers, Json(view)).into_response())
}

/// Logs out: ends the session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/logout", tag = "session", responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    state.sessions.close(&ctx.token);
    let store = state.store.clone();
    let user = ctx.user.clone();
    blocking(move || {
        let entry = AuditEntry::new(
            "logout",
            format!("user:{}", user.id),
            format!("{} 退出登录", user.username),
            Some(user.region.to_string()),
        );
        Ok(store.write(&Actor::user(&user), |_| Ok(((), entry)))?)
    })
    .await?;
    let cookie = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The current session.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = SessionView), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, ctx: Ctx) -> Result<Json<SessionView>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || session_view(&store, &ctx.user, ctx.csrf)).await?))
}

/// Changes the caller's password; other sessions of the user end.
#[utoipa::path(post, path = "/api/v1/password", tag = "session", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    if !user::verify_password(&ctx.user.password_hash, &body.old_password) {
        return Err(ApiError::Invalid("原密码不正确".to_owned()));
    }
    user::validate_new_password(&body.old_password, &body.new_password)?;
    let store = state.store.clone();
    let user_id = ctx.user.id.clone();
    blocking(move || {
        let hash = user::hash_password(&body.new_password)?;
        store.write(&Actor::user(&ctx.user), |tx| {
            let mut user =
                store::users::get(tx, &ctx.user.id)?.ok_or_else(|| DomainError::NotFound("用户不存在".to_owned()))?;
            user.password_hash = hash;
            user.must_change_password = false;
            store::users::update(tx, &user)?;
            let entry = AuditEntry::new(
                "password_changed",
                format!("user:{}", user.id),
                format!("{} 修改了密码", user.username),
                Some(user.region.to_string()),
            );
            Ok(((), entry))
        })?;
        Ok(())
    })
    .await?;
    state.sessions.close_user_except(&user_id, &ctx.token);
    Ok(StatusCode::NO_CONTENT)
}
