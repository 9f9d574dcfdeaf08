//! 入仓申请 and its approvals: create, edit, submit, review (entry and exit), exit, the platform
//! track (authority review, 报送至中央), cancel, result. Every state change goes through
//! `domain::listing::transition` inside one audited transaction.

use std::collections::HashSet;

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{self, AuditEntry};
use crate::domain::clock;
use crate::domain::listing::{
    self, Listing, ListingAction, ListingFields, ListingResult, Mode, NationalState, PlatformGroup, Scope, State,
    Viewer, WarehouseGroup,
};
use crate::domain::permission::in_my_information;
use crate::domain::user::{Role, User};
use crate::store::{self, Store};

use super::AppState;
use super::card_views::{CardContext, CardView};
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Paged, Paging, Path, Query};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_listings, create_listing))
        .routes(routes!(get_listing, edit_listing, discard))
        .routes(routes!(submit))
        .routes(routes!(review))
        .routes(routes!(request_exit))
        .routes(routes!(authority_review))
        .routes(routes!(submit_central))
        .routes(routes!(cancel))
        .routes(routes!(record_result))
        .routes(routes!(extend))
        .routes(routes!(widen))
        .routes(routes!(bulk))
}

/// The listing as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingView {
    /// Opaque id.
    pub id: String,
    /// The card offered.
    pub card_id: String,
    /// The offering unit.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// Its region.
    pub region: String,
    /// The region's name.
    pub region_name: String,
    /// Its 主管部门.
    pub department: String,
    /// 调剂 / 共享.
    pub mode: Mode,
    /// 是否纳入全国调剂共享平台.
    pub national: bool,
    /// 调剂共享范围.
    pub scope: Scope,
    /// 资产描述.
    pub description: String,
    /// 状况.
    pub condition: String,
    /// 来源.
    pub source: listing::Source,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// Warehouse track.
    pub state: State,
    /// Platform track.
    pub national_state: NationalState,
    /// The last refusal's or the exit's reason.
    pub reason: Option<String>,
    /// The recorded result.
    pub result: Option<ListingResult>,
    /// The card's facts.
    pub card: CardView,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub published_at: Option<String>,
    /// RFC 3339.
    pub updated_at: String,
    /// What the caller may do now.
    pub actions: Vec<&'static str>,
    /// Its tab in 公物仓 › 我的信息.
    pub group: WarehouseGroup,
    /// Its group in 调剂共享平台 › 我的信息 (platform listings).
    pub platform_group: Option<PlatformGroup>,
    /// Past its due day without result (长期未调剂共享): the clerk extends, widens or withdraws it.
    pub stale: bool,
    /// 开放期限至, when the clerk set one.
    pub open_until: Option<String>,
    /// The first day it counts as stale (its 开放期限 passed, or the node's period since it was
    /// offered), while it is in the warehouse.
    pub due_on: Option<String>,
    /// 扩大调剂共享范围 awaiting the unit's reviewer.
    pub scope_change: Option<listing::ScopeChange>,
    /// Where it comes from, when it was received from another node.
    pub origin: Option<listing::Origin>,
    /// 洽谈中: held for a unit whose interest was accepted, while the hold stands.
    pub hold: Option<HoldView>,
    /// The caller's unit's interest in it that is still open or accepted.
    pub my_interest: Option<MyInterest>,
}

/// 洽谈中, as a listing shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldView {
    /// The last day of the hold.
    pub until: String,
    /// The unit it is held for: shown to the offering unit and to that unit only.
    pub unit_name: Option<String>,
    /// The accepted interest (the offering unit records the result from it).
    pub interest_id: Option<String>,
    /// The unit it is held for (offering unit only, to pre-fill the receiver).
    pub unit_id: Option<String>,
}

/// The caller's own interest in a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyInterest {
    /// Its id.
    pub id: String,
    /// open or accepted.
    pub state: crate::domain::interest::InterestState,
}

