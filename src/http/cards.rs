//! 资产卡片: the unit's card ledger — list, read with history, create, 信息卡变动, lease recall,
//! split. Photos, import and locations have their own files.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::card::{AssetCard, CardChange, CardFields, CardStatus, Recall, Split};
use crate::domain::clock;
use crate::domain::permission;
use crate::domain::unit::Unit;
use crate::domain::user::User;
use crate::store::cards::{HistoryEntry, HistorySource};
use crate::store::{self, Store};

use super::AppState;
use super::card_views::{CardContext, CardDetail, CardView};
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Paged, Paging, Path, Query};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cards, create_card))
        .routes(routes!(get_card))
        .routes(routes!(change_card))
        .routes(routes!(recall_card))
        .routes(routes!(split_card))
}

/// The units whose cards the caller may read, narrowed to `unit_id` when given.
pub fn readable_units(store: &Store, user: &User, unit_id: Option<&str>) -> Result<Vec<Unit>, ApiError> {
    let unit_id = unit_id.filter(|id| !id.is_empty());
    let units: Vec<Unit> = match (&user.unit_id, unit_id) {
        (Some(own), _) if user.role.is_unit_role() => store.read(|r| store::units::get(r, own))?.into_iter().collect(),
        (_, Some(id)) => store.read(|r| store::units::get(r, id))?.into_iter().collect(),
        _ => store.read(store::units::all)?,
    };
    if let Some(id) = unit_id
        && !units.iter().any(|u| u.id == id && permission::can_read_cards_of(user, u))
    {
        return Err(ApiError::Forbidden("无权查看该单位的资产卡片".to_owned()));
    }
    Ok(units.into_iter().filter(|u| permission::can_read_cards_of(user, u)).collect())
}

/// A card the caller may read (`change`: may change), with its unit.
pub fn card_for(store: &Store, user: &User, id: &str, change: bool) -> Result<(AssetCard, Unit), ApiError> {
    let card =
        store.read(|r| store::cards::get(r, id))?.ok_or_else(|| ApiError::NotFound("资产卡片不存在".to_owned()))?;
    let unit = store
        .read(|r| store::units::get(r, &card.unit_id))?
        .ok_or_else(|| ApiError::NotFound("资产卡片所属单位不存在".to_owned()))?;
    let allowed = if change {
        permission::can_change_cards_of(user, &unit.id)
    } else {
        permission::can_read_cards_of(user, &unit)
    };
    if !allowed {
        return Err(ApiError::Forbidden("无权操作其他单位的资产卡片".to_owned()));
    }
    if change {
        card.changeable()?;
    }
    Ok((card, unit))
}

/// The view of one card, fresh from the database.
pub fn card_view(store: &Store, card: &AssetCard) -> Result<CardView, ApiError> {
    let context = store.read(|r| CardContext::load(r, store.reference(), std::slice::from_ref(&card.unit_id)))?;
    Ok(context.view(card))
}

/// Sort keys of `GET /cards`.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardSort {
    /// 资产编号 (default).
    #[default]
    AssetCode,
    /// 资产名称.
    Name,
    /// 取得日期.
    AcquiredOn,
    /// 原值.
    OriginalValue,
    /// 净值.
    NetValue,
    /// Last change.
    UpdatedAt,
}

/// Filters of `GET /cards`.
#[derive(Deserialize, IntoParams)]
pub struct CardFilter {
    /// 资产编号, name, spec, brand or custodian contains this.
    pub q: Option<String>,
    /// 使用状态.
    pub status: Option<CardStatus>,
    /// Category code prefix.
    pub category: Option<String>,
    /// 是否共享共用.
    pub shared: Option<bool>,
    /// Only publishable cards.
    pub publishable: Option<bool>,
    /// Cards transferred out (已调出) instead of the active ledger.
    pub transferred: Option<bool>,
    /// In this location or below.
    pub location_id: Option<String>,
    /// One unit (authority).
    pub unit_id: Option<String>,
    /// Sort key.
    #[param(inline)]
    pub sort: Option<CardSort>,
    /// `asc` (default) or `desc`.
    pub order: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

/// The unit's cards (authority: its region's), filtered, sorted and paged.
#[utoipa::path(get, path = "/api/v1/cards", tag = "cards", params(CardFilter),
    responses((status = 200, body = Paged<CardView>), (status = 403, body = ErrorBody)))]
