//! Matching (SPEC §6): for a demand, the visible published listings that could meet it; for a
//! listing, the published demands it could meet; and the "new matches" a demand's clerk has not
//! looked at yet (home to-do). The fit itself is `domain::demand::match_reasons`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::card::AssetCard;
use crate::domain::clock;
use crate::domain::demand::{self, Demand, DemandState};
use crate::domain::listing::{Listing, Viewer};
use crate::domain::plaza::{self, Plaza};
use crate::domain::user::{Role, User};
use crate::store::{self, Read, Store};

use super::AppState;
use super::demands::{DemandView, demand_for};
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Paged, Paging, Path};
use super::listings::{ListingView, readable, viewer_of, views};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(matches)).routes(routes!(mark_seen)).routes(routes!(listing_demands))
}

/// The most matches shown at once.
const SHOWN: usize = 50;

/// A listing that could meet a demand.
#[derive(Serialize, ToSchema)]
pub struct Match {
    /// The listing.
    pub listing: ListingView,
    /// Higher is better.
    pub score: u32,
    /// Why it fits (Chinese).
    pub reasons: Vec<String>,
    /// Published after the demand's clerk last looked.
    pub new: bool,
}

/// A demand a listing could meet.
#[derive(Serialize, ToSchema)]
pub struct DemandMatch {
    /// The demand.
    pub demand: DemandView,
    /// Higher is better.
    pub score: u32,
    /// Why it fits (Chinese).
    pub reasons: Vec<String>,
}

/// Every listing but those held for a unit today (洽谈中 listings match no demand).
pub(super) fn available_listings(r: &impl Read) -> store::Result<Vec<Listing>> {
    let today = crate::domain::clock::today();
    Ok(store::listings::all(r)?.into_iter().filter(|l| !l.reserved(&today)).collect())
}

/// The cards of the listings that are in the plazas, by id, read in one transaction.
pub(super) fn plaza_cards(r: &impl Read, listings: &[Listing]) -> store::Result<HashMap<String, AssetCard>> {
    let mut cards = HashMap::new();
    for l in listings.iter().filter(|l| l.offered_here()) {
        if let Some(card) = store::relay::card_of(r, l)? {
            cards.insert(card.id.clone(), card);
        }
    }
    Ok(cards)
}

/// A listing that could meet a demand, its score (higher is better) and why it fits.
pub type Fit = (Listing, u32, Vec<String>);

/// The listings that could meet `demand` as `viewer` sees them: one page, best first (newest
/// first among equals), and the total. The plaza index gives the candidates — visible, offered
/// here, not held today, carrying one of the need's terms (`domain::plaza::need_terms`) — and
/// `demand::match_reasons` scores each. What the matches route serves and the benchmark measures.
pub fn fitting(store: &Store, demand: &Demand, viewer: &Viewer, paging: Paging) -> Result<Paged<Fit>, ApiError> {
    fitting_on(store, demand, viewer, paging, &clock::today())
}

/// [`fitting`] as of `today` (`YYYY-MM-DD`; holds end with their day).
pub fn fitting_on(
    store: &Store,
    demand: &Demand,
    viewer: &Viewer,
    paging: Paging,
    today: &str,
) -> Result<Paged<Fit>, ApiError> {
    let (page, page_size) = paging.checked()?;
    let any: Vec<String> = Plaza::ALL.into_iter().flat_map(|p| plaza::viewer_terms(viewer, p)).collect();
    let either = plaza::need_terms(&demand.fields.category, &demand.fields.name);
    let (items, total) = store.read(|r| {
        let mut found: Vec<(u32, u32, Vec<String>, String)> = store::plaza::candidates(r, &any, &either, today)?
            .into_iter()
            .filter(|(_, e)| e.unit_id != demand.unit_id)
            .filter_map(|(doc, e)| {
                let (score, reasons) = demand::match_reasons(
                    &demand.fields.category,
                    &demand.fields.name,
                    &demand.unit_region,
                    &e.offer(),
                )?;
                Some((score, doc, reasons, e.id))
            })
            .collect();
        let total = found.len() as u64;
        let end = ((page as usize) * page_size as usize).min(found.len());
        let by = |a: &(u32, u32, Vec<String>, String), b: &(u32, u32, Vec<String>, String)| (b.0, b.1).cmp(&(a.0, a.1));
        if end > 0 && end < found.len() {
            found.select_nth_unstable_by(end - 1, by);
            found.truncate(end);
        }
        found.sort_unstable_by(by);
        let mut items = Vec::new();
        for (score, _, reasons, id) in found.into_iter().skip((page as usize - 1) * page_size as usize) {
            if let Some(l) = store::listings::get(r, &id)? {
                items.push((l, score, reasons));
            }
        }
        Ok((items, total))
    })?;
    Ok(Paged { items, total, page, page_size })
}

/// The published listings the demand's viewer can see that could meet it, best first.
#[utoipa::path(get, path = "/api/v1/demands/{id}/matches", tag = "demands", params(("id" = String, Path)),
    responses((status = 200, body = Items<Match>), (status = 403, body = ErrorBody)))]
