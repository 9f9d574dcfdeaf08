//! Photos by content hash: the stored bytes, or a thumbnail. Content-addressed, so a browser may
//! keep them for good.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::media;
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Path, Query};
use super::session::Ctx;

/// The longer side of a thumbnail.
pub const THUMB_SIDE: u32 = 320;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(photo))
}

/// `?thumb=1`.
#[derive(Deserialize, IntoParams)]
pub struct PhotoQuery {
    /// A small JPEG instead of the original.
    #[serde(default)]
    pub thumb: Option<u8>,
}

/// A photo (or its thumbnail) by the SHA-256 of its bytes.
#[utoipa::path(get, path = "/api/v1/photos/{hash}", tag = "photos", params(("hash" = String, Path), PhotoQuery),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
async fn photo(
    State(state): State<AppState>,
    _auth: Ctx,
    Path(hash): Path<String>,
    Query(query): Query<PhotoQuery>,
) -> Result<Response, ApiError> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound("照片不存在".to_owned()));
    }
    let store = state.store.clone();
    let thumb = query.thumb.unwrap_or(0) != 0;
    let (bytes, mime) = blocking(move || {
        let bytes = store
            .read(|r| store::cards::photo(r, &hash))?
            .ok_or_else(|| ApiError::NotFound("照片不存在".to_owned()))?;
        if thumb {
            let small = media::thumbnail(&bytes, THUMB_SIDE).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok((small, "image/jpeg"))
        } else {
            let mime = media::mime_type(&bytes);
            Ok((bytes, mime))
        }
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, max-age=31536000, immutable")], bytes)
        .into_response())
}
