//! 首页待办事项: what the caller should act on. Each later capability adds its items here.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::user::Role;
use crate::store;

use super::AppState;
use super::card_views::{CardContext, Problem};
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
        if let (Role::Clerk, Some(unit_id)) = (ctx.user.role, &ctx.user.unit_id) {
            items.extend(card_items(&store, unit_id)?);
        }
        items.extend(listing_items(&store, &ctx.user)?);
        Ok(items)
    })
    .await?;
    Ok(Json(Items { items }))
}

/// A clerk's card upkeep: overdue leases and data-quality problems.
fn card_items(store: &crate::store::Store, unit_id: &str) -> Result<Vec<TodoItem>, ApiError> {
    let ids = [unit_id.to_owned()];
    let context = store.read(|r| CardContext::load(r, store.reference(), &ids))?;
    let cards: Vec<_> = store.read(store::cards::all)?.into_iter().filter(|c| c.unit_id == unit_id).collect();
    let problems: Vec<Vec<Problem>> = cards.iter().map(|c| context.problems(c)).collect();
    let count = |p: Problem| problems.iter().filter(|ps| ps.contains(&p)).count() as u64;
    let mut items = Vec::new();
    let overdue = count(Problem::LeaseOverdue);
    if overdue > 0 {
        items.push(TodoItem {
            kind: "lease_overdue",
            count: overdue,
            title: format!("{overdue} 张出租出借资产已到期未收回，请办理出租出借收回"),
            link: Some("/quality"),
        });
    }
    let idle = count(Problem::IdleNotListed);
    if idle > 0 {
        items.push(TodoItem {
            kind: "idle_not_listed",
            count: idle,
            title: format!("{idle} 张闲置资产尚未入仓"),
            link: Some("/cards?status=idle"),
        });
    }
    let flawed = problems
        .iter()
        .filter(|ps| ps.iter().any(|p| !matches!(p, Problem::IdleNotListed | Problem::LeaseOverdue)))
        .count() as u64;
    if flawed > 0 {
        items.push(TodoItem {
            kind: "data_quality",
            count: flawed,
            title: format!("{flawed} 张资产卡片缺少照片或存放地点不完整"),
            link: Some("/quality"),
        });
    }
    Ok(items)
}

/// Listings waiting for the caller: reviews, authority reviews, 报送至中央, returned requests.
fn listing_items(store: &crate::store::Store, user: &crate::domain::user::User) -> Result<Vec<TodoItem>, ApiError> {
    use crate::domain::listing::{NationalState, State};
    let listings = store.read(store::listings::all)?;
    let own = |unit: &str| user.unit_id.as_deref() == Some(unit);
    let count =
        |keep: &dyn Fn(&crate::domain::listing::Listing) -> bool| listings.iter().filter(|l| keep(l)).count() as u64;
    let candidates: Vec<(&'static str, u64, &str, &'static str)> = match user.role {
        Role::Reviewer => vec![
            (
                "entry_reviews",
                count(&|l| own(&l.unit_id) && l.state == State::PendingEntry),
                "条入仓申请待审批",
                "/approvals/entry",
            ),
            (
                "exit_reviews",
                count(&|l| own(&l.unit_id) && l.state == State::PendingExit),
                "条退仓申请待审批",
                "/approvals/exit",
            ),
        ],
        Role::Clerk => vec![(
            "returned",
            count(&|l| own(&l.unit_id) && l.state == State::Returned),
            "条入仓申请被退回，请修改后重新提交",
            "/warehouse/mine",
        )],
        Role::Authority => vec![(
            "authority_reviews",
            count(&|l| {
                user.region.contains(&l.unit_region)
                    && l.national_state == NationalState::PendingAuthority
                    && l.in_warehouse_plaza()
            }),
            "条调剂共享资产待审核（调剂数据报送）",
            "/platform/submissions",
        )],
        Role::Province => vec![(
            "province_submissions",
            count(&|l| {
                user.region.contains(&l.unit_region)
                    && l.national_state == NationalState::PendingProvince
                    && l.in_warehouse_plaza()
            }),
            "条调剂共享资产待报送至中央",
            "/platform/submissions",
        )],
        _ => Vec::new(),
    };
    Ok(candidates
        .into_iter()
        .filter(|(_, n, _, _)| *n > 0)
        .map(|(kind, n, what, link)| TodoItem { kind, count: n, title: format!("{n} {what}"), link: Some(link) })
        .collect())
}
