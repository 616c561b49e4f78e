//! The crawl reader: cells run together, recovered from the tables' own arithmetic.
// Helpers outside #[test] functions unwrap too: the whole module is test code.
#![cfg(test)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::report_json;
use gongkai_domain::report::spec::CellKind;
use gongkai_domain::report::{CheckCode, FormatVersion, Report, Severity, TableId, Value};
use gongkai_report::read::crawl::{Relation, Resolution, RowShape, RowSplits, Spaces, read_crawl, solve, split_cells, split_values};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crawl").join(name)).unwrap()
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
    Some(read_crawl(&text, Some(name)))
}

fn ints(r: &Report, table: TableId, row: &str) -> Vec<i64> {
    r.table(table).and_then(|t| t.row(row)).map(|row| row.cells.iter().map(|c| c.as_int().unwrap_or(-999)).collect()).unwrap_or_default()
}

fn key_figures(r: &Report) -> [i64; 4] {
    ["new_received", "carried_over", "results_total", "carried_forward"].map(|id| ints(r, TableId::T3, id).get(6).copied().unwrap_or(-1))
}

fn codes(findings: &[gongkai_domain::report::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.code()).collect()
}

fn one(run: &str, shape: RowShape) -> Option<Vec<u64>> {
    split_cells(run, shape, Spaces::Soft).unique().map(<[u64]>::to_vec)
}

// ---- split_cells ------------------------------------------------------------------------------

#[test]
fn split_cells_table_of_cases() {
    let t3 = RowShape::T3;
    let cases: &[(&str, Option<&[u64]>)] = &[
        // unique under the row total
        ("21710000218", Some(&[217, 1, 0, 0, 0, 0, 218])),
        ("0000000", Some(&[0; 7])),
        ("710000071", Some(&[71, 0, 0, 0, 0, 0, 71])),
        ("320000032", Some(&[32, 0, 0, 0, 0, 0, 32])),
        // two readings fit the row total alone (2/7/0/0/20/1/30 too): the table decides
        ("270020130", None),
        // stray spaces (cell padding) are boundaries
        ("230 000023", Some(&[23, 0, 0, 0, 0, 0, 23])),
        ("500000 5", Some(&[5, 0, 0, 0, 0, 0, 5])),
        ("20 0 00 0 121", Some(&[20, 0, 0, 0, 0, 1, 21])),
        ("0 0 00 00 0", Some(&[0; 7])),
        // the printed total is wrong: the spaces alone decide, the checker reports the total
        ("12 3 0 0 0 0 16", Some(&[12, 3, 0, 0, 0, 0, 16])),
        // seven digits are seven cells, but their total is wrong: listed without the sums
        // (sums_hold false, not decided by spaces), and the reader refuses it (see
        // a_crawled_copy_that_lost_blank_cells_never_reads_a_row_against_its_total)
        ("1000002", Some(&[1, 0, 0, 0, 0, 0, 2])),
    ];
    for (run, want) in cases {
        assert_eq!(one(run, t3).as_deref(), *want, "{run}");
    }
}

#[test]
fn a_split_against_the_total_is_marked_a_guess_unless_the_spaces_decide_it() {
    let s = split_cells("1000002", RowShape::T3, Spaces::Soft);
    assert!(!s.sums_hold && !s.spaced);
    let s = split_cells("12 3 0 0 0 0 16", RowShape::T3, Spaces::Soft);
    assert!(!s.sums_hold && s.spaced);
    let s = split_cells("21710000218", RowShape::T3, Spaces::Soft);
    assert!(s.sums_hold);
}

#[test]
fn split_cells_reports_every_split_of_an_ambiguous_run() {
    let s = split_cells("110000011", RowShape::T3, Spaces::Soft);
    assert!(s.complete && s.sums_hold);
    assert_eq!(s.candidates, vec![vec![1, 10, 0, 0, 0, 0, 11], vec![11, 0, 0, 0, 0, 0, 11]]);
    assert!(s.unique().is_none());
}

#[test]
fn split_cells_never_reads_a_leading_zero() {
    // "0100" into two free cells: only 0 / 100
    let s = split_cells("0100", RowShape::free(2), Spaces::Soft);
    assert_eq!(s.candidates, vec![vec![0, 100]]);
    // 00 is never one cell
    assert_eq!(one("0000000", RowShape::T3), Some(vec![0; 7]));
    assert!(split_cells("00000000", RowShape::T3, Spaces::Soft).candidates.is_empty());
}

