//! The case page's actions: assigning the officer, 补正通知, 征求意见, 收费通知, the simple events
//! (收到补正, 收到意见, 缴费, 视为放弃, 撤回), 延期 asked and decided, and the reply through the outcome
//! guide (答复向导). Each handler reads the form, calls one app use case as the logged-in user, and
//! either goes back to the case page (303) or shows the case page again with the problem named at
//! the form and what was typed kept: 422 for bad input or a rule the engine refuses, 409 when the
//! case changed since the form was loaded (every form carries the version it was loaded at,
//! `seen`). Nothing is saved when a form is refused.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_app::auth::Right;
use gongkai_app::cases::{self, EventInput};
use gongkai_app::error::{AppError, ErrorKind};
use gongkai_app::handling::{self, FeeAmount, ReplyInput};
use gongkai_app::model::{Application, ApplicationId, CaseState, CaseSummary, DeliveryMode, EventKind, ExtensionRequest, Letter, Party};
use gongkai_domain::deadline::DeadlineReport;
use gongkai_domain::guide::{self, Step};

use crate::error::{WebError, WebResult};
use crate::pages::Chrome;
use crate::session::Staff;

/// A form's fields as sent (in order; a field may repeat).
pub type Fields = Vec<(String, String)>;

/// What was typed in the form that was refused, and why (shown at that form).
#[derive(Debug, Default, Clone)]
pub struct Filled {
    /// Which form (its action name).
    pub action: String,
    /// The problem, in Chinese.
    pub message: String,
    /// The fields as typed.
    pub fields: Fields,
}

impl Filled {
    /// The typed value of `name` in form `action`, else `default`.
    pub fn v<'a>(&'a self, action: &str, name: &str, default: &'a str) -> &'a str {
        if self.action == action
            && let Some((_, v)) = self.fields.iter().find(|(k, _)| k == name)
        {
            return v;
        }
        default
    }

    /// Whether `value` was the choice of `name` in form `action` (for selects and radios).
    pub fn is(&self, action: &str, name: &str, value: &str, default: bool) -> bool {
        if self.action == action {
            return self.fields.iter().any(|(k, v)| k == name && v == value);
        }
        default
    }

    /// The problem of form `action`, if it was the one refused.
    pub fn error(&self, action: &str) -> &str {
        if self.action == action { &self.message } else { "" }
    }
}

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
}

fn date(f: &Fields, name: &str, label: &str) -> Result<NaiveDate, AppError> {
    let v = field(f, name);
    if v.is_empty() {
        return Err(AppError::invalid(format!("请填写{label}")));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| AppError::invalid(format!("{label}“{v}”不是日期（格式 2025-06-30）")))
}

fn number<T: std::str::FromStr>(f: &Fields, name: &str, label: &str) -> Result<T, AppError> {
    let v = field(f, name);
    v.parse().map_err(|_| AppError::invalid(format!("{label}“{v}”不是有效的数字")))
}

fn seen(f: &Fields) -> Result<Option<i64>, AppError> {
    match field(f, "seen") {
        "" => Err(AppError::invalid("表单缺少版本号，请刷新页面后重新填写")),
        v => v.parse().map(Some).map_err(|_| AppError::invalid("表单的版本号无效，请刷新页面后重新填写")),
    }
}

async fn load(staff: &Staff, id: &str) -> WebResult<Application> {
    let id: i64 = id.parse().map_err(|_| WebError::NoSuchPage)?;
    Ok(cases::get(&staff.rec, ApplicationId(id)).await?)
}

