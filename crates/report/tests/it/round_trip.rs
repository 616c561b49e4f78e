//! The round-trip property: for any generated report, render → read gives back the same report
//! (`Report::same_content`) for every format that has a reader (txt, md, html, docx, json). An
//! XLSX workbook holds the tables and the title only: read back, its tables, agency and year are
//! the report's; its sheets are also read as XML and compared cell by cell.

use std::fmt::Write as _;
use std::io::Read as _;

use gongkai_domain::report::spec::T4_ROW;
use gongkai_domain::report::{Report, TableId, Value};
use gongkai_report::read::read_bytes;
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::sample_report;
use proptest::prelude::*;

/// What differs between two reports, as a short list for a failure message ("" when the same).
pub fn difference(want: &Report, got: &Report) -> String {
    let mut out = String::new();
    macro_rules! field {
        ($f:ident) => {
            if want.$f != got.$f {
                let _ = writeln!(
                    out,
                    "{}: want {:?}, got {:?}",
                    stringify!($f),
                    want.$f,
                    got.$f
                );
            }
        };
    }
    field!(agency);
    field!(level);
    field!(year);
    field!(format);
    field!(date);
    let ws: Vec<_> = want
        .sections
        .iter()
        .map(|s| (s.id.as_deref(), s.title.as_str(), s.text.as_str()))
        .collect();
    let gs: Vec<_> = got
        .sections
        .iter()
        .map(|s| (s.id.as_deref(), s.title.as_str(), s.text.as_str()))
        .collect();
    if ws != gs {
        let _ = writeln!(out, "sections: want {} got {}", ws.len(), gs.len());
        for i in 0..ws.len().max(gs.len()) {
            if ws.get(i) != gs.get(i) {
                let _ = writeln!(
                    out,
                    "  section {i}: want {:?}\n              got  {:?}",
                    ws.get(i),
                    gs.get(i)
                );
                break;
            }
        }
    }
    for id in TableId::ALL {
        match (want.table(id), got.table(id)) {
            (None, None) => {}
            (Some(_), None) | (None, Some(_)) => {
                let _ = writeln!(out, "table {}: present in only one", id.id());
            }
            (Some(w), Some(g)) => {
                let wr: Vec<&str> = w.rows.iter().map(|r| r.id).collect();
                let gr: Vec<&str> = g.rows.iter().map(|r| r.id).collect();
                if wr != gr {
                    let _ = writeln!(out, "table {} rows: want {wr:?}\n  got {gr:?}", id.id());
                }
                for row in &w.rows {
                    if let Some(grow) = g.row(row.id).filter(|g| g.cells != row.cells) {
                        let _ = writeln!(
                            out,
                            "table {} row {}: want {:?}, got {:?}",
                            id.id(),
                            row.id,
                            row.cells,
                            grow.cells
                        );
                    }
                }
            }
        }
    }
    out
}

/// Render a sample report and read it back; `Err` with the difference when they differ.
pub fn round_trip(seed: u64, format: OutputFormat) -> Result<(), String> {
    let report = sample_report(seed);
    let bytes = render::render(&report, &[], format).map_err(|e| e.to_string())?;
    let back = read_bytes(&bytes, Some(&format!("sample-{seed}.{}", format.id())))
        .map_err(|e| format!("seed {seed} {format}: read error: {e}"))?;
    if back.same_content(&report) {
        Ok(())
    } else {
        Err(format!(
            "seed {seed} {format}:\n{}",
            difference(&report, &back)
        ))
    }
}

