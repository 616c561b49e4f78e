//! The engine: one pass over the events, then O(1) calendar arithmetic per pause.
//!
//! The same function computes the fast result and the explained one: it is generic over a
//! [`Sink`] that is a no-op in [`evaluate`] (the closures building the Chinese lines are never
//! called) and records in [`explain`].

use chrono::NaiveDate;
use gongkai_calendar::{date_zh, provisional_note, Calendar, CalendarError, WorkingDays};
use serde::Serialize;

use super::error::EvaluateError;
use super::timeline::{Channel, ConsultedParty, Delivery, EventKind, Timeline};
use crate::settings::Settings;

/// Art. 33: the reply period.
const REPLY_DAYS: u32 = 20;
/// Art. 30: the correction notice period.
const CORRECTION_NOTICE_DAYS: u32 = 7;
/// Arts. 32, 34: the consulted party's answer period.
const CONSULTATION_DAYS: u32 = 15;
/// 国办函〔2020〕109号: the payment period.
const PAYMENT_DAYS: u32 = 20;

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
    /// The third party's answer: 15 working days after the consultation started (Art. 32).
    pub third_party_answer: Option<NaiveDate>,
    /// The other agency's answer: 15 working days after the consultation started (Art. 34).
    pub agency_answer: Option<NaiveDate>,
    /// Payment: 20 working days from the day after the applicant received the fee notice.
    pub payment: Option<NaiveDate>,
}

/// Which deadline was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedDeadline {
    /// The correction notice came after the 7th working day.
    CorrectionNotice,
    /// The extension was approved after the reply was already due.
    ExtensionDecision,
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
    /// Working days late.
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
    /// Working days left until the operative deadline (0 once passed).
    pub working_days_left: u32,
    /// Whether any of the agency's deadlines was missed.
    pub overdue: bool,
    /// The missed deadlines.
    pub missed: Vec<Missed>,
    /// Whether any date involved falls in a year whose schedule is not loaded (weekends only).
    pub provisional: bool,
    /// Step by step, in Chinese ([`explain`] only; empty from [`evaluate`]).
    pub explanation: Vec<String>,
}

/// Computes the report without explanation (the fast path).
pub fn evaluate(
    timeline: &Timeline,
    calendar: &Calendar,
    settings: &Settings,
    today: NaiveDate,
) -> Result<DeadlineReport, EvaluateError> {
    run(timeline, calendar, settings, today, &mut Silent)
}

/// Computes the report with its step-by-step explanation.
pub fn explain(
    timeline: &Timeline,
    calendar: &Calendar,
    settings: &Settings,
    today: NaiveDate,
) -> Result<DeadlineReport, EvaluateError> {
    let mut rec = Recorder::default();
    let mut report = run(timeline, calendar, settings, today, &mut rec)?;
    report.explanation = rec.finish();
    Ok(report)
}

/// Where explanation lines go. `rank` orders lines of the same date: events, calendar notes,
/// due dates, summary.
trait Sink {
    const ON: bool;
    fn line(&mut self, date: NaiveDate, rank: u8, text: String);
}

#[derive(Debug)]
struct Silent;

impl Sink for Silent {
    const ON: bool = false;
    fn line(&mut self, _: NaiveDate, _: u8, _: String) {}
}

#[derive(Debug, Default)]
struct Recorder(Vec<(NaiveDate, u8, String)>);

impl Sink for Recorder {
    const ON: bool = true;
    fn line(&mut self, date: NaiveDate, rank: u8, text: String) {
        self.0.push((date, rank, text));
    }
}

impl Recorder {
    fn finish(mut self) -> Vec<String> {
        // Stable: lines of the same date and rank keep the order they were said in.
        self.0.sort_by_key(|(d, r, _)| (*d, *r));
        self.0.into_iter().map(|(_, _, t)| t).collect()
    }
}

const EVENT: u8 = 0;
const CALENDAR: u8 = 1;
const DUE: u8 = 2;
const SUMMARY: u8 = 3;

#[inline]
fn say<S: Sink>(sink: &mut S, date: NaiveDate, rank: u8, text: impl FnOnce() -> String) {
    if S::ON {
        sink.line(date, rank, text());
    }
}

/// The counting base: day 1 is the first working day after it.
fn base_of(start: NaiveDate, settings: &Settings) -> Result<NaiveDate, CalendarError> {
    if settings.start_day_counts {
        start.pred_opt().ok_or(CalendarError::OutOfRange { date: start })
    } else {
        Ok(start)
    }
}

