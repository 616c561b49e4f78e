//! The deadline engine: the worked vectors of regulation.md, a table per rule, invalid timelines,
//! and properties over 2019-2026.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::sync::OnceLock;

use chrono::NaiveDate;
use gongkai_calendar::{Calendar, WorkingDays};
use gongkai_domain::deadline::{
    evaluate, explain, DeadlineReport, Event, EventKind, MissedDeadline, State, Timeline, TimelineError,
};
use gongkai_domain::settings::Settings;
use proptest::prelude::*;
use serde_json::{json, Value};

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(crate) fn cal() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| Calendar::national().unwrap())
}

pub(crate) fn timeline(events: Value) -> Timeline {
    Timeline::from_json(&json!({ "events": events }).to_string()).unwrap()
}

pub(crate) fn run_with(events: Value, today: &str, settings: &Settings) -> DeadlineReport {
    let t = timeline(events);
    let explained = explain(&t, cal(), settings, d(today)).unwrap();
    // The fast path and the explaining path share one engine: same answer, minus the text.
    let fast = evaluate(&t, cal(), settings, d(today)).unwrap();
    assert_eq!(fast, DeadlineReport { explanation: Vec::new(), ..explained.clone() });
    explained
}

pub(crate) fn run(events: Value, today: &str) -> DeadlineReport {
    run_with(events, today, &Settings::default())
}

pub(crate) fn invalid(events: Value) -> String {
    Timeline::from_json(&json!({ "events": events }).to_string()).unwrap_err().to_string()
}

pub(crate) fn received(date: &str) -> Value {
    json!({"type": "received", "date": date, "channel": "in_person"})
}

// ---- the worked vectors of regulation.md ----

#[test]
fn vector_2025_01_20_correction_reply_and_extension() {
    let r = run(json!([received("2025-01-20")]), "2025-01-20");
    assert_eq!(r.due.correction_notice, Some(d("2025-02-05")));
    assert_eq!(r.due.reply, Some(d("2025-02-21")));
    assert_eq!(r.state, State::Running);
    assert_eq!((r.working_days_used, r.working_days_left), (0, 20));
    assert!(!r.provisional);

    let r = run(
        json!([received("2025-01-20"),
               {"type": "extension_approved", "date": "2025-02-10", "days": 20, "approver": "办公室主任"}]),
        "2025-02-10",
    );
    assert_eq!(r.due.reply, Some(d("2025-02-21")));
    assert_eq!(r.due.reply_extended, Some(d("2025-03-21")));
    assert_eq!(r.final_due, Some(d("2025-03-21")));
}

#[test]
fn vector_2024_12_30_reply_crosses_new_year() {
    let r = run(json!([received("2024-12-30")]), "2024-12-30");
    assert_eq!(r.due.reply, Some(d("2025-01-27")));
}

#[test]
fn vector_2026_02_10_spring_festival_2026() {
    let r = run(json!([received("2026-02-10")]), "2026-02-10");
    assert_eq!(r.due.correction_notice, Some(d("2026-02-26")));
    assert_eq!(r.due.reply, Some(d("2026-03-16")));
}

#[test]
fn reply_due_skips_spring_festival_and_counts_make_up_days_in_the_explanation() {
    let r = run(json!([received("2025-01-20")]), "2025-01-27");
    let text = r.explanation.join("\n");
    assert!(text.contains("收到申请 2025-01-20（当面提交"), "{text}");
    assert!(text.contains("第1个工作日 2025-01-21（星期二）"), "{text}");
    assert!(text.contains("1月26日（星期日）春节调休上班，计入"), "{text}");
    assert!(text.contains("春节假期 1月28日至2月4日不计"), "{text}");
    assert!(text.contains("2月8日（星期六）春节调休上班，计入"), "{text}");
    assert!(text.contains("答复期限：第20个工作日 2025-02-21（星期五）"), "{text}");
    assert!(text.contains("已用6个工作日"), "{text}");
    // 01-21..24, the make-up Sunday 01-26, and 01-27.
    assert_eq!((r.working_days_used, r.working_days_left), (6, 14));
    // Chronological: the make-up Sunday comes before the holiday block.
    let pos = |s: &str| text.find(s).unwrap();
    assert!(pos("1月26日") < pos("春节假期") && pos("春节假期") < pos("答复期限"));
    assert!(r.explanation.last().unwrap().starts_with("截至 2025-01-27"), "{text}");
}

