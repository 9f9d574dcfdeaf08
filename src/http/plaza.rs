//! 公物仓广场, 调剂广场, 共享广场: the published listings the caller may see (SPEC §7), with
//! keyword, category, mode, region and value filters, three sorts, and totals.

use std::collections::HashMap;

use axum::extract::State as AxumState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::card::{AssetCard, CardStatus, category_prefix};
use crate::domain::listing::{self, Listing, Mode, NationalState, Viewer};
use crate::domain::region::RegionCode;
use crate::store::{self, Store};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Paged, Paging, Query};
use super::listings::{ListingView, viewer_of, views};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(warehouse))
        .routes(routes!(transfer))
        .routes(routes!(share))
        .routes(routes!(freshness))
}

/// Plaza sorts.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PlazaSort {
    /// 最新发布 (default).
    #[default]
    Newest,
    /// 原值从高到低.
    Value,
    /// 就近: same county, city, province first.
    Nearest,
}

/// Plaza filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PlazaFilter {
    /// Chinese substring over name, spec, brand, description.
    pub q: Option<String>,
    /// Category code (prefix; padded codes like A05010000 mean A0501…).
    pub category: Option<String>,
    /// 调剂 / 共享 (warehouse plaza).
    pub mode: Option<Mode>,
    /// Within this region.
    pub region: Option<String>,
    /// 原值 at least (fen).
    pub min_value_fen: Option<i64>,
    /// 原值 at most (fen).
    pub max_value_fen: Option<i64>,
    /// The card's 使用状态 (闲置, 待处置 …).
    pub status: Option<CardStatus>,
    /// Published on or after this date (YYYY-MM-DD).
    pub published_from: Option<String>,
    /// Published on or before this date (YYYY-MM-DD).
    pub published_to: Option<String>,
    /// newest, value or nearest.
    #[param(inline)]
    pub sort: Option<PlazaSort>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

fn distance(a: &RegionCode, b: &RegionCode) -> u8 {
    let (a, b) = (a.as_str(), b.as_str());
    if a == b {
        0
    } else if a[..4] == b[..4] {
        1
    } else if a[..2] == b[..2] {
        2
    } else {
        3
    }
}

/// Which plaza.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plaza {
    /// 公物仓广场: this node's own listings in the warehouse.
    Warehouse,
    /// 调剂广场: transfer listings published to the national platform.
    Transfer,
    /// 共享广场: sharing listings published to the national platform.
    Share,
}

impl Plaza {
    /// Whether a listing is in this plaza (before visibility, holds and filters).
    pub fn shows(self, l: &Listing) -> bool {
        match self {
            Self::Warehouse => l.in_warehouse_plaza() && l.origin.is_none(),
            Self::Transfer => on_platform(l, Mode::Transfer),
            Self::Share => on_platform(l, Mode::Share),
        }
    }
}

/// A plaza answer as the UI shows it: one page of listings and the total, for `viewer` (SPEC §7),
/// without 洽谈中 listings (their detail page says why). What the benchmark measures.
pub fn search(store: &Store, viewer: &Viewer, plaza: Plaza, filter: &PlazaFilter) -> Result<Paged<Listing>, ApiError> {
    let paging = Paging { page: filter.page, page_size: filter.page_size };
    paging.checked()?;
    let region = filter.region.as_deref().filter(|r| !r.is_empty()).map(RegionCode::parse).transpose()?;
    let q = filter.q.as_deref().map(str::trim).unwrap_or("");
    let category = filter.category.as_deref().map(category_prefix).unwrap_or("");
    let day = |d: &Option<String>, what: &str| -> Result<Option<String>, ApiError> {
        match d.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Ok(None),
            Some(d) if crate::domain::clock::parse_date(d).is_some() => Ok(Some(d.to_owned())),
            Some(d) => Err(ApiError::Invalid(format!("{what}“{d}”无效，应为 YYYY-MM-DD"))),
        }
    };
    let (from, to) = (day(&filter.published_from, "发布日期起")?, day(&filter.published_to, "发布日期止")?);
    let published_in = |l: &Listing| {
        let on = l.published_at.as_deref().and_then(|p| p.get(..10)).unwrap_or("");
        from.as_deref().is_none_or(|f| on >= f) && to.as_deref().is_none_or(|t| on <= t)
    };
    let today = crate::domain::clock::today();
    let cards = store.read(|r| {
        let mut cards = store::cards::all(r)?;
        cards.extend(store::relay::remote_cards(r)?);
        Ok(cards)
    })?;
    let cards: HashMap<&str, &AssetCard> = cards.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut hits: Vec<(Listing, i64)> = store
        .read(store::listings::all)?
        .into_iter()
        .filter(|l| plaza.shows(l) && !l.reserved(&today) && listing::visible(l, viewer))
        .filter(|l| filter.mode.is_none_or(|m| l.mode == m))
        .filter(|l| region.as_ref().is_none_or(|r| r.contains(&l.unit_region)))
        .filter(|l| published_in(l))
        .filter_map(|l| {
            let card = cards.get(l.card_id.as_str())?;
            let text_ok =
                q.is_empty() || [&card.name, &card.spec, &card.brand, &l.description].iter().any(|f| f.contains(q));
            let value = card.original_value_fen;
            let value_ok =
                filter.min_value_fen.is_none_or(|m| value >= m) && filter.max_value_fen.is_none_or(|m| value <= m);
            let status_ok = filter.status.is_none_or(|s| card.status == s);
            (text_ok && value_ok && status_ok && (category.is_empty() || card.category.starts_with(category)))
                .then_some((l, value))
        })
        .collect();
    match filter.sort.unwrap_or_default() {
        PlazaSort::Newest => hits.sort_by(|a, b| b.0.published_at.cmp(&a.0.published_at).then(b.0.id.cmp(&a.0.id))),
        PlazaSort::Value => hits.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.id.cmp(&a.0.id))),
        PlazaSort::Nearest => hits.sort_by(|a, b| {
            distance(&a.0.unit_region, &viewer.region)
                .cmp(&distance(&b.0.unit_region, &viewer.region))
                .then(b.0.published_at.cmp(&a.0.published_at))
        }),
    }
    paging.apply(hits.into_iter().map(|(l, _)| l).collect())
}

