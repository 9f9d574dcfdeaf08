//! 公物仓广场, 调剂广场, 共享广场: the published listings the caller may see (SPEC §7), with
//! keyword, category, mode, region and value filters, three sorts, and totals.

use axum::extract::State as AxumState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::card::{CardStatus, category_prefix};
use crate::domain::listing::{Listing, Mode, Viewer};
use crate::domain::plaza as index;
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

pub use crate::domain::plaza::Plaza;

/// A plaza answer as the UI shows it: one page of listings and the total, for `viewer` (SPEC §7),
/// without 洽谈中 listings (their detail page says why). Answered from the plaza index
/// (`store::plaza`); what the benchmark measures.
pub fn search(store: &Store, viewer: &Viewer, plaza: Plaza, filter: &PlazaFilter) -> Result<Paged<Listing>, ApiError> {
    search_on(store, viewer, plaza, filter, &crate::domain::clock::today())
}

/// [`search`] as of `today` (`YYYY-MM-DD`; holds end with their day).
pub fn search_on(
    store: &Store,
    viewer: &Viewer,
    plaza: Plaza,
    filter: &PlazaFilter,
    today: &str,
) -> Result<Paged<Listing>, ApiError> {
    let paging = Paging { page: filter.page, page_size: filter.page_size };
    let (page, page_size) = paging.checked()?;
    let mut all = Vec::new();
    if let Some(region) = filter.region.as_deref().filter(|r| !r.is_empty()) {
        all.push(index::within(plaza, &RegionCode::parse(region)?));
    }
    if let Some(mode) = filter.mode {
        all.push(index::mode_term(mode));
    }
    if let Some(status) = filter.status {
        all.push(index::status_term(status));
    }
    let category = filter.category.as_deref().map(category_prefix).unwrap_or("");
    if !category.is_empty() {
        all.push(index::category_term(category));
    }
    let q = filter.q.as_deref().map(str::trim).unwrap_or("");
    let (words, exact) = index::keyword_terms(q);
    all.extend(words);
    let day = |d: &Option<String>, what: &str| -> Result<Option<u16>, ApiError> {
        match d.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Ok(None),
            Some(d) if crate::domain::clock::parse_date(d).is_some() => Ok(Some(index::day_number(d))),
            Some(d) => Err(ApiError::Invalid(format!("{what}“{d}”无效，应为 YYYY-MM-DD"))),
        }
    };
    let (from, to) = (day(&filter.published_from, "发布日期起")?, day(&filter.published_to, "发布日期止")?);
    let days = (from.is_some() || to.is_some()).then(|| (from.unwrap_or(0), to.unwrap_or(u16::MAX)));
    let order = match filter.sort.unwrap_or_default() {
        PlazaSort::Newest => store::plaza::Order::Newest,
        PlazaSort::Value => store::plaza::Order::Value,
        PlazaSort::Nearest => store::plaza::Order::Tiers(index::nearest_terms(plaza, &viewer.region)),
    };
    let question = store::plaza::Question {
        any: index::viewer_terms(viewer, plaza),
        all,
        days,
        value: (filter.min_value_fen, filter.max_value_fen),
        verify: (!exact).then_some(q),
        today,
        order,
        offset: (page as usize - 1) * page_size as usize,
        limit: page_size as usize,
    };
    let (items, total) = store.read(|r| {
        let (ids, total) = store::plaza::search(r, &question)?;
        let items =
            ids.iter().filter_map(|id| store::listings::get(r, id).transpose()).collect::<Result<Vec<_>, _>>()?;
        Ok((items, total))
    })?;
    Ok(Paged { items, total, page, page_size })
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

#[cfg(test)]
mod tests;
