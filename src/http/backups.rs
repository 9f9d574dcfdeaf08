//! 系统管理 › 数据备份: the node's backups (立即备份, the daily automatic ones), downloads, and the
//! check of a backup file before a restore. The format and the rules are `store::backup`'s.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::audit::Actor;
use crate::domain::clock;
use crate::store::BACKUP_DIR;
use crate::store::backup::{self, BackupError, BackupFile, BackupHeader};

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Path};
use super::session::Ctx;
use super::upload;

/// The largest backup file checked through the browser (larger ones: `gongwucang restore`, which
/// checks first too).
pub const BACKUP_UPLOAD_LIMIT: usize = 512 * 1024 * 1024;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check))
        .layer(axum::middleware::from_fn(upload::limit::<BACKUP_UPLOAD_LIMIT>))
        .layer(DefaultBodyLimit::max(BACKUP_UPLOAD_LIMIT + 64 * 1024))
        .routes(routes!(list, create))
        .routes(routes!(download))
}

impl From<BackupError> for ApiError {
    fn from(e: BackupError) -> Self {
        match e {
            BackupError::Store(e) => e.into(),
            BackupError::Io { .. } => ApiError::Internal(e.to_string()),
            BackupError::Invalid(_) | BackupError::Foreign(_) | BackupError::NotEmpty(_) => {
                ApiError::Invalid(e.to_string())
            }
        }
    }
}

/// The backups and the schedule.
#[derive(Serialize, ToSchema)]
pub struct Backups {
    /// The backup folder's files, newest first.
    pub items: Vec<BackupFile>,
    /// Where they are.
    pub folder: String,
    /// Automatic backups kept (0: none taken; 系统设置).
    pub keep: u32,
    /// When the next automatic one is due (RFC 3339), if they are taken.
    pub next_auto_at: Option<String>,
}

/// The backups in the node's backup folder.
#[utoipa::path(get, path = "/api/v1/backups", tag = "node",
    responses((status = 200, body = Backups), (status = 403, body = ErrorBody)))]
async fn list(State(state): State<AppState>, _ctx: Ctx) -> Result<Json<Backups>, ApiError> {
    let store = state.store.clone();
    let data_dir = state.data_dir.clone();
    let backups = blocking(move || {
        let keep = store.read(crate::store::settings::get)?.backup_keep;
        let items = backup::list(&data_dir);
        let newest_auto = items.iter().find(|b| b.kind == "auto").map(|b| b.created_at.clone());
        let next_auto_at = match (keep, newest_auto) {
            (0, _) => None,
            (_, None) => Some(clock::now_rfc3339()),
            (_, Some(at)) => clock::parse_rfc3339(&at).and_then(|t| {
                (t + time::Duration::hours(24)).format(&time::format_description::well_known::Rfc3339).ok()
            }),
        };
        Ok::<_, ApiError>(Backups {
            items,
            folder: data_dir.join(BACKUP_DIR).display().to_string(),
            keep,
            next_auto_at,
        })
    })
    .await?;
    Ok(Json(backups))
}

/// 立即备份: a consistent snapshot of the whole node, signed, into the backup folder.
#[utoipa::path(post, path = "/api/v1/backups", tag = "node",
    responses((status = 201, body = BackupFile), (status = 403, body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<(axum::http::StatusCode, Json<BackupFile>), ApiError> {
    let store = state.store.clone();
    let data_dir = state.data_dir.clone();
    let made = blocking(move || Ok::<_, ApiError>(backup::take(&store, &data_dir, "manual", &Actor::user(&ctx.user))?))
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(made)))
}

/// Downloads one backup file (keep it as safely as the node's key: it holds it).
#[utoipa::path(get, path = "/api/v1/backups/{name}", tag = "node", params(("name" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn download(State(state): State<AppState>, _ctx: Ctx, Path(name): Path<String>) -> Result<Response, ApiError> {
    let name = backup::checked_name(&name)?.to_owned();
    let path = state.data_dir.join(BACKUP_DIR).join(&name);
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| ApiError::from(crate::domain::DomainError::NotFound("备份文件不存在".to_owned())))?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

/// 校验备份文件: checks an uploaded backup completely (signature, checksum, every record) without
/// restoring it, and says whether it is this node's.
#[derive(Serialize, ToSchema)]
pub struct Checked {
    /// What the backup says of itself.
    pub header: BackupHeader,
    /// Rows in all.
    pub rows: u64,
    /// Whether it is a backup of this node.
    pub this_node: bool,
}

/// Checks an uploaded backup file (multipart `file`).
#[utoipa::path(post, path = "/api/v1/backups/check", tag = "node",
    responses((status = 200, body = Checked), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check(
    State(state): State<AppState>,
    _ctx: Ctx,
    request: axum::extract::Request,
) -> Result<Json<Checked>, ApiError> {
    let (_, bytes) = upload::single_file(request).await?;
    let store = state.store.clone();
    let data_dir = state.data_dir.clone();
    let checked = blocking(move || {
        let dir = data_dir.join(BACKUP_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| ApiError::Internal(e.to_string()))?;
        let path = dir.join(format!("check-{}.tmp", super::session::random_token()?));
        std::fs::write(&path, &bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
        let verified = backup::verify(&path);
        let _ = std::fs::remove_file(&path);
        let header = verified?;
        let this_node = store.node()?.is_some_and(|n| n.node_id == header.node_id);
        Ok::<_, ApiError>(Checked { rows: header.rows(), header, this_node })
    })
    .await?;
    Ok(Json(checked))
}
