//! 登记 (intake): the registrar types an application received by any channel — oral ones taken
//! down by the office (Art. 29) included — sees the Art. 31 receipt date, the reply deadline and
//! any earlier similar application of the same applicant (a possible 重复申请), then saves it
//! and prints the 回执 with its query code. The 台账 upload (all rows or none) lives here too.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::auth::Right;
use gongkai_app::cases::NewCase;
use gongkai_app::error::ErrorKind;
use gongkai_app::intake::{self, Preview};
use gongkai_app::ledger::{self, LedgerError};
use gongkai_app::model::{Agency, Applicant, ApplicantKind, ApplicationId, Channel};
use gongkai_app::token;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::pages::Chrome;
use crate::pages::form::{self, FieldErrors};
use crate::session::Staff;

/// The intake form as sent (every field a string; empty means not given).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IntakeForm {
    pub csrf: String,
    pub agency: String,
    pub channel: String,
    pub received_on: String,
    pub confirmed_on: String,
    pub same_day_contact_failed: String,
    pub kind: String,
    pub name: String,
    pub id_document: String,
    pub contact: String,
    pub address: String,
    pub content: String,
    pub requested_form: String,
    pub delivery: String,
    pub remarks: String,
    /// `preview` (check and show the dates) or `save`.
    pub step: String,
    /// The fingerprint of the fields as last previewed: saving needs the preview of exactly what
    /// is saved.
    pub previewed: String,
}

impl IntakeForm {
    /// A fingerprint of every field that is saved (bound to the session's CSRF token, so it
    /// cannot be computed for another session's form).
    pub fn fingerprint(&self) -> String {
        let fields = [
            &self.csrf,
            &self.agency,
            &self.channel,
            &self.received_on,
            &self.confirmed_on,
            &self.same_day_contact_failed,
            &self.kind,
            &self.name,
            &self.id_document,
            &self.contact,
            &self.address,
            &self.content,
            &self.requested_form,
            &self.delivery,
            &self.remarks,
        ];
        let joined: Vec<String> = fields.iter().map(|f| format!("{}:{f}", f.len())).collect();
        gongkai_app::token::digest(&joined.join("|"))
    }
}

/// The forms in which information may be asked for (Art. 29 (3)).
pub const FORMS: &[&str] = &["纸质", "电子数据", "其他"];
/// The ways of obtaining it (Art. 29 (3), Art. 40).
pub const DELIVERIES: &[&str] = &["邮寄", "电子邮件", "网上获取", "当面领取", "传真", "当场阅读、抄录"];

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage<'a> {
    chrome: &'a Chrome,
    f: &'a IntakeForm,
    errors: &'a FieldErrors,
    agencies: &'a [Agency],
    channels: &'a [Channel],
    kinds: &'a [ApplicantKind],
    forms: &'a [&'static str],
    deliveries: &'a [&'static str],
    preview: Option<&'a Preview>,
    today: String,
}

async fn render(staff: &Staff, f: &IntakeForm, errors: &FieldErrors, preview: Option<&Preview>) -> WebResult<String> {
    let agencies = staff.rec.agencies_with(Right::Register).await?;
    let chrome = Chrome::new(staff, "/intake", "登记申请").await?;
    Ok(IntakePage {
        chrome: &chrome,
        f,
        errors,
        agencies: &agencies,
        channels: Channel::ALL,
        kinds: ApplicantKind::ALL,
        forms: FORMS,
        deliveries: DELIVERIES,
        preview,
        today: staff.rec.today().to_string(),
    }
    .render()?)
}

/// `GET /intake`: an empty form (today's date, the only agency preselected).
pub async fn page(staff: Staff) -> WebResult<Html<String>> {
    let agencies = staff.rec.agencies_with(Right::Register).await?;
    let f = IntakeForm {
        agency: if agencies.len() == 1 { agencies[0].id.to_string() } else { String::new() },
        channel: Channel::InPerson.code().to_string(),
        received_on: staff.rec.today().to_string(),
        kind: ApplicantKind::NaturalPerson.code().to_string(),
        ..IntakeForm::default()
    };
    Ok(Html(render(&staff, &f, &FieldErrors::default(), None).await?))
}