async fn list_cards(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<CardFilter>,
) -> Result<Json<Paged<CardView>>, ApiError> {
    let paging = Paging { page: filter.page, page_size: filter.page_size };
    paging.checked()?;
    let store = state.store.clone();
    let page = blocking(move || {
        let units = readable_units(&store, &ctx.user, filter.unit_id.as_deref())?;
        let unit_ids: Vec<String> = units.iter().map(|u| u.id.clone()).collect();
        let context = store.read(|r| CardContext::load(r, store.reference(), &unit_ids))?;
        let subtree: Option<Vec<String>> = filter.location_id.as_deref().filter(|l| !l.is_empty()).map(|l| {
            unit_ids
                .iter()
                .filter_map(|u| context.tree(u))
                .flat_map(|t| if t.get(l).is_some() { t.subtree(l) } else { vec![] })
                .collect()
        });
        let q = filter.q.as_deref().map(str::trim).unwrap_or("");
        let category = filter.category.as_deref().map(crate::domain::card::category_prefix).unwrap_or("");
        let mut cards: Vec<AssetCard> = store
            .read(store::cards::all)?
            .into_iter()
            .filter(|c| unit_ids.contains(&c.unit_id))
            .filter(|c| filter.status.is_none_or(|s| c.status == s))
            .filter(|c| filter.shared.is_none_or(|s| c.shared == s))
            .filter(|c| c.transferred_to.is_some() == filter.transferred.unwrap_or(false))
            .filter(|c| filter.publishable.is_none_or(|p| c.publishable() == p))
            .filter(|c| category.is_empty() || c.category.starts_with(category))
            .filter(|c| subtree.as_ref().is_none_or(|ids| c.location_id.as_ref().is_some_and(|l| ids.contains(l))))
            .filter(|c| {
                q.is_empty()
                    || [&c.asset_code, &c.name, &c.spec, &c.brand, &c.custodian, &c.using_department]
                        .iter()
                        .any(|f| f.contains(q))
            })
            .collect();
        let sort = filter.sort.unwrap_or_default();
        cards.sort_by(|a, b| {
            let key = match sort {
                CardSort::AssetCode => a.asset_code.cmp(&b.asset_code),
                CardSort::Name => a.name.cmp(&b.name),
                CardSort::AcquiredOn => a.acquired_on.cmp(&b.acquired_on),
                CardSort::OriginalValue => a.original_value_fen.cmp(&b.original_value_fen),
                CardSort::NetValue => a.net_value_fen.cmp(&b.net_value_fen),
                CardSort::UpdatedAt => a.updated_at.cmp(&b.updated_at),
            };
            key.then_with(|| a.asset_code.cmp(&b.asset_code))
        });
        match filter.order.as_deref() {
            None | Some("asc") => {}
            Some("desc") => cards.reverse(),
            Some(other) => return Err(ApiError::Malformed(format!("排序方向“{other}”无效，应为 asc 或 desc"))),
        }
        let paged = paging.apply(cards)?;
        Ok(Paged {
            items: paged.items.iter().map(|c| context.view(c)).collect(),
            total: paged.total,
            page: paged.page,
            page_size: paged.page_size,
        })
    })
    .await?;
    Ok(Json(page))
}

