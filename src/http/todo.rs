//! 首页待办事项: what the caller should act on. Each later capability adds its items here.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::demand::Demand;
use crate::domain::listing::Listing;
use crate::domain::user::Role;
use crate::store;

use super::AppState;
use super::card_views::{CardContext, Problem};
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json};
use super::matching::{Offers, demands_with_new_matches};
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
        items.extend(stocktake_items(&store, &ctx.user)?);
        Ok(items)
    })
    .await?;
    Ok(Json(Items { items }))
}

/// 低效闲置资产盘点: the clerk's stocktakes being checked (those past their 完成期限 said so) and
/// results to turn into entry requests; the reviewer's results waiting for review.
fn stocktake_items(store: &crate::store::Store, user: &crate::domain::user::User) -> Result<Vec<TodoItem>, ApiError> {
    use crate::domain::stocktake::{self, StocktakeState};
    let Some(unit) = user.unit_id.as_deref() else { return Ok(Vec::new()) };
    let tasks = store.read(|r| store::stocktakes::of_unit(r, unit))?;
    let today = crate::domain::clock::today();
    let count = |keep: &dyn Fn(&stocktake::Stocktake) -> bool| tasks.iter().filter(|t| keep(t)).count() as u64;
    let link = Some("/warehouse/stocktakes");
    let mut items = Vec::new();
    let mut push = |kind, n: u64, title: String| {
        if n > 0 {
            items.push(TodoItem { kind, count: n, title, link });
        }
    };
    match user.role {
        Role::Clerk => {
            let checking = count(&|t| t.state == StocktakeState::Checking);
            let late = count(&|t| t.state == StocktakeState::Checking && t.due_on < today);
            let returned = count(&|t| t.state == StocktakeState::Checking && t.reason.is_some());
            let suffix = match (late, returned) {
                (0, 0) => String::new(),
                (0, r) => format!("（{r} 个被退回）"),
                (l, 0) => format!("（{l} 个已过完成期限）"),
                (l, r) => format!("（{l} 个已过完成期限，{r} 个被退回）"),
            };
            push("stocktakes_checking", checking, format!("{checking} 个盘点任务正在盘点，请完成后提交审核{suffix}"));
            let ready = store.read(|r| {
                let mut ready = 0;
                for task in tasks.iter().filter(|t| t.state == StocktakeState::Applied) {
                    let cards = super::stocktakes::spare_cards(r, task)?;
                    ready += u64::from(stocktake::has_listable(task, |id| cards.get(id)));
                }
                Ok(ready)
            })?;
            push("stocktakes_to_list", ready, format!("{ready} 个盘点结果已生效，发现闲置资产，可生成入仓申请"));
        }
        Role::Reviewer => {
            let waiting = count(&|t| t.state == StocktakeState::Submitted);
            push("stocktake_reviews", waiting, format!("{waiting} 个盘点结果待审核"));
        }
        _ => {}
    }
    Ok(items)
}

