//! The console's pages, one module per area. Every page is rendered inside the layout
//! (`templates/base.html`) with a [`Chrome`]: who is logged in, the navigation they may use, and
//! the CSRF token for the forms on the page.

pub mod account;
pub mod admin;
pub mod audit;
pub mod case_actions;
pub mod cases;
pub mod checker;
pub mod dashboard;
pub mod form;
pub mod intake;
pub mod letters;
pub mod registers;
pub mod report_view;
pub mod reports;
pub mod supervision;

use gongkai_app::auth::Right;
use gongkai_app::model::CaseState;

use crate::error::WebResult;
use crate::session::Staff;

/// An entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// Its name.
    pub label: &'static str,
    /// Whether it is the current area.
    pub active: bool,
}

/// What the layout shows around every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The page's title.
    pub title: String,
    /// The user's display name.
    pub user: String,
    /// The user's login.
    pub login: String,
    /// The CSRF token for forms.
    pub csrf: String,
    /// The navigation.
    pub nav: Vec<NavItem>,
}

/// The areas of the console, with the right that shows each in the navigation (the pages check
/// again in the app layer; hiding a link protects nothing).
const AREAS: &[(&str, &str, Option<Right>)] = &[
    ("/", "工作台", None),
    ("/cases", "依申请公开", None),
    ("/intake", "登记", Some(Right::Register)),
    ("/reports", "年度报告", None),
    ("/checker", "报告检查", None),
    ("/supervision", "县级督查", Some(Right::Supervise)),
    ("/registers", "登记簿", None),
    ("/admin", "系统管理", Some(Right::Administer)),
    ("/audit", "审计日志", Some(Right::ReadAudit)),
];

impl Chrome {
    /// The chrome of a page in `area` (its path) titled `title`.
    pub async fn new(staff: &Staff, area: &str, title: impl Into<String>) -> WebResult<Chrome> {
        let mut nav = Vec::new();
        for (href, label, right) in AREAS {
            if !shown(href) {
                continue;
            }
            let allowed = match right {
                None => true,
                Some(r) => !staff.rec.agencies_with(*r).await?.is_empty(),
            };
            if allowed {
                nav.push(NavItem { href, label, active: *href == area });
            }
        }
        let account = staff.rec.principal().user_account();
        Ok(Chrome {
            title: title.into(),
            user: account.map_or_else(|| "本机操作员".to_string(), |u| u.name.clone()),
            login: account.map_or_else(String::new, |u| u.login.clone()),
            csrf: staff.csrf.clone(),
            nav,
        })
    }
}

/// The areas that exist in this build (the navigation never links to a page that is missing).
fn shown(href: &str) -> bool {
    crate::routes::has_page(href)
}

/// Percent-encodes a string for a URL's query.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The Chinese name of a case state as the lists show it.
pub fn state_label(state: CaseState) -> &'static str {
    state.label()
}
