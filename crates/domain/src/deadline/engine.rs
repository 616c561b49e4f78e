//! The engine: one pass over the events, then O(1) calendar arithmetic per pause.
//!
//! The same function computes the fast result and the explained one: it is generic over a
//! [`Sink`] that is a no-op in [`evaluate`] (the closures building the Chinese lines are never
//! called) and records in [`explain`].
//!
//! Above the arithmetic, two principles (docs/CLOCK.md, "Rules above the arithmetic"):
//! - a deadline that has passed stays passed: a decision made after the reply deadline running
//!   at that moment (an extension, an Art. 35 date, a 补正 notice) does not reopen it, and the
//!   reply is overdue from that deadline;
//! - an event the rules do not allow yet (视为放弃 before the payment period ran out, a
//!   consultation closed as expired before the 15 working days) is refused with the rule.
//!
//! In a year whose holiday notice is not loaded, deadlines that bind the agency are computed on
//! the calendar's early side and those that bind the applicant or a consulted party on the late
//! side ([`Side`]).

use chrono::NaiveDate;
use gongkai_calendar::{date_zh, provisional_note, Calendar, CalendarError, Side, WorkingDays};

use super::error::{EvaluateError, EventRef};
use super::report::{DeadlineReport, DueDates, Missed, MissedDeadline, State};
use super::timeline::{Channel, ConsultedParty, Delivery, EventKind, Receipt, Timeline};
use crate::settings::{LateConfirmation, Settings};

/// Art. 33: the reply period.
const REPLY_DAYS: u32 = 20;
/// Art. 30: the correction notice period.
const CORRECTION_NOTICE_DAYS: u32 = 7;
/// Arts. 32, 34: the consulted party's answer period.
const CONSULTATION_DAYS: u32 = 15;
/// 国办函〔2020〕109号: the payment period.
const PAYMENT_DAYS: u32 = 20;

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

/// A warning: in the report's `warnings` and, prefixed, in the explanation at its date.
fn warn<S: Sink>(sink: &mut S, warnings: &mut Vec<String>, date: NaiveDate, text: String) {
    say(sink, date, EVENT, || format!("注意：{text}"));
    warnings.push(text);
}

/// The counting base: day 1 is the first working day after it.
fn base_of(start: NaiveDate, settings: &Settings) -> Result<NaiveDate, CalendarError> {
    if settings.start_day_counts {
        start.pred_opt().ok_or(CalendarError::OutOfRange { date: start })
    } else {
        Ok(start)
    }
}

/// Working days late: those in `(due, on]`, and at least one — a day past the deadline is never
/// "0 working days late", even when it is a Saturday.
fn late_by(cal: &Calendar, due: NaiveDate, on: NaiveDate) -> Result<u32, CalendarError> {
    Ok(cal.count_between(due, on)?.get().max(1))
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
        Channel::WeChat => "微信申请（互联网渠道），以双方确认之日为准",
        Channel::Oral => "口头提出、由工作机构代为填写，以代为填写（当面提出）之日为收到申请之日",
        Channel::Other => "其他方式，以到达之日计",
    }
}

fn delivery_rule(delivery: Delivery) -> &'static str {
    match delivery {
        Delivery::Direct => "直接送达，以申请人签收之日为答复日",
        Delivery::Entrusted => "委托送达，以申请人签收之日为答复日",
        Delivery::Post => "邮寄送达，以交邮之日为答复日",
        Delivery::Electronic => "电子送达（平台、电子邮件），以到达申请人账户或邮箱之日为答复日",
    }
}

