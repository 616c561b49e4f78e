//! The HTML reader: hand-made pages in every shape government sites publish, and the real pages.
// Helpers outside #[test] functions unwrap too: the whole module is test code.
#![cfg(test)]

use std::path::{Path, PathBuf};

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::report_json;
use gongkai_domain::report::{AgencyLevel, CheckCode, FormatVersion, Report, Severity, TableId, Value};
use gongkai_report::read::doc::Block;
use gongkai_report::read::{ReadError, html};

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

fn read_shared(name: &str) -> Option<Report> {
    let p = shared(name)?;
    let bytes = std::fs::read(&p).unwrap();
    Some(html::read(&bytes, Some(name)).unwrap())
}

fn t3(r: &Report, row: &str) -> Vec<Value> {
    r.table(TableId::T3).and_then(|t| t.row(row)).map(|row| row.cells.clone()).unwrap_or_default()
}

fn total(r: &Report, row: &str) -> Option<i64> {
    r.value(TableId::T3, row, "total").and_then(Value::as_int)
}

fn key_figures(r: &Report) -> [Option<i64>; 4] {
    [total(r, "new_received"), total(r, "carried_over"), total(r, "results_total"), total(r, "carried_forward")]
}

/// The codes the checker reports (including the reader's own findings), sorted, deduplicated.
fn checked(r: &Report) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = check(r, None, &CheckOptions::default()).iter().map(|f| f.code.code()).collect();
    c.sort_unstable();
    c.dedup();
    c
}

fn errors(r: &Report) -> Vec<String> {
    check(r, None, &CheckOptions::default())
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{} {}", f.code.code(), f.message))
        .collect()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html").join(name)).unwrap()
}

fn read_fixture(name: &str) -> Report {
    html::read(&fixture(name), Some(name)).unwrap()
}

fn t4(r: &Report) -> Vec<Option<i64>> {
    r.table(TableId::T4)
        .and_then(|t| t.rows.first())
        .map(|row| row.cells.iter().map(Value::as_int).collect())
        .unwrap_or_default()
}

fn section_ids(r: &Report) -> Vec<&str> {
    r.sections.iter().filter_map(|s| s.id.as_deref()).collect()
}

const SIX: [&str; 6] = ["s1", "s2", "s3", "s4", "s5", "s6"];

// ---- the real pages (../shared, read in place) ------------------------------------------------

#[test]
fn shuyang_blank_legal_person_columns_stay_blank_and_the_arithmetic_holds() {
    let Some(r) = read_shared("2023-shuyang-fgj.html") else { return };
    assert_eq!(key_figures(&r), [Some(26), Some(0), Some(26), Some(0)]);
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.format, FormatVersion::V2021);
    assert_eq!(r.agency.as_deref(), Some("沭阳县发展和改革局"));
    assert_eq!(r.level, Some(AgencyLevel::Department));
    // the five legal-person columns are printed empty in every row: blank, not 0
    let t = r.table(TableId::T3).unwrap();
    assert_eq!(t.rows.len(), 25);
    for row in &t.rows {
        assert!(row.cells[1..6].iter().all(Value::is_blank), "{}: {:?}", row.id, row.cells);
        assert!(row.cells[0].as_int().is_some() && row.cells[6].as_int().is_some(), "{}: {:?}", row.id, row.cells);
    }
    assert_eq!(t3(&r, "granted")[0], Value::Int(26));
    let label = r.reader_findings.iter().find(|f| f.code == CheckCode::LabelMismatch).expect("LABEL_MISMATCH");
    assert_eq!(label.location.row.as_deref(), Some("normative_docs"));
    assert_eq!(label.location.line, Some(280));
    let title = r.reader_findings.iter().find(|f| f.code == CheckCode::SectionTitle).expect("SECTION_TITLE");
    assert_eq!(title.location.section.as_deref(), Some("s5"));
    assert_eq!(t4(&r)[3..5], [Some(1), Some(1)]);
    assert_eq!(section_ids(&r), SIX);
    assert!(errors(&r).is_empty(), "{:#?}", errors(&r));
    assert!(checked(&r).contains(&"BLANK_CELL"));
}

#[test]
fn pingtan_2024_page_reads_through_its_navigation_and_scripts() {
    let Some(r) = read_shared("2024-pingtan.html") else { return };
    assert_eq!(key_figures(&r), [Some(218), Some(0), Some(218), Some(0)]);
    assert_eq!((r.year, r.format), (Some(2024), FormatVersion::V2021));
    assert_eq!(r.agency.as_deref(), Some("平潭综合实验区"));
    assert_eq!(t3(&r, "new_received")[..2], [Value::Int(217), Value::Int(1)]);
    // 2/1/3/1/7, 0/0/0/0/0, 13/2/4/0/19
    let expected: Vec<Option<i64>> = [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19].into_iter().map(Some).collect();
    assert_eq!(t4(&r), expected);
    assert_eq!(r.value(TableId::T2, "admin_fees", "fee_amount").map(ToString::to_string).as_deref(), Some("18651.06"));
    // the menus (政府信息公开年报 …) are not headings: six sections, once each, in order
    assert_eq!(section_ids(&r), SIX);
    assert!(errors(&r).is_empty(), "{:#?}", errors(&r));
}