/// A new card in the clerk's unit.
#[utoipa::path(post, path = "/api/v1/cards", tag = "cards", request_body = CardFields,
    responses((status = 201, body = CardView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(fields): Json<CardFields>,
) -> Result<(StatusCode, Json<CardView>), ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let unit_id =
            ctx.user.unit_id.clone().ok_or_else(|| ApiError::Forbidden("只有单位经办岗可以新增资产卡片".to_owned()))?;
        let today = time::OffsetDateTime::now_utc().date();
        if let Some(error) = fields.problems(&store.reference(), today).into_iter().next() {
            return Err(ApiError::Invalid(format!("{}：{}", error.column, error.message)));
        }
        let card = store.write(&Actor::user(&ctx.user), |tx| {
            if let Some(location) = fields.location_id.as_deref().filter(|l| !l.is_empty())
                && store::locations::get(tx, location)?.is_none_or(|l| l.unit_id != unit_id)
            {
                return Err(DomainError::invalid("所选存放地点不属于本单位").into());
            }
            let now = clock::now_rfc3339();
            let card = fields.clone().into_card(tx.next_id("c")?, unit_id.clone(), now.clone());
            store::cards::insert(tx, &card)?;
            let entry = HistoryEntry {
                at: now,
                username: ctx.user.username.clone(),
                field: "新增卡片".to_owned(),
                before: String::new(),
                after: format!("{} {}", card.asset_code, card.name),
                note: String::new(),
                source: HistorySource::Created,
            };
            store::cards::record(tx, &card.id, [entry])?;
            let summary = format!("新增资产卡片 {} {}", card.asset_code, card.name);
            Ok((
                card.clone(),
                AuditEntry::new(
                    "card_created",
                    format!("card:{}", card.id),
                    summary,
                    Some(ctx.user.region.to_string()),
                ),
            ))
        })?;
        card_view(&store, &card)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One card with its history.
#[utoipa::path(get, path = "/api/v1/cards/{id}", tag = "cards", params(("id" = String, Path)),
    responses((status = 200, body = CardDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<CardDetail>, ApiError> {
    let store = state.store.clone();
    let detail = blocking(move || {
        let (card, _) = card_for(&store, &ctx.user, &id, false)?;
        let history = store.read(|r| store::cards::history(r, &card.id))?;
        Ok(CardDetail { card: card_view(&store, &card)?, history })
    })
    .await?;
    Ok(Json(detail))
}

/// Runs a change of one card in one audited transaction: `change` gets the card (re-read inside
/// the transaction) and returns the new card, the note and the history lines.
fn write_card_change(
    store: &Store,
    user: &User,
    card_id: &str,
    action: &'static str,
    change: impl FnOnce(&AssetCard, &store::Tx) -> Result<(AssetCard, String, Vec<HistoryEntry>), ApiError>,
) -> Result<AssetCard, ApiError> {
    let mut refusal = None;
    let result = store.write(&Actor::user(user), |tx| {
        let card = store::cards::get(tx, card_id)?.ok_or_else(|| DomainError::NotFound("资产卡片不存在".to_owned()))?;
        let (next, summary, history) = match change(&card, tx) {
            Ok(done) => done,
            Err(e) => {
                refusal = Some(e);
                return Err(DomainError::invalid("refused").into());
            }
        };
        store::cards::update(tx, &next)?;
        store::cards::record(tx, &next.id, history)?;
        let summary = format!("资产卡片 {} {}：{summary}", next.asset_code, next.name);
        Ok((next, AuditEntry::new(action, format!("card:{card_id}"), summary, Some(user.region.to_string()))))
    });
    match (result, refusal) {
        (_, Some(refusal)) => Err(refusal),
        (result, None) => Ok(result?),
    }
}

/// 信息卡变动: status, shared flag, location, custodian, using department.
#[utoipa::path(post, path = "/api/v1/cards/{id}/changes", tag = "cards", params(("id" = String, Path)), request_body = CardChange,
    responses((status = 200, body = CardView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<CardChange>,
) -> Result<Json<CardView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let (card, unit) = card_for(&store, &ctx.user, &id, true)?;
        let tree = store.read(|r| store::locations::tree(r, &unit.id))?;
        let card = write_card_change(&store, &ctx.user, &card.id, "card_changed", |card, _| {
            let (next, note, changes) = body.apply(card, |l| tree.get(l).map(|_| tree.path(l)))?;
            let now = clock::now_rfc3339();
            let mut next = next;
            next.updated_at = now.clone();
            let summary = changes
                .iter()
                .map(|c| format!("{} {} → {}", c.field, c.before, c.after))
                .collect::<Vec<_>>()
                .join("；");
            Ok((next, summary, store::cards::entries(&changes, &ctx.user.username, &note, HistorySource::Manual, &now)))
        })?;
        card_view(&store, &card)
    })
    .await?;
    Ok(Json(view))
}

/// 出租出借收回: a leased card back to in use, idle or pending disposal.
#[utoipa::path(post, path = "/api/v1/cards/{id}/recall", tag = "cards", params(("id" = String, Path)), request_body = Recall,
    responses((status = 200, body = CardView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn recall_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Recall>,
) -> Result<Json<CardView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let (card, _) = card_for(&store, &ctx.user, &id, true)?;
        let card = write_card_change(&store, &ctx.user, &card.id, "card_recalled", |card, _| {
            let (mut next, note, changes) = body.apply(card, time::OffsetDateTime::now_utc().date())?;
            let now = clock::now_rfc3339();
            next.updated_at = now.clone();
            Ok((
                next,
                note.clone(),
                store::cards::entries(&changes, &ctx.user.username, &note, HistorySource::Recall, &now),
            ))
        })?;
        card_view(&store, &card)
    })
    .await?;
    Ok(Json(view))
}

/// The cards a split produced.
#[derive(serde::Serialize, ToSchema)]
pub struct SplitResult {
    /// The original card (first) and the new ones.
    pub cards: Vec<CardView>,
}

/// 拆分: one card becomes several; values apportioned exactly.
#[utoipa::path(post, path = "/api/v1/cards/{id}/split", tag = "cards", params(("id" = String, Path)), request_body = Split,
    responses((status = 200, body = SplitResult), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn split_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Split>,
) -> Result<Json<SplitResult>, ApiError> {
    let store = state.store.clone();
    let result = blocking(move || {
        let (card, _) = card_for(&store, &ctx.user, &id, true)?;
        let parts = store.write(&Actor::user(&ctx.user), |tx| {
            let card =
                store::cards::get(tx, &card.id)?.ok_or_else(|| DomainError::NotFound("资产卡片不存在".to_owned()))?;
            let now = clock::now_rfc3339();
            let parts = store::cards::split(tx, &card, body.parts_of(&card)?, &ctx.user.username, &now)?;
            let codes: Vec<String> = parts.iter().map(|p| format!("{}（数量 {}）", p.asset_code, p.quantity)).collect();
            let summary = format!("资产卡片 {} {} 拆分为 {}", card.asset_code, card.name, codes.join("、"));
            Ok((
                parts,
                AuditEntry::new("card_split", format!("card:{}", card.id), summary, Some(ctx.user.region.to_string())),
            ))
        })?;
        let views = parts.iter().map(|p| card_view(&store, p)).collect::<Result<Vec<_>, _>>()?;
        Ok(SplitResult { cards: views })
    })
    .await?;
    Ok(Json(result))
}
