//! The officer's actions that send a letter: a 补正 notice, a consultation, a fee notice, the
//! reply through the outcome guide, and an approved extension. Each records the event first
//! (checked by [`crate::cases`] and again by the store, with the form's `seen` version), then
//! issues the letter with the agency's next document number. When the letter cannot be issued
//! after the event was recorded (a template an administrator broke), the event stays and the error
//! says so.

use chrono::NaiveDate;
use gongkai_domain::fee::{FeeMethod, FeeQuote};
use gongkai_domain::guide::{self, Step};
use gongkai_store::{Application, DeliveryMode, EventKind, ExtensionRequest, Letter, Outcome, Party, Storage};

use crate::auth::Right;
use crate::cases::{self, EventInput};
use crate::error::{AppError, Result};
use crate::letters::{self, Values, date_zh};
use crate::limits::{MAX_LONG_TEXT, MAX_SHORT_TEXT, TextKind, check_text};
use crate::records::Records;

/// Checks a text the officer typed for a letter before anything is recorded: no control
/// character (PostgreSQL refuses a NUL; a letter must not carry one), bounded.
fn check_typed(label: &str, value: &str, kind: TextKind, max: usize) -> Result<()> {
    check_text(value, kind, max).map_err(|m| AppError::invalid(format!("{label}{m}")))
}

fn letter_failed(e: AppError) -> AppError {
    AppError::new(e.kind(), format!("事件已记录，但文书未能出具：{}", e.message()))
}

/// Art. 30: the one correction notice, listing everything to correct, with the period.
pub async fn request_correction(
    rec: &Records,
    app: &Application,
    on: NaiveDate,
    items: &str,
    correct_by: NaiveDate,
    seen: Option<i64>,
) -> Result<(Application, Letter)> {
    if items.trim().is_empty() {
        return Err(AppError::invalid("请写明需要补正的全部事项（第三十条：一次性告知）"));
    }
    check_typed("补正事项", items, TextKind::Multiline, MAX_LONG_TEXT)?;
    if correct_by <= on {
        return Err(AppError::invalid("补正期限须晚于通知日期"));
    }
    let mut e = EventInput::new(EventKind::CorrectionRequested, on);
    e.note = items.trim().to_string();
    let app = cases::record_event(rec, app, e, seen).await?;
    let values: Values = vec![("补正事项", items.trim().to_string()), ("补正期限", date_zh(correct_by))];
    let letter = letters::issue(rec, &app, letters::kind("correction")?, values, on).await.map_err(letter_failed)?;
    Ok((app, letter))
}

/// Arts. 32, 34: asks a third party or another agency for its views (the clock pauses).
pub async fn start_consultation(
    rec: &Records,
    app: &Application,
    on: NaiveDate,
    party: Party,
    addressee: &str,
    matter: &str,
    seen: Option<i64>,
) -> Result<(Application, Letter)> {
    if addressee.trim().is_empty() || matter.trim().is_empty() {
        return Err(AppError::invalid("请填写征求意见的对象和拟公开的信息"));
    }
    check_typed("征求意见的对象", addressee, TextKind::Line, MAX_SHORT_TEXT)?;
    check_typed("拟公开的信息", matter, TextKind::Multiline, MAX_LONG_TEXT)?;
    let mut e = EventInput::new(EventKind::ConsultationStarted, on);
    e.party = Some(party);
    e.note = format!("{}：{}", addressee.trim(), matter.trim());
    let app = cases::record_event(rec, app, e, seen).await?;
    let due = match cases::clock(rec, &app).await? {
        Ok(r) => match party {
            Party::ThirdParty => r.due.third_party_answer,
            Party::Agency => r.due.agency_answer,
        },
        Err(_) => None,
    };
    let code = match party {
        Party::ThirdParty => "consultation_third_party",
        Party::Agency => "consultation_agency",
    };
    let values: Values = vec![
        ("征求对象", addressee.trim().to_string()),
        ("征求事项", matter.trim().to_string()),
        ("意见期限", due.map_or_else(|| "收到之日起15个工作日".to_string(), date_zh)),
    ];
    let letter = letters::issue(rec, &app, letters::kind(code)?, values, on).await.map_err(letter_failed)?;
    Ok((app, letter))
}