#[test]
fn pingtan_2019_word_export_page_reads_in_the_trial_format() {
    let Some(r) = read_shared("2019-pingtan.html") else { return };
    assert_eq!(r.format, FormatVersion::V2019);
    assert_eq!(r.year, Some(2019));
    assert_eq!(key_figures(&r), [Some(23), Some(0), Some(23), Some(0)]);
    assert_eq!(r.agency.as_deref(), Some("平潭综合实验区"));
    // &nbsp;-padded numbers; the 三、本年度办理结果 cell printed twice (it spans two blocks)
    let t = r.table(TableId::T3).unwrap();
    assert_eq!(t.rows.len(), 23);
    assert_eq!(t3(&r, "unable_not_held")[6], Value::Int(7));
    assert_eq!(t3(&r, "unable_unclear_after_correction")[6], Value::Int(5));
    assert_eq!(t3(&r, "np_repeat")[6], Value::Int(3));
    assert_eq!(r.value(TableId::T2, "admin_penalty", "prev_items"), Some(&Value::Int(2648)));
    assert_eq!(r.value(TableId::T2, "central_procurement", "procurement_items"), Some(&Value::Int(135)));
    assert_eq!(section_ids(&r), SIX);
}

#[test]
fn pingtan_2019_page_has_no_arithmetic_errors() {
    let Some(r) = read_shared("2019-pingtan.html") else { return };
    let arithmetic: Vec<String> = errors(&r).into_iter().filter(|e| e.starts_with("T3_") || e.starts_with("T4_")).collect();
    assert!(arithmetic.is_empty(), "{arithmetic:#?}");
}

// ---- hand-made pages ---------------------------------------------------------------------------

fn snapshot(name: &str, r: &Report) {
    insta::assert_json_snapshot!(format!("html__{name}"), report_json(r, &r.reader_findings));
}

#[test]
fn spans_nbsp_and_blank_cells_with_planted_defects() {
    let r = read_fixture("spans-nav-2024.html");
    snapshot("spans-nav-2024", &r);
    assert_eq!(r.agency.as_deref(), Some("示例县交通运输局"));
    assert_eq!(r.year, Some(2024), "the related-reports menu names 2021-2023: not this report's year");
    assert_eq!(section_ids(&r), SIX);
    assert_eq!(key_figures(&r), [Some(5), Some(1), Some(6), Some(0)]);
    assert_eq!(t3(&r, "new_received")[1..6], [Value::Blank, Value::Blank, Value::Blank, Value::Blank, Value::Blank]);
    assert_eq!(r.value(TableId::T2, "admin_coercion", "decisions"), Some(&Value::Blank), "an &nbsp; cell is blank");
    let c = checked(&r);
    for code in ["T3_ROW_TOTAL", "T4_GROUP_TOTAL", "BLANK_CELL"] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    assert!(!c.contains(&"T3_BALANCE"), "{c:?}");
}

#[test]
fn gbk_page_without_declaration_and_gb2312_meta_read_alike() {
    let undeclared = read_fixture("gbk-undeclared-2023.html");
    let declared = read_fixture("gb2312-meta-2023.html");
    assert!(undeclared.same_content(&declared));
    snapshot("gbk-undeclared-2023", &undeclared);
    assert_eq!(undeclared.agency.as_deref(), Some("示例县城关镇人民政府"));
    assert_eq!(undeclared.level, Some(AgencyLevel::Township));
    assert_eq!(key_figures(&undeclared), [Some(4), Some(0), Some(4), Some(0)]);
    assert!(errors(&undeclared).is_empty(), "{:#?}", errors(&undeclared));
}

#[test]
fn word_export_with_layout_table_and_split_group_cell() {
    let r = read_fixture("word-export-2022.html");
    snapshot("word-export-2022", &r);
    assert_eq!(key_figures(&r), [Some(12), Some(1), Some(11), Some(1)]);
    assert_eq!(t3(&r, "unable_not_held")[..2], [Value::Int(2), Value::Int(1)]);
    assert_eq!(section_ids(&r), SIX);
    assert!(checked(&r).contains(&"T3_BALANCE"));
}

