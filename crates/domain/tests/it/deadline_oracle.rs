//! The engine against an independent day-by-day oracle: random timelines (receipt, a consultation,
//! an extension, a reply or an open case) evaluated by walking the calendar one day at a time,
//! with none of the engine's prefix sums, pause merging or deadline arithmetic.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::{Days, NaiveDate};
use gongkai_domain::deadline::{evaluate, MissedDeadline};
use gongkai_domain::settings::Settings;
use proptest::prelude::*;
use serde_json::json;

use super::deadline::{cal, d, received, timeline};

fn working(day: NaiveDate) -> bool {
    cal().is_working_day(day).unwrap()
}

fn next(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1)).unwrap()
}

/// The `n`-th working day after `from`, one day at a time.
fn nth_working_day(from: NaiveDate, n: u32) -> NaiveDate {
    let (mut day, mut left) = (from, n);
    while left > 0 {
        day = next(day);
        if working(day) {
            left -= 1;
        }
    }
    day
}

/// The day the `n`-th counted working day after `receipt` falls on, skipping the paused days
/// `(start, end]` (already capped); counted days in `(receipt, to]`.
fn walk(receipt: NaiveDate, pause: Option<(NaiveDate, NaiveDate)>, n: u32) -> NaiveDate {
    let paused = |day: NaiveDate| pause.is_some_and(|(s, e)| day > s && day <= e);
    let (mut day, mut left) = (receipt, n);
    while left > 0 {
        day = next(day);
        if working(day) && !paused(day) {
            left -= 1;
        }
    }
    day
}

fn counted(receipt: NaiveDate, pause: Option<(NaiveDate, NaiveDate)>, to: NaiveDate) -> u32 {
    let mut day = receipt;
    let mut n = 0;
    while day < to {
        day = next(day);
        if working(day) && !pause.is_some_and(|(s, e)| day > s && day <= e) {
            n += 1;
        }
    }
    n
}

fn start() -> impl Strategy<Value = NaiveDate> {
    (0u64..(365 * 7 + 100)).prop_map(|k| d("2019-05-15").checked_add_days(Days::new(k)).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_engine_agrees_with_a_day_by_day_walk(
        receipt in start(),
        pause_at in 0u64..30,
        pause_len in 0u64..40,
        with_pause in any::<bool>(),
        ext_at in 0u64..60,
        ext in 0u32..=20,
        reply_at in 0u64..80,
        replied in any::<bool>(),
    ) {
        let at = |k: u64| receipt.checked_add_days(Days::new(k)).unwrap();
        let p0 = at(pause_at);
        let p1 = at(pause_at + pause_len);
        // The pause counts to the answer, at most to the 15th working day (Arts. 32, 34).
        let pause = with_pause.then(|| (p0, p1.min(nth_working_day(p0, 15))));
        let mut events = vec![received(&receipt.to_string())];
        let mut dated: Vec<(NaiveDate, serde_json::Value)> = Vec::new();
        if with_pause {
            dated.push((p0, json!({"type": "consultation_started", "date": p0.to_string(), "party": "agency"})));
            dated.push((p1, json!({"type": "consultation_answered", "date": p1.to_string(), "party": "agency"})));
        }
        let x = at(ext_at);
        if ext > 0 {
            dated.push((x, json!({"type": "extension_approved", "date": x.to_string(), "days": ext, "approver": "主任"})));
        }
        let last = dated.iter().map(|(day, _)| *day).max().unwrap_or(receipt);
        let end = at(reply_at).max(last);
        if replied {
            dated.push((end, json!({"type": "replied", "date": end.to_string(), "delivery": "direct"})));
        }
        dated.sort_by_key(|(day, _)| *day);
        events.extend(dated.into_iter().map(|(_, e)| e));
        let today = end;
        let r = evaluate(&timeline(serde_json::Value::Array(events)), cal(), &Settings::default(), today).unwrap();

        // The oracle. The pause as known on the extension's day (an answer after it is not known yet).
        let pause_then = pause.filter(|&(s, _)| s <= x).map(|(s, e)| (s, e.min(x)));
        let due_then = walk(receipt, pause_then, 20);
        let lapsed = ext > 0 && x > due_then;
        let plain = walk(receipt, pause, 20);
        let operative = if lapsed { due_then } else if ext > 0 { walk(receipt, pause, 20 + ext) } else { plain };
        prop_assert_eq!(r.due.reply, Some(plain));
        prop_assert_eq!(r.final_due, Some(operative));
        prop_assert_eq!(r.working_days_used, counted(receipt, pause, end));
        let late = r.missed.iter().find(|m| m.deadline == MissedDeadline::Reply);
        if end > operative {
            let by = counted(operative, None, end).max(1);
            prop_assert_eq!(late.map(|m| (m.due, m.on, m.working_days)), Some((operative, end, by)));
        } else {
            prop_assert!(late.is_none(), "{:?}", r.missed);
        }
        prop_assert_eq!(r.missed.iter().any(|m| m.deadline == MissedDeadline::ExtensionDecision), lapsed);
        if !replied && end <= operative {
            prop_assert_eq!(r.working_days_used + r.working_days_left, 20 + ext);
        }
    }
}
