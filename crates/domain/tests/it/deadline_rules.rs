//! The rules above the working-day arithmetic (issue 8 of the legal review): a deadline that has
//! passed stays passed, no premature or contradictory closure, pauses end the same way whatever ends
//! them, bounded receipt dates, provisional years, the regulation's time, and the small ones.
//! One table per rule; each case is named, dated, and cites its article.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use gongkai_calendar::{Side, WorkingDays};
use gongkai_domain::deadline::{evaluate, EvaluateError, MissedDeadline, State, Timeline};
use gongkai_domain::settings::{LateConfirmation, Settings};
use serde_json::{json, Value};

use super::deadline::{cal, d, invalid, received, run, run_with, timeline};

fn ev(kind: &str, date: &str) -> Value {
    json!({"type": kind, "date": date})
}

fn extension(date: &str, days: u32) -> Value {
    json!({"type": "extension_approved", "date": date, "days": days, "approver": "办公室主任"})
}

fn later(date: &str, new_date: &str) -> Value {
    json!({"type": "later_date_set", "date": date, "new_date": new_date})
}

fn consult(kind: &str, date: &str) -> Value {
    json!({"type": kind, "date": date, "party": "third_party"})
}

fn replied(date: &str) -> Value {
    json!({"type": "replied", "date": date, "delivery": "post"})
}

/// `(deadline, due, on, working days)` of every missed deadline.
fn missed(r: &gongkai_domain::deadline::DeadlineReport) -> Vec<(MissedDeadline, String, String, u32)> {
    r.missed.iter().map(|m| (m.deadline, m.due.to_string(), m.on.to_string(), m.working_days)).collect()
}

fn wd(from: &str, to: &str) -> u32 {
    cal().count_between(d(from), d(to)).unwrap().get()
}

// ---- 1. decisions after the running deadline do not reopen it ----

