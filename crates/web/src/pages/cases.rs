//! 依申请公开: the case list (filters, sort, pagination) and the case page with its clock card.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use gongkai_app::ledger::{self, LedgerFormat};
use gongkai_app::cases::{self, CaseQuery};
use gongkai_app::model::{ApplicantKind, ApplicationId, CaseState, CaseSummary, Outcome};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::pages::{Chrome, url_encode};
use crate::session::Staff;

/// Cases per page.
pub const PAGE_SIZE: u32 = 50;

/// The list's filters, as the form sends them (empty fields mean "any").
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
    /// Export only: `csv` or `xlsx`.
    #[serde(default)]
    pub format: String,
}

impl ListQuery {
    /// The app's query, or the field that could not be read.
    pub fn to_query(&self) -> WebResult<CaseQuery> {
        let bad = |f: &str, v: &str| WebError::BadRequest(format!("筛选条件“{f}”的值“{v}”无效"));
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let mut q = CaseQuery {
            agency: opt(&self.agency),
            officer: opt(&self.officer),
            text: opt(&self.q),
            newest_first: self.sort != "oldest",
            by_due: self.sort == "due",
            limit: PAGE_SIZE,
            ..CaseQuery::default()
        };
        if !matches!(self.sort.as_str(), "" | "oldest" | "due") {
            return Err(bad("排序", &self.sort));
        }
        match self.state.as_str() {
            "" => {}
            "open" => q.state = Some(CaseState::Open),
            "paused" => q.state = Some(CaseState::Paused),
            "closed" => q.state = Some(CaseState::Closed),
            "unfinished" => q.open_only = true,
            v => return Err(bad("状态", v)),
        }
        match self.due.as_str() {
            "" => {}
            "overdue" => q.overdue = true,
            v => match v.parse::<u32>() {
                Ok(n) if n <= 60 => q.due_within_working_days = Some(n),
                _ => return Err(bad("期限", v)),
            },
        }
        if let Some(y) = opt(&self.year) {
            q.year = Some(y.parse().ok().filter(|y| (2008..=2100).contains(y)).ok_or_else(|| bad("年度", &y))?);
        }
        if let Some(o) = opt(&self.outcome) {
            q.outcome = Some(Outcome::from_code(&o).ok_or_else(|| bad("办理结果", &o))?);
        }
        if let Some(k) = opt(&self.kind) {
            q.applicant_kind = Some(ApplicantKind::from_code(&k).ok_or_else(|| bad("申请人类型", &k))?);
        }
        let page = opt(&self.page).map_or(Ok(1), |p| p.parse::<u32>().ok().filter(|p| (1..=100_000).contains(p)).ok_or_else(|| bad("页码", &p)))?;
        q.offset = (page - 1) * PAGE_SIZE;
        Ok(q)
    }

    /// The same filters as a query string, with another page.
    pub fn with_page(&self, page: u32) -> String {
        format!("?{}&page={page}", self.filters()).replace("?&", "?")
    }

    /// The same filters as the 台账 export's query string in `format`.
    pub fn export_link(&self, format: &str) -> String {
        format!("/cases/export?{}&format={format}", self.filters()).replace("?&", "?")
    }

