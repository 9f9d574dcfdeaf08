//! 上报统计数据: the figures this node and the nodes below it report upward with their bundles.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::clock;
use crate::domain::figures::{self, Figures, NodeFigures};
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::Json;
use super::session::Ctx;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(node_figures))
}

/// This node's own figures, those reported from below, and their sum.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresReport {
    /// This node's own units (computed now).
    pub own: NodeFigures,
    /// The latest report of every node below, by region.
    pub reported: Vec<NodeFigures>,
    /// Own plus reported: each node counts only its own units, so the sum counts nothing twice.
    pub total: Figures,
}

/// 上报统计数据: this node's figures and the latest figures of every node below it.
#[utoipa::path(get, path = "/api/v1/reports/nodes", tag = "reports",
    responses((status = 200, body = FiguresReport), (status = 403, body = ErrorBody)))]
async fn node_figures(State(state): State<AppState>, _ctx: Ctx) -> Result<Json<FiguresReport>, ApiError> {
    let store = state.store.clone();
    let report = blocking(move || {
        Ok(store.read(|r| {
            let me = store::node::get(r)?.ok_or_else(|| crate::domain::DomainError::invalid("本节点尚未初始化"))?;
            let own = figures::compute(&store::cards::all(r)?, &store::listings::all(r)?, &store::demands::all(r)?);
            let mut reported = store::relay::reported(r)?;
            // The 统计报表 figures are read by `/reports/summary?group=node`; not repeated here.
            reported.iter_mut().for_each(|n| n.report = None);
            reported.sort_by(|a, b| a.region.as_str().cmp(b.region.as_str()).then(a.node.cmp(&b.node)));
            let total = reported.iter().fold(own.clone(), |sum, n| sum.plus(&n.figures));
            let own = NodeFigures {
                node: me.node_id,
                node_name: me.name,
                kind: me.kind,
                region: me.region,
                as_of: clock::now_rfc3339(),
                figures: own,
                report: None,
            };
            Ok(FiguresReport { own, reported, total })
        })?)
    })
    .await?;
    Ok(Json(report))
}
