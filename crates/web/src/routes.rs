//! Every route of the console in one registry. The router is built from it, and the
//! authorization table test (`tests/web/authz.rs`) walks it: a route cannot exist without saying
//! who may call it, and a new route is in the table the moment it is registered.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use gongkai_app::auth::Right;

use crate::AppState;
use crate::pages::{
    account, admin, audit, case_actions, cases, checker, dashboard, intake, letters, registers, reports, supervision,
};
use crate::{assets, security, session};

/// Which agency's rights a route is judged by (for the authorization table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The agencies the user works at or supervises (a list, a desk): every logged-in user may
    /// open it and sees only what they may read.
    Own,
    /// The case in the path (`{id}`).
    Case,
    /// The agency in the path (`{agency}`).
    Agency,
    /// The letter in the path (`{letter}`): judged at the letter's agency.
    Letter,
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the login form, health, static files).
    Public,
    /// A logged-in user holding `Right` at the scope's agency (`Right::Read` for pages everyone
    /// with a role may see).
    Staff(Right, Scope),
}

/// One route.
#[derive(Debug)]
pub struct RouteSpec {
    /// The method.
    pub method: Method,
    /// The path, in axum's syntax.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// An upload (a larger body limit).
    pub upload: bool,
    handler: MethodRouter<AppState>,
}

fn r(method: Method, path: &'static str, access: Access, handler: MethodRouter<AppState>) -> RouteSpec {
    RouteSpec { method, path, access, upload: false, handler }
}

/// The same route, taking uploads (the larger body limit).
fn upload(spec: RouteSpec) -> RouteSpec {
    RouteSpec { upload: true, ..spec }
}

