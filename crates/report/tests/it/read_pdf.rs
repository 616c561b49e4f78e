//! The PDF reader: poppler's `pdftotext -layout`, then the layout reader. Tests that need
//! pdftotext skip with a message when it is not installed, and fail when
//! GONGKAI_REQUIRE_PDFTOTEXT=1 (set by .ci/run).
// Helpers outside #[test] functions unwrap too: the whole module is test code.
#![cfg(test)]

use std::path::{Path, PathBuf};

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::spec::T4_ROW;
use gongkai_domain::report::{AgencyLevel, CheckCode, FormatVersion, Report, Severity, TableId, Value};
use gongkai_report::read::{self, ReadError, pdf};

fn have_pdftotext() -> bool {
    if pdf::pdftotext_available() {
        return true;
    }
    assert!(
        std::env::var("GONGKAI_REQUIRE_PDFTOTEXT").as_deref() != Ok("1"),
        "pdftotext is not installed and GONGKAI_REQUIRE_PDFTOTEXT=1 (apt-get install poppler-utils)"
    );
    println!("skipped: pdftotext not installed (apt-get install poppler-utils)");
    false
}

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

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf").join(name)
}

fn read_shared_pdf(name: &str) -> Option<Report> {
    if !have_pdftotext() {
        return None;
    }
    let p = shared(name)?;
    Some(read::read_path(&p).unwrap())
}

fn key_figures(r: &Report) -> [Option<i64>; 4] {
    let t = |row: &str| r.value(TableId::T3, row, "total").and_then(Value::as_int);
    [t("new_received"), t("carried_over"), t("results_total"), t("carried_forward")]
}

fn t4(r: &Report, col: &str) -> Option<i64> {
    r.value(TableId::T4, T4_ROW, col).and_then(Value::as_int)
}

fn findings(r: &Report) -> Vec<gongkai_domain::report::Finding> {
    check(r, None, &CheckOptions::default())
}

fn has(r: &Report, code: CheckCode) -> bool {
    findings(r).iter().any(|f| f.code == code)
}

fn arithmetic_errors(r: &Report) -> Vec<String> {
    findings(r)
        .into_iter()
        .filter(|f| f.severity == Severity::Error && f.code.code().starts_with('T'))
        .map(|f| format!("{} {}", f.code.code(), f.message))
        .collect()
}

/// The PDF and the committed `pdftotext -layout` text of it read to the same tables.
fn same_tables_as_text(r: &Report, pdf_name: &str) {
    let Some(txt) = shared(&pdf_name.replace(".pdf", ".pdftotext.txt")) else { return };
    let t = read::read_path(&txt).unwrap();
    for id in TableId::ALL {
        let cells = |r: &Report| r.table(id).map(|t| t.rows.iter().map(|row| (row.id, row.cells.clone())).collect::<Vec<_>>());
        assert_eq!(cells(r), cells(&t), "table {} differs between {pdf_name} and its .pdftotext.txt", id.id());
    }
}

