//! Applications (依申请公开 cases): registering one, finding and listing them, recording what
//! happens (the reply included), assigning the officer, extensions asked by the officer and
//! approved by an office head, corrections and voids with a reason.
//!
//! Every function checks the principal's right at the case's agency first (see
//! [`crate::auth::RIGHTS`]); the store checks the rules again inside the transaction that writes.

use chrono::{Days, NaiveDate};
use gongkai_domain::deadline::DeadlineReport;
use gongkai_store::{
    Agency, Applicant, Application, ApplicationId, CaseCorrection, CaseFields, CaseFilter, CaseState, CaseSummary,
    Channel, Closing, DeliveryMode, Event, EventDetail, EventKind, ExtensionFilter, ExtensionRequest, NewApplication,
    Outcome, Party, Storage, UserId,
};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::records::Records;

/// A case-list query (the CLI's flags, the web's filters).
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Only this agency (name or id).
    pub agency: Option<String>,
    /// Open cases whose next date (reply due, or a pause's end) is within N working days from
    /// today, overdue ones included.
    pub due_within_working_days: Option<u32>,
    /// Open cases already past their reply due date.
    pub overdue: bool,
    /// Only open cases.
    pub open_only: bool,
    /// Only this state.
    pub state: Option<CaseState>,
    /// Only received in this year.
    pub year: Option<i32>,
    /// Only with this outcome.
    pub outcome: Option<Outcome>,
    /// Only this applicant kind.
    pub applicant_kind: Option<gongkai_store::ApplicantKind>,
    /// Only this officer's (login).
    pub officer: Option<String>,
    /// Text in the 编号, applicant or content.
    pub text: Option<String>,
    /// Newest first.
    pub newest_first: bool,
    /// Nearest next date (reply due, or a pause's end) first; only cases with such a date (not
    /// yet concluded).
    pub by_due: bool,
    /// Include voided cases.
    pub include_voided: bool,
    /// At most this many (0 = all).
    pub limit: u32,
    /// Skip this many.
    pub offset: u32,
}

async fn filter_of(rec: &Records, q: &CaseQuery) -> Result<Option<CaseFilter>> {
    if q.text.as_deref().is_some_and(crate::records::unusable_key) {
        return Err(AppError::invalid("搜索内容含有不可见的控制字符，请删除后重试"));
    }
    let agencies = match &q.agency {
        Some(name) => vec![rec.agency(name).await?.id],
        None => {
            let ids: Vec<_> = rec.agencies().await?.into_iter().map(|a| a.id).collect();
            if ids.is_empty() {
                return Ok(None);
            }
            ids
        }
    };
    let officer = match &q.officer {
        Some(login) => match crate::records::user_by_login(rec.store(), login).await? {
            Some(u) => Some(u.id),
            None => return Ok(None),
        },
        None => None,
    };
    let mut f = CaseFilter {
        agencies,
        open_only: q.open_only,
        state: q.state,
        received_year: q.year,
        outcome: q.outcome,
        applicant_kind: q.applicant_kind,
        officer,
        text: q.text.clone(),
        newest_first: q.newest_first,
        include_voided: q.include_voided,
        limit: q.limit,
        offset: q.offset,
        ..CaseFilter::default()
    };
    if q.by_due {
        f.by_due_date = true;
    }
    let today = rec.today();
    if q.overdue {
        // Overdue: open, the clock running, and the reply due date before today.
        f.open_only = true;
        f.by_due_date = true;
        f.state = Some(CaseState::Open);
        f.due_on_or_before = today.checked_sub_days(Days::new(1));
    } else if let Some(n) = q.due_within_working_days {
        f.open_only = true;
        f.by_due_date = true;
        f.due_on_or_before = Some(rec.office().engine.add_working_days(today, n));
    }
    Ok(Some(f))
}

/// `gongkai case list`, the web's case list.
pub async fn list(rec: &Records, q: &CaseQuery) -> Result<Vec<CaseSummary>> {
    match filter_of(rec, q).await? {
        Some(f) => Ok(rec.store().list_cases(&f).await?),
        None => Ok(Vec::new()),
    }
}

