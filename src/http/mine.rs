//! 我的信息 at a glance: how many of the caller's listings sit in each tab of 公物仓 › 我的信息 and
//! each group of 调剂共享平台 › 我的信息, and how many demands in each state. The UI shows these as
//! the tab badges; the lists themselves are `GET /listings?group=` and `GET /demands?state=`.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::clock;
use crate::domain::demand::DemandState;
use crate::domain::listing::{Mode, PlatformGroup, WarehouseGroup};
use crate::domain::permission::in_my_information;
use crate::domain::settings::older_than;
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::Json;
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(summary))
}

/// Listings per tab of 公物仓 › 我的信息.
#[derive(Serialize, ToSchema, Default, Debug, PartialEq, Eq)]
pub struct WarehouseCounts {
    /// 已入仓资产.
    pub in_warehouse: u64,
    /// 待审核/已退回.
    pub pending: u64,
    /// 已退仓资产.
    pub withdrawn: u64,
    /// 已完成调剂.
    pub completed: u64,
}

/// Platform listings per group of 调剂共享平台 › 我的信息.
#[derive(Serialize, ToSchema, Default, Debug, PartialEq, Eq)]
pub struct PlatformCounts {
    /// 待审核.
    pub pending: u64,
    /// 已发布.
    pub published: u64,
    /// 已取消.
    pub cancelled: u64,
    /// 已完成.
    pub completed: u64,
    /// 已驳回.
    pub rejected: u64,
}

/// Demands per state (我的需求).
#[derive(Serialize, ToSchema, Default, Debug, PartialEq, Eq)]
pub struct DemandCounts {
    /// 草稿.
    pub draft: u64,
    /// 待审核.
    pub pending_review: u64,
    /// 已发布.
    pub published: u64,
    /// 已关闭.
    pub closed: u64,
}

/// `GET /mine`.
#[derive(Serialize, ToSchema, Default, Debug)]
pub struct MineSummary {
    /// 公物仓 › 我的信息.
    pub warehouse: WarehouseCounts,
    /// 调剂共享平台 › 我的信息 › 调剂资产.
    pub transfer: PlatformCounts,
    /// 调剂共享平台 › 我的信息 › 共享资产.
    pub share: PlatformCounts,
    /// 我的需求.
    pub demands: DemandCounts,
    /// Published longer than the reminder period without result.
    pub stale_listings: u64,
    /// Published demands older than the reminder period.
    pub stale_demands: u64,
}

/// Counts of the caller's 我的信息 (own unit; the region for authorities and province).
#[utoipa::path(get, path = "/api/v1/mine", tag = "listings",
    responses((status = 200, body = MineSummary), (status = 403, body = ErrorBody)))]
async fn summary(State(state): State<AppState>, ctx: Ctx) -> Result<Json<MineSummary>, ApiError> {
    let store = state.store.clone();
    let summary = blocking(move || {
        let user = &ctx.user;
        let (listings, demands, settings) =
            store.read(|r| Ok((store::listings::all(r)?, store::demands::all(r)?, store::settings::get(r)?)))?;
        let now = clock::now_rfc3339();
        let mut s = MineSummary::default();
        for l in listings.iter().filter(|l| in_my_information(user, &l.unit_id, &l.unit_region)) {
            let w = &mut s.warehouse;
            *match l.warehouse_group() {
                WarehouseGroup::InWarehouse => &mut w.in_warehouse,
                WarehouseGroup::Pending => &mut w.pending,
                WarehouseGroup::Withdrawn => &mut w.withdrawn,
                WarehouseGroup::Completed => &mut w.completed,
            } += 1;
            if let Some(group) = l.platform_group() {
                let p = if l.mode == Mode::Transfer { &mut s.transfer } else { &mut s.share };
                *match group {
                    PlatformGroup::Pending => &mut p.pending,
                    PlatformGroup::Published => &mut p.published,
                    PlatformGroup::Cancelled => &mut p.cancelled,
                    PlatformGroup::Completed => &mut p.completed,
                    PlatformGroup::Rejected => &mut p.rejected,
                } += 1;
            }
            if l.stale(&now[..10], settings.stale_listing_days) {
                s.stale_listings += 1;
            }
        }
        for d in demands.iter().filter(|d| in_my_information(user, &d.unit_id, &d.unit_region)) {
            let c = &mut s.demands;
            *match d.state {
                DemandState::Draft => &mut c.draft,
                DemandState::PendingReview => &mut c.pending_review,
                DemandState::Published => &mut c.published,
                DemandState::Closed => &mut c.closed,
            } += 1;
            if d.state == DemandState::Published
                && d.published_at.as_deref().is_some_and(|p| older_than(p, &now, settings.stale_demand_days))
            {
                s.stale_demands += 1;
            }
        }
        Ok(s)
    })
    .await?;
    Ok(Json(summary))
}