#[test]
fn t4_runs_have_one_split_under_the_group_totals() {
    let t4 = RowShape::T4;
    assert_eq!(one("21317000001324019", t4), Some(vec![2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]));
    assert_eq!(one("10203120001200000", t4), Some(vec![1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]));
    assert_eq!(one("000000000000000", t4), Some(vec![0; 15]));
    // Huai'an 2024's table 四 run together: three readings satisfy every group total (复议后起诉
    // 12/1/1/6, 1/2/1/16 and 1/2/11/6 all make 20), so the reader must not pick one.
    let s = split_cells("72641783735113481261211620", t4, Spaces::Soft);
    assert_eq!(s.candidates.len(), 3);
    assert!(s.candidates.contains(&vec![72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]));
}

#[test]
fn a_pathological_run_returns_promptly_with_nothing_decided() {
    let start = Instant::now();
    let long = "1".repeat(200);
    let s = split_cells(&long, RowShape::T3, Spaces::Soft);
    assert!(s.candidates.is_empty());
    let medium = "10".repeat(45); // 90 digits: fits 7 cells of 15 digits only in many ways
    let s = split_cells(&medium, RowShape::T3, Spaces::Soft);
    assert!(s.unique().is_none());
    let spaced = "1 ".repeat(150);
    let s = split_cells(&spaced, RowShape::T4, Spaces::Soft);
    assert!(s.unique().is_none());
    let s = split_cells(&"9".repeat(104), RowShape::free(7), Spaces::Soft);
    assert!(!s.complete || s.candidates.len() > 1);
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

#[test]
fn junk_in_a_run_is_no_split() {
    let s = split_cells("12a45", RowShape::T3, Spaces::Soft);
    assert!(s.candidates.is_empty() && s.complete);
    assert!(split_cells("", RowShape::T3, Spaces::Soft).candidates.is_empty());
}

#[test]
fn table_two_splits_use_signs_and_decimals_but_nothing_else() {
    let counts = [CellKind::Count, CellKind::SignedCount, CellKind::Count];
    let (c, complete) = split_values("2648-18538", &counts);
    assert!(complete);
    assert_eq!(c.len(), 4, "{c:?}");
    let (c, _) = split_values("35-15", &[CellKind::Count, CellKind::SignedCount]);
    assert_eq!(c, vec![vec![Value::Int(35), Value::Int(-15)]]);
    let (c, _) = split_values("000", &[CellKind::Count; 3]);
    assert_eq!(c, vec![vec![Value::Int(0); 3]]);
    let (c, _) = split_values("96171.6", &[CellKind::Amount]);
    assert_eq!(c, vec![vec![Value::Dec("96171.6".parse().unwrap())]]);
    let (c, _) = split_values("13575394432.52", &[CellKind::Count, CellKind::Amount]);
    assert_eq!(c.len(), 10);
    assert!(c.contains(&vec![Value::Int(135), Value::Dec("75394432.52".parse().unwrap())]));
    // a decimal point in a count column: no split
    let (c, _) = split_values("1.5", &[CellKind::Count]);
    assert!(c.is_empty());
}

// ---- solve -----------------------------------------------------------------------------------

fn splits(runs: &[&str]) -> Vec<RowSplits> {
    runs.iter().map(|r| split_cells(r, RowShape::T3, Spaces::Soft)).collect()
}

#[test]
fn the_balance_rule_settles_a_row_its_own_total_cannot() {
    // rows: new_received (ambiguous alone), carried_over, results_total, carried_forward
    let rows = splits(&["110000011", "0000000", "11 0 0 0 0 0 11", "0000000"]);
    let rel = [Relation { code: CheckCode::T3Balance, lhs: vec![0, 1], rhs: vec![2, 3] }];
    let s = solve(&rows, &rel);
    assert_eq!(s.rows[0], Resolution::Unique(vec![11, 0, 0, 0, 0, 0, 11]));
    assert_eq!(s.used, vec![0]);
}

#[test]
fn rows_every_rule_allows_two_ways_stay_ambiguous() {
    let rows = splits(&["110000011", "0000000", "110000011", "0000000", "110000011"]);
    let rel = [
        Relation { code: CheckCode::T3Balance, lhs: vec![0, 1], rhs: vec![2, 3] },
        Relation { code: CheckCode::T3ResultsTotal, lhs: vec![2], rhs: vec![4] },
    ];
    let s = solve(&rows, &rel);
    for i in [0, 2, 4] {
        assert!(matches!(&s.rows[i], Resolution::Ambiguous(c) if c.len() == 2), "{:?}", s.rows[i]);
    }
    assert_eq!(s.rows[1], Resolution::Unique(vec![0; 7]));
}

#[test]
fn a_broken_rule_is_dropped_and_the_others_decide() {
    // results_total says 5 but the leaves sum to 6 (broken); the balance rule still holds.
    let rows = splits(&["110000011", "0000000", "11 0 0 0 0 0 11", "0000000", "5 0 0 0 0 0 5", "1 0 0 0 0 0 1"]);
    let rel = [
        Relation { code: CheckCode::T3Balance, lhs: vec![0, 1], rhs: vec![2, 3] },
        Relation { code: CheckCode::T3ResultsTotal, lhs: vec![2], rhs: vec![4, 5] },
    ];
    let s = solve(&rows, &rel);
    assert_eq!(s.used, vec![0]);
    assert_eq!(s.rows[0], Resolution::Unique(vec![11, 0, 0, 0, 0, 0, 11]));
}

// ---- hand-written fixtures --------------------------------------------------------------------

#[test]
fn a_genuinely_ambiguous_table_three_gives_ambiguous_cells_never_a_guess() {
    let r = read_crawl(&fixture("ambiguous-township-2023.txt"), Some("ambiguous-township-2023.txt"));
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.agency.as_deref(), Some("青山县白石镇人民政府"));
    let amb: Vec<_> = r.reader_findings.iter().filter(|f| f.code == CheckCode::AmbiguousCells).collect();
    let rows: Vec<_> = amb.iter().filter_map(|f| f.location.row.as_deref()).collect();
    assert_eq!(rows, vec!["new_received", "granted", "results_total"]);
    assert!(amb[0].message.contains("110000011") && amb[0].message.contains("1/10/0/0/0/0/11") && amb[0].message.contains("11/0/0/0/0/0/11"));
    let row = r.table(TableId::T3).and_then(|t| t.row("new_received")).unwrap();
    assert!(row.cells.iter().all(|c| *c == Value::Unreadable("110000011".into())));
    assert_eq!(ints(&r, TableId::T3, "carried_over"), vec![0; 7]);
    assert_eq!(ints(&r, TableId::T4, "appeals")[..5], [1, 0, 0, 0, 1]);
    assert_eq!(ints(&r, TableId::T2, "admin_penalty"), vec![12]);
    insta::assert_json_snapshot!("crawl_ambiguous_township_2023", report_json(&r, &r.reader_findings));
}

