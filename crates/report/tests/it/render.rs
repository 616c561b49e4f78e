//! Renderers: snapshots of every format for one fixed sample report, and the structure of the
//! DOCX and XLSX packages (page set-up per GB/T 9704, merged cells, numbers as numbers).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test on unexpected input"
)]

use std::io::Read as _;

use gongkai_domain::report::spec::T4_ROW;
use gongkai_domain::report::{CheckCode, Finding, FormatVersion, Location, Report, TableId, Value};
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::{SampleOptions, sample_report_with};

const ALL_ON: SampleOptions = SampleOptions {
    blanks: true,
    decimals: true,
    preamble: true,
    date: true,
};

/// The fixed report of the snapshots: a 2021-format report with blanks, a decimal fee, a
/// preamble, a date and text that must be escaped.
fn fixed_2021() -> Report {
    let mut r = (0..)
        .map(|seed| sample_report_with(seed, ALL_ON))
        .find(|r| {
            r.format == FormatVersion::V2021
                && r.tables.iter().any(|t| {
                    t.rows
                        .iter()
                        .any(|row| row.cells.iter().any(Value::is_blank))
                })
        })
        .unwrap_or_else(|| unreachable!());
    r.set(
        TableId::T2,
        "admin_fees",
        "fee_amount",
        Value::Dec("96171.6".parse().unwrap()),
    );
    if let Some(s1) = r
        .sections
        .iter_mut()
        .find(|s| s.id.as_deref() == Some("s1"))
    {
        s1.text
            .push_str("\n推动“互联网+政务服务”与科研院所R&D信息公开相结合，做到<应公开、尽公开>。");
    }
    r
}

fn fixed_2019() -> Report {
    (0..)
        .map(|seed| sample_report_with(seed, SampleOptions::PLAIN))
        .find(|r| r.format == FormatVersion::V2019)
        .unwrap_or_else(|| unreachable!())
}

fn finding() -> Finding {
    Finding::new(
        CheckCode::T3Balance,
        "表三“总计”列：第一项加第二项之和（12）不等于第三项加第四项之和（11）",
        Location {
            table: Some("t3".into()),
            column: Some("total".into()),
            ..Location::default()
        },
        "核对表三各项数据，使“本年新收”加“上年结转”等于“办理结果总计”加“结转下年度”",
    )
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn text(report: &Report, format: OutputFormat, findings: &[Finding]) -> String {
    String::from_utf8(render::render(report, findings, format).unwrap()).unwrap()
}

/// The named part of a zip package as text.
fn part(zip_bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut out = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut out)
        .unwrap();
    out
}

fn part_names(zip_bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    zip.file_names().map(|n| n.unwrap().into_owned()).collect()
}

#[test]
fn txt_md_html_and_json_snapshots_of_a_2021_report() {
    let r = fixed_2021();
    settings().bind(|| {
        insta::assert_snapshot!("render_2021_txt", text(&r, OutputFormat::Txt, &[]));
        insta::assert_snapshot!("render_2021_md", text(&r, OutputFormat::Md, &[]));
        insta::assert_snapshot!(
            "render_2021_html",
            text(&r, OutputFormat::Html, &[finding()])
        );
        insta::assert_snapshot!(
            "render_2021_json",
            text(&r, OutputFormat::Json, &[finding()])
        );
    });
}

#[test]
fn txt_snapshot_of_a_2019_trial_format_report() {
    let r = fixed_2019();
    settings()
        .bind(|| insta::assert_snapshot!("render_2019_txt", text(&r, OutputFormat::Txt, &[])));
}

#[test]
fn docx_and_xlsx_main_parts_snapshots() {
    let r = fixed_2021();
    let docx = render::render(&r, &[], OutputFormat::Docx).unwrap();
    let xlsx = render::render(&r, &[finding()], OutputFormat::Xlsx).unwrap();
    settings().bind(|| {
        insta::assert_snapshot!(
            "render_2021_docx_document_xml",
            part(&docx, "word/document.xml").replace("</w:p>", "</w:p>\n")
        );
        insta::assert_snapshot!(
            "render_2021_docx_styles_xml",
            part(&docx, "word/styles.xml")
        );
        insta::assert_snapshot!(
            "render_2021_xlsx_t3_sheet_xml",
            part(&xlsx, "xl/worksheets/sheet2.xml").replace("<row ", "\n<row ")
        );
    });
}

