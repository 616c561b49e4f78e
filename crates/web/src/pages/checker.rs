//! 报告检查: upload one or many published annual reports in any format the readers take; each is
//! read and checked, the findings shown against the report's own text and tables. An upload that
//! cannot be read is named with the reason in Chinese (encoding, truncated, unknown format …).

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_report::read::read_bytes;

use crate::error::{WebError, WebResult};
use crate::pages::Chrome;
use crate::pages::report_view::{ReportView, layout};
use crate::session::Staff;

/// The most files one upload may hold.
pub const MAX_FILES: usize = 20;

/// One uploaded file, read and checked, or why it could not be.
#[derive(Debug)]
pub struct Checked {
    /// The file's name as uploaded.
    pub name: String,
    /// The agency and year the report names.
    pub title: String,
    /// The report with its findings, laid out.
    pub view: Option<ReportView>,
    /// Why it could not be read.
    pub error: String,
}

#[derive(Template)]
#[template(path = "checker.html")]
struct CheckerPage<'a> {
    chrome: &'a Chrome,
    results: &'a [Checked],
    error: &'a str,
    max_files: usize,
    max_mb: usize,
}

async fn page(staff: &Staff, results: &[Checked], error: &str, status: StatusCode) -> WebResult<Response> {
    let chrome = Chrome::new(staff, "/checker", "报告检查").await?;
    let body = CheckerPage {
        chrome: &chrome,
        results,
        error,
        max_files: MAX_FILES,
        max_mb: crate::security::UPLOAD_LIMIT / (1024 * 1024),
    }
    .render()?;
    Ok((status, Html(body)).into_response())
}

/// `GET /checker`.
pub async fn form(staff: Staff) -> WebResult<Response> {
    page(&staff, &[], "", StatusCode::OK).await
}

/// Reads and checks one file (off the async threads: a PDF runs pdftotext).
async fn check_file(name: String, bytes: Vec<u8>) -> Checked {
    let shown = name.clone();
    let done = tokio::task::spawn_blocking(move || {
        read_bytes(&bytes, Some(&shown)).map(|r| {
            let findings = check(&r, None, &CheckOptions::default());
            let title = format!(
                "{}{}",
                r.agency.clone().unwrap_or_else(|| "（未识别机关名称）".into()),
                r.year.map_or_else(|| "（未识别年度）".to_string(), |y| format!("{y}年度"))
            );
            (title, layout(&r, &findings, None))
        })
    })
    .await;
    match done {
        Ok(Ok((title, view))) => Checked { name, title, view: Some(view), error: String::new() },
        Ok(Err(e)) => Checked { name, title: String::new(), view: None, error: e.to_string() },
        Err(_) => Checked { name, title: String::new(), view: None, error: "读取时出现内部错误，已记录".into() },
    }
}

/// `POST /checker` (multipart: the CSRF token first, then the files in `report`).
pub async fn upload(staff: Staff, req: Request) -> WebResult<Response> {
    let mut mp = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(_) => return page(&staff, &[], "请选择要检查的报告文件后再提交（表单须以文件上传方式提交）。", StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let too_large = || {
        format!(
            "上传的文件过大：一次上传合计不能超过 {} MB。请分批上传，或确认是否选错了文件。",
            crate::security::UPLOAD_LIMIT / (1024 * 1024)
        )
    };
    // The token comes first, so that nothing of a forged upload is read.
    // An upload over the limit (its declared length) fails at the first read: said as such, not
    // as a missing token.
    match mp.next_field().await {
        Ok(Some(f)) if f.name() == Some("csrf") => {
            let token = match f.text().await {
                Ok(t) => t,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(WebError::TooLarge(too_large())),
                Err(_) => return Err(WebError::Csrf),
            };
            staff.check(&token)?;
        }
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(WebError::TooLarge(too_large())),
        _ => return Err(WebError::Csrf),
    }
    let mut results = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return page(&staff, &[], &too_large(), StatusCode::PAYLOAD_TOO_LARGE).await;
            }
            Err(_) => return page(&staff, &[], "上传的内容不完整或格式有误，请重新选择文件上传。", StatusCode::UNPROCESSABLE_ENTITY).await,
        };
        if field.name() != Some("report") {
            continue;
        }
        let name = field.file_name().unwrap_or("").trim().to_string();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return page(&staff, &[], &too_large(), StatusCode::PAYLOAD_TOO_LARGE).await;
            }
            Err(_) => return page(&staff, &[], "上传的内容不完整，请重新上传。", StatusCode::UNPROCESSABLE_ENTITY).await,
        };
        if name.is_empty() && bytes.is_empty() {
            continue; // the file input left empty
        }
        if results.len() == MAX_FILES {
            return page(&staff, &[], &format!("一次最多检查 {MAX_FILES} 份报告，请分批上传。"), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        let name = if name.is_empty() { format!("第 {} 个文件", results.len() + 1) } else { name };
        results.push(check_file(name, bytes.to_vec()).await);
    }
    if results.is_empty() {
        return page(&staff, &[], "请选择要检查的报告文件。", StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // Nothing readable at all: the page says why, as an error.
    let status = if results.iter().all(|r| r.view.is_none()) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    page(&staff, &results, "", status).await
}
