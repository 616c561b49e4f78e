//! Rules an application's timeline must obey before it is stored, and the hook through which the
//! deadline engine derives state and due date from the events.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::model::{Agency, CaseState, Channel, Closing, Event, EventKind};

/// What the deadline engine derives from a timeline; stored with the application for querying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    /// State.
    pub state: CaseState,
    /// Reply due date (`None` while the clock is paused or once closed).
    pub due_on: Option<NaiveDate>,
    /// While paused: the day the pause's own window ends (a correction awaited, the consulted
    /// party's 15 working days, the payment window), when the rules know it.
    pub pause_due_on: Option<NaiveDate>,
}

/// The deadline engine as the store sees it. The app layer plugs in the real engine (calendar with
/// holidays and 调休); [`WeekdayRules`] is a stand-in for tests and tools without a calendar.
pub trait DeadlineRules: Send + Sync + std::fmt::Debug {
    /// Validates the timeline (already structurally checked by [`check_structure`]) and derives
    /// state and due date. An `Err` is a Chinese message explaining the refusal.
    fn evaluate(
        &self,
        agency: &Agency,
        channel: Channel,
        events: &[Event],
    ) -> Result<Evaluation, String>;

    /// A human explanation of the clock (for `case show`), in Chinese; one line per step.
    fn explain(&self, agency: &Agency, channel: Channel, events: &[Event]) -> Vec<String> {
        match self.evaluate(agency, channel, events) {
            Ok(e) => vec![match e.due_on {
                Some(d) => format!("状态：{}；答复期限：{d}", e.state.label()),
                None => format!("状态：{}", e.state.label()),
            }],
            Err(m) => vec![m],
        }
    }
}

/// Structural rules every timeline obeys, whatever the calendar: it starts with `received` on the
/// receipt date, dates never go backwards, nothing follows the concluding event, and a closing
/// exists exactly when the timeline is concluded. The deadline engine checks the rest (pairs,
/// the single correction, the 20-day extension limit, …).
pub fn check_structure(
    received_on: NaiveDate,
    events: &[Event],
    closing: Option<&Closing>,
) -> Result<(), String> {
    let Some(first) = events.first() else {
        return Err("时间线为空：缺少收到申请事件".into());
    };
    if first.kind != EventKind::Received || first.on != received_on {
        return Err("时间线必须以收到申请事件开始，日期为收到申请之日".into());
    }
    let mut prev = received_on;
    for (i, e) in events.iter().enumerate() {
        if e.on < received_on {
            return Err(format!("{}（{}）早于收到申请之日（{received_on}）", e.kind.label(), e.on));
        }
        if e.on < prev {
            return Err(format!(
                "{}（{}）早于前一事件（{prev}），时间线日期不得倒序",
                e.kind.label(),
                e.on
            ));
        }
        prev = e.on;
        if i > 0 && events[i - 1].kind.concludes() {
            return Err(format!("{}之后不得再记录事件", events[i - 1].kind.label()));
        }
        if i > 0 && e.kind == EventKind::Received {
            return Err("收到申请事件只能有一个".into());
        }
        if let Some(a) = e.amount_yuan
            && !(0..=crate::model::MAX_FEE_YUAN).contains(&a)
        {
            return Err(format!("金额 {a} 元超出范围（0 至 {} 元）", crate::model::MAX_FEE_YUAN));
        }
    }
    let concluded = events.last().is_some_and(|e| e.kind.concludes());
    match (concluded, closing) {
        (true, None) => Err("已办结的申请必须有办理结果".into()),
        (false, Some(_)) => Err("有办理结果但没有答复（或终止）日期".into()),
        _ => Ok(()),
    }
}

/// A stand-in deadline engine for tests and tools without a calendar: Monday to Friday are
/// working days, no holidays; the start day is not counted. Art. 33: 20 working days from receipt,
/// restarting on receipt of a correction (Art. 30), paused while a correction, consultation
/// (Arts. 32-34) or fee payment is awaited, plus the extension (at most 20).
#[derive(Debug, Clone, Copy, Default)]
pub struct WeekdayRules;

impl WeekdayRules {
    fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.checked_add_days(Days::new(1)).unwrap_or(d);
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                left -= 1;
            }
        }
        d
    }

    fn working_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.checked_add_days(Days::new(1)).unwrap_or(to);
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                n += 1;
            }
        }
        n
    }
}

impl DeadlineRules for WeekdayRules {
    fn evaluate(
        &self,
        _agency: &Agency,
        _channel: Channel,
        events: &[Event],
    ) -> Result<Evaluation, String> {
        let Some(first) = events.first() else {
            return Err("时间线为空".into());
        };
        let mut start = first.on;
        let mut allowed: u32 = 20;
        let mut used: u32 = 0;
        let mut pauses = 0u32;
        let mut later: Option<NaiveDate> = None;
        for e in events {
            match e.kind {
                EventKind::Received | EventKind::FeeNoticeReceived => {}
                EventKind::CorrectionRequested
                | EventKind::ConsultationStarted
                | EventKind::FeeNoticeSent => {
                    if pauses == 0 {
                        used += Self::working_days_between(start, e.on);
                    }
                    pauses += 1;
                }
                EventKind::CorrectionReceived => {
                    // Art. 30: the clock restarts from receipt of the corrected application.
                    pauses = pauses.saturating_sub(1);
                    used = 0;
                    start = e.on;
                }
                EventKind::ConsultationAnswered
                | EventKind::ConsultationExpired
                | EventKind::FeePaid => {
                    pauses = pauses.saturating_sub(1);
                    if pauses == 0 {
                        start = e.on;
                    }
                }
                EventKind::ExtensionApproved => {
                    let days = e.detail.days.unwrap_or(20);
                    if days == 0 || allowed + days > 40 {
                        return Err("延期答复最长不超过20个工作日（条例第三十三条）".into());
                    }
                    allowed += days;
                }
                EventKind::LaterDateSet => later = e.detail.new_date,
                EventKind::Replied
                | EventKind::Withdrawn
                | EventKind::CorrectionExpired
                | EventKind::FeeExpired => {
                    return Ok(Evaluation { state: CaseState::Closed, due_on: None, pause_due_on: None });
                }
            }
        }
        if pauses > 0 {
            return Ok(Evaluation { state: CaseState::Paused, due_on: None, pause_due_on: None });
        }
        let due = later.unwrap_or_else(|| {
            Self::add_working_days(start, allowed.saturating_sub(used))
        });
        Ok(Evaluation { state: CaseState::Open, due_on: Some(due), pause_due_on: None })
    }
}