/// The registry.
pub fn routes() -> Vec<RouteSpec> {
    use Access::*;
    use Scope::*;
    vec![
        r(Method::GET, "/healthz", Public, get(session::healthz)),
        r(Method::GET, "/login", Public, get(session::login_page)),
        r(Method::POST, "/login", Public, post(session::login)),
        r(Method::GET, "/static/{name}", Public, get(assets::asset)),
        r(Method::POST, "/logout", Staff(Right::Read, Own), post(session::logout)),
        r(Method::GET, "/", Staff(Right::Read, Own), get(dashboard::page)),
        r(Method::GET, "/cases", Staff(Right::Read, Own), get(cases::list)),
        r(Method::GET, "/cases/{id}", Staff(Right::Read, Case), get(cases::show)),
        // 登记 (helper B: intake, 回执, 台账 export and import).
        r(Method::GET, "/intake", Staff(Right::Register, Own), get(intake::page)),
        r(Method::POST, "/intake", Staff(Right::Register, Own), post(intake::submit)),
        r(Method::GET, "/receipts/{id}", Staff(Right::Read, Case), get(intake::receipt)),
        r(Method::GET, "/intake/ledger", Staff(Right::Register, Own), get(intake::ledger_form)),
        upload(r(Method::POST, "/intake/ledger", Staff(Right::Register, Own), post(intake::ledger_upload))),
        r(Method::GET, "/cases/export", Staff(Right::Read, Own), get(cases::export)),
        r(Method::POST, "/cases/{id}/assign", Staff(Right::Assign, Case), post(case_actions::assign)),
        r(Method::POST, "/cases/{id}/correction", Staff(Right::Handle, Case), post(case_actions::correction)),
        r(Method::POST, "/cases/{id}/consultation", Staff(Right::Handle, Case), post(case_actions::consultation)),
        r(Method::POST, "/cases/{id}/fee", Staff(Right::Handle, Case), post(case_actions::fee)),
        r(Method::POST, "/cases/{id}/events", Staff(Right::Handle, Case), post(case_actions::event)),
        r(Method::POST, "/cases/{id}/extension", Staff(Right::Handle, Case), post(case_actions::extension)),
        r(Method::POST, "/cases/{id}/extension/decide", Staff(Right::ApproveExtension, Case), post(case_actions::decide)),
        r(Method::GET, "/cases/{id}/reply", Staff(Right::Handle, Case), get(case_actions::reply_start)),
        r(Method::POST, "/cases/{id}/reply", Staff(Right::Handle, Case), post(case_actions::reply_step)),
        r(Method::GET, "/letters/{letter}", Staff(Right::Read, Letter), get(letters::show)),
        r(Method::GET, "/letters/{letter}/docx", Staff(Right::Read, Letter), get(letters::docx)),
        r(Method::GET, "/agencies/{agency}/letters", Staff(Right::Administer, Agency), get(letters::templates)),
        r(Method::GET, "/agencies/{agency}/letters/{kind}", Staff(Right::Administer, Agency), get(letters::template)),
        r(Method::POST, "/agencies/{agency}/letters/{kind}", Staff(Right::Administer, Agency), post(letters::save_template)),
        r(Method::GET, "/registers", Staff(Right::Read, Own), get(registers::index)),
        r(Method::GET, "/registers/{agency}", Staff(Right::Read, Agency), get(registers::page)),
        r(Method::POST, "/registers/{agency}/appeals", Staff(Right::EditRegister, Agency), post(registers::add_appeal)),
        r(Method::POST, "/registers/{agency}/appeals/close", Staff(Right::EditRegister, Agency), post(registers::close_appeal)),
        r(Method::POST, "/registers/{agency}/appeals/correct", Staff(Right::Correct, Agency), post(registers::correct_appeal)),
        r(Method::POST, "/registers/{agency}/documents", Staff(Right::EditRegister, Agency), post(registers::add_document)),
        r(Method::POST, "/registers/{agency}/documents/repeal", Staff(Right::EditRegister, Agency), post(registers::repeal_document)),
        r(Method::POST, "/registers/{agency}/documents/correct", Staff(Right::Correct, Agency), post(registers::correct_document)),
        r(Method::POST, "/registers/{agency}/counts", Staff(Right::EditRegister, Agency), post(registers::set_counts)),
        r(Method::GET, "/admin", Staff(Right::Administer, Own), get(admin::page)),
        r(Method::POST, "/admin/users", Staff(Right::Administer, Own), post(admin::create_user)),
        r(Method::POST, "/admin/users/disable", Staff(Right::Administer, Own), post(admin::disable_user)),
        r(Method::POST, "/admin/users/roles", Staff(Right::Administer, Own), post(admin::change_role)),
        r(Method::POST, "/admin/users/password", Staff(Right::Administer, Own), post(admin::reset_password)),
        r(Method::POST, "/admin/agencies", Staff(Right::Administer, Own), post(admin::create_agency)),
        r(Method::GET, "/admin/agencies/{agency}", Staff(Right::Administer, Agency), get(admin::settings)),
        r(Method::POST, "/admin/agencies/{agency}", Staff(Right::Administer, Agency), post(admin::save_settings)),
        r(Method::GET, "/password", Staff(Right::Read, Own), get(account::page)),
        r(Method::POST, "/password", Staff(Right::Read, Own), post(account::change)),
        r(Method::GET, "/audit", Staff(Right::ReadAudit, Own), get(audit::page)),
        r(Method::POST, "/audit/verify", Staff(Right::Administer, Own), post(audit::verify)),
        r(Method::GET, "/reports", Staff(Right::Read, Own), get(reports::list)),
        r(Method::GET, "/reports/{agency}/{year}", Staff(Right::Read, Agency), get(reports::show)),
        r(Method::POST, "/reports/{agency}/{year}/generate", Staff(Right::EditReport, Agency), post(reports::generate)),
        r(Method::POST, "/reports/{agency}/{year}/draft", Staff(Right::EditReport, Agency), post(reports::draft)),
        r(Method::POST, "/reports/{agency}/{year}/lock", Staff(Right::LockReport, Agency), post(reports::lock)),
        r(Method::POST, "/reports/{agency}/{year}/publish", Staff(Right::PublishReport, Agency), post(reports::publish)),
        r(Method::POST, "/reports/{agency}/{year}/correct", Staff(Right::Correct, Agency), post(reports::correct)),
        r(Method::GET, "/reports/{agency}/{year}/drill", Staff(Right::Read, Agency), get(reports::drill)),
        r(Method::GET, "/reports/{agency}/{year}/download/{format}", Staff(Right::Read, Agency), get(reports::download)),
        r(Method::GET, "/checker", Staff(Right::Read, Own), get(checker::form)),
        upload(r(Method::POST, "/checker", Staff(Right::Read, Own), post(checker::upload))),
        r(Method::GET, "/supervision", Staff(Right::Supervise, Own), get(supervision::current)),
        r(Method::GET, "/supervision/{year}", Staff(Right::Supervise, Own), get(supervision::page)),
        r(Method::GET, "/supervision/{year}/download/{format}", Staff(Right::Supervise, Own), get(supervision::download)),
    ]
}

/// The paths of the GET routes (for the navigation).
fn pages() -> &'static [&'static str] {
    static PAGES: OnceLock<Vec<&'static str>> = OnceLock::new();
    PAGES.get_or_init(|| routes().into_iter().filter(|r| r.method == Method::GET).map(|r| r.path).collect())
}

/// Whether a page exists at `path`.
pub fn has_page(path: &str) -> bool {
    pages().contains(&path)
}

/// The router: every route of the registry, the security headers on every response, the body
/// limits (uploads larger than forms).
pub fn router(state: AppState) -> Router {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for spec in routes() {
        let limit = if spec.upload { security::UPLOAD_LIMIT } else { security::FORM_LIMIT };
        let (access, takes_upload) = (spec.access, spec.upload);
        let check = axum::middleware::from_fn_with_state(state.clone(), move |s, req, next| {
            crate::guard::guard(s, access, takes_upload, req, next)
        });
        let handler = spec.handler.layer::<_, std::convert::Infallible>(check).layer(DefaultBodyLimit::max(limit));
        match by_path.iter_mut().find(|(p, _)| *p == spec.path) {
            Some((_, existing)) => {
                let merged = std::mem::take(existing).merge(handler);
                *existing = merged;
            }
            None => by_path.push((spec.path, handler)),
        }
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    router
        .fallback(|| async { crate::error::WebError::NoSuchPage })
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}
