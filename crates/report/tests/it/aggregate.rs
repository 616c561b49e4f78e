//! 汇总: exact sums, each unit's contribution, units with errors, refusing mixed formats/years.

use gongkai_domain::report::check::{CheckOptions, check, has_errors};
use gongkai_domain::report::spec::{FormatVersion, T4_ROW, TableId};
use gongkai_domain::report::{Report, Value};
use gongkai_report::aggregate::{AggregateError, aggregate};
use gongkai_report::testing::{SampleOptions, sample_inconsistent_report, sample_report_with};

fn samples(format: FormatVersion, year: u16, n: usize) -> Vec<Report> {
    (0..)
        .map(|s| sample_report_with(s, SampleOptions { blanks: true, decimals: true, preamble: false, date: false }))
        .filter(|r| r.format == format)
        .take(n)
        .map(|mut r| {
            r.year = Some(year);
            r
        })
        .collect()
}

fn int(r: &Report, t: TableId, row: &str, col: &str) -> i64 {
    r.value(t, row, col).and_then(|v| v.number()).and_then(|d| d.as_int()).unwrap_or(0)
}

#[test]
fn sums_are_exact_and_keep_each_units_contribution() {
    let reports = samples(FormatVersion::V2021, 2024, 5);
    let a = aggregate(&reports).unwrap();
    assert_eq!(a.units.len(), 5);
    for (t, row, col) in [(TableId::T3, "new_received", "total"), (TableId::T3, "results_total", "natural_person"), (TableId::T4, T4_ROW, "review_total")] {
        let expected: i64 = reports.iter().map(|r| int(r, t, row, col)).sum();
        assert_eq!(a.report.value(t, row, col), Some(&Value::Int(expected)), "{row}.{col}");
        assert_eq!(a.cell(t, row, col).unwrap().contributions.len(), 5);
    }
    // decimals add exactly
    let fees = reports
        .iter()
        .filter_map(|r| r.value(TableId::T2, "admin_fees", "fee_amount").and_then(Value::number))
        .try_fold(gongkai_domain::report::Decimal::ZERO, |a, b| a.checked_add(b))
        .unwrap();
    assert_eq!(a.report.value(TableId::T2, "admin_fees", "fee_amount").and_then(Value::number), Some(fees));
    // the sum of consistent reports is consistent
    let f = check(&a.report, None, &CheckOptions::default());
    assert!(!has_errors(&f), "{f:#?}");
    assert!(a.units_with_errors.is_empty());
    let j = a.to_json();
    assert!(j["reports"][0]["tables"]["t3"]["new_received"].is_array());
    assert_eq!(j["units"].as_array().unwrap().len(), 5);
    assert!(a.to_text().contains("5 个单位"));
}

#[test]
fn units_whose_reports_have_errors_are_listed() {
    let mut reports = samples(FormatVersion::V2021, 2024, 3);
    let (mut bad, _) = (0..).map(sample_inconsistent_report).find(|(r, _)| r.format == FormatVersion::V2021).unwrap();
    bad.year = Some(2024);
    reports.push(bad);
    let a = aggregate(&reports).unwrap();
    assert_eq!(a.units_with_errors, vec![3]);
    assert!(a.units[3].errors > 0);
    assert_eq!(a.to_json()["units"][3]["has_errors"], true);
}

#[test]
fn mixing_formats_or_years_is_refused_with_the_units_named() {
    let mut reports = samples(FormatVersion::V2021, 2024, 2);
    reports.extend(samples(FormatVersion::V2019, 2020, 1));
    let e = aggregate(&reports).unwrap_err();
    assert!(matches!(e, AggregateError::MixedFormats(_)));
    assert!(e.to_string().contains("2019 年格式"), "{e}");

    let mut reports = samples(FormatVersion::V2021, 2024, 2);
    reports[1].year = Some(2023);
    let e = aggregate(&reports).unwrap_err();
    assert!(e.to_string().contains("不同年度"), "{e}");
    assert_eq!(aggregate(&[]).unwrap_err(), AggregateError::Empty);
}

#[test]
fn a_unit_with_collapsed_other_handling_makes_the_sum_print_one_row() {
    let mut reports = samples(FormatVersion::V2021, 2024, 2);
    let expected: i64 = reports
        .iter()
        .map(|r| ["oh_no_correction", "oh_fee_unpaid", "oh_other"].iter().map(|row| int(r, TableId::T3, row, "total")).sum::<i64>())
        .sum();
    // collapse the second unit's three sub-rows into one row
    let r = &mut reports[1];
    let cols = ["natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org", "total"];
    let sums: Vec<i64> = cols
        .iter()
        .map(|c| ["oh_no_correction", "oh_fee_unpaid", "oh_other"].iter().map(|row| int(r, TableId::T3, row, c)).sum())
        .collect();
    r.table_mut(TableId::T3).unwrap().rows.retain(|x| !x.id.starts_with("oh_"));
    for (c, v) in cols.iter().zip(sums) {
        assert!(r.set(TableId::T3, "other_handling", c, Value::Int(v)));
    }
    let a = aggregate(&reports).unwrap();
    assert_eq!(a.report.value(TableId::T3, "other_handling", "total"), Some(&Value::Int(expected)));
    assert!(a.report.table(TableId::T3).unwrap().row("oh_other").is_none());
    assert!(a.notes.iter().any(|n| n.contains("只有一行")));
}