#[test]
fn decisions_after_the_running_deadline_leave_the_reply_overdue_from_it() {
    use MissedDeadline::{CorrectionNotice, ExtensionDecision, LaterDateDecision, Reply};
    // Receipt 2025-03-03 (Monday): 补正 notice due 03-12, reply due 03-31 (Arts. 30, 33).
    struct Case {
        name: &'static str,
        events: Value,
        today: &'static str,
        missed: Vec<(MissedDeadline, &'static str, &'static str, u32)>,
        final_due: &'static str,
        says: &'static str,
    }
    let cases = [
        Case {
            name: "Art. 33: extension approved two working days after the reply deadline",
            events: json!([received("2025-03-03"), extension("2025-04-02", 10), replied("2025-04-10")]),
            today: "2025-04-30",
            missed: vec![(ExtensionDecision, "2025-03-31", "2025-04-02", 2), (Reply, "2025-03-31", "2025-04-10", 7)],
            final_due: "2025-03-31",
            says: "2025-04-02 批准延期答复，但当时的答复期限 2025-03-31 已过：期限届满后不能再延长，答复自 2025-03-31 起逾期（《条例》第三十三条）",
        },
        Case {
            name: "Art. 35: later date set one working day after the reply deadline",
            events: json!([received("2025-03-03"), later("2025-04-01", "2025-05-30"), replied("2025-05-20")]),
            today: "2025-06-01",
            missed: vec![(LaterDateDecision, "2025-03-31", "2025-04-01", 1), (Reply, "2025-03-31", "2025-05-20", wd("2025-03-31", "2025-05-20"))],
            final_due: "2025-03-31",
            says: "当时的答复期限 2025-03-31 已过：期限届满后不能再延迟，答复自 2025-03-31 起逾期（《条例》第三十五条）",
        },
        Case {
            name: "Art. 35: a later date re-set after the first one passed",
            events: json!([received("2025-03-03"), later("2025-03-20", "2025-04-15"), later("2025-04-18", "2025-05-30"), replied("2025-05-20")]),
            today: "2025-06-01",
            missed: vec![(LaterDateDecision, "2025-04-15", "2025-04-18", 3), (Reply, "2025-04-15", "2025-05-20", wd("2025-04-15", "2025-05-20"))],
            final_due: "2025-04-15",
            says: "当时的答复期限 2025-04-15 已过",
        },
        Case {
            name: "Art. 33: extension after the deadline, case still open: overdue to today",
            events: json!([received("2025-03-03"), extension("2025-04-02", 20)]),
            today: "2025-04-08",
            missed: vec![(ExtensionDecision, "2025-03-31", "2025-04-02", 2), (Reply, "2025-03-31", "2025-04-08", 5)],
            final_due: "2025-03-31",
            says: "截至 2025-04-08：计时中，已超过答复期限 2025-03-31，逾期5个工作日",
        },
        Case {
            name: "Art. 30: 补正 notice after the reply deadline does not restart the clock",
            events: json!([received("2025-03-03"), ev("correction_requested", "2025-04-02"), ev("correction_received", "2025-04-10"), replied("2025-04-21")]),
            today: "2025-04-30",
            missed: vec![(CorrectionNotice, "2025-03-12", "2025-04-02", 15), (Reply, "2025-03-31", "2025-04-21", wd("2025-03-31", "2025-04-21"))],
            final_due: "2025-03-31",
            says: "补正通知发出时答复期限 2025-03-31 已过：期限届满后要求补正不使答复期限重新计算，答复自 2025-03-31 起逾期（《条例》第三十条）",
        },
        Case {
            name: "Art. 30: 补正 notice after the deadline, then deemed abandoned: still overdue",
            events: json!([received("2025-03-03"), ev("correction_requested", "2025-04-02"), ev("correction_expired", "2025-05-06")]),
            today: "2025-05-10",
            missed: vec![(CorrectionNotice, "2025-03-12", "2025-04-02", 15), (Reply, "2025-03-31", "2025-05-06", wd("2025-03-31", "2025-05-06"))],
            final_due: "2025-03-31",
            says: "已于 2025-05-06 终止办理（逾期未补正，视为放弃）；终止时已超过答复期限 2025-03-31",
        },
        Case {
            name: "Art. 33: a second extension after the first extended deadline passed",
            // Reply 01-20 → 02-21; +5 → 02-28; the second extension on 03-03 comes after 02-28.
            events: json!([received("2025-01-20"), extension("2025-02-20", 5), extension("2025-03-03", 10), replied("2025-03-10")]),
            today: "2025-03-31",
            missed: vec![(ExtensionDecision, "2025-02-28", "2025-03-03", 1), (Reply, "2025-02-28", "2025-03-10", 6)],
            final_due: "2025-02-28",
            says: "当时的答复期限 2025-02-28 已过",
        },
    ];
    for c in cases {
        let r = run(c.events, c.today);
        let want: Vec<_> = c.missed.iter().map(|(k, due, on, n)| (*k, due.to_string(), on.to_string(), *n)).collect();
        assert_eq!(missed(&r), want, "{}", c.name);
        assert!(r.overdue, "{}", c.name);
        assert_eq!(r.final_due, Some(d(c.final_due)), "{}", c.name);
        assert_eq!(r.working_days_left, 0, "{}", c.name);
        let text = r.explanation.join("\n");
        assert!(text.contains(c.says), "{}: {text}", c.name);
        assert!(!text.contains("在期限内"), "{}: {text}", c.name);
    }
}

#[test]
fn a_late_correction_notice_within_the_reply_period_keeps_its_restart_and_says_it_was_late() {
    // Art. 30: receipt 2025-03-03, notice due 03-12, sent 03-14 (2 working days late) while the
    // reply period (to 03-31) still ran; corrected application 03-20 → 20 working days → 04-18.
    let r = run(
        json!([received("2025-03-03"), ev("correction_requested", "2025-03-14"), ev("correction_received", "2025-03-20"), replied("2025-04-18")]),
        "2025-04-30",
    );
    assert_eq!(missed(&r), [(MissedDeadline::CorrectionNotice, "2025-03-12".into(), "2025-03-14".into(), 2)]);
    assert_eq!(r.due.reply, Some(d("2025-04-18")));
    assert_eq!(r.state, State::Replied);
    let text = r.explanation.join("\n");
    assert!(text.contains("补正通知本身逾期：应在收到申请后7个工作日内即 2025-03-12 前发出，逾期2个工作日"), "{text}");
    assert!(text.contains("补正通知在答复期限内发出：收到补正材料后答复期限仍重新计算"), "{text}");
    assert!(text.contains("于 2025-04-18 答复，用20个工作日，在期限内"), "{text}");
}