/// The actor of the listing rules for a user.
pub fn actor_of(user: &User) -> listing::Actor {
    listing::Actor { role: user.role, unit_id: user.unit_id.clone(), region: user.region.clone() }
}

/// The viewer of the plazas for a user.
pub fn viewer_of(store: &Store, user: &User) -> Result<Viewer, ApiError> {
    let department = match &user.unit_id {
        Some(id) => store.read(|r| store::units::get(r, id))?.map(|u| u.department),
        None => None,
    };
    Ok(Viewer { role: user.role, unit_id: user.unit_id.clone(), region: user.region.clone(), department })
}

/// The name of the unit a listing is held for: one of this node's, or one of another node's by
/// the name its interest travelled with.
fn held_for(r: &impl store::Read, hold: &crate::domain::interest::Hold) -> store::Result<String> {
    if let Some(unit) = store::units::get(r, &hold.unit_id)? {
        return Ok(unit.name);
    }
    let origin = store::interests::get(r, &hold.interest_id)?.and_then(|i| i.origin);
    Ok(origin.map(|o| o.unit_name).unwrap_or_default())
}

/// Views of many listings at once.
pub fn views(store: &Store, user: &User, listings: &[Listing]) -> Result<Vec<ListingView>, ApiError> {
    let mut unit_ids: Vec<String> = listings.iter().map(|l| l.unit_id.clone()).collect();
    unit_ids.sort();
    unit_ids.dedup();
    let reference = store.reference();
    let context = store.read(|r| CardContext::load(r, reference.clone(), &unit_ids))?;
    let actor = actor_of(user);
    let (cards, settings) = store.read(|r| {
        let cards = listings.iter().map(|l| store::relay::card_of(r, l)).collect::<Result<Vec<_>, _>>()?;
        Ok((cards, store::settings::get(r)?))
    })?;
    let now = clock::now_rfc3339();
    let today = &now[..10];
    let my_interests = match (&user.unit_id, user.role) {
        (Some(unit), Role::Clerk | Role::Reviewer) => store.read(|r| store::interests::of_unit(r, unit))?,
        _ => Vec::new(),
    };
    listings
        .iter()
        .zip(cards)
        .map(|(l, card)| {
            use crate::domain::interest::{self, InterestState};
            let my_interest = my_interests
                .iter()
                .filter(|i| i.listing_id == l.id)
                .map(|i| (i, interest::effective(i, Some(l), today).0))
                .find(|(_, state)| matches!(state, InterestState::Open | InterestState::Accepted))
                .map(|(i, state)| MyInterest { id: i.id.clone(), state });
            let mut actions = listing::allowed_actions(l, &actor, &now);
            if my_interest.is_none() && interest::may_register(l, &actor).is_ok() {
                actions.push("interest");
            }
            let hold = match interest::active_hold(l, today) {
                Some(h) => {
                    let insider = user.unit_id.as_deref().is_some_and(|u| u == l.unit_id || u == h.unit_id);
                    let own = user.unit_id.as_deref() == Some(l.unit_id.as_str());
                    let unit_name = match insider {
                        true => Some(store.read(|r| held_for(r, h))?),
                        false => None,
                    };
                    Some(HoldView {
                        until: h.until.clone(),
                        unit_name,
                        interest_id: own.then(|| h.interest_id.clone()),
                        unit_id: own.then(|| h.unit_id.clone()),
                    })
                }
                None => None,
            };
            let card = card.ok_or_else(|| ApiError::NotFound("入仓资产的卡片不存在".to_owned()))?;
            let mut card = context.view(&card);
            if let Some(origin) = &l.origin {
                card.unit_name = origin.unit_name.clone();
            }
            Ok(ListingView {
                id: l.id.clone(),
                card_id: l.card_id.clone(),
                unit_id: l.unit_id.clone(),
                unit_name: card.unit_name.clone(),
                origin: l.origin.clone(),
                region: l.unit_region.to_string(),
                region_name: reference.region_name(l.unit_region.as_str()),
                department: l.unit_department.clone(),
                mode: l.mode,
                national: l.national,
                scope: l.scope,
                description: l.description.clone(),
                condition: l.condition.clone(),
                source: l.source,
                contact_name: l.contact_name.clone(),
                contact_phone: l.contact_phone.clone(),
                state: l.state,
                national_state: l.national_state,
                reason: l.reason.clone(),
                result: l.result.clone(),
                card,
                created_at: l.created_at.clone(),
                published_at: l.published_at.clone(),
                updated_at: l.updated_at.clone(),
                actions,
                group: l.warehouse_group(),
                platform_group: l.platform_group(),
                stale: l.stale(today, settings.stale_listing_days),
                open_until: l.open_until.clone(),
                // The offering node reminds its clerk; a received listing has no due day here.
                due_on: (l.in_warehouse_plaza() && l.origin.is_none())
                    .then(|| l.due_on(settings.stale_listing_days))
                    .flatten(),
                scope_change: l.scope_change.clone(),
                hold,
                my_interest,
            })
        })
        .collect()
}