/// The clock: a base and the (sorted, merged) pauses `(s, e]` whose working days do not count.
struct Clock<'a> {
    cal: &'a Calendar,
    base: NaiveDate,
    pauses: &'a [(NaiveDate, NaiveDate)],
}

impl Clock<'_> {
    /// The day the `n`-th counted working day falls on.
    fn due(&self, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut remaining = n;
        let mut cursor = self.base;
        for &(s, e) in self.pauses {
            if e <= cursor {
                continue;
            }
            if s > cursor {
                let available = self.cal.count_between(cursor, s)?.get();
                if available >= remaining {
                    return self.cal.add(cursor, WorkingDays::new(remaining));
                }
                remaining -= available;
            }
            cursor = e;
        }
        self.cal.add(cursor, WorkingDays::new(remaining))
    }

    /// Counted working days in `(base, to]`.
    fn used(&self, to: NaiveDate) -> Result<u32, CalendarError> {
        let all = self.cal.count_between(self.base, to)?.get();
        let mut paused = 0;
        for &(s, e) in self.pauses {
            paused += self.cal.count_between(s.max(self.base), e.min(to))?.get();
        }
        Ok(all.saturating_sub(paused))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Replied,
    Withdrawn,
    CorrectionExpired,
    FeeExpired,
}

fn receipt_rule(channel: Channel) -> &'static str {
    match channel {
        Channel::InPerson => "当面提交，以提交之日为收到申请之日",
        Channel::RegisteredPost => "邮寄，以行政机关签收之日为收到申请之日",
        Channel::OrdinaryLetter => "平常信函，以政府信息公开工作机构与申请人确认之日为收到申请之日",
        Channel::Online => "网络申请，以双方确认之日为准",
        Channel::Fax => "传真申请，以双方确认之日为准",
        Channel::Email => "电子邮件申请（互联网渠道），以双方确认之日为准",
        Channel::Other => "其他方式，以到达之日计",
    }
}

fn delivery_rule(delivery: Delivery) -> &'static str {
    match delivery {
        Delivery::Direct => "直接送达，以申请人签收之日为答复日",
        Delivery::Entrusted => "委托送达，以申请人签收之日为答复日",
        Delivery::Post => "邮寄送达，以交邮之日为答复日",
    }
}

