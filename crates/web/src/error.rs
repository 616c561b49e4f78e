//! The one error type of the web layer. App errors keep their kind and become a status and a
//! Chinese page; nothing of the cause's internals (no stack trace, no SQL) reaches the browser.
//! A request without a valid session is sent to the login page (or answered 401 when it was not
//! a page view).

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai_app::error::{AppError, ErrorKind};

/// What went wrong with a request.
#[derive(Debug)]
pub enum WebError {
    /// A use case refused or failed.
    App(AppError),
    /// No valid session: log in, then come back to `next`.
    Login {
        /// Where to return after logging in.
        next: String,
    },
    /// The form did not carry the session's CSRF token.
    Csrf,
    /// A page that does not exist.
    NoSuchPage,
    /// The request itself is malformed (a query or form field the page cannot read).
    BadRequest(String),
    /// The request is over its size limit (413).
    TooLarge(String),
    /// A form posted in a way the route does not read (a file upload where none is taken): 415.
    NotAForm,
    /// A template failed to render (a bug).
    Render,
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        WebError::App(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(_: askama::Error) -> WebError {
        WebError::Render
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// The status and title of an app error's kind.
pub fn status_of(kind: ErrorKind) -> (StatusCode, &'static str) {
    match kind {
        ErrorKind::Unauthenticated => (StatusCode::UNAUTHORIZED, "需要登录"),
        ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "无权操作"),
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, "未找到"),
        ErrorKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "无法办理"),
        ErrorKind::Conflict => (StatusCode::CONFLICT, "记录已变化"),
        ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "暂时无法办理"),
        ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "系统错误"),
    }
}

/// A Chinese error page.
pub fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = ErrorPage { status: status.as_u16(), title, message }
        .render()
        .unwrap_or_else(|_| format!("{} {title}：{message}", status.as_u16()));
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    r
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::App(e) => {
                let (status, title) = status_of(e.kind());
                if e.kind() == ErrorKind::Internal {
                    // The cause goes to the server's log, not to the browser.
                    eprintln!("内部错误：{}", e.message());
                    return page(status, title, "系统出现错误，已记录。请稍后再试，或联系系统管理员。");
                }
                page(status, title, e.message())
            }
            WebError::Login { next } => {
                let to = format!("/login?next={}", crate::pages::url_encode(&next));
                let mut r = StatusCode::SEE_OTHER.into_response();
                if let Ok(v) = HeaderValue::from_str(&to) {
                    r.headers_mut().insert(header::LOCATION, v);
                }
                r
            }
            WebError::Csrf => page(
                StatusCode::FORBIDDEN,
                "表单已失效",
                "表单已过期或不是从本系统的页面提交的（CSRF 校验未通过）。请返回，刷新页面后重新提交。",
            ),
            WebError::NoSuchPage => page(StatusCode::NOT_FOUND, "未找到", "没有这个页面。"),
            WebError::BadRequest(m) => page(StatusCode::UNPROCESSABLE_ENTITY, "请求有误", &m),
            WebError::TooLarge(m) => page(StatusCode::PAYLOAD_TOO_LARGE, "内容过大", &m),
            WebError::NotAForm => page(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "无法读取表单",
                "这个页面只接受普通的表单提交，不接受文件上传。请返回，从系统的页面重新提交。",
            ),
            WebError::Render => {
                eprintln!("内部错误：页面模板无法生成");
                page(StatusCode::INTERNAL_SERVER_ERROR, "系统错误", "页面无法生成，已记录。请稍后再试。")
            }
        }
    }
}

/// Result of a handler.
pub type WebResult<T> = Result<T, WebError>;