fn plaza(store: &Store, ctx: &Ctx, filter: &PlazaFilter, plaza: Plaza) -> Result<Paged<ListingView>, ApiError> {
    let page = search(store, &viewer_of(store, &ctx.user)?, plaza, filter)?;
    Ok(Paged {
        items: views(store, &ctx.user, &page.items)?,
        total: page.total,
        page: page.page,
        page_size: page.page_size,
    })
}

/// 公物仓广场: listings of this node in the warehouse, visible to the caller.
#[utoipa::path(get, path = "/api/v1/plaza/warehouse", tag = "plaza", params(PlazaFilter),
    responses((status = 200, body = Paged<ListingView>), (status = 403, body = ErrorBody)))]
async fn warehouse(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Query(filter): Query<PlazaFilter>,
) -> Result<Json<Paged<ListingView>>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || plaza(&store, &ctx, &filter, Plaza::Warehouse)).await?))
}

fn on_platform(l: &Listing, mode: Mode) -> bool {
    l.mode == mode && l.national_state == NationalState::PublishedNational && l.in_warehouse_plaza()
}

/// 调剂广场: transfer listings published to the national platform.
#[utoipa::path(get, path = "/api/v1/plaza/transfer", tag = "plaza", params(PlazaFilter),
    responses((status = 200, body = Paged<ListingView>), (status = 403, body = ErrorBody)))]
async fn transfer(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Query(filter): Query<PlazaFilter>,
) -> Result<Json<Paged<ListingView>>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || plaza(&store, &ctx, &filter, Plaza::Transfer)).await?))
}

/// 共享广场: sharing listings published to the national platform.
#[utoipa::path(get, path = "/api/v1/plaza/share", tag = "plaza", params(PlazaFilter),
    responses((status = 200, body = Paged<ListingView>), (status = 403, body = ErrorBody)))]
async fn share(
    AxumState(state): AxumState<AppState>,
    ctx: Ctx,
    Query(filter): Query<PlazaFilter>,
) -> Result<Json<Paged<ListingView>>, ApiError> {
    let store = state.store.clone();
    Ok(Json(blocking(move || plaza(&store, &ctx, &filter, Plaza::Share)).await?))
}

/// How fresh the platform plazas are on this node (数据截至).
#[derive(Debug, Serialize, ToSchema)]
pub struct Freshness {
    /// The parent node's name; `None` on a node without a parent (the national node).
    pub parent_name: Option<String>,
    /// Creation time of the newest bundle taken from the parent (RFC 3339); `None` before the
    /// first one.
    pub as_of: Option<String>,
}

/// 数据截至: the time of the latest bundle from the parent, so users know how fresh the
/// national view is.
#[utoipa::path(get, path = "/api/v1/plaza/freshness", tag = "plaza",
    responses((status = 200, body = Freshness), (status = 403, body = ErrorBody)))]
async fn freshness(AxumState(state): AxumState<AppState>, _ctx: Ctx) -> Result<Json<Freshness>, ApiError> {
    let store = state.store.clone();
    let found = blocking(move || Ok(store.read(store::exchange::parent_as_of)?)).await?;
    Ok(Json(match found {
        Some((name, as_of)) => Freshness { parent_name: Some(name), as_of: Some(as_of).filter(|a| !a.is_empty()) },
        None => Freshness { parent_name: None, as_of: None },
    }))
}