/// How many cases the query finds without its limit and offset (pagination).
pub async fn count(rec: &Records, q: &CaseQuery) -> Result<i64> {
    match filter_of(rec, q).await? {
        Some(f) => Ok(rec.store().count_cases(&CaseFilter { limit: 0, offset: 0, ..f }).await?),
        None => Ok(0),
    }
}

/// The one answer for a case that does not exist or may not be seen.
fn case_not_found(key: &str) -> AppError {
    AppError::not_found(format!("未找到编号为“{key}”的申请（或无权查看）"))
}

/// Finds an application by 编号 or internal id, within `agency` when given (then an id of
/// another agency's case is not found), else among the agencies the principal may see. A case
/// the principal may not see is "not found", exactly as a missing one.
pub async fn find(rec: &Records, key: &str, agency: Option<&str>) -> Result<Application> {
    let key = key.trim();
    let visible = match agency {
        Some(a) => vec![rec.agency(a).await?],
        None => rec.agencies().await?,
    };
    let mut found = Vec::new();
    for a in &visible {
        if crate::records::unusable_key(key) {
            break;
        }
        if let Some(app) = rec.store().application_by_number(a.id, key).await? {
            found.push(app);
        }
    }
    match found.len() {
        1 => return Ok(found.remove(0)),
        0 => {}
        _ => {
            return Err(AppError::invalid(format!(
                "编号“{key}”在多个机关都有：请用 --agency 指定机关"
            )));
        }
    }
    let Ok(id) = key.parse::<i64>() else { return Err(case_not_found(key)) };
    match rec.store().application(ApplicationId(id)).await {
        Ok(app) if visible.iter().any(|a| a.id == app.agency) => Ok(app),
        Ok(_) | Err(gongkai_store::StoreError::NotFound(_)) => Err(case_not_found(key)),
        Err(e) => Err(e.into()),
    }
}

