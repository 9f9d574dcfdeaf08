//! 低效闲置资产盘点: a clerk opens a stocktake (its checklist frozen from the ledger), clerks check
//! card by card on the spot (found or missing, status, where it is, photos, a note) and record
//! what is not on the list (盘盈), then submit it. The rules are `domain::stocktake`'s.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::Actor as AuditActor;
use crate::domain::card::{AssetCard, CardStatus};
use crate::domain::clock;
use crate::domain::location::LocationTree;
use crate::domain::stocktake::{
    self, CheckInput, Difference, LineCheck, NewStocktake, PhotoOf, Progress, Stocktake, StocktakeLine,
    StocktakeOverview, StocktakeScope, StocktakeState, Surplus, SurplusInput,
};
use crate::domain::user::User;
use crate::store::{self, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Path};
use super::listings::actor_of;
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one))
        .routes(routes!(check_line, uncheck_line))
        .routes(routes!(add_surplus))
        .routes(routes!(remove_surplus))
        .routes(routes!(submit))
        .routes(routes!(cancel))
        .routes(routes!(review))
        .routes(routes!(line_photo))
        .routes(routes!(remove_line_photo))
        .routes(routes!(remove_surplus_photo))
        .routes(routes!(surplus_photo))
        .routes(routes!(entry_requests))
        .routes(routes!(overview))
        .routes(routes!(overview_xlsx))
}

/// A place as the page shows it.
#[derive(Serialize, ToSchema)]
pub struct Place {
    /// The location.
    pub id: String,
    /// 院落 › 楼栋 › 楼层 › 房间.
    pub path: String,
}

/// A check as the page shows it.
#[derive(Serialize, ToSchema)]
pub struct CheckView {
    /// The check.
    #[serde(flatten)]
    pub check: LineCheck,
    /// Where it was found, when moved.
    pub moved_to: Option<Place>,
}

/// One card of the checklist.
#[derive(Serialize, ToSchema)]
pub struct LineView {
    /// The frozen facts.
    #[serde(flatten)]
    pub line: StocktakeLine,
    /// 使用状态 label.
    pub status_label: &'static str,
    /// Where the ledger says it is.
    pub place: Option<Place>,
    /// The check.
    pub checked: Option<CheckView>,
}

/// A 盘盈 as the page shows it.
#[derive(Serialize, ToSchema)]
pub struct SurplusView {
    /// The entry.
    #[serde(flatten)]
    pub surplus: Surplus,
    /// Where it was found.
    pub place: Option<Place>,
}

/// A stocktake without its lines (the list).
#[derive(Serialize, ToSchema)]
pub struct StocktakeSummary {
    /// Opaque id.
    pub id: String,
    /// The unit.
    pub unit_id: String,
    /// 盘点任务名称.
    pub title: String,
    /// What it covers.
    pub scope: StocktakeScope,
    /// 盘点范围, as a person reads it.
    pub scope_label: String,
    /// 完成期限.
    pub due_on: String,
    /// Where it stands.
    pub state: StocktakeState,
    /// Its label.
    pub state_label: &'static str,
    /// Checked n of m.
    pub progress: Progress,
    /// What it found, 用时 included.
    pub figures: stocktake::Findings,
    /// Who opened it.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub submitted_at: Option<String>,
    /// Why the reviewer returned it last.
    pub reason: Option<String>,
}

/// A stocktake with its checklist.
#[derive(Serialize, ToSchema)]
pub struct StocktakeView {
    /// The summary.
    #[serde(flatten)]
    pub summary: StocktakeSummary,
    /// The checklist, in walking order.
    pub lines: Vec<LineView>,
    /// 盘盈.
    pub surplus: Vec<SurplusView>,
    /// The differences against the ledger: as applied (已生效), or as they would apply now
    /// (待审核; a card changed meanwhile shows its conflict).
    pub differences: Vec<Difference>,
    /// Entry requests (入仓申请 drafts) made from it.
    pub entry_requests: Vec<String>,
    /// Cards found idle, low-efficiency or pending disposal (for 生成入仓申请).
    pub found_spare: u64,
    /// What the caller may do: check, submit, cancel, review, entry_requests.
    pub actions: Vec<&'static str>,
}

fn place(tree: &LocationTree, id: Option<&str>) -> Option<Place> {
    id.map(|id| Place { id: id.to_owned(), path: tree.path(id) })
}