// ---- each receipt channel (Art. 31) ----

#[test]
fn receipt_date_follows_the_channel() {
    // 2025-03-03 is a Monday; March 2025 has no holidays: the 20th working day after 03-03 is 03-31.
    let cases = [
        (json!({"type": "received", "date": "2025-03-03", "channel": "in_person"}), "2025-03-03", "2025-03-31"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "registered_post", "signed": "2025-03-04"}), "2025-03-04", "2025-04-01"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "registered_post"}), "2025-03-03", "2025-03-31"),
        // Confirmed two days after arrival, no failed same-day contact on record: counted from arrival.
        (json!({"type": "received", "date": "2025-03-03", "channel": "ordinary_letter", "confirmed": "2025-03-05"}), "2025-03-03", "2025-03-31"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "ordinary_letter", "confirmed": "2025-03-05", "same_day_contact_failed": true}), "2025-03-05", "2025-04-02"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "ordinary_letter", "confirmed": "2025-03-03"}), "2025-03-03", "2025-03-31"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "online", "confirmed": "2025-03-04"}), "2025-03-04", "2025-04-01"),
        (json!({"type": "received", "date": "2025-03-01", "channel": "online"}), "2025-03-01", "2025-03-28"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "fax", "confirmed": "2025-03-03"}), "2025-03-03", "2025-03-31"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "email", "confirmed": "2025-03-05"}), "2025-03-03", "2025-03-31"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "fax", "confirmed": "2025-03-05"}), "2025-03-05", "2025-04-02"),
        (json!({"type": "received", "date": "2025-03-03", "channel": "other"}), "2025-03-03", "2025-03-31"),
    ];
    for (event, receipt, reply) in cases {
        let r = run(json!([event.clone()]), "2025-03-10");
        assert_eq!(r.receipt_date, d(receipt), "{event}");
        assert_eq!(r.due.reply, Some(d(reply)), "{event}");
    }
    let r = run(json!([{"type": "received", "date": "2025-01-20", "channel": "online", "confirmed": "2025-01-20"}]), "2025-01-20");
    assert!(r.explanation[0].contains("网络申请，以双方确认之日为准"), "{:?}", r.explanation);
}

#[test]
fn channel_details_that_do_not_fit_are_rejected() {
    let msg = invalid(json!([{"type": "received", "date": "2025-03-03", "channel": "in_person", "signed": "2025-03-04"}]));
    assert!(msg.contains("signed（签收日期）只适用于 registered_post") && msg.contains("第三十一条"), "{msg}");
    let msg = invalid(json!([{"type": "received", "date": "2025-03-03", "channel": "online", "confirmed": "2025-03-01"}]));
    assert!(msg.contains("早于申请到达之日"), "{msg}");
}

// ---- start day setting [M] ----

#[test]
fn start_day_counts_setting_moves_the_due_date_one_working_day_earlier() {
    let s = Settings { start_day_counts: true, ..Settings::default() };
    let r = run_with(json!([received("2025-01-20")]), "2025-01-20", &s);
    assert_eq!(r.due.reply, Some(d("2025-02-20")));
    assert_eq!(r.due.correction_notice, Some(d("2025-01-27")));
}

// ---- correction: the clock restarts (Art. 30) ----

