//! The statutory holidays of 《全国年节及纪念日放假办法》, for years whose State Council notice is not
//! loaded.
//!
//! Art. 2 fixes the days off for all citizens. In the version in force from 2025-01-01: 元旦 1 day
//! (1 January), 春节 4 days (农历除夕 and 正月初一 to 初三), 清明节 1 day (the day of the 清明 solar
//! term), 劳动节 2 days (1-2 May), 端午节 1 day (农历五月初五), 中秋节 1 day (农历八月十五), 国庆节
//! 3 days (1-3 October). Before 2025 (the 2013 version): 春节 3 days (初一 to 初三), 劳动节 1 day. Art. 6: a holiday
//! that falls on a Saturday or Sunday is made up on a working day (补假), on a day the law does not
//! name. The yearly notice adds the 调休 (weekdays off, paid back by weekend working days), which
//! cannot be known in advance.
//!
//! The lunar and solar-term dates come from [`FESTIVALS`], generated once and checked (see
//! docs/CLOCK.md, "Provisional years"): the three lunar dates agree in three independent
//! conversions, 清明 in three ephemerides, and every year 2019-2026 agrees with the embedded
//! State Council notices.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A day of the year as (month, day).
pub type MonthDay = (u32, u32);

/// Per year: 春节 (正月初一), 清明, 端午 (五月初五), 中秋 (八月十五).
#[rustfmt::skip]
pub const FESTIVALS: [(i32, MonthDay, MonthDay, MonthDay, MonthDay); 81] = [
    (2019, (2, 5), (4, 5), (6, 7), (9, 13)),
    (2020, (1, 25), (4, 4), (6, 25), (10, 1)),
    (2021, (2, 12), (4, 4), (6, 14), (9, 21)),
    (2022, (2, 1), (4, 5), (6, 3), (9, 10)),
    (2023, (1, 22), (4, 5), (6, 22), (9, 29)),
    (2024, (2, 10), (4, 4), (6, 10), (9, 17)),
    (2025, (1, 29), (4, 4), (5, 31), (10, 6)),
    (2026, (2, 17), (4, 5), (6, 19), (9, 25)),
    (2027, (2, 6), (4, 5), (6, 9), (9, 15)),
    (2028, (1, 26), (4, 4), (5, 28), (10, 3)),
    (2029, (2, 13), (4, 4), (6, 16), (9, 22)),
    (2030, (2, 3), (4, 5), (6, 5), (9, 12)),
    (2031, (1, 23), (4, 5), (6, 24), (10, 1)),
    (2032, (2, 11), (4, 4), (6, 12), (9, 19)),
    (2033, (1, 31), (4, 4), (6, 1), (9, 8)),
    (2034, (2, 19), (4, 5), (6, 20), (9, 27)),
    (2035, (2, 8), (4, 5), (6, 10), (9, 16)),
    (2036, (1, 28), (4, 4), (5, 30), (10, 4)),
    (2037, (2, 15), (4, 4), (6, 18), (9, 24)),
    (2038, (2, 4), (4, 5), (6, 7), (9, 13)),
    (2039, (1, 24), (4, 5), (5, 27), (10, 2)),
    (2040, (2, 12), (4, 4), (6, 14), (9, 20)),
    (2041, (2, 1), (4, 4), (6, 3), (9, 10)),
    (2042, (1, 22), (4, 4), (6, 22), (9, 28)),
    (2043, (2, 10), (4, 5), (6, 11), (9, 17)),
    (2044, (1, 30), (4, 4), (5, 31), (10, 5)),
    (2045, (2, 17), (4, 4), (6, 19), (9, 25)),
    (2046, (2, 6), (4, 4), (6, 8), (9, 15)),
    (2047, (1, 26), (4, 5), (5, 29), (10, 4)),
    (2048, (2, 14), (4, 4), (6, 15), (9, 22)),
    (2049, (2, 2), (4, 4), (6, 4), (9, 11)),
    (2050, (1, 23), (4, 4), (6, 23), (9, 30)),
    (2051, (2, 11), (4, 5), (6, 13), (9, 19)),
    (2052, (2, 1), (4, 4), (6, 1), (9, 7)),
    (2053, (2, 19), (4, 4), (6, 20), (9, 26)),
    (2054, (2, 8), (4, 4), (6, 10), (9, 16)),
    (2055, (1, 28), (4, 5), (5, 30), (10, 5)),
    (2056, (2, 15), (4, 4), (6, 17), (9, 24)),
    (2057, (2, 4), (4, 4), (6, 6), (9, 13)),
    (2058, (1, 24), (4, 4), (6, 25), (10, 2)),
    (2059, (2, 12), (4, 5), (6, 14), (9, 21)),
    (2060, (2, 2), (4, 4), (6, 3), (9, 9)),
    (2061, (1, 21), (4, 4), (6, 22), (9, 28)),
    (2062, (2, 9), (4, 4), (6, 11), (9, 17)),
    (2063, (1, 29), (4, 5), (6, 1), (10, 6)),
    (2064, (2, 17), (4, 4), (6, 19), (9, 25)),
    (2065, (2, 5), (4, 4), (6, 8), (9, 15)),
    (2066, (1, 26), (4, 4), (5, 28), (10, 3)),
    (2067, (2, 14), (4, 5), (6, 16), (9, 23)),
    (2068, (2, 3), (4, 4), (6, 4), (9, 11)),
    (2069, (1, 23), (4, 4), (6, 23), (9, 29)),
    (2070, (2, 11), (4, 4), (6, 13), (9, 19)),
    (2071, (1, 31), (4, 5), (6, 2), (9, 8)),
    (2072, (2, 19), (4, 4), (6, 20), (9, 26)),
    (2073, (2, 7), (4, 4), (6, 10), (9, 16)),
    (2074, (1, 27), (4, 4), (5, 30), (10, 5)),
    (2075, (2, 15), (4, 4), (6, 17), (9, 24)),
    (2076, (2, 5), (4, 4), (6, 6), (9, 12)),
    (2077, (1, 24), (4, 4), (6, 24), (10, 1)),
    (2078, (2, 12), (4, 4), (6, 14), (9, 20)),
    (2079, (2, 2), (4, 4), (6, 4), (9, 10)),
    (2080, (1, 22), (4, 4), (6, 22), (9, 28)),
    (2081, (2, 9), (4, 4), (6, 11), (9, 17)),
    (2082, (1, 29), (4, 4), (6, 1), (10, 6)),
    (2083, (2, 17), (4, 4), (6, 19), (9, 26)),
    (2084, (2, 6), (4, 4), (6, 7), (9, 14)),
    (2085, (1, 26), (4, 4), (5, 27), (10, 3)),
    (2086, (2, 14), (4, 4), (6, 15), (9, 22)),
    (2087, (2, 3), (4, 4), (6, 5), (9, 11)),
    (2088, (1, 24), (4, 4), (6, 23), (9, 29)),
    (2089, (2, 10), (4, 4), (6, 13), (9, 18)),
    (2090, (1, 30), (4, 4), (6, 2), (9, 8)),
    (2091, (2, 18), (4, 4), (6, 21), (9, 27)),
    (2092, (2, 7), (4, 4), (6, 9), (9, 16)),
    (2093, (1, 27), (4, 4), (5, 29), (10, 5)),
    (2094, (2, 15), (4, 4), (6, 17), (9, 24)),
    (2095, (2, 5), (4, 4), (6, 6), (9, 13)),
    (2096, (1, 25), (4, 4), (6, 24), (9, 30)),
    (2097, (2, 12), (4, 4), (6, 14), (9, 20)),
    (2098, (2, 1), (4, 4), (6, 4), (9, 9)),
    (2099, (1, 21), (4, 4), (6, 23), (9, 29)),
];

