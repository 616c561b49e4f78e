//! Letters: the printable page and the DOCX (GB/T 9704-2012, written by the report crate's DOCX
//! writer) of an issued letter, and the administrators' template pages (edit, preview, reset to
//! the default).

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::error::{AppError, ErrorKind};
use gongkai_app::letters::{self, COMMON_FIELDS, FIELD_HELP, KINDS, Layout, LetterKind};
use gongkai_app::model::{Agency, AgencyId, Letter};
use gongkai_report::render::docx::{LetterDoc, render_letter};

use crate::error::{WebError, WebResult};
use crate::pages::case_actions::Fields;
use crate::pages::{Chrome, url_encode};
use crate::session::Staff;

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage<'a> {
    chrome: &'a Chrome,
    letter: &'a Letter,
    layout: &'a Layout,
    kind: &'a str,
}

async fn load(staff: &Staff, id: &str) -> WebResult<Letter> {
    let id: i64 = id.parse().map_err(|_| WebError::NoSuchPage)?;
    Ok(letters::get(&staff.rec, id).await?)
}

/// `GET /letters/{letter}`: the letter, printable.
pub async fn show(staff: Staff, Path(id): Path<String>) -> WebResult<Html<String>> {
    let letter = load(&staff, &id).await?;
    let layout = letters::layout(&letter.body);
    let chrome = Chrome::new(&staff, "/cases", format!("{} {}", letters::label(&letter.kind), letter.doc_number)).await?;
    Ok(Html(LetterPage { chrome: &chrome, letter: &letter, layout: &layout, kind: letters::label(&letter.kind) }.render()?))
}

/// `GET /letters/{letter}/docx`: the letter as a Word document.
pub async fn docx(staff: Staff, Path(id): Path<String>) -> WebResult<Response> {
    let letter = load(&staff, &id).await?;
    let agency = staff.rec.agency_by_id(letter.agency).await?;
    let l = letters::layout(&letter.body);
    let doc = LetterDoc {
        title: &l.title,
        number: &l.number,
        addressee: &l.addressee,
        paragraphs: &l.paragraphs,
        signature: &l.signature,
        agency: &agency.name,
    };
    let bytes = render_letter(&doc).map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    );
    let name = format!("{}.docx", letter.doc_number);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"letter-{}.docx\"; filename*=UTF-8''{}", letter.id, url_encode(&name))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "letter_templates.html")]
struct TemplatesPage<'a> {
    chrome: &'a Chrome,
    agency: &'a Agency,
    rows: &'a [(&'static LetterKind, bool)],
}

async fn agency_of(staff: &Staff, id: &str) -> WebResult<Agency> {
    let id: i64 = id.parse().map_err(|_| WebError::NoSuchPage)?;
    Ok(staff.rec.agency_by_id(AgencyId(id)).await?)
}

/// `GET /agencies/{agency}/letters`: every kind of letter, the agency's own or the default.
pub async fn templates(staff: Staff, Path(agency): Path<String>) -> WebResult<Html<String>> {
    let agency = agency_of(&staff, &agency).await?;
    let mut rows = Vec::new();
    for k in KINDS {
        let (_, own) = letters::template(&staff.rec, &agency, k).await?;
        rows.push((k, own));
    }
    let chrome = Chrome::new(&staff, "/admin", format!("文书模板 · {}", agency.name)).await?;
    Ok(Html(TemplatesPage { chrome: &chrome, agency: &agency, rows: &rows }.render()?))
}

#[derive(Template)]
#[template(path = "letter_template.html")]
struct TemplatePage<'a> {
    chrome: &'a Chrome,
    agency: &'a Agency,
    kind: &'a LetterKind,
    body: &'a str,
    own: bool,
    fields: &'a [(&'static str, &'static str)],
    preview: Option<&'a Layout>,
    preview_line: &'a str,
    message: &'a str,
    saved: bool,
}

async fn template_page(
    staff: &Staff,
    agency: &Agency,
    kind: &'static LetterKind,
    body: &str,
    message: &str,
    saved: bool,
    preview: bool,
) -> WebResult<String> {
    let (_, own) = letters::template(&staff.rec, agency, kind).await?;
    let fields: Vec<(&str, &str)> = if kind.setting {
        kind.fields.iter().map(|f| (*f, "按机关层级推算的上一级人民政府")).collect()
    } else {
        COMMON_FIELDS.iter().chain(FIELD_HELP.iter().filter(|(n, _)| kind.fields.contains(n))).copied().collect()
    };
    let shown = if preview { letters::preview(agency, kind, body).ok() } else { None };
    let layout = shown.as_deref().filter(|_| !kind.setting).map(letters::layout);
    let line = shown.as_deref().filter(|_| kind.setting).unwrap_or("");
    let chrome = Chrome::new(staff, "/admin", format!("{} · {}", kind.label, agency.name)).await?;
    Ok(TemplatePage {
        chrome: &chrome,
        agency,
        kind,
        body,
        own,
        fields: &fields,
        preview: layout.as_ref(),
        preview_line: line,
        message,
        saved,
    }
    .render()?)
}

/// `GET /agencies/{agency}/letters/{kind}`: the template's form with its preview.
pub async fn template(
    staff: Staff,
    Path((agency, kind)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> WebResult<Html<String>> {
    let agency = agency_of(&staff, &agency).await?;
    let kind = letters::kind(&kind)?;
    let (body, _) = letters::template(&staff.rec, &agency, kind).await?;
    let saved = query.as_deref() == Some("saved=1");
    Ok(Html(template_page(&staff, &agency, kind, &body, "", saved, true).await?))
}

/// `POST /agencies/{agency}/letters/{kind}`: `action` = `preview` (nothing saved), `save`, or
/// `reset` (back to the default).
pub async fn save_template(staff: Staff, Path((agency, kind)): Path<(String, String)>, Form(f): Form<Fields>) -> WebResult<Response> {
    let agency = agency_of(&staff, &agency).await?;
    let kind = letters::kind(&kind)?;
    let get = |n: &str| f.iter().find(|(k, _)| k == n).map_or("", |(_, v)| v.as_str());
    let body = get("body").replace("\r\n", "\n");
    let back = format!("/agencies/{}/letters/{}", agency.id.0, kind.code);
    let result = match get("action") {
        "preview" => match letters::validate(kind, &body) {
            Ok(()) => return Ok(Html(template_page(&staff, &agency, kind, &body, "", false, true).await?).into_response()),
            Err(e) => Err(e),
        },
        "save" => letters::set_template(&staff.rec, &agency, kind, &body).await,
        "reset" => letters::reset_template(&staff.rec, &agency, kind).await,
        _ => Err(AppError::invalid("请选择预览、保存或恢复默认")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{back}?saved=1")).into_response()),
        Err(e) if e.kind() == ErrorKind::Invalid => {
            let html = template_page(&staff, &agency, kind, &body, e.message(), false, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