#[test]
fn correction_restarts_the_clock_from_the_corrected_application() {
    let waiting = run(
        json!([received("2025-01-20"), {"type": "correction_requested", "date": "2025-01-22"}]),
        "2025-02-10",
    );
    assert_eq!(waiting.state, State::AwaitingCorrection);
    assert_eq!(waiting.due.reply, None);
    assert_eq!(waiting.due.correction_notice, Some(d("2025-02-05")));
    // The reasonable correction period (10 working days by default) across the Spring Festival:
    // 01-26 and 02-08 are make-up working days, 01-28 to 02-04 holidays.
    assert_eq!(waiting.due.correction_period, Some(d("2025-02-11")));
    assert!(!waiting.overdue);

    let r = run(
        json!([received("2025-01-20"),
               {"type": "correction_requested", "date": "2025-01-22"},
               {"type": "correction_received", "date": "2025-03-03"}]),
        "2025-03-05",
    );
    assert_eq!(r.state, State::Running);
    assert_eq!(r.due.reply, Some(d("2025-03-31")));
    assert_eq!(r.due.correction_period, None, "no longer awaited");
    assert_eq!(r.working_days_used, 2);
    assert!(r.explanation.iter().any(|l| l.contains("重新计算（《条例》第三十条）")));
}

#[test]
fn late_correction_notice_is_a_missed_deadline() {
    let r = run(
        json!([received("2025-01-20"), {"type": "correction_requested", "date": "2025-02-07"}]),
        "2025-02-07",
    );
    assert!(r.overdue);
    assert_eq!(r.missed[0].deadline, MissedDeadline::CorrectionNotice);
    assert_eq!((r.missed[0].due, r.missed[0].working_days), (d("2025-02-05"), 2));
}

#[test]
fn correction_expired_closes_the_application() {
    let r = run(
        json!([received("2025-01-20"),
               {"type": "correction_requested", "date": "2025-01-22"},
               {"type": "correction_expired", "date": "2025-03-10"}]),
        "2025-04-01",
    );
    assert_eq!(r.state, State::Closed);
    assert!(!r.overdue);
}

// ---- consultation pauses (Arts. 32-34) ----

#[test]
fn consultation_pauses_the_clock_from_the_day_after_it_starts_to_the_answer() {
    // (03-10, 03-14] = 4 working days do not count: 03-31 + 4 working days, skipping 清明 04-04..06.
    let events = json!([received("2025-03-03"),
        {"type": "consultation_started", "date": "2025-03-10", "party": "third_party"},
        {"type": "consultation_answered", "date": "2025-03-14", "party": "third_party"}]);
    let r = run(events, "2025-03-14");
    assert_eq!(r.due.reply, Some(d("2025-04-07")));
    assert_eq!(r.due.third_party_answer, Some(d("2025-03-31")));
    assert_eq!(r.working_days_used, 5);
    assert_eq!(r.state, State::Running);
    assert!(r.explanation.iter().any(|l| l.contains("扣除4个工作日")), "{:?}", r.explanation);
}

#[test]
fn open_consultation_is_paused_up_to_today() {
    let r = run(
        json!([received("2025-03-03"), {"type": "consultation_started", "date": "2025-03-10", "party": "agency"}]),
        "2025-03-12",
    );
    assert_eq!(r.state, State::Paused);
    assert_eq!(r.working_days_used, 5);
    assert_eq!(r.due.agency_answer, Some(d("2025-03-31")));
    assert_eq!(r.due.reply, Some(d("2025-04-02")));
}

#[test]
fn consultation_pause_is_capped_at_fifteen_working_days() {
    // Started 03-10, capped at 03-31 (15 working days): 5 counted before, 15 after → 04-22.
    // Replied 05-06: late by 04-23..25, 04-27 (make-up Sunday), 04-28..30, 05-06 = 8 working days.
    let r = run(
        json!([received("2025-03-03"),
               {"type": "consultation_started", "date": "2025-03-10", "party": "third_party"},
               {"type": "consultation_answered", "date": "2025-05-06", "party": "third_party"},
               {"type": "replied", "date": "2025-05-06", "delivery": "direct"}]),
        "2025-06-01",
    );
    assert_eq!(r.due.reply, Some(d("2025-04-22")));
    assert_eq!(r.state, State::Replied);
    assert!(r.overdue);
    assert_eq!(r.missed[0].working_days, 8);
}