/// Regression (sample seed 162, the crawl sweep with blank cells): blank cells vanish from a
/// crawled copy, and `2211226` was read 2/2/1/1/2/2/6 although 2+2+1+1+2+2 ≠ 6. A split that
/// breaks the row's total is never taken: the cells are unreadable, with a finding that says why.
#[test]
fn a_crawled_copy_that_lost_blank_cells_never_reads_a_row_against_its_total() {
    let report = gongkai_report::testing::sample_report(162);
    let txt = String::from_utf8(gongkai_report::render::render(&report, &[], gongkai_report::render::OutputFormat::Txt).unwrap()).unwrap();
    let crawl: String = txt.chars().filter(|c| !matches!(c, '\t' | '\n')).collect();
    let r = read_crawl(&crawl, None);
    let f = r.reader_findings.iter().find(|f| f.location.row.as_deref() == Some("new_received")).unwrap();
    assert_eq!((f.code, f.severity), (CheckCode::AmbiguousCells, Severity::Error));
    assert!(f.message.contains("2211226") && f.message.contains("2/2/1/1/2/2/6") && f.message.contains("空白单元格"), "{}", f.message);
    // every table 三 row reads as printed or is unreadable with a finding of its own
    for row in &r.table(TableId::T3).unwrap().rows {
        let want = report.table(TableId::T3).and_then(|t| t.row(row.id)).unwrap();
        if row.cells != want.cells {
            assert!(row.cells.iter().all(|c| matches!(c, Value::Unreadable(_))), "{}: {:?} vs {:?}", row.id, row.cells, want.cells);
            assert!(r.reader_findings.iter().any(|f| f.location.row.as_deref() == Some(row.id)), "{}", row.id);
        }
    }
    // and the checker adds no derived arithmetic error on top of the reader's findings
    assert!(arithmetic_errors(&r).is_empty(), "{:?}", arithmetic_errors(&r));
}