#[test]
fn decisions_while_an_extension_runs_are_not_called_late() {
    // Reply 2025-01-20 → 02-21; +10 approved 02-14 → 03-07; +5 more approved 02-26 (after the
    // original date, inside the running extension) → 03-14 (Art. 33: 20 at most in total).
    let r = run(
        json!([received("2025-01-20"), extension("2025-02-14", 10), extension("2025-02-26", 5), replied("2025-03-12")]),
        "2025-03-31",
    );
    assert!(r.missed.is_empty(), "{:?}", r.missed);
    assert_eq!(r.due.reply_extended, Some(d("2025-03-14")));
    let text = r.explanation.join("\n");
    assert!(!text.contains("已逾期") && !text.contains("已过"), "{text}");
    assert!(text.contains("在期限内"), "{text}");
    // An Art. 35 date set inside the extended period is in time too.
    let r = run(json!([received("2025-01-20"), extension("2025-02-14", 10), later("2025-03-05", "2025-04-30")]), "2025-03-10");
    assert!(r.missed.is_empty() && r.final_due == Some(d("2025-04-30")), "{:?}", r.missed);
}

// ---- 2. no premature or contradictory closure ----

fn premature(events: Value, today: &str) -> String {
    let e = evaluate(&timeline(events), cal(), &Settings::default(), d(today)).unwrap_err();
    assert!(matches!(e, EvaluateError::Premature { .. }), "{e:?}");
    e.to_string()
}

#[test]
fn closing_before_the_period_ran_out_is_refused_with_the_rule() {
    let fee = |expired: &str| {
        json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10"), ev("fee_notice_received", "2025-03-11"), ev("fee_expired", expired)])
    };
    // 109号: payment within 20 working days from the day after receipt of the notice: 03-11 → 04-09.
    let msg = premature(fee("2025-04-09"), "2025-04-30");
    assert!(msg.contains("第4个事件 fee_expired（逾期未缴费，2025-04-09）") && msg.contains("至 2025-04-09 届满") && msg.contains("109号"), "{msg}");
    let ok = run(fee("2025-04-10"), "2025-04-30");
    assert_eq!(ok.state, State::Closed);
    // Arts. 32, 34: a consultation started 03-10 may be answered until 03-31.
    let msg = premature(json!([received("2025-03-03"), consult("consultation_started", "2025-03-10"), consult("consultation_expired", "2025-03-31")]), "2025-04-30");
    assert!(msg.contains("15个工作日内即 2025-03-31 前提出意见") && msg.contains("《条例》第三十二条"), "{msg}");
    let ok = run(json!([received("2025-03-03"), consult("consultation_started", "2025-03-10"), consult("consultation_expired", "2025-04-01")]), "2025-04-01");
    assert_eq!(ok.due.reply, Some(d("2025-04-22")));
}

#[test]
fn contradictory_fee_events_are_refused() {
    let cases: [(Value, &[&str]); 5] = [
        (json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10"), ev("fee_notice_received", "2025-03-11"), ev("fee_paid", "2025-03-14"), ev("fee_expired", "2025-05-01")]),
         &["第5个事件 fee_expired", "已经缴费，不能视为逾期未缴费而放弃申请", "109号"]),
        (json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10"), ev("fee_expired", "2025-05-01")]),
         &["第3个事件 fee_expired", "没有记录申请人收到收费通知（fee_notice_received）"]),
        (json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10"), ev("fee_notice_received", "2025-03-11"), ev("fee_notice_received", "2025-03-12")]),
         &["第4个事件 fee_notice_received", "已经记录过"]),
        (json!([received("2025-03-03"), ev("fee_paid", "2025-03-11")]), &["第2个事件 fee_paid", "没有发出收费通知"]),
        (json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10"), ev("fee_paid", "2025-03-11"), ev("fee_notice_received", "2025-03-12")]),
         &["第4个事件 fee_notice_received", "已经缴费"]),
    ];
    for (events, needles) in cases {
        let msg = invalid(events.clone());
        for n in needles {
            assert!(msg.contains(n), "{events}\n→ {msg}\nmissing: {n}");
        }
    }
}

