//! 登记簿 of an agency: 行政复议/行政诉讼 linked to the case they concern (add, close, correct or
//! void with a reason), 规章/行政规范性文件 (add, repeal, correct or void with a reason), and the
//! table-二 counts of a year (changing a figure already given needs a reason). Every form
//! validates on the server and comes back with the problem at its field, nothing saved.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike as _, NaiveDate};
use gongkai_app::auth::Right;
use gongkai_app::cases;
use gongkai_app::error::{AppError, ErrorKind};
use gongkai_app::model::{
    Agency, AgencyId, Appeal, AppealKind, AppealResult, Document, DocumentKind, NewAppeal, Validity, YearlyCounts,
};
use gongkai_app::registers;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::pages::Chrome;
use crate::pages::form::{self, FieldErrors};
use crate::session::Staff;

/// A submitted form, by field name.
pub type Fields = HashMap<String, String>;

fn val<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", |v| v.as_str())
}

/// An appeal as listed, with its case's 编号.
#[derive(Debug)]
pub struct AppealRow {
    pub a: Appeal,
    pub number: String,
}

#[derive(Template)]
#[template(path = "registers.html")]
struct RegistersPage<'a> {
    chrome: &'a Chrome,
    agency: &'a Agency,
    appeals: &'a [AppealRow],
    documents: &'a [Document],
    year: i32,
    counts: &'a YearlyCounts,
    errors: &'a FieldErrors,
    values: &'a Fields,
    notice: &'a str,
    can_edit: bool,
    appeal_kinds: &'a [AppealKind],
    appeal_results: &'a [AppealResult],
    document_kinds: &'a [DocumentKind],
    validities: &'a [Validity],
}

impl RegistersPage<'_> {
    fn v(&self, k: &str) -> &str {
        val(self.values, k)
    }
    fn e(&self, k: &str) -> &str {
        self.errors.get(k)
    }
}

/// The page's query.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegistersQuery {
    pub year: String,
    pub done: String,
}

async fn agency_of(staff: &Staff, id: &str) -> WebResult<Agency> {
    let id: i64 = id.parse().map_err(|_| WebError::NoSuchPage)?;
    Ok(staff.rec.agency_by_id(AgencyId(id)).await?)
}

fn parse_year(staff: &Staff, s: &str) -> Option<i32> {
    let next = staff.rec.today().year() + 1;
    s.trim().parse::<i32>().ok().filter(|y| (2008..=next).contains(y))
}

async fn render(
    staff: &Staff,
    agency: &Agency,
    year: i32,
    status: StatusCode,
    errors: &FieldErrors,
    values: &Fields,
    notice: &str,
) -> WebResult<Response> {
    let rec = &staff.rec;
    let mut appeals = Vec::new();
    for a in registers::appeals(rec, agency).await? {
        let number = cases::get(rec, a.application).await.map(|c| c.number).unwrap_or_default();
        appeals.push(AppealRow { a, number });
    }
    let documents = registers::documents(rec, agency).await?;
    let counts = registers::counts(rec, agency, year).await?.unwrap_or_default();
    let can_edit = rec.can(Right::EditRegister, agency).await?;
    let chrome = Chrome::new(staff, "/registers", format!("登记簿 · {}", agency.name)).await?;
    let body = RegistersPage {
        chrome: &chrome,
        agency,
        appeals: &appeals,
        documents: &documents,
        year,
        counts: &counts,
        errors,
        values,
        notice,
        can_edit,
        appeal_kinds: AppealKind::ALL,
        appeal_results: AppealResult::ALL,
        document_kinds: DocumentKind::ALL,
        validities: Validity::ALL,
    }
    .render()?;
    Ok((status, Html(body)).into_response())
}

#[derive(Template)]
#[template(path = "registers_index.html")]
struct IndexPage<'a> {
    chrome: &'a Chrome,
    agencies: &'a [Agency],
}