/// 64 cases per format from a fixed seed, so every run of the suite checks the same reports;
/// `PROPTEST_RNG_SEED` / `PROPTEST_CASES` explore others.
fn config() -> ProptestConfig {
    let mut c = ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(0x676F_6E67_6B61_6921);
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn txt_round_trip_gives_back_the_same_report(seed in any::<u64>()) {
        round_trip(seed, OutputFormat::Txt).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn md_round_trip_gives_back_the_same_report(seed in any::<u64>()) {
        round_trip(seed, OutputFormat::Md).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn html_round_trip_gives_back_the_same_report(seed in any::<u64>()) {
        round_trip(seed, OutputFormat::Html).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn docx_round_trip_gives_back_the_same_report(seed in any::<u64>()) {
        round_trip(seed, OutputFormat::Docx).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn json_round_trip_gives_back_the_same_report(seed in any::<u64>()) {
        round_trip(seed, OutputFormat::Json).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn xlsx_read_back_gives_the_same_tables_agency_and_year(seed in any::<u64>()) {
        xlsx_round_trip(seed).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn xlsx_sheets_hold_every_value_of_the_report(seed in any::<u64>()) {
        xlsx_holds_values(&sample_report(seed)).map_err(TestCaseError::fail)?;
    }
}

/// The workbook read back: the same tables cell by cell, agency, year and format; the narrative
/// sections are not in a workbook, and one finding says so.
fn xlsx_round_trip(seed: u64) -> Result<(), String> {
    let report = sample_report(seed);
    let bytes = render::render(&report, &[], OutputFormat::Xlsx).map_err(|e| e.to_string())?;
    let back = read_bytes(&bytes, Some("sample.xlsx")).map_err(|e| format!("seed {seed} xlsx: read error: {e}"))?;
    let mut tables_only = report.clone();
    tables_only.sections = back.sections.clone();
    tables_only.date = back.date;
    let diff = difference(&tables_only, &back);
    if diff.is_empty() { Ok(()) } else { Err(format!("seed {seed} xlsx:\n{diff}")) }
}

fn part(zip_bytes: &[u8], name: &str) -> Result<String, String> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).map_err(|e| e.to_string())?;
    let mut out = String::new();
    zip.by_name(name)
        .map_err(|e| format!("{name}: {e}"))?
        .read_to_string(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The value of a cell in a worksheet's XML: `None` for an empty cell, the `<v>` text otherwise.
fn cell_value(sheet: &str, r: &str) -> Option<String> {
    let start = sheet.find(&format!("<c r=\"{r}\""))?;
    let rest = &sheet[start..];
    let gt = rest.find('>')?;
    if rest[..gt].ends_with('/') {
        return None;
    }
    let body = &rest[..rest.find("</c>")?];
    let v = body.find("<v>")?;
    Some(body[v + 3..body.find("</v>")?].to_owned())
}

fn column_letter(i: usize) -> char {
    char::from(b'A' + u8::try_from(i).unwrap_or(0))
}

/// Compare the numbers of the workbook's 表二, 表三 and 表四 with the report (the grid starts on
/// Excel row 2; numbers are numbers; a blank is an empty cell).
fn xlsx_holds_values(report: &Report) -> Result<(), String> {
    let bytes = render::render(report, &[], OutputFormat::Xlsx).map_err(|e| e.to_string())?;
    let workbook = part(&bytes, "xl/workbook.xml")?;
    for name in ["表二", "表三", "表四", "说明"] {
        if !workbook.contains(&format!("<sheet name=\"{name}\"")) {
            return Err(format!("no sheet {name}"));
        }
    }
    let check = |sheet: &str, r: &str, v: &Value| -> Result<(), String> {
        let got = cell_value(sheet, r);
        let ok = match v {
            Value::Blank | Value::Absent => got.is_none(),
            Value::Int(n) => got.as_deref().and_then(|g| g.parse::<f64>().ok()) == Some(*n as f64),
            Value::Dec(d) => got
                .as_deref()
                .and_then(|g| g.parse::<f64>().ok())
                .is_some_and(|g| (g - d.to_f64()).abs() < 1e-6),
            Value::Unreadable(_) => got.is_some(),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{r}: want {v:?}, got {got:?}"))
        }
    };
    let spec = report.format.spec();
    // 表二: per block a caption row, a heading row, then its rows; the label in column A.
    let t2 = part(&bytes, "xl/worksheets/sheet1.xml")?;
    let mut excel_row = 2;
    for block in spec.t2.blocks {
        excel_row += 2;
        for rs in block.rows {
            let row = report
                .table(TableId::T2)
                .and_then(|t| t.row(rs.id))
                .ok_or("t2 row")?;
            for (i, v) in row.cells.iter().enumerate() {
                check(&t2, &format!("{}{excel_row}", column_letter(1 + i)), v)?;
            }
            excel_row += 1;
        }
    }
    // 表三: three heading rows, data from Excel row 5, numbers in columns D–J.
    let t3 = part(&bytes, "xl/worksheets/sheet2.xml")?;
    for (i, row) in report
        .table(TableId::T3)
        .ok_or("t3")?
        .rows
        .iter()
        .enumerate()
    {
        for (k, v) in row.cells.iter().enumerate() {
            check(&t3, &format!("{}{}", column_letter(3 + k), 5 + i), v)?;
        }
    }
    // 表四: one data row, Excel row 5, columns A–O.
    let t4 = part(&bytes, "xl/worksheets/sheet3.xml")?;
    let row = report
        .table(TableId::T4)
        .and_then(|t| t.row(T4_ROW))
        .ok_or("t4")?;
    for (k, v) in row.cells.iter().enumerate() {
        check(&t4, &format!("{}5", column_letter(k)), v)?;
    }
    Ok(())
}

/// Regression (found by the sweep, seed 320): a 2019 table 二 row of two columns whose first
/// cell is blank — （八） 行政事业性收费: 上一年项目数量 blank, 本年增/减 −2 — printed in a table
/// whose last column spans the rest (HTML `<td></td><td colspan="2">-2</td>`, the same grid in
/// DOCX and Markdown) read back shifted left: [−2, blank], because the readers' shared grid → row
/// step (`read::assemble`) dropped the leading blank. It now takes a table 二 row's values under
/// the columns of the block's header row. Tab-separated text is printed without the trailing
/// covered cell and reads back right.
#[test]
fn a_leading_blank_in_a_narrow_2019_table_2_block_keeps_its_column() {
    let mut report = (0..)
        .map(sample_report)
        .find(|r| r.format == gongkai_domain::report::FormatVersion::V2019)
        .unwrap();
    report.set(TableId::T2, "admin_fees", "prev_items", Value::Blank);
    report.set(TableId::T2, "admin_fees", "change", Value::Int(-2));
    for f in [
        OutputFormat::Txt,
        OutputFormat::Md,
        OutputFormat::Html,
        OutputFormat::Docx,
    ] {
        let bytes = render::render(&report, &[], f).unwrap();
        let back = read_bytes(&bytes, None).unwrap();
        assert_eq!(difference(&report, &back), "", "{f}");
    }
}

/// A fixed sweep over many seeds per format, reporting how many round-trip — the quick view of
/// where a reader and a renderer disagree (`cargo test -p gongkai-report --test it round_trip_sweep -- --ignored --nocapture`).
#[test]
#[ignore = "diagnostic sweep; the property tests are the gate"]
fn round_trip_sweep() {
    for f in OutputFormat::ALL.into_iter().filter(|f| f.has_reader()) {
        let n: u64 = std::env::var("SWEEP")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300);
        let failures: Vec<String> = (0..n)
            .filter_map(|seed| round_trip(seed, f).err())
            .collect();
        println!("{f}: {} of {n} fail", failures.len());
        if let Some(first) = failures.first() {
            println!("{first}");
        }
    }
}

/// A crawler's copy of a generated report (one line, cells run together): the tables read back
/// the same, or the rows the reader could not split are named in an AMBIGUOUS_CELLS finding.
/// Diagnostic (`SWEEP=n`), like the sweep above.
#[test]
#[ignore = "diagnostic sweep of the crawl reader"]
fn crawl_sweep() {
    use gongkai_domain::report::CheckCode;
    let n: u64 = std::env::var("SWEEP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let (mut same, mut ambiguous, mut wrong) = (0, 0, Vec::new());
    for seed in 0..n {
        // Blank cells vanish in run-together text: crawl copies are of reports without blanks.
        let options = gongkai_report::testing::SampleOptions {
            blanks: false,
            ..gongkai_report::testing::SampleOptions::for_seed(seed)
        };
        let report = gongkai_report::testing::sample_report_with(seed, options);
        let txt =
            String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
        let crawl: String = txt.chars().filter(|c| !matches!(c, '\t' | '\n')).collect();
        let back = match read_bytes(crawl.as_bytes(), None) {
            Ok(b) => b,
            Err(e) => {
                wrong.push(format!("seed {seed}: {e}"));
                continue;
            }
        };
        let mut table_diff = String::new();
        for line in difference(&report, &back)
            .lines()
            .filter(|l| l.starts_with("table"))
        {
            table_diff.push_str(line);
            table_diff.push('\n');
        }
        if table_diff.is_empty() {
            same += 1;
        } else if back
            .reader_findings
            .iter()
            .any(|f| f.code == CheckCode::AmbiguousCells)
        {
            ambiguous += 1;
        } else {
            wrong.push(format!("seed {seed}:\n{table_diff}"));
        }
    }
    println!(
        "crawl: {same} same, {ambiguous} flagged ambiguous, {} silently different, of {n}",
        wrong.len()
    );
    for w in wrong.iter().take(3) {
        println!("{w}");
    }
}
