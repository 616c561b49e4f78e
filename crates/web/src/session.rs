//! The session: a cookie `gongkai_session` (HttpOnly, SameSite=Lax, `Secure` behind TLS) holding a
//! random token; [`Staff`] resumes it on every request into the app's records for that user. Every
//! state-changing form carries the session's CSRF token ([`Staff::check`]).

use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use gongkai_app::records::Records;
use gongkai_app::session::MAX_HOURS;
use gongkai_app::token;
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, WebResult};

/// The cookie's name.
pub const COOKIE: &str = "gongkai_session";

/// The session token of a request, if it carries one.
pub fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// A logged-in member of staff: the records as them, and their session's CSRF token.
#[derive(Debug, Clone)]
pub struct Staff {
    /// The records as this user.
    pub rec: Records,
    /// The CSRF token their forms carry.
    pub csrf: String,
    token: String,
}

impl Staff {
    /// Refuses a form whose CSRF token is not the session's.
    pub fn check(&self, form_csrf: &str) -> WebResult<()> {
        if token::same(form_csrf, &self.csrf) { Ok(()) } else { Err(WebError::Csrf) }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, WebError> {
        // Resumed once per request: the route's guard leaves it for the handler.
        if let Some(s) = parts.extensions.get::<Staff>() {
            return Ok(s.clone());
        }
        let next = parts.uri.path_and_query().map_or("/".to_string(), |p| p.as_str().to_string());
        let login = || WebError::Login { next: next.clone() };
        let Some(token) = token_of(&parts.headers) else { return Err(login()) };
        match state.office.resume_session(&token).await {
            Ok(r) => Ok(Staff { rec: r.records, csrf: r.csrf, token }),
            Err(e) if e.kind() == gongkai_app::error::ErrorKind::Unauthenticated => Err(login()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Only a path on this site is a place to return to after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    next: &'a str,
    login: &'a str,
    error: &'a str,
}

/// The login form's query.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_page(Query(q): Query<LoginQuery>) -> WebResult<Html<String>> {
    let next = safe_next(q.next.as_deref());
    Ok(Html(LoginPage { next: &next, login: "", error: "" }.render()?))
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub(crate) fn cookie(state: &AppState, value: &str, max_age: i64) -> WebResult<HeaderValue> {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"))
        .map_err(|_| WebError::Render)
}

/// `POST /login`: a wrong password answers with the form again (401), the login kept, the
/// password not.
pub async fn login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> WebResult<Response> {
    let next = safe_next(f.next.as_deref());
    match state.office.start_session(&f.login, &f.password).await {
        Ok((_, s)) => {
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut().insert(header::SET_COOKIE, cookie(&state, &s.token, MAX_HOURS * 3600)?);
            Ok(r)
        }
        Err(e) if e.kind() == gongkai_app::error::ErrorKind::Unauthenticated => {
            let body = LoginPage { next: &next, login: f.login.trim(), error: e.message() }.render()?;
            Ok((StatusCode::UNAUTHORIZED, Html(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A form that only carries its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF token.
    pub csrf: String,
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, staff: Staff, Form(f): Form<CsrfForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    state.office.end_session(&staff.rec, &staff.token).await?;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(header::SET_COOKIE, cookie(&state, "", 0)?);
    Ok(r)
}

/// `GET /healthz`: 200 `ok` once the database answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.office.agency_count().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "数据库不可用").into_response(),
    }
}
