//! 调剂意向: a unit registers interest in a listed asset; the offering unit's clerk works the
//! queue oldest first, accepts one (the listing is then 洽谈中 and leaves the plazas) or declines
//! it with a reason; the interested unit sees where its interests stand and can withdraw them.
//! The rules are `domain::interest`'s; each action is one audited transaction.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::Actor;
use crate::domain::clock;
use crate::domain::interest::{self, Interest, InterestAction, InterestFields, InterestState};
use crate::domain::listing::Listing;
use crate::domain::user::User;
use crate::store::{self, Read, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Path};
use super::listings::{actor_of, viewer_of};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register, queue))
        .routes(routes!(mine))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(withdraw))
}

/// An interest as the API shows it: its state as it stands today (a hold past its last day has
/// lapsed; an open interest in an asset that went elsewhere is closed, with the reason).
#[derive(Serialize, ToSchema)]
pub struct InterestView {
    /// Opaque id.
    pub id: String,
    /// The listing.
    pub listing_id: String,
    /// The asset's name.
    pub asset_name: String,
    /// The asset's code.
    pub asset_code: String,
    /// The offering unit.
    pub listing_unit_id: String,
    /// Its name.
    pub listing_unit_name: String,
    /// The interested unit.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// 拟调入数量.
    pub quantity: u32,
    /// 拟用途.
    pub purpose: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 备注.
    pub note: String,
    /// open, accepted (洽谈中), declined, lapsed, withdrawn or completed.
    pub state: InterestState,
    /// Why it was declined, closed or lapsed.
    pub reason: Option<String>,
    /// The last day of the hold (accepted).
    pub hold_until: Option<String>,
    /// Position in the listing's queue of open interests (1 = next), for open ones.
    pub queue_position: Option<u32>,
    /// Someone else's interest holds the listing now (洽谈中), until this day.
    pub listing_held_until: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub decided_at: Option<String>,
}

/// Views of interests, with names, effective states and queue positions read in one transaction.
fn views(store: &Store, interests: &[Interest]) -> Result<Vec<InterestView>, ApiError> {
    let today = clock::today();
    store
        .read(|r| {
            let mut listings: HashMap<String, Option<Listing>> = HashMap::new();
            // Every listing's queue from one scan, oldest first (the order of `of_listing`).
            let mut queues: HashMap<String, Vec<Interest>> = HashMap::new();
            if !interests.is_empty() {
                for i in store::interests::oldest_first(store::interests::all(r)?) {
                    queues.entry(i.listing_id.clone()).or_default().push(i);
                }
            }
            let mut units: HashMap<String, String> = HashMap::new();
            let mut out = Vec::with_capacity(interests.len());
            for i in interests {
                if !listings.contains_key(&i.listing_id) {
                    listings.insert(i.listing_id.clone(), store::listings::get(r, &i.listing_id)?);
                }
                let listing = listings.get(&i.listing_id).and_then(Option::as_ref);
                let card = match listing {
                    Some(l) => store::relay::card_of(r, l)?,
                    None => None,
                };
                let (state, reason) = interest::effective(i, listing, &today);
                // Only the listing's own node knows the whole queue.
                let local_listing = listing.is_some_and(|l| l.origin.is_none());
                let queue_position = (state == InterestState::Open && local_listing).then(|| {
                    let queue = queues.get(&i.listing_id).map(Vec::as_slice).unwrap_or_default();
                    let ahead = queue
                        .iter()
                        .take_while(|q| q.id != i.id)
                        .filter(|q| interest::effective(q, listing, &today).0 == InterestState::Open)
                        .count();
                    ahead as u32 + 1
                });
                let held = listing.and_then(|l| interest::active_hold(l, &today)).filter(|h| h.interest_id != i.id);
                out.push(InterestView {
                    id: i.id.clone(),
                    listing_id: i.listing_id.clone(),
                    asset_name: card.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                    asset_code: card.as_ref().map(|c| c.asset_code.clone()).unwrap_or_default(),
                    listing_unit_id: i.listing_unit_id.clone(),
                    listing_unit_name: match listing.and_then(|l| l.origin.as_ref()) {
                        Some(origin) => origin.unit_name.clone(),
                        None => unit_name(r, &mut units, &i.listing_unit_id)?,
                    },
                    unit_id: i.unit_id.clone(),
                    unit_name: match &i.origin {
                        Some(origin) => format!("{}（{}）", origin.unit_name, origin.node_name),
                        None => unit_name(r, &mut units, &i.unit_id)?,
                    },
                    quantity: i.quantity,
                    purpose: i.purpose.clone(),
                    contact_name: i.contact_name.clone(),
                    contact_phone: i.contact_phone.clone(),
                    note: i.note.clone(),
                    state,
                    reason,
                    hold_until: i.hold_until.clone().filter(|_| state == InterestState::Accepted),
                    queue_position,
                    listing_held_until: held.filter(|_| state == InterestState::Open).map(|h| h.until.clone()),
                    created_at: i.created_at.clone(),
                    decided_at: i.decided_at.clone(),
                });
            }
            Ok(out)
        })
        .map_err(ApiError::from)
}