/// An application by id, if the principal may see it.
pub async fn get(rec: &Records, id: ApplicationId) -> Result<Application> {
    match rec.store().application(id).await {
        Ok(app) => {
            let agency = rec.store().agency(app.agency).await?;
            if rec.can(Right::Read, &agency).await? {
                Ok(app)
            } else {
                Err(case_not_found(&id.to_string()))
            }
        }
        Err(gongkai_store::StoreError::NotFound(_)) => Err(case_not_found(&id.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// The agency of a case, after checking the principal holds `right` there.
async fn agency_for(rec: &Records, app: &Application, right: Right) -> Result<Agency> {
    let agency = rec.store().agency(app.agency).await?;
    rec.require(right, &agency).await?;
    Ok(agency)
}

/// The deadline engine's report on a case, with its step-by-step explanation.
pub async fn clock(rec: &Records, app: &Application) -> Result<std::result::Result<DeadlineReport, String>> {
    let agency = agency_for(rec, app, Right::Read).await?;
    Ok(rec.office().engine.explain_report(&agency, app.channel, &app.events))
}

/// The clock's explanation for a case, in Chinese, one line per step.
pub async fn explain(rec: &Records, app: &Application) -> Result<Vec<String>> {
    Ok(match clock(rec, app).await? {
        Ok(r) => {
            let mut lines = r.explanation;
            if lines.is_empty() {
                lines.push(format!("状态：{}", r.state.name_zh()));
            }
            lines
        }
        Err(m) => vec![m],
    })
}

/// A new application as typed in a form or on the command line (`case add`).
#[derive(Debug, Clone)]
pub struct NewCase {
    /// 编号 (`None`: assigned, `YYYY-NNNNNN`).
    pub number: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// How it arrived.
    pub channel: Channel,
    /// The day it arrived.
    pub received_on: NaiveDate,
    /// Art. 31: the day of signature (registered post) or of confirmation (letter, online, fax,
    /// e-mail), when later than arrival.
    pub confirmed_on: Option<NaiveDate>,
    /// 申请内容.
    pub content: String,
    /// Requested form (纸质 / 电子 …).
    pub requested_form: String,
    /// Requested way of obtaining.
    pub delivery: String,
    /// The case officer's login.
    pub officer: Option<String>,
    /// 备注.
    pub remarks: String,
    /// Art. 31: an ordinary letter or e-mail confirmed later because the office could not reach
    /// the applicant on the day it arrived (recorded, the confirmation day counts).
    pub same_day_contact_failed: bool,
}

/// Checks the text of a new application: no NUL or other control character (line breaks allowed
/// in 申请内容 and 备注), bounded lengths. Returns the field (as the intake form names it) and the
/// problem in Chinese, the field's label first. Runs in the app so every front end and both
/// backends answer alike.
pub fn check_text_fields(c: &NewCase) -> std::result::Result<(), (&'static str, String)> {
    use crate::limits::{MAX_LONG_TEXT, MAX_SHORT_TEXT, TextKind, check_text};
    let fields: [(&'static str, &str, &str, TextKind, usize); 10] = [
        ("number", "编号", c.number.as_deref().unwrap_or(""), TextKind::Line, 64),
        ("name", "申请人姓名或名称", &c.applicant.name, TextKind::Line, MAX_SHORT_TEXT),
        ("id_document", "身份证件号码或统一社会信用代码", &c.applicant.id_document, TextKind::Line, MAX_SHORT_TEXT),
        ("contact", "联系方式", &c.applicant.contact, TextKind::Line, MAX_SHORT_TEXT),
        ("address", "通信地址", &c.applicant.address, TextKind::Line, MAX_SHORT_TEXT),
        ("content", "申请内容", &c.content, TextKind::Multiline, MAX_LONG_TEXT),
        ("requested_form", "指定提供形式", &c.requested_form, TextKind::Line, MAX_SHORT_TEXT),
        ("delivery", "获取信息的方式", &c.delivery, TextKind::Line, MAX_SHORT_TEXT),
        ("officer", "承办人", c.officer.as_deref().unwrap_or(""), TextKind::Line, MAX_SHORT_TEXT),
        ("remarks", "备注", &c.remarks, TextKind::Multiline, MAX_LONG_TEXT),
    ];
    for (field, label, value, kind, max) in fields {
        if let Err(m) = check_text(value, kind, max) {
            return Err((field, format!("{label}{m}")));
        }
    }
    Ok(())
}

/// Registers one application (`case add`, the web's intake).
pub async fn add(rec: &Records, agency: &Agency, c: NewCase) -> Result<Application> {
    rec.require(Right::Register, agency).await?;
    if let Err((_, m)) = check_text_fields(&c) {
        return Err(AppError::invalid(m));
    }
    if c.received_on > rec.today() {
        return Err(AppError::invalid(format!("收到日期（{}）晚于今天（{}）", c.received_on, rec.today())));
    }
    let officer = match &c.officer {
        Some(login) => Some(user_id(rec, login).await?),
        None => None,
    };
    let mut receipt = EventDetail::default();
    if c.same_day_contact_failed {
        receipt.same_day_contact_failed = Some(true);
    }
    if let Some(d) = c.confirmed_on {
        if c.channel == Channel::RegisteredPost {
            receipt.signed = Some(d);
        } else {
            receipt.confirmed = Some(d);
        }
    }
    let new = NewApplication {
        agency: agency.id,
        number: c.number,
        applicant: c.applicant,
        channel: c.channel,
        content: c.content,
        requested_form: c.requested_form,
        delivery: c.delivery,
        case_officer: officer,
        received_on: c.received_on,
        receipt,
        query_code: Some(crate::token::query_code()?),
        events: Vec::new(),
        closing: None,
        remarks: c.remarks,
    };
    Ok(rec.store().create_application(&rec.ctx(), new).await?)
}

async fn user_id(rec: &Records, login: &str) -> Result<UserId> {
    match crate::records::user_by_login(rec.store(), login).await? {
        Some(u) => Ok(u.id),
        None => Err(AppError::not_found(format!("未找到用户“{}”", login.trim()))),
    }
}

/// An event to record, as typed on the command line or in a form.
#[derive(Debug, Clone)]
pub struct EventInput {
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub on: NaiveDate,
    /// 办理结果, for concluding events (defaults: 逾期不补正, 逾期未缴费, 其他 for a withdrawal).
    pub outcome: Option<Outcome>,
    /// Consultation: whose views.
    pub party: Option<Party>,
    /// Extension: working days (default 20).
    pub days: Option<u32>,
    /// Art. 35: the new deadline.
    pub new_date: Option<NaiveDate>,
    /// Reply: how it was delivered.
    pub delivery: Option<DeliveryMode>,
    /// Fees: the amount in yuan (a payment defaults to the notice's amount).
    pub amount_yuan: Option<i64>,
    /// Free text.
    pub note: String,
    /// Reply: Art. 36 reply type.
    pub reply_type: String,
    /// Reply: legal basis.
    pub legal_basis: String,
    /// Reply: reply letter reference.
    pub reply_letter_ref: String,
}

impl EventInput {
    /// An event of `kind` on `on`, nothing else filled in.
    pub fn new(kind: EventKind, on: NaiveDate) -> EventInput {
        EventInput {
            kind,
            on,
            outcome: None,
            party: None,
            days: None,
            new_date: None,
            delivery: None,
            amount_yuan: None,
            note: String::new(),
            reply_type: String::new(),
            legal_basis: String::new(),
            reply_letter_ref: String::new(),
        }
    }
}

/// Parses an event type: the engine's code (`replied`) or its Chinese name (答复).
pub fn parse_event_kind(s: &str) -> Option<EventKind> {
    EventKind::from_code(s.trim()).or_else(|| EventKind::from_label(s.trim()))
}

/// The right an event needs.
fn right_for(kind: EventKind) -> Right {
    match kind {
        EventKind::ExtensionApproved => Right::ApproveExtension,
        _ => Right::Handle,
    }
}

/// Builds the stored event and decision from the input, as the principal records it today.
fn event_of(rec: &Records, app: &Application, e: EventInput) -> Result<(Event, Option<Closing>)> {
    {
        use crate::limits::{MAX_LONG_TEXT, MAX_SHORT_TEXT, TextKind, check_text};
        for (label, value, kind, max) in [
            ("说明", &e.note, TextKind::Multiline, MAX_LONG_TEXT),
            ("答复类型", &e.reply_type, TextKind::Line, MAX_SHORT_TEXT),
            ("法律依据", &e.legal_basis, TextKind::Multiline, MAX_LONG_TEXT),
            ("答复书文号", &e.reply_letter_ref, TextKind::Line, MAX_SHORT_TEXT),
        ] {
            check_text(value, kind, max).map_err(|m| AppError::invalid(format!("{label}{m}")))?;
        }
    }
    if e.on > rec.today() {
        return Err(AppError::invalid(format!("{}的日期（{}）晚于今天（{}）", e.kind.label(), e.on, rec.today())));
    }
    let outcome = match (e.kind, e.outcome) {
        (k, Some(o)) if k.concludes() => Some(o),
        (EventKind::CorrectionExpired, None) => Some(Outcome::OhNoCorrection),
        (EventKind::FeeExpired, None) => Some(Outcome::OhFeeUnpaid),
        (EventKind::Withdrawn, None) => Some(Outcome::OhOther),
        (EventKind::Replied, None) => {
            return Err(AppError::invalid(
                "答复须填写办理结果（--outcome，如 予以公开、部分公开、本机关不掌握相关政府信息）",
            ));
        }
        (_, Some(_)) => return Err(AppError::invalid("只有答复、撤回或逾期终止的事件才填写办理结果")),
        (_, None) => None,
    };
    let amount = match e.kind {
        // A payment is the amount of the notice unless typed (then it must match, in the store).
        EventKind::FeePaid => e
            .amount_yuan
            .or_else(|| app.events.iter().rev().find(|x| x.kind == EventKind::FeeNoticeSent).and_then(|x| x.amount_yuan)),
        _ => e.amount_yuan,
    };
    // Who did it is the principal; for an extension (Art. 33) that makes the principal the
    // approver, never a name typed by whoever records it.
    let by = rec.principal().user_id();
    let consultation =
        matches!(e.kind, EventKind::ConsultationStarted | EventKind::ConsultationAnswered | EventKind::ConsultationExpired);
    let event = Event {
        kind: e.kind,
        on: e.on,
        by,
        amount_yuan: amount,
        note: e.note,
        detail: EventDetail {
            signed: None,
            confirmed: None,
            party: e.party.or(consultation.then_some(Party::ThirdParty)),
            days: e.days,
            // The approver's name as the explanation and the letters show it.
            approver: (e.kind == EventKind::ExtensionApproved)
                .then(|| rec.principal().user_account().map(|u| u.name.clone()))
                .flatten(),
            new_date: e.new_date,
            delivery: e.delivery,
            same_day_contact_failed: None,
        },
    };
    let closing = outcome.map(|o| Closing {
        outcome: o,
        reply_type: e.reply_type,
        legal_basis: e.legal_basis,
        reply_letter_ref: e.reply_letter_ref,
    });
    Ok((event, closing))
}

/// Records an event on a case; a concluding event records the decision too. `seen`: the version
/// of the case the principal saw (a form), refused if someone changed it since.
pub async fn record_event(rec: &Records, app: &Application, e: EventInput, seen: Option<i64>) -> Result<Application> {
    agency_for(rec, app, right_for(e.kind)).await?;
    if e.kind == EventKind::ExtensionApproved && rec.principal().user_id() == app.case_officer {
        return Err(AppError::forbidden("延期答复须经办公室负责人同意，承办人不得审批本人承办的申请"));
    }
    let (event, closing) = event_of(rec, app, e)?;
    Ok(rec.store().add_event(&rec.ctx(), app.id, seen, event, closing).await?)
}

/// `gongkai case assign`: sets (or clears) the case officer.
pub async fn assign(rec: &Records, app: &Application, officer: Option<&str>) -> Result<Application> {
    assign_as_seen(rec, app, officer, None).await
}

/// [`assign`] from a form that saw version `seen` of the case: refused as a conflict when the
/// case changed since (another assignment, an event), so no change is lost silently.
pub async fn assign_as_seen(rec: &Records, app: &Application, officer: Option<&str>, seen: Option<i64>) -> Result<Application> {
    agency_for(rec, app, Right::Assign).await?;
    let officer = match officer {
        Some(login) => Some(user_id(rec, login).await?),
        None => None,
    };
    Ok(rec.store().assign_officer(&rec.ctx(), app.id, seen, officer).await?)
}

/// The officer asks for an extension (Art. 33); an office head decides ([`decide_extension`]).
pub async fn request_extension(
    rec: &Records,
    app: &Application,
    days: u32,
    reason: &str,
    on: NaiveDate,
) -> Result<ExtensionRequest> {
    agency_for(rec, app, Right::Handle).await?;
    if on > rec.today() {
        return Err(AppError::invalid(format!("申请日期（{on}）晚于今天")));
    }
    crate::limits::check_text(reason, crate::limits::TextKind::Multiline, crate::limits::MAX_SHORT_TEXT)
        .map_err(|m| AppError::invalid(format!("延期理由{m}")))?;
    Ok(rec.store().request_extension(&rec.ctx(), app.id, days, reason, on).await?)
}

/// An office head approves or refuses a pending extension request.
pub async fn decide_extension(rec: &Records, request: i64, approve: bool, on: NaiveDate) -> Result<(ExtensionRequest, Application)> {
    let Some(req) = rec
        .store()
        .extension_requests(&ExtensionFilter { agencies: Vec::new(), application: None, pending_only: false })
        .await?
        .into_iter()
        .find(|r| r.id == request)
    else {
        return Err(AppError::not_found(format!("未找到序号为 {request} 的延期申请")));
    };
    let app = get(rec, req.application).await.map_err(|_| AppError::not_found(format!("未找到序号为 {request} 的延期申请")))?;
    agency_for(rec, &app, Right::ApproveExtension).await?;
    if on > rec.today() {
        return Err(AppError::invalid(format!("审批日期（{on}）晚于今天")));
    }
    Ok(rec.store().decide_extension(&rec.ctx(), request, approve, on).await?)
}

/// Extension requests of the agencies where the principal holds `right`: pending ones awaiting
/// approval (`ApproveExtension`), or all of a case.
pub async fn extension_requests(rec: &Records, application: Option<&Application>, pending_only: bool) -> Result<Vec<ExtensionRequest>> {
    let agencies = match application {
        Some(app) => vec![agency_for(rec, app, Right::Read).await?.id],
        None => rec.agencies_with(Right::ApproveExtension).await?.into_iter().map(|a| a.id).collect(),
    };
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    Ok(rec
        .store()
        .extension_requests(&ExtensionFilter { agencies, application: application.map(|a| a.id), pending_only })
        .await?)
}

/// Corrects a case's fields (with a reason).
pub async fn correct_fields(rec: &Records, app: &Application, fields: CaseFields, reason: &str, seen: Option<i64>) -> Result<Application> {
    agency_for(rec, app, Right::Correct).await?;
    Ok(rec.store().correct_case(&rec.ctx(), app.id, seen, CaseCorrection::Fields(fields), reason).await?)
}

/// Corrects the decision's texts of a closed case (with a reason).
pub async fn correct_closing(rec: &Records, app: &Application, closing: Closing, reason: &str, seen: Option<i64>) -> Result<Application> {
    agency_for(rec, app, Right::Correct).await?;
    Ok(rec.store().correct_case(&rec.ctx(), app.id, seen, CaseCorrection::Closing(closing), reason).await?)
}

/// Corrects one event of the timeline (1-based position after `received`, as `case show`
/// numbers them): replaced by `replacement`, or removed when `None`. The whole timeline is
/// checked again.
pub async fn correct_event(
    rec: &Records,
    app: &Application,
    position: usize,
    replacement: Option<EventInput>,
    reason: &str,
    seen: Option<i64>,
) -> Result<Application> {
    agency_for(rec, app, Right::Correct).await?;
    let mut events: Vec<Event> = app.events.iter().skip(1).cloned().collect();
    if position == 0 || position > events.len() {
        return Err(AppError::invalid(format!(
            "申请 {} 没有第 {position} 个事件（收到申请之后共 {} 个；收到日期用更正案件信息修改）",
            app.number,
            events.len()
        )));
    }
    let mut closing = app.closing.clone();
    match replacement {
        Some(input) => {
            let was_conclusion = events[position - 1].kind.concludes();
            let (mut event, new_closing) = event_of(rec, app, input)?;
            // Who did it stays who did it: a correction fixes the facts, not the actor.
            event.by = events[position - 1].by.or(event.by);
            if event.kind.concludes() {
                closing = new_closing.or(closing);
            } else if was_conclusion {
                closing = None;
            }
            events[position - 1] = event;
        }
        None => {
            if events[position - 1].kind.concludes() {
                closing = None;
            }
            events.remove(position - 1);
        }
    }
    Ok(rec
        .store()
        .correct_case(&rec.ctx(), app.id, seen, CaseCorrection::Timeline { events, closing }, reason)
        .await?)
}

/// Voids a case (registered by mistake, a duplicate entry): it stays in the records and the
/// audit log but counts nowhere.
pub async fn void(rec: &Records, app: &Application, reason: &str) -> Result<Application> {
    agency_for(rec, app, Right::Void).await?;
    Ok(rec.store().correct_case(&rec.ctx(), app.id, None, CaseCorrection::Void, reason).await?)
}