#[test]
fn huaian_city_large_numbers_and_no_errors() {
    let Some(r) = read_shared_pdf("2024-huaian-city.pdf") else { return };
    assert_eq!(r.agency.as_deref(), Some("淮安市人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::City));
    assert_eq!((r.year, r.format), (Some(2024), FormatVersion::V2021));
    assert_eq!(key_figures(&r), [Some(3119), Some(34), Some(3050), Some(103)]);
    assert_eq!(
        ["review_upheld", "review_corrected", "review_other", "review_pending", "review_total"].map(|c| t4(&r, c)),
        [Some(72), Some(64), Some(178), Some(37), Some(351)]
    );
    assert_eq!(t4(&r, "lit_direct_total").zip(t4(&r, "lit_after_total")).map(|(a, b)| a + b), Some(46));
    assert_eq!(r.value(TableId::T2, "admin_penalty", "decisions"), Some(&Value::Int(3_985_758)));
    assert_eq!(r.value(TableId::T2, "admin_fees", "fee_amount").map(ToString::to_string).as_deref(), Some("96171.6"));
    assert!(arithmetic_errors(&r).is_empty(), "{:#?}", arithmetic_errors(&r));
    same_tables_as_text(&r, "2024-huaian-city.pdf");
}

#[test]
fn hongze_2023_group_totals_collapsed_rows_and_label_typo() {
    let Some(r) = read_shared_pdf("2023-hongze-district.pdf") else { return };
    assert_eq!(r.agency.as_deref(), Some("淮安市洪泽区人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::County));
    assert_eq!(r.year, Some(2023));
    assert_eq!(key_figures(&r), [Some(21), Some(0), Some(21), Some(0)]);
    assert_eq!(
        ["review_upheld", "review_corrected", "review_other", "review_pending", "review_total"].map(|c| t4(&r, c)),
        [Some(10), Some(1), Some(0), Some(0), Some(0)]
    );
    assert_eq!((t4(&r, "lit_after_upheld"), t4(&r, "lit_after_total")), (Some(5), Some(0)));
    assert!(has(&r, CheckCode::T4GroupTotal));
    assert!(has(&r, CheckCode::CollapsedRows));
    let typo = findings(&r).into_iter().find(|f| f.code == CheckCode::LabelMismatch && f.message.contains("其他法律行政止公开"));
    assert!(typo.is_some(), "{:#?}", findings(&r));
    same_tables_as_text(&r, "2023-hongze-district.pdf");
}

#[test]
fn hongze_2024_arithmetic_holds_and_carries_over_from_2023() {
    let Some(r) = read_shared_pdf("2024-hongze-district.pdf") else { return };
    assert_eq!(r.year, Some(2024));
    assert_eq!(key_figures(&r), [Some(95), Some(0), Some(95), Some(0)]);
    assert!(has(&r, CheckCode::CollapsedRows));
    assert!(has(&r, CheckCode::LabelMismatch));
    assert!(arithmetic_errors(&r).is_empty(), "{:#?}", arithmetic_errors(&r));
    let Some(prev) = read_shared_pdf("2023-hongze-district.pdf") else { return };
    let cross = check(&r, Some(&prev), &CheckOptions::default());
    assert!(!cross.iter().any(|f| f.code == CheckCode::CarryoverMismatch), "{cross:#?}");
    same_tables_as_text(&r, "2024-hongze-district.pdf");
}

#[test]
fn a_pdf_with_a_text_layer_gives_its_text() {
    if !have_pdftotext() {
        return;
    }
    let text = pdf::read_pdf(&fixture("text.pdf")).unwrap();
    assert_eq!(text.trim(), "2024");
    let bytes = std::fs::read(fixture("text.pdf")).unwrap();
    assert_eq!(pdf::read_pdf_bytes(&bytes).unwrap(), text);
}

#[test]
fn an_image_only_pdf_says_it_has_no_text_layer() {
    if !have_pdftotext() {
        return;
    }
    let err = pdf::read_pdf(&fixture("image-only.pdf")).unwrap_err();
    assert!(matches!(err, ReadError::PdfNoTextLayer), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("文字层") && msg.contains("OCR"), "{msg}");
    let err = read::read_path(&fixture("image-only.pdf")).unwrap_err();
    if read::ocr::tess::available().is_ok() {
        // read with OCR (read_ocr.rs), and nothing of a report found on the page
        assert!(matches!(err, ReadError::NotAReport { .. }) && err.to_string().contains("文字识别"), "{err:?}");
    } else {
        assert!(matches!(err, ReadError::PdfNoTextLayer), "{err:?}");
        assert!(err.to_string().contains("tesseract-ocr-chi-sim"), "{err}");
    }
}

#[test]
fn an_encrypted_pdf_says_so() {
    if !have_pdftotext() {
        return;
    }
    let err = read::read_path(&fixture("encrypted.pdf")).unwrap_err();
    assert!(matches!(err, ReadError::PdfEncrypted), "{err:?}");
    assert!(err.to_string().contains("加密"), "{err}");
}

#[test]
fn a_damaged_pdf_says_so() {
    if !have_pdftotext() {
        return;
    }
    let err = read::read_path(&fixture("corrupt.pdf")).unwrap_err();
    assert!(matches!(err, ReadError::PdfCorrupt { .. }), "{err:?}");
    // a PDF cut off in the middle of a download
    let Some(p) = shared("2023-hongze-district.pdf") else { return };
    let bytes = std::fs::read(p).unwrap();
    match read::read_bytes(&bytes[..bytes.len() / 3], Some("cut.pdf")) {
        Err(_) => {}
        Ok(r) => assert!(
            r.reader_findings.iter().any(|f| f.code == CheckCode::TruncatedInput) || findings(&r).iter().any(|f| f.severity == Severity::Error),
            "a third of a PDF must not read as a clean report"
        ),
    }
}