/// `GET /registers`: the agencies whose registers the user may open.
pub async fn index(staff: Staff) -> WebResult<Response> {
    let agencies = staff.rec.agencies().await?;
    if agencies.len() == 1 {
        return Ok(Redirect::to(&format!("/registers/{}", agencies[0].id)).into_response());
    }
    let chrome = Chrome::new(&staff, "/registers", "登记簿").await?;
    Ok(Html(IndexPage { chrome: &chrome, agencies: &agencies }.render()?).into_response())
}

/// `GET /registers/{agency}?year=`.
pub async fn page(staff: Staff, Path(id): Path<String>, Query(q): Query<RegistersQuery>) -> WebResult<Response> {
    let agency = agency_of(&staff, &id).await?;
    let year = match q.year.trim() {
        "" => staff.rec.today().year(),
        y => parse_year(&staff, y).ok_or_else(|| WebError::BadRequest(format!("年度“{y}”无效")))?,
    };
    let notice = match q.done.as_str() {
        "appeal" => "已登记复议、诉讼案件。",
        "closed" => "已登记审结结果。",
        "appeal-corrected" => "已更正复议、诉讼案件。",
        "document" => "已登记文件。",
        "repealed" => "已登记废止或修改。",
        "document-corrected" => "已更正文件登记。",
        "counts" => "已保存年度数量。",
        _ => "",
    };
    render(&staff, &agency, year, StatusCode::OK, &FieldErrors::default(), &Fields::new(), notice).await
}

