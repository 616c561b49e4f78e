//! 比对: cells side by side, carry-over, narrative similarity, across the 2020 → 2021 format change.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use gongkai_domain::report::spec::{FormatVersion, T4_ROW, TableId};
use gongkai_domain::report::{Report, Value};
use gongkai_report::compare::compare;
use gongkai_report::testing::{SampleOptions, sample_report_with};

fn sample(format: FormatVersion, seed: u64) -> Report {
    (seed..seed + 200)
        .map(|s| sample_report_with(s, SampleOptions::PLAIN))
        .find(|r| r.format == format)
        .unwrap()
}

#[test]
fn a_report_compared_with_itself_has_no_change_and_carryover_holds_when_it_should() {
    let r = sample(FormatVersion::V2021, 1);
    let c = compare(&r, &r);
    assert_eq!(c.changed().count(), 0);
    assert!(c.cells.iter().all(|x| x.change.is_some_and(|d| d.is_zero())), "{:#?}", c.cells.iter().find(|x| x.change.is_none()));
    // every narrative sentence is identical to itself
    assert!(c.narrative.iter().all(|n| n.similarity.identical == n.similarity.sentences));
    let text = c.to_text();
    assert!(text.contains("逐项比对"));
    let html = c.to_html();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@page") && html.ends_with("</html>\n"));
}

#[test]
fn changes_and_percentages_and_the_carry_over() {
    let old = sample(FormatVersion::V2021, 10);
    let mut new = old.clone();
    new.year = old.year.map(|y| y + 1);
    let before = old.value(TableId::T3, "new_received", "total").and_then(Value::as_int).unwrap();
    new.set(TableId::T3, "new_received", "total", Value::Int(before * 2 + 4));
    new.set(TableId::T4, T4_ROW, "review_total", Value::Blank);
    let fwd = old.value(TableId::T3, "carried_forward", "total").and_then(Value::as_int).unwrap();
    new.set(TableId::T3, "carried_over", "total", Value::Int(fwd + 1));
    let c = compare(&old, &new);
    let cell = c.cells.iter().find(|x| x.row == "new_received" && x.column == "total").unwrap();
    assert_eq!(cell.change.unwrap().as_int(), Some(before + 4));
    if before != 0 {
        let pct = cell.percent.unwrap();
        assert!((pct - (before + 4) as f64 / before as f64 * 100.0).abs() < 1e-9);
    } else {
        assert_eq!(cell.percent, None);
    }
    assert!(!c.carryover_ok());
    let total = c.carryover.iter().find(|x| x.column == "total").unwrap();
    assert!(!total.matches);
    assert!(c.to_text().contains("不一致"));
    assert!(c.to_html().contains("class=\"bad\""));
}

#[test]
fn across_the_format_change_other_handling_is_compared_as_the_sum_of_its_sub_rows() {
    let old = sample(FormatVersion::V2019, 20);
    let new = sample(FormatVersion::V2021, 20);
    let c = compare(&old, &new);
    assert!(c.notes.iter().any(|n| n.contains("不同格式")));
    let oh = c.cells.iter().find(|x| x.row == "other_handling" && x.column == "total").unwrap();
    let sum: i64 = ["oh_no_correction", "oh_fee_unpaid", "oh_other"]
        .iter()
        .map(|r| new.value(TableId::T3, r, "total").and_then(Value::as_int).unwrap_or(0))
        .sum();
    assert_eq!(oh.new, Some(Value::Int(sum)));
    assert!(oh.old.is_some());
    // 2019-only cells are listed with the new side empty
    let proc = c.cells.iter().find(|x| x.row == "central_procurement").unwrap();
    assert_eq!(proc.new, None);
    // shared table 二 cells are compared
    let lic = c.cells.iter().find(|x| x.row == "admin_licensing" && x.column == "decisions").unwrap();
    assert!(lic.old.is_some() && lic.new.is_some() && lic.change.is_some());
}