/// The cards of `unit` whose listing is in the warehouse now or went through it: read only for
/// applied stocktakes with spare cards (the only ones whose figures ask).
fn reached_warehouse(r: &impl store::Read, units: &[&str]) -> store::Result<HashSet<String>> {
    Ok(store::listings::all(r)?
        .into_iter()
        .filter(|l| l.reached_warehouse() && units.contains(&l.unit_id.as_str()))
        .map(|l| l.card_id)
        .collect())
}

/// The cards an applied stocktake found spare, as they are now (may 生成入仓申请 still make a draft?).
pub fn spare_cards(r: &impl store::Read, task: &Stocktake) -> store::Result<HashMap<String, AssetCard>> {
    let mut cards = HashMap::new();
    for line in stocktake::found_spare(task) {
        if let Some(card) = store::cards::get(r, &line.card_id)? {
            cards.insert(card.id.clone(), card);
        }
    }
    Ok(cards)
}

/// Whether a stocktake's figures need to know which cards reached the warehouse.
fn asks_warehouse(task: &Stocktake) -> bool {
    task.state == StocktakeState::Applied && !stocktake::found_spare(task).is_empty()
}

fn summary(task: &Stocktake, tree: &LocationTree, through: &HashSet<String>, now: &str) -> StocktakeSummary {
    let scope_label = match &task.scope {
        StocktakeScope::Unit => "全单位".to_owned(),
        StocktakeScope::Department { name } => format!("使用部门：{name}"),
        StocktakeScope::Location { location_id } => format!("存放地点：{}", tree.path(location_id)),
    };
    StocktakeSummary {
        id: task.id.clone(),
        unit_id: task.unit_id.clone(),
        title: task.title.clone(),
        scope: task.scope.clone(),
        scope_label,
        due_on: task.due_on.clone(),
        state: task.state,
        state_label: task.state.label(),
        progress: stocktake::progress(task),
        figures: stocktake::findings(task, |card| through.contains(card), now),
        created_by: task.created_by.clone(),
        created_at: task.created_at.clone(),
        submitted_at: task.submitted_at.clone(),
        reason: task.reason.clone(),
    }
}

fn view(
    task: Stocktake,
    tree: &LocationTree,
    cards: &HashMap<String, AssetCard>,
    through: &HashSet<String>,
    user: &User,
) -> StocktakeView {
    let summary = summary(&task, tree, through, &clock::now_rfc3339());
    let actor = actor_of(user);
    let differences = match task.state {
        StocktakeState::Applied => task.result.clone(),
        StocktakeState::Submitted => stocktake::differences(&task, |id| cards.get(id)),
        _ => Vec::new(),
    };
    let found_spare = stocktake::found_spare(&task).len() as u64;
    let mut actions = Vec::new();
    let probe = CheckInput { found: true, status: Some(CardStatus::InUse), location_id: None, note: String::new() };
    if let Some(first) = task.lines.first()
        && stocktake::check(&task, &first.card_id, &actor, "", &probe, |_| true, "").is_ok()
    {
        actions.push("check");
    }
    if stocktake::submit(&task, &actor, "").is_ok() {
        actions.push("submit");
    }
    if stocktake::cancel(&task, &actor).is_ok() {
        actions.push("cancel");
    }
    if stocktake::review(&task, &actor, "", true, None, "").is_ok() {
        actions.push("review");
    }
    if user.role == crate::domain::user::Role::Clerk && stocktake::has_listable(&task, |id| cards.get(id)) {
        actions.push("entry_requests");
    }
    let entry_requests = task.entry_requests.clone();
    let lines = task
        .lines
        .into_iter()
        .map(|line| LineView {
            status_label: line.status.label(),
            place: place(tree, line.location_id.as_deref()),
            checked: line
                .check
                .clone()
                .map(|check| CheckView { moved_to: place(tree, check.location_id.as_deref()), check }),
            line,
        })
        .collect();
    let surplus = task
        .surplus
        .into_iter()
        .map(|s| SurplusView { place: place(tree, s.location_id.as_deref()), surplus: s })
        .collect();
    StocktakeView { summary, lines, surplus, differences, entry_requests, found_spare, actions }
}

fn unit_of(user: &User) -> Result<String, ApiError> {
    user.unit_id
        .clone()
        .ok_or_else(|| ApiError::from(DomainError::Forbidden("只有单位用户可以查看盘点任务".to_owned())))
}