#[test]
fn overlapping_consultations_are_not_deducted_twice() {
    let r = run(
        json!([received("2025-03-03"),
               {"type": "consultation_started", "date": "2025-03-10", "party": "third_party"},
               {"type": "consultation_started", "date": "2025-03-12", "party": "agency"},
               {"type": "consultation_answered", "date": "2025-03-14", "party": "third_party"},
               {"type": "consultation_answered", "date": "2025-03-14", "party": "agency"}]),
        "2025-03-14",
    );
    assert_eq!(r.due.reply, Some(d("2025-04-07")));
}

// ---- extension (Art. 33) and Art. 35 ----

#[test]
fn extension_adds_working_days_after_pauses() {
    let r = run(
        json!([received("2025-03-03"),
               {"type": "consultation_started", "date": "2025-03-10", "party": "third_party"},
               {"type": "consultation_answered", "date": "2025-03-14", "party": "third_party"},
               {"type": "extension_approved", "date": "2025-04-01", "days": 5, "approver": "李主任"}]),
        "2025-04-01",
    );
    assert_eq!(r.due.reply, Some(d("2025-04-07")));
    assert_eq!(r.due.reply_extended, Some(cal().add(d("2025-04-07"), WorkingDays::new(5)).unwrap()));
    assert_eq!(r.working_days_left, 25 - r.working_days_used);
    assert!(r.explanation.iter().any(|l| l.contains("经李主任同意延期答复")));
}

#[test]
fn extension_approved_after_the_reply_was_due_is_missed() {
    let r = run(
        json!([received("2025-01-20"),
               {"type": "extension_approved", "date": "2025-02-24", "days": 10, "approver": "王主任"}]),
        "2025-02-24",
    );
    assert!(r.overdue);
    assert_eq!(r.missed[0].deadline, MissedDeadline::ExtensionDecision);
    assert_eq!(r.missed[0].working_days, 1);
}

#[test]
fn later_date_under_art_35_replaces_the_due_date() {
    let r = run(
        json!([received("2025-01-20"),
               {"type": "later_date_set", "date": "2025-02-10", "new_date": "2025-04-30"},
               {"type": "replied", "date": "2025-04-25", "delivery": "direct"}]),
        "2025-05-01",
    );
    assert_eq!(r.due.later_date, Some(d("2025-04-30")));
    assert_eq!(r.final_due, Some(d("2025-04-30")));
    assert!(!r.overdue);
    assert_eq!(r.state, State::Replied);
}

// ---- fee wait ----

#[test]
fn fee_wait_pauses_the_clock_by_default_and_sets_the_payment_due() {
    let events = json!([received("2025-03-03"),
        {"type": "fee_notice_sent", "date": "2025-03-10"},
        {"type": "fee_notice_received", "date": "2025-03-11"},
        {"type": "fee_paid", "date": "2025-03-14"}]);
    let r = run(events.clone(), "2025-03-14");
    assert_eq!(r.due.payment, Some(d("2025-04-09")));
    assert_eq!(r.due.reply, Some(d("2025-04-07")));
    assert_eq!(r.state, State::Running);

    let s = Settings { fee_wait_pauses_clock: false, ..Settings::default() };
    let r = run_with(events, "2025-03-14", &s);
    assert_eq!(r.due.reply, Some(d("2025-03-31")));
}

#[test]
fn unpaid_fee_awaits_payment_and_expiry_closes() {
    let r = run(
        json!([received("2025-03-03"),
               {"type": "fee_notice_sent", "date": "2025-03-10"},
               {"type": "fee_notice_received", "date": "2025-03-11"}]),
        "2025-03-20",
    );
    assert_eq!(r.state, State::AwaitingPayment);
    assert_eq!(r.working_days_used, 5);
    let r = run(
        json!([received("2025-03-03"),
               {"type": "fee_notice_sent", "date": "2025-03-10"},
               {"type": "fee_notice_received", "date": "2025-03-11"},
               {"type": "fee_expired", "date": "2025-04-10"}]),
        "2025-04-20",
    );
    assert_eq!(r.state, State::Closed);
    assert!(!r.overdue);
}