#[test]
fn sloppy_markup_reads_like_clean_markup() {
    let r = read_fixture("sloppy-markup-2024.html");
    snapshot("sloppy-markup-2024", &r);
    assert_eq!(key_figures(&r), [Some(7), Some(0), Some(7), Some(0)]);
    assert_eq!(r.table(TableId::T3).map(|t| t.rows.len()), Some(25));
    assert_eq!(t4(&r), vec![Some(0); 15], "table 四 at the end of the page, never closed");
    assert!(errors(&r).is_empty(), "{:#?}", errors(&r));
}

#[test]
fn a_page_cut_inside_table_three_is_truncated_input() {
    let r = read_fixture("truncated-2024.html");
    snapshot("truncated-2024", &r);
    assert!(r.reader_findings.iter().any(|f| f.code == CheckCode::TruncatedInput));
}

#[test]
fn lines_point_at_the_source() {
    let doc = html::to_doc(&fixture("spans-nav-2024.html")).unwrap();
    let text = String::from_utf8(fixture("spans-nav-2024.html")).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i as u32 + 1);
    for b in &doc.blocks {
        match b {
            Block::Para { text: t, line } if t == "一、总体情况" => assert_eq!(Some(*line), line_of("<strong>一、总体情况")),
            Block::Table { rows, .. } => {
                for r in rows.iter().filter(|r| r.cells.iter().any(|c| c.contains("4.保护第三方合法权益"))) {
                    assert_eq!(Some(r.line), line_of("4.保护第三方合法权益"));
                }
            }
            Block::Para { .. } => {}
        }
    }
}

// ---- bad input ---------------------------------------------------------------------------------

#[test]
fn empty_and_binary_input_are_errors_not_panics() {
    assert!(matches!(html::to_doc(b""), Err(ReadError::Empty)));
    assert!(matches!(html::to_doc(b"   \n\t "), Err(ReadError::Empty)));
    assert!(html::to_doc(&[0u8, 1, 2, 3, 0, 0xff, 0xfe, 0]).is_err());
}

#[test]
fn pathological_markup_stays_linear() {
    // each of these would be quadratic for a scanner that re-searches from every tag
    let n = 200_000;
    let cases: Vec<String> = vec![
        "<a title=\"".repeat(n),
        "<p x='".repeat(n),
        "<!--".repeat(n),
        "<table>".repeat(n / 4),
        "<table><tr><td>".repeat(n / 8),
        "</td></tr></table>".repeat(n / 4),
        "&".repeat(n) + &"&#x".repeat(n),
        "<script>".repeat(n / 4),
        "<".repeat(n),
        format!("<td colspan=9999 rowspan=9999>{}", "<tr><td rowspan=65534 colspan=1000>x".repeat(n / 8)),
        // site chrome never closed, or closed far away
        "<nav>x".repeat(n / 4),
        "<footer><header><aside>".repeat(n / 8) + &"</aside>".repeat(n / 8),
    ];
    for c in &cases {
        let started = std::time::Instant::now();
        let _ = html::to_doc(c.as_bytes());
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{}…", &c[..20]);
    }
}

mod fuzz {
    use proptest::prelude::*;

    use super::html;

    const PIECES: &[&str] = &[
        "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<td rowspan=3>", "<td colspan=\"2\">", "<th rowspan='0'>",
        "<p>", "</p>", "<br>", "<div>", "</div>", "<a href=x>", "</a>", "<script>", "</script>", "<!--", "-->", "&nbsp;",
        "&#x4e00;", "&amp", "<meta charset=gbk>", "<head>", "</head>", "<title>", "一、总体情况", "12", "三、本年度办理结果",
        "<option>", "\n", " ", "<", ">", "\"", "'", "=",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = html::to_doc(&bytes);
        }

        #[test]
        fn tag_soup_never_panics_and_grids_are_rectangular(parts in proptest::collection::vec(0..PIECES.len(), 0..300)) {
            let s: String = parts.iter().map(|&i| PIECES[i]).collect();
            if let Ok(doc) = html::to_doc(s.as_bytes()) {
                for b in &doc.blocks {
                    if let gongkai_report::read::doc::Block::Table { rows, .. } = b {
                        let w = rows.first().map_or(0, |r| r.cells.len());
                        prop_assert!(rows.iter().all(|r| r.cells.len() == w));
                    }
                }
            }
        }
    }
}

#[test]
fn dump() {
    let Ok(f) = std::env::var("DUMP_HTML") else { return };
    let p = shared(&f).unwrap_or_else(|| PathBuf::from(&f));
    let r = html::read(&std::fs::read(&p).unwrap(), Some(&f)).unwrap();
    println!("{}", serde_json::to_string_pretty(&report_json(&r, &r.reader_findings)).unwrap());
}

