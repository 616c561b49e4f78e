//! 县级督查: a county supervisor's year — every agency below with its report collected, missing,
//! with errors or published — the 汇总 of the collected reports, and its download. Reading only:
//! the role holds no right to change the agencies' records (the app refuses, the guard first).

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::error::{AppError, ErrorKind};
use gongkai_app::reports::{self, Supervision};
use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_report::render::{OutputFormat, render};

use crate::error::{WebError, WebResult};
use crate::pages::Chrome;
use crate::pages::reports::{FORMATS, attachment};
use crate::session::Staff;

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage<'a> {
    chrome: &'a Chrome,
    s: &'a Supervision,
    formats: &'a [(&'static str, &'static str)],
    sums: &'a [(String, String)],
}

fn year_of(year: &str) -> WebResult<i32> {
    year.parse().ok().filter(|y| (2019..=2100).contains(y)).ok_or(WebError::NoSuchPage)
}

/// `GET /supervision`: the report year on the desk.
pub async fn current(staff: Staff) -> Response {
    let year = gongkai_app::dashboard::report_year(staff.rec.today());
    Redirect::to(&format!("/supervision/{year}")).into_response()
}

/// `GET /supervision/{year}`.
pub async fn page(staff: Staff, Path(year): Path<String>) -> WebResult<Html<String>> {
    let year = year_of(&year)?;
    let s = reports::supervision(&staff.rec, year).await?;
    // The 汇总's headline figures (table 三, 总计 column).
    let mut sums = Vec::new();
    if let Some(a) = &s.aggregation {
        for (row, label) in [
            ("new_received", "本年新收申请"),
            ("carried_over", "上年结转"),
            ("results_total", "办理结果总计"),
            ("carried_forward", "结转下年度"),
        ] {
            let v = a.report.value(gongkai_domain::report::spec::TableId::T3, row, "total");
            sums.push((label.to_string(), v.map(ToString::to_string).unwrap_or_default()));
        }
    }
    let chrome = Chrome::new(&staff, "/supervision", format!("{year}年度报告督查")).await?;
    Ok(Html(SupervisionPage { chrome: &chrome, s: &s, formats: &FORMATS, sums: &sums }.render()?))
}

/// `GET /supervision/{year}/download/{format}`: the 汇总 as a report file.
pub async fn download(staff: Staff, Path((year, format)): Path<(String, String)>) -> WebResult<Response> {
    let year = year_of(&year)?;
    let format: OutputFormat = format.parse().map_err(|_| WebError::NoSuchPage)?;
    let s = reports::supervision(&staff.rec, year).await?;
    let Some(a) = s.aggregation else {
        let why = s.aggregation_error.unwrap_or_else(|| format!("{year} 年度还没有已锁定或已发布的报告，无法汇总"));
        return Err(AppError::invalid(why).into());
    };
    let findings = check(&a.report, None, &CheckOptions::default());
    let bytes = render(&a.report, &findings, format).map_err(|e| WebError::App(AppError::new(ErrorKind::Internal, e.to_string())))?;
    let name = format!("{}{year}年度政府信息公开工作年度报告", a.report.agency.clone().unwrap_or_default());
    attachment(bytes, format, &name)
}
