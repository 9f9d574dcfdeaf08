//! Extractors whose rejections speak API.md's error shape, and the paging parameters.

use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;

/// `axum::Json` with our error body on bad input.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with our error body on bad input.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// `axum::extract::Path` with our error body on bad input.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// The largest page a list returns.
pub const MAX_PAGE_SIZE: u32 = 200;

/// `?page=1&page_size=20`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub struct Paging {
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page, at most 200.
    pub page_size: Option<u32>,
}

impl Paging {
    /// `(page, page_size)` checked.
    pub fn checked(self) -> Result<(u32, u32), ApiError> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(20);
        if page == 0 {
            return Err(ApiError::Invalid("页码应从 1 开始".to_owned()));
        }
        if size == 0 || size > MAX_PAGE_SIZE {
            return Err(ApiError::Invalid(format!("每页条数应为 1 至 {MAX_PAGE_SIZE}")));
        }
        Ok((page, size))
    }

    /// Cuts one page out of `items`.
    pub fn apply<T>(self, items: Vec<T>) -> Result<Paged<T>, ApiError> {
        let (page, page_size) = self.checked()?;
        let total = items.len() as u64;
        let start = (page as usize - 1).saturating_mul(page_size as usize);
        let items = items.into_iter().skip(start).take(page_size as usize).collect();
        Ok(Paged { items, total, page, page_size })
    }
}

/// API.md's list shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// All matching items.
    pub total: u64,
    /// This page.
    pub page: u32,
    /// Items per page.
    pub page_size: u32,
}

/// `{items: [...]}` for short, unpaged lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct Items<T> {
    /// The items.
    pub items: Vec<T>,
}
