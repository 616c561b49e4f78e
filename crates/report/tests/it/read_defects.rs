//! Defects are still found in every layout a copy comes in (issue 10, item 9): a township
//! reporting 规章 (TOWNSHIP_REGULATIONS), a label cut short (`本年增/`, LABEL_MISMATCH), a heading
//! with a typo or without its numeral (SECTION_TITLE). Each planted in a generated report, then
//! the report written in layouts 1–5: one cell per line, `|` rows (framed and not), tab-separated
//! rows, `pdftotext` text (with and without -layout), Markdown with table 四 in three small
//! tables.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::{AgencyLevel, CheckCode, Finding, FormatVersion, Report, TableId, Value};
use gongkai_report::read::{markdown, read_bytes};
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::{SampleOptions, sample_report_with};

use crate::read_layouts::{Layout, txt_in_layout};
use crate::read_md_split::{Style, doc_as_split_md};
use crate::read_pages::as_pdftotext;

const LAYOUTS: [&str; 7] = ["1 one cell per line", "2 pipes framed", "2 pipes", "3 tabs", "4 pdftotext -layout", "4 pdftotext", "5 split markdown"];

/// The report in a layout, after `edit` changed its printed text (the same edit in the text and
/// the Markdown it is made from).
fn in_layout(report: &Report, layout: &str, edit: &dyn Fn(&str) -> String) -> String {
    let txt = edit(&String::from_utf8(render::render(report, &[], OutputFormat::Txt).unwrap()).unwrap());
    match layout {
        "1 one cell per line" => txt_in_layout(&txt, Layout::OneCell),
        "2 pipes framed" => txt_in_layout(&txt, Layout::PipesFramed),
        "2 pipes" => txt_in_layout(&txt, Layout::Pipes),
        "3 tabs" => txt,
        "4 pdftotext -layout" => as_pdftotext(&txt, true).concat(),
        "4 pdftotext" => as_pdftotext(&txt, false).concat(),
        _ => {
            let md = edit(&String::from_utf8(render::render(report, &[], OutputFormat::Md).unwrap()).unwrap());
            doc_as_split_md(&markdown::to_doc(&md), Style::for_seed(1))
        }
    }
}

fn findings(input: &str) -> Vec<Finding> {
    check(&read_bytes(input.as_bytes(), Some("defect.txt")).unwrap(), None, &CheckOptions::default())
}

fn sample(format: FormatVersion, level: Option<AgencyLevel>) -> Report {
    (0..500u64)
        .map(|s| sample_report_with(s, SampleOptions::PLAIN))
        .find(|r| r.format == format && level.is_none_or(|l| r.level == Some(l)))
        .unwrap()
}

fn same(s: &str) -> String {
    s.to_owned()
}

#[test]
fn a_township_reporting_regulations_in_every_layout() {
    let mut report = sample(FormatVersion::V2021, Some(AgencyLevel::Township));
    assert!(report.set(TableId::T2, "regulations", "made", Value::Int(1)));
    assert!(report.set(TableId::T2, "regulations", "valid", Value::Int(1)));
    let mut failures = Vec::new();
    for layout in LAYOUTS {
        let f = findings(&in_layout(&report, layout, &same));
        let hits: Vec<_> = f.iter().filter(|x| x.code == CheckCode::TownshipRegulations).collect();
        if hits.len() != 1 {
            failures.push(format!("{layout}: {} TOWNSHIP_REGULATIONS in {:?}", hits.len(), f.iter().map(|x| x.code.code()).collect::<Vec<_>>()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_column_heading_cut_short_in_every_layout() {
    let report = sample(FormatVersion::V2019, None);
    let cut = |s: &str| s.replace("本年增/减", "本年增/");
    let mut failures = Vec::new();
    for layout in LAYOUTS {
        let input = in_layout(&report, layout, &cut);
        assert!(input.contains("本年增/") && !input.contains("本年增/减"), "{layout}");
        let f = findings(&input);
        let hits: Vec<_> = f.iter().filter(|x| x.code == CheckCode::LabelMismatch && x.location.column.as_deref() == Some("change")).collect();
        // printed so under （五）（六）（八）: one finding naming the three blocks
        if hits.len() != 1 || !["本年增/", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"].iter().all(|w| hits[0].message.contains(w)) {
            failures.push(format!("{layout}: {:?}", f.iter().map(|x| (x.code.code(), x.message.as_str())).collect::<Vec<_>>()));
        }
        // the cut heading is a label defect, not a lost column
        if f.iter().any(|x| x.code == CheckCode::MissingRow) {
            failures.push(format!("{layout}: MISSING_ROW"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_heading_with_a_typo_and_one_without_its_numeral_in_every_layout() {
    let report = sample(FormatVersion::V2021, None);
    let edit = |s: &str| s.replace("五、存在的主要问题及改进情况", "五、存在的主要问题及改近情况").replace("六、其他需要报告的事项", "其他需要报告的事项");
    let mut failures = Vec::new();
    for layout in LAYOUTS {
        let f = findings(&in_layout(&report, layout, &edit));
        let titles: Vec<_> = f.iter().filter(|x| x.code == CheckCode::SectionTitle).filter_map(|x| x.location.section.as_deref()).collect();
        if titles != ["s5", "s6"] {
            failures.push(format!("{layout}: SECTION_TITLE at {titles:?}"));
        }
        if f.iter().any(|x| x.code == CheckCode::MissingSection) {
            failures.push(format!("{layout}: MISSING_SECTION {:?}", f.iter().filter(|x| x.code == CheckCode::MissingSection).map(|x| &x.message).collect::<Vec<_>>()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Regression: a misprinted heading right after a table (三 after table 二, 四 after table 三)
/// was read as a line of the table before it, so the section went missing without a word and
/// the typo was not reported.
#[test]
fn a_misprinted_heading_right_after_a_table_is_still_a_heading_in_every_layout() {
    for format in [FormatVersion::V2021, FormatVersion::V2019] {
        let report = sample(format, None);
        let edit = |s: &str| s.replace("三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请情兄").replace("行政复议、行政诉讼情况", "行政复议、行政拆讼情况");
        let mut failures = Vec::new();
        for layout in LAYOUTS {
            let input = in_layout(&report, layout, &edit);
            assert!(input.contains("行政拆讼"), "{layout}: the typo is planted");
            let read = read_bytes(input.as_bytes(), Some("defect.txt")).unwrap();
            let f = check(&read, None, &CheckOptions::default());
            let titles: Vec<_> = f.iter().filter(|x| x.code == CheckCode::SectionTitle).filter_map(|x| x.location.section.as_deref()).collect();
            if titles != ["s3", "s4"] {
                failures.push(format!("{format:?} {layout}: SECTION_TITLE at {titles:?}"));
            }
            if let Some(x) = f.iter().find(|x| x.code == CheckCode::MissingSection) {
                failures.push(format!("{format:?} {layout}: {}", x.message));
            }
            // the tables before and after the headings are read as they were
            for t in [TableId::T2, TableId::T3, TableId::T4] {
                let (e, r) = (report.table(t).unwrap(), read.table(t));
                let wrong = e.rows.iter().filter(|row| r.and_then(|r| r.row(row.id)).map(|x| &x.cells) != Some(&row.cells)).count();
                if wrong > 0 {
                    failures.push(format!("{format:?} {layout}: {wrong} rows of {t:?} read differently"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
