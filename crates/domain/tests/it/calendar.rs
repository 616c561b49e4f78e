//! The working-day calendar: embedded data, reasons, regions, import validation, provisional years.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::NaiveDate;
use chrono::{Datelike, Days};
use gongkai_calendar::statutory::{statutory_holidays, substitute_days, FESTIVALS};
use gongkai_calendar::{Calendar, CalendarError, CalendarFile, DayReason, Region, Side, WorkingDays};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn embedded_data_knows_2019_to_2026_and_not_2027() {
    let cal = Calendar::national().unwrap();
    assert_eq!(cal.known_years().into_iter().collect::<Vec<_>>(), (2019..=2026).collect::<Vec<_>>());
    assert!(cal.is_provisional(d("2026-12-10"), d("2027-01-07")));
    assert!(!cal.is_provisional(d("2025-01-01"), d("2026-12-31")));
}

#[test]
fn days_say_why_they_are_or_are_not_working_days() {
    let cal = Calendar::national().unwrap();
    let make_up = cal.day(d("2025-01-26")).unwrap();
    assert!(make_up.working_day);
    assert_eq!(make_up.reason, DayReason::MakeUpWorkday { festival: "春节" });
    assert_eq!(make_up.describe(), "2025-01-26 星期日：工作日（春节调休上班）");
    let holiday = cal.day(d("2025-02-03")).unwrap();
    assert!(!holiday.working_day);
    assert_eq!(holiday.describe(), "2025-02-03 星期一：非工作日（春节假期（调休放假））");
    assert_eq!(cal.day(d("2025-03-08")).unwrap().describe(), "2025-03-08 星期六：非工作日（周末）");
    assert!(cal.is_working_day(d("2025-03-07")).unwrap());
    let future = cal.day(d("2027-01-01")).unwrap();
    assert!(future.provisional && !future.working_day);
    assert_eq!(future.reason_zh(), "元旦假期；2027年节假日安排尚未载入，暂按周末和法定节假日计算");
    let weekday = cal.day(d("2027-01-04")).unwrap();
    assert!(weekday.provisional && weekday.working_day);
}

#[test]
fn explain_add_lists_holidays_and_make_up_days() {
    let cal = Calendar::national().unwrap();
    let (due, lines) = cal.explain_add(d("2025-01-20"), WorkingDays::new(20)).unwrap();
    assert_eq!(due, d("2025-02-21"));
    assert_eq!(
        lines,
        [
            "起算日 2025-01-20（星期一），当日不计",
            "第1个工作日 2025-01-21（星期二）",
            "1月26日（星期日）春节调休上班，计入",
            "春节假期 1月28日至2月4日不计",
            "2月8日（星期六）春节调休上班，计入",
            "第20个工作日 2025-02-21（星期五）",
        ]
    );
}

#[test]
fn dates_outside_the_table_are_errors_not_panics() {
    let cal = Calendar::national().unwrap();
    assert!(matches!(cal.is_working_day(d("2018-12-31")), Err(CalendarError::OutOfRange { .. })));
    assert!(cal.add(d("2099-12-30"), WorkingDays::new(10)).is_err());
}

const YEAR_2027: &str = "
years:
  2027:
    notice: {title: 国务院办公厅关于2027年部分节假日安排的通知}
    holidays:
      - {date: 2027-01-01, weekday: Fri, festival: 元旦}
      - {date: 2027-02-05, festival: 春节, in_lieu: true}
    workdays:
      - {date: 2027-02-06, weekday: Sat, for_festival: 春节}
";

#[test]
fn an_imported_year_is_no_longer_provisional() {
    let mut national = CalendarFile::embedded().unwrap();
    national.merge(CalendarFile::from_yaml(YEAR_2027).unwrap(), false).unwrap();
    let cal = Calendar::new(&national, None).unwrap();
    assert!(cal.is_known_year(2027));
    assert!(!cal.is_working_day(d("2027-01-01")).unwrap());
    assert!(cal.is_working_day(d("2027-02-06")).unwrap());
}

