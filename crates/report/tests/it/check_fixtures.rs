//! The checker on the repository's own fixtures, in every input flavour: a report with planted
//! defects (tests/fixtures/check/bureau-defects.*) gives exactly the planted errors, with its JSON
//! snapshotted; and generated reports, rendered to every readable format and read back, give no
//! error when consistent and exactly the planted error when not.

use std::collections::BTreeSet;
use std::path::PathBuf;

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::report_json;
use gongkai_domain::report::{Finding, Severity};
use gongkai_report::read::{read_bytes, read_path};
use gongkai_report::render::{OutputFormat, render};
use gongkai_report::testing::{sample_inconsistent_report, sample_report};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check").join(name)
}

fn codes(f: &[Finding], sev: Severity) -> BTreeSet<&'static str> {
    f.iter().filter(|x| x.severity == sev).map(|x| x.code.code()).collect()
}

fn dump(f: &[Finding]) -> String {
    f.iter().map(|x| format!("  {}[{}] {}", x.severity.label(), x.code.code(), x.message)).collect::<Vec<_>>().join("\n")
}

const PLANTED_ERRORS: [&str; 3] = ["T3_BALANCE", "T3_RESULTS_TOTAL", "T4_GROUP_TOTAL"];

#[test]
fn planted_defects_are_found_in_every_flavour() {
    for ext in ["txt", "html", "md", "json", "docx"] {
        let name = format!("bureau-defects.{ext}");
        let mut r = read_path(&fixture(&name)).unwrap();
        let f = check(&r, None, &CheckOptions::default());
        let want: BTreeSet<&str> = PLANTED_ERRORS.into_iter().collect();
        assert_eq!(codes(&f, Severity::Error), want, "{name}:\n{}", dump(&f));
        let warnings = codes(&f, Severity::Warning);
        for w in ["FEE_STATEMENT_MISSING", "NARRATIVE_MISMATCH"] {
            assert!(warnings.contains(w), "{name}: {w} missing:\n{}", dump(&f));
        }
        if ext == "txt" || ext == "json" {
            assert!(warnings.contains("DOC_NUMBER_FORMAT"), "{name}:\n{}", dump(&f));
        }
        r.source = None;
        insta::assert_json_snapshot!(format!("check_{ext}"), report_json(&r, &f));
    }
}

const FORMATS: [OutputFormat; 5] = [OutputFormat::Txt, OutputFormat::Md, OutputFormat::Html, OutputFormat::Docx, OutputFormat::Json];

#[test]
fn generated_consistent_reports_have_no_error_in_any_flavour() {
    for seed in 0..40 {
        let r = sample_report(seed);
        let f = check(&r, None, &CheckOptions::default());
        assert!(codes(&f, Severity::Error).is_empty(), "seed {seed} (model):\n{}", dump(&f));
        for fmt in FORMATS {
            let bytes = render(&r, &[], fmt).unwrap();
            let back = read_bytes(&bytes, Some("sample")).unwrap_or_else(|e| panic!("seed {seed} {fmt}: {e}"));
            let f = check(&back, None, &CheckOptions::default());
            assert!(codes(&f, Severity::Error).is_empty(), "seed {seed} {fmt}:\n{}", dump(&f));
        }
    }
}

#[test]
fn generated_reports_with_one_planted_error_give_exactly_that_error_in_every_flavour() {
    for seed in 0..40 {
        let (r, code) = sample_inconsistent_report(seed);
        for fmt in FORMATS {
            let bytes = render(&r, &[], fmt).unwrap();
            let back = read_bytes(&bytes, Some("sample")).unwrap_or_else(|e| panic!("seed {seed} {fmt}: {e}"));
            let f = check(&back, None, &CheckOptions::default());
            let want: BTreeSet<&str> = [code.code()].into_iter().collect();
            assert_eq!(codes(&f, Severity::Error), want, "seed {seed} {fmt}:\n{}", dump(&f));
        }
    }
}