/// What a register form's submission ends in.
enum Outcome {
    /// Saved: back to the page with a notice.
    Done(&'static str, i32),
    /// The form again with its problems.
    Invalid(FieldErrors, i32),
}

async fn finish(staff: &Staff, agency: &Agency, f: &Fields, outcome: Outcome) -> WebResult<Response> {
    match outcome {
        Outcome::Done(what, year) => {
            Ok(Redirect::to(&format!("/registers/{}?year={year}&done={what}", agency.id)).into_response())
        }
        Outcome::Invalid(errors, year) => {
            render(staff, agency, year, StatusCode::UNPROCESSABLE_ENTITY, &errors, f, "").await
        }
    }
}

/// A refusal by a rule of the records (invalid, conflict, not found) becomes the form's problem
/// at `field`; anything else (forbidden, unavailable) is the request's answer.
fn at_field(e: AppError, field: &'static str) -> WebResult<FieldErrors> {
    match e.kind() {
        ErrorKind::Invalid | ErrorKind::Conflict | ErrorKind::NotFound => {
            let mut errors = FieldErrors::default();
            errors.add(field, e.message());
            Ok(errors)
        }
        _ => Err(e.into()),
    }
}

fn year_of(staff: &Staff, f: &Fields) -> i32 {
    parse_year(staff, val(f, "year")).unwrap_or_else(|| staff.rec.today().year())
}

fn check_csrf(staff: &Staff, f: &Fields) -> WebResult<()> {
    staff.check(val(f, "csrf"))
}

fn appeal_in(a: &Appeal, agency: &Agency) -> WebResult<()> {
    if a.agency == agency.id { Ok(()) } else { Err(WebError::NoSuchPage) }
}

/// An appeal's fields as read: kind, filing date, result with its closing date.
type AppealFields = (Option<AppealKind>, Option<NaiveDate>, Option<(AppealResult, Option<NaiveDate>)>);

/// Reads an appeal's fields (`{p}kind`, `{p}filed`, `{p}result`, `{p}closed`, `{p}note`).
fn appeal_fields(
    e: &mut FieldErrors,
    f: &Fields,
    kind: &'static str,
    filed: &'static str,
    result: &'static str,
    closed: &'static str,
    today: NaiveDate,
) -> AppealFields {
    let k = AppealKind::from_code(val(f, kind));
    if k.is_none() {
        e.add(kind, "请选择类别（行政复议、未经复议直接起诉、复议后起诉）");
    }
    let filed_on = form::date(e, filed, "立案日期", val(f, filed), true);
    if filed_on.is_some_and(|d| d > today) {
        e.add(filed, format!("立案日期晚于今天（{today}）"));
    }
    let r = match val(f, result) {
        "" => Some((AppealResult::Pending, None)),
        code => match AppealResult::from_code(code) {
            None => {
                e.add(result, "请选择结果");
                None
            }
            Some(AppealResult::Pending) => Some((AppealResult::Pending, None)),
            Some(r) => {
                let on = form::date(e, closed, "审结日期", val(f, closed), true);
                if on.is_some_and(|d| d > today) {
                    e.add(closed, format!("审结日期晚于今天（{today}）"));
                }
                if let (Some(a), Some(b)) = (filed_on, on)
                    && b < a
                {
                    e.add(closed, "审结日期早于立案日期");
                }
                on.map(|d| (r, Some(d)))
            }
        },
    };
    (k, filed_on, r)
}

/// `POST /registers/{agency}/appeals`: a new appeal against the decision on (or the inaction
/// over) a case of this agency, named by its 编号.
pub async fn add_appeal(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    check_csrf(&staff, &f)?;
    let agency = agency_of(&staff, &id).await?;
    let year = year_of(&staff, &f);
    let today = staff.rec.today();
    let mut e = FieldErrors::default();
    let number = form::required(&mut e, "a_case", "所涉申请的编号", val(&f, "a_case"), 64);
    let note = form::optional(&mut e, "a_note", "备注", val(&f, "a_note"), 500);
    let (kind, filed, result) = appeal_fields(&mut e, &f, "a_kind", "a_filed", "a_result", "a_closed", today);
    let case = if number.is_empty() {
        None
    } else {
        match cases::find(&staff.rec, &number, Some(&agency.id.to_string())).await {
            Ok(c) => Some(c),
            Err(err) => {
                e.add("a_case", at_field(err, "a_case")?.get("a_case").to_string());
                None
            }
        }
    };
    let (Some(case), Some(kind), Some(filed), Some(result), true) = (case, kind, filed, result, e.is_empty()) else {
        return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
    };
    let result = match result {
        (AppealResult::Pending, _) => None,
        (r, Some(d)) => Some((r, d)),
        (_, None) => None,
    };
    match registers::add_appeal(&staff.rec, &case, kind, filed, result, note).await {
        Ok(_) => finish(&staff, &agency, &f, Outcome::Done("appeal", year)).await,
        Err(err) => finish(&staff, &agency, &f, Outcome::Invalid(at_field(err, "a_case")?, year)).await,
    }
}

/// `POST /registers/{agency}/appeals/close`: the result of a pending appeal.
pub async fn close_appeal(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    check_csrf(&staff, &f)?;
    let agency = agency_of(&staff, &id).await?;
    let year = year_of(&staff, &f);
    let today = staff.rec.today();
    let mut e = FieldErrors::default();
    let appeal_id = val(&f, "c_id").trim().parse::<i64>().ok();
    if appeal_id.is_none() {
        e.add("c_id", "请选择要登记结果的复议、诉讼案件");
    }
    let result = AppealResult::from_code(val(&f, "c_result")).filter(|r| *r != AppealResult::Pending);
    if result.is_none() {
        e.add("c_result", "请选择审结结果（维持、纠正、其他）");
    }
    let on = form::date(&mut e, "c_on", "审结日期", val(&f, "c_on"), true);
    if on.is_some_and(|d| d > today) {
        e.add("c_on", format!("审结日期晚于今天（{today}）"));
    }
    let (Some(appeal_id), Some(result), Some(on), true) = (appeal_id, result, on, e.is_empty()) else {
        return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
    };
    let (a, _) = registers::appeal(&staff.rec, appeal_id).await?;
    appeal_in(&a, &agency)?;
    match registers::close_appeal(&staff.rec, appeal_id, result, on).await {
        Ok(_) => finish(&staff, &agency, &f, Outcome::Done("closed", year)).await,
        Err(err) => finish(&staff, &agency, &f, Outcome::Invalid(at_field(err, "c_on")?, year)).await,
    }
}

/// `POST /registers/{agency}/appeals/correct`: new values of an appeal, or its void, with a
/// reason.
pub async fn correct_appeal(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    check_csrf(&staff, &f)?;
    let agency = agency_of(&staff, &id).await?;
    let year = year_of(&staff, &f);
    let today = staff.rec.today();
    let mut e = FieldErrors::default();
    let appeal_id = val(&f, "x_id").trim().parse::<i64>().ok();
    if appeal_id.is_none() {
        e.add("x_id", "请选择要更正的复议、诉讼案件");
    }
    let reason = form::required(&mut e, "x_reason", "更正原因", val(&f, "x_reason"), 500);
    let void = !val(&f, "x_void").is_empty();
    let note = form::optional(&mut e, "x_note", "备注", val(&f, "x_note"), 500);
    let (kind, filed, result) = if void {
        (None, None, None)
    } else {
        appeal_fields(&mut e, &f, "x_kind", "x_filed", "x_result", "x_closed", today)
    };
    let Some(appeal_id) = appeal_id.filter(|_| e.is_empty()) else {
        return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
    };
    let (a, _) = registers::appeal(&staff.rec, appeal_id).await?;
    appeal_in(&a, &agency)?;
    let correction = match (void, kind, filed, result) {
        (true, ..) => None,
        (false, Some(kind), Some(filed_on), Some((result, closed_on))) => {
            Some(NewAppeal { application: a.application, kind, filed_on, result, closed_on, note })
        }
        _ => return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await,
    };
    match registers::correct_appeal(&staff.rec, appeal_id, correction, &reason).await {
        Ok(_) => finish(&staff, &agency, &f, Outcome::Done("appeal-corrected", year)).await,
        Err(err) => finish(&staff, &agency, &f, Outcome::Invalid(at_field(err, "x_reason")?, year)).await,
    }
}

/// Reads a document's fields.
fn document_fields(
    e: &mut FieldErrors,
    f: &Fields,
    keys: [&'static str; 4],
    today: NaiveDate,
) -> (Option<DocumentKind>, String, String, Option<NaiveDate>) {
    let [kind, number, title, made] = keys;
    let k = DocumentKind::from_code(val(f, kind));
    if k.is_none() {
        e.add(kind, "请选择类别（规章或行政规范性文件）");
    }
    let n = form::required(e, number, "文号", val(f, number), 100);
    let t = form::required(e, title, "文件名称", val(f, title), 300);
    let d = form::date(e, made, "制发日期", val(f, made), true);
    if d.is_some_and(|d| d > today) {
        e.add(made, format!("制发日期晚于今天（{today}）"));
    }
    (k, n, t, d)
}

/// `POST /registers/{agency}/documents`: a 规章 or 行政规范性文件 made this year.
pub async fn add_document(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    check_csrf(&staff, &f)?;
    let agency = agency_of(&staff, &id).await?;
    let year = year_of(&staff, &f);
    let mut e = FieldErrors::default();
    let (kind, number, title, made) = document_fields(&mut e, &f, ["d_kind", "d_number", "d_title", "d_made"], staff.rec.today());
    let (Some(kind), Some(made), true) = (kind, made, e.is_empty()) else {
        return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
    };
    match registers::add_document(&staff.rec, &agency, kind, &number, &title, made).await {
        Ok(_) => finish(&staff, &agency, &f, Outcome::Done("document", year)).await,
        Err(err) => finish(&staff, &agency, &f, Outcome::Invalid(at_field(err, "d_number")?, year)).await,
    }
}

/// `POST /registers/{agency}/documents/repeal`: repealed or amended on a day.
pub async fn repeal_document(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    check_csrf(&staff, &f)?;
    let agency = agency_of(&staff, &id).await?;
    let year = year_of(&staff, &f);
    let today = staff.rec.today();
    let mut e = FieldErrors::default();
    let number = form::required(&mut e, "r_number", "文号", val(&f, "r_number"), 100);
    let validity = Validity::from_code(val(&f, "r_validity")).filter(|v| *v != Validity::Valid);
    if validity.is_none() {
        e.add("r_validity", "请选择已废止或已修改");
    }
    let on = form::date(&mut e, "r_on", "废止或修改日期", val(&f, "r_on"), true);
    if on.is_some_and(|d| d > today) {
        e.add("r_on", format!("废止或修改日期晚于今天（{today}）"));
    }
    let (Some(validity), Some(on), true) = (validity, on, e.is_empty()) else {
        return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
    };
    match registers::repeal_document(&staff.rec, &agency, &number, on, validity).await {
        Ok(_) => finish(&staff, &agency, &f, Outcome::Done("repealed", year)).await,
        Err(err) => finish(&staff, &agency, &f, Outcome::Invalid(at_field(err, "r_number")?, year)).await,
    }
}

/// `POST /registers/{agency}/documents/correct`: new values of a registered document, or its
/// void, with a reason.
pub async fn correct_document(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    check_csrf(&staff, &f)?;
    let agency = agency_of(&staff, &id).await?;
    let year = year_of(&staff, &f);
    let mut e = FieldErrors::default();
    let target = form::required(&mut e, "y_target", "要更正的文件的文号", val(&f, "y_target"), 100);
    let reason = form::required(&mut e, "y_reason", "更正原因", val(&f, "y_reason"), 500);
    let void = !val(&f, "y_void").is_empty();
    let fields = if void {
        None
    } else {
        Some(document_fields(&mut e, &f, ["y_kind", "y_number", "y_title", "y_made"], staff.rec.today()))
    };
    if !e.is_empty() {
        return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
    }
    let correction = match fields {
        None => None,
        Some((Some(kind), doc_number, title, Some(made_on))) => {
            let Some(old) = registers::documents(&staff.rec, &agency)
                .await?
                .into_iter()
                .find(|d| d.doc_number == target && d.voided.is_none())
            else {
                e.add("y_target", format!("“{}”的文件登记中没有文号 {target}", agency.name));
                return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
            };
            Some(Document { kind, doc_number, title, made_on, ..old })
        }
        Some(_) => return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await,
    };
    match registers::correct_document(&staff.rec, &agency, &target, correction, &reason).await {
        Ok(_) => finish(&staff, &agency, &f, Outcome::Done("document-corrected", year)).await,
        Err(err) => finish(&staff, &agency, &f, Outcome::Invalid(at_field(err, "y_target")?, year)).await,
    }
}

/// `POST /registers/{agency}/counts`: the year's table-二 figures; an empty field keeps what was
/// given, a changed figure needs a reason.
pub async fn set_counts(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    check_csrf(&staff, &f)?;
    let agency = agency_of(&staff, &id).await?;
    let mut e = FieldErrors::default();
    let year = match parse_year(&staff, val(&f, "year")) {
        Some(y) => y,
        None => {
            e.add("year", format!("年度“{}”无效（2008 至明年）", val(&f, "year").trim()));
            staff.rec.today().year()
        }
    };
    let mut count = |key: &'static str, label: &str| -> Option<i64> {
        let v = val(&f, key).trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                e.add(key, format!("{label}应为不小于 0 的整数"));
                None
            }
        }
    };
    let licensing = count("n_licensing", "行政许可数量");
    let penalty = count("n_penalty", "行政处罚数量");
    let coercion = count("n_coercion", "行政强制数量");
    let fees = val(&f, "n_fees").trim().to_string();
    if !fees.is_empty() && !fees.parse::<f64>().is_ok_and(|x| x >= 0.0 && x.is_finite()) {
        e.add("n_fees", "行政事业性收费金额应为不小于 0 的数（万元，如 12.5）");
    }
    let reason = form::optional(&mut e, "n_reason", "修改原因", val(&f, "n_reason"), 500);
    if !e.is_empty() {
        return finish(&staff, &agency, &f, Outcome::Invalid(e, year)).await;
    }
    let counts = YearlyCounts {
        admin_licensing: licensing,
        admin_penalty: penalty,
        admin_coercion: coercion,
        admin_fees_wan: (!fees.is_empty()).then_some(fees),
    };
    match registers::set_counts(&staff.rec, &agency, year, counts, &reason).await {
        Ok(_) => finish(&staff, &agency, &f, Outcome::Done("counts", year)).await,
        Err(err) => finish(&staff, &agency, &f, Outcome::Invalid(at_field(err, "n_reason")?, year)).await,
    }
}
