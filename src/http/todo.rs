//! 首页待办事项: what the caller should act on. Each later capability adds its items here.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::permission::Action;
use crate::domain::user::Role;
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(todo))
}

/// One to-do item.
#[derive(Serialize, ToSchema)]
pub struct TodoItem {
    /// Machine kind, e.g. `initial_passwords`.
    pub kind: &'static str,
    /// How many.
    pub count: u64,
    /// Chinese title.
    pub title: String,
    /// Where the UI goes to act on it.
    pub link: Option<&'static str>,
}

/// The caller's to-do items.
#[utoipa::path(get, path = "/api/v1/todo", tag = "todo", responses((status = 200, body = Items<TodoItem>), (status = 401, body = ErrorBody)))]
async fn todo(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Items<TodoItem>>, ApiError> {
    ctx.require(Action::TodoRead)?;
    let store = state.store.clone();
    let items = blocking(move || {
        let mut items = Vec::new();
        if ctx.user.role == Role::Admin {
            let units = store.read(store::units::all)?;
            if units.is_empty() {
                items.push(TodoItem {
                    kind: "no_units",
                    count: 0,
                    title: "尚未登记任何单位：请在“单位管理”中新增单位".to_owned(),
                    link: Some("/system/units"),
                });
            }
            let pending =
                store.read(store::users::all)?.iter().filter(|u| u.must_change_password && !u.disabled).count() as u64;
            if pending > 0 {
                items.push(TodoItem {
                    kind: "initial_passwords",
                    count: pending,
                    title: format!("{pending} 个账户尚未修改初始密码"),
                    link: Some("/system/users"),
                });
            }
        }
        Ok(items)
    })
    .await?;
    Ok(Json(Items { items }))
}
