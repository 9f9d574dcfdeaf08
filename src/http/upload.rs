//! Uploads: a `Content-Length` check that answers 413 before reading the body, and reading the
//! one `file` field of a multipart form with our error shape.

use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// Refuses a request whose declared length exceeds `LIMIT` bytes (plus room for the form).
pub async fn limit<const LIMIT: usize>(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > LIMIT + 64 * 1024) {
        return too_large(LIMIT).into_response();
    }
    next.run(request).await
}

fn too_large(limit: usize) -> ApiError {
    ApiError::TooLarge(format!("上传文件过大：上限 {} MB", limit / 1024 / 1024))
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("上传文件过大".to_owned())
    } else {
        ApiError::Malformed(format!("上传内容无法读取：{}", e.body_text()))
    }
}

/// The `file` field of a multipart request: its file name and bytes. Handlers take the raw
/// request and call this after the permission check, so a refused caller never gets as far as
/// the body.
pub async fn single_file(request: Request) -> Result<(String, Vec<u8>), ApiError> {
    let multipart = Multipart::from_request(request, &()).await.map_err(ApiError::from)?;
    read_file(multipart).await
}

async fn read_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), ApiError> {
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            if bytes.is_empty() {
                return Err(ApiError::Invalid("上传的文件是空的".to_owned()));
            }
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(ApiError::Invalid("请选择要上传的文件（表单字段 file）".to_owned()))
}
