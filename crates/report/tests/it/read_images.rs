//! Tables published as images (issue 10 item 6): one MISSING_TABLE per table naming the image,
//! never a flood of MISSING_ROW; the tables printed as text still read cell by cell.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::path::PathBuf;

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::{CheckCode, Finding, Report, TableId};
use gongkai_report::read::read_bytes;
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::sample_report;

/// The page with its `<table>`s from the `skip`-th on replaced by `<img>`s (table 二's blocks
/// are one table each in some pages: `skip` is how many stay text).
fn tables_to_images(html: &str, skip: usize) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut rest = html;
    let mut k = 0;
    let mut names = Vec::new();
    while let Some(i) = rest.find("<table") {
        let end = rest[i..].find("</table>").map(|e| i + e + "</table>".len()).unwrap();
        out.push_str(&rest[..i]);
        if k >= skip {
            let name = format!("/upload/2025/report-table-{k}.png");
            out.push_str(&format!("<p style=\"text-align:center\"><img src=\"{name}\" alt=\"表格\" width=\"600\"></p>"));
            names.push(name);
        } else {
            out.push_str(&rest[i..end]);
        }
        rest = &rest[end..];
        k += 1;
    }
    out.push_str(rest);
    (out, names)
}

fn table_findings(f: &[Finding]) -> (Vec<&Finding>, usize) {
    let tables = f.iter().filter(|x| x.code == CheckCode::MissingTable).collect();
    let rows = f.iter().filter(|x| x.code == CheckCode::MissingRow).count();
    (tables, rows)
}

fn assert_images(what: &str, whole: &Report, back: &Report, images: &[String], as_image: &[TableId]) {
    let f = check(back, None, &CheckOptions::default());
    let (tables, rows) = table_findings(&f);
    assert_eq!(rows, 0, "{what}: {f:#?}");
    assert_eq!(tables.len(), as_image.len(), "{what}: {tables:#?}");
    for (t, x) in as_image.iter().zip(&tables) {
        assert_eq!(x.location.table.as_deref(), Some(t.id()), "{what}");
        assert!(images.iter().any(|i| x.message.contains(i.as_str())), "{what}: names the image: {}", x.message);
    }
    for t in &back.tables {
        assert!(!as_image.contains(&t.id), "{what}");
        for row in &t.rows {
            assert_eq!(whole.table(t.id).and_then(|w| w.row(row.id)).map(|w| &w.cells), Some(&row.cells), "{what}: {}", row.id);
        }
    }
}

#[test]
fn generated_reports_with_tables_as_images() {
    for seed in 0..20u64 {
        let report = sample_report(seed);
        let html = String::from_utf8(render::render(&report, &[], OutputFormat::Html).unwrap()).unwrap();
        let n = html.matches("<table").count();
        // tables 三 and 四 (the last two) as images
        let (page, images) = tables_to_images(&html, n - 2);
        let back = read_bytes(page.as_bytes(), None).unwrap();
        assert_images(&format!("seed {seed}"), &report, &back, &images, &[TableId::T3, TableId::T4]);
        // every table as an image
        let (page, images) = tables_to_images(&html, 0);
        let back = read_bytes(page.as_bytes(), None).unwrap();
        assert_images(&format!("seed {seed} all"), &report, &back, &images, &[TableId::T2, TableId::T3, TableId::T4]);
    }
}

#[test]
fn a_table_with_nothing_between_two_headings_is_one_missing_table() {
    let report = sample_report(3);
    let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
    let (a, b) = (txt.find("\n三、收到和处理").unwrap(), txt.find("\n四、政府信息公开行政复议").unwrap());
    let heading_end = a + 1 + txt[a + 1..].find('\n').unwrap();
    let cut = format!("{}{}", &txt[..heading_end], &txt[b..]);
    let back = read_bytes(cut.as_bytes(), None).unwrap();
    let f = check(&back, None, &CheckOptions::default());
    let (tables, rows) = table_findings(&f);
    assert_eq!((tables.len(), rows), (1, 0), "{f:#?}");
    assert_eq!(tables[0].location.table.as_deref(), Some("t3"));
}

#[test]
fn a_shared_page_with_its_tables_as_images() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    if !dir.is_dir() {
        assert!(!std::env::var("GONGKAI_REQUIRE_SHARED").is_ok_and(|v| v == "1"), "GONGKAI_REQUIRE_SHARED=1 but {} is absent", dir.display());
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    for name in ["2024-pingtan.html", "2023-shuyang-fgj.html"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let html = String::from_utf8(bytes).unwrap();
        let whole = read_bytes(html.as_bytes(), None).unwrap();
        let n = html.matches("<table").count();
        assert!(n >= 2, "{name}");
        let (page, images) = tables_to_images(&html, n - 2);
        let back = read_bytes(page.as_bytes(), None).unwrap();
        let lost: Vec<TableId> = TableId::ALL.into_iter().filter(|t| back.table(*t).is_none()).collect();
        assert!(!lost.is_empty(), "{name}");
        assert_images(name, &whole, &back, &images, &lost);
    }
}