#[test]
fn import_validation_rejects_bad_notices() {
    let cases = [
        (YEAR_2027.replace("2027-01-01, weekday: Fri", "2028-01-03, weekday: Mon"), "2027年的安排中出现了不属于该年的日期 2028-01-03"),
        (YEAR_2027.replace("2027-02-06, weekday: Sat", "2027-02-05, weekday: Fri"), "2027-02-05 同时被列为放假日和调休上班日"),
        (YEAR_2027.replace("2027-02-06, weekday: Sat", "2027-02-08, weekday: Mon"), "调休上班日 2027-02-08 是星期一"),
        (YEAR_2027.replace("weekday: Fri", "weekday: Mon"), "2027-01-01 标注为 Mon，实际是星期五"),
        (YEAR_2027.replace("2027-02-05, festival", "2027-01-01, festival"), "2027-01-01 在放假日中重复出现"),
        (YEAR_2027.replace("2027-02-05", "2027-02-30"), "日历文件格式错误（第"),
        (YEAR_2027.replace("holidays:", "holiday:"), "未知字段“holiday”（可用的字段：notice、amendments、verification、holidays、workdays）"),
        ("years: {}".to_owned(), "没有任何年度安排"),
        ("years:\n  2027: {}\n".to_owned(), "2027年的安排为空"),
        (YEAR_2027.replace("2027", "2100"), "2100年超出日历支持的范围"),
    ];
    for (text, expected) in cases {
        let err = CalendarFile::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}\nexpected: {expected}");
    }
}

#[test]
fn a_year_already_loaded_needs_replace() {
    let mut national = CalendarFile::embedded().unwrap();
    let y2026 = CalendarFile::from_yaml("years:\n  2026:\n    holidays:\n      - {date: 2026-01-01, festival: 元旦}\n").unwrap();
    let err = national.merge(y2026.clone(), false).unwrap_err();
    assert_eq!(err.to_string(), "2026年的安排已经存在；如确需替换，请加 --replace");
    national.merge(y2026, true).unwrap();
    let cal = Calendar::new(&national, None).unwrap();
    // The replaced 2026 no longer has the original Spring Festival block on 2026-02-16.
    assert!(cal.is_working_day(d("2026-02-16")).unwrap());
}

#[test]
fn a_region_adds_local_holidays() {
    let region = Region::new(
        "新疆",
        CalendarFile::from_yaml("years:\n  2025:\n    holidays:\n      - {date: 2025-03-31, festival: 肉孜节}\n").unwrap(),
    )
    .unwrap();
    let cal = Calendar::new(&CalendarFile::embedded().unwrap(), Some(&region)).unwrap();
    let day = cal.day(d("2025-03-31")).unwrap();
    assert!(!day.working_day);
    assert_eq!(day.reason_zh(), "新疆地方假日：肉孜节");
    // 20 working days after 2025-03-03 land one working day later than nationally (03-31 → 04-01).
    assert_eq!(cal.add(d("2025-03-03"), WorkingDays::new(20)).unwrap(), d("2025-04-01"));
    assert!(Region::new("../x", CalendarFile::embedded().unwrap()).is_err());
}

#[test]
fn adjoining_festivals_are_one_block() {
    let cal = Calendar::national().unwrap();
    let notes = cal.notes(d("2025-09-30"), d("2025-10-10")).unwrap();
    let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, ["国庆节、中秋节假期 10月1日至10月8日不计"]);
}

// ---- provisional years: the statutory holidays of 《全国年节及纪念日放假办法》 ----