// ---- reply, delivery, conclusion ----

#[test]
fn reply_by_post_counts_on_the_day_handed_to_the_post_office() {
    let on_time = run(
        json!([received("2025-01-20"), {"type": "replied", "date": "2025-02-21", "delivery": "post"}]),
        "2025-03-01",
    );
    assert_eq!(on_time.state, State::Replied);
    assert!(!on_time.overdue);
    assert_eq!(on_time.working_days_used, 20);
    assert!(on_time.explanation.iter().any(|l| l.contains("以交邮之日为答复日")));
    let late = run(
        json!([received("2025-01-20"), {"type": "replied", "date": "2025-02-24", "delivery": "entrusted"}]),
        "2025-03-01",
    );
    assert!(late.overdue);
    assert_eq!(late.missed[0].working_days, 1);
}

#[test]
fn running_past_the_due_date_is_overdue_by_working_days() {
    let r = run(json!([received("2025-01-20")]), "2025-02-25");
    assert!(r.overdue);
    assert_eq!(r.missed[0].working_days, 2);
    assert_eq!(r.working_days_left, 0);
    assert!(r.explanation.last().unwrap().contains("逾期2个工作日"));
}

#[test]
fn withdrawal_closes_the_application() {
    let r = run(json!([received("2025-01-20"), {"type": "withdrawn", "date": "2025-01-23"}]), "2025-03-01");
    assert_eq!(r.state, State::Closed);
    assert_eq!(r.due.correction_notice, None);
    assert!(!r.overdue);
}

// ---- provisional years ----

#[test]
fn deadline_running_into_2027_is_provisional_and_says_how_to_fix_it() {
    let r = run(json!([received("2026-12-10")]), "2026-12-10");
    assert!(r.provisional);
    // 2027-01-01 (元旦, fixed by law) is not counted even before the 2027 notice is imported.
    assert_eq!(r.due.reply, Some(d("2027-01-08")));
    let last = r.explanation.last().unwrap();
    assert!(last.contains("2027年节假日安排尚未载入") && last.contains("gongkai calendar import FILE"), "{last}");
    assert!(!run(json!([received("2025-01-20")]), "2025-01-20").provisional);
}

// ---- invalid timelines ----