async fn matches(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Items<Match>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let d = demand_for(&store, &ctx.user, &id)?;
        let viewer = viewer_of(&store, &ctx.user)?;
        let paging = Paging { page: Some(1), page_size: Some(SHOWN as u32) };
        let (shown, fits): (Vec<Listing>, Vec<(u32, Vec<String>)>) = fitting(&store, &d, &viewer, paging)?
            .items
            .into_iter()
            .map(|(listing, score, reasons)| (listing, (score, reasons)))
            .unzip();
        // One listing at a time: is it new to the demand's clerk?
        let fresh = shown.iter().map(|l| demand::has_new_matches(&d, &[(l, 0, Vec::new())]));
        Ok(views(&store, &ctx.user, &shown)?
            .into_iter()
            .zip(fits)
            .zip(fresh)
            .map(|((listing, (score, reasons)), new)| Match { listing, score, reasons, new })
            .collect())
    })
    .await?;
    Ok(Json(Items { items }))
}

/// The demand's clerk has looked at its matches: they are no longer "new" on the to-do.
#[utoipa::path(post, path = "/api/v1/demands/{id}/matches/seen", tag = "demands", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn mark_seen(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let store = state.store.clone();
    blocking(move || {
        let user = &ctx.user;
        store.write(&Actor::user(user), |tx| {
            let mut d = store::demands::get(tx, &id)?.ok_or_else(|| DomainError::NotFound("需求不存在".to_owned()))?;
            demand::may_mark_seen(&d, user.role, user.unit_id.as_deref()).map_err(DomainError::from)?;
            d.matches_seen_at = Some(clock::now_rfc3339());
            store::demands::put(tx, &d)?;
            let summary = format!("查看需求“{}”（{}）的匹配资产", d.fields.name, d.id);
            Ok((
                (),
                AuditEntry::new(
                    "demand_matches_seen",
                    format!("demand:{id}"),
                    summary,
                    Some(d.unit_region.to_string()),
                ),
            ))
        })?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The published demands the caller can see that this listing could meet, best first.
#[utoipa::path(get, path = "/api/v1/listings/{id}/demands", tag = "listings", params(("id" = String, Path)),
    responses((status = 200, body = Items<DemandMatch>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn listing_demands(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Items<DemandMatch>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        let listing = readable(&store, &ctx.user, &id)?;
        let viewer = viewer_of(&store, &ctx.user)?;
        let (card, demands) = store.read(|r| Ok((store::relay::card_of(r, &listing)?, store::demands::all(r)?)))?;
        let card = card.ok_or_else(|| ApiError::NotFound("入仓资产的卡片不存在".to_owned()))?;
        let mut found = demand::fitting_demands(&listing, &card, &viewer, &demands);
        found.truncate(SHOWN);
        found
            .into_iter()
            .map(|(d, score, reasons)| {
                Ok(DemandMatch { demand: super::demands::view(&store, &ctx.user, d)?, score, reasons })
            })
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await?;
    Ok(Json(Items { items }))
}

/// For each demand, whether it is a published demand of the caller's unit (clerk) with matches
/// published since the clerk last looked at them.
pub fn new_match_flags(offers: &Offers<'_>, demands: &[Demand]) -> Result<Vec<bool>, ApiError> {
    let user = offers.user;
    let watched = |d: &Demand| {
        user.role == Role::Clerk
            && user.unit_id.as_deref() == Some(d.unit_id.as_str())
            && d.state == DemandState::Published
    };
    if !demands.iter().any(watched) {
        return Ok(vec![false; demands.len()]);
    }
    let offered = offers.get()?;
    Ok(demands
        .iter()
        .map(|d| {
            watched(d)
                && demand::has_new_matches(
                    d,
                    &demand::fitting_listings(d, &offered.viewer, &offered.listings, |id| offered.cards.get(id)),
                )
        })
        .collect())
}

/// How many of the clerk's demands have new matches (home to-do).
pub fn demands_with_new_matches(offers: &Offers<'_>, demands: &[Demand]) -> Result<u64, ApiError> {
    let Some(unit_id) = offers.user.unit_id.as_deref() else { return Ok(0) };
    let own: Vec<Demand> = demands.iter().filter(|d| d.unit_id == unit_id).cloned().collect();
    Ok(new_match_flags(offers, &own)?.into_iter().filter(|new| *new).count() as u64)
}

/// What is offered to a user's unit now: the listings not held, their cards and the user's view —
/// read once when first needed, and shared by the demand matches and the watches of one answer.
pub struct Offers<'a> {
    store: &'a Store,
    user: &'a User,
    loaded: std::cell::OnceCell<Offered>,
}

/// The offers, loaded.
pub struct Offered {
    /// How the user sees the plazas.
    pub viewer: Viewer,
    /// Listings not held (洽谈中), every one (the rules decide which the viewer sees).
    pub listings: Vec<Listing>,
    /// The cards of those in the plazas, by id.
    pub cards: HashMap<String, AssetCard>,
    /// Today, `YYYY-MM-DD`.
    pub today: String,
}

impl<'a> Offers<'a> {
    /// Nothing read yet.
    pub fn new(store: &'a Store, user: &'a User) -> Self {
        Self { store, user, loaded: std::cell::OnceCell::new() }
    }

    /// The offers, read in one transaction the first time.
    pub fn get(&self) -> Result<&Offered, ApiError> {
        if let Some(offered) = self.loaded.get() {
            return Ok(offered);
        }
        let viewer = viewer_of(self.store, self.user)?;
        let (listings, cards) = self.store.read(|r| {
            let listings = available_listings(r)?;
            let cards = plaza_cards(r, &listings)?;
            Ok((listings, cards))
        })?;
        Ok(self.loaded.get_or_init(|| Offered { viewer, listings, cards, today: crate::domain::clock::today() }))
    }
}
