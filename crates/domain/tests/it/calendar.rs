//! The working-day calendar: embedded data, reasons, regions, import validation, provisional years.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::NaiveDate;
use gongkai_calendar::{Calendar, CalendarError, CalendarFile, DayReason, Region, WorkingDays};

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
    assert!(future.provisional && future.working_day);
    assert!(future.reason_zh().contains("2027年节假日安排尚未载入"));
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
        (YEAR_2027.replace("holidays:", "holiday:"), "unknown field `holiday`"),
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