fn read_view(store: &Store, user: &User, id: &str) -> Result<StocktakeView, ApiError> {
    let unit = unit_of(user)?;
    let (task, tree, cards, through) = store.read(|r| {
        let task = store::stocktakes::get(r, id)?
            .filter(|t| t.unit_id == unit)
            .ok_or_else(|| DomainError::NotFound("盘点任务不存在".to_owned()))?;
        let through = if asks_warehouse(&task) { reached_warehouse(r, &[unit.as_str()])? } else { HashSet::new() };
        let cards = match task.state {
            StocktakeState::Submitted => {
                store::cards::of_unit(r, &unit)?.into_iter().map(|c| (c.id.clone(), c)).collect()
            }
            StocktakeState::Applied => spare_cards(r, &task)?,
            _ => HashMap::new(),
        };
        Ok((task, store::locations::tree(r, &unit)?, cards, through))
    })?;
    Ok(view(task, &tree, &cards, &through, user))
}

/// 盘点任务 of the caller's unit, newest first.
#[utoipa::path(get, path = "/api/v1/stocktakes", tag = "stocktakes",
    responses((status = 200, body = Items<StocktakeSummary>), (status = 403, body = ErrorBody)))]
async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Items<StocktakeSummary>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let unit = unit_of(&ctx.user)?;
        let (tasks, tree, through) = store.read(|r| {
            let tasks = store::stocktakes::of_unit(r, &unit)?;
            let through =
                if tasks.iter().any(asks_warehouse) { reached_warehouse(r, &[unit.as_str()])? } else { HashSet::new() };
            Ok((tasks, store::locations::tree(r, &unit)?, through))
        })?;
        let now = clock::now_rfc3339();
        Ok::<_, ApiError>(tasks.iter().map(|t| summary(t, &tree, &through, &now)).collect())
    })
    .await?;
    Ok(Json(Items { items }))
}

/// 新建盘点任务: the checklist of the unit's cards in the scope, frozen now.
#[utoipa::path(post, path = "/api/v1/stocktakes", tag = "stocktakes", request_body = NewStocktake,
    responses((status = 201, body = StocktakeView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(input): Json<NewStocktake>,
) -> Result<(StatusCode, Json<StocktakeView>), ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let task = store.write(&AuditActor::user(user), |tx| {
            store::stocktakes::open(tx, &actor_of(user), &user.username, &input, &clock::now_rfc3339())
        })?;
        read_view(&store, user, &task.id)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One stocktake with its checklist and progress.
#[utoipa::path(get, path = "/api/v1/stocktakes/{id}", tag = "stocktakes", params(("id" = String, Path)),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody)))]
async fn one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || read_view(&store, &ctx.user, &id)).await?))
}

/// Runs one change of a stocktake in a write transaction and answers with the task as it became.
fn change(
    store: &Store,
    user: &User,
    id: &str,
    kind: &'static str,
    what: impl FnOnce(&Stocktake) -> String,
    apply: impl FnOnce(&Stocktake, &LocationTree) -> Result<Stocktake, crate::domain::listing::Refusal>,
) -> Result<StocktakeView, ApiError> {
    let actor = actor_of(user);
    store.write(&AuditActor::user(user), |tx| store::stocktakes::act(tx, id, &actor, kind, what, apply))?;
    read_view(store, user, id)
}

/// 盘点一项: found or not (盘亏), status, where it is, photos, note; a later check replaces it.
#[utoipa::path(put, path = "/api/v1/stocktakes/{id}/lines/{card_id}", tag = "stocktakes",
    params(("id" = String, Path), ("card_id" = String, Path)), request_body = CheckInput,
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, card_id)): Path<(String, String)>,
    Json(input): Json<CheckInput>,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let now = clock::now_rfc3339();
        let code = card_id.clone();
        change(
            &store,
            user,
            &id,
            "stocktake_checked",
            |t| {
                let line = t.lines.iter().find(|l| l.card_id == code);
                let result = match line.and_then(|l| l.check.as_ref()) {
                    Some(c) if !c.found => "未找到（盘亏）".to_owned(),
                    Some(c) => format!("在，{}", c.status.map(CardStatus::label).unwrap_or_default()),
                    None => String::new(),
                };
                format!("盘点 {}：{result}", line.map(|l| l.asset_code.as_str()).unwrap_or_default())
            },
            |task, tree| {
                stocktake::check(
                    task,
                    &card_id,
                    &actor_of(user),
                    &user.username,
                    &input,
                    |l| tree.get(l).is_some(),
                    &now,
                )
            },
        )
    })
    .await?;
    Ok(Json(view))
}