#[test]
fn invalid_timelines_are_rejected_naming_the_event_and_the_rule() {
    let cases: Vec<(Value, &[&str])> = vec![
        (json!([received("2025-01-20"), {"type": "replied", "date": "2025-01-10", "delivery": "direct"}]),
         &["第2个事件 replied（答复，2025-01-10）", "早于收到申请之日 2025-01-20", "第三十一条"]),
        (json!([received("2025-01-20"), {"type": "extension_approved", "date": "2025-02-10", "days": 21, "approver": "张主任"}]),
         &["第2个事件 extension_approved", "最长不得超过20个工作日", "第三十三条"]),
        (json!([received("2025-01-20"),
                {"type": "extension_approved", "date": "2025-02-10", "days": 10, "approver": "张主任"},
                {"type": "extension_approved", "date": "2025-02-12", "days": 11, "approver": "张主任"}]),
         &["第3个事件", "累计延长21个工作日"]),
        (json!([received("2025-01-20"), {"type": "extension_approved", "date": "2025-02-10", "days": 5, "approver": " "}]),
         &["负责人同意", "第三十三条"]),
        (json!([received("2025-01-20"), {"type": "extension_approved", "date": "2025-02-10", "days": 5}]),
         &["第2个事件", "缺少字段 approver"]),
        (json!([received("2025-01-20"),
                {"type": "correction_requested", "date": "2025-01-22"},
                {"type": "correction_received", "date": "2025-01-24"},
                {"type": "correction_requested", "date": "2025-01-27"}]),
         &["第4个事件 correction_requested（发出补正通知，2025-01-27）", "一次性告知", "第三十条"]),
        (json!([received("2025-01-20"),
                {"type": "replied", "date": "2025-02-10", "delivery": "post"},
                {"type": "extension_approved", "date": "2025-02-11", "days": 5, "approver": "张主任"}]),
         &["第3个事件 extension_approved", "已于 2025-02-10 办结（答复）"]),
        (json!([received("2025-01-20"),
                {"type": "withdrawn", "date": "2025-01-21"},
                {"type": "replied", "date": "2025-01-22", "delivery": "post"}]),
         &["第3个事件 replied", "办结（撤回申请）"]),
        (json!([{"type": "correction_requested", "date": "2025-01-22"}]), &["必须以 received"]),
        (json!([]), &["没有事件"]),
        (json!([received("2025-01-20"), received("2025-01-21")]), &["只能有一个 received"]),
        (json!([received("2025-01-20"),
                {"type": "fee_notice_sent", "date": "2025-01-25"},
                {"type": "correction_requested", "date": "2025-01-22"}]),
         &["事件必须按日期先后排列"]),
        (json!([received("2025-01-20"), {"type": "correction_received", "date": "2025-01-22"}]),
         &["没有待补正的补正通知"]),
        (json!([received("2025-01-20"), {"type": "consultation_answered", "date": "2025-01-22", "party": "agency"}]),
         &["没有正在进行的征求其他机关意见", "第三十四条"]),
        (json!([received("2025-01-20"), {"type": "fee_paid", "date": "2025-01-22"}]), &["没有发出收费通知"]),
        (json!([received("2025-01-20"), {"type": "later_date_set", "date": "2025-02-01", "new_date": "2025-01-30"}]),
         &["必须晚于确定之日", "第三十五条"]),
        (json!([received("2025-01-20"), {"type": "approved", "date": "2025-01-22"}]), &["第2个事件", "未知的事件类型“approved”"]),
        (json!([{"type": "received", "date": "2025-02-30", "channel": "in_person"}]), &["第1个事件", "日期无效：“2025-02-30”"]),
        (json!([{"type": "received", "date": "2025-02-03", "channel": "pigeon"}]), &["未知的申请方式"]),
        (json!([received("2025-01-20"), {"type": "replied", "date": "2025-02-03"}]), &["缺少字段 delivery"]),
        (json!([received("2025-01-20"), {"type": "withdrawn", "date": "2025-02-03", "days": 3}]), &["字段 days 不适用于 withdrawn"]),
    ];
    for (events, needles) in cases {
        let msg = invalid(events.clone());
        for n in needles {
            assert!(msg.contains(n), "{events}\n→ {msg}\nmissing: {n}");
        }
    }
}

#[test]
fn unreadable_input_gets_a_chinese_message_with_the_position() {
    let e = Timeline::from_json("").unwrap_err();
    assert!(matches!(e, TimelineError::EmptyInput));
    let e = Timeline::from_json("{\"events\": [\n  {\"type\": }\n]}").unwrap_err().to_string();
    assert!(e.contains("第2行") && e.contains("不是有效的 JSON"), "{e}");
    let e = Timeline::from_json("{\"event\": []}").unwrap_err().to_string();
    assert!(e.contains("未知字段"), "{e}");
    let e = Timeline::from_json("{\"events\": [{\"type\": \"received\"}]}").unwrap_err().to_string();
    assert!(e.contains("缺少字段“date”") && !e.contains("missing"), "{e}");
}

#[test]
fn events_after_today_are_rejected() {
    let t = timeline(json!([received("2025-01-20")]));
    let e = evaluate(&t, cal(), &Settings::default(), d("2025-01-19")).unwrap_err().to_string();
    assert!(e.contains("晚于今天（2025-01-19）"), "{e}");
}

#[test]
fn typed_constructor_validates_too() {
    let events = vec![Event::new(d("2025-01-20"), EventKind::Withdrawn)];
    assert!(matches!(Timeline::new(events), Err(TimelineError::FirstNotReceived { .. })));
}

// ---- properties over 2019-2026 ----