/// How the fee is set: always by the calculator of 国办函〔2020〕109号 (the notice states the
/// method and the standard; regulation.md §3), never a typed amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeAmount {
    /// 按量: priced by the calculator for this many pages.
    PerPage {
        /// The pages (or page equivalents) provided.
        pages: u32,
    },
    /// 按件: priced by the calculator for this many items, the first at the application's
    /// position in its applicant's month, counted from the records
    /// ([`crate::intake::month_ordinal`]), never typed.
    PerItem {
        /// Items charged in this application (usually 1).
        items: u32,
    },
}

/// The fee notice (收费通知书): the event with the amount, then the letter.
pub async fn send_fee_notice(
    rec: &Records,
    app: &Application,
    on: NaiveDate,
    amount: FeeAmount,
    how_to_pay: &str,
    seen: Option<i64>,
) -> Result<(Application, Letter)> {
    if how_to_pay.trim().is_empty() {
        return Err(AppError::invalid("请写明缴费方式"));
    }
    check_typed("缴费方式", how_to_pay, TextKind::Line, MAX_SHORT_TEXT)?;
    let method = match amount {
        FeeAmount::PerPage { pages } => FeeMethod::PerPage { pages },
        FeeAmount::PerItem { items } => FeeMethod::PerItem { ordinal: crate::intake::month_ordinal(rec, app).await?, items },
    };
    let q = FeeQuote::new(method).map_err(|e| AppError::invalid(e.to_string()))?;
    let yuan = i64::try_from(q.amount_yuan).map_err(|_| AppError::invalid("金额过大"))?;
    // The notice's closing sentences are the template's own.
    let lines: Vec<String> = q
        .notice_lines()
        .into_iter()
        .filter(|l| !l.starts_with("应缴金额") && !l.starts_with("申请人应当") && !l.starts_with("信息处理费属于"))
        .map(|l| l.trim().to_string())
        .collect();
    if yuan <= 0 {
        let why = match method {
            FeeMethod::PerItem { ordinal, .. } => {
                format!("按登记记录，本件为申请人本月第{ordinal}件，每月前10件免费：")
            }
            _ => String::new(),
        };
        return Err(AppError::invalid(format!("{why}按标准计算不需要收费（金额为 0 元），不发出收费通知")));
    }
    let mut e = EventInput::new(EventKind::FeeNoticeSent, on);
    e.amount_yuan = Some(yuan);
    let app = cases::record_event(rec, app, e, seen).await?;
    let values: Values =
        vec![("收费明细", lines.join("\n")), ("应缴金额", yuan.to_string()), ("缴费方式", how_to_pay.trim().to_string())];
    let letter = letters::issue(rec, &app, letters::kind("fee")?, values, on).await.map_err(letter_failed)?;
    Ok((app, letter))
}

/// The reply, as the outcome guide concluded.
#[derive(Debug, Clone)]
pub struct ReplyInput {
    /// The day of the reply.
    pub on: NaiveDate,
    /// The guide's answers, in order.
    pub answers: Vec<(String, String)>,
    /// The reply's text as the officer finished it (empty: the guide's text).
    pub text: String,
    /// How it is delivered.
    pub delivery: Option<DeliveryMode>,
}

