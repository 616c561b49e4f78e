//! 年度报告: the list of the reports one may read; one report's page — generated from the records,
//! the three tables with a drill-down link on every non-zero cell, the narrative sections edited
//! in the page (a stale save refused, the text kept), the checker's findings beside what they
//! concern, last year's comparison, lock, publish, correction with a reason — and its downloads.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use gongkai_app::annual::{self, DrillItem, Generated};
use gongkai_app::auth::Right;
use gongkai_app::error::ErrorKind;
use gongkai_app::model::{Agency, AgencyId, ReportStatus};
use gongkai_app::reports::{self, ReportRow};
use gongkai_report::compare::{Comparison, compare};
use gongkai_report::render::{OutputFormat, render};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::pages::report_view::{ReportView, SectionView, layout};
use crate::pages::{Chrome, url_encode};
use crate::session::{CsrfForm, Staff};

/// The sections' ids, in order.
pub const SECTIONS: [&str; 6] = ["s1", "s2", "s3", "s4", "s5", "s6"];

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage<'a> {
    chrome: &'a Chrome,
    rows: &'a [ReportRow],
}

/// `GET /reports`.
pub async fn list(staff: Staff) -> WebResult<Html<String>> {
    let rows = reports::overview(&staff.rec).await?;
    let chrome = Chrome::new(&staff, "/reports", "年度报告").await?;
    Ok(Html(ListPage { chrome: &chrome, rows: &rows }.render()?))
}

/// The agency and year of a report's path (a year out of range is no page).
async fn target(staff: &Staff, agency: &str, year: &str) -> WebResult<(Agency, i32)> {
    let id: i64 = agency.parse().map_err(|_| WebError::NoSuchPage)?;
    let year: i32 = year.parse().ok().filter(|y| (2019..=2100).contains(y)).ok_or(WebError::NoSuchPage)?;
    Ok((staff.rec.agency_by_id(AgencyId(id)).await?, year))
}

fn base(agency: &Agency, year: i32) -> String {
    format!("/reports/{}/{year}", agency.id.0)
}

/// A section as the page shows it: the laid-out section, the text in its editor, the problem.
struct PageSection {
    v: SectionView,
    edit: String,
    error: String,
}

/// One changed cell of last year's comparison.
struct ChangeRow {
    label: String,
    old: String,
    new: String,
    change: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    chrome: &'a Chrome,
    base: &'a str,
    agency: &'a Agency,
    year: i32,
    status: Option<ReportStatus>,
    locked_by: &'a str,
    deadline: String,
    version: &'a str,
    view: &'a ReportView,
    sections: &'a [PageSection],
    editable: bool,
    can_edit: bool,
    can_lock: bool,
    can_publish: bool,
    can_correct: bool,
    corrections: &'a [(String, String, String)],
    differences: &'a [(String, String, String, String)],
    notice: &'a str,
    conflict: &'a str,
    theirs: &'a [(String, String)],
    comparison: Option<&'a Comparison>,
    changes: &'a [ChangeRow],
    formats: &'a [(&'static str, &'static str)],
    reason: &'a str,
    reason_error: &'a str,
}

/// What a re-rendered form carries: the text the user sent, and what went wrong.
#[derive(Default)]
struct Resubmit {
    texts: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    conflict: String,
    reason: String,
    reason_error: String,
}

/// The download formats, with their names.
pub const FORMATS: [(&str, &str); 6] = [
    ("txt", "纯文本"),
    ("md", "Markdown"),
    ("html", "网页"),
    ("docx", "Word"),
    ("xlsx", "Excel"),
    ("json", "JSON"),
];

