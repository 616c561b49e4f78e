//! 审计日志: the log's entries with filters (actor, agency, date range, action), newest first,
//! and the verification of the whole chain (administrators of every agency).

use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_app::audit::{self, AuditQuery};
use gongkai_app::auth::Right;
use gongkai_app::model::{Agency, AuditEntry, AuditVerification};
use gongkai_app::transfer;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::pages::form::{self, FieldErrors};
use crate::pages::{Chrome, url_encode};
use crate::session::{CsrfForm, Staff};

/// Entries per page.
pub const PAGE_SIZE: usize = 100;

/// The filters as the form sends them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditFilters {
    pub actor: String,
    pub agency: String,
    pub from: String,
    pub to: String,
    pub action: String,
    pub page: String,
}

impl AuditFilters {
    fn link(&self, page: usize) -> String {
        let fields = [
            ("actor", &self.actor),
            ("agency", &self.agency),
            ("from", &self.from),
            ("to", &self.to),
            ("action", &self.action),
        ];
        let mut s: Vec<String> =
            fields.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
        s.push(format!("page={page}"));
        format!("/audit?{}", s.join("&"))
    }
}

/// A row as shown.
#[derive(Debug)]
pub struct Row {
    pub e: AuditEntry,
    pub agency: String,
    pub day: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    chrome: &'a Chrome,
    f: &'a AuditFilters,
    errors: &'a FieldErrors,
    agencies: &'a [Agency],
    rows: &'a [Row],
    prev: Option<String>,
    next: Option<String>,
    can_verify: bool,
    verification: Option<&'a AuditVerification>,
}

async fn render(
    staff: &Staff,
    status: StatusCode,
    f: &AuditFilters,
    verification: Option<&AuditVerification>,
) -> WebResult<Response> {
    let rec = &staff.rec;
    let agencies = rec.agencies_with(Right::ReadAudit).await?;
    let mut e = FieldErrors::default();
    let from = form::date(&mut e, "from", "起始日期", &f.from, false);
    let to = form::date(&mut e, "to", "截止日期", &f.to, false);
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        e.add("to", "截止日期早于起始日期");
    }
    let agency = match f.agency.trim() {
        "" => None,
        v => match agencies.iter().find(|a| a.id.to_string() == v) {
            Some(a) => Some(a.id),
            None => {
                e.add("agency", "请选择您可查看审计日志的机关");
                None
            }
        },
    };
    let page: usize = match f.page.trim() {
        "" => 1,
        v => match v.parse::<usize>() {
            Ok(p) if (1..=100_000).contains(&p) => p,
            _ => {
                e.add("page", format!("页码“{v}”无效"));
                1
            }
        },
    };
    let (rows, more) = if e.is_empty() {
        let q = AuditQuery {
            actor: Some(f.actor.clone()),
            agency,
            from,
            to,
            action: Some(f.action.clone()),
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        };
        let found = audit::search(rec, &q).await?;
        let names = rec.agency_names().await?;
        let rows = found
            .entries
            .into_iter()
            .map(|e| Row {
                agency: e.agency.and_then(|a| names.iter().find(|(id, _)| *id == a)).map(|(_, n)| n.clone()).unwrap_or_default(),
                day: audit::beijing_day(&e.at).map(|d| d.to_string()).unwrap_or_default(),
                e,
            })
            .collect();
        (rows, found.more)
    } else {
        (Vec::new(), false)
    };
    let status = if e.is_empty() { status } else { StatusCode::UNPROCESSABLE_ENTITY };
    let can_verify = !rec.agencies_with(Right::Administer).await?.is_empty();
    let chrome = Chrome::new(staff, "/audit", "审计日志").await?;
    let body = AuditPage {
        chrome: &chrome,
        f,
        errors: &e,
        agencies: &agencies,
        rows: &rows,
        prev: (page > 1).then(|| f.link(page - 1)),
        next: more.then(|| f.link(page + 1)),
        can_verify,
        verification,
    }
    .render()?;
    Ok((status, Html(body)).into_response())
}

/// `GET /audit?actor=&agency=&from=&to=&action=&page=`.
pub async fn page(staff: Staff, Query(f): Query<AuditFilters>) -> WebResult<Response> {
    render(&staff, StatusCode::OK, &f, None).await
}

/// `POST /audit/verify`: checks the whole chain (and the anchor) and shows the result above the
/// log.
pub async fn verify(staff: Staff, Form(f): Form<CsrfForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let v = transfer::verify(&staff.rec, &transfer::AuditCheck::default()).await.map_err(WebError::from)?;
    render(&staff, StatusCode::OK, &AuditFilters::default(), Some(&v)).await
}
