//! The text layouts copies of reports come in (issue 10): one cell per line, `|` rows without a
//! Markdown separator, tab-separated rows. Each is tested on the crate's generated reports
//! rendered in that layout and on the shared real reports transformed into it at test time (their
//! own cells, as the HTML, Markdown or plain-text reader sees them, written out in the layout).
#![expect(clippy::unwrap_used, clippy::panic, reason = "test helpers fail loudly")]

use std::path::PathBuf;

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::{Report, Severity, TableId, Value};
use gongkai_report::read::doc::{Block, Doc};
use gongkai_report::read::{html, markdown, read_bytes, text};
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::{SampleOptions, sample_report_with};

use crate::round_trip::difference;

/// How a layout writes a table row's cells.
#[derive(Debug, Clone, Copy)]
pub enum Layout {
    /// Each cell on its own line; blank cells as empty lines; the merged (empty) label cells a
    /// grid has before its first label are not printed.
    OneCell,
    /// `| a | b |` with the frame, empty cells as `| |`.
    PipesFramed,
    /// `a | b` without the frame.
    Pipes,
    /// Cells separated by tabs.
    Tabs,
}

const LAYOUTS: [Layout; 4] = [Layout::OneCell, Layout::PipesFramed, Layout::Pipes, Layout::Tabs];