/// Whether the user may read the listing: its unit, the region's authority or province, or a
/// viewer of a plaza where it shows.
fn may_read(user: &User, viewer: &Viewer, l: &Listing) -> bool {
    match user.role {
        Role::Clerk | Role::Reviewer if user.unit_id.as_deref() == Some(l.unit_id.as_str()) => true,
        Role::Authority | Role::Province if user.region.contains(&l.unit_region) => true,
        _ => l.offered_here() && listing::visible(l, viewer),
    }
}

/// Filters of `GET /listings`.
#[derive(Deserialize, IntoParams)]
pub struct ListingFilter {
    /// Warehouse track.
    pub state: Option<State>,
    /// Platform track.
    pub national_state: Option<NationalState>,
    /// 调剂 / 共享.
    pub mode: Option<Mode>,
    /// Platform listings only (or local only).
    pub national: Option<bool>,
    /// A tab of 公物仓 › 我的信息.
    pub group: Option<WarehouseGroup>,
    /// A group of 调剂共享平台 › 我的信息.
    pub platform_group: Option<PlatformGroup>,
    /// 长期未调剂共享 only (or not stale only).
    pub stale: Option<bool>,
    /// With a 扩大范围 request awaiting the reviewer only (or without).
    pub scope_change: Option<bool>,
    /// 资产编号 or name contains this.
    pub q: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

/// The unit's listings (authority, province: the region's), newest first.
#[utoipa::path(get, path = "/api/v1/listings", tag = "listings", params(ListingFilter),
    responses((status = 200, body = Paged<ListingView>), (status = 403, body = ErrorBody)))]
async fn list_listings(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Query(filter): Query<ListingFilter>,
) -> Result<Json<Paged<ListingView>>, ApiError> {
    let paging = Paging { page: filter.page, page_size: filter.page_size };
    paging.checked()?;
    let store = state.store.clone();
    let page = blocking(move || {
        let user = &ctx.user;
        let q = filter.q.as_deref().map(str::trim).unwrap_or("");
        let matching_cards: HashSet<String> = if q.is_empty() {
            HashSet::new()
        } else {
            store
                .read(store::cards::all)?
                .into_iter()
                .filter(|c| c.name.contains(q) || c.asset_code.contains(q))
                .map(|c| c.id)
                .collect()
        };
        let (all, settings) = store.read(|r| Ok((store::listings::all(r)?, store::settings::get(r)?)))?;
        let today = clock::today();
        let mut listings: Vec<Listing> = all
            .into_iter()
            .filter(|l| filter.stale.is_none_or(|s| l.stale(&today, settings.stale_listing_days) == s))
            .filter(|l| filter.scope_change.is_none_or(|s| l.scope_change.is_some() == s))
            .filter(|l| in_my_information(user, &l.unit_id, &l.unit_region))
            .filter(|l| filter.group.is_none_or(|g| l.warehouse_group() == g))
            .filter(|l| filter.platform_group.is_none_or(|g| l.platform_group() == Some(g)))
            .filter(|l| filter.state.is_none_or(|s| l.state == s))
            .filter(|l| filter.national_state.is_none_or(|s| l.national_state == s))
            .filter(|l| filter.mode.is_none_or(|m| l.mode == m))
            .filter(|l| filter.national.is_none_or(|n| l.national == n))
            .filter(|l| q.is_empty() || matching_cards.contains(&l.card_id))
            .collect();
        listings.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
        let page = paging.apply(listings)?;
        Ok(Paged {
            items: views(&store, user, &page.items)?,
            total: page.total,
            page: page.page,
            page_size: page.page_size,
        })
    })
    .await?;
    Ok(Json(page))
}

