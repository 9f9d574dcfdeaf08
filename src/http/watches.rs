//! 关注: a unit's clerk follows an asset category or a keyword; the listings offered to the unit
//! that match are listed per watch, those published since the clerk last looked marked new (and
//! counted on the to-do). The rules are `domain::watch`'s.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::domain::listing::Listing;
use crate::domain::user::User;
use crate::domain::watch::{self, Watch, WatchFields};
use crate::store::{self, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Path};
use super::listings::{ListingView, views};
use super::matching::{Offered, Offers};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_watches, create_watch))
        .routes(routes!(remove_watch))
        .routes(routes!(watch_listings))
        .routes(routes!(mark_seen))
}

/// The most matching listings shown for one watch.
const SHOWN: usize = 100;

/// A watch as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct WatchView {
    /// Opaque id.
    pub id: String,
    /// 资产分类 code.
    pub category: Option<String>,
    /// Its path of names, e.g. 设备 / 计算机设备 / 台式计算机.
    pub category_name: Option<String>,
    /// 关键词.
    pub keyword: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// When the unit last looked (RFC 3339); empty before the first look.
    pub seen_at: String,
    /// Listings offered to the unit that match now.
    pub matches: u32,
    /// Of those, published since the last look.
    pub new: u32,
}

/// A listing that matches a watch.
#[derive(Serialize, ToSchema)]
pub struct WatchMatch {
    /// The listing.
    pub listing: ListingView,
    /// Published since the unit last looked.
    pub new: bool,
}

/// The listings offered to the unit that match the watch, newest first.
fn matching<'a>(offered: &'a Offered, w: &Watch) -> Vec<&'a Listing> {
    let mut found: Vec<&Listing> = offered
        .listings
        .iter()
        .filter(|l| {
            offered
                .cards
                .get(&l.card_id)
                .is_some_and(|card| watch::matches(w, l, card, &offered.viewer, &offered.today))
        })
        .collect();
    found.sort_by(|a, b| watch::offered_at(b).cmp(&watch::offered_at(a)).then(b.id.cmp(&a.id)));
    found
}

fn view(offered: &Offered, store: &Store, w: &Watch) -> WatchView {
    let found = matching(offered, w);
    let reference = store.reference();
    WatchView {
        id: w.id.clone(),
        category: w.category.clone(),
        category_name: w.category.as_deref().map(|c| reference.category_path(c)),
        keyword: w.keyword.clone(),
        created_at: w.created_at.clone(),
        seen_at: w.seen_at.clone(),
        matches: found.len() as u32,
        new: found.iter().filter(|l| watch::is_new(w, l)).count() as u32,
    }
}

fn unit_of(user: &User) -> Result<&str, ApiError> {
    user.unit_id.as_deref().ok_or_else(|| ApiError::Forbidden("只有本单位经办岗可以设置关注".to_owned()))
}

/// The caller's watch `id`, or why not.
fn own_watch(store: &Store, user: &User, id: &str) -> Result<Watch, ApiError> {
    let w = store
        .read(|r| store::watches::get(r, id))?
        .ok_or_else(|| ApiError::NotFound("该关注不存在或已取消".to_owned()))?;
    watch::may_manage(user.role, user.unit_id.as_deref(), &w.unit_id).map_err(|_| {
        // Another unit's watch is none of the caller's business, not even its existence.
        ApiError::NotFound("该关注不存在或已取消".to_owned())
    })?;
    Ok(w)
}

/// The unit's watches, with how many listings match and how many are new.
#[utoipa::path(get, path = "/api/v1/watches", tag = "watches",
    responses((status = 200, body = Items<WatchView>), (status = 403, body = ErrorBody)))]
async fn list_watches(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Items<WatchView>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let unit = unit_of(&ctx.user)?;
        let watches = store.read(|r| store::watches::of_unit(r, unit))?;
        let offers = Offers::new(&store, &ctx.user);
        let offered = offers.get()?;
        Ok(watches.iter().map(|w| view(offered, &store, w)).collect())
    })
    .await?;
    Ok(Json(Items { items }))
}

