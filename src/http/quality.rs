//! 数据质量: the unit's (or the authority's region's) card data problems, counted and listed, each
//! line pointing at the card to fix.

use std::collections::BTreeMap;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store;

use super::AppState;
use super::card_views::{CardContext, Problem};
use super::cards::readable_units;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Paging, Query};
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(quality))
}

/// `?unit_id&problem&page&page_size`.
#[derive(Deserialize, IntoParams)]
pub struct QualityQuery {
    /// One unit of the region (authority).
    pub unit_id: Option<String>,
    /// Only cards with this problem.
    #[param(inline)]
    pub problem: Option<Problem>,
    /// 1-based page of `items`.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

/// Counts per problem.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct ProblemCounts {
    /// 无照片
    pub no_photos: u64,
    /// 照片少于 4 张
    pub few_photos: u64,
    /// 照片质量问题
    pub flagged_photos: u64,
    /// 存放地点不完整
    pub incomplete_location: u64,
    /// 闲置未入仓
    pub idle_not_listed: u64,
    /// 出租出借已到期未收回
    pub lease_overdue: u64,
}

impl ProblemCounts {
    fn add(&mut self, problem: Problem) {
        let slot = match problem {
            Problem::NoPhotos => &mut self.no_photos,
            Problem::FewPhotos => &mut self.few_photos,
            Problem::FlaggedPhotos => &mut self.flagged_photos,
            Problem::IncompleteLocation => &mut self.incomplete_location,
            Problem::IdleNotListed => &mut self.idle_not_listed,
            Problem::LeaseOverdue => &mut self.lease_overdue,
        };
        *slot += 1;
    }
}

/// One unit's line.
#[derive(Serialize, ToSchema)]
pub struct UnitQuality {
    /// Unit id.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// Its cards.
    pub cards: u64,
    /// Its problems.
    #[serde(flatten)]
    pub problems: ProblemCounts,
}

/// One card with problems.
#[derive(Serialize, ToSchema)]
pub struct QualityItem {
    /// The card to fix.
    pub card_id: String,
    /// Its unit.
    pub unit_id: String,
    /// 资产编号.
    pub asset_code: String,
    /// 资产名称.
    pub name: String,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

/// The data-quality report.
#[derive(Serialize, ToSchema)]
pub struct QualityReport {
    /// Cards examined.
    pub cards: u64,
    /// Cards per problem.
    pub problems: ProblemCounts,
    /// Per unit.
    pub units: Vec<UnitQuality>,
    /// Cards with problems (or with `problem`), most problems first: this page.
    pub items: Vec<QualityItem>,
    /// All such cards.
    pub total: u64,
    /// This page.
    pub page: u32,
    /// Items per page.
    pub page_size: u32,
}

/// Data quality of the caller's unit (authority: its region's units, or one).
#[utoipa::path(get, path = "/api/v1/quality", tag = "quality", params(QualityQuery),
    responses((status = 200, body = QualityReport), (status = 403, body = ErrorBody)))]
async fn quality(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<QualityQuery>,
) -> Result<Json<QualityReport>, ApiError> {
    let paging = Paging { page: query.page, page_size: query.page_size };
    paging.checked()?;
    let store = state.store.clone();
    let report = blocking(move || {
        let units = readable_units(&store, &ctx.user, query.unit_id.as_deref())?;
        let ids: Vec<String> = units.iter().map(|u| u.id.clone()).collect();
        let context = store.read(|r| CardContext::load(r, store.reference(), &ids))?;
        let mut per_unit: BTreeMap<String, UnitQuality> = units
            .iter()
            .map(|u| {
                (
                    u.id.clone(),
                    UnitQuality {
                        unit_id: u.id.clone(),
                        unit_name: u.name.clone(),
                        cards: 0,
                        problems: ProblemCounts::default(),
                    },
                )
            })
            .collect();
        let mut totals = ProblemCounts::default();
        let mut items = Vec::new();
        let mut count = 0;
        for card in store.read(store::cards::all)?.into_iter().filter(|c| ids.contains(&c.unit_id)) {
            count += 1;
            let problems = context.problems(&card);
            if let Some(line) = per_unit.get_mut(&card.unit_id) {
                line.cards += 1;
                problems.iter().for_each(|p| line.problems.add(*p));
            }
            problems.iter().for_each(|p| totals.add(*p));
            if !problems.is_empty() && query.problem.is_none_or(|p| problems.contains(&p)) {
                items.push(QualityItem {
                    card_id: card.id,
                    unit_id: card.unit_id,
                    asset_code: card.asset_code,
                    name: card.name,
                    problems,
                });
            }
        }
        items.sort_by(|a, b| b.problems.len().cmp(&a.problems.len()).then(a.asset_code.cmp(&b.asset_code)));
        let page = paging.apply(items)?;
        Ok(QualityReport {
            cards: count,
            problems: totals,
            units: per_unit.into_values().collect(),
            items: page.items,
            total: page.total,
            page: page.page,
            page_size: page.page_size,
        })
    })
    .await?;
    Ok(Json(report))
}
