//! Rules an application's timeline must obey before it is stored, and the hook through which the
//! deadline engine derives state and due date from the events.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::model::{Agency, CaseState, Closing, Event, EventKind};

/// What the deadline engine derives from a timeline; stored with the application for querying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    /// State.
    pub state: CaseState,
    /// Reply due date (`None` while the clock is paused or once closed).
    pub due_on: Option<NaiveDate>,
}

/// The deadline engine as the store sees it. The app layer plugs in the real engine (calendar with
/// holidays and 调休); [`WeekdayRules`] is a stand-in for tests and tools without a calendar.
pub trait DeadlineRules: Send + Sync + std::fmt::Debug {
    /// Validates the timeline (already structurally checked by [`check_structure`]) and derives
    /// state and due date. An `Err` is a Chinese message explaining the refusal.
    fn evaluate(
        &self,
        agency: &Agency,
        received_on: NaiveDate,
        events: &[Event],
    ) -> Result<Evaluation, String>;

    /// A human explanation of the clock (for `case show`), in Chinese; one line per step.
    fn explain(&self, agency: &Agency, received_on: NaiveDate, events: &[Event]) -> Vec<String> {
        match self.evaluate(agency, received_on, events) {
            Ok(e) => vec![match e.due_on {
                Some(d) => format!("状态：{}；答复期限：{d}", e.state.label()),
                None => format!("状态：{}", e.state.label()),
            }],
            Err(m) => vec![m],
        }
    }
}

/// Structural rules every timeline obeys, whatever the calendar: it starts with `received` on the
/// receipt date, dates never go backwards, pairs open before they close, nothing follows the reply,
/// and a closing exists exactly when the last event is a reply.
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
    let mut correction_open = false;
    let mut consultation_open = false;
    let mut fee_open = false;
    let mut extended = false;
    let mut prev = received_on;
    for (i, e) in events.iter().enumerate() {
        if e.on < prev {
            return Err(format!(
                "{}（{}）早于前一事件（{prev}），时间线日期不得倒序",
                e.kind.label(),
                e.on
            ));
        }
        if e.on < received_on {
            return Err(format!("{}（{}）早于收到申请之日（{received_on}）", e.kind.label(), e.on));
        }
        prev = e.on;
        if i > 0 && events[i - 1].kind == EventKind::Replied {
            return Err("答复之后不得再记录事件".into());
        }
        match e.kind {
            EventKind::Received if i > 0 => return Err("收到申请事件只能有一个".into()),
            EventKind::Received => {}
            EventKind::CorrectionRequested => {
                if correction_open {
                    return Err("补正通知应一次性告知，已有未收到的补正通知".into());
                }
                correction_open = true;
            }
            EventKind::CorrectionReceived => {
                if !correction_open {
                    return Err("收到补正之前没有补正通知".into());
                }
                correction_open = false;
            }
            EventKind::ConsultationStarted => {
                if consultation_open {
                    return Err("征求意见尚未结束，不能再次开始".into());
                }
                consultation_open = true;
            }
            EventKind::ConsultationEnded => {
                if !consultation_open {
                    return Err("征求意见结束之前没有开始征求意见".into());
                }
                consultation_open = false;
            }
            EventKind::Extended => {
                if extended {
                    return Err("延期答复只能一次（条例第三十三条：最长不超过20个工作日）".into());
                }
                extended = true;
            }
            EventKind::FeeNoticed => fee_open = true,
            EventKind::FeePaid => {
                if !fee_open {
                    return Err("缴纳费用之前没有收费通知".into());
                }
                fee_open = false;
            }
            EventKind::Replied => {}
        }
        if let Some(a) = e.amount_yuan
            && a < 0
        {
            return Err("金额不得为负数".into());
        }
    }
    let replied = events.last().is_some_and(|e| e.kind == EventKind::Replied);
    match (replied, closing) {
        (true, None) => Err("已答复的申请必须有办理结果".into()),
        (false, Some(_)) => Err("有办理结果但没有答复日期".into()),
        _ => Ok(()),
    }
}

/// A stand-in deadline engine: Monday to Friday are working days, no holidays. Art. 33: 20 working
/// days from receipt (start day not counted), restarting on receipt of a correction (Art. 30),
/// paused while a correction, consultation (Arts. 32-34) or fee payment is awaited, plus 20 on
/// extension.
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
        received_on: NaiveDate,
        events: &[Event],
    ) -> Result<Evaluation, String> {
        let mut start = received_on;
        let mut allowed: u32 = 20;
        let mut used_before_pause: u32 = 0;
        let mut paused_since: Option<NaiveDate> = None;
        let mut pauses = 0u32;
        for e in events {
            match e.kind {
                EventKind::Received => {}
                EventKind::CorrectionRequested
                | EventKind::ConsultationStarted
                | EventKind::FeeNoticed => {
                    if pauses == 0 {
                        used_before_pause += Self::working_days_between(start, e.on);
                        paused_since = Some(e.on);
                    }
                    pauses += 1;
                }
                EventKind::CorrectionReceived => {
                    // Art. 30: the clock restarts from receipt of the corrected application.
                    pauses = pauses.saturating_sub(1);
                    used_before_pause = 0;
                    start = e.on;
                    if pauses > 0 {
                        paused_since = Some(e.on);
                    } else {
                        paused_since = None;
                    }
                }
                EventKind::ConsultationEnded | EventKind::FeePaid => {
                    pauses = pauses.saturating_sub(1);
                    if pauses == 0 {
                        start = e.on;
                        paused_since = None;
                    }
                }
                EventKind::Extended => allowed += 20,
                EventKind::Replied => {
                    return Ok(Evaluation { state: CaseState::Closed, due_on: None });
                }
            }
        }
        if paused_since.is_some() {
            return Ok(Evaluation { state: CaseState::Paused, due_on: None });
        }
        let left = allowed.saturating_sub(used_before_pause);
        Ok(Evaluation { state: CaseState::Open, due_on: Some(Self::add_working_days(start, left)) })
    }
}