#[test]
fn a_table_two_row_whose_cells_were_all_blank_is_read_as_blank_not_lost() {
    // "…现行有效件数规章行政规范性文件25…": 规章's cells were blank on the page
    let report = gongkai_report::testing::sample_report(10);
    let txt = String::from_utf8(gongkai_report::render::render(&report, &[], gongkai_report::render::OutputFormat::Txt).unwrap()).unwrap();
    let crawl: String = txt.chars().filter(|c| !matches!(c, '\t' | '\n')).collect();
    let r = read_crawl(&crawl, None);
    assert_eq!(report.table(TableId::T2).and_then(|t| t.row("regulations")).map(|x| x.cells.clone()), Some(vec![Value::Blank; 3]));
    assert_eq!(r.table(TableId::T2).and_then(|t| t.row("regulations")).map(|x| x.cells.clone()), Some(vec![Value::Blank; 3]));
}

// ---- the real reports of ../shared -------------------------------------------------------------

fn arithmetic_errors(r: &Report) -> Vec<&'static str> {
    let f = check(r, None, &CheckOptions::default());
    f.iter()
        .filter(|f| f.severity == Severity::Error && f.code != CheckCode::AmbiguousCells && f.code != CheckCode::UnreadableValue)
        .map(|f| f.code.code())
        .collect()
}

#[test]
fn pingtan_2019_trial_format_with_stray_spaces() {
    let Some(r) = shared("2019-pingtan.txt") else { return };
    assert_eq!((r.year, r.format), (Some(2019), FormatVersion::V2019));
    assert_eq!(r.agency.as_deref(), Some("平潭综合实验区"));
    assert_eq!(key_figures(&r), [23, 0, 23, 0]);
    assert_eq!(ints(&r, TableId::T3, "new_received"), vec![23, 0, 0, 0, 0, 0, 23]);
    assert_eq!(ints(&r, TableId::T3, "other_handling"), vec![0; 7]);
    assert_eq!(ints(&r, TableId::T4, "appeals"), vec![0; 15]);
    assert!(arithmetic_errors(&r).is_empty(), "{:?}", arithmetic_errors(&r));
    // table 二 (九): "13575394432.52元" is 135 items + 75394432.52 元 on the page, but nothing in
    // the text decides between that and the nine other splits: reported, not guessed.
    let f = r.reader_findings.iter().find(|f| f.location.row.as_deref() == Some("central_procurement")).unwrap();
    assert_eq!(f.code, CheckCode::AmbiguousCells);
    assert!(f.message.contains("135/75394432.52"));
    // every finding the reader made is about table 二, where no sums exist
    assert!(r.reader_findings.iter().all(|f| f.location.table.as_deref() == Some("t2")), "{:?}", codes(&r.reader_findings));
}

#[test]
fn pingtan_2020_results_total_is_reported_on_the_numbers_as_printed() {
    let Some(r) = shared("2020-pingtan.txt") else { return };
    assert_eq!((r.year, r.format), (Some(2020), FormatVersion::V2019));
    assert_eq!(key_figures(&r), [21, 0, 21, 0]);
    assert_eq!(ints(&r, TableId::T3, "results_total"), vec![20, 0, 0, 0, 0, 1, 21]);
    assert_eq!(ints(&r, TableId::T3, "new_received"), vec![20, 0, 0, 0, 0, 1, 21]);
    assert_eq!(ints(&r, TableId::T3, "other_handling"), vec![4, 0, 0, 0, 0, 0, 4]);
    let natural_leaves: i64 = r
        .table(TableId::T3)
        .unwrap()
        .rows
        .iter()
        .filter(|row| !matches!(row.id, "new_received" | "carried_over" | "results_total" | "carried_forward"))
        .map(|row| row.cells[0].as_int().unwrap())
        .sum();
    assert_eq!(natural_leaves, 26);
    let errs = arithmetic_errors(&r);
    assert!(errs.contains(&"T3_RESULTS_TOTAL"), "{errs:?}");
    assert!(errs.iter().all(|c| *c == "T3_RESULTS_TOTAL"), "{errs:?}");
    // 本年增/减 −185 is legitimate in the 2019 format; "35-15" has one split
    assert_eq!(ints(&r, TableId::T2, "admin_fees"), vec![35, -15]);
}

#[test]
fn pingtan_2021_table_four_has_exactly_one_split() {
    let Some(r) = shared("2021-pingtan.txt") else { return };
    assert_eq!((r.year, r.format), (Some(2021), FormatVersion::V2021));
    assert_eq!(r.agency.as_deref(), Some("平潭综合实验区"));
    assert_eq!(key_figures(&r), [70, 0, 69, 1]);
    assert_eq!(ints(&r, TableId::T4, "appeals"), vec![1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]);
    assert_eq!(ints(&r, TableId::T3, "partial"), vec![5, 0, 0, 0, 0, 0, 5]);
    // "270020130" alone also reads 2/7/0/0/20/1/30; the column sums settle it
    assert_eq!(ints(&r, TableId::T3, "granted"), vec![27, 0, 0, 2, 0, 1, 30]);
    assert_eq!(ints(&r, TableId::T3, "unable_not_held"), vec![22, 0, 0, 0, 0, 3, 25]);
    assert!(arithmetic_errors(&r).is_empty(), "{:?}", arithmetic_errors(&r));
}

