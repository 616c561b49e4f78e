//! 工作台.

use askama::Template;
use axum::response::Html;
use gongkai_app::dashboard::{self, Dashboard};

use crate::error::WebResult;
use crate::pages::Chrome;
use crate::session::Staff;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    chrome: &'a Chrome,
    d: &'a Dashboard,
    soon_days: u32,
}

/// `GET /`.
pub async fn page(staff: Staff) -> WebResult<Html<String>> {
    let d = dashboard::dashboard(&staff.rec).await?;
    let chrome = Chrome::new(&staff, "/", "工作台").await?;
    Ok(Html(DashboardPage { chrome: &chrome, d: &d, soon_days: dashboard::DUE_SOON_WORKING_DAYS }.render()?))
}