/// The form read into the agency and the new case, or every problem by field.
pub async fn parse(staff: &Staff, f: &IntakeForm) -> WebResult<Result<(Agency, NewCase), FieldErrors>> {
    let mut e = FieldErrors::default();
    let agencies = staff.rec.agencies_with(Right::Register).await?;
    let agency = agencies.iter().find(|a| a.id.to_string() == f.agency.trim()).cloned();
    if agency.is_none() {
        e.add("agency", "请选择受理机关（您有登记权限的机关）");
    }
    let channel = Channel::from_code(f.channel.trim());
    if channel.is_none() {
        e.add("channel", "请选择申请方式");
    }
    let received_on = form::date(&mut e, "received_on", "收到日期", &f.received_on, true);
    let confirmed_on = form::date(&mut e, "confirmed_on", "签收或确认日期", &f.confirmed_on, false);
    let kind = ApplicantKind::from_code(f.kind.trim());
    if kind.is_none() {
        e.add("kind", "请选择申请人类型（自然人，或法人、其他组织的类别）");
    }
    let name = form::required(&mut e, "name", "申请人姓名或名称", &f.name, 100);
    let id_document = form::optional(&mut e, "id_document", "身份证件号码或统一社会信用代码", &f.id_document, 60);
    let contact = form::required(&mut e, "contact", "联系方式", &f.contact, 200);
    let address = form::optional(&mut e, "address", "通信地址", &f.address, 200);
    let content = form::required(&mut e, "content", "申请公开的政府信息", &f.content, 4000);
    let requested_form = form::optional(&mut e, "requested_form", "指定提供形式", &f.requested_form, 40);
    let delivery = form::optional(&mut e, "delivery", "获取信息的方式", &f.delivery, 40);
    let remarks = form::optional(&mut e, "remarks", "备注", &f.remarks, 1000);
    let (Some(agency), Some(channel), Some(received_on), Some(kind)) = (agency, channel, received_on, kind) else {
        return Ok(Err(e));
    };
    if !f.confirmed_on.trim().is_empty() && confirmed_on.is_none() {
        return Ok(Err(e));
    }
    let c = NewCase {
        number: None,
        applicant: Applicant { kind, name, id_document, contact, address },
        channel,
        received_on,
        confirmed_on,
        content,
        requested_form,
        delivery,
        officer: None,
        remarks,
        same_day_contact_failed: !f.same_day_contact_failed.is_empty(),
    };
    if let Err((field, m)) = intake::check(&c, staff.rec.today()) {
        e.add(field, m);
    }
    if e.is_empty() { Ok(Ok((agency, c))) } else { Ok(Err(e)) }
}

/// `POST /intake`: `step=preview` checks the form and shows the receipt date, the deadline and
/// possible repeats; `step=save` registers and goes to the 回执. A form with problems comes back
/// with each named at its field (422), nothing saved.
pub async fn submit(staff: Staff, Form(f): Form<IntakeForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let (agency, c) = match parse(&staff, &f).await? {
        Ok(ok) => ok,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&staff, &f, &errors, None).await?)).into_response());
        }
    };
    // Saving needs the preview of exactly these fields; changed since: preview again.
    if f.step == "save" && token::same(&f.previewed, &f.fingerprint()) {
        return match intake::register(&staff.rec, &agency, c).await {
            Ok(app) => Ok(Redirect::to(&format!("/receipts/{}", app.id.0)).into_response()),
            Err(err) if err.kind() == ErrorKind::Invalid => {
                let errors = FieldErrors::whole(err.message());
                Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&staff, &f, &errors, None).await?)).into_response())
            }
            Err(err) => Err(err.into()),
        };
    }
    match intake::preview(&staff.rec, &agency, &c).await {
        Ok(p) => {
            let changed = f.step == "save";
            let f = IntakeForm { previewed: f.fingerprint(), ..f };
            let errors = if changed {
                FieldErrors::whole("内容在核对后有改动（或尚未核对）：请核对下面的收到日期和期限后再点“确认登记”")
            } else {
                FieldErrors::default()
            };
            let status = if changed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            Ok((status, Html(render(&staff, &f, &errors, Some(&p)).await?)).into_response())
        }
        Err(err) if err.kind() == ErrorKind::Invalid => {
            let errors = FieldErrors::whole(err.message());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&staff, &f, &errors, None).await?)).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    chrome: &'a Chrome,
    r: &'a intake::Receipt,
    rule: &'a str,
}

/// `GET /receipts/{id}`: the printable 回执 with the query code.
pub async fn receipt(staff: Staff, Path(id): Path<String>) -> WebResult<Html<String>> {
    let id: i64 = id.parse().map_err(|_| WebError::NoSuchPage)?;
    let r = intake::receipt(&staff.rec, ApplicationId(id)).await?;
    let rule = match r.app.channel {
        Channel::InPerson => "当面提交的，以提交之日为收到申请之日",
        Channel::Oral => "口头提出、由本机关代为填写的，以代为填写之日为收到申请之日",
        Channel::RegisteredPost => "以邮寄方式提交的，以本机关签收之日为收到申请之日",
        Channel::OrdinaryLetter => "以平常信函等无需签收的邮寄方式提交的，以本机关与申请人确认之日为收到申请之日",
        Channel::Online | Channel::Email | Channel::WeChat | Channel::Fax => {
            "通过互联网渠道或者政府信息公开工作机构的传真提交的，以双方确认之日为收到申请之日"
        }
        Channel::Other => "以到达之日为收到申请之日",
    };
    let chrome = Chrome::new(&staff, "/intake", format!("政府信息公开申请登记回执（{}）", r.app.number)).await?;
    Ok(Html(ReceiptPage { chrome: &chrome, r: &r, rule }.render()?))
}