/// `POST /listings` body.
#[derive(Deserialize, ToSchema)]
pub struct NewListing {
    /// The card to offer (publishable, of the clerk's unit).
    pub card_id: String,
    /// The listing's fields.
    #[serde(flatten)]
    pub fields: ListingFields,
    /// Submit at once (otherwise a draft).
    #[serde(default)]
    pub submit: bool,
}

fn one(store: &Store, user: &User, listing: &Listing) -> Result<ListingView, ApiError> {
    views(store, user, std::slice::from_ref(listing))?.pop().ok_or_else(|| ApiError::Internal("empty view".to_owned()))
}

/// 入仓申请: offers a publishable card (draft, or submitted at once).
#[utoipa::path(post, path = "/api/v1/listings", tag = "listings", request_body = NewListing,
    responses((status = 201, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_listing(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Json(body): Json<NewListing>,
) -> Result<(StatusCode, Json<ListingView>), ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let listing = store.write(&audit::Actor::user(user), |tx| {
            let card = store::cards::get(tx, &body.card_id)?
                .ok_or_else(|| DomainError::NotFound("资产卡片不存在".to_owned()))?;
            let unit =
                store::units::get(tx, &card.unit_id)?.ok_or_else(|| DomainError::NotFound("单位不存在".to_owned()))?;
            let now = clock::now_rfc3339();
            let actor = actor_of(user);
            let mut listing = listing::create(
                tx.next_id("L")?,
                card.id.clone(),
                card.publishable(),
                &unit.id,
                unit.region.clone(),
                unit.department.clone(),
                &actor,
                &body.fields,
                &now,
            )
            .map_err(DomainError::from)?;
            if body.submit {
                listing =
                    listing::transition(&listing, &actor, &ListingAction::Submit, &now).map_err(DomainError::from)?;
            }
            let entry = store::listings::create(tx, &listing, &user.username)?;
            Ok((listing, entry))
        })?;
        one(&store, user, &listing)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The listing `id` if the user may read it.
pub fn readable(store: &Store, user: &User, id: &str) -> Result<Listing, ApiError> {
    let listing =
        store.read(|r| store::listings::get(r, id))?.ok_or_else(|| ApiError::NotFound("入仓申请不存在".to_owned()))?;
    if !may_read(user, &viewer_of(store, user)?, &listing) && !involved(store, user, &listing)? {
        return Err(ApiError::Forbidden("无权查看该入仓资产".to_owned()));
    }
    Ok(listing)
}

/// Whether the user's unit took part in the listing: it received the asset or registered an
/// interest in it (its 调剂意向 page links to the listing after it left the plazas).
fn involved(store: &Store, user: &User, listing: &Listing) -> Result<bool, ApiError> {
    let Some(unit) = user.unit_id.as_deref().filter(|_| matches!(user.role, Role::Clerk | Role::Reviewer)) else {
        return Ok(false);
    };
    if listing.result.as_ref().is_some_and(|r| r.receiver_unit_id.as_deref() == Some(unit)) {
        return Ok(true);
    }
    let registered = store.read(|r| store::interests::of_unit(r, unit))?;
    Ok(registered.iter().any(|i| i.listing_id == listing.id))
}

/// One listing, with the actions the caller may take.
#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings", params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_listing(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ListingView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let listing = readable(&store, &ctx.user, &id)?;
        one(&store, &ctx.user, &listing)
    })
    .await?;
    Ok(Json(view))
}

