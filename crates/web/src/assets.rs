//! Static files, embedded in the binary (no CDN, no network).

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

/// Every asset: name, content type, bytes.
pub const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../static/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../static/app.js")),
];

/// `GET /static/{name}`.
pub async fn asset(Path(name): Path<String>) -> Result<Response, WebError> {
    let Some((_, kind, bytes)) = ASSETS.iter().find(|(n, _, _)| *n == name) else {
        return Err(WebError::NoSuchPage);
    };
    let mut r = bytes.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    Ok(r)
}