#[test]
fn a_short_correction_period_is_accepted_with_a_warning() {
    // Art. 30 asks for a *reasonable* period and names no number: refusing would block a closure
    // whose notice set a short period we do not record; the warning names the threshold [M].
    let short = run(json!([received("2025-03-03"), ev("correction_requested", "2025-03-05"), ev("correction_expired", "2025-03-12")]), "2025-04-01");
    assert_eq!(short.state, State::Closed);
    assert_eq!(short.warnings.len(), 1, "{:?}", short.warnings);
    assert!(short.warnings[0].contains("只有5个工作日，少于设置的合理补正期限下限10个工作日"), "{:?}", short.warnings);
    assert!(short.explanation.iter().any(|l| l.starts_with("注意：补正通知（2025-03-05）")), "{:?}", short.explanation);
    let fine = run(json!([received("2025-03-03"), ev("correction_requested", "2025-03-05"), ev("correction_expired", "2025-03-19")]), "2025-04-01");
    assert!(fine.warnings.is_empty(), "{:?}", fine.warnings);
    let s = Settings { min_correction_period_days: 15, ..Settings::default() };
    let r = run_with(json!([received("2025-03-03"), ev("correction_requested", "2025-03-05"), ev("correction_expired", "2025-03-19")]), "2025-04-01", &s);
    assert_eq!(r.warnings.len(), 1);
}

// ---- 3. a pause behaves the same whatever ends it ----