/// 添加关注: a category, a keyword, or both.
#[utoipa::path(post, path = "/api/v1/watches", tag = "watches", request_body = WatchFields,
    responses((status = 201, body = WatchView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_watch(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(fields): Json<WatchFields>,
) -> Result<(StatusCode, Json<WatchView>), ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let user = &ctx.user;
        let unit = unit_of(user)?.to_owned();
        watch::may_manage(user.role, Some(&unit), &unit)?;
        let reference = store.reference();
        let fields = fields.checked(|code| reference.category(code).is_some())?;
        let created = store.write(&Actor::user(user), |tx| {
            let existing = store::watches::of_unit(tx, &unit)?;
            let w = watch::create(tx.next_id("W")?, &unit, &fields, &existing, &user.username, &clock::now_rfc3339())?;
            store::watches::put(tx, &w)?;
            let summary = format!("添加关注：{}", describe(&w, &reference));
            Ok((
                w.clone(),
                AuditEntry::new("watch_created", format!("watch:{}", w.id), summary, Some(user.region.to_string())),
            ))
        })?;
        let offers = Offers::new(&store, user);
        Ok(view(offers.get()?, &store, &created))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

fn describe(w: &Watch, reference: &crate::domain::reference::Reference) -> String {
    let mut parts = Vec::new();
    if let Some(code) = &w.category {
        parts.push(format!("分类 {code} {}", reference.category_path(code)));
    }
    if let Some(word) = &w.keyword {
        parts.push(format!("关键词“{word}”"));
    }
    parts.join("，")
}

/// 取消关注.
#[utoipa::path(delete, path = "/api/v1/watches/{id}", tag = "watches", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_watch(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let store = state.store.clone();
    blocking(move || {
        let user = &ctx.user;
        let w = own_watch(&store, user, &id)?;
        let reference = store.reference();
        store.write(&Actor::user(user), |tx| {
            store::watches::remove(tx, &w.id)?;
            let summary = format!("取消关注：{}", describe(&w, &reference));
            Ok((
                (),
                AuditEntry::new("watch_removed", format!("watch:{}", w.id), summary, Some(user.region.to_string())),
            ))
        })?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The listings offered to the unit that match the watch, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/watches/{id}/listings", tag = "watches", params(("id" = String, Path)),
    responses((status = 200, body = Items<WatchMatch>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn watch_listings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Items<WatchMatch>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let w = own_watch(&store, &ctx.user, &id)?;
        let offers = Offers::new(&store, &ctx.user);
        let found: Vec<Listing> = matching(offers.get()?, &w).into_iter().take(SHOWN).cloned().collect();
        let fresh: Vec<bool> = found.iter().map(|l| watch::is_new(&w, l)).collect();
        Ok(views(&store, &ctx.user, &found)?
            .into_iter()
            .zip(fresh)
            .map(|(listing, new)| WatchMatch { listing, new })
            .collect())
    })
    .await?;
    Ok(Json(Items { items }))
}

/// The clerk has looked at the watch's listings: they are no longer new on the to-do.
#[utoipa::path(post, path = "/api/v1/watches/{id}/seen", tag = "watches", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn mark_seen(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let store = state.store.clone();
    blocking(move || {
        let user = &ctx.user;
        let w = own_watch(&store, user, &id)?;
        let reference = store.reference();
        store.write(&Actor::user(user), |tx| {
            let mut w = store::watches::get(tx, &w.id)?
                .ok_or_else(|| DomainError::NotFound("该关注不存在或已取消".to_owned()))?;
            w.seen_at = clock::now_rfc3339();
            store::watches::put(tx, &w)?;
            let summary = format!("查看关注的资产：{}", describe(&w, &reference));
            Ok(((), AuditEntry::new("watch_seen", format!("watch:{}", w.id), summary, Some(user.region.to_string()))))
        })?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many listings are new to the unit across its watches (each listing counted once): the to-do.
pub fn new_for_unit(store: &Store, user: &User, offers: &Offers<'_>) -> Result<u64, ApiError> {
    let Some(unit) = user.unit_id.as_deref() else { return Ok(0) };
    let watches = store.read(|r| store::watches::of_unit(r, unit))?;
    if watches.is_empty() {
        return Ok(0);
    }
    let offered = offers.get()?;
    let mut new: Vec<&str> = watches
        .iter()
        .flat_map(|w| matching(offered, w).into_iter().filter(|l| watch::is_new(w, l)).map(|l| l.id.as_str()))
        .collect();
    new.sort_unstable();
    new.dedup();
    Ok(new.len() as u64)
}
