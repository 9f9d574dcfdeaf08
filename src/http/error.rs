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
            SetupError::Certificate(c) => Self::Internal(c),
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

/// Adds to the OpenAPI document the error answers that the shared layers give around every
/// handler, where the handler's own annotation does not list them: 400 (a body or query that
/// cannot be parsed), 401, 403 and 503 (the session extractor, CSRF and the role table, on every
/// route of `domain::permission::ROUTES`), 413 (body limits), 422 (rules), and 404 / 409 where an
/// object is named (a path id, or a body of a state change behind a session). Every answer also gets a description (OpenAPI requires
/// one). A client generated from the document thus knows every status it can meet.
pub fn document_common_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error = |description: &str| {
        let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
        RefOr::T(ResponseBuilder::new().description(description).content("application/json", body).build())
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            ("GET", &mut item.get),
            ("POST", &mut item.post),
            ("PUT", &mut item.put),
            ("PATCH", &mut item.patch),
            ("DELETE", &mut item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let session = crate::domain::permission::ROUTES.iter().any(|(m, p, _)| *m == method && p == path);
            let names_an_object = path.contains('{') || (session && method != "GET");
            let mut common = vec![("400", "请求无法解析（不是 JSON、缺少请求体或查询参数格式有误）")];
            if session {
                common.push(("401", "未登录或会话已过期，请重新登录"));
                common.push(("403", "当前角色无权执行此操作、缺少或错误的 X-CSRF-Token，或须先修改初始密码"));
                common.push(("503", "本节点尚未初始化"));
            }
            if names_an_object {
                common.push(("404", "所指的对象不存在或不可见"));
                common.push(("409", "对象当前的状态不允许此操作"));
            }
            if method != "GET" && method != "DELETE" {
                common.push(("413", "请求体或上传的文件过大"));
            }
            common.push(("422", "输入不符合业务规则（字段类型、取值或状态条件）"));
            let responses = &mut operation.responses.responses;
            for (status, description) in common {
                responses.entry(status.to_owned()).or_insert_with(|| error(description));
            }
            for (status, response) in responses.iter_mut() {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    response.description = describe(status).to_owned();
                }
            }
        }
    }
}

fn describe(status: &str) -> &'static str {
    match status {
        "200" => "成功",
        "201" => "已创建",
        "204" => "已完成，无返回内容",
        "400" => "请求无法解析",
        "401" => "未登录或会话已过期",
        "403" => "无权执行此操作",
        "404" => "对象不存在或不可见",
        "405" => "不支持此方法",
        "409" => "对象当前的状态不允许此操作",
        "413" => "上传的内容过大",
        "422" => "输入不符合业务规则",
        "429" => "尝试过于频繁，请稍后再试",
        "503" => "节点尚未初始化",
        _ => "见错误信息",
    }
}