#[expect(clippy::too_many_lines, reason = "one pass over the events: the rules read top to bottom")]
fn run<S: Sink>(
    timeline: &Timeline,
    cal: &Calendar,
    settings: &Settings,
    today: NaiveDate,
    sink: &mut S,
) -> Result<DeadlineReport, EvaluateError> {
    let events = timeline.events();
    if let Some((i, ev)) = events.iter().enumerate().find(|(_, e)| e.date > today) {
        return Err(EvaluateError::AfterToday { event: ev.at(i), today });
    }

    // Art. 31: the receipt date depends on the channel.
    let r = timeline.receipt();
    let receipt = match r.channel {
        Channel::RegisteredPost => r.signed.unwrap_or(r.arrival),
        Channel::OrdinaryLetter | Channel::Online | Channel::Fax | Channel::Email => r.confirmed.unwrap_or(r.arrival),
        Channel::InPerson | Channel::Other => r.arrival,
    };
    say(sink, r.arrival, EVENT, || {
        let mut s = format!("收到申请 {}（{}", r.arrival, receipt_rule(r.channel));
        if receipt != r.arrival {
            s.push_str(&format!("：{receipt}"));
        } else if r.channel == Channel::RegisteredPost && r.signed.is_none() {
            s.push_str("；未记录签收日期，按到达之日计");
        } else if r.confirmed.is_none()
            && matches!(r.channel, Channel::OrdinaryLetter | Channel::Online | Channel::Fax | Channel::Email)
        {
            s.push_str("；未记录确认日期，按到达之日计");
        }
        s.push_str("，《条例》第三十一条）");
        s
    });
    let base0 = base_of(receipt, settings)?;
    let correction_due = cal.add(base0, WorkingDays::new(CORRECTION_NOTICE_DAYS))?;
    let day1 = cal.add(base0, WorkingDays::new(1))?;
    say(sink, day1, DUE, || {
        let rule = if settings.start_day_counts { "按设置收到申请之日计入" } else { "收到申请之日不计入" };
        format!("第1个工作日 {}（{rule}；起算规则为可调整的设置，尚未找到官方文本依据）", date_zh(day1))
    });

    let mut base = base0;
    let mut restarted: Option<NaiveDate> = None;
    let mut correction_requested: Option<NaiveDate> = None;
    let mut awaiting_correction = false;
    let mut open: [Option<(NaiveDate, NaiveDate)>; 2] = [None, None];
    let mut answer_due: [Option<NaiveDate>; 2] = [None, None];
    let mut pauses: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut extension = 0u32;
    let mut extension_date: Option<NaiveDate> = None;
    let mut later: Option<NaiveDate> = None;
    let mut fee_sent: Option<NaiveDate> = None;
    let mut fee_paid = false;
    let mut payment_due: Option<NaiveDate> = None;
    let mut end: Option<(NaiveDate, Ending)> = None;
    let mut missed: Vec<Missed> = Vec::new();

    for ev in events.iter().skip(1) {
        let d = ev.date;
        match &ev.kind {
            EventKind::Received { .. } => {}
            EventKind::CorrectionRequested => {
                correction_requested = Some(d);
                awaiting_correction = true;
                say(sink, d, EVENT, || {
                    format!("{d} 发出补正通知（应一次性告知需要补正的全部事项，《条例》第三十条）；补正期间答复期限不计算")
                });
                if d > correction_due {
                    let by = cal.count_between(correction_due, d)?.get();
                    missed.push(Missed { deadline: MissedDeadline::CorrectionNotice, due: correction_due, on: d, working_days: by });
                    say(sink, d, EVENT, || format!("补正通知晚于期限 {correction_due}，逾期{by}个工作日"));
                }
            }
            EventKind::CorrectionReceived => {
                // Art. 30: the reply period restarts on receipt of the corrected application.
                awaiting_correction = false;
                base = base_of(d, settings)?;
                restarted = Some(d);
                let first = cal.add(base, WorkingDays::new(1))?;
                say(sink, d, EVENT, || {
                    format!("{d} 收到补正材料：答复期限自此重新计算（《条例》第三十条），第1个工作日 {}", date_zh(first))
                });
            }
            EventKind::CorrectionExpired => {
                awaiting_correction = false;
                end = Some((d, Ending::CorrectionExpired));
                say(sink, d, EVENT, || format!("{d} 补正期限届满，申请人无正当理由逾期未补正，视为放弃申请（《条例》第三十条）"));
            }
            EventKind::ConsultationStarted { party } => {
                // Arts. 32, 34: the consulted party answers within 15 working days.
                let cap = cal.add(d, WorkingDays::new(CONSULTATION_DAYS))?;
                open[party.slot()] = Some((d, cap));
                answer_due[party.slot()] = Some(cap);
                say(sink, d, EVENT, || {
                    format!(
                        "{d} 开始征求{}意见（{}）：所需时间不计入答复期限（《条例》第三十三条）；{}应在15个工作日内即 {} 前提出意见",
                        party.name_zh(),
                        party.article(),
                        party.name_zh(),
                        date_zh(cap)
                    )
                });
            }
            EventKind::ConsultationAnswered { party } | EventKind::ConsultationExpired { party } => {
                if let Some((s, cap)) = open[party.slot()].take() {
                    let e = d.min(cap);
                    pauses.push((s, e));
                    if S::ON {
                        let n = cal.count_between(s.max(base), e)?.get();
                        let how = if matches!(ev.kind, EventKind::ConsultationAnswered { .. }) {
                            format!("收到{}意见", party.name_zh())
                        } else {
                            format!("征求{}意见期满，未提出意见", party.name_zh())
                        };
                        let capped = if d > cap { format!("；超过15个工作日（{cap}之后）的时间不再扣除") } else { String::new() };
                        say(sink, d, EVENT, || format!("{d} {how}：暂停期间 {s} 至 {e} 扣除{n}个工作日{capped}"));
                    }
                }
            }
            EventKind::ExtensionApproved { days, approver } => {
                extension += days.get();
                extension_date = Some(d);
                say(sink, d, EVENT, || {
                    format!("{d} 经{approver}同意延期答复，延长{}个工作日（《条例》第三十三条，最长20个工作日）", days.get())
                });
            }
            EventKind::LaterDateSet { new_date } => {
                later = Some(*new_date);
                say(sink, d, EVENT, || {
                    format!("{d} 申请数量、频次明显超过合理范围，确定延迟答复的合理期限至 {new_date}（《条例》第三十五条），取代法定答复期限")
                });
            }
            EventKind::FeeNoticeSent => {
                fee_sent = Some(d);
                say(sink, d, EVENT, || {
                    let pause = if settings.fee_wait_pauses_clock {
                        "；自发出收费通知至缴费之日答复期限暂停计算（可调整的设置，默认暂停）"
                    } else {
                        "；按设置，等待缴费期间答复期限照常计算"
                    };
                    format!("{d} 发出收费通知（国办函〔2020〕109号）{pause}")
                });
            }
            EventKind::FeeNoticeReceived => {
                let due = cal.add(d, WorkingDays::new(PAYMENT_DAYS))?;
                payment_due = Some(due);
                say(sink, d, EVENT, || {
                    format!("{d} 申请人收到收费通知：应自次日起20个工作日内缴费，即 {} 前（国办函〔2020〕109号）", date_zh(due))
                });
            }
            EventKind::FeePaid => {
                fee_paid = true;
                if settings.fee_wait_pauses_clock
                    && let Some(s) = fee_sent
                {
                    pauses.push((s, d));
                }
                if S::ON {
                    let n = match fee_sent {
                        Some(s) if settings.fee_wait_pauses_clock => cal.count_between(s.max(base), d)?.get(),
                        _ => 0,
                    };
                    let late = match payment_due {
                        Some(p) if d > p => format!("（晚于缴费期限 {p}）"),
                        _ => String::new(),
                    };
                    say(sink, d, EVENT, || {
                        if settings.fee_wait_pauses_clock {
                            format!("{d} 申请人缴费{late}：等待缴费期间扣除{n}个工作日，答复期限恢复计算")
                        } else {
                            format!("{d} 申请人缴费{late}")
                        }
                    });
                }
            }
            EventKind::FeeExpired => {
                if settings.fee_wait_pauses_clock
                    && let Some(s) = fee_sent
                {
                    pauses.push((s, d));
                }
                end = Some((d, Ending::FeeExpired));
                say(sink, d, EVENT, || format!("{d} 申请人逾期未缴纳信息处理费，视为放弃申请（国办函〔2020〕109号）"));
            }
            EventKind::Replied { delivery } => {
                end = Some((d, Ending::Replied));
                say(sink, d, EVENT, || format!("{d} 答复（{}）", delivery_rule(*delivery)));
            }
            EventKind::Withdrawn => {
                end = Some((d, Ending::Withdrawn));
                say(sink, d, EVENT, || format!("{d} 申请人撤回申请"));
            }
        }
    }

    let stop = end.map_or(today, |(d, _)| d);
    let consulting = open.iter().any(Option::is_some);
    for (s, cap) in open.into_iter().flatten() {
        // Still open: paused up to today (at most 15 working days).
        pauses.push((s, stop.min(cap)));
    }
    let awaiting_payment = fee_sent.is_some() && !fee_paid && end.is_none();
    if awaiting_payment
        && settings.fee_wait_pauses_clock
        && let Some(s) = fee_sent
    {
        pauses.push((s, stop));
    }
    merge(&mut pauses);

    let clock = Clock { cal, base, pauses: &pauses };
    let runs = correction_requested.is_none() || restarted.is_some();
    let (reply, reply_extended) = if runs {
        let reply = clock.due(REPLY_DAYS)?;
        let ext = if extension > 0 { Some(clock.due(REPLY_DAYS + extension)?) } else { None };
        (Some(reply), ext)
    } else {
        (None, None)
    };
    let final_due = later.or(reply_extended).or(reply);
    let used = if runs { clock.used(stop)? } else { 0 };
    let limit = REPLY_DAYS + extension;
    let left = match later {
        Some(l) => cal.count_between(stop, l)?.get(),
        None if runs => limit.saturating_sub(used),
        None => REPLY_DAYS,
    };

    if let (Some(x), Some(due), None) = (extension_date, reply, later)
        && x > due
    {
        let by = cal.count_between(due, x)?.get();
        missed.push(Missed { deadline: MissedDeadline::ExtensionDecision, due, on: x, working_days: by });
        say(sink, x, EVENT, || format!("延期决定晚于原答复期限 {due}，作出时已逾期{by}个工作日"));
    }
    let concluded_in_time_matters = !matches!(end, Some((_, Ending::CorrectionExpired)));
    if let Some(f) = final_due
        && stop > f
        && concluded_in_time_matters
    {
        let by = cal.count_between(f, stop)?.get();
        missed.push(Missed { deadline: MissedDeadline::Reply, due: f, on: stop, working_days: by });
    }
    let overdue = !missed.is_empty();

    let state = match end {
        Some((_, Ending::Replied)) => State::Replied,
        Some(_) => State::Closed,
        None if awaiting_correction => State::AwaitingCorrection,
        None if awaiting_payment => State::AwaitingPayment,
        None if consulting => State::Paused,
        None => State::Running,
    };
    let correction_notice = if end.is_some() && correction_requested.is_none() { None } else { Some(correction_due) };
    let due = DueDates {
        correction_notice,
        reply,
        reply_extended,
        later_date: later,
        third_party_answer: answer_due[ConsultedParty::ThirdParty.slot()],
        agency_answer: answer_due[ConsultedParty::Agency.slot()],
        payment: payment_due,
    };

    let mut hi = stop.max(correction_due);
    for d in [reply, reply_extended, later, due.third_party_answer, due.agency_answer, payment_due].into_iter().flatten() {
        hi = hi.max(d);
    }
    let provisional = cal.is_provisional(r.arrival, hi);

    if S::ON {
        if let Some(c) = correction_notice {
            say(sink, c, DUE, || format!("补正通知期限：收到申请后第7个工作日 {}（《条例》第三十条）", date_zh(c)));
        }
        let deducted = if runs { cal.count_between(base, stop)?.get().saturating_sub(used) } else { 0 };
        if let Some(d) = reply {
            say(sink, d, DUE, || {
                let mut s = format!("答复期限：第20个工作日 {}（《条例》第三十三条", date_zh(d));
                if restarted.is_some() {
                    s.push_str("，自收到补正材料之日重新计算");
                }
                if !pauses.is_empty() {
                    s.push_str("，暂停期间不计");
                }
                s.push('）');
                s
            });
        }
        if let Some(d) = reply_extended {
            say(sink, d, DUE, || format!("延期答复期限：第{}个工作日 {}（延长{extension}个工作日）", REPLY_DAYS + extension, date_zh(d)));
        }
        if let Some(d) = later {
            say(sink, d, DUE, || format!("合理答复期限：{}（《条例》第三十五条）", date_zh(d)));
        }
        if let Some(d) = payment_due {
            say(sink, d, DUE, || format!("缴费期限：{}", date_zh(d)));
        }
        for n in cal.notes(base0, hi)? {
            say(sink, n.date, CALENDAR, || n.text);
        }
        let late = missed.iter().find(|m| m.deadline == MissedDeadline::Reply).copied();
        say(sink, NaiveDate::MAX, SUMMARY, || {
            let paused = if deducted > 0 { format!("（已扣除暂停期间{deducted}个工作日）") } else { String::new() };
            match (state, late) {
                (State::Replied, None) => format!("于 {stop} 答复，用{used}个工作日{paused}，在期限内"),
                (State::Replied, Some(m)) => {
                    format!("于 {stop} 答复，超过答复期限 {}，逾期{}个工作日", m.due, m.working_days)
                }
                (State::Closed, _) => format!("已于 {stop} 终止办理（{}）", match end {
                    Some((_, Ending::Withdrawn)) => "申请人撤回",
                    Some((_, Ending::CorrectionExpired)) => "逾期未补正，视为放弃",
                    _ => "逾期未缴费，视为放弃",
                }),
                (State::AwaitingCorrection, _) => {
                    format!("截至 {stop}：等待申请人补正；收到补正材料后重新计算20个工作日")
                }
                (_, Some(m)) => format!(
                    "截至 {stop}：{}，已超过答复期限 {}，逾期{}个工作日",
                    state.name_zh(),
                    m.due,
                    m.working_days
                ),
                _ => format!("截至 {stop}：{}，已用{used}个工作日{paused}，剩余{left}个工作日", state.name_zh()),
            }
        });
        for y in cal.missing_years(r.arrival, hi) {
            say(sink, NaiveDate::MAX, SUMMARY, || provisional_note(y));
        }
    }

    Ok(DeadlineReport {
        state,
        receipt_date: receipt,
        due,
        final_due,
        working_days_used: used,
        working_days_left: left,
        overdue,
        missed,
        provisional,
        explanation: Vec::new(),
    })
}

/// Sorts pauses and merges overlapping ones, so no working day is deducted twice.
fn merge(pauses: &mut Vec<(NaiveDate, NaiveDate)>) {
    if pauses.len() < 2 {
        return;
    }
    pauses.sort_unstable();
    let mut w = 0;
    for i in 1..pauses.len() {
        let (s, e) = pauses[i];
        if s <= pauses[w].1 {
            pauses[w].1 = pauses[w].1.max(e);
        } else {
            w += 1;
            pauses[w] = (s, e);
        }
    }
    pauses.truncate(w + 1);
}