#[test]
fn the_festival_table_agrees_with_every_loaded_state_council_notice() {
    // Each statutory day of 2019-2026 (the 2013 version before 2025, the current one from 2025) is a
    // day off of the same festival in the embedded notices: the lunar dates, 除夕 and 清明 checked.
    let cal = Calendar::national().unwrap();
    for year in 2019..=2026 {
        let days = statutory_holidays(year);
        assert_eq!(days.len(), if year >= 2025 { 13 } else { 11 }, "{year}");
        for h in days {
            let info = cal.day(h.date).unwrap();
            assert!(!info.working_day, "{year}: {} {} is a working day in the notice", h.date, h.festival);
            let festival = match info.reason {
                DayReason::Holiday { festival, .. } => festival,
                _ => "(not a holiday)",
            };
            // 2020 and 2023: 中秋 inside the 国庆 block is named after either festival.
            let same = festival == h.festival || (h.date.month() == 10 && (festival.contains("国庆") || festival.contains("中秋")));
            assert!(same, "{}: notice says {festival}, table says {}", h.date, h.festival);
        }
    }
}

#[test]
fn the_festival_table_is_a_lunar_calendar() {
    // Lunar months have 29 or 30 days; a year has at most one leap month. So from 正月初一:
    // 五月初五 is 4 (or 5 with a leap month) months + 4 days later, 八月十五 7 (or 8) months + 14 days.
    let within = |days: i64, months: i64| (29 * months..=30 * months).contains(&days);
    assert_eq!(FESTIVALS.first().unwrap().0, 2019);
    assert_eq!(FESTIVALS.last().unwrap().0, 2099);
    for (k, &(year, spring, qingming, dragon, autumn)) in FESTIVALS.iter().enumerate() {
        assert_eq!(year, 2019 + i32::try_from(k).unwrap());
        let at = |(m, dd): (u32, u32)| chrono::NaiveDate::from_ymd_opt(year, m, dd).unwrap();
        let (s, q, dr, a) = (at(spring), at(qingming), at(dragon), at(autumn));
        assert!(s >= at((1, 21)) && s <= at((2, 20)), "{year}: 春节 {s}");
        assert!(q >= at((4, 4)) && q <= at((4, 6)), "{year}: 清明 {q}");
        let to_dragon = (dr - s).num_days() - 4;
        let to_autumn = (a - s).num_days() - 14;
        assert!(within(to_dragon, 4) || within(to_dragon, 5), "{year}: 端午 {dr}");
        assert!(within(to_autumn, 7) || within(to_autumn, 8), "{year}: 中秋 {a}");
        assert!(within(to_autumn - to_dragon, 3) || within(to_autumn - to_dragon, 4), "{year}");
        if let Some(&(_, next, ..)) = FESTIVALS.get(k + 1) {
            let next = chrono::NaiveDate::from_ymd_opt(year + 1, next.0, next.1).unwrap();
            let months = (next - s).num_days();
            assert!(within(months, 12) || within(months, 13), "{year}: lunar year of {months} days");
        }
    }
}

#[test]
fn a_provisional_year_keeps_the_statutory_holidays_of_the_current_law() {
    let cal = Calendar::national().unwrap();
    // 2027: 春节 2027-02-06 (new moon 23:56 Beijing time on 02-06), 清明 04-05, 端午 06-09, 中秋 09-15.
    for day in ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05",
                "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03"] {
        let info = cal.day(d(day)).unwrap();
        assert!(!info.working_day && info.provisional, "{day}: {}", info.describe());
    }
    assert_eq!(cal.day(d("2027-02-05")).unwrap().reason_zh(), "春节假期；2027年节假日安排尚未载入，暂按周末和法定节假日计算");
    // No make-up working days are invented: the Saturday before 春节 stays a weekend day.
    assert!(!cal.is_working_day(d("2027-01-30")).unwrap());
    // 清明 2071 falls two minutes after midnight (Beijing time): 04-05, not 04-04.
    assert!(!cal.is_working_day(d("2071-04-05")).unwrap());
    assert!(cal.is_working_day(d("2071-04-06")).unwrap());
}