/// Records the reply with the guide's outcome and issues its 答复告知书, whose number becomes the
/// case's 告知书文号 (`reply_letter_ref`).
pub async fn reply(rec: &Records, app: &Application, input: ReplyInput, seen: Option<i64>) -> Result<(Application, Letter)> {
    check_typed("答复内容", &input.text, TextKind::Multiline, MAX_LONG_TEXT)?;
    let answers: Vec<(&str, &str)> = input.answers.iter().map(|(q, a)| (q.as_str(), a.as_str())).collect();
    let leaf = match guide::walk(&answers).map_err(|e| AppError::invalid(e.to_string()))? {
        Step::Leaf(l) => l,
        Step::Ask(q) => return Err(AppError::invalid(format!("答复向导尚未完成：请回答“{}”", q.text))),
    };
    let outcome = Outcome::from_code(leaf.outcome)
        .ok_or_else(|| AppError::new(crate::error::ErrorKind::Internal, format!("答复向导的结果“{}”不是办理结果", leaf.outcome)))?;
    let agency = rec.store().agency(app.agency).await?;
    rec.require(Right::Handle, &agency).await?;
    let mut e = EventInput::new(EventKind::Replied, input.on);
    e.outcome = Some(outcome);
    e.reply_type = leaf.reply_type.to_string();
    e.legal_basis = leaf.legal_basis.clone();
    e.delivery = input.delivery;
    let app = cases::record_event(rec, app, e, seen).await?;
    let text = if input.text.trim().is_empty() { leaf.reply.clone() } else { input.text.trim().to_string() };
    let values: Values = vec![
        ("答复内容", text),
        ("法律依据", leaf.legal_basis.clone()),
        ("救济途径", letters::remedies(rec, &agency, leaf.refusal).await?),
    ];
    let letter = letters::issue(rec, &app, letters::reply_kind(outcome), values, input.on).await.map_err(letter_failed)?;
    // The letter's number is now the case's 告知书文号 (the store wrote both in one transaction).
    let app = rec.store().application(app.id).await?;
    Ok((app, letter))
}

/// An office head decides an extension request; an approval issues the 延期答复告知书 with the new
/// deadline from the deadline engine.
pub async fn decide_extension(
    rec: &Records,
    request: i64,
    approve: bool,
    on: NaiveDate,
) -> Result<(ExtensionRequest, Application, Option<Letter>)> {
    let (req, app) = cases::decide_extension(rec, request, approve, on).await?;
    if !approve {
        return Ok((req, app, None));
    }
    let due = match cases::clock(rec, &app).await? {
        Ok(r) => r.due.reply_extended.or(r.due.reply),
        Err(_) => None,
    };
    let values: Values = vec![
        ("延期理由", req.reason.clone()),
        ("延期天数", req.days.to_string()),
        ("答复期限", due.map_or_else(String::new, date_zh)),
    ];
    let letter = letters::issue(rec, &app, letters::kind("extension")?, values, on).await.map_err(letter_failed)?;
    Ok((req, app, Some(letter)))
}

/// The default of a one-line field of the reply form: the guide's text for these answers.
pub fn guide_text(answers: &[(String, String)]) -> Option<guide::Leaf> {
    let a: Vec<(&str, &str)> = answers.iter().map(|(q, x)| (q.as_str(), x.as_str())).collect();
    match guide::walk(&a) {
        Ok(Step::Leaf(l)) => Some(l),
        _ => None,
    }
}

/// Who may be the case's officer (承办人): the users holding a case officer's or an office
/// head's role at its agency, as (login, name).
pub async fn officers(rec: &Records, app: &Application) -> Result<Vec<(String, String)>> {
    let agency = rec.store().agency(app.agency).await?;
    rec.require(Right::Assign, &agency).await?;
    let mut out = Vec::new();
    for user in rec.store().users().await? {
        if user.disabled {
            continue;
        }
        let roles = rec.store().roles(user.id).await?;
        if roles
            .iter()
            .any(|g| g.agency == agency.id && matches!(g.role, gongkai_store::Role::CaseOfficer | gongkai_store::Role::OfficeHead))
        {
            out.push((user.login, user.name));
        }
    }
    Ok(out)
}