/// Art. 31: the receipt date by channel; an ordinary letter or e-mail confirmed after the day it
/// arrived counts from arrival unless a failed same-day contact is on record (the setting
/// [`Settings::late_confirmation`]), with a warning either way.
fn receipt_date<S: Sink>(r: &Receipt, settings: &Settings, sink: &mut S, warnings: &mut Vec<String>) -> NaiveDate {
    match r.channel {
        Channel::RegisteredPost => r.signed.unwrap_or(r.arrival),
        Channel::OrdinaryLetter | Channel::Email => match r.confirmed {
            Some(c) if c > r.arrival => {
                let counts = match settings.late_confirmation {
                    LateConfirmation::ArrivalUnlessContactFailed if !r.same_day_contact_failed => r.arrival,
                    _ => c,
                };
                let why = if counts == r.arrival {
                    format!("未记录到达当日联系申请人未果，按最稳妥的读法自到达之日 {} 起算", r.arrival)
                } else if r.same_day_contact_failed {
                    format!("已记录到达当日联系申请人未果，以确认之日 {c} 为收到申请之日")
                } else {
                    format!("按设置 late_confirmation: confirmation 以确认之日 {c} 为收到申请之日，可能晚于法定要求")
                };
                warn(
                    sink,
                    warnings,
                    r.arrival,
                    format!(
                        "{}于 {} 到达，{c} 才与申请人确认：《条例》第三十一条要求收到申请当日与申请人确认（电子邮件与平常信函同样无需签收，同样处理）；{why}",
                        r.channel.name_zh(),
                        r.arrival
                    ),
                );
                counts
            }
            Some(c) => c,
            None => r.arrival,
        },
        Channel::Online | Channel::Fax | Channel::WeChat => r.confirmed.unwrap_or(r.arrival),
        Channel::InPerson | Channel::Oral | Channel::Other => r.arrival,
    }
}

/// What the pass over the events has gathered so far.
struct Pass<'a> {
    cal: &'a Calendar,
    settings: &'a Settings,
    base: NaiveDate,
    restarted: Option<NaiveDate>,
    correction_requested: Option<NaiveDate>,
    /// The 补正 notice came while the reply deadline was still running: it stops the clock, and the
    /// corrected application restarts it (Art. 30).
    correction_effective: bool,
    awaiting_correction: bool,
    /// Open consultations: start and the 15th working day after it (early side: the cap of the pause).
    open: [Option<(NaiveDate, NaiveDate)>; 2],
    /// The consulted parties' answer dates (late side).
    answer_due: [Option<NaiveDate>; 2],
    pauses: Vec<(NaiveDate, NaiveDate)>,
    extension: u32,
    later: Option<NaiveDate>,
    fee_sent: Option<NaiveDate>,
    /// The last day of the fee pause: the payment date on the early side (until the applicant's
    /// receipt of the notice is recorded, counted from the day it was sent).
    fee_cap: Option<NaiveDate>,
    fee_done: bool,
    /// The applicant's payment deadline (late side).
    payment_due: Option<NaiveDate>,
    /// The deadline that had passed when a decision came after it; it stays the operative one.
    lapsed: Option<NaiveDate>,
    /// Reused for the pauses as of a decision's day (no allocation per decision).
    scratch: Vec<(NaiveDate, NaiveDate)>,
}

