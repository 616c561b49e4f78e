//! The `pdftotext -layout` reader: footers inside tables, labels broken over lines and printed
//! one character per line.
// Helpers outside #[test] functions unwrap too: the whole module is test code.
#![cfg(test)]

use std::path::{Path, PathBuf};

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::report_json;
use gongkai_domain::report::{AgencyLevel, CheckCode, Finding, FormatVersion, Report, Severity, TableId, Value};
use gongkai_report::read::layout::{is_footer, read_layout};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layout").join(name)).unwrap()
}

/// A real report from ../shared, read in place; skipped (with a message) when absent, a failure
/// when GONGKAI_REQUIRE_SHARED=1.
fn shared(name: &str) -> Option<Report> {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports").join(name);
    let Ok(text) = std::fs::read_to_string(&p) else {
        assert!(std::env::var("GONGKAI_REQUIRE_SHARED").as_deref() != Ok("1"), "{} is missing and GONGKAI_REQUIRE_SHARED=1", p.display());
        println!("skipped: {} not present", p.display());
        return None;
    };
    Some(read_layout(&text, Some(name)))
}

fn ints(r: &Report, table: TableId, row: &str) -> Vec<i64> {
    r.table(table).and_then(|t| t.row(row)).map(|row| row.cells.iter().map(|c| c.as_int().unwrap_or(-999)).collect()).unwrap_or_default()
}

fn key_figures(r: &Report) -> [i64; 4] {
    ["new_received", "carried_over", "results_total", "carried_forward"].map(|id| ints(r, TableId::T3, id).get(6).copied().unwrap_or(-1))
}

fn with_codes(f: &[Finding], code: CheckCode) -> Vec<&Finding> {
    f.iter().filter(|x| x.code == code).collect()
}

fn errors(f: &[Finding]) -> Vec<&'static str> {
    f.iter().filter(|x| x.severity == Severity::Error).map(|x| x.code.code()).collect()
}

#[test]
fn page_footers_in_every_published_style() {
    for f in ["-3-", "  - 3 -  ", "— 3 —", "－3－", "第 3 页", "第3页 共5页", "3 / 5"] {
        assert!(is_footer(f), "{f}");
    }
    for t in ["3", "-3", "一、总体情况", "行政许可  447228", "2024", "- 一 -", "72   64    178"] {
        assert!(!is_footer(t), "{t}");
    }
}