fn write_row(cells: &[&str], layout: Layout, out: &mut String) {
    match layout {
        Layout::OneCell => {
            let first = cells.iter().position(|c| !c.is_empty()).unwrap_or(cells.len());
            // a row of values alone (table 四's numbers) keeps its leading blank cells
            let first = if cells.get(first).is_some_and(|c| c.parse::<f64>().is_ok()) { 0 } else { first };
            for c in &cells[first..] {
                out.push_str(c);
                out.push('\n');
            }
        }
        Layout::PipesFramed => {
            out.push('|');
            for c in cells {
                out.push(' ');
                out.push_str(c);
                out.push_str(" |");
            }
            out.push('\n');
        }
        Layout::Pipes => {
            out.push_str(&cells.join(" | "));
            out.push('\n');
        }
        Layout::Tabs => {
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
}

/// A document written out in a layout: paragraphs on their own lines with a blank line after
/// each, table rows as the layout writes them.
pub fn doc_in_layout(doc: &Doc<'_>, layout: Layout) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        match b {
            Block::Para { text, .. } => {
                out.push_str(&text.replace(['\t', '\n', '|'], " "));
                out.push_str("\n\n");
            }
            Block::Table { rows, .. } => {
                for r in rows {
                    let cells: Vec<String> = r.cells.iter().map(|c| c.replace(['\t', '\n', '|'], " ")).collect();
                    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                    if cells.iter().all(|c| c.is_empty()) {
                        continue;
                    }
                    write_row(&cells, layout, &mut out);
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The tab-separated text of a generated report rewritten in a layout. One cell per line
/// prints what a browser shows: a merged label cell once (the empty positions it covers in the
/// tab grid are not cells), every value cell, blank ones as empty lines.
pub fn txt_in_layout(txt: &str, layout: Layout) -> String {
    let number = |c: &str| c.parse::<f64>().is_ok();
    let mut out = String::new();
    let lines: Vec<&str> = txt.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].contains('\t') {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        }
        let j = (i..lines.len()).find(|&k| !lines[k].contains('\t')).unwrap_or(lines.len());
        let rows: Vec<Vec<&str>> = lines[i..j].iter().map(|l| l.split('\t').collect()).collect();
        // the label columns: up to the last text cell of any row that holds numbers
        let label_cols = rows
            .iter()
            .filter(|r| r.iter().any(|c| number(c)))
            .filter_map(|r| r.iter().rposition(|c| !c.is_empty() && !number(c)).map(|p| p + 1))
            .max()
            .unwrap_or(0);
        for r in &rows {
            match layout {
                Layout::OneCell => {
                    let data = r.iter().any(|c| number(c));
                    let split = if data { label_cols.min(r.len()) } else { r.len() };
                    for c in r[..split].iter().filter(|c| !c.is_empty()).chain(r[split..].iter()) {
                        out.push_str(c);
                        out.push('\n');
                    }
                }
                _ => write_row(r, layout, &mut out),
            }
        }
        i = j;
    }
    out
}

/// What differs in the tables, the section headings found, agency and year.
fn tables_differ(want: &Report, got: &Report) -> String {
    let mut d: Vec<String> = difference(want, got).lines().filter(|l| l.starts_with("table") || l.starts_with("  got")).map(str::to_owned).collect();
    let ids = |r: &Report| r.sections.iter().filter_map(|s| s.id.clone()).collect::<Vec<_>>();
    if ids(want) != ids(got) {
        d.push(format!("sections {:?} vs {:?}", ids(want), ids(got)));
    }
    if want.agency != got.agency || want.year != got.year {
        d.push(format!("agency/year {:?} {:?} vs {:?} {:?}", want.agency, want.year, got.agency, got.year));
    }
    d.join("\n")
}

#[test]
fn generated_reports_read_back_in_every_layout() {
    let n: u64 = std::env::var("SWEEP").ok().and_then(|s| s.parse().ok()).unwrap_or(120);
    let mut failures = Vec::new();
    for layout in LAYOUTS {
        for seed in 0..n {
            let report = sample_report_with(seed, SampleOptions::for_seed(seed));
            let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
            let input = txt_in_layout(&txt, layout);
            let back = match read_bytes(input.as_bytes(), Some("layout.txt")) {
                Ok(b) => b,
                Err(e) => {
                    failures.push(format!("{layout:?} seed {seed}: {e}"));
                    continue;
                }
            };
            let d = tables_differ(&report, &back);
            if !d.is_empty() {
                failures.push(format!("{layout:?} seed {seed}:\n{d}"));
            }
            // the reader itself found nothing to complain about in a clean report
            let errors: Vec<_> = back.reader_findings.iter().filter(|f| f.severity == Severity::Error).collect();
            if !errors.is_empty() {
                failures.push(format!("{layout:?} seed {seed}: reader errors {errors:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures, first:\n{}", failures.len(), failures.iter().take(3).cloned().collect::<Vec<_>>().join("\n"));
}

#[test]
fn one_cell_per_line_keeps_zero_and_blank_apart() {
    // a 2019 report's table 三 rows, cell by cell: "0" is zero, an empty line is a blank cell
    let report = sample_report_with(7, SampleOptions { blanks: true, ..SampleOptions::PLAIN });
    let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
    let back = read_bytes(txt_in_layout(&txt, Layout::OneCell).as_bytes(), None).unwrap();
    let t3 = report.table(TableId::T3).unwrap();
    let blanks = t3.rows.iter().flat_map(|r| r.cells.iter()).filter(|v| **v == Value::Blank).count();
    let zeros = t3.rows.iter().flat_map(|r| r.cells.iter()).filter(|v| **v == Value::Int(0)).count();
    assert!(blanks > 0 && zeros > 0, "the sample has both: {blanks} blanks, {zeros} zeros");
    for row in &t3.rows {
        assert_eq!(back.table(TableId::T3).unwrap().row(row.id).map(|r| &r.cells), Some(&row.cells), "{}", row.id);
    }
}

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("GONGKAI_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("GONGKAI_REQUIRE_SHARED=1 but {} does not exist", dir.display());
    }
    eprintln!("skipped: {} is absent (set GONGKAI_REQUIRE_SHARED=1 to make this a failure)", dir.display());
    None
}

/// The shared reports whose cells a structured reader sees (HTML, Markdown, tab-separated text).
const STRUCTURED: [&str; 5] =
    ["2024-langao-minzhu-town.txt", "2023-shuyang-fgj.html", "2024-pingtan.html", "2019-pingtan.html", "2024-shanghai-kewei.md"];

fn shared_doc(name: &str, bytes: &[u8]) -> Doc<'static> {
    if name.ends_with(".html") {
        html::to_doc(bytes).unwrap()
    } else if name.ends_with(".md") {
        markdown::to_doc(std::str::from_utf8(bytes).unwrap())
    } else {
        text::plain_doc(std::str::from_utf8(bytes).unwrap()).into_owned()
    }
}

fn error_codes(r: &Report) -> Vec<&'static str> {
    let mut c: Vec<_> = check(r, None, &CheckOptions::default()).iter().filter(|f| f.severity == Severity::Error).map(|f| f.code.code()).collect();
    c.sort_unstable();
    c.dedup();
    c
}

#[test]
fn shared_reports_read_the_same_in_every_layout() {
    let Some(dir) = shared_dir() else { return };
    let mut failures = Vec::new();
    for name in STRUCTURED {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let original = read_bytes(&bytes, Some(name)).unwrap();
        let doc = shared_doc(name, &bytes);
        for layout in LAYOUTS {
            let input = doc_in_layout(&doc, layout);
            let back = read_bytes(input.as_bytes(), Some(name)).unwrap();
            // every table cell as the original reading has it
            let d = tables_differ(&original, &back);
            if !d.is_empty() {
                failures.push(format!("{name} {layout:?}:\n{d}"));
            }
            for (what, a, b) in [("agency", &original.agency, &back.agency)] {
                if a != b {
                    failures.push(format!("{name} {layout:?}: {what} {a:?} vs {b:?}"));
                }
            }
            if original.year != back.year {
                failures.push(format!("{name} {layout:?}: year {:?} vs {:?}", original.year, back.year));
            }
            let (want, got) = (error_codes(&original), error_codes(&back));
            if want != got {
                failures.push(format!("{name} {layout:?}: errors {want:?} vs {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "diagnostic: print a generated report in a layout (SEED)"]
fn print_layout() {
    let seed: u64 = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let report = sample_report_with(seed, SampleOptions::for_seed(seed));
    let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
    println!("{}", txt_in_layout(&txt, Layout::OneCell));
    println!("{}", txt.replace('\t', "→"));
}

#[test]
fn a_2019_report_with_a_blank_total_column_in_tab_separated_text() {
    use gongkai_domain::report::CheckCode;
    use gongkai_domain::report::FormatVersion;
    use gongkai_domain::report::spec::t3_result_leaves;
    let (seed, mut report) = (0..200u64)
        .map(|s| (s, sample_report_with(s, SampleOptions::PLAIN)))
        .find(|(_, r)| r.format == FormatVersion::V2019)
        .unwrap();
    for leaf in t3_result_leaves(FormatVersion::V2019) {
        assert!(report.set(TableId::T3, leaf.id, "total", Value::Blank));
    }
    let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
    for layout in LAYOUTS {
        let back = read_bytes(txt_in_layout(&txt, layout).as_bytes(), None).unwrap();
        for leaf in t3_result_leaves(FormatVersion::V2019) {
            assert_eq!(back.value(TableId::T3, leaf.id, "total"), Some(&Value::Blank), "seed {seed} {layout:?} {}", leaf.id);
        }
        let f = check(&back, None, &CheckOptions::default());
        assert!(f.iter().all(|x| x.severity != Severity::Error), "seed {seed} {layout:?}: {f:#?}");
        let blanks: Vec<_> = f.iter().filter(|x| x.code == CheckCode::BlankCell).collect();
        assert!(!blanks.is_empty() && blanks.len() <= 3, "the blank column is one finding per run of rows: {blanks:#?}");
    }
}

/// Cut-off copies of a report text: (what, the text). Mid-heading of 五, mid-label of a table
/// 三 row, and a fragment starting at 三.
fn cuts(txt: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(i) = txt.find("五、存在的主要问题") {
        out.push(("heading", txt[..i + "五、存在的主".len()].to_owned()));
    }
    if let Some(i) = txt.find("本机关不掌握相关") {
        out.push(("table row", txt[..i + "本机关不掌握相关".len()].to_owned()));
    }
    if let Some(i) = txt.find("\n三、收到和处理") {
        out.push(("fragment", txt[i + 1..].to_owned()));
    }
    assert_eq!(out.len(), 3, "{txt}");
    out
}

/// A cut copy: one TRUNCATED_INPUT, nothing after (or before) the cut listed as missing, no
/// blank cells or label misprints invented for the cut row, and the rows read equal to the whole
/// report's.
pub fn assert_cut(what: &str, whole: &Report, cut: &Report) {
    let f = check(cut, None, &CheckOptions::default());
    let trunc = f.iter().filter(|x| x.code.code() == "TRUNCATED_INPUT").count();
    assert_eq!(trunc, 1, "{what}: {f:#?}");
    let missing: Vec<_> = f.iter().filter(|x| matches!(x.code.code(), "MISSING_SECTION" | "MISSING_TABLE" | "MISSING_ROW")).collect();
    assert!(missing.is_empty(), "{what}: {missing:#?}");
    let whole_f = check(whole, None, &CheckOptions::default());
    // a fragment without table 二 and the year cannot tell the 2019 format's single （六） row
    // from a 2021 report that collapsed it (COLLAPSED_ROWS); a signature date (the year after
    // the report's) may be the only year left in it
    let unknowable = |x: &&gongkai_domain::report::Finding| {
        x.code.code() == "COLLAPSED_ROWS" && cut.table(TableId::T2).is_none() && whole.format == gongkai_domain::report::FormatVersion::V2019
    };
    for x in f.iter().filter(|x| x.code.code() != "TRUNCATED_INPUT").filter(|x| !unknowable(x)) {
        assert!(
            whole_f.iter().any(|w| w.code == x.code && w.location.row == x.location.row),
            "{what}: a finding the whole report does not have: {x:#?}"
        );
    }
    for t in &cut.tables {
        for row in &t.rows {
            assert_eq!(whole.table(t.id).and_then(|w| w.row(row.id)).map(|w| &w.cells), Some(&row.cells), "{what}: {}", row.id);
        }
    }
}

#[test]
fn cut_off_copies_and_fragments_of_generated_reports() {
    for seed in 0..40u64 {
        let report = sample_report_with(seed, SampleOptions { blanks: false, ..SampleOptions::for_seed(seed) });
        let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
        let whole = read_bytes(txt.as_bytes(), None).unwrap();
        for (what, cut) in cuts(&txt) {
            let back = read_bytes(cut.as_bytes(), None).unwrap();
            assert_cut(&format!("seed {seed} {what}"), &whole, &back);
        }
    }
}

#[test]
fn cut_off_copies_and_fragments_of_a_shared_report() {
    let Some(dir) = shared_dir() else { return };
    let bytes = std::fs::read(dir.join("2024-langao-minzhu-town.txt")).unwrap();
    let txt = String::from_utf8(bytes).unwrap();
    let whole = read_bytes(txt.as_bytes(), None).unwrap();
    for (what, cut) in cuts(&txt) {
        let back = read_bytes(cut.as_bytes(), None).unwrap();
        assert_cut(what, &whole, &back);
    }
}

#[test]
fn the_year_from_a_statistical_period_with_its_digits_run_together() {
    let (seed, report) = (0..100u64)
        .map(|s| (s, sample_report_with(s, SampleOptions { preamble: true, date: false, ..SampleOptions::PLAIN })))
        .find(|(_, r)| r.sections.first().is_some_and(|s| s.id.is_none() && s.text.contains("统计期限")))
        .unwrap();
    let y = report.year.unwrap();
    let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
    // no title (a copy of the page body), the period's 年 and 月 lost
    let body = txt.split_once('\n').unwrap().1.replace(&format!("{y}年1月1日"), &format!("{y}11日")).replace(&format!("{y}年12月31日"), &format!("{y}1231日"));
    assert!(body.contains(&format!("自{y}11日起至{y}1231日止")), "seed {seed}");
    let body: String = body.lines().filter(|l| !l.contains(&format!("{y}年"))).collect::<Vec<_>>().join("\n");
    let back = read_bytes(body.as_bytes(), None).unwrap();
    assert_eq!(back.year, Some(y), "seed {seed}");
}