#[test]
fn the_substitute_days_the_law_owes_count_only_on_the_late_side() {
    let cal = Calendar::national().unwrap();
    // 2027: 春节 初一-初二 (02-06, 02-07), 劳动节 5/1-5/2 and 国庆 10/2-10/3 fall on Saturdays and
    // Sundays: Art. 6 owes two weekdays for each.
    let subs: Vec<String> = substitute_days(2027).iter().map(|s| format!("{} {}", s.date, s.festival)).collect();
    assert_eq!(subs, ["2027-02-09 春节", "2027-02-10 春节", "2027-05-03 劳动节", "2027-05-04 劳动节", "2027-10-04 国庆节", "2027-10-05 国庆节"]);
    let may3 = d("2027-05-03");
    assert!(cal.is_working_day_on(Side::Early, may3).unwrap());
    assert!(!cal.is_working_day_on(Side::Late, may3).unwrap());
    assert!(matches!(cal.day(may3).unwrap().reason, DayReason::Substitute { festival: "劳动节" }));
    // 20 working days after 2027-04-26: early 05-24, late two days later.
    assert_eq!(cal.add_on(Side::Early, d("2027-04-26"), WorkingDays::new(20)).unwrap(), d("2027-05-24"));
    assert_eq!(cal.add_on(Side::Late, d("2027-04-26"), WorkingDays::new(20)).unwrap(), d("2027-05-26"));
    assert_eq!(cal.count_between_on(Side::Late, d("2027-04-30"), d("2027-05-06")).unwrap().get(), 2);
    assert_eq!(cal.count_between_on(Side::Early, d("2027-04-30"), d("2027-05-06")).unwrap().get(), 4);
    // In a loaded year the sides agree.
    for n in [1, 7, 20, 40] {
        assert_eq!(
            cal.add_on(Side::Early, d("2025-09-20"), WorkingDays::new(n)).unwrap(),
            cal.add_on(Side::Late, d("2025-09-20"), WorkingDays::new(n)).unwrap()
        );
    }
    // 中秋 on 国庆 (2031-10-01): one day named after both, and a day owed for the coincidence.
    let info = cal.day(d("2031-10-01")).unwrap();
    assert_eq!(info.reason, DayReason::Holiday { festival: "国庆节、中秋节", in_lieu: false });
    // 10-01 is a Wednesday, 10-04/05 a weekend: the owed day goes to Monday 10-06.
    assert!(substitute_days(2031).iter().any(|s| s.date == d("2031-10-06")), "{:?}", substitute_days(2031));
}

#[test]
fn every_provisional_year_has_its_thirteen_statutory_days_off() {
    let cal = Calendar::national().unwrap();
    for year in 2027..=2099 {
        let days = statutory_holidays(year);
        assert_eq!(days.len(), 13, "{year}");
        for h in &days {
            assert!(!cal.is_working_day(h.date).unwrap(), "{year}: {}", h.date);
        }
        for s in substitute_days(year) {
            assert!(cal.is_working_day_on(Side::Early, s.date).unwrap() && !cal.is_working_day_on(Side::Late, s.date).unwrap());
            assert!(s.date.weekday().num_days_from_monday() < 5, "{}", s.date);
        }
        // Weekends stay days off; nothing else is.
        let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let year_days = if chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap().ordinal() == 366 { 366 } else { 365 };
        let off = (0..year_days)
            .map(|k| first.checked_add_days(Days::new(k)).unwrap())
            .filter(|&day| !cal.is_working_day(day).unwrap())
            .count();
        let weekend = (0..year_days)
            .map(|k| first.checked_add_days(Days::new(k)).unwrap())
            .filter(|day| day.weekday().num_days_from_monday() >= 5)
            .count();
        let mut unique: Vec<_> = days.iter().map(|h| h.date).collect();
        unique.dedup();
        let on_weekdays = unique.iter().filter(|day| day.weekday().num_days_from_monday() < 5).count();
        assert_eq!(off, weekend + on_weekdays, "{year}");
    }
}
