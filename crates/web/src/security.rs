//! Headers on every response, and the size limits of requests.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The largest ordinary request (a form) in bytes.
pub const FORM_LIMIT: usize = 256 * 1024;
/// The largest upload (a report to check, a ledger) in bytes.
pub const UPLOAD_LIMIT: usize = 32 * 1024 * 1024;

/// Content security policy: everything from this server only, no inline script or style, no
/// framing, forms post back here.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers (and `no-store` for pages: they hold personal data).
pub async fn headers(req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(h, HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    if !is_static {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}
