//! HTTP: the only module that names axum. JSON under `/api/v1` (API.md), the OpenAPI document
//! generated from the handlers, and the embedded web UI for every other path. Handlers are short:
//! extract, check the role table, call domain/store, map the result.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::store::Store;

/// Audit log and chain verification.
pub mod audit;
/// Login, logout, me, password.
pub mod auth;
/// 数据备份: backups of the node.
pub mod backups;
/// 配置预算衔接: budget lines checked against the warehouse.
pub mod budget;
/// 数据交换: bundle export, inspect, import, history.
pub mod bundles;
/// Card photos.
pub mod card_photos;
/// Card views: names, completeness, problems.
pub mod card_views;
/// Asset cards.
pub mod cards;
/// Demands and matching.
pub mod demands;
/// The error type and its mapping to API.md's error shape.
pub mod error;
/// Extractors with our error shape; paging.
pub mod extract;
/// 上报统计数据: figures of this node and the nodes below.
pub mod figures;
/// 资产调剂交接单.
pub mod handover;
/// Ledger import and template.
pub mod import;
/// 调剂意向: registering interest, the queue, accepting, declining, withdrawing.
pub mod interests;
/// Listings and their approvals.
pub mod listings;
/// Location trees.
pub mod locations;
/// Matching demands and listings.
pub mod matching;
/// 我的信息 counts.
pub mod mine;
/// Set-up, node identity, reference data pickers.
pub mod node;
/// Peers of the federation tree.
pub mod peers;
/// Photos by content hash.
pub mod photos;
/// The plazas.
pub mod plaza;
/// Data-quality report.
pub mod quality;
/// 统计报表: figures of a period, their total, late units; JSON and .xlsx.
pub mod reports;
/// Sessions, CSRF, login throttling.
pub mod session;
/// 关于 and the node settings.
pub mod settings;
/// 低效闲置资产盘点: stocktake tasks and their checks.
pub mod stocktakes;
/// The home page's to-do list.
pub mod todo;
/// The embedded web UI.
pub mod ui;
/// Unit administration.
pub mod units;
/// Upload limits and multipart reading.
pub mod upload;
/// User administration.
pub mod users;
/// Wire shapes.
pub mod views;
/// 关注: watches and their matching listings.
pub mod watches;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<Store>,
    /// The data folder (key files).
    pub data_dir: PathBuf,
    /// Open sessions.
    pub sessions: Arc<session::Sessions>,
    /// Failed-login counters.
    pub throttle: Arc<session::Throttle>,
    /// The HTTPS certificate in use (`serve --tls`); `None` for plain HTTP.
    pub tls: Option<Arc<crate::tls::TlsInfo>>,
}

/// The API's largest JSON body.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "公物仓 API", description = "行政事业单位国有资产虚拟公物仓及调剂共享平台 — HTTP API v1（见 API.md）"),
    tags(
        (name = "session", description = "登录与会话"),
        (name = "node", description = "节点与初始化"),
        (name = "reference", description = "财政区划与资产分类"),
        (name = "units", description = "单位管理"),
        (name = "users", description = "用户管理"),
        (name = "audit", description = "审计日志"),
        (name = "todo", description = "首页待办事项"),
        (name = "photos", description = "资产照片"),
        (name = "cards", description = "资产卡片"),
        (name = "locations", description = "存放地点"),
        (name = "quality", description = "数据质量"),
        (name = "listings", description = "入仓申请与审批"),
        (name = "plaza", description = "公物仓广场与调剂共享广场"),
        (name = "demands", description = "需求发布与匹配"),
    )
)]
struct ApiDoc;

/// The API routes with their OpenAPI description.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(node::router())
        .merge(units::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(todo::router())
        .merge(photos::router())
        .merge(cards::router())
        .merge(card_photos::router())
        .merge(locations::router())
        .merge(import::router())
        .merge(quality::router())
        .merge(listings::router())
        .merge(plaza::router())
        .merge(demands::router())
        .merge(interests::router())
        .merge(handover::router())
        .merge(watches::router())
        .merge(stocktakes::router())
        .merge(budget::router())
        .merge(reports::router())
        .merge(settings::router())
        .merge(matching::router())
        .merge(mine::router())
        .merge(peers::router())
        .merge(bundles::router())
        .merge(backups::router())
        .merge(figures::router())
}

/// The whole application: API, OpenAPI document, UI, headers and limits.
pub fn app(state: AppState) -> Router {
    let (api, mut openapi) = api().split_for_parts();
    error::document_common_errors(&mut openapi);
    let openapi = Arc::new(openapi);
    api.route(
        "/api/v1/openapi.json",
        get(move || {
            let openapi = Arc::clone(&openapi);
            async move { axum::Json(openapi.as_ref().clone()) }
        }),
    )
    .fallback(ui::serve)
    .method_not_allowed_fallback(|| async { error::ApiError::MethodNotAllowed })
    .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
    .layer(middleware::from_fn(security_headers))
    .with_state(state)
}

const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; \
font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if is_api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