#[test]
fn pingtan_2024_reads_as_the_html_page_shows() {
    let Some(r) = shared("2024-pingtan.txt") else { return };
    assert_eq!((r.year, r.format), (Some(2024), FormatVersion::V2021));
    assert_eq!(key_figures(&r), [218, 0, 218, 0]);
    assert_eq!(ints(&r, TableId::T3, "new_received"), vec![217, 1, 0, 0, 0, 0, 218]);
    assert_eq!(ints(&r, TableId::T3, "oh_other"), vec![1, 1, 0, 0, 0, 0, 2]);
    assert_eq!(ints(&r, TableId::T3, "denied_internal_affairs"), vec![32, 0, 0, 0, 0, 0, 32]);
    assert_eq!(ints(&r, TableId::T4, "appeals"), vec![2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]);
    assert_eq!(r.value(TableId::T2, "admin_fees", "fee_amount"), Some(&Value::Dec("18651.06".parse().unwrap())));
    assert!(arithmetic_errors(&r).is_empty(), "{:?}", arithmetic_errors(&r));
    // "6233440" (62 / 33 / 440 on the page) has fifteen readings and no sums to choose by; the
    // text's "制发行政规范性文件62件" leaves four: a warning (table 二), not a guess
    let amb: Vec<_> = r.reader_findings.iter().filter(|f| f.code == CheckCode::AmbiguousCells).collect();
    assert_eq!(amb.len(), 1);
    assert_eq!(amb[0].location.row.as_deref(), Some("normative_docs"));
    assert_eq!(amb[0].severity, Severity::Warning);
    assert!(amb[0].message.contains("4 种") && amb[0].message.contains("62/33/440"), "{}", amb[0].message);
    assert_eq!(r.agency.as_deref(), Some("平潭综合实验区"));
    for s in ["s1", "s2", "s3", "s4", "s5", "s6"] {
        assert!(r.section(s).is_some(), "{s}");
    }
    assert!(r.section("s6").unwrap().text.contains("无收取信息处理费"));
}

#[test]
fn crawl_reading_is_fast_for_typical_reports() {
    let Some(text) = ["2024-pingtan.txt", "2021-pingtan.txt"].iter().find_map(|f| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports").join(f)).ok()
    }) else {
        return;
    };
    let start = Instant::now();
    let n = 50;
    for _ in 0..n {
        let r = read_crawl(&text, None);
        assert!(r.table(TableId::T3).is_some());
    }
    // a debug build: a generous bound that still catches a blow-up
    assert!(start.elapsed() < Duration::from_secs(5), "{n} reads took {:?}", start.elapsed());
}


/// Throughput on the real crawl and layout texts: `cargo test --release -p gongkai-report --test it
/// throughput -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, run in release"]
fn throughput_of_crawl_and_layout_reading() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    for (name, layout) in [
        ("2024-pingtan.txt", false),
        ("2019-pingtan.txt", false),
        ("2024-huaian-city.pdftotext.txt", true),
    ] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else { continue };
        let n = 2000u32;
        let start = Instant::now();
        for _ in 0..n {
            let r = if layout { gongkai_report::read::layout::read_layout(&text, None) } else { read_crawl(&text, None) };
            std::hint::black_box(&r);
        }
        let secs = start.elapsed().as_secs_f64();
        let mb = text.len() as f64 * f64::from(n) / secs / 1e6;
        println!("{name}: {:.0} reports/s, {mb:.1} MB/s", f64::from(n) / secs);
    }
}

/// The preamble's 年度报告 inside 《》 (a cited document) is not the title; looking for the one
/// outside must not look back over the preamble at every occurrence.
#[test]
fn a_preamble_full_of_cited_titles_reads_in_linear_time() {
    let text = format!("《{}》平潭综合实验区2024年政府信息公开工作年度报告 一、总体情况 2024年，平潭综合实验区坚持公开。", "关于印发年度报告格式的通知".repeat(100_000));
    let started = Instant::now();
    let r = read_crawl(&text, None);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(r.agency.as_deref(), Some("平潭综合实验区"));
}
