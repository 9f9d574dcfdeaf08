//! The one error type of the API, mapped to API.md's error shape
//! `{"error": {"code", "message"}}` with Chinese messages. Internal causes are logged, never sent.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::DomainError;
use crate::domain::permission::Refusal;
use crate::setup::SetupError;
use crate::store::StoreError;

/// Every way a request can fail.
#[derive(Debug)]
pub enum ApiError {
    /// 422 `invalid`: well-formed input that breaks a rule.
    Invalid(String),
    /// 400 `invalid`: input that cannot be read at all (bad JSON, bad query string).
    Malformed(String),
    /// 401 `unauthenticated`.
    Unauthenticated(String),
    /// 403 `forbidden`.
    Forbidden(String),
    /// 403 `must_change_password`.
    MustChangePassword,
    /// 403 `csrf`.
    Csrf,
    /// 404 `not_found`.
    NotFound(String),
    /// 409 `conflict`, with the current state when there is one.
    Conflict {
        /// Chinese message.
        message: String,
        /// Current state.
        state: Option<String>,
    },
    /// 413 `too_large`.
    TooLarge(String),
    /// 429 `rate_limited`, with the seconds to wait.
    RateLimited(u64),
    /// 405 `method_not_allowed`.
    MethodNotAllowed,
    /// 503 `not_initialized`: the first-run wizard has not been completed.
    NotInitialized,
    /// 500 `internal`: logged, not shown.
    Internal(String),
}

/// The error body.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code, message and (for conflicts) state.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine code, e.g. `forbidden`.
    pub code: &'static str,
    /// Chinese explanation.
    pub message: String,
    /// The current state, for `conflict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Seconds to wait, for `rate_limited`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::MustChangePassword | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotInitialized => StatusCode::SERVICE_UNAVAILABLE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn detail(self) -> ErrorDetail {
        let (code, message, state, retry_after) = match self {
            Self::Invalid(m) | Self::Malformed(m) => ("invalid", m, None, None),
            Self::Unauthenticated(m) => ("unauthenticated", m, None, None),
            Self::Forbidden(m) => ("forbidden", m, None, None),
            Self::MustChangePassword => ("must_change_password", "首次登录须先修改初始密码".to_owned(), None, None),
            Self::Csrf => ("csrf", "请求缺少有效的 X-CSRF-Token，请刷新页面后重试".to_owned(), None, None),
            Self::NotFound(m) => ("not_found", m, None, None),
            Self::Conflict { message, state } => ("conflict", message, state, None),
            Self::TooLarge(m) => ("too_large", m, None, None),
            Self::RateLimited(secs) => {
                ("rate_limited", format!("登录失败次数过多，请 {secs} 秒后再试"), None, Some(secs))
            }
            Self::MethodNotAllowed => ("method_not_allowed", "该接口不支持此请求方法".to_owned(), None, None),
            Self::NotInitialized => ("not_initialized", "本节点尚未初始化，请先完成初始化向导".to_owned(), None, None),
            Self::Internal(cause) => {
                tracing::error!(%cause, "内部错误");
                ("internal", "服务器内部错误，请稍后重试；如反复出现请联系系统管理员".to_owned(), None, None)
            }
        };
        ErrorDetail { code, message, state, retry_after }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry = match &self {
            Self::RateLimited(secs) => HeaderValue::from_str(&secs.to_string()).ok(),
            _ => None,
        };
        let mut response = (status, Json(ErrorBody { error: self.detail() })).into_response();
        if let Some(retry) = retry {
            response.headers_mut().insert(header::RETRY_AFTER, retry);
        }
        response
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(m) => Self::Invalid(m),
            DomainError::Forbidden(m) => Self::Forbidden(m),
            DomainError::NotFound(m) => Self::NotFound(m),
            DomainError::Conflict { message, state } => Self::Conflict { message, state },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<SetupError> for ApiError {
    fn from(e: SetupError) -> Self {
        match e {
            SetupError::Store(s) => s.into(),
            SetupError::Key(k) => Self::Internal(k.to_string()),
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::MustChangePassword => Self::MustChangePassword,
            Refusal::Forbidden(d) => d.into(),
        }
    }
}

/// Serde's English explanation of a bad field, said in Chinese.
pub fn serde_message(text: &str) -> String {
    let detail = text.rsplit(": ").next().unwrap_or(text);
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_owned).unwrap_or_default();
    let field = text.split(": ").nth(1).filter(|f| !f.contains(' ')).map(|f| format!("字段 {f}：")).unwrap_or_default();
    if detail.starts_with("missing field") {
        format!("缺少必填字段 {}", quoted(detail))
    } else if detail.starts_with("unknown field") {
        format!("不认识的字段 {}（该字段不可修改或不存在）", quoted(detail))
    } else if detail.starts_with("unknown variant") {
        let allowed: Vec<String> =
            detail.split("expected").nth(1).unwrap_or("").split('`').skip(1).step_by(2).map(str::to_owned).collect();
        format!("{field}取值 {} 无效，应为：{}", quoted(detail), allowed.join("、"))
    } else if detail.starts_with("invalid type")
        || detail.starts_with("invalid value")
        || detail.starts_with("invalid digit")
    {
        format!("{field}类型或格式不正确")
    } else if detail.contains("number too large") || detail.contains("out of range") {
        format!("{field}数值超出范围")
    } else {
        format!("{field}格式不正确")
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => {
                Self::Malformed("请求须为 JSON（Content-Type: application/json）".to_owned())
            }
            JsonRejection::BytesRejection(_) => Self::TooLarge("请求内容过大（上限 1 MB）或无法读取".to_owned()),
            JsonRejection::JsonDataError(e) => {
                Self::Invalid(format!("请求字段有误：{}", serde_message(&e.body_text())))
            }
            _ => Self::Malformed("请求内容格式错误：不是有效的 JSON".to_owned()),
        }
    }
}

impl From<axum::extract::multipart::MultipartRejection> for ApiError {
    fn from(r: axum::extract::multipart::MultipartRejection) -> Self {
        let _ = r;
        Self::Malformed("请以 multipart/form-data 表单上传文件（字段名 file）".to_owned())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::Malformed(format!("查询参数错误：{}", serde_message(&r.body_text())))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        Self::Malformed(format!("路径参数错误：{}", serde_message(&r.body_text())))
    }
}

/// Runs blocking work (database, password hashing) off the async runtime.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::Internal(e.to_string()))?
}