/// A clerk's card upkeep: overdue leases and data-quality problems.
fn card_items(store: &crate::store::Store, unit_id: &str) -> Result<Vec<TodoItem>, ApiError> {
    let ids = [unit_id.to_owned()];
    let context = store.read(|r| CardContext::load(r, store.reference(), &ids))?;
    let cards: Vec<_> = store.read(|r| store::cards::of_unit(r, unit_id))?;
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

/// Listings and demands waiting for the caller: reviews, authority reviews, 报送至中央, returned
/// requests, new matches, listings published too long without result, demands open too long.
fn listing_items(store: &crate::store::Store, user: &crate::domain::user::User) -> Result<Vec<TodoItem>, ApiError> {
    use crate::domain::demand::DemandState;
    use crate::domain::listing::{NationalState, State};
    use crate::domain::settings::older_than;
    let (listings, demands, settings) =
        store.read(|r| Ok((store::listings::all(r)?, store::demands::all(r)?, store::settings::get(r)?)))?;
    let now = crate::domain::clock::now_rfc3339();
    let own = |unit: &str| user.unit_id.as_deref() == Some(unit);
    let listings_where = |keep: &dyn Fn(&Listing) -> bool| listings.iter().filter(|l| keep(l)).count() as u64;
    let demands_where = |keep: &dyn Fn(&Demand) -> bool| demands.iter().filter(|d| keep(d)).count() as u64;
    let in_region = |l: &Listing| user.region.contains(&l.unit_region) && l.in_warehouse_plaza();
    let stale_days = settings.stale_listing_days;
    let demand_days = settings.stale_demand_days;
    let mut rows: Vec<(&'static str, u64, String, &'static str)> = Vec::new();
    match user.role {
        Role::Reviewer => {
            let entry = listings_where(&|l| own(&l.unit_id) && l.state == State::PendingEntry);
            let exit = listings_where(&|l| own(&l.unit_id) && l.state == State::PendingExit);
            let demand = demands_where(&|d| own(&d.unit_id) && d.state == DemandState::PendingReview);
            let widen = listings_where(&|l| own(&l.unit_id) && l.scope_change.is_some());
            rows.push(("entry_reviews", entry, "条入仓申请待审批".to_owned(), "/approvals/entry"));
            rows.push(("exit_reviews", exit, "条退仓申请待审批".to_owned(), "/approvals/exit"));
            rows.push(("widen_reviews", widen, "条扩大调剂共享范围申请待审批".to_owned(), "/approvals/widen"));
            rows.push(("demand_reviews", demand, "条需求待审核发布".to_owned(), "/platform/demands"));
        }
        Role::Clerk => {
            let returned = listings_where(&|l| own(&l.unit_id) && l.state == State::Returned);
            let returned_demands =
                demands_where(&|d| own(&d.unit_id) && d.state == DemandState::Draft && d.reason.is_some());
            let stale = listings_where(&|l| own(&l.unit_id) && l.stale(&now[..10], stale_days));
            let old_demands = demands_where(&|d| {
                own(&d.unit_id)
                    && d.state == DemandState::Published
                    && d.published_at.as_deref().is_some_and(|p| older_than(p, &now, demand_days))
            });
            // What is offered to the unit, read once for the matches and the watches.
            let offers = Offers::new(store, user);
            let matched = demands_with_new_matches(&offers, &demands)?;
            // One scan of the interests: those in this unit's listings, and those it registered.
            let interests = store.read(store::interests::all)?;
            let unit = user.unit_id.as_deref().unwrap_or_default();
            let received = interests.iter().filter(|i| i.listing_unit_id == unit);
            let registered = interests.iter().filter(|i| i.unit_id == unit);
            let today = &now[..10];
            let listing_of = |id: &str| listings.iter().find(|l| l.id == id);
            let state_of = |i: &crate::domain::interest::Interest| {
                crate::domain::interest::effective(i, listing_of(&i.listing_id), today).0
            };
            use crate::domain::interest::InterestState;
            let waiting = received
                .filter(|i| state_of(i) == InterestState::Open)
                .filter(|i| {
                    listing_of(&i.listing_id).is_some_and(|l| l.state == State::Published && !l.reserved(today))
                })
                .count() as u64;
            let held = listings_where(&|l| own(&l.unit_id) && l.reserved(today));
            let accepted = registered.filter(|i| state_of(i) == InterestState::Accepted).count() as u64;
            rows.push((
                "interests_open",
                waiting,
                "条调剂意向待处理，请按登记先后接受或不予采纳".to_owned(),
                "/warehouse/interests",
            ));
            rows.push((
                "listings_reserved",
                held,
                "项资产洽谈中，达成调剂后请登记调剂结果".to_owned(),
                "/warehouse/interests",
            ));
            rows.push((
                "interests_accepted",
                accepted,
                "项调剂意向已被资产所属单位接受（洽谈中），请与对方联系办理".to_owned(),
                "/warehouse/interests",
            ));
            rows.push(("returned", returned, "条入仓申请被退回，请修改后重新提交".to_owned(), "/warehouse/mine"));
            rows.push((
                "returned_demands",
                returned_demands,
                "条需求被退回，请修改后重新提交".to_owned(),
                "/platform/demands",
            ));
            rows.push(("new_matches", matched, "条需求有新的匹配资产，请查看匹配结果".to_owned(), "/platform/demands"));
            let watched = super::watches::new_for_unit(store, user, &offers)?;
            rows.push(("watch_new", watched, "项关注的资产有新发布，请查看".to_owned(), "/warehouse/watches"));
            rows.push((
                "stale_listings",
                stale,
                "项资产长期未调剂共享，请选择延期、扩大范围或退仓".to_owned(),
                "/warehouse/stale",
            ));
            rows.push((
                "stale_demands",
                old_demands,
                format!("条需求发布已超过 {demand_days} 天，请及时清理需求信息"),
                "/platform/demands",
            ));
        }
        Role::Authority => rows.push((
            "authority_reviews",
            listings_where(&|l| in_region(l) && l.national_state == NationalState::PendingAuthority),
            "条调剂共享资产待审核（调剂数据报送）".to_owned(),
            "/platform/submissions",
        )),
        Role::Province => rows.push((
            "province_submissions",
            listings_where(&|l| in_region(l) && l.national_state == NationalState::PendingProvince),
            "条调剂共享资产待报送至中央".to_owned(),
            "/platform/submissions",
        )),
        _ => {}
    }
    Ok(rows
        .into_iter()
        .filter(|(_, n, _, _)| *n > 0)
        .map(|(kind, n, what, link)| TodoItem { kind, count: n, title: format!("{n} {what}"), link: Some(link) })
        .collect())
}
