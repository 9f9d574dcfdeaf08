//! 审计日志: the audit events the caller may see, and the chain check.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::audit::{AuditEvent, Verification};
use crate::domain::permission;
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Paged, Paging, Query};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit)).routes(routes!(verify_audit))
}

/// Filters of `GET /audit`.
#[derive(Deserialize, IntoParams)]
pub struct AuditFilter {
    /// Summary, login name or target contains this.
    pub q: Option<String>,
    /// Only this action, e.g. `unit_created`.
    pub action: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

impl AuditFilter {
    fn paging(&self) -> Paging {
        Paging { page: self.page, page_size: self.page_size }
    }
}

/// Audit events, newest first (admin: all; authority: its region's).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilter),
    responses((status = 200, body = Paged<AuditEvent>), (status = 403, body = ErrorBody)))]
async fn list_audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<AuditFilter>,
) -> Result<Json<Paged<AuditEvent>>, ApiError> {
    let (page, page_size) = filter.paging().checked()?;
    let store = state.store.clone();
    let result = blocking(move || {
        let q = filter.q.unwrap_or_default();
        let action = filter.action.unwrap_or_default();
        let keep = |e: &AuditEvent| {
            permission::can_see_audit_event(&ctx.user, e)
                && (action.is_empty() || e.action == action)
                && (q.is_empty() || e.summary.contains(&q) || e.username.contains(&q) || e.target.contains(&q))
        };
        let offset = (page as usize - 1) * page_size as usize;
        let (items, total) = store.read(|r| store::audit::page(r, keep, offset, page_size as usize))?;
        Ok(Paged { items, total, page, page_size })
    })
    .await?;
    Ok(Json(result))
}

/// Checks the whole chain: ok, or the first broken event.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = Verification), (status = 403, body = ErrorBody)))]
async fn verify_audit(State(state): State<AppState>, _auth: Ctx) -> Result<Json<Verification>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || Ok(store.read(store::audit::verify)?)).await?))
}