/// Takes back the check of one card.
#[utoipa::path(delete, path = "/api/v1/stocktakes/{id}/lines/{card_id}", tag = "stocktakes",
    params(("id" = String, Path), ("card_id" = String, Path)),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn uncheck_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, card_id)): Path<(String, String)>,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let code = card_id.clone();
        change(
            &store,
            user,
            &id,
            "stocktake_unchecked",
            |t| {
                let asset =
                    t.lines.iter().find(|l| l.card_id == code).map(|l| l.asset_code.clone()).unwrap_or_default();
                format!("撤销盘点记录 {asset}")
            },
            |task, _| stocktake::uncheck(task, &card_id, &actor_of(user)),
        )
    })
    .await?;
    Ok(Json(view))
}

/// 登记盘盈: an asset found that is not on the list.
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/surplus", tag = "stocktakes", params(("id" = String, Path)),
    request_body = SurplusInput,
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_surplus(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(input): Json<SurplusInput>,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let now = clock::now_rfc3339();
        let reference = store.reference();
        let name = input.name.trim().to_owned();
        change(
            &store,
            user,
            &id,
            "stocktake_surplus",
            |_| format!("登记盘盈：{name} {} 件", input.quantity),
            |task, tree| {
                stocktake::add_surplus(
                    task,
                    &actor_of(user),
                    &user.username,
                    &input,
                    |l| tree.get(l).is_some(),
                    |c| reference.category(c).is_some(),
                    &now,
                )
            },
        )
    })
    .await?;
    Ok(Json(view))
}

/// Removes a 盘盈 entered by mistake.
#[utoipa::path(delete, path = "/api/v1/stocktakes/{id}/surplus/{surplus_id}", tag = "stocktakes",
    params(("id" = String, Path), ("surplus_id" = String, Path)),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn remove_surplus(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, surplus_id)): Path<(String, String)>,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let which = surplus_id.clone();
        change(
            &store,
            user,
            &id,
            "stocktake_surplus_removed",
            |_| format!("删除盘盈记录 {which}"),
            |task, _| stocktake::remove_surplus(task, &surplus_id, &actor_of(user)),
        )
    })
    .await?;
    Ok(Json(view))
}

/// 提交审核: every card checked.
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/submit", tag = "stocktakes", params(("id" = String, Path)),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let now = clock::now_rfc3339();
        change(
            &store,
            user,
            &id,
            "stocktake_submitted",
            |t| {
                let p = stocktake::progress(t);
                format!("提交盘点结果（{} 项，盘亏 {}，盘盈 {}）", p.total, p.missing, p.surplus)
            },
            |task, _| stocktake::submit(task, &actor_of(user), &now),
        )
    })
    .await?;
    Ok(Json(view))
}

/// 作废 a stocktake still being checked.
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/cancel", tag = "stocktakes", params(("id" = String, Path)),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        change(
            &store,
            user,
            &id,
            "stocktake_cancelled",
            |_| "作废盘点任务".to_owned(),
            |task, _| stocktake::cancel(task, &actor_of(user)),
        )
    })
    .await?;
    Ok(Json(view))
}

/// `POST /stocktakes/{id}/review` body.
#[derive(serde::Deserialize, ToSchema)]
pub struct ReviewBody {
    /// approve or reject.
    pub decision: Decision,
    /// 退回理由 (required to reject).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 审核通过: the changes go into the ledger.
    Approve,
    /// 退回: back to the clerks.
    Reject,
}

/// 审核盘点结果 (the unit's reviewer): approve — every difference without a conflict applies to
/// its card in this transaction, with its history — or return with a reason.
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/review", tag = "stocktakes", params(("id" = String, Path)),
    request_body = ReviewBody,
    responses((status = 200, body = StocktakeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReviewBody>,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let now = clock::now_rfc3339();
        store.write(&AuditActor::user(user), |tx| {
            let approve = body.decision == Decision::Approve;
            let (task, _, entry) = store::stocktakes::review(
                tx,
                &id,
                &actor_of(user),
                &user.username,
                approve,
                body.reason.as_deref(),
                &now,
            )?;
            Ok((task, entry))
        })?;
        read_view(&store, user, &id)
    })
    .await?;
    Ok(Json(view))
}

