//! gongkai-web: the staff console — server-rendered pages (askama templates, checked at compile
//! time) over the app layer's use cases. Handlers are thin: they parse the request into typed
//! input, call one use case as the authenticated principal, and render. They hold no rule and no
//! SQL; the manifest does not even list the store.
//!
//! - [`routes`]: every route in one registry (method, path, who may call it), from which the
//!   router is built and the authorization table test is generated.
//! - [`session`]: the session cookie, the CSRF token of every form, login and logout.
//! - [`error`]: app errors by kind → 401/403/404/409/422/503/500 with a Chinese page.
//! - [`security`]: headers on every response (CSP without inline script, frame denial, no-sniff,
//!   referrer policy) and request size limits.
//! - [`pages`]: one module per area of the console.

pub mod assets;
pub mod error;
pub mod guard;
pub mod pages;
pub mod routes;
pub mod security;
pub mod session;

use std::net::SocketAddr;

use gongkai_app::office::Office;

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (behind TLS).
    pub secure_cookies: bool,
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The open database.
    pub office: Office,
    /// Server settings.
    pub config: WebConfig,
}

/// The whole application: every route of the registry, the security headers, the size limits.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves on `addr` until Ctrl-C. Prints the address once listening.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    eprintln!("gongkai 已启动：http://{local}/  （Ctrl-C 停止）");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