#[test]
fn dump_doc() {
    let Ok(f) = std::env::var("DUMP_HTML_DOC") else { return };
    let p = shared(&f).unwrap_or_else(|| PathBuf::from(&f));
    let doc = html::to_doc(&std::fs::read(&p).unwrap()).unwrap();
    for b in &doc.blocks {
        match b {
            gongkai_report::read::doc::Block::Para { text, line } => println!("P{line}: {text}"),
            gongkai_report::read::doc::Block::Table { rows, line } => {
                println!("T{line}:");
                for r in rows {
                    println!("  R{}: {}", r.line, r.cells.join(" | "));
                }
            }
        }
    }
}

/// Throughput of the HTML scanner and of the whole HTML read (scanner + assembler) on the real
/// pages and the fixtures. Run in release:
/// `cargo test --release -p gongkai-report --test it read_html::throughput -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark: run in release by hand"]
fn throughput() {
    let mut pages: Vec<Vec<u8>> = ["spans-nav-2024.html", "gbk-undeclared-2023.html", "word-export-2022.html", "sloppy-markup-2024.html"]
        .iter()
        .map(|n| fixture(n))
        .collect();
    for n in ["2023-shuyang-fgj.html", "2024-pingtan.html", "2019-pingtan.html"] {
        if let Some(p) = shared(n) {
            pages.push(std::fs::read(p).unwrap());
        }
    }
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let rounds = 300;
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        for p in &pages {
            std::hint::black_box(html::to_doc(p).unwrap());
        }
    }
    let scan = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        for p in &pages {
            std::hint::black_box(html::read(p, None).unwrap());
        }
    }
    let full = started.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    let n = (pages.len() * rounds) as f64;
    println!("{} pages, {:.1} KB average", pages.len(), bytes as f64 / pages.len() as f64 / 1e3);
    println!("scan to Doc: {:.0} MB/s, {:.0} pages/s", mb / scan, n / scan);
    println!("read to Report: {:.0} MB/s, {:.0} pages/s", mb / full, n / full);
}

// ---- site chrome and findings beside the report ------------------------------------------------

fn page_of(report: &Report, findings: &[gongkai_domain::report::Finding]) -> String {
    String::from_utf8(gongkai_report::render::render(report, findings, gongkai_report::render::OutputFormat::Html).unwrap()).unwrap()
}

#[test]
fn site_chrome_in_nav_aside_header_and_footer_is_not_report_text() {
    let report = gongkai_report::testing::sample_report(3);
    let page = page_of(&report, &[]);
    // navigation full of headings and other years' titles, a side bar, and the site's footer
    let wrapped = page
        .replacen(
            "<body>",
            "<body>\n<header><p>政府门户网站</p><nav><p>首页</p><p>一、总体情况</p><p>2019年度政府信息公开工作年度报告</p></nav></header>\n<aside><p>相关报告：2020年政府信息公开工作年度报告</p></aside>",
            1,
        )
        .replacen("</body>", "<footer><p>联系我们</p><p>版权所有：某市人民政府办公室 主办单位：某市人民政府</p></footer>\n</body>", 1);
    let back = gongkai_report::read::read_bytes(wrapped.as_bytes(), None).unwrap();
    assert!(back.same_content(&report), "{:?}", back.sections.last());
    // a <header> inside the <article> is the article's own heading: the title stays
    let titled = page.replacen("<h1>", "<header><h1>", 1).replacen("</h1>", "</h1></header>", 1);
    let back = gongkai_report::read::read_bytes(titled.as_bytes(), None).unwrap();
    assert!(back.same_content(&report));
    // an element never closed is read, as browsers show it
    let unclosed = page.replacen("<article class=\"report\">", "<nav><article class=\"report\">", 1);
    let back = gongkai_report::read::read_bytes(unclosed.as_bytes(), None).unwrap();
    assert!(back.same_content(&report));
}

#[test]
fn a_checked_page_reads_back_without_its_findings_in_section_six() {
    // a 2021-format report whose 六 says nothing about fees: FEE_STATEMENT_MISSING
    let mut report = (0..).map(gongkai_report::testing::sample_report).find(|r| r.format == FormatVersion::V2021).unwrap();
    if let Some(s6) = report.sections.iter_mut().find(|s| s.id.as_deref() == Some("s6")) {
        s6.text = "无其他需要报告的事项。".to_owned();
    }
    let findings = check(&report, None, &CheckOptions::default());
    assert!(findings.iter().any(|f| f.code == CheckCode::FeeStatementMissing));
    let page = page_of(&report, &findings);
    assert!(page.contains("<aside class=\"findings\">") && page.contains("检查发现的问题"));
    let back = gongkai_report::read::read_bytes(page.as_bytes(), None).unwrap();
    assert!(back.same_content(&report), "{:?}", back.sections.last());
    let again: Vec<CheckCode> = check(&back, None, &CheckOptions::default()).iter().map(|f| f.code).collect();
    assert_eq!(again, findings.iter().map(|f| f.code).collect::<Vec<_>>());
}
