//! Benchmark: evaluate 1,000,000 typical timelines (5-8 events) on one core.
//!
//! `cargo bench -p gongkai-domain --bench deadline` (no criterion: one timed pass, printed).
//! Timelines are generated deterministically (an LCG), built and validated first (timed
//! separately), then evaluated by the fast path; a sample is also run through `explain`.

use std::hint::black_box;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use gongkai_calendar::{Calendar, Side, WorkingDays};
use gongkai_domain::deadline::{evaluate, explain, Channel, ConsultedParty, Delivery, Event, EventKind, Timeline};
use gongkai_domain::settings::Settings;

const N: usize = 1_000_000;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn generate(rng: &mut Lcg, cal: &Calendar) -> (Vec<Event>, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default();
    // Fees exist from 2021 (国办函〔2020〕109号): timelines with a fee start then.
    let fee_start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default();
    let shape = rng.below(5);
    let mut date = if matches!(shape, 2 | 3) {
        fee_start + Days::new(rng.below(365 * 5 + 150))
    } else {
        start + Days::new(rng.below(365 * 7 + 150))
    };
    let channel = Channel::ALL[rng.below(Channel::ALL.len() as u64) as usize];
    let received = EventKind::Received { channel, signed: None, confirmed: None, same_day_contact_failed: false };
    let mut events = vec![Event::new(date, received)];
    let step = |rng: &mut Lcg, date: &mut NaiveDate, lo: u64, hi: u64| {
        *date = *date + Days::new(lo + rng.below(hi - lo + 1));
        *date
    };
    let party = if rng.below(2) == 0 { ConsultedParty::ThirdParty } else { ConsultedParty::Agency };
    let ext_days = WorkingDays::new(1 + rng.below(20) as u32);
    let extension = || EventKind::ExtensionApproved { days: ext_days, approver: "办公室主任".to_owned() };
    let kinds: Vec<(u64, u64, EventKind)> = match shape {
        0 => vec![
            (1, 5, EventKind::CorrectionRequested),
            (3, 15, EventKind::CorrectionReceived),
            (2, 10, EventKind::ConsultationStarted { party }),
            (3, 20, EventKind::ConsultationAnswered { party }),
            (5, 20, EventKind::Replied { delivery: Delivery::Post }),
        ],
        1 => vec![
            (1, 8, EventKind::ConsultationStarted { party: ConsultedParty::ThirdParty }),
            (0, 3, EventKind::ConsultationStarted { party: ConsultedParty::Agency }),
            (2, 12, EventKind::ConsultationAnswered { party: ConsultedParty::Agency }),
            (1, 15, EventKind::ConsultationAnswered { party: ConsultedParty::ThirdParty }),
            (1, 10, extension()),
            (5, 30, EventKind::Replied { delivery: Delivery::Direct }),
        ],
        2 => vec![
            (3, 12, EventKind::FeeNoticeSent),
            (1, 4, EventKind::FeeNoticeReceived),
            (1, 20, EventKind::FeePaid),
            (1, 10, extension()),
            (3, 25, EventKind::Replied { delivery: Delivery::Entrusted }),
        ],
        3 => vec![
            (1, 6, EventKind::CorrectionRequested),
            (2, 20, EventKind::CorrectionReceived),
            (1, 5, EventKind::LaterDateSet { new_date: start }),
            (2, 10, EventKind::FeeNoticeSent),
            (1, 3, EventKind::FeeNoticeReceived),
            (1, 15, EventKind::FeePaid),
            (5, 20, EventKind::Replied { delivery: Delivery::Post }),
        ],
        _ => vec![
            (2, 10, EventKind::ConsultationStarted { party }),
            // After the consulted party's 15 working days (Arts. 32, 34): placed below.
            (1, 10, EventKind::ConsultationExpired { party }),
            (1, 5, extension()),
            (5, 30, EventKind::Replied { delivery: Delivery::Direct }),
        ],
    };
    // A third of the timelines are still open today: drop the reply.
    let open = rng.below(3) == 0;
    let count = kinds.len() - usize::from(open);
    for (lo, hi, kind) in kinds.into_iter().take(count) {
        let kind = match kind {
            // Art. 35 date: after the day it is set.
            EventKind::LaterDateSet { .. } => {
                let set = step(rng, &mut date, lo, hi);
                events.push(Event::new(set, EventKind::LaterDateSet { new_date: set + Days::new(60) }));
                continue;
            }
            EventKind::ConsultationExpired { party } => {
                date = cal.add_on(Side::Late, date, WorkingDays::new(15)).unwrap_or(date);
                let at = step(rng, &mut date, lo, hi);
                events.push(Event::new(at, EventKind::ConsultationExpired { party }));
                continue;
            }
            k => k,
        };
        let at = step(rng, &mut date, lo, hi);
        events.push(Event::new(at, kind));
    }
    let today = date + Days::new(rng.below(15));
    (events, today)
}

fn main() {
    let cal = match Calendar::national() {
        Ok(c) => c,
        Err(e) => return eprintln!("{e}"),
    };
    let settings = Settings::default();
    let mut rng = Lcg(0x5eed);
    let raw: Vec<(Vec<Event>, NaiveDate)> = (0..N).map(|_| generate(&mut rng, &cal)).collect();
    let events: usize = raw.iter().map(|(e, _)| e.len()).sum();

    let t0 = Instant::now();
    let mut timelines = Vec::with_capacity(N);
    for (events, today) in raw {
        match Timeline::new(events) {
            Ok(t) => timelines.push((t, today)),
            Err(e) => return eprintln!("generated an invalid timeline: {e}"),
        }
    }
    let build = t0.elapsed();

    let t1 = Instant::now();
    let mut checksum = 0u64;
    let mut overdue = 0usize;
    let mut provisional = 0usize;
    for (t, today) in &timelines {
        match evaluate(black_box(t), &cal, &settings, *today) {
            Ok(r) => {
                checksum += u64::from(r.working_days_used);
                overdue += usize::from(r.overdue);
                provisional += usize::from(r.provisional);
            }
            Err(e) => return eprintln!("evaluation failed: {e}"),
        }
    }
    let eval = t1.elapsed();

    let t2 = Instant::now();
    let sample = 10_000;
    for (t, today) in timelines.iter().take(sample) {
        if let Ok(r) = explain(t, &cal, &settings, *today) {
            checksum += r.explanation.len() as u64;
        }
    }
    let explained = t2.elapsed();

    println!("timelines: {N} ({:.1} events each on average)", events as f64 / N as f64);
    println!("build + validate: {:.3} s", build.as_secs_f64());
    println!(
        "evaluate:         {:.3} s  = {:.0} timelines/s  ({} overdue, {} provisional)",
        eval.as_secs_f64(),
        N as f64 / eval.as_secs_f64(),
        overdue,
        provisional
    );
    println!(
        "explain (sample {sample}): {:.3} s = {:.0} timelines/s",
        explained.as_secs_f64(),
        sample as f64 / explained.as_secs_f64()
    );
    println!("checksum {checksum}");
}