    /// The filters as a query string (without `?`, without the page).
    fn filters(&self) -> String {
        let fields = [
            ("state", &self.state),
            ("due", &self.due),
            ("agency", &self.agency),
            ("year", &self.year),
            ("outcome", &self.outcome),
            ("kind", &self.kind),
            ("officer", &self.officer),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        let s: Vec<String> =
            fields.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
        s.join("&")
    }
}

/// A row of the list as shown.
#[derive(Debug)]
pub struct Row {
    pub c: CaseSummary,
    pub agency: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage<'a> {
    chrome: &'a Chrome,
    f: &'a ListQuery,
    rows: &'a [Row],
    total: i64,
    page: u32,
    pages: u32,
    prev: Option<String>,
    next: Option<String>,
    agencies: &'a [(String, String)],
    outcomes: &'a [(&'static str, &'static str)],
    kinds: &'a [(&'static str, &'static str)],
}

/// What the due column says.
pub fn due_text(c: &CaseSummary, today: chrono::NaiveDate) -> (String, bool) {
    if c.voided {
        return ("已作废".into(), false);
    }
    match (c.state, c.closed_on, c.due_on, c.pause_due_on) {
        (_, Some(d), _, _) => (format!("{d} 办结"), false),
        (CaseState::Open, None, Some(d), _) if d < today => (format!("{d}（已超期）"), true),
        (CaseState::Open, None, Some(d), _) => (d.to_string(), false),
        (CaseState::Paused, None, _, Some(p)) => (format!("暂停计时，至 {p}"), false),
        _ => ("暂停计时".into(), false),
    }
}

/// `GET /cases`.
pub async fn list(staff: Staff, Query(f): Query<ListQuery>) -> WebResult<Html<String>> {
    let q = f.to_query()?;
    let rec = &staff.rec;
    let found = cases::list(rec, &q).await?;
    let total = cases::count(rec, &q).await?;
    let names = rec.agency_names().await?;
    let today = rec.today();
    let rows: Vec<Row> = found
        .into_iter()
        .map(|c| {
            let (due, overdue) = due_text(&c, today);
            let agency = names.iter().find(|(id, _)| *id == c.agency).map(|(_, n)| n.clone()).unwrap_or_default();
            Row { c, agency, due, overdue }
        })
        .collect();
    let page = q.offset / PAGE_SIZE + 1;
    let pages = u32::try_from((total.max(1) + i64::from(PAGE_SIZE) - 1) / i64::from(PAGE_SIZE)).unwrap_or(1);
    let agencies: Vec<(String, String)> = names.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
    let outcomes: Vec<(&str, &str)> = Outcome::ALL.iter().map(|o| (o.code(), o.label())).collect();
    let kinds: Vec<(&str, &str)> = ApplicantKind::ALL.iter().map(|k| (k.code(), k.label())).collect();
    let chrome = Chrome::new(&staff, "/cases", "依申请公开").await?;
    let page_html = ListPage {
        chrome: &chrome,
        f: &f,
        rows: &rows,
        total,
        page,
        pages,
        prev: (page > 1).then(|| f.with_page(page - 1)),
        next: (page < pages).then(|| f.with_page(page + 1)),
        agencies: &agencies,
        outcomes: &outcomes,
        kinds: &kinds,
    };
    Ok(Html(page_html.render()?))
}

/// `GET /cases/export?<filters>&format=csv|xlsx`: the filtered list (every page) as the 台账,
/// the same columns as `gongkai case export`, as a download.
pub async fn export(staff: Staff, Query(f): Query<ListQuery>) -> WebResult<Response> {
    let format = match f.format.as_str() {
        "" | "csv" => LedgerFormat::Csv,
        "xlsx" => LedgerFormat::Xlsx,
        v => return Err(WebError::BadRequest(format!("导出格式“{v}”无效（应为 csv 或 xlsx）"))),
    };
    let q = f.to_query()?;
    let rows = ledger::rows_of_query(&staff.rec, &q).await?;
    let bytes = ledger::ledger_bytes(format, &rows).map_err(gongkai_app::error::AppError::from)?;
    let (ext, mime) = match format {
        LedgerFormat::Csv => ("csv", "text/csv; charset=utf-8"),
        LedgerFormat::Xlsx => ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    };
    let name = format!("台账-{}.{ext}", staff.rec.today());
    let disposition = format!("attachment; filename=\"ledger.{ext}\"; filename*=UTF-8''{}", url_encode(&name));
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// `GET /cases/{id}`: the case page (its actions are in [`crate::pages::case_actions`]).
pub async fn show(staff: Staff, Path(id): Path<String>) -> WebResult<Html<String>> {
    let id: i64 = id.parse().map_err(|_| WebError::NoSuchPage)?;
    let app = cases::get(&staff.rec, ApplicationId(id)).await?;
    Ok(Html(crate::pages::case_actions::page(&staff, &app, &Default::default()).await?))
}
