//! The Markdown reader: pipe tables, headings, and the fragmented tables PDF-to-Markdown
//! converters produce.
// Helpers outside #[test] functions unwrap too: the whole module is test code.
#![cfg(test)]

use std::path::{Path, PathBuf};

use gongkai_domain::report::json::report_json;
use gongkai_report::read;

fn shared(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports").join(name);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("GONGKAI_REQUIRE_SHARED").as_deref() != Ok("1"),
        "{} is missing and GONGKAI_REQUIRE_SHARED=1",
        p.display()
    );
    println!("skipped: {} not present", p.display());
    None
}

#[test]
fn dump() {
    let Ok(f) = std::env::var("DUMP_MD") else { return };
    let p = shared(&f).unwrap_or_else(|| PathBuf::from(&f));
    let r = read::read_path(&p).unwrap();
    println!("{}", serde_json::to_string_pretty(&report_json(&r, &r.reader_findings)).unwrap());
}

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::{CheckCode, FormatVersion, Report, Severity, TableId, Value};
use gongkai_report::read::markdown;

fn total(r: &Report, row: &str) -> Option<i64> {
    r.value(TableId::T3, row, "total").and_then(Value::as_int)
}

fn checked(r: &Report) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = check(r, None, &CheckOptions::default()).iter().map(|f| f.code.code()).collect();
    c.sort_unstable();
    c.dedup();
    c
}

fn fixture(name: &str) -> Report {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/md").join(name)).unwrap();
    markdown::read(&text, Some(name))
}

#[test]
fn shanghai_kewei_fragmented_tables_give_the_key_figures() {
    let Some(p) = shared("2024-shanghai-kewei.md") else { return };
    let r = read::read_path(&p).unwrap();
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.format, FormatVersion::V2021);
    assert_eq!(r.agency.as_deref(), Some("上海市科学技术委员会"));
    assert_eq!(total(&r, "new_received"), Some(34));
    assert_eq!(total(&r, "carried_over"), Some(2));
    assert_eq!(total(&r, "results_total"), Some(35));
    // 四、结转下年度继续办理: 1 applicant, the 总计 cell left blank
    assert_eq!(r.value(TableId::T3, "carried_forward", "natural_person"), Some(&Value::Int(1)));
    assert_eq!(r.value(TableId::T3, "carried_forward", "total"), Some(&Value::Blank));
    // every row of table 三, including those whose label the converter lost
    let t = r.table(TableId::T3).unwrap();
    assert_eq!(t.rows.len(), 25);
    assert_eq!(total(&r, "denied_law_forbidden"), Some(0));
    assert_eq!(total(&r, "denied_internal_affairs"), Some(1));
    assert_eq!(total(&r, "unable_not_held"), Some(4));
    assert_eq!(total(&r, "unable_needs_creation"), Some(6));
    assert_eq!(total(&r, "oh_no_correction"), Some(10));
    assert_eq!(total(&r, "oh_other"), Some(4));
    assert_eq!(r.value(TableId::T4, gongkai_domain::report::spec::T4_ROW, "review_upheld"), Some(&Value::Int(1)));
    assert_eq!(r.value(TableId::T4, gongkai_domain::report::spec::T4_ROW, "review_total"), Some(&Value::Int(1)));
    // label debris between fragments is not taken for labels
    let t3_labels: Vec<_> =
        r.reader_findings.iter().filter(|f| f.code == CheckCode::LabelMismatch && f.location.table.as_deref() == Some("t3")).collect();
    assert!(t3_labels.is_empty(), "{t3_labels:#?}");
    let c = checked(&r);
    assert!(c.contains(&"BLANK_CELL"), "{c:?}");
    assert!(c.contains(&"T3_BALANCE"), "{c:?}");
    let arithmetic: Vec<_> = check(&r, None, &CheckOptions::default())
        .into_iter()
        .filter(|f| f.severity == Severity::Error && f.code != CheckCode::T3Balance && f.code.code().starts_with('T'))
        .collect();
    assert!(arithmetic.is_empty(), "{arithmetic:#?}");
}

#[test]
fn clean_markdown_report() {
    let r = fixture("clean-2024.md");
    insta::assert_json_snapshot!("md__clean-2024", report_json(&r, &r.reader_findings));
    assert_eq!(r.agency.as_deref(), Some("示例县市场监督管理局"));
    assert_eq!([total(&r, "new_received"), total(&r, "carried_over"), total(&r, "results_total"), total(&r, "carried_forward")], [
        Some(7),
        Some(1),
        Some(8),
        Some(0)
    ]);
    assert_eq!(r.value(TableId::T2, "admin_fees", "fee_amount").map(ToString::to_string).as_deref(), Some("3.75"));
    let errors: Vec<_> = check(&r, None, &CheckOptions::default()).into_iter().filter(|f| f.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn converter_fragments_merge_and_lost_labels_are_recovered() {
    let r = fixture("fragmented-2023.md");
    insta::assert_json_snapshot!("md__fragmented-2023", report_json(&r, &r.reader_findings));
    assert_eq!(r.table(TableId::T3).map(|t| t.rows.len()), Some(25));
    assert_eq!(total(&r, "partial"), Some(1));
    assert_eq!(total(&r, "unable_not_held"), Some(2));
    assert_eq!(total(&r, "granted"), Some(5));
    let c = checked(&r);
    assert!(c.contains(&"T3_ROW_TOTAL"), "{c:?}");
    assert!(!c.contains(&"MISSING_ROW"), "{c:?}");
    assert!(!c.contains(&"T3_BALANCE"), "{c:?}");
}

mod fuzz {
    use proptest::prelude::*;

    use gongkai_report::read::markdown;

    const PIECES: &[&str] =
        &["|", " | ", "|---|", ":--:", "\n", "# ", "## 表三", "一、本年新收政府信息公开申请数量", "（七）总计", "三、", "12", "0", "\\|", "**", "<br>", "&nbsp;", "。", "行政许可 97"];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn markdown_never_panics(parts in proptest::collection::vec(0..PIECES.len(), 0..300), text in ".{0,200}") {
            let s: String = parts.iter().map(|&i| PIECES[i]).collect();
            let _ = markdown::to_doc(&s);
            let _ = markdown::to_doc(&text);
        }
    }
}
