//! 系统管理 › 数据交换: export a bundle for a peer (download), inspect and import an uploaded one,
//! and the history of bundles in and out (API.md "Exchange").

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::audit::Actor;
use crate::domain::clock;
use crate::federation::keys;
use crate::store::{self, exchange};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Items, Json};
use super::session::Ctx;
use super::upload;

/// The largest bundle file accepted through the browser.
pub const BUNDLE_UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inspect))
        .routes(routes!(import))
        .layer(axum::middleware::from_fn(upload::limit::<BUNDLE_UPLOAD_LIMIT>))
        .layer(DefaultBodyLimit::max(BUNDLE_UPLOAD_LIMIT + 64 * 1024))
        .routes(routes!(export))
        .routes(routes!(history))
}

/// `POST /bundles/export` body.
#[derive(Deserialize, ToSchema)]
pub struct ExportBody {
    /// The peer's node id.
    pub to: String,
}

/// A bundle with every event the peer has not acknowledged (download).
#[utoipa::path(post, path = "/api/v1/bundles/export", tag = "node", request_body = ExportBody,
    responses((status = 200, content_type = "application/octet-stream", description = "the bundle file"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn export(State(state): State<AppState>, ctx: Ctx, Json(body): Json<ExportBody>) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let data_dir = state.data_dir.clone();
    let (bytes, name) = blocking(move || {
        let node = store.node()?.ok_or(ApiError::NotInitialized)?;
        let key = keys::load_checked(&data_dir, &node.public_key).map_err(|e| ApiError::Internal(e.to_string()))?;
        let bytes = exchange::export(&store, &Actor::user(&ctx.user), &key, &body.to, &clock::now_rfc3339())?;
        let c = store.read(|r| exchange::channel(r, &body.to))?;
        let name = format!("gongwucang-{}-to-{}-{}.gwcb", node.node_id, body.to, c.out_last);
        Ok((bytes, name))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// What an uploaded bundle holds (nothing is imported).
#[derive(Serialize, ToSchema)]
pub struct InspectView {
    /// Sender node id.
    pub sender: String,
    /// Recipient node id.
    pub recipient: String,
    /// up or down.
    pub direction: String,
    /// First event number.
    pub first: u64,
    /// Last event number.
    pub last: u64,
    /// The sender's acknowledgement of our events.
    pub ack: u64,
    /// RFC 3339.
    pub created_at: String,
    /// One line.
    pub summary: String,
    /// The registered sender's name (absent: unknown sender).
    pub sender_name: Option<String>,
    /// Its fingerprint, to compare.
    pub sender_fingerprint: Option<String>,
    /// Signature checked with the registered key (absent: unknown sender).
    pub signature_valid: Option<bool>,
    /// When the registered sender was 停用: the import will refuse the bundle.
    pub sender_revoked_at: Option<String>,
    /// Why it was 停用.
    pub sender_revoked_reason: Option<String>,
    /// Events by kind.
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Photo blobs.
    pub photos: u64,
    /// Why the contents cannot be read, if so.
    pub problem: Option<String>,
}

/// Reads an uploaded bundle: header, signer, counts by event kind; imports nothing.
#[utoipa::path(post, path = "/api/v1/bundles/inspect", tag = "node",
    request_body(content_type = "multipart/form-data", description = "file: the bundle"),
    responses((status = 200, body = InspectView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn inspect(
    State(state): State<AppState>,
    _ctx: Ctx,
    request: axum::extract::Request,
) -> Result<Json<InspectView>, ApiError> {
    let (_, bytes) = upload::single_file(request).await?;
    let store = state.store.clone();
    let view = blocking(move || {
        let i = store.read(|r| exchange::inspect(r, &bytes))?.map_err(ApiError::Invalid)?;
        let h = i.header;
        Ok(InspectView {
            sender: h.sender,
            recipient: h.recipient,
            direction: if h.direction == crate::federation::bundle::Direction::Up { "up" } else { "down" }.to_owned(),
            first: h.first,
            last: h.last,
            ack: h.ack,
            created_at: h.created_at,
            summary: h.summary,
            sender_name: i.sender_name,
            sender_fingerprint: i.sender_fingerprint,
            signature_valid: i.signature_valid,
            sender_revoked_at: i.sender_revoked_at,
            sender_revoked_reason: i.sender_revoked_reason,
            counts: i.counts,
            photos: i.photos,
            problem: i.problem,
        })
    })
    .await?;
    Ok(Json(view))
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct ImportView {
    /// applied, already_imported, gap or refused.
    pub result: &'static str,
    /// New events applied.
    pub events: u64,
    /// For the clerk.
    pub message: String,
}

/// Imports an uploaded bundle (SPEC §9's checks; a refusal writes only its history line).
#[utoipa::path(post, path = "/api/v1/bundles/import", tag = "node",
    request_body(content_type = "multipart/form-data", description = "file: the bundle"),
    responses((status = 200, body = ImportView), (status = 413, body = ErrorBody)))]
async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    request: axum::extract::Request,
) -> Result<Json<ImportView>, ApiError> {
    let (_, bytes) = upload::single_file(request).await?;
    let store = state.store.clone();
    let outcome = blocking(move || {
        let apply: exchange::ApplyEvent<'_> = &crate::store::relay::apply;
        Ok(exchange::import(&store, &Actor::user(&ctx.user), &bytes, apply, &clock::now_rfc3339())?)
    })
    .await?;
    Ok(Json(ImportView { result: outcome.result, events: outcome.events, message: outcome.message }))
}

/// One line of the bundle history.
#[derive(Serialize, ToSchema)]
pub struct BundleLine {
    /// in or out.
    pub direction: String,
    /// The peer.
    pub peer: String,
    /// Event range.
    pub first: u64,
    /// Event range.
    pub last: u64,
    /// File size.
    pub bytes: u64,
    /// exported, applied, already_imported, gap, refused.
    pub result: String,
    /// For people.
    pub message: String,
    /// RFC 3339.
    pub at: String,
}

/// The bundles in and out, newest first.
#[utoipa::path(get, path = "/api/v1/bundles", tag = "node", responses((status = 200, body = Items<BundleLine>), (status = 403, body = ErrorBody)))]
async fn history(State(state): State<AppState>, _ctx: Ctx) -> Result<Json<Items<BundleLine>>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || {
        Ok(store
            .read(store::exchange::history)?
            .into_iter()
            .map(|r| BundleLine {
                direction: r.direction,
                peer: r.peer,
                first: r.first,
                last: r.last,
                bytes: r.bytes,
                result: r.result,
                message: r.message,
                at: r.at,
            })
            .collect())
    })
    .await?;
    Ok(Json(Items { items }))
}
