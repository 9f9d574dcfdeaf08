//! 台账导入: dry run with every row's errors, then apply every valid row in one transaction; the
//! import template.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::domain::ledger::{self, RowError};
use crate::ledger::LedgerError;
use crate::store;

use super::AppState;
use super::error::{ApiError, ErrorBody, blocking};
use super::extract::{Json, Query};
use super::session::Ctx;
use super::upload;

/// The largest ledger file.
pub const IMPORT_LIMIT: usize = 20 * 1024 * 1024;
/// Errors listed in one answer (the count is always complete).
pub const MAX_LISTED_ERRORS: usize = 2000;

/// The routes of this file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_cards))
        .layer(axum::middleware::from_fn(upload::limit::<IMPORT_LIMIT>))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT + 64 * 1024))
        .routes(routes!(template))
}

/// `?dry_run=true`.
#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Check and count only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One row error.
#[derive(Serialize, ToSchema)]
pub struct ImportError {
    /// Spreadsheet row (the header is row 1).
    pub row: usize,
    /// Column header.
    pub column: String,
    /// Why (Chinese).
    pub message: String,
}

/// What an import found and did.
#[derive(Serialize, ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: u64,
    /// Rows without errors.
    pub valid: u64,
    /// Rows with errors (skipped).
    pub invalid: u64,
    /// New cards (dry run: would be).
    pub created: u64,
    /// Known 资产编号 updated (dry run: known codes).
    pub updated: u64,
    /// Whether anything was written.
    pub applied: bool,
    /// Location nodes created from 存放地点 text.
    pub new_locations: u64,
    /// Rows whose 存放地点 is less precise than its compound allows (flagged on the cards).
    pub unmatched_locations: u64,
    /// Row errors, at most 2000 listed.
    pub errors: Vec<ImportError>,
    /// All row errors.
    pub errors_total: u64,
}

fn listed(errors: &[RowError]) -> Vec<ImportError> {
    errors
        .iter()
        .take(MAX_LISTED_ERRORS)
        .map(|e| ImportError { row: e.row, column: e.column.clone(), message: e.message.clone() })
        .collect()
}

/// Imports a ledger export (multipart `file`: .xlsx, or .csv in UTF-8 or GBK; ≤ 20 MB).
#[utoipa::path(post, path = "/api/v1/cards/import", tag = "cards", params(ImportQuery),
    request_body(content_type = "multipart/form-data", description = "file: the ledger"),
    responses((status = 200, body = ImportReport), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_cards(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ImportQuery>,
    request: axum::extract::Request,
) -> Result<Json<ImportReport>, ApiError> {
    let (_, bytes) = upload::single_file(request).await?;
    let store = state.store.clone();
    let report = blocking(move || {
        let unit_id =
            ctx.user.unit_id.clone().ok_or_else(|| ApiError::Forbidden("只有单位经办岗可以导入台账".to_owned()))?;
        let sheet = crate::ledger::read(&bytes).map_err(|e| match e {
            LedgerError::TooLarge(m) => ApiError::TooLarge(m),
            other => ApiError::Invalid(other.to_string()),
        })?;
        let map = ledger::map_headers(&sheet.headers)?;
        let today = time::OffsetDateTime::now_utc().date();
        let (rows, mut errors) = ledger::parse_rows(&map, &sheet.rows, &store.reference(), today);
        let read = (rows.len() + errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len()) as u64;
        let outcome = if query.dry_run {
            store.rehearse(|tx| store::import::apply(tx, &unit_id, &rows, &ctx.user.username, &clock::now_rfc3339()))?
        } else {
            store.write(&Actor::user(&ctx.user), |tx| {
                let outcome = store::import::apply(tx, &unit_id, &rows, &ctx.user.username, &clock::now_rfc3339())?;
                let summary = format!(
                    "导入资产卡片台账：新增 {} 张，更新 {} 张，跳过错误行 {} 行",
                    outcome.created,
                    outcome.updated,
                    read as usize - rows.len()
                );
                Ok((
                    outcome,
                    AuditEntry::new(
                        "cards_imported",
                        format!("unit:{unit_id}"),
                        summary,
                        Some(ctx.user.region.to_string()),
                    ),
                ))
            })?
        };
        errors.extend(outcome.refused.iter().cloned());
        errors.sort_by_key(|e| e.row);
        let invalid_rows = errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len() as u64;
        Ok(ImportReport {
            rows: read,
            valid: read - invalid_rows,
            invalid: invalid_rows,
            created: outcome.created,
            updated: outcome.updated,
            applied: !query.dry_run,
            new_locations: outcome.new_locations,
            unmatched_locations: outcome.incomplete_locations,
            errors: listed(&errors),
            errors_total: errors.len() as u64,
        })
    })
    .await?;
    Ok(Json(report))
}

/// The import template (.xlsx): the columns, the required ones in red, one example row.
#[utoipa::path(get, path = "/api/v1/cards/import/template", tag = "cards",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
async fn template(_auth: Ctx) -> Result<Response, ApiError> {
    let bytes = crate::ledger::template().map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"template.xlsx\"; filename*=UTF-8''%E8%B5%84%E4%BA%A7%E5%8D%A1%E7%89%87%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