/// A statutory day off for all citizens (Art. 2), with its festival's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryHoliday {
    /// The day.
    pub date: NaiveDate,
    /// 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节.
    pub festival: &'static str,
}

/// The statutory days off of `year` (Art. 2), in date order; empty outside the table (2019-2099).
/// Where two festivals fall on the same day (中秋 on 1-3 October), the day is listed twice.
pub fn statutory_holidays(year: i32) -> Vec<StatutoryHoliday> {
    let Some(&(_, spring, qingming, dragon, autumn)) = FESTIVALS.iter().find(|row| row.0 == year) else {
        return Vec::new();
    };
    let day = |(m, d): MonthDay| NaiveDate::from_ymd_opt(year, m, d);
    let mut out = Vec::with_capacity(13);
    let mut push = |date: Option<NaiveDate>, festival: &'static str| {
        if let Some(date) = date {
            out.push(StatutoryHoliday { date, festival });
        }
    };
    // The 2024 amendment (in force 2025-01-01) added 除夕 and 2 May.
    let current = year >= 2025;
    push(day((1, 1)), "元旦");
    if let Some(first) = day(spring) {
        let from = if current { first.pred_opt() } else { Some(first) };
        for k in 0..(if current { 4 } else { 3 }) {
            push(from.and_then(|d| d.checked_add_days(Days::new(k))), "春节");
        }
    }
    push(day(qingming), "清明节");
    push(day((5, 1)), "劳动节");
    if current {
        push(day((5, 2)), "劳动节");
    }
    push(day(dragon), "端午节");
    push(day(autumn), "中秋节");
    for d in 1..=3 {
        push(day((10, d)), "国庆节");
    }
    out.sort_by_key(|h| h.date);
    out
}

/// The days the law owes as 补假 (Art. 6: a statutory holiday on a Saturday or Sunday is made up on
/// a working day) and, where two festivals share a day, the day lost to the coincidence: each placed
/// on the first weekday after the festival that is not itself a day off. The law fixes how many,
/// not where; this placement is the usual one and is used only on the late side.
pub fn substitute_days(year: i32) -> Vec<StatutoryHoliday> {
    let holidays = statutory_holidays(year);
    let mut off: Vec<NaiveDate> = holidays.iter().map(|h| h.date).collect();
    off.dedup();
    let mut out: Vec<StatutoryHoliday> = Vec::new();
    let mut previous: Option<NaiveDate> = None;
    for h in &holidays {
        let weekend = matches!(h.date.weekday(), Weekday::Sat | Weekday::Sun);
        let coincides = previous == Some(h.date);
        previous = Some(h.date);
        if !weekend && !coincides {
            continue;
        }
        let mut d = h.date;
        while let Some(next) = d.succ_opt() {
            d = next;
            let weekday = !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
            if weekday && !off.contains(&d) && !out.iter().any(|s| s.date == d) {
                out.push(StatutoryHoliday { date: d, festival: h.festival });
                break;
            }
        }
    }
    out.sort_by_key(|h| h.date);
    out
}