/// After an action: back to the case page, or the page again with the problem at the form.
async fn finish(staff: &Staff, app: Application, action: &str, fields: Fields, result: Result<String, AppError>) -> WebResult<Response> {
    match result {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(e) if matches!(e.kind(), ErrorKind::Invalid | ErrorKind::Conflict) => {
            let status = if e.kind() == ErrorKind::Conflict { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            let message = if e.kind() == ErrorKind::Conflict {
                format!("{}（您填写的内容保留在下面，请核对最新记录后再保存）", e.message())
            } else {
                e.message().to_string()
            };
            // The latest record: the page shows what changed meanwhile.
            let app = cases::get(&staff.rec, app.id).await.unwrap_or(app);
            let filled = Filled { action: action.to_string(), message, fields };
            Ok((status, Html(page(staff, &app, &filled).await?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn case_url(app: &Application) -> String {
    format!("/cases/{}", app.id.0)
}

/// `POST /cases/{id}/assign`: 承办人.
pub async fn assign(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    let result = async {
        let login = field(&f, "officer");
        if login.is_empty() {
            return Err(AppError::invalid("请选择承办人"));
        }
        let app = cases::assign_as_seen(&staff.rec, &app, (login != "-").then_some(login), seen(&f)?).await?;
        Ok(case_url(&app))
    }
    .await;
    finish(&staff, app, "assign", f, result).await
}

/// `POST /cases/{id}/correction`: 补正通知 with its 补正告知书.
pub async fn correction(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    let result = async {
        let on = date(&f, "on", "通知日期")?;
        let by = date(&f, "correct_by", "补正期限")?;
        let (app, _) = handling::request_correction(&staff.rec, &app, on, field(&f, "items"), by, seen(&f)?).await?;
        Ok(case_url(&app))
    }
    .await;
    finish(&staff, app, "correction", f, result).await
}

/// `POST /cases/{id}/consultation`: 征求意见 with its 征求意见书/函.
pub async fn consultation(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    let result = async {
        let on = date(&f, "on", "发函日期")?;
        let party = Party::from_code(field(&f, "party")).ok_or_else(|| AppError::invalid("请选择征求第三方或其他机关的意见"))?;
        let (app, _) =
            handling::start_consultation(&staff.rec, &app, on, party, field(&f, "addressee"), field(&f, "matter"), seen(&f)?).await?;
        Ok(case_url(&app))
    }
    .await;
    finish(&staff, app, "consultation", f, result).await
}

/// `POST /cases/{id}/fee`: 收费通知 with the amount from the calculator (按量 by the pages typed,
/// 按件 by the applicant's applications this month as the records count them), never typed.
pub async fn fee(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    let result = async {
        let on = date(&f, "on", "通知日期")?;
        let amount = match field(&f, "method") {
            "per_page" => FeeAmount::PerPage { pages: number(&f, "pages", "页数")? },
            // 按件: the ordinal in the applicant's month comes from the records, never the form.
            "per_item" => FeeAmount::PerItem { items: number(&f, "items", "件数")? },
            // The amount is the calculator's: the notice states the method and the standard.
            _ => return Err(AppError::invalid("请选择计收方式（按量或按件）")),
        };
        let (app, _) = handling::send_fee_notice(&staff.rec, &app, on, amount, field(&f, "how_to_pay"), seen(&f)?).await?;
        Ok(case_url(&app))
    }
    .await;
    finish(&staff, app, "fee", f, result).await
}

/// The events the simple form records (no letter).
pub const SIMPLE_EVENTS: [EventKind; 7] = [
    EventKind::CorrectionReceived,
    EventKind::ConsultationAnswered,
    EventKind::ConsultationExpired,
    EventKind::FeePaid,
    EventKind::CorrectionExpired,
    EventKind::FeeExpired,
    EventKind::Withdrawn,
];

/// `POST /cases/{id}/events`: 收到补正, 收到意见, 征求意见期满, 缴费, 视为放弃 (逾期不补正 / 逾期未缴费), 撤回.
pub async fn event(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    let result = async {
        let kind = EventKind::from_code(field(&f, "kind"))
            .filter(|k| SIMPLE_EVENTS.contains(k))
            .ok_or_else(|| AppError::invalid("请选择要登记的事项"))?;
        let on = date(&f, "on", "日期")?;
        let mut e = EventInput::new(kind, on);
        e.note = field(&f, "note").to_string();
        if matches!(kind, EventKind::ConsultationAnswered | EventKind::ConsultationExpired) {
            // The consultation answered is the one open.
            e.party = app.events.iter().rev().find(|x| x.kind == EventKind::ConsultationStarted).and_then(|x| x.detail.party);
        }
        let app = cases::record_event(&staff.rec, &app, e, seen(&f)?).await?;
        Ok(case_url(&app))
    }
    .await;
    finish(&staff, app, "event", f, result).await
}

/// `POST /cases/{id}/extension`: the officer asks for an extension (an office head decides).
pub async fn extension(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    let result = async {
        let on = date(&f, "on", "提出日期")?;
        let days: u32 = number(&f, "days", "延长工作日数")?;
        let reason = field(&f, "reason");
        if reason.is_empty() {
            return Err(AppError::invalid("请写明延期的理由（将写入延期答复告知书）"));
        }
        cases::request_extension(&staff.rec, &app, days, reason, on).await?;
        Ok(case_url(&app))
    }
    .await;
    finish(&staff, app, "extension", f, result).await
}

/// `POST /cases/{id}/extension/decide`: an office head (not the case's officer) approves or
/// refuses; an approval issues the 延期答复告知书.
pub async fn decide(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    let result = async {
        let request: i64 = number(&f, "request", "延期申请序号")?;
        // The request must be this case's.
        let pending = cases::extension_requests(&staff.rec, Some(&app), false).await?;
        if !pending.iter().any(|r| r.id == request) {
            return Err(AppError::invalid(format!("本申请没有序号为 {request} 的延期申请")));
        }
        let approve = match field(&f, "decision") {
            "approve" => true,
            "refuse" => false,
            _ => return Err(AppError::invalid("请选择批准或不批准")),
        };
        let on = date(&f, "on", "审批日期")?;
        handling::decide_extension(&staff.rec, request, approve, on).await?;
        Ok(case_url(&app))
    }
    .await;
    finish(&staff, app, "decide", f, result).await
}

#[derive(Template)]
#[template(path = "reply.html")]
struct ReplyPage<'a> {
    chrome: &'a Chrome,
    app: &'a Application,
    /// Hidden fields: the answers so far.
    answers: &'a [String],
    /// What was answered, as (question, answer).
    answered: &'a [(&'static str, &'static str)],
    question: Option<&'static guide::Question>,
    leaf: Option<&'a guide::Leaf>,
    outcome_label: &'a str,
    remedies: &'a str,
    text: &'a str,
    on: &'a str,
    delivery: &'a str,
    deliveries: &'a [(&'static str, &'static str)],
    message: &'a str,
}

fn answers_of(f: &Fields) -> Vec<(String, String)> {
    f.iter()
        .filter(|(k, _)| k == "answer")
        .filter_map(|(_, v)| v.split_once('=').map(|(q, a)| (q.to_string(), a.to_string())))
        .collect()
}

async fn reply_page(staff: &Staff, app: &Application, f: &Fields, message: &str) -> WebResult<String> {
    let answers = answers_of(f);
    let pairs: Vec<(&str, &str)> = answers.iter().map(|(q, a)| (q.as_str(), a.as_str())).collect();
    let step = guide::walk(&pairs).map_err(|e| AppError::invalid(e.to_string()))?;
    let answered: Vec<(&str, &str)> = pairs.iter().filter_map(|(q, a)| guide::label(q, a)).collect();
    let hidden: Vec<String> = answers.iter().map(|(q, a)| format!("{q}={a}")).collect();
    let (question, leaf) = match step {
        Step::Ask(q) => (Some(q), None),
        Step::Leaf(l) => (None, Some(l)),
    };
    let agency = staff.rec.agency_by_id(app.agency).await?;
    let remedies = match &leaf {
        Some(l) => gongkai_app::letters::remedies(&staff.rec, &agency, l.refusal).await?,
        None => String::new(),
    };
    let outcome_label = leaf
        .as_ref()
        .and_then(|l| gongkai_app::model::Outcome::from_code(l.outcome))
        .map_or("", |o| o.label());
    let typed = field(f, "text");
    let text = if typed.is_empty() { leaf.as_ref().map_or("", |l| l.reply.as_str()) } else { typed };
    let today = staff.rec.today().to_string();
    let on = if field(f, "on").is_empty() { today.as_str() } else { field(f, "on") };
    let deliveries: Vec<(&str, &str)> = DeliveryMode::ALL.iter().map(|d| (d.code(), d.label())).collect();
    let chrome = Chrome::new(staff, "/cases", format!("答复向导 · 申请 {}", app.number)).await?;
    Ok(ReplyPage {
        chrome: &chrome,
        app,
        answers: &hidden,
        answered: &answered,
        question,
        leaf: leaf.as_ref(),
        outcome_label,
        remedies: &remedies,
        text,
        on,
        delivery: field(f, "delivery"),
        deliveries: &deliveries,
        message,
    }
    .render()?)
}

/// `GET /cases/{id}/reply`: the guide's first question.
pub async fn reply_start(staff: Staff, Path(id): Path<String>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    if app.state == CaseState::Closed || app.voided.is_some() {
        return Err(AppError::invalid(format!("申请 {} 已办结或已作废，不能再答复", app.number)).into());
    }
    let fields = vec![("seen".to_string(), app.version.to_string())];
    Ok(Html(reply_page(&staff, &app, &fields, "").await?).into_response())
}

/// `POST /cases/{id}/reply`: the next step of the guide (the answers so far come back as hidden
/// fields), or, with `record`, the reply recorded with the guide's outcome and its letter issued.
pub async fn reply_step(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    let app = load(&staff, &id).await?;
    if field(&f, "record").is_empty() {
        return match reply_page(&staff, &app, &f, "").await {
            Ok(html) => Ok(Html(html).into_response()),
            Err(WebError::App(e)) if e.kind() == ErrorKind::Invalid => {
                let fresh = vec![("seen".to_string(), field(&f, "seen").to_string())];
                let html = reply_page(&staff, &app, &fresh, e.message()).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
            }
            Err(e) => Err(e),
        };
    }
    let result = async {
        let on = date(&f, "on", "答复日期")?;
        let delivery = match field(&f, "delivery") {
            "" => None,
            d => Some(DeliveryMode::from_code(d).ok_or_else(|| AppError::invalid(format!("送达方式“{d}”无效")))?),
        };
        let input = ReplyInput { on, answers: answers_of(&f), text: field(&f, "text").to_string(), delivery };
        handling::reply(&staff.rec, &app, input, seen(&f)?).await
    }
    .await;
    match result {
        Ok((_, letter)) => Ok(Redirect::to(&format!("/letters/{}", letter.id)).into_response()),
        Err(e) if matches!(e.kind(), ErrorKind::Invalid | ErrorKind::Conflict) => {
            let status = if e.kind() == ErrorKind::Conflict { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            let html = match reply_page(&staff, &app, &f, e.message()).await {
                Ok(h) => h,
                Err(_) => {
                    let fresh = vec![("seen".to_string(), field(&f, "seen").to_string())];
                    reply_page(&staff, &app, &fresh, e.message()).await?
                }
            };
            Ok((status, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    chrome: &'a Chrome,
    app: &'a Application,
    agency: &'a str,
    officer: &'a str,
    clock: Option<&'a DeadlineReport>,
    clock_error: &'a str,
    due: &'a str,
    overdue: bool,
    events: &'a [(usize, String, String, String)],
    letters: &'a [Letter],
    extensions: &'a [(ExtensionRequest, String)],
    can_handle: bool,
    can_approve: bool,
    can_administer: bool,
    officers: &'a [(String, String)],
    form: &'a Filled,
    today: &'a str,
    simple_events: &'a [(&'static str, &'static str)],
}

impl CasePage<'_> {
    /// Whether the case can still be acted on.
    fn open(&self) -> bool {
        self.app.state != CaseState::Closed && self.app.voided.is_none()
    }

    /// Whether an extension request waits for a decision.
    fn pending_extension(&self) -> bool {
        self.extensions.iter().any(|(r, _)| r.status == gongkai_app::model::ExtensionStatus::Pending)
    }

    fn letter_label(&self, code: &str) -> &'static str {
        gongkai_app::letters::label(code)
    }
}

/// The case page with its clock card, timeline, letters and (for those who may) the actions;
/// `form` is the refused form to show again.
pub async fn page(staff: &Staff, app: &Application, form: &Filled) -> WebResult<String> {
    let rec = &staff.rec;
    let agency = rec.agency_by_id(app.agency).await?;
    let officer = match app.case_officer {
        Some(u) => gongkai_app::people::user_by_id(rec, u).await?.name,
        None => String::new(),
    };
    let clock = cases::clock(rec, app).await?;
    let (report, clock_error) = match &clock {
        Ok(r) => (Some(r), String::new()),
        Err(m) => (None, m.clone()),
    };
    let summary = CaseSummary {
        id: app.id,
        agency: app.agency,
        number: app.number.clone(),
        applicant_name: app.applicant.name.clone(),
        applicant_kind: app.applicant.kind,
        received_on: app.received_on,
        state: app.state,
        due_on: app.due_on,
        pause_due_on: app.pause_due_on,
        closed_on: app.closed_on,
        outcome: app.closing.as_ref().map(|c| c.outcome),
        case_officer: app.case_officer,
        voided: app.voided.is_some(),
    };
    let (due, overdue) = crate::pages::cases::due_text(&summary, rec.today());
    let events: Vec<(usize, String, String, String)> = app
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut detail = Vec::new();
            if let Some(a) = e.amount_yuan {
                detail.push(format!("{a} 元"));
            }
            if let Some(n) = e.detail.days {
                detail.push(format!("{n} 个工作日"));
            }
            if let Some(a) = &e.detail.approver {
                detail.push(format!("批准人：{a}"));
            }
            if let Some(p) = e.detail.party {
                detail.push(p.label().to_string());
            }
            if let Some(d) = e.detail.delivery {
                detail.push(d.label().to_string());
            }
            if !e.note.is_empty() {
                detail.push(e.note.clone());
            }
            (i, e.on.to_string(), e.kind.label().to_string(), detail.join("；"))
        })
        .collect();
    let letters = gongkai_app::letters::of_case(rec, app).await?;
    let mut extensions = Vec::new();
    for r in cases::extension_requests(rec, Some(app), false).await? {
        let by = gongkai_app::people::user_by_id(rec, r.requested_by).await.map(|u| u.name).unwrap_or_default();
        extensions.push((r, by));
    }
    let can_handle = rec.can(Right::Handle, &agency).await?;
    let can_approve = rec.can(Right::ApproveExtension, &agency).await? && rec.principal().user_id() != app.case_officer;
    let can_administer = rec.can(Right::Administer, &agency).await?;
    let officers = if rec.can(Right::Assign, &agency).await? { handling::officers(rec, app).await? } else { Vec::new() };
    let simple_events: Vec<(&str, &str)> = SIMPLE_EVENTS
        .iter()
        .map(|k| {
            let label = match k {
                EventKind::CorrectionExpired => "视为放弃：逾期不补正",
                EventKind::FeeExpired => "视为放弃：逾期未缴费",
                k => k.label(),
            };
            (k.code(), label)
        })
        .collect();
    let today = rec.today().to_string();
    let chrome = Chrome::new(staff, "/cases", format!("申请 {}", app.number)).await?;
    Ok(CasePage {
        chrome: &chrome,
        app,
        agency: &agency.name,
        officer: &officer,
        clock: report,
        clock_error: &clock_error,
        due: &due,
        overdue,
        events: &events,
        letters: &letters,
        extensions: &extensions,
        can_handle,
        can_approve,
        can_administer,
        officers: &officers,
        form,
        today: &today,
        simple_events: &simple_events,
    }
    .render()?)
}