async fn add_photo(
    state: AppState,
    ctx: Ctx,
    id: String,
    of: (bool, String),
    request: axum::extract::Request,
) -> Result<Json<StocktakeView>, ApiError> {
    let (_, bytes) = super::upload::single_file(request).await?;
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let (photo, stored) = crate::media::ingest(&bytes).map_err(|e| ApiError::Invalid(e.to_string()))?;
        let (is_line, key) = of;
        let which = if is_line { PhotoOf::Line(&key) } else { PhotoOf::Surplus(&key) };
        let flags: Vec<&str> = photo.flags.iter().map(|f| f.label()).collect();
        let quality = if flags.is_empty() {
            "照片清晰".to_owned()
        } else {
            format!("照片{}，建议重拍", flags.join("、"))
        };
        store.write(&AuditActor::user(user), |tx| {
            store::cards::put_photo(tx, &photo.hash, &stored)?;
            store::stocktakes::act(
                tx,
                &id,
                &actor_of(user),
                "stocktake_photo",
                |_| format!("盘点现场拍照（{key}，{quality}）"),
                |task, _| stocktake::add_photo(task, which, &actor_of(user), photo.clone()),
            )
        })?;
        read_view(&store, user, &id)
    })
    .await?;
    Ok(Json(view))
}

/// 现场拍照 of a card of the list (multipart `file`: JPEG, PNG or WebP); added to the card when
/// the stocktake takes effect. The clarity checks are the card photos'.
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/lines/{card_id}/photos", tag = "stocktakes",
    params(("id" = String, Path), ("card_id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "file: the photo"),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn line_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, card_id)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Result<Json<StocktakeView>, ApiError> {
    add_photo(state, ctx, id, (true, card_id), request).await
}

/// 现场拍照 of a 盘盈.
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/surplus/{surplus_id}/photos", tag = "stocktakes",
    params(("id" = String, Path), ("surplus_id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "file: the photo"),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn surplus_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, surplus_id)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Result<Json<StocktakeView>, ApiError> {
    add_photo(state, ctx, id, (false, surplus_id), request).await
}

/// Removes a photo taken on the spot of a card of the list.
#[utoipa::path(delete, path = "/api/v1/stocktakes/{id}/lines/{card_id}/photos/{hash}", tag = "stocktakes",
    params(("id" = String, Path), ("card_id" = String, Path), ("hash" = String, Path)),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn remove_line_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, card_id, hash)): Path<(String, String, String)>,
) -> Result<Json<StocktakeView>, ApiError> {
    remove_photo(state, ctx, id, (true, card_id), hash).await
}

/// Removes a photo of a 盘盈.
#[utoipa::path(delete, path = "/api/v1/stocktakes/{id}/surplus/{surplus_id}/photos/{hash}", tag = "stocktakes",
    params(("id" = String, Path), ("surplus_id" = String, Path), ("hash" = String, Path)),
    responses((status = 200, body = StocktakeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn remove_surplus_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, surplus_id, hash)): Path<(String, String, String)>,
) -> Result<Json<StocktakeView>, ApiError> {
    remove_photo(state, ctx, id, (false, surplus_id), hash).await
}

/// Removes a photo of a line (`(true, card_id)`) or of a 盘盈 (`(false, surplus_id)`).
async fn remove_photo(
    state: AppState,
    ctx: Ctx,
    id: String,
    (line, of): (bool, String),
    hash: String,
) -> Result<Json<StocktakeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let target = if line { PhotoOf::Line(&of) } else { PhotoOf::Surplus(&of) };
        let what = if line { "删除盘点现场照片" } else { "删除盘盈照片" };
        change(
            &store,
            user,
            &id,
            "stocktake_photo_removed",
            |_| what.to_owned(),
            |task, _| stocktake::remove_photo(task, target, &actor_of(user), &hash),
        )
    })
    .await?;
    Ok(Json(view))
}

/// What 生成入仓申请 made.
#[derive(Serialize, ToSchema)]
pub struct EntryRequests {
    /// The drafts made (入仓申请 ids), for the clerk to complete and submit.
    pub created: Vec<String>,
    /// Cards left out, with why.
    pub skipped: Vec<Skipped>,
}