/// Edits a draft or returned request.
#[utoipa::path(patch, path = "/api/v1/listings/{id}", tag = "listings", params(("id" = String, Path)), request_body = ListingFields,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn edit_listing(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(fields): Json<ListingFields>,
) -> Result<Json<ListingView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let listing = store.write(&audit::Actor::user(user), |tx| {
            let current =
                store::listings::get(tx, &id)?.ok_or_else(|| DomainError::NotFound("入仓申请不存在".to_owned()))?;
            let next =
                listing::edit(&current, &actor_of(user), &fields, &clock::now_rfc3339()).map_err(DomainError::from)?;
            store::listings::put(tx, &next)?;
            let entry = AuditEntry::new(
                "listing_edited",
                format!("listing:{id}"),
                format!("修改入仓申请 {id}"),
                Some(next.unit_region.to_string()),
            );
            Ok((next, entry))
        })?;
        one(&store, user, &listing)
    })
    .await?;
    Ok(Json(view))
}

async fn act(
    state: AppState,
    ctx: Ctx,
    id: String,
    action: impl FnOnce(&Listing) -> ListingAction + Send + 'static,
) -> Result<Json<ListingView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let listing = store.write(&audit::Actor::user(user), |tx| {
            store::listings::act(tx, &id, &actor_of(user), &user.username, action, &clock::now_rfc3339())
        })?;
        one(&store, user, &listing)
    })
    .await?;
    Ok(Json(view))
}

/// 提交入仓申请.
#[utoipa::path(post, path = "/api/v1/listings/{id}/submit", tag = "listings", params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody)))]
async fn submit(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ListingView>, ApiError> {
    act(state, ctx, id, move |_| ListingAction::Submit).await
}

/// 同意 / 不同意.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 同意
    Approve,
    /// 不同意 / 驳回
    Reject,
}

/// A review decision.
#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    /// approve or reject.
    pub decision: Decision,
    /// Required when rejecting.
    pub reason: Option<String>,
    /// The final scope (authority review only): province or national.
    pub scope: Option<Scope>,
}

/// 入仓审批 / 退仓审批 / 扩大范围审批: acts on whichever request is pending.
#[utoipa::path(post, path = "/api/v1/listings/{id}/review", tag = "listings", params(("id" = String, Path)), request_body = ReviewBody,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReviewBody>,
) -> Result<Json<ListingView>, ApiError> {
    let approve = body.decision == Decision::Approve;
    act(state, ctx, id, move |current| listing::review_of(current, approve, body.reason)).await
}

/// `POST /listings/{id}/exit` body.
#[derive(Deserialize, ToSchema)]
pub struct ExitBody {
    /// 退仓原因.
    #[serde(default)]
    pub reason: String,
}

/// 退仓申请.
#[utoipa::path(post, path = "/api/v1/listings/{id}/exit", tag = "listings", params(("id" = String, Path)), request_body = ExitBody,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_exit(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ExitBody>,
) -> Result<Json<ListingView>, ApiError> {
    act(state, ctx, id, move |_| ListingAction::RequestExit { reason: body.reason }).await
}

/// 调整调剂共享范围 / 审核同意 (or 驳回).
#[utoipa::path(post, path = "/api/v1/listings/{id}/authority-review", tag = "listings", params(("id" = String, Path)), request_body = ReviewBody,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn authority_review(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReviewBody>,
) -> Result<Json<ListingView>, ApiError> {
    let action = ListingAction::AuthorityReview {
        approve: body.decision == Decision::Approve,
        scope: body.scope,
        reason: body.reason,
    };
    act(state, ctx, id, move |_| action).await
}

