//! The check every route passes before its handler runs: a session (else the login page), the
//! route's right at the agency its path names (a case, an agency) — "not found" when the user may
//! not even see it, 403 when they may see but not do — and, for every state-changing form, the
//! session's CSRF token. The handlers' use cases check again in the app layer; this layer makes a
//! route that forgot to impossible, and answers before any form field is read.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongkai_app::auth::Right;
use gongkai_app::cases;
use gongkai_app::error::AppError;
use gongkai_app::model::{AgencyId, ApplicationId};

use crate::AppState;
use crate::error::WebError;
use crate::routes::{Access, Scope};
use crate::security::FORM_LIMIT;
use crate::session::Staff;

/// Runs the route's check, then the handler. A route that takes no upload reads only an
/// ordinary form: a multipart body there (or any other body at the login) is answered with a
/// Chinese page, not the extractor's English rejection.
pub async fn guard(State(state): State<AppState>, access: Access, upload: bool, req: Request, next: Next) -> Response {
    if req.method() == Method::POST
        && !upload
        && !is_urlencoded(req.headers())
        && (is_multipart(req.headers()) || access == Access::Public)
    {
        return WebError::NotAForm.into_response();
    }
    match check(&state, access, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

fn param(params: &RawPathParams, name: &str) -> Option<i64> {
    params.iter().find(|(k, _)| *k == name).and_then(|(_, v)| v.parse().ok())
}

async fn check(state: &AppState, access: Access, req: Request) -> Result<Request, WebError> {
    let Access::Staff(right, scope) = access else { return Ok(req) };
    let (mut parts, body) = req.into_parts();
    let staff = Staff::from_request_parts(&mut parts, state).await?;
    let params = RawPathParams::from_request_parts(&mut parts, state).await.map_err(|_| WebError::NoSuchPage)?;
    let rec = &staff.rec;
    match scope {
        Scope::Own => {
            if right != Right::Read && rec.agencies_with(right).await?.is_empty() {
                return Err(AppError::forbidden(format!(
                    "{}无权{}（需要{}角色）",
                    rec.principal().name(),
                    right.label(),
                    gongkai_app::auth::roles_with(right)
                ))
                .into());
            }
        }
        Scope::Case => {
            let id = param(&params, "id").ok_or(WebError::NoSuchPage)?;
            let app = cases::get(rec, ApplicationId(id)).await?;
            let agency = rec.agency_by_id(app.agency).await?;
            require(rec, right, &agency).await?;
        }
        Scope::Letter => {
            let id = param(&params, "letter").ok_or(WebError::NoSuchPage)?;
            let letter = gongkai_app::letters::get(rec, id).await?;
            let agency = rec.agency_by_id(letter.agency).await?;
            require(rec, right, &agency).await?;
        }
        Scope::Agency => {
            let id = param(&params, "agency").ok_or(WebError::NoSuchPage)?;
            let agency = rec.agency_by_id(AgencyId(id)).await?;
            require(rec, right, &agency).await?;
        }
    }
    // A form that changes something carries the session's CSRF token.
    let body = if parts.method == Method::POST && is_urlencoded(&parts.headers) {
        let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| {
            WebError::TooLarge(format!("表单过大：一次提交不能超过 {} KB。请缩短填写的内容后重新提交。", FORM_LIMIT / 1024))
        })?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let token = fields.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v.as_str());
        staff.check(token)?;
        Body::from(bytes)
    } else if parts.method == Method::POST && !is_multipart(&parts.headers) {
        // Only forms are accepted: anything else could not carry the token.
        return Err(WebError::Csrf);
    } else {
        // Multipart uploads: the handler checks the token (the first field) before reading on.
        body
    };
    parts.extensions.insert(staff);
    Ok(Request::from_parts(parts, body))
}

async fn require(rec: &gongkai_app::records::Records, right: Right, agency: &gongkai_app::model::Agency) -> Result<(), WebError> {
    if !rec.can(Right::Read, agency).await? {
        return Err(AppError::not_found(format!("未找到机关“{}”（或无权查看）", agency.id)).into());
    }
    if !rec.can(right, agency).await? {
        return Err(AppError::forbidden(format!(
            "{}无权在“{}”{}（需要该机关的{}角色）",
            rec.principal().name(),
            agency.name,
            right.label(),
            gongkai_app::auth::roles_with(right)
        ))
        .into());
    }
    Ok(())
}

fn content_type(h: &axum::http::HeaderMap) -> &str {
    h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn is_urlencoded(h: &axum::http::HeaderMap) -> bool {
    content_type(h).starts_with("application/x-www-form-urlencoded")
}

fn is_multipart(h: &axum::http::HeaderMap) -> bool {
    content_type(h).starts_with("multipart/form-data")
}