/// A card left out.
#[derive(Serialize, ToSchema)]
pub struct Skipped {
    /// 资产编号.
    pub asset_code: String,
    /// Why.
    pub reason: String,
}

/// 生成入仓申请: a draft entry request for every card the applied stocktake found idle,
/// low-efficiency or pending disposal, in one transaction.
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/entry-requests", tag = "stocktakes", params(("id" = String, Path)),
    responses((status = 200, body = EntryRequests), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn entry_requests(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<EntryRequests>, ApiError> {
    let store = state.store.clone();
    let made = blocking(move || {
        let user = &ctx.user;
        let now = clock::now_rfc3339();
        let made = store.write_all(&AuditActor::user(user), |tx| {
            let done = store::stocktakes::entry_requests(tx, &id, &actor_of(user), &user.username, &now)?;
            let skipped = done.skipped.into_iter().map(|(asset_code, reason)| Skipped { asset_code, reason }).collect();
            Ok((EntryRequests { created: done.made, skipped }, done.entries))
        })?;
        Ok(made)
    })
    .await?;
    Ok(Json(made))
}

/// `?year`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct OverviewQuery {
    /// `YYYY` (default: this year).
    pub year: Option<String>,
}

/// 盘点情况 of a year.
#[derive(Serialize, ToSchema)]
pub struct Overview {
    /// The year.
    pub year: String,
    /// Per unit, per region, 合计.
    #[serde(flatten)]
    pub overview: StocktakeOverview,
    /// Units without a stocktake that took effect in the year.
    pub not_done: u64,
}

/// 盘点情况: per unit of the caller's scope (a unit its own, an authority its region), per region
/// and in all, the year's stocktakes — cards checked, found idle (count, 原值), moved, missing,
/// surplus, time taken, how many of the idle ones reached the warehouse — and which units have not
/// done one.
#[utoipa::path(get, path = "/api/v1/stocktakes/overview", tag = "stocktakes", params(OverviewQuery),
    responses((status = 200, body = Overview), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    super::extract::Query(query): super::extract::Query<OverviewQuery>,
) -> Result<Json<Overview>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || overview_of(&store, &ctx.user, &query)).await?))
}

/// The same as an .xlsx workbook: 按单位 and 按地区, each with its 合计 row.
#[utoipa::path(get, path = "/api/v1/stocktakes/overview.xlsx", tag = "stocktakes", params(OverviewQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn overview_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    super::extract::Query(query): super::extract::Query<OverviewQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let store = state.store.clone();
    let bytes = blocking(move || {
        let overview = overview_of(&store, &ctx.user, &query)?;
        overview_workbook(&overview).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                // 盘点情况.xlsx
                "attachment; filename=\"stocktakes.xlsx\"; filename*=UTF-8''%E7%9B%98%E7%82%B9%E6%83%85%E5%86%B5.xlsx"
                    .to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn overview_of(store: &Store, user: &User, query: &OverviewQuery) -> Result<Overview, ApiError> {
    let year = match query.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => y.to_owned(),
        Some(_) => return Err(ApiError::from(DomainError::invalid("年度应为四位数字，如 2026"))),
        None => clock::today()[..4].to_owned(),
    };
    let (units, tasks, through) = store.read(|r| {
        let units: Vec<_> = store::units::all(r)?
            .into_iter()
            .filter(|u| !u.disabled && crate::domain::permission::in_my_information(user, &u.id, &u.region))
            .collect();
        let tasks: Vec<Stocktake> = units
            .iter()
            .map(|u| store::stocktakes::of_unit(r, &u.id))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        let asking: Vec<&str> = tasks.iter().filter(|t| asks_warehouse(t)).map(|t| t.unit_id.as_str()).collect();
        let through = if asking.is_empty() { HashSet::new() } else { reached_warehouse(r, &asking)? };
        Ok((units, tasks, through))
    })?;
    let reference = store.reference();
    // A city's or a province's own units are its 本级 (the region row of code 210100 is not all of 沈阳市).
    let region_name = |code: &str| match reference.region_name(code) {
        name if code.ends_with("00") => format!("{name}本级"),
        name => name,
    };
    let overview = stocktake::overview(&units, &tasks, &year, |card| through.contains(card), region_name);
    let not_done = overview.total.not_done;
    Ok(Overview { year, overview, not_done })
}

/// A column of the 盘点情况 sheets: header and how a row shows in it.
type TallyColumn = (&'static str, fn(&stocktake::Tally) -> f64);

/// One sheet of 盘点情况.xlsx: name, the headers before the figures, the rows (those cells and the figures).
type Sheet<'a> = (&'static str, Vec<&'static str>, Vec<(Vec<String>, &'a stocktake::Tally)>);