impl Pass<'_> {
    /// The pauses still open on day `x`, each up to `x` and at most to its cap.
    fn open_pauses(&self, x: NaiveDate) -> impl Iterator<Item = (NaiveDate, NaiveDate)> + '_ {
        let fee = match (self.fee_sent, self.fee_cap) {
            (Some(s), Some(cap)) if self.settings.fee_wait_pauses_clock && !self.fee_done => Some((s, x.min(cap))),
            _ => None,
        };
        self.open.iter().flatten().map(move |&(s, cap)| (s, x.min(cap))).chain(fee)
    }

    /// The reply deadline running on day `x`; `None` while awaiting a correction asked in time.
    fn running_due(&mut self, x: NaiveDate) -> Result<Option<NaiveDate>, CalendarError> {
        if let Some(l) = self.lapsed {
            return Ok(Some(l));
        }
        if self.awaiting_correction && self.correction_effective {
            return Ok(None);
        }
        if let Some(l) = self.later {
            return Ok(Some(l));
        }
        let mut pauses = std::mem::take(&mut self.scratch);
        pauses.clear();
        pauses.extend_from_slice(&self.pauses);
        pauses.extend(self.open_pauses(x));
        merge(&mut pauses);
        let due = Clock { cal: self.cal, base: self.base, pauses: &pauses }.due(REPLY_DAYS + self.extension);
        self.scratch = pauses;
        due.map(Some)
    }

    /// Before a decision on day `x`: whether the deadline running then had already passed. The first
    /// time it has, it becomes the operative deadline for good and the decision is listed as missed
    /// under `what` (a 补正 notice is listed by its own 7-day deadline instead).
    fn passed_before<S: Sink>(
        &mut self,
        x: NaiveDate,
        what: Option<MissedDeadline>,
        missed: &mut Vec<Missed>,
        sink: &mut S,
        sentence: impl FnOnce(NaiveDate) -> String,
    ) -> Result<bool, CalendarError> {
        if let Some(l) = self.lapsed {
            say(sink, x, EVENT, || format!("答复期限已于 {l} 届满，此项决定不使其重新计算"));
            return Ok(true);
        }
        match self.running_due(x)? {
            Some(due) if x > due => {
                let by = late_by(self.cal, due, x)?;
                if let Some(deadline) = what {
                    missed.push(Missed { deadline, due, on: x, working_days: by });
                }
                self.lapsed = Some(due);
                say(sink, x, EVENT, || sentence(due));
                Ok(true)
            }
            _ => Ok(false),
        }
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
    let r = timeline.receipt();
    let receipt_event = || EventRef { index: 1, kind: "received", date: r.arrival };
    for (field, date) in [("signed（签收日期）", r.signed), ("confirmed（确认日期）", r.confirmed)] {
        if let Some(date) = date
            && date > today
        {
            return Err(EvaluateError::ReceiptAfterToday { event: receipt_event(), field, date, today });
        }
    }
    let mut warnings: Vec<String> = Vec::new();

    // Art. 31: the receipt date depends on the channel.
    let receipt = receipt_date(&r, settings, sink, &mut warnings);
    say(sink, r.arrival, EVENT, || {
        let mut s = format!("收到申请 {}（{}", r.arrival, receipt_rule(r.channel));
        if receipt != r.arrival {
            s.push_str(&format!("：{receipt}"));
        } else if r.channel == Channel::RegisteredPost && r.signed.is_none() {
            s.push_str("；未记录签收日期，按到达之日计");
        } else if r.confirmed.is_none()
            && matches!(r.channel, Channel::OrdinaryLetter | Channel::Online | Channel::Fax | Channel::Email | Channel::WeChat)
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

    let mut p = Pass {
        cal,
        settings,
        base: base0,
        restarted: None,
        correction_requested: None,
        correction_effective: false,
        awaiting_correction: false,
        open: [None, None],
        answer_due: [None, None],
        pauses: Vec::new(),
        extension: 0,
        later: None,
        fee_sent: None,
        fee_cap: None,
        fee_done: false,
        payment_due: None,
        lapsed: None,
        scratch: Vec::new(),
    };
    let mut end: Option<(NaiveDate, Ending)> = None;
    let mut missed: Vec<Missed> = Vec::new();

    for (i, ev) in events.iter().enumerate().skip(1) {
        let d = ev.date;
        match &ev.kind {
            EventKind::Received { .. } => {}
            EventKind::CorrectionRequested => {
                p.correction_requested = Some(d);
                say(sink, d, EVENT, || {
                    format!("{d} 发出补正通知（应一次性告知需要补正的全部事项，《条例》第三十条）；补正期间答复期限不计算")
                });
                if d > correction_due {
                    let by = late_by(cal, correction_due, d)?;
                    missed.push(Missed { deadline: MissedDeadline::CorrectionNotice, due: correction_due, on: d, working_days: by });
                    say(sink, d, EVENT, || {
                        format!("补正通知本身逾期：应在收到申请后7个工作日内即 {correction_due} 前发出，逾期{by}个工作日（《条例》第三十条）")
                    });
                }
                // Art. 30 stops the clock only for a notice given while the reply period runs.
                let lapsed = p.passed_before(d, None, &mut missed, sink, |due| {
                    format!("补正通知发出时答复期限 {due} 已过：期限届满后要求补正不使答复期限重新计算，答复自 {due} 起逾期（《条例》第三十条）")
                })?;
                p.awaiting_correction = true;
                p.correction_effective = !lapsed;
                if !lapsed && d > correction_due {
                    say(sink, d, EVENT, || "补正通知在答复期限内发出：收到补正材料后答复期限仍重新计算（《条例》第三十条）".to_owned());
                }
            }
            EventKind::CorrectionReceived => {
                p.awaiting_correction = false;
                if p.correction_effective {
                    // Art. 30: the reply period restarts on receipt of the corrected application.
                    p.base = base_of(d, settings)?;
                    p.restarted = Some(d);
                    let first = cal.add(p.base, WorkingDays::new(1))?;
                    say(sink, d, EVENT, || {
                        format!("{d} 收到补正材料：答复期限自此重新计算（《条例》第三十条），第1个工作日 {}", date_zh(first))
                    });
                } else {
                    let l = p.lapsed.unwrap_or(d);
                    say(sink, d, EVENT, || format!("{d} 收到补正材料：答复期限已于 {l} 届满，补正不使其重新计算"));
                }
            }
            EventKind::CorrectionExpired => {
                p.awaiting_correction = false;
                end = Some((d, Ending::CorrectionExpired));
                say(sink, d, EVENT, || format!("{d} 补正期限届满，申请人无正当理由逾期未补正，视为放弃申请（《条例》第三十条）"));
                if let Some(notice) = p.correction_requested {
                    let period = cal.count_between_on(Side::Late, notice, d)?.get();
                    if period < settings.min_correction_period_days {
                        warn(sink, &mut warnings, d, format!(
                            "补正通知（{notice}）至视为放弃（{d}）只有{period}个工作日，少于设置的合理补正期限下限{}个工作日：\
                             《条例》第三十条要求给予合理的补正期限，请核实补正告知书载明的期限及申请人收到通知的日期，\
                             期限未满即视为放弃属于违法终止",
                            settings.min_correction_period_days
                        ));
                    }
                }
            }
            EventKind::ConsultationStarted { party } => {
                // Arts. 32, 34: the consulted party answers within 15 working days.
                let cap = cal.add(d, WorkingDays::new(CONSULTATION_DAYS))?;
                let answer = cal.add_on(Side::Late, d, WorkingDays::new(CONSULTATION_DAYS))?;
                p.open[party.slot()] = Some((d, cap));
                p.answer_due[party.slot()] = Some(answer);
                say(sink, d, EVENT, || {
                    format!(
                        "{d} 开始征求{}意见（{}）：所需时间不计入答复期限（《条例》第三十三条）；{}应在15个工作日内即 {} 前提出意见",
                        party.name_zh(),
                        party.article(),
                        party.name_zh(),
                        date_zh(answer)
                    )
                });
            }
            EventKind::ConsultationAnswered { party } | EventKind::ConsultationExpired { party } => {
                let expired = matches!(ev.kind, EventKind::ConsultationExpired { .. });
                if let Some((s, cap)) = p.open[party.slot()].take() {
                    if let Some(answer) = p.answer_due[party.slot()]
                        && expired
                        && d <= answer
                    {
                        return Err(EvaluateError::Premature {
                            event: ev.at(i),
                            message: format!(
                                "征求{}意见自 {s} 开始，对方可在15个工作日内即 {answer} 前提出意见；期限届满前不能按“征求意见期满”处理（{}）",
                                party.name_zh(),
                                party.article()
                            ),
                        });
                    }
                    let e = d.min(cap);
                    p.pauses.push((s, e));
                    if S::ON {
                        let n = cal.count_between(s.max(p.base), e)?.get();
                        let how = if expired {
                            format!("征求{}意见期满，未提出意见", party.name_zh())
                        } else {
                            format!("收到{}意见", party.name_zh())
                        };
                        let capped = if d > cap { format!("；超过15个工作日（{cap}之后）的时间不再扣除") } else { String::new() };
                        say(sink, d, EVENT, || format!("{d} {how}：暂停期间 {s} 至 {e} 扣除{n}个工作日{capped}"));
                    }
                }
            }
            EventKind::ExtensionApproved { days, approver } => {
                let lapsed = p.passed_before(d, Some(MissedDeadline::ExtensionDecision), &mut missed, sink, |due| {
                    format!("{d} 批准延期答复，但当时的答复期限 {due} 已过：期限届满后不能再延长，答复自 {due} 起逾期（《条例》第三十三条）")
                })?;
                if !lapsed {
                    p.extension += days.get();
                    say(sink, d, EVENT, || {
                        format!("{d} 经{approver}同意延期答复，延长{}个工作日（《条例》第三十三条，最长20个工作日）", days.get())
                    });
                }
            }
            EventKind::LaterDateSet { new_date } => {
                let lapsed = p.passed_before(d, Some(MissedDeadline::LaterDateDecision), &mut missed, sink, |due| {
                    format!("{d} 确定延迟答复的合理期限，但当时的答复期限 {due} 已过：期限届满后不能再延迟，答复自 {due} 起逾期（《条例》第三十五条）")
                })?;
                if !lapsed {
                    p.later = Some(*new_date);
                    say(sink, d, EVENT, || {
                        format!("{d} 申请数量、频次明显超过合理范围，确定延迟答复的合理期限至 {new_date}（《条例》第三十五条），取代法定答复期限")
                    });
                }
            }
            EventKind::FeeNoticeSent => {
                p.fee_sent = Some(d);
                // Until the applicant's receipt is recorded, the payment period is counted from today
                // (the earliest it can start), so the pause cannot run on without end.
                p.fee_cap = Some(cal.add(d, WorkingDays::new(PAYMENT_DAYS))?);
                say(sink, d, EVENT, || {
                    let pause = if settings.fee_wait_pauses_clock {
                        "；自发出收费通知至缴费之日答复期限暂停计算，至多到缴费期限届满（可调整的设置，默认暂停）"
                    } else {
                        "；按设置，等待缴费期间答复期限照常计算"
                    };
                    format!("{d} 发出收费通知（国办函〔2020〕109号）{pause}")
                });
            }
            EventKind::FeeNoticeReceived => {
                let due = cal.add_on(Side::Late, d, WorkingDays::new(PAYMENT_DAYS))?;
                p.payment_due = Some(due);
                p.fee_cap = Some(cal.add(d, WorkingDays::new(PAYMENT_DAYS))?);
                say(sink, d, EVENT, || {
                    format!("{d} 申请人收到收费通知：应自次日起20个工作日内缴费，即 {} 前（国办函〔2020〕109号）", date_zh(due))
                });
            }
            EventKind::FeePaid => {
                let end_of_pause = p.fee_cap.map_or(d, |cap| d.min(cap));
                p.fee_done = true;
                if settings.fee_wait_pauses_clock
                    && let Some(s) = p.fee_sent
                {
                    p.pauses.push((s, end_of_pause));
                }
                if S::ON {
                    let n = match p.fee_sent {
                        Some(s) if settings.fee_wait_pauses_clock => cal.count_between(s.max(p.base), end_of_pause)?.get(),
                        _ => 0,
                    };
                    let late = match p.payment_due {
                        Some(due) if d > due => format!("（晚于缴费期限 {due}，其后的时间不再扣除）"),
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
                // Validation guarantees a recorded receipt of the notice, hence a payment deadline.
                if let Some(due) = p.payment_due
                    && d <= due
                {
                    return Err(EvaluateError::Premature {
                        event: ev.at(i),
                        message: format!(
                            "缴费期限为申请人收到收费通知次日起20个工作日，至 {due} 届满；期限届满前不能视为放弃申请（国办函〔2020〕109号）"
                        ),
                    });
                }
                p.fee_done = true;
                if settings.fee_wait_pauses_clock
                    && let (Some(s), Some(cap)) = (p.fee_sent, p.fee_cap)
                {
                    p.pauses.push((s, d.min(cap)));
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
    // Pauses still open at the end, whatever ended the case: up to the end, at most to their caps.
    let mut pauses = std::mem::take(&mut p.pauses);
    pauses.extend(p.open_pauses(stop));
    merge(&mut pauses);
    let consulting = p.open.iter().flatten().any(|&(_, cap)| stop <= cap);
    let fee_open = p.fee_sent.is_some() && !p.fee_done;
    if S::ON {
        for (party, (s, cap)) in [ConsultedParty::ThirdParty, ConsultedParty::Agency].into_iter().zip(p.open).filter_map(|(party, o)| o.map(|o| (party, o))) {
            if stop > cap {
                say(sink, cap, EVENT, || {
                    format!("征求{}意见（{s} 开始）已满15个工作日：此后的时间不再扣除，答复期限恢复计算（{}）", party.name_zh(), party.article())
                });
            }
        }
        if fee_open
            && let Some(cap) = p.fee_cap
            && stop > cap
        {
            let due = p.payment_due.unwrap_or(cap);
            say(sink, cap, EVENT, || {
                if p.payment_due.is_some() {
                    format!("缴费期限 {due} 届满，未记录缴费：申请人视为放弃申请（国办函〔2020〕109号），待确认后记录 fee_expired；等待缴费的暂停至此为止，答复期限恢复计算")
                } else {
                    format!("收费通知发出已满20个工作日（{cap}），未记录申请人收到通知的日期：等待缴费的暂停按此为止，答复期限恢复计算；请记录 fee_notice_received")
                }
            });
        }
    }

    let clock = Clock { cal, base: p.base, pauses: &pauses };
    let runs = !p.correction_effective || p.restarted.is_some();
    let (reply, reply_extended) = if runs {
        let reply = clock.due(REPLY_DAYS)?;
        let ext = if p.extension > 0 { Some(clock.due(REPLY_DAYS + p.extension)?) } else { None };
        (Some(reply), ext)
    } else {
        (None, None)
    };
    let later = p.later;
    let final_due = p.lapsed.or(later).or(reply_extended).or(reply);
    let used = if runs { clock.used(stop)? } else { 0 };
    let limit = REPLY_DAYS + p.extension;

    // The reply: late from the lapsed deadline whatever ended the case; otherwise late when the
    // clock ran past the operative deadline. An application deemed abandoned for non-payment ended
    // when the payment period ran out, however late that was recorded.
    if let Some(due) = p.lapsed {
        missed.push(Missed { deadline: MissedDeadline::Reply, due, on: stop, working_days: late_by(cal, due, stop)? });
    } else if let Some(f) = final_due
        && runs
    {
        let on = match (end, p.payment_due) {
            (Some((d, Ending::FeeExpired)), Some(due)) => d.min(due),
            _ => stop,
        };
        if on > f {
            missed.push(Missed { deadline: MissedDeadline::Reply, due: f, on, working_days: late_by(cal, f, on)? });
        }
    }
    let late = missed.iter().find(|m| m.deadline == MissedDeadline::Reply).copied();
    let overdue = !missed.is_empty();
    let left = match later {
        _ if end.is_some() || late.is_some() => 0,
        Some(l) => cal.count_between(stop, l)?.get(),
        None if runs => limit.saturating_sub(used),
        None => REPLY_DAYS,
    };

    let state = match end {
        Some((_, Ending::Replied)) => State::Replied,
        Some(_) => State::Closed,
        None if p.awaiting_correction => State::AwaitingCorrection,
        None if fee_open && p.payment_due.is_some_and(|due| stop > due) => State::PaymentLapsed,
        None if fee_open => State::AwaitingPayment,
        None if consulting => State::Paused,
        None => State::Running,
    };
    let correction_notice = if end.is_some() && p.correction_requested.is_none() { None } else { Some(correction_due) };
    let correction_period = match (p.awaiting_correction, p.correction_requested) {
        (true, Some(notice)) => Some(cal.add_on(Side::Late, notice, WorkingDays::new(settings.min_correction_period_days))?),
        _ => None,
    };
    let due = DueDates {
        correction_notice,
        reply,
        reply_extended,
        later_date: later,
        third_party_answer: p.answer_due[ConsultedParty::ThirdParty.slot()],
        agency_answer: p.answer_due[ConsultedParty::Agency.slot()],
        payment: p.payment_due,
        correction_period,
    };

    let mut hi = stop.max(correction_due);
    for d in [reply, reply_extended, later, due.third_party_answer, due.agency_answer, p.payment_due, p.fee_cap].into_iter().flatten() {
        hi = hi.max(d);
    }
    let provisional = cal.is_provisional(r.arrival, hi);

    if S::ON {
        if let Some(c) = correction_notice {
            say(sink, c, DUE, || format!("补正通知期限：收到申请后第7个工作日 {}（《条例》第三十条）", date_zh(c)));
        }
        let deducted = if runs { cal.count_between(p.base, stop)?.get().saturating_sub(used) } else { 0 };
        if let Some(d) = reply {
            say(sink, d, DUE, || {
                let mut s = format!("答复期限：第20个工作日 {}（《条例》第三十三条", date_zh(d));
                if p.restarted.is_some() {
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
            say(sink, d, DUE, || format!("延期答复期限：第{}个工作日 {}（延长{}个工作日）", limit, date_zh(d), p.extension));
        }
        if let Some(d) = later {
            say(sink, d, DUE, || format!("合理答复期限：{}（《条例》第三十五条）", date_zh(d)));
        }
        if let Some(d) = p.payment_due {
            say(sink, d, DUE, || format!("缴费期限：{}", date_zh(d)));
        }
        for n in cal.notes(base0, hi)? {
            say(sink, n.date, CALENDAR, || n.text);
        }
        say(sink, NaiveDate::MAX, SUMMARY, || {
            let paused = if deducted > 0 { format!("（已扣除暂停期间{deducted}个工作日）") } else { String::new() };
            let overdue_by = |m: Missed| format!("已超过答复期限 {}，逾期{}个工作日", m.due, m.working_days);
            match (state, late) {
                (State::Replied, None) => format!("于 {stop} 答复，用{used}个工作日{paused}，在期限内"),
                (State::Replied, Some(m)) => {
                    format!("于 {stop} 答复，超过答复期限 {}，逾期{}个工作日", m.due, m.working_days)
                }
                (State::Closed, late) => {
                    let why = match end {
                        Some((_, Ending::Withdrawn)) => "申请人撤回",
                        Some((_, Ending::CorrectionExpired)) => "逾期未补正，视为放弃",
                        _ => "逾期未缴费，视为放弃",
                    };
                    match late {
                        Some(m) => format!("已于 {stop} 终止办理（{why}）；终止时{}", overdue_by(m)),
                        None => format!("已于 {stop} 终止办理（{why}）"),
                    }
                }
                (State::PaymentLapsed, late) => {
                    let due = p.payment_due.unwrap_or(stop);
                    let reply = match (late, final_due) {
                        (Some(m), _) => overdue_by(m),
                        (None, Some(f)) => format!("答复期限 {f}，剩余{left}个工作日"),
                        (None, None) => String::new(),
                    };
                    format!(
                        "截至 {stop}：缴费期限 {due} 已过，未记录缴费，待确认视为放弃（国办函〔2020〕109号；请记录 fee_expired，如已按期缴费请记录 fee_paid）；{reply}"
                    )
                }
                (_, Some(m)) => format!("截至 {stop}：{}，{}", state.name_zh(), overdue_by(m)),
                (State::AwaitingCorrection, None) => {
                    format!("截至 {stop}：等待申请人补正；收到补正材料后重新计算20个工作日")
                }
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
        warnings,
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
