//! The node itself: first-run set-up, node identity, and the reference data pickers
//! (regions, categories).

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::node::NodeKind;
use crate::domain::reference::{Category, Reference, Region};
use crate::domain::region::RegionLevel;
use crate::setup::{self, SetupRequest};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json, Query};
use super::session::Ctx;
use super::views::NodeView;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(setup_status, setup_node))
        .routes(routes!(node))
        .routes(routes!(regions))
        .routes(routes!(categories))
}

/// `GET /setup`.
#[derive(Serialize, ToSchema)]
pub struct SetupStatus {
    /// Whether the node has been initialised.
    pub initialized: bool,
}

/// `POST /setup` body: what the first-run wizard asks.
#[derive(Deserialize, ToSchema)]
pub struct SetupBody {
    /// local, province or national.
    pub kind: NodeKind,
    /// Region code (national: 100000).
    #[serde(default)]
    pub region: String,
    /// Node name.
    pub name: String,
    /// The `admin` password.
    pub admin_password: String,
}

/// Whether the node is initialised (public: the UI shows the wizard when not).
#[utoipa::path(get, path = "/api/v1/setup", tag = "node", responses((status = 200, body = SetupStatus)))]
async fn setup_status(State(state): State<AppState>) -> Result<Json<SetupStatus>, ApiError> {
    let store = state.store.clone();
    let initialized = blocking(move || Ok(store.node()?.is_some())).await?;
    Ok(Json(SetupStatus { initialized }))
}

/// Initialises an empty node (first-run wizard). Refused once the node exists.
#[utoipa::path(post, path = "/api/v1/setup", tag = "node", request_body = SetupBody,
    responses((status = 201, body = NodeView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn setup_node(
    State(state): State<AppState>,
    Json(body): Json<SetupBody>,
) -> Result<(StatusCode, Json<NodeView>), ApiError> {
    let store = state.store.clone();
    let data_dir = state.data_dir.clone();
    let view = blocking(move || {
        let request = SetupRequest {
            kind: body.kind,
            region: &body.region,
            name: &body.name,
            admin_password: &body.admin_password,
        };
        let node = setup::initialize(&data_dir, &store, request)?;
        Ok(NodeView::new(&node, &store.reference()))
    })
    .await?;
    tracing::info!(node = %view.node_id, "节点已通过初始化向导完成设置");
    Ok((StatusCode::CREATED, Json(view)))
}

/// The node's identity (public: the login page shows its name).
#[utoipa::path(get, path = "/api/v1/node", tag = "node", responses((status = 200, body = NodeView), (status = 503, body = ErrorBody)))]
async fn node(State(state): State<AppState>) -> Result<Json<NodeView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || {
        let node = store.node()?.ok_or(ApiError::NotInitialized)?;
        Ok(NodeView::served(&node, &store.reference(), state.tls.as_deref()))
    })
    .await?;
    Ok(Json(view))
}

/// `?parent=` or `?q=` for the pickers.
#[derive(Deserialize, IntoParams)]
pub struct PickerQuery {
    /// Children of this code (none: the top level).
    pub parent: Option<String>,
    /// Search by name or code prefix (at most 50 answers).
    pub q: Option<String>,
}

/// A region in a picker.
#[derive(Serialize, ToSchema)]
pub struct RegionItem {
    #[serde(flatten)]
    region: Region,
    /// Whether it has children to expand.
    has_children: bool,
    /// 辽宁省 / 沈阳市 / 和平区 (search answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

/// A category in a picker.
#[derive(Serialize, ToSchema)]
pub struct CategoryItem {
    #[serde(flatten)]
    category: Category,
    /// Whether it has children to expand.
    has_children: bool,
    /// 设备 / 信息化设备 / … (search answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

const SEARCH_LIMIT: usize = 50;

fn region_items(reference: &Reference, query: &PickerQuery) -> Vec<RegionItem> {
    let item = |region: Region, with_path: bool| RegionItem {
        has_children: reference.region_has_children(&region.code),
        path: with_path.then(|| reference.region_path(&region.code)),
        region,
    };
    match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => reference.search_regions(q, SEARCH_LIMIT).into_iter().map(|r| item(r, true)).collect(),
        None => reference.region_children(query.parent.as_deref()).into_iter().map(|r| item(r, false)).collect(),
    }
}

/// Regions for the cascading picker (public: the first-run wizard needs them).
#[utoipa::path(get, path = "/api/v1/regions", tag = "reference", params(PickerQuery),
    responses((status = 200, body = Items<RegionItem>)))]
async fn regions(
    State(state): State<AppState>,
    Query(query): Query<PickerQuery>,
) -> Result<Json<Items<RegionItem>>, ApiError> {
    let reference = state.store.reference();
    let mut items = region_items(&reference, &query);
    if query.parent.is_none() && query.q.is_none() {
        items.retain(|i| i.region.level == RegionLevel::Province);
    }
    Ok(Json(Items { items }))
}

/// GB/T 14885-2022 asset categories for the cascading picker.
#[utoipa::path(get, path = "/api/v1/categories", tag = "reference", params(PickerQuery),
    responses((status = 200, body = Items<CategoryItem>), (status = 401, body = ErrorBody)))]
async fn categories(
    State(state): State<AppState>,
    _auth: Ctx,
    Query(query): Query<PickerQuery>,
) -> Result<Json<Items<CategoryItem>>, ApiError> {
    let reference = state.store.reference();
    let item = |category: Category, with_path: bool| CategoryItem {
        has_children: reference.category_has_children(&category.code),
        path: with_path.then(|| reference.category_path(&category.code)),
        category,
    };
    let items = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => reference.search_categories(q, SEARCH_LIMIT).into_iter().map(|c| item(c, true)).collect(),
        None => reference.category_children(query.parent.as_deref()).into_iter().map(|c| item(c, false)).collect(),
    };
    Ok(Json(Items { items }))
}