/// The columns of the 盘点情况 sheets after the name.
const OVERVIEW_COLUMNS: &[TallyColumn] = &[
    ("盘点任务（个）", |t| t.tasks as f64),
    ("已生效（个）", |t| t.applied as f64),
    ("盘点资产（件）", |t| t.cards_checked as f64),
    ("发现闲置（件）", |t| t.found_spare as f64),
    ("闲置原值（元）", |t| t.found_spare_value_fen as f64 / 100.0),
    ("已入仓（件）", |t| t.spare_in_warehouse as f64),
    ("存放地点变更（件）", |t| t.moved as f64),
    ("盘亏（件）", |t| t.missing as f64),
    ("盘盈（项）", |t| t.surplus as f64),
    ("平均用时（小时）", |t| {
        if t.applied == 0 { 0.0 } else { (t.minutes_taken as f64 / t.applied as f64 / 6.0).round() / 10.0 }
    }),
];

/// 盘点情况.xlsx: 按单位 (unit, 主管部门, 地区, whether done, the figures) and 按地区, each with 合计.
fn overview_workbook(overview: &Overview) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Color, Format, Workbook};
    let mut workbook = Workbook::new();
    let head = Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDDEBF7));
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let bold_money = money.clone().set_bold();
    let year = &overview.year;
    let units = &overview.overview.items;
    let regions = &overview.overview.regions;
    let total = &overview.overview.total;
    let sheets: [Sheet<'_>; 2] = [
        (
            "按单位",
            vec!["单位名称", "主管部门", "地区", "本年盘点"],
            units
                .iter()
                .map(|u| {
                    let done = if u.tally.applied > 0 { "已盘点" } else { "未盘点" };
                    (vec![u.unit_name.clone(), u.department.clone(), u.region_name.clone(), done.to_owned()], &u.tally)
                })
                .collect(),
        ),
        (
            "按地区",
            vec!["地区", "单位数", "未盘点单位"],
            regions
                .iter()
                .map(|r| (vec![r.region_name.clone(), r.units.to_string(), r.not_done.to_string()], &r.tally))
                .collect(),
        ),
    ];
    for (name, heads, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        sheet.write_string_with_format(0, 0, format!("{year}年低效闲置资产盘点情况（{name}）"), &bold)?;
        sheet.write_string(1, 0, format!("未盘点单位：{} 个，共 {} 个单位", total.not_done, total.units))?;
        let first = heads.len() as u16;
        for (col, title) in heads.iter().enumerate() {
            sheet.write_string_with_format(3, col as u16, *title, &head)?;
            sheet.set_column_width(col as u16, if col == 0 { 28 } else { 12 })?;
        }
        for (col, (title, _)) in OVERVIEW_COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(3, first + col as u16, *title, &head)?;
            sheet.set_column_width(first + col as u16, 12)?;
        }
        let total_cells = {
            let mut cells = vec!["合计".to_owned()];
            if name == "按地区" {
                cells.extend([total.units.to_string(), total.not_done.to_string()]);
            }
            cells
        };
        let count = rows.len();
        for (n, (cells, tally)) in rows.into_iter().chain([(total_cells, &total.tally)]).enumerate() {
            let row = 4 + n as u32;
            let is_total = n == count;
            for (col, text) in cells.iter().enumerate() {
                match text.parse::<f64>() {
                    Ok(number) if col > 0 => sheet.write_number(row, col as u16, number)?,
                    _ if is_total => sheet.write_string_with_format(row, col as u16, text, &bold)?,
                    _ => sheet.write_string(row, col as u16, text)?,
                };
            }
            for (col, (title, value)) in OVERVIEW_COLUMNS.iter().enumerate() {
                let format = match (title.contains("元"), is_total) {
                    (true, true) => &bold_money,
                    (true, false) => &money,
                    (false, true) => &bold,
                    (false, false) => &Format::new(),
                };
                sheet.write_number_with_format(row, first + col as u16, value(tally), format)?;
            }
        }
    }
    workbook.save_to_buffer()
}
