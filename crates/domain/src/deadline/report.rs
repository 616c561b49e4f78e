//! The engine's answer: state, due dates, missed deadlines (the stable JSON of docs/CLOCK.md).

use chrono::NaiveDate;
use serde::Serialize;

/// Where the application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 计时中.
    Running,
    /// 暂停计时 (consultation open).
    Paused,
    /// 等待补正.
    AwaitingCorrection,
    /// 等待缴费.
    AwaitingPayment,
    /// 缴费期限已过，待确认视为放弃: the payment period ran out and no payment is recorded; the
    /// fee pause ended with it (国办函〔2020〕109号).
    PaymentLapsed,
    /// 已答复.
    Replied,
    /// 已终止 (withdrawn, correction or fee not in time).
    Closed,
}

impl State {
    /// The Chinese name.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Running => "计时中",
            Self::Paused => "暂停计时（征求意见中）",
            Self::AwaitingCorrection => "等待补正",
            Self::AwaitingPayment => "等待缴费",
            Self::PaymentLapsed => "缴费期限已过，待确认视为放弃",
            Self::Replied => "已答复",
            Self::Closed => "已终止",
        }
    }
}

/// Every due date; `None` where it does not apply (yet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DueDates {
    /// 补正通知: the 7th working day after receipt (Art. 30).
    pub correction_notice: Option<NaiveDate>,
    /// 答复: the 20th working day after receipt (or after the correction), pauses excluded.
    pub reply: Option<NaiveDate>,
    /// 延期答复: with the approved extension.
    pub reply_extended: Option<NaiveDate>,
    /// Art. 35: the reasonable later date set by the agency; it replaces the reply due dates.
    pub later_date: Option<NaiveDate>,
    /// The third party's answer: 15 working days after the consultation started (Art. 32; late
    /// side in a provisional year).
    pub third_party_answer: Option<NaiveDate>,
    /// The other agency's answer: 15 working days after the consultation started (Art. 34; late
    /// side in a provisional year).
    pub agency_answer: Option<NaiveDate>,
    /// Payment: 20 working days from the day after the applicant received the fee notice (late
    /// side in a provisional year).
    pub payment: Option<NaiveDate>,
    /// While a correction is awaited: the end of the reasonable correction period (the notice
    /// plus the setting `min_correction_period_days` working days, late side) — the earliest day
    /// a 视为放弃 may be recorded, and the date a reminder of the paused case looks at.
    pub correction_period: Option<NaiveDate>,
}

/// Which deadline was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedDeadline {
    /// The correction notice came after the 7th working day.
    CorrectionNotice,
    /// The extension was approved after the reply deadline running at that moment.
    ExtensionDecision,
    /// The Art. 35 later date was set (or re-set) after the deadline running at that moment.
    LaterDateDecision,
    /// The reply (or conclusion) came after the operative due date, or has not come and it passed.
    Reply,
}

/// A missed deadline and by how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Missed {
    /// Which deadline.
    pub deadline: MissedDeadline,
    /// When it was due.
    pub due: NaiveDate,
    /// When it was done (or today, if not yet).
    pub on: NaiveDate,
    /// Working days late: those in `(due, on]`, at least 1 (a reply on the Saturday after a Friday
    /// deadline is late by one working day).
    pub working_days: u32,
}

/// The engine's answer for one timeline on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineReport {
    /// Where it stands.
    pub state: State,
    /// The receipt date that counts (Art. 31).
    pub receipt_date: NaiveDate,
    /// Every due date.
    pub due: DueDates,
    /// The operative reply deadline: the Art. 35 date, else the extended, else the plain one.
    pub final_due: Option<NaiveDate>,
    /// Working days counted so far (up to today, or to the conclusion).
    pub working_days_used: u32,
    /// Working days left until the operative deadline (0 once passed, and 0 once concluded).
    pub working_days_left: u32,
    /// Whether any of the agency's deadlines was missed.
    pub overdue: bool,
    /// The missed deadlines.
    pub missed: Vec<Missed>,
    /// Whether any date involved falls in a year whose schedule is not loaded (statutory holidays
    /// and weekends only).
    pub provisional: bool,
    /// Things accepted but not as the regulation asks (a confirmation later than the day of
    /// arrival, a short correction period), in Chinese; also in the explanation.
    pub warnings: Vec<String>,
    /// Step by step, in Chinese ([`super::explain`] only; empty from [`super::evaluate`]).
    pub explanation: Vec<String>,
}