#[test]
fn an_open_fee_wait_keeps_its_pause_when_the_reply_comes_like_a_consultation() {
    // Receipt 03-03; pause from 03-10; reply 03-20 with the fee unpaid / the consultation open:
    // 03-04..07 and 03-10 counted (5), (03-10, 03-20] paused.
    let fee = run(json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10"), ev("fee_notice_received", "2025-03-11"), replied("2025-03-20")]), "2025-03-31");
    let consultation = run(json!([received("2025-03-03"), consult("consultation_started", "2025-03-10"), replied("2025-03-20")]), "2025-03-31");
    assert_eq!((fee.working_days_used, consultation.working_days_used), (5, 5));
    assert_eq!(fee.due.reply, consultation.due.reply);
    assert_eq!((fee.working_days_left, consultation.working_days_left), (0, 0));
}

#[test]
fn an_unpaid_fee_wait_ends_at_the_payment_deadline_and_says_so() {
    // 109号: notice received 03-11 → payment due 04-09; the pause (03-10, 04-09] ends there, the
    // clock runs again: 5 days before, 15 after → 04-29, the same whatever day it is asked.
    let events = json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10"), ev("fee_notice_received", "2025-03-11")]);
    let waiting = run(events.clone(), "2025-04-09");
    assert_eq!(waiting.state, State::AwaitingPayment);
    let lapsed = run(events.clone(), "2025-04-20");
    assert_eq!(lapsed.state, State::PaymentLapsed);
    assert_eq!(lapsed.due.reply, Some(d("2025-04-29")));
    assert_eq!(lapsed.due.reply, waiting.due.reply);
    let last = lapsed.explanation.last().unwrap();
    assert!(last.contains("缴费期限 2025-04-09 已过，未记录缴费，待确认视为放弃") && last.contains("答复期限 2025-04-29"), "{last}");
    assert!(lapsed.explanation.iter().any(|l| l.contains("等待缴费的暂停至此为止，答复期限恢复计算")), "{:?}", lapsed.explanation);
    let later_still = run(events.clone(), "2025-05-20");
    assert_eq!(later_still.due.reply, Some(d("2025-04-29")));
    assert!(later_still.overdue, "a lapsed fee wait left open past the reply deadline is shown as overdue");
    // Recording the expiry late does not make the reply late: the application ended on 04-09.
    let mut closed = events.as_array().unwrap().clone();
    closed.push(ev("fee_expired", "2025-05-20"));
    let r = run(Value::Array(closed), "2025-05-31");
    assert_eq!(r.state, State::Closed);
    assert!(!r.overdue && r.working_days_left == 0, "{:?}", r.missed);
    // Paid after the deadline: the pause still ends on 04-09.
    let mut paid = events.as_array().unwrap().clone();
    paid.push(ev("fee_paid", "2025-04-15"));
    assert_eq!(run(Value::Array(paid), "2025-04-20").due.reply, Some(d("2025-04-29")));
}

#[test]
fn a_fee_notice_whose_receipt_is_not_recorded_pauses_at_most_twenty_working_days() {
    // Sent 03-10, receipt not recorded: the pause is counted as if received the same day (→ 04-08).
    let r = run(json!([received("2025-03-03"), ev("fee_notice_sent", "2025-03-10")]), "2025-05-30");
    assert_eq!(r.state, State::AwaitingPayment);
    assert_eq!(r.due.reply, Some(cal().add(d("2025-04-08"), WorkingDays::new(15)).unwrap()));
    assert!(r.explanation.iter().any(|l| l.contains("请记录 fee_notice_received")), "{:?}", r.explanation);
}

#[test]
fn an_open_consultation_past_fifteen_working_days_runs_again() {
    let r = run(json!([received("2025-03-03"), consult("consultation_started", "2025-03-10")]), "2025-04-10");
    assert_eq!(r.state, State::Running);
    assert_eq!(r.due.reply, Some(d("2025-04-22")));
    assert!(r.explanation.iter().any(|l| l.contains("已满15个工作日：此后的时间不再扣除，答复期限恢复计算")), "{:?}", r.explanation);
}

// ---- 4. receipt dates bounded (Art. 31) ----

#[test]
fn receipt_dates_after_a_later_event_or_after_today_are_refused() {
    let msg = invalid(json!([{"type": "received", "date": "2025-03-03", "channel": "ordinary_letter", "confirmed": "2025-03-06"},
                             ev("correction_requested", "2025-03-05")]));
    assert!(msg.contains("confirmed（确认日期） 2025-03-06 晚于其后的第2个事件 correction_requested") && msg.contains("第三十一条"), "{msg}");
    let msg = invalid(json!([{"type": "received", "date": "2025-03-03", "channel": "registered_post", "signed": "2025-03-06"},
                             replied("2025-03-05")]));
    assert!(msg.contains("signed（签收日期） 2025-03-06 晚于其后的第2个事件 replied"), "{msg}");
    let t = timeline(json!([{"type": "received", "date": "2025-03-03", "channel": "online", "confirmed": "2025-03-05"}]));
    let e = evaluate(&t, cal(), &Settings::default(), d("2025-03-04")).unwrap_err().to_string();
    assert!(e.contains("confirmed（确认日期） 2025-03-05 晚于今天（2025-03-04）"), "{e}");
    let msg = invalid(json!([{"type": "received", "date": "2025-03-03", "channel": "online", "confirmed": "2025-03-05", "same_day_contact_failed": true}]));
    assert!(msg.contains("只适用于 ordinary_letter、email"), "{msg}");
}

#[test]
fn a_late_confirmation_is_accepted_with_a_warning_and_counted_by_the_setting() {
    let letter = |extra: Value| {
        let mut e = json!({"type": "received", "date": "2025-03-03", "channel": "ordinary_letter", "confirmed": "2025-03-05"});
        if let (Some(o), Some(x)) = (e.as_object_mut(), extra.as_object()) {
            o.extend(x.clone());
        }
        json!([e])
    };
    // Default: from arrival, unless a failed same-day contact is on record.
    let r = run(letter(json!({})), "2025-03-10");
    assert_eq!((r.receipt_date, r.due.reply), (d("2025-03-03"), Some(d("2025-03-31"))));
    assert!(r.warnings[0].contains("《条例》第三十一条要求收到申请当日与申请人确认") && r.warnings[0].contains("自到达之日 2025-03-03 起算"), "{:?}", r.warnings);
    let r = run(letter(json!({"same_day_contact_failed": true})), "2025-03-10");
    assert_eq!(r.receipt_date, d("2025-03-05"));
    assert!(r.warnings[0].contains("已记录到达当日联系申请人未果"), "{:?}", r.warnings);
    let s = Settings { late_confirmation: LateConfirmation::Confirmation, ..Settings::default() };
    let r = run_with(letter(json!({})), "2025-03-10", &s);
    assert_eq!(r.receipt_date, d("2025-03-05"));
    assert_eq!(r.warnings.len(), 1);
    // Same-day confirmation: nothing to warn about.
    let r = run(json!([{"type": "received", "date": "2025-03-03", "channel": "email", "confirmed": "2025-03-03"}]), "2025-03-10");
    assert!(r.warnings.is_empty());
}

// ---- 5. provisional years keep what the law fixes ----

#[test]
fn provisional_deadlines_bind_the_agency_early_and_the_applicant_late() {
    // 2027 (no notice loaded): 劳动节 5/1-5/2 falls on a weekend, so two weekdays of 补假 are owed
    // (办法 Art. 6) whose dates the notice will set. The reply (agency) counts them as working days,
    // the payment period (applicant) as days off.
    let r = run(
        json!([received("2027-04-26"), ev("fee_notice_sent", "2027-04-26"), ev("fee_notice_received", "2027-04-26")]),
        "2027-04-26",
    );
    assert!(r.provisional);
    assert_eq!(r.due.payment, Some(d("2027-05-26")));
    assert_eq!(r.due.payment, Some(cal().add_on(Side::Late, d("2027-04-26"), WorkingDays::new(20)).unwrap()));
    let plain = run(json!([received("2027-04-26")]), "2027-04-26");
    assert_eq!(plain.due.reply, Some(d("2027-05-24")));
    let text = plain.explanation.join("\n");
    assert!(text.contains("劳动节假期 5月1日至5月2日不计"), "{text}");
    assert!(text.contains("2027年节假日安排尚未载入") && text.contains("约束行政机关的期限按较早的可能日期计算"), "{text}");
    // A consulted party's 15 working days: late side too.
    let r = run(json!([received("2027-04-20"), consult("consultation_started", "2027-04-26")]), "2027-04-27");
    assert_eq!(r.due.third_party_answer, Some(cal().add_on(Side::Late, d("2027-04-26"), WorkingDays::new(15)).unwrap()));
    assert_eq!(r.due.third_party_answer, Some(d("2027-05-19")));
}

// ---- 6. outside the regulation's time ----

#[test]
fn applications_before_the_revised_regulation_and_fees_before_109_are_refused() {
    let msg = invalid(json!([received("2019-05-14")]));
    assert!(msg.contains("2008年施行的《政府信息公开条例》") && msg.contains("15个工作日"), "{msg}");
    assert_eq!(run(json!([received("2019-05-15")]), "2019-05-15").due.reply, Some(d("2019-06-13")));
    let msg = invalid(json!([received("2020-12-10"), ev("fee_notice_sent", "2020-12-31")]));
    assert!(msg.contains("第2个事件 fee_notice_sent") && msg.contains("2021年1月1日") && msg.contains("第四十二条"), "{msg}");
    let r = run(json!([received("2020-12-10"), ev("fee_notice_sent", "2021-01-04")]), "2021-01-04");
    assert_eq!(r.state, State::AwaitingPayment);
}

// ---- 7. small ones ----

#[test]
fn a_reply_posted_on_the_saturday_after_a_friday_deadline_is_one_working_day_late() {
    // Receipt 2025-01-20 → reply due Friday 2025-02-21; handed to the post office Saturday 02-22.
    let r = run(json!([received("2025-01-20"), replied("2025-02-22")]), "2025-03-01");
    assert_eq!(missed(&r), [(MissedDeadline::Reply, "2025-02-21".into(), "2025-02-22".into(), 1)]);
    assert_eq!(r.explanation.last().unwrap(), "于 2025-02-22 答复，超过答复期限 2025-02-21，逾期1个工作日");
}

#[test]
fn concluded_cases_have_no_working_days_left() {
    for end in [replied("2025-02-10"), ev("withdrawn", "2025-02-10")] {
        let r = run(json!([received("2025-01-20"), end]), "2025-02-12");
        assert_eq!(r.working_days_left, 0, "{:?}", r.state);
    }
}

#[test]
fn electronic_delivery_counts_on_the_day_it_reached_the_applicant() {
    let r = run(json!([received("2025-01-20"), {"type": "replied", "date": "2025-02-21", "delivery": "electronic"}]), "2025-03-01");
    assert!(!r.overdue);
    assert!(r.explanation.iter().any(|l| l.contains("电子送达（平台、电子邮件），以到达申请人账户或邮箱之日为答复日")));
    let msg = invalid(json!([received("2025-01-20"), {"type": "replied", "date": "2025-02-21", "delivery": "pigeon"}]));
    assert!(msg.contains("可用：direct、entrusted、post、electronic"), "{msg}");
}

#[test]
fn the_fast_path_refuses_what_the_explaining_path_refuses() {
    let t = Timeline::from_json(
        &json!({"events": [received("2025-03-03"), consult("consultation_started", "2025-03-10"), consult("consultation_expired", "2025-03-20")]}).to_string(),
    )
    .unwrap();
    assert!(matches!(evaluate(&t, cal(), &Settings::default(), d("2025-04-01")), Err(EvaluateError::Premature { .. })));
}