/// 报送至中央 (or 驳回).
#[utoipa::path(post, path = "/api/v1/listings/{id}/submit-central", tag = "listings", params(("id" = String, Path)), request_body = ReviewBody,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit_central(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReviewBody>,
) -> Result<Json<ListingView>, ApiError> {
    let action = ListingAction::SubmitCentral { approve: body.decision == Decision::Approve, reason: body.reason };
    act(state, ctx, id, move |_| action).await
}

/// 删除 a draft or returned request: frees its card.
#[utoipa::path(delete, path = "/api/v1/listings/{id}", tag = "listings", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn discard(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let store = state.store.clone();
    blocking(move || {
        let user = &ctx.user;
        store.write(&audit::Actor::user(user), |tx| {
            let entry = store::listings::discard(tx, &id, &actor_of(user), &user.username, &clock::now_rfc3339())?;
            Ok(((), entry))
        })?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 取消调剂共享 (after the exit was approved): frees the card.
#[utoipa::path(post, path = "/api/v1/listings/{id}/cancel", tag = "listings", params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody)))]
async fn cancel(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ListingView>, ApiError> {
    act(state, ctx, id, move |_| ListingAction::Cancel).await
}

/// 登记调剂结果.
#[utoipa::path(post, path = "/api/v1/listings/{id}/result", tag = "listings", params(("id" = String, Path)), request_body = ListingResult,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_result(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ListingResult>,
) -> Result<Json<ListingView>, ApiError> {
    if clock::parse_date(&body.date).is_none() {
        return Err(ApiError::Invalid(format!("日期“{}”无效，应为 YYYY-MM-DD", body.date)));
    }
    act(state, ctx, id, move |_| ListingAction::RecordResult(body)).await
}

/// `POST /listings/{id}/extend` body.
#[derive(Deserialize, ToSchema)]
pub struct ExtendBody {
    /// The new 开放期限, `YYYY-MM-DD`, from today to a year ahead.
    pub until: String,
}

/// 延期: a new 开放期限 for a published listing.
#[utoipa::path(post, path = "/api/v1/listings/{id}/extend", tag = "listings", params(("id" = String, Path)), request_body = ExtendBody,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn extend(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ExtendBody>,
) -> Result<Json<ListingView>, ApiError> {
    act(state, ctx, id, move |_| ListingAction::Extend { until: body.until }).await
}

/// `POST /listings/{id}/widen` body.
#[derive(Deserialize, ToSchema)]
pub struct WidenBody {
    /// The wider scope; province or national joins the national platform.
    pub scope: Scope,
}

/// 扩大调剂共享范围 (申请): the unit's reviewer approves it through `/review`.
#[utoipa::path(post, path = "/api/v1/listings/{id}/widen", tag = "listings", params(("id" = String, Path)), request_body = WidenBody,
    responses((status = 200, body = ListingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn widen(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<WidenBody>,
) -> Result<Json<ListingView>, ApiError> {
    act(state, ctx, id, move |_| ListingAction::RequestWiden { scope: body.scope }).await
}

/// The choices for a unit's stale listings (长期未调剂共享资产清理).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    /// 提交审核: drafts or returned requests to the unit's reviewer (e.g. those 生成入仓申请 made).
    Submit,
    /// 延期 (needs `until`).
    Extend,
    /// 扩大范围 (needs `scope`), each through the reviewer.
    Widen,
    /// 退仓 (needs `reason`), each through the reviewer.
    Exit,
}

/// `POST /listings/bulk` body.
#[derive(Deserialize, ToSchema)]
pub struct BulkBody {
    /// The listings, at most 500.
    pub ids: Vec<String>,
    /// What to do with each.
    pub action: BulkAction,
    /// 延期至.
    pub until: Option<String>,
    /// 扩大至.
    pub scope: Option<Scope>,
    /// 退仓原因.
    pub reason: Option<String>,
}

/// What a bulk action did.
#[derive(Serialize, ToSchema)]
pub struct BulkDone {
    /// How many listings changed.
    pub done: u32,
    /// The listings as they are now.
    pub items: Vec<ListingView>,
}

/// The most listings one bulk action takes.
const MAX_BULK: usize = 500;

/// 批量处理: one choice for several listings of the clerk's unit, all or none, one audit event each.
#[utoipa::path(post, path = "/api/v1/listings/bulk", tag = "listings", request_body = BulkBody,
    responses((status = 200, body = BulkDone), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn bulk(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Json(body): Json<BulkBody>,
) -> Result<Json<BulkDone>, ApiError> {
    let mut ids = body.ids.clone();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(ApiError::Invalid("请至少选择一项资产".to_owned()));
    }
    if ids.len() > MAX_BULK {
        return Err(ApiError::Invalid(format!("一次最多处理 {MAX_BULK} 项，请分批办理")));
    }
    let action = match body.action {
        BulkAction::Submit => ListingAction::Submit,
        BulkAction::Extend => match body.until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(until) => ListingAction::Extend { until: until.to_owned() },
            None => return Err(ApiError::Invalid("请选择延期后的开放期限".to_owned())),
        },
        BulkAction::Widen => match body.scope {
            Some(scope) => ListingAction::RequestWiden { scope },
            None => return Err(ApiError::Invalid("请选择扩大后的调剂共享范围".to_owned())),
        },
        BulkAction::Exit => ListingAction::RequestExit { reason: body.reason.clone().unwrap_or_default() },
    };
    let store = state.store.clone();
    let done = blocking(move || {
        let user = &ctx.user;
        let actor = actor_of(user);
        let now = clock::now_rfc3339();
        let listings = store.write_all(&audit::Actor::user(user), |tx| {
            let mut changed = Vec::new();
            let mut entries = Vec::new();
            let mut refused: Vec<(String, DomainError)> = Vec::new();
            for id in &ids {
                match store::listings::act(tx, id, &actor, &user.username, |_| action.clone(), &now) {
                    Ok((listing, entry)) => {
                        changed.push(listing);
                        entries.push(entry);
                    }
                    Err(store::StoreError::Domain(e)) => refused.push((asset_label(tx, id, user)?, e)),
                    Err(e) => return Err(e),
                }
            }
            if let Some(error) = bulk_refusal(&refused, ids.len()) {
                return Err(error.into());
            }
            Ok((changed, entries))
        })?;
        Ok(BulkDone { done: listings.len() as u32, items: views(&store, user, &listings)? })
    })
    .await?;
    Ok(Json(done))
}

/// How a clerk knows a listing of the own unit: its card's 资产编号 and name (otherwise the id).
fn asset_label(tx: &store::Tx, id: &str, user: &User) -> Result<String, store::StoreError> {
    let card = match store::listings::get(tx, id)? {
        Some(listing) if user.unit_id.as_deref() == Some(listing.unit_id.as_str()) => {
            store::relay::card_of(tx, &listing)?
        }
        _ => None,
    };
    Ok(card.map_or_else(|| id.to_owned(), |c| format!("{} {}", c.asset_code, c.name)))
}

/// One refusal for a bulk action that could not be done for every listing: nothing was changed,
/// and the message names each asset and why. A single listing's refusal, or invalid input (the same
/// for all), keeps its own status; anything else (a listing in another state, of another unit) is 409.
fn bulk_refusal(refused: &[(String, DomainError)], asked: usize) -> Option<DomainError> {
    let (_, first) = refused.first()?;
    if asked == 1 || refused.iter().all(|(_, e)| matches!(e, DomainError::Invalid(_)) && e == first) {
        return Some(first.clone());
    }
    let shown: Vec<String> = refused.iter().take(10).map(|(id, e)| format!("{id}：{e}")).collect();
    let more = if refused.len() > 10 { "；……" } else { "" };
    Some(DomainError::Conflict {
        message: format!(
            "有 {} 项无法办理，本次未作任何改动，请取消勾选这些资产后重试：{}{more}",
            refused.len(),
            shown.join("；")
        ),
        state: Some("bulk_refused".to_owned()),
    })
}