fn date_in_range() -> impl Strategy<Value = NaiveDate> {
    // 2019-05-15 (the revised regulation) .. 2026-11-30: results stay inside known years or just past them.
    (0i64..(365 * 8 - 31 - 134)).prop_map(|n| d("2019-05-15") + chrono::Duration::days(n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn due_dates_are_working_days(start in date_in_range(), pause_at in 0u64..30, pause_len in 0u64..25, ext in 0u32..=20) {
        let p0 = start + chrono::Days::new(pause_at);
        let p1 = p0 + chrono::Days::new(pause_len);
        let mut events = vec![received(&start.to_string()),
            json!({"type": "consultation_started", "date": p0.to_string(), "party": "third_party"}),
            json!({"type": "consultation_answered", "date": p1.to_string(), "party": "third_party"})];
        if ext > 0 {
            events.push(json!({"type": "extension_approved", "date": p1.to_string(), "days": ext, "approver": "主任"}));
        }
        let r = evaluate(&timeline(Value::Array(events)), cal(), &Settings::default(), p1).unwrap();
        for due in [r.due.reply, r.due.reply_extended, r.due.correction_notice, r.due.third_party_answer].into_iter().flatten() {
            prop_assert!(cal().is_working_day(due).unwrap(), "{due}");
        }
    }

    #[test]
    fn a_pause_never_brings_a_due_date_earlier(start in date_in_range(), pause_at in 0u64..40, pause_len in 0u64..30) {
        let p0 = start + chrono::Days::new(pause_at);
        let p1 = p0 + chrono::Days::new(pause_len);
        let plain = evaluate(&timeline(json!([received(&start.to_string())])), cal(), &Settings::default(), p1).unwrap();
        let paused = evaluate(&timeline(json!([received(&start.to_string()),
            {"type": "consultation_started", "date": p0.to_string(), "party": "agency"},
            {"type": "consultation_answered", "date": p1.to_string(), "party": "agency"}])), cal(), &Settings::default(), p1).unwrap();
        prop_assert!(paused.due.reply >= plain.due.reply);
        prop_assert!(paused.working_days_used <= plain.working_days_used);
    }

    #[test]
    fn add_then_count_back_gives_n(start in date_in_range(), n in 0u32..400) {
        let end = cal().add(start, WorkingDays::new(n)).unwrap();
        prop_assert_eq!(cal().count_between(start, end).unwrap().get(), n);
    }

    #[test]
    fn add_is_associative(start in date_in_range(), a in 0u32..200, b in 0u32..200) {
        let once = cal().add(start, WorkingDays::new(a + b)).unwrap();
        let twice = cal().add(cal().add(start, WorkingDays::new(a)).unwrap(), WorkingDays::new(b)).unwrap();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn used_plus_left_is_the_period_while_running(start in date_in_range(), after in 0u64..25) {
        let today = start + chrono::Days::new(after);
        let r = evaluate(&timeline(json!([received(&start.to_string())])), cal(), &Settings::default(), today).unwrap();
        if !r.overdue {
            prop_assert_eq!(r.working_days_used + r.working_days_left, 20);
        }
    }
}

// ---- settings are data ----

#[test]
fn settings_default_and_reject_unknown_keys() {
    let s: Settings = serde_json::from_str("{}").unwrap();
    assert_eq!(s, Settings::default());
    assert!(!s.start_day_counts && s.fee_wait_pauses_clock);
    assert_eq!(s.township_report_due.to_string(), "01-31");
    let s: Settings = serde_json::from_str(r#"{"fee_wait_pauses_clock": false, "township_report_due": "02-28"}"#).unwrap();
    assert!(!s.fee_wait_pauses_clock);
    assert_eq!((s.township_report_due.month(), s.township_report_due.day()), (2, 28));
    assert!(serde_json::from_str::<Settings>(r#"{"start_day_count": true}"#).unwrap_err().to_string().contains("unknown field"));
    let e = serde_json::from_str::<Settings>(r#"{"township_report_due": "02-30"}"#).unwrap_err().to_string();
    assert!(e.contains("日期“02-30”无效"), "{e}");
}