fn unit_name(r: &impl Read, names: &mut HashMap<String, String>, id: &str) -> store::Result<String> {
    if let Some(name) = names.get(id) {
        return Ok(name.clone());
    }
    let name = store::units::get(r, id)?.map(|u| u.name).unwrap_or_else(|| id.to_owned());
    names.insert(id.to_owned(), name.clone());
    Ok(name)
}

fn one(store: &Store, interest: &Interest) -> Result<InterestView, ApiError> {
    views(store, std::slice::from_ref(interest))?.pop().ok_or_else(|| ApiError::Internal("interest view".to_owned()))
}

/// 登记调剂意向 (a clerk of another unit, on a listing in a plaza it can see).
#[utoipa::path(post, path = "/api/v1/listings/{id}/interests", tag = "interests", params(("id" = String, Path)),
    request_body = InterestFields,
    responses((status = 201, body = InterestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(fields): Json<InterestFields>,
) -> Result<(StatusCode, Json<InterestView>), ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let viewer = viewer_of(&store, user)?;
        let actor = actor_of(user);
        let created = store.write(&Actor::user(user), |tx| {
            store::interests::register(tx, &id, &actor, &viewer, &fields, &clock::now_rfc3339())
        })?;
        one(&store, &created)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The queue of a listing of the caller's unit, oldest first (经办岗 and 审核岗 of that unit).
#[utoipa::path(get, path = "/api/v1/listings/{id}/interests", tag = "interests", params(("id" = String, Path)),
    responses((status = 200, body = Items<InterestView>), (status = 404, body = ErrorBody)))]
async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Items<InterestView>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let listing = store.read(|r| store::listings::get(r, &id))?;
        let own = listing.filter(|l| ctx.user.unit_id.as_deref() == Some(l.unit_id.as_str()));
        let Some(listing) = own else {
            return Err(DomainError::NotFound("资产不存在，或不是本单位的资产".to_owned()).into());
        };
        let queue = store.read(|r| store::interests::of_listing(r, &listing.id))?;
        views(&store, &queue)
    })
    .await?;
    Ok(Json(Items { items }))
}

/// The caller's unit's interests: those it registered (`registered`, newest first) and those in
/// its listings (`received`, oldest first).
#[derive(Serialize, ToSchema)]
pub struct MyInterests {
    /// What this unit registered in other units' assets.
    pub registered: Vec<InterestView>,
    /// What other units registered in this unit's assets.
    pub received: Vec<InterestView>,
}

/// 调剂意向 of the caller's unit.
#[utoipa::path(get, path = "/api/v1/interests", tag = "interests",
    responses((status = 200, body = MyInterests), (status = 403, body = ErrorBody)))]
async fn mine(State(state): State<AppState>, ctx: Ctx) -> Result<Json<MyInterests>, ApiError> {
    let store = state.store.clone();
    let answer = blocking(move || {
        let unit = unit_of(&ctx.user)?;
        let (registered, received) = store
            .read(|r| Ok((store::interests::of_unit(r, &unit)?, store::interests::for_unit_listings(r, &unit)?)))?;
        Ok(MyInterests { registered: views(&store, &registered)?, received: views(&store, &received)? })
    })
    .await?;
    Ok(Json(answer))
}

fn unit_of(user: &User) -> Result<String, ApiError> {
    user.unit_id.clone().ok_or_else(|| DomainError::Forbidden("只有单位用户有调剂意向".to_owned()).into())
}

async fn act(state: AppState, ctx: Ctx, id: String, action: InterestAction) -> Result<Json<InterestView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let actor = actor_of(user);
        let action = match action {
            InterestAction::Accept { .. } => {
                InterestAction::Accept { hold_days: store.read(store::settings::get)?.hold_days }
            }
            other => other,
        };
        let next = store
            .write(&Actor::user(user), |tx| store::interests::act(tx, &id, &actor, &action, &clock::now_rfc3339()))?;
        one(&store, &next)
    })
    .await?;
    Ok(Json(view))
}

/// 接受意向: the listing is held for the unit (洽谈中) for the node's hold period.
#[utoipa::path(post, path = "/api/v1/interests/{id}/accept", tag = "interests", params(("id" = String, Path)),
    responses((status = 200, body = InterestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<InterestView>, ApiError> {
    act(state, ctx, id, InterestAction::Accept { hold_days: 0 }).await
}

/// `POST /interests/{id}/decline` body.
#[derive(Deserialize, ToSchema)]
pub struct DeclineBody {
    /// Why (shown to the interested unit).
    pub reason: String,
}

/// 不予采纳 an open interest, or 结束洽谈 of an accepted one (the listing returns to the plazas).
#[utoipa::path(post, path = "/api/v1/interests/{id}/decline", tag = "interests", params(("id" = String, Path)),
    request_body = DeclineBody,
    responses((status = 200, body = InterestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn decline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<DeclineBody>,
) -> Result<Json<InterestView>, ApiError> {
    act(state, ctx, id, InterestAction::Decline { reason: body.reason }).await
}

/// 撤回意向 (the interested unit's clerk).
#[utoipa::path(post, path = "/api/v1/interests/{id}/withdraw", tag = "interests", params(("id" = String, Path)),
    responses((status = 200, body = InterestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<InterestView>, ApiError> {
    act(state, ctx, id, InterestAction::Withdraw).await
}