async fn render_page(
    staff: &Staff,
    agency: &Agency,
    year: i32,
    notice: &str,
    resubmit: Resubmit,
    status: StatusCode,
) -> WebResult<Response> {
    let rec = &staff.rec;
    let g: Generated = annual::generate(rec, agency, year, None, false).await?;
    let state = annual::status(rec, agency, year).await?;
    let version = annual::fingerprint(rec, agency, year).await?;
    let stored_status = state.stored.as_ref().map(|s| s.status);
    let base = base(agency, year);
    let drill = format!("{base}/drill");
    let view = layout(&g.report, &g.findings, Some(&drill));
    let editable = matches!(stored_status, None | Some(ReportStatus::Draft));
    let sections: Vec<PageSection> = view
        .sections
        .iter()
        .map(|v| PageSection {
            v: v.clone(),
            edit: resubmit.texts.iter().find(|(k, _)| *k == v.id).map_or_else(|| v.text.clone(), |(_, t)| t.clone()),
            error: resubmit.errors.iter().find(|(k, _)| *k == v.id).map(|(_, e)| e.clone()).unwrap_or_default(),
        })
        .collect();
    // On a conflict, the text someone else saved is shown beside the user's own.
    let theirs: Vec<(String, String)> = if resubmit.conflict.is_empty() {
        Vec::new()
    } else {
        view.sections.iter().map(|s| (s.heading.clone(), s.text.clone())).collect()
    };
    let comparison = if year > 2019 {
        match annual::generate(rec, agency, year - 1, None, false).await {
            Ok(prev) => Some(compare(&prev.report, &g.report)),
            Err(e) if e.kind() == ErrorKind::Invalid => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let changes: Vec<ChangeRow> = comparison
        .as_ref()
        .map(|c| {
            c.changed()
                .map(|x| ChangeRow {
                    label: format!("{} / {}", x.row_label, x.column_label),
                    old: x.old.as_ref().map_or_else(|| "—".into(), ToString::to_string),
                    new: x.new.as_ref().map_or_else(|| "—".into(), ToString::to_string),
                    change: match (x.change, x.percent) {
                        (Some(d), Some(p)) => format!("{d}（{p:+.0}%）"),
                        (Some(d), None) => d.to_string(),
                        _ => String::new(),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let corrections: Vec<(String, String, String)> = state
        .stored
        .as_ref()
        .map(|s| s.corrections.iter().map(|c| (c.at.format("%Y-%m-%d %H:%M").to_string(), c.by.clone(), c.reason.clone())).collect())
        .unwrap_or_default();
    let differences: Vec<(String, String, String, String)> = state
        .differences
        .iter()
        .map(|d| (d.label.clone(), d.stored.to_string(), d.current.to_string(), format!("{drill}?cell={}", d.cell)))
        .collect();
    let deadline = gongkai_app::dashboard::report_deadline(agency, year).map(|d| d.to_string()).unwrap_or_default();
    let chrome = Chrome::new(staff, "/reports", format!("{}{year}年政府信息公开工作年度报告", agency.name)).await?;
    let body = ReportPage {
        chrome: &chrome,
        base: &base,
        agency,
        year,
        status: stored_status,
        locked_by: state.stored.as_ref().map_or("", |s| s.locked_by.as_str()),
        deadline,
        version: &version,
        view: &view,
        sections: &sections,
        editable,
        can_edit: rec.can(Right::EditReport, agency).await?,
        can_lock: rec.can(Right::LockReport, agency).await?,
        can_publish: rec.can(Right::PublishReport, agency).await?,
        can_correct: rec.can(Right::Correct, agency).await?,
        corrections: &corrections,
        differences: &differences,
        notice,
        conflict: &resubmit.conflict,
        theirs: &theirs,
        comparison: comparison.as_ref(),
        changes: &changes,
        formats: &FORMATS,
        reason: &resubmit.reason,
        reason_error: &resubmit.reason_error,
    }
    .render()?;
    Ok((status, Html(body)).into_response())
}

/// What the page says after an action (`?done=`).
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
}

fn notice(done: &str) -> &'static str {
    match done {
        "generated" => "已根据登记记录重新生成表格并保存为草稿。",
        "saved" => "草稿已保存。",
        "locked" => "年度报告已锁定：此后的修改须作为更正并说明原因。",
        "published" => "年度报告已标记为已发布。",
        "corrected" => "更正已保存，原因已记入审计日志。",
        _ => "",
    }
}

/// `GET /reports/{agency}/{year}`.
pub async fn show(staff: Staff, Path((agency, year)): Path<(String, String)>, Query(q): Query<ShowQuery>) -> WebResult<Response> {
    let (agency, year) = target(&staff, &agency, &year).await?;
    render_page(&staff, &agency, year, notice(&q.done), Resubmit::default(), StatusCode::OK).await
}

fn done(agency: &Agency, year: i32, what: &str) -> Response {
    Redirect::to(&format!("{}?done={what}", base(agency, year))).into_response()
}

/// `POST /reports/{agency}/{year}/generate`: the tables from the records, saved as the draft.
pub async fn generate(staff: Staff, Path((agency, year)): Path<(String, String)>, Form(f): Form<CsrfForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let (agency, year) = target(&staff, &agency, &year).await?;
    annual::regenerate(&staff.rec, &agency, year).await?;
    Ok(done(&agency, year, "generated"))
}

/// The narrative form (and the correction form, which adds a reason).
#[derive(Debug, Default, Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    s1: Option<String>,
    #[serde(default)]
    s2: Option<String>,
    #[serde(default)]
    s3: Option<String>,
    #[serde(default)]
    s4: Option<String>,
    #[serde(default)]
    s5: Option<String>,
    #[serde(default)]
    s6: Option<String>,
}

impl DraftForm {
    /// The sections sent, with line endings as typed in a browser (CRLF) made `\n`.
    fn texts(&self) -> Vec<(String, String)> {
        [&self.s1, &self.s2, &self.s3, &self.s4, &self.s5, &self.s6]
            .iter()
            .zip(SECTIONS)
            .filter_map(|(t, id)| t.as_ref().map(|t| (id.to_string(), t.replace("\r\n", "\n").trim_end().to_string())))
            .collect()
    }

    fn problems(&self) -> Vec<(String, String)> {
        self.texts().into_iter().filter_map(|(id, t)| annual::section_problem(&t).map(|p| (id, p))).collect()
    }
}

/// `POST /reports/{agency}/{year}/draft`: saves the narrative. A field with a problem answers
/// with the form again (422); a save over a draft someone changed meanwhile answers 409 with the
/// user's text kept in the form and the other version beside it.
pub async fn draft(staff: Staff, Path((agency, year)): Path<(String, String)>, Form(f): Form<DraftForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let (agency, year) = target(&staff, &agency, &year).await?;
    let texts = f.texts();
    let errors = f.problems();
    if texts.is_empty() {
        let errors = vec![("s1".to_string(), "没有收到任何部分的内容".to_string())];
        return render_page(&staff, &agency, year, "", Resubmit { errors, ..Resubmit::default() }, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if !errors.is_empty() {
        let r = Resubmit { texts, errors, ..Resubmit::default() };
        return render_page(&staff, &agency, year, "", r, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match annual::save_narrative(&staff.rec, &agency, year, texts.clone(), &f.version).await {
        Ok(_) => Ok(done(&agency, year, "saved")),
        Err(e) if e.kind() == ErrorKind::Conflict => {
            let r = Resubmit { texts, conflict: e.message().to_string(), ..Resubmit::default() };
            render_page(&staff, &agency, year, "", r, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /reports/{agency}/{year}/lock`.
pub async fn lock(staff: Staff, Path((agency, year)): Path<(String, String)>, Form(f): Form<CsrfForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let (agency, year) = target(&staff, &agency, &year).await?;
    annual::lock(&staff.rec, &agency, year).await?;
    Ok(done(&agency, year, "locked"))
}

/// `POST /reports/{agency}/{year}/publish` (the locker may not: the app refuses it).
pub async fn publish(staff: Staff, Path((agency, year)): Path<(String, String)>, Form(f): Form<CsrfForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let (agency, year) = target(&staff, &agency, &year).await?;
    annual::publish(&staff.rec, &agency, year).await?;
    Ok(done(&agency, year, "published"))
}

/// `POST /reports/{agency}/{year}/correct`: a locked or published report corrected — the tables
/// from the records now, the narrative as edited — with a reason (required: the form again,
/// 422, without one).
pub async fn correct(staff: Staff, Path((agency, year)): Path<(String, String)>, Form(f): Form<DraftForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let (agency, year) = target(&staff, &agency, &year).await?;
    let texts = f.texts();
    let errors = f.problems();
    let reason = f.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 500 || !errors.is_empty() {
        let reason_error = if reason.is_empty() {
            "请填写更正原因".to_string()
        } else if reason.chars().count() > 500 {
            "更正原因过长（最多 500 个字）".to_string()
        } else {
            String::new()
        };
        let r = Resubmit { texts, errors, reason, reason_error, ..Resubmit::default() };
        return render_page(&staff, &agency, year, "", r, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    annual::correct_from_records(&staff.rec, &agency, year, texts, &reason).await?;
    Ok(done(&agency, year, "corrected"))
}

/// The drill-down's query.
#[derive(Debug, Default, Deserialize)]
pub struct DrillQuery {
    #[serde(default)]
    cell: String,
    #[serde(default)]
    page: String,
}

/// Records per drill-down page.
pub const DRILL_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "drill.html")]
struct DrillPage<'a> {
    chrome: &'a Chrome,
    base: &'a str,
    cell: &'a str,
    items: &'a [DrillItem],
    total: usize,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
}

/// `GET /reports/{agency}/{year}/drill?cell=t3:ROW:COLUMN`: the cases behind a cell.
pub async fn drill(staff: Staff, Path((agency, year)): Path<(String, String)>, Query(q): Query<DrillQuery>) -> WebResult<Html<String>> {
    let (agency, year) = target(&staff, &agency, &year).await?;
    let page: usize = match q.page.trim() {
        "" => 1,
        p => p.parse().ok().filter(|p| (1..=100_000).contains(p)).ok_or_else(|| WebError::BadRequest(format!("页码“{p}”无效")))?,
    };
    let cell = q.cell.trim();
    let (total, items) = annual::drill_page(&staff.rec, &agency, year, cell, (page - 1) * DRILL_PAGE, DRILL_PAGE).await?;
    let pages = total.div_ceil(DRILL_PAGE).max(1);
    let base = base(&agency, year);
    let link = |p: usize| format!("{base}/drill?cell={}&page={p}", url_encode(cell));
    let chrome = Chrome::new(&staff, "/reports", format!("{}{year}年度报告 · 单元格明细", agency.name)).await?;
    Ok(Html(
        DrillPage {
            chrome: &chrome,
            base: &base,
            cell,
            items: &items,
            total,
            page,
            pages,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
        .render()?,
    ))
}

/// The content type of a download.
pub fn content_type(f: OutputFormat) -> &'static str {
    match f {
        OutputFormat::Txt => "text/plain; charset=utf-8",
        OutputFormat::Md => "text/markdown; charset=utf-8",
        OutputFormat::Html => "text/html; charset=utf-8",
        OutputFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        OutputFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        OutputFormat::Json => "application/json",
    }
}

/// A file download (an attachment: never shown as a page of this site).
pub fn attachment(bytes: Vec<u8>, format: OutputFormat, name: &str) -> WebResult<Response> {
    let file = format!("{name}.{}", format.extension());
    let disposition = format!("attachment; filename=\"report.{}\"; filename*=UTF-8''{}", format.extension(), url_encode(&file));
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(format)));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(|_| WebError::Render)?);
    Ok(r)
}

/// `GET /reports/{agency}/{year}/download/{format}`: the report (as stored once locked, else from
/// the records with the draft's narrative) in any renderer format.
pub async fn download(staff: Staff, Path((agency, year, format)): Path<(String, String, String)>) -> WebResult<Response> {
    let (agency, year) = target(&staff, &agency, &year).await?;
    let format: OutputFormat = format.parse().map_err(|_| WebError::NoSuchPage)?;
    let g = annual::generate(&staff.rec, &agency, year, None, false).await?;
    let bytes = render(&g.report, &g.findings, format).map_err(|e| WebError::App(gongkai_app::error::AppError::new(ErrorKind::Internal, e.to_string())))?;
    attachment(bytes, format, &format!("{}{year}年政府信息公开工作年度报告", agency.name))
}