#[derive(Template)]
#[template(path = "ledger_import.html")]
struct LedgerPage<'a> {
    chrome: &'a Chrome,
    agencies: &'a [Agency],
    agency: &'a str,
    error: &'a str,
    errors: &'a [LedgerError],
    imported: Option<usize>,
}

async fn ledger_page(
    staff: &Staff,
    status: StatusCode,
    agency: &str,
    error: &str,
    errors: &[LedgerError],
    imported: Option<usize>,
) -> WebResult<Response> {
    let agencies = staff.rec.agencies_with(Right::Register).await?;
    let chrome = Chrome::new(staff, "/intake", "导入台账").await?;
    let body = LedgerPage { chrome: &chrome, agencies: &agencies, agency, error, errors, imported }.render()?;
    Ok((status, Html(body)).into_response())
}

/// `GET /intake/ledger`: the upload form.
pub async fn ledger_form(staff: Staff) -> WebResult<Response> {
    ledger_page(&staff, StatusCode::OK, "", "", &[], None).await
}

/// `POST /intake/ledger` (multipart: `csrf` first, then `agency`, then `file`): imports a 台账
/// file into one agency — every row or none; a failed file answers with the error table (row,
/// column, problem) and nothing imported.
pub async fn ledger_upload(staff: Staff, multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> WebResult<Response> {
    let Ok(mut multipart) = multipart else {
        return ledger_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, "", "请选择要导入的台账文件（.csv 或 .xlsx）", &[], None).await;
    };
    let mut csrf_ok = false;
    let mut agency = String::new();
    let mut file: Option<Vec<u8>> = None;
    let mut file_name = String::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::TooLarge(format!(
                    "文件过大：台账文件不能超过 {} MB",
                    crate::security::UPLOAD_LIMIT / (1024 * 1024)
                )));
            }
            Err(_) => return Err(WebError::BadRequest("上传的表单无法读取".into())),
        };
        let name = field.name().unwrap_or("").to_string();
        // The token comes first: nothing else is read from a form without it.
        if !csrf_ok {
            if name != "csrf" {
                return Err(WebError::Csrf);
            }
            let v = field.text().await.map_err(|_| WebError::Csrf)?;
            staff.check(&v)?;
            csrf_ok = true;
            continue;
        }
        match name.as_str() {
            "agency" => agency = field.text().await.map_err(|_| WebError::BadRequest("上传的表单无法读取".into()))?,
            "file" => {
                file_name = field.file_name().unwrap_or("").trim().to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        WebError::TooLarge(format!("文件过大：台账文件不能超过 {} MB", crate::security::UPLOAD_LIMIT / (1024 * 1024)))
                    } else {
                        WebError::BadRequest("上传的文件无法读取".into())
                    }
                })?;
                file = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(WebError::Csrf);
    }
    let agencies = staff.rec.agencies_with(Right::Register).await?;
    let Some(target) = agencies.iter().find(|a| a.id.to_string() == agency.trim()) else {
        return ledger_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, &agency, "请选择导入到哪个机关", &[], None).await;
    };
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return ledger_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, &agency, "请选择要导入的台账文件（.csv 或 .xlsx）", &[], None).await;
    };
    if let Some(problem) = gongkai_app::intake::ledger_upload_problem(&file_name, &bytes) {
        return ledger_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, &agency, &problem, &[], None).await;
    }
    let table = match ledger::read_table_bytes(&bytes) {
        Ok((_, t)) => t,
        Err(e) => {
            return ledger_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, &agency, &format!("{e:#}"), &[], None).await;
        }
    };
    match ledger::import_table(&staff.rec, &table, target, false).await {
        Ok(Ok(outcome)) => ledger_page(&staff, StatusCode::OK, &agency, "", &[], Some(outcome.imported)).await,
        Ok(Err(errors)) => {
            let msg = format!("台账有 {} 处错误，未导入任何记录。请改正后重新上传。", errors.len());
            ledger_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, &agency, &msg, &errors, None).await
        }
        Err(e) if e.kind() == ErrorKind::Invalid => {
            ledger_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, &agency, e.message(), &[], None).await
        }
        Err(e) => Err(e.into()),
    }
}
