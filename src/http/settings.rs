//! 关于 and the node settings: the support contacts every user can read (also on the login and
//! error pages, so it is public), and the admin's page that sets them with the reminder periods.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::audit::Actor;
use crate::domain::settings::{Settings, SupportContact};
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::Json;
use super::session::Ctx;
use super::views::NodeView;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(about)).routes(routes!(get_settings, put_settings))
}

/// 关于: the product, this node, and who to call.
#[derive(Serialize, ToSchema)]
pub struct About {
    /// 公物仓.
    pub product: &'static str,
    /// This build's version.
    pub version: &'static str,
    /// The commit it was built from.
    pub commit: &'static str,
    /// The build date, `YYYY-MM-DD`.
    pub build_date: &'static str,
    /// The target it was built for, e.g. `x86_64-pc-windows-gnu`.
    pub target: &'static str,
    /// The node, once initialised.
    pub node: Option<NodeView>,
    /// 业务问题 contact (empty until the admin sets it).
    pub business_contact: SupportContact,
    /// 技术问题 contact.
    pub technical_contact: SupportContact,
}

/// 关于 (public: the login and error pages show the support contacts).
#[utoipa::path(get, path = "/api/v1/about", tag = "node", responses((status = 200, body = About)))]
async fn about(State(state): State<AppState>) -> Result<Json<About>, ApiError> {
    let store = state.store.clone();
    let about = blocking(move || {
        let node = store.node()?.map(|n| NodeView::new(&n, &store.reference()));
        let settings = store.read(store::settings::get)?;
        Ok(About {
            product: "公物仓",
            version: crate::build_info::VERSION,
            commit: crate::build_info::COMMIT,
            build_date: crate::build_info::BUILD_DATE,
            target: crate::build_info::TARGET,
            node,
            business_contact: settings.business_contact,
            technical_contact: settings.technical_contact,
        })
    })
    .await?;
    Ok(Json(about))
}

/// The node settings (系统设置).
#[utoipa::path(get, path = "/api/v1/settings", tag = "node",
    responses((status = 200, body = Settings), (status = 403, body = ErrorBody)))]
async fn get_settings(State(state): State<AppState>, _ctx: Ctx) -> Result<Json<Settings>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || Ok(store.read(store::settings::get)?)).await?))
}

/// Saves the node settings; every change is audited.
#[utoipa::path(put, path = "/api/v1/settings", tag = "node", request_body = Settings,
    responses((status = 200, body = Settings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Settings>,
) -> Result<Json<Settings>, ApiError> {
    let store = state.store.clone();
    let saved =
        blocking(move || Ok(store.write(&Actor::user(&ctx.user), |tx| store::settings::put(tx, &body))?)).await?;
    Ok(Json(saved))
}