#[test]
fn rendering_is_deterministic() {
    let r = fixed_2021();
    for f in OutputFormat::ALL {
        if f == OutputFormat::Xlsx {
            // rust_xlsxwriter stamps the creation time into docProps/core.xml; compare the sheets.
            let a = render::render(&r, &[], f).unwrap();
            let b = render::render(&r, &[], f).unwrap();
            assert_eq!(
                part(&a, "xl/worksheets/sheet2.xml"),
                part(&b, "xl/worksheets/sheet2.xml")
            );
            continue;
        }
        assert_eq!(
            render::render(&r, &[], f).unwrap(),
            render::render(&r, &[], f).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn docx_is_an_a4_official_document_per_gb_t_9704() {
    let docx = render::render(&fixed_2021(), &[], OutputFormat::Docx).unwrap();
    let names = part_names(&docx);
    for p in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/settings.xml",
        "word/footer1.xml",
        "word/footer2.xml",
        "word/_rels/document.xml.rels",
    ] {
        assert!(names.iter().any(|n| n == p), "missing {p} in {names:?}");
    }
    let doc = part(&docx, "word/document.xml");
    // A4, margins 上37 下35 左28 右26 mm in twips.
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
    assert!(
        doc.contains(r#"w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#),
        "{doc}"
    );
    let styles = part(&docx, "word/styles.xml");
    assert!(
        styles.contains(r#"w:eastAsia="方正小标宋简体""#)
            && styles.contains(r#"<w:sz w:val="44"/>"#),
        "title 二号 方正小标宋简体"
    );
    assert!(
        styles.contains(r#"w:eastAsia="仿宋_GB2312""#) && styles.contains(r#"<w:sz w:val="32"/>"#),
        "body 三号 仿宋_GB2312"
    );
    assert!(
        styles.contains(r#"w:eastAsia="黑体""#) && styles.contains(r#"w:eastAsia="楷体_GB2312""#)
    );
    assert!(
        styles.contains(r#"w:line="560" w:lineRule="exact""#),
        "fixed 28 pt line spacing"
    );
    let footer = part(&docx, "word/footer1.xml");
    assert!(
        footer.contains("— </w:t>") && footer.contains(" PAGE ") && footer.contains(" —</w:t>"),
        "{footer}"
    );
    assert!(part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
    // Table 三 keeps the national format's merged cells.
    assert!(
        doc.contains(r#"<w:gridSpan w:val="7"/>"#),
        "申请人情况 spans the seven data columns"
    );
    assert!(
        doc.contains(r#"<w:gridSpan w:val="5"/>"#),
        "法人或其他组织 spans five"
    );
    assert!(
        doc.matches(r#"<w:vMerge w:val="restart"/>"#).count() >= 8,
        "corner, 自然人, 总计, 三、本年度办理结果, （三）–（六), 四's leaf headings"
    );
    assert_eq!(doc.matches("<w:tbl>").count(), 3);
    assert!(
        doc.contains("R&amp;D") && doc.contains("&lt;应公开"),
        "text escaped"
    );
    assert_well_formed(&doc);
    assert_well_formed(&styles);
}

#[test]
fn html_prints_merged_heading_cells_and_escapes_text() {
    let html = text(&fixed_2021(), OutputFormat::Html, &[finding()]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("<th colspan=\"7\">申请人情况</th>"));
    assert!(html.contains("<th colspan=\"5\">法人或其他组织</th>"));
    assert!(html.contains("<th rowspan=\"2\">自然人</th>"));
    assert!(html.contains("rowspan=\"3\" colspan=\"3\">（本列数据的勾稽关系为"));
    assert!(html.contains("<td rowspan=\"8\" class=\"label\">（三）不予公开</td>"));
    assert!(html.contains("<td rowspan=\"3\" class=\"label\">（六）其他处理</td>"));
    assert!(html.contains("class=\"label vertical\">三、本年度办理结果</td>"));
    assert!(
        html.contains("<th colspan=\"10\">行政诉讼</th>")
            && html.contains("<th colspan=\"5\">未经复议直接起诉</th>")
    );
    assert!(
        html.contains("R&amp;D")
            && html.contains("&lt;应公开、尽公开&gt;")
            && !html.contains("<应公开")
    );
    assert!(
        html.contains("T3_BALANCE"),
        "findings listed after the report"
    );
}

/// A cell of a worksheet's XML (`<c r="J5" …>…</c>` or `<c r="J5" …/>`).
fn sheet_cell<'a>(sheet: &'a str, r: &str) -> &'a str {
    let start = sheet
        .find(&format!("<c r=\"{r}\""))
        .unwrap_or_else(|| panic!("no cell {r}"));
    let rest = &sheet[start..];
    let gt = rest.find('>').unwrap();
    if rest[..gt].ends_with('/') {
        &rest[..=gt]
    } else {
        &rest[..rest.find("</c>").unwrap() + 4]
    }
}

#[test]
fn xlsx_has_a_sheet_per_table_numbers_as_numbers_and_blanks_empty() {
    let r = fixed_2021();
    let xlsx = render::render(&r, &[finding()], OutputFormat::Xlsx).unwrap();
    let workbook = part(&xlsx, "xl/workbook.xml");
    let sheets: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(sheets, ["表二", "表三", "表四", "说明"]);
    let strings = part(&xlsx, "xl/sharedStrings.xml");
    for s in [
        "申请人情况",
        "法人或其他组织",
        "三、本年度办理结果",
        "未经复议直接起诉",
        "T3_BALANCE",
        "机关名称",
    ] {
        assert!(strings.contains(s), "{s}");
    }
    // 表三: the grid starts at Excel row 2; three heading rows; 一 is row 5; 总计 is column J.
    let t3 = part(&xlsx, "xl/worksheets/sheet2.xml");
    let total = r
        .value(TableId::T3, "new_received", "total")
        .unwrap()
        .as_int()
        .unwrap();
    assert!(
        sheet_cell(&t3, "J5").contains(&format!("<v>{total}</v>")),
        "{}",
        sheet_cell(&t3, "J5")
    );
    assert!(
        !sheet_cell(&t3, "J5").contains("t=\"s\""),
        "a number, not a string"
    );
    // Each blank cell of table 三 is an empty cell (no value), each 0 is the number 0.
    let cols = ["D", "E", "F", "G", "H", "I", "J"];
    for (i, row) in r.table(TableId::T3).unwrap().rows.iter().enumerate() {
        for (k, v) in row.cells.iter().enumerate() {
            let c = sheet_cell(&t3, &format!("{}{}", cols[k], 5 + i));
            match v {
                Value::Blank => assert!(!c.contains("<v>"), "{} {k}: {c}", row.id),
                Value::Int(n) => assert!(c.contains(&format!("<v>{n}</v>")), "{} {k}: {c}", row.id),
                _ => {}
            }
        }
    }
    assert!(
        t3.contains("<mergeCell ref=\"D2:J2\"/>"),
        "申请人情况 merged over the seven data columns"
    );
    // 表二: the fee is the number 96171.6.
    let t2 = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(t2.contains("<v>96171.6</v>"));
    // 表四: fifteen numbers on Excel row 5.
    let t4 = part(&xlsx, "xl/worksheets/sheet3.xml");
    let review_total = r.value(TableId::T4, T4_ROW, "review_total").unwrap();
    match review_total {
        Value::Blank => assert!(!sheet_cell(&t4, "E5").contains("<v>")),
        v => assert!(sheet_cell(&t4, "E5").contains(&format!("<v>{v}</v>"))),
    }
}

/// Every opened tag is closed in order (enough to catch a broken hand-written part).
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name = tag
            .trim_start_matches('/')
            .split([' ', '\n'])
            .next()
            .unwrap();
        if tag.starts_with('/') {
            assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert!(!xml.contains('\u{0}'));
}

/// `report check --format json` serializes `ReportJson` straight from the report: the same
/// document as `checked_report_json` (the contract plus the verdict), for generated reports
/// (blanks, decimals, both formats) and the shared real ones.
#[test]
fn streamed_report_json_is_the_contract_json() {
    use gongkai_domain::report::check::{CheckOptions, check};
    use gongkai_domain::report::json::{ReportJson, checked_report_json};
    let mut reports: Vec<gongkai_domain::report::Report> = (0..60).map(gongkai_report::testing::sample_report).collect();
    let shared = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    if let Ok(dir) = std::fs::read_dir(&shared) {
        for e in dir.filter_map(Result::ok) {
            let p = e.path();
            if p.extension().is_some_and(|x| x != "pdf") && !p.ends_with("MANIFEST.md") {
                reports.push(gongkai_report::read::read_path(&p).unwrap());
            }
        }
    }
    for r in &reports {
        let f = check(r, None, &CheckOptions::default());
        let tree = checked_report_json(r, &f);
        assert_eq!(tree["verdict"]["status"], gongkai_domain::report::verdict::verdict(&f).status.id(), "{:?}", r.source);
        let streamed = serde_json::to_value(ReportJson { report: r, findings: &f }).unwrap();
        assert_eq!(streamed, tree, "{:?}", r.source);
        assert_eq!(serde_json::to_string_pretty(&ReportJson { report: r, findings: &f }).unwrap(), serde_json::to_string_pretty(&tree).unwrap());
    }
}