#[test]
fn a_footer_inside_table_three_and_a_wrong_row_total() {
    let r = read_layout(&fixture("footer-in-table-2024.txt"), Some("footer-in-table-2024.txt"));
    assert_eq!((r.year, r.format), (Some(2024), FormatVersion::V2021));
    assert_eq!(r.agency.as_deref(), Some("青山县人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::County));
    assert_eq!(key_figures(&r), [49, 2, 48, 3]);
    let t3 = r.table(TableId::T3).unwrap();
    assert_eq!(t3.rows.len(), 25, "every data row of the 2021 format");
    // the row printed after the footer "— 2 —", its group label split around it
    let row = t3.row("unable_needs_creation").unwrap();
    assert_eq!(row.cells, vec![Value::Int(2), Value::Int(0), Value::Int(0), Value::Int(0), Value::Int(0), Value::Int(0), Value::Int(2)]);
    assert_eq!(row.line, Some(108));
    // labels broken before and after their numbers come back whole, vertical labels stay out
    assert_eq!(t3.row("partial").unwrap().label, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
    assert_eq!(t3.row("oh_no_correction").unwrap().label, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
    assert_eq!(t3.row("denied_law_forbidden").unwrap().label, "2.其他法律行政法规禁止公开");
    // thousands separators and decimals in table 二
    assert_eq!(ints(&r, TableId::T2, "admin_licensing"), vec![12406]);
    assert_eq!(ints(&r, TableId::T2, "admin_penalty"), vec![3985]);
    assert_eq!(r.value(TableId::T2, "admin_fees", "fee_amount"), Some(&Value::Dec("1532.75".parse().unwrap())));
    assert_eq!(ints(&r, TableId::T4, "appeals"), vec![3, 1, 0, 1, 5, 2, 0, 0, 0, 2, 1, 0, 0, 0, 1]);
    // the footer's page number is not in the narrative; wrapped lines are one paragraph
    let s1 = r.section("s1").unwrap();
    assert!(!s1.text.contains("-1-"));
    assert!(s1.text.contains("全年主动公开政府信息 2316 条。"), "{}", s1.text);
    assert!(r.reader_findings.is_empty(), "{:?}", r.reader_findings);
    // the planted defect: （一）予以公开 20+1+1 = 22 printed as 23, which also breaks （七）总计's 总计
    let f = check(&r, None, &CheckOptions::default());
    let rt = with_codes(&f, CheckCode::T3RowTotal);
    assert_eq!(rt.len(), 1, "{f:?}");
    assert_eq!(rt[0].location.row.as_deref(), Some("granted"));
    assert_eq!(rt[0].location.line, Some(74));
    assert!(errors(&f).iter().all(|c| matches!(*c, "T3_ROW_TOTAL" | "T3_RESULTS_TOTAL")), "{:?}", errors(&f));
    insta::assert_json_snapshot!("layout_footer_in_table_2024", report_json(&r, &r.reader_findings));
}

#[test]
fn huaian_2024_every_relation_holds() {
    let Some(r) = shared("2024-huaian-city.pdftotext.txt") else { return };
    assert_eq!((r.year, r.format), (Some(2024), FormatVersion::V2021));
    assert_eq!(r.agency.as_deref(), Some("淮安市人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::City));
    assert_eq!(key_figures(&r), [3119, 34, 3050, 103]);
    let t4 = ints(&r, TableId::T4, "appeals");
    assert_eq!(t4[..5], [72, 64, 178, 37, 351]);
    assert_eq!(t4[9] + t4[14], 46, "直接起诉 + 复议后起诉");
    assert_eq!(ints(&r, TableId::T2, "admin_penalty"), vec![3_985_758]);
    assert_eq!(r.value(TableId::T2, "admin_fees", "fee_amount"), Some(&Value::Dec("96171.6".parse().unwrap())));
    assert_eq!(ints(&r, TableId::T3, "partial"), vec![447, 7, 0, 0, 0, 0, 454]);
    assert_eq!(ints(&r, TableId::T3, "oh_fee_unpaid"), vec![6, 0, 0, 0, 0, 0, 6]);
    assert_eq!(r.table(TableId::T3).unwrap().rows.len(), 25);
    let f = check(&r, None, &CheckOptions::default());
    assert!(errors(&f).is_empty(), "{f:?}");
    assert!(with_codes(&f, CheckCode::LabelMismatch).is_empty(), "{f:?}");
    for s in ["s1", "s2", "s3", "s4", "s5", "s6"] {
        assert!(r.section(s).is_some(), "{s}");
    }
    assert!(r.section("s6").unwrap().text.contains("3940 元"));
}

#[test]
fn hongze_2023_group_totals_collapsed_rows_and_a_typo() {
    let Some(r) = shared("2023-hongze-district.pdftotext.txt") else { return };
    assert_eq!((r.year, r.format), (Some(2023), FormatVersion::V2021));
    assert_eq!(r.agency.as_deref(), Some("淮安市洪泽区人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::County));
    assert_eq!(key_figures(&r), [21, 0, 21, 0]);
    assert_eq!(ints(&r, TableId::T4, "appeals"), vec![10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]);
    assert_eq!(ints(&r, TableId::T3, "other_handling"), vec![0; 7]);
    assert_eq!(ints(&r, TableId::T3, "partial"), vec![4, 0, 0, 0, 0, 0, 4]);
    let f = check(&r, None, &CheckOptions::default());
    let groups: Vec<_> = with_codes(&f, CheckCode::T4GroupTotal).iter().filter_map(|x| x.location.column.clone()).collect();
    assert_eq!(groups.len(), 2, "{f:?}");
    assert!(!with_codes(&f, CheckCode::CollapsedRows).is_empty(), "{f:?}");
    let lm = with_codes(&f, CheckCode::LabelMismatch);
    assert_eq!(lm.len(), 1, "{lm:?}");
    assert_eq!(lm[0].location.row.as_deref(), Some("denied_law_forbidden"));
    assert!(errors(&f).iter().all(|c| *c == "T4_GROUP_TOTAL"), "{:?}", errors(&f));
}

#[test]
fn hongze_2024_carries_over_from_2023() {
    let Some(r) = shared("2024-hongze-district.pdftotext.txt") else { return };
    assert_eq!(key_figures(&r), [95, 0, 95, 0]);
    assert_eq!(ints(&r, TableId::T4, "appeals"), vec![1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]);
    assert_eq!(ints(&r, TableId::T3, "unable_not_held"), vec![31, 0, 0, 0, 0, 0, 31]);
    let prev = shared("2023-hongze-district.pdftotext.txt");
    let f = check(&r, prev.as_ref(), &CheckOptions::default());
    assert!(errors(&f).is_empty(), "{f:?}");
    assert!(!with_codes(&f, CheckCode::CollapsedRows).is_empty());
    assert_eq!(with_codes(&f, CheckCode::LabelMismatch).len(), 1);
    assert!(with_codes(&f, CheckCode::CarryoverMismatch).is_empty());
}
