//! The plain-text reader and the assembler, on hand-written fixtures and the real reports.
#![expect(clippy::unwrap_used, clippy::panic, reason = "test helpers fail loudly")]

use std::path::{Path, PathBuf};

use gongkai_domain::report::json::report_json;
use gongkai_domain::report::spec::{FormatVersion, TableId};
use gongkai_domain::report::{AgencyLevel, CheckCode, Report, Value};
use gongkai_report::read;

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/txt").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn read_fixture(name: &str) -> Report {
    read::read_bytes(&fixture(name), Some(name)).unwrap()
}

fn codes(r: &Report) -> Vec<(CheckCode, Option<String>, Option<String>)> {
    r.reader_findings.iter().map(|f| (f.code, f.location.row.clone(), f.location.column.clone())).collect()
}

fn t3(r: &Report, row: &str) -> Vec<Value> {
    r.table(TableId::T3).and_then(|t| t.row(row)).map(|r| r.cells.clone()).unwrap_or_default()
}

fn ints(v: &[i64]) -> Vec<Value> {
    v.iter().map(|n| Value::Int(*n)).collect()
}

#[test]
fn fixture_snapshots() {
    for name in ["clean-2021-township.txt", "defects-2021.txt", "truncated-2021.txt", "trial-2019-county.txt"] {
        let r = read_fixture(name);
        insta::assert_json_snapshot!(name, report_json(&r, &r.reader_findings));
    }
}

#[test]
fn clean_township_report_reads_without_findings() {
    let r = read_fixture("clean-2021-township.txt");
    assert_eq!(r.reader_findings, vec![]);
    assert_eq!(r.agency.as_deref(), Some("青石县白云镇人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::Township));
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.format, FormatVersion::V2021);
    assert_eq!(r.date, chrono::NaiveDate::from_ymd_opt(2025, 1, 20));
    let ids: Vec<_> = r.sections.iter().filter_map(|s| s.id.as_deref()).collect();
    assert_eq!(ids, ["s1", "s2", "s3", "s4", "s5", "s6"]);
    assert_eq!(t3(&r, "new_received"), ints(&[5, 1, 0, 0, 0, 0, 6]));
    assert_eq!(t3(&r, "partial"), ints(&[1, 0, 0, 0, 0, 0, 1]));
    assert_eq!(t3(&r, "carried_forward"), ints(&[1, 0, 0, 0, 0, 0, 1]));
    assert_eq!(r.table(TableId::T3).map(|t| t.rows.len()), Some(25));
    assert_eq!(r.value(TableId::T2, "admin_fees", "fee_amount"), Some(&Value::Dec("1.25".parse().unwrap())));
    assert_eq!(r.value(TableId::T4, "appeals", "review_total"), Some(&Value::Int(1)));
    // rows know their source line, for findings that quote it
    let row = r.table(TableId::T3).and_then(|t| t.row("new_received")).unwrap();
    assert_eq!(row.line, Some(32));
}

#[test]
fn gbk_copy_without_declaration_reads_the_same() {
    let utf8 = read_fixture("clean-2021-township.txt");
    let gbk = read_fixture("clean-2021-township.gbk.txt");
    assert!(gbk.same_content(&utf8));
    assert_eq!(gbk.reader_findings, utf8.reader_findings);
}

#[test]
fn space_separated_cells_read_the_same_as_tabs() {
    type Values<'a> = Vec<(TableId, Vec<(&'a str, Vec<Value>)>)>;
    fn values(r: &Report) -> Values<'_> {
        r.tables.iter().map(|t| (t.id, t.rows.iter().map(|row| (row.id, row.cells.clone())).collect())).collect()
    }
    let tabs = read_fixture("clean-2021-township.txt");
    let spaces = read_fixture("spaced-2021-township.txt");
    assert_eq!(values(&spaces), values(&tabs));
    assert_eq!(spaces.reader_findings, vec![]);
}

#[test]
fn planted_defects_are_found_and_values_kept_as_printed() {
    let r = read_fixture("defects-2021.txt");
    let c = codes(&r);
    assert!(c.contains(&(CheckCode::LabelMismatch, None, Some("repealed".into()))), "{c:?}");
    assert!(c.contains(&(CheckCode::LabelMismatch, Some("denied_law_forbidden".into()), None)), "{c:?}");
    assert!(c.iter().any(|(code, _, _)| *code == CheckCode::SectionTitle), "{c:?}");
    assert_eq!(c.len(), 3, "{c:?}");
    // the wrong row total is read as printed: the checker reports T3_ROW_TOTAL
    assert_eq!(t3(&r, "new_received"), ints(&[5, 1, 0, 0, 0, 0, 7]));
    // blank cells stay blank, a dash is blank, text is unreadable
    assert_eq!(t3(&r, "partial"), vec![Value::Int(1), Value::Blank, Value::Blank, Value::Blank, Value::Blank, Value::Blank, Value::Int(1)]);
    assert_eq!(r.value(TableId::T2, "admin_licensing", "decisions"), Some(&Value::Blank));
    assert_eq!(r.value(TableId::T2, "admin_penalty", "decisions"), Some(&Value::Unreadable("3件".into())));
    let f = r.reader_findings.iter().find(|f| f.code == CheckCode::SectionTitle).unwrap();
    assert!(f.message.contains("五、存在的主要问题及下步打算"), "{}", f.message);
    assert_eq!(f.location.section.as_deref(), Some("s5"));
}

#[test]
fn truncated_report_says_what_was_read_and_where_it_stopped() {
    let r = read_fixture("truncated-2021.txt");
    let f: Vec<_> = r.reader_findings.iter().filter(|f| f.code == CheckCode::TruncatedInput).collect();
    assert_eq!(f.len(), 1, "{:?}", r.reader_findings);
    assert!(f[0].message.contains("3.补正后申请内容仍不明确"), "{}", f[0].message);
    assert!(f[0].message.contains("四、五、六"), "{}", f[0].message);
    assert_eq!(t3(&r, "unable_not_held"), ints(&[1, 0, 0, 0, 0, 0, 1]));
    assert!(r.table(TableId::T3).unwrap().row("carried_forward").is_none());
    // a complete report is not truncated
    assert!(!read_fixture("clean-2021-township.txt").reader_findings.iter().any(|f| f.code == CheckCode::TruncatedInput));
}

#[test]
fn trial_format_2019_report_is_detected_with_its_own_table_two() {
    let r = read_fixture("trial-2019-county.txt");
    assert_eq!(r.format, FormatVersion::V2019);
    assert_eq!(r.year, Some(2020));
    assert_eq!(r.agency.as_deref(), Some("青石县人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::County));
    assert_eq!(r.date, chrono::NaiveDate::from_ymd_opt(2021, 1, 25));
    assert_eq!(r.reader_findings, vec![]);
    assert_eq!(r.value(TableId::T2, "admin_penalty", "change"), Some(&Value::Int(-185)));
    assert_eq!(r.value(TableId::T2, "normative_docs", "published_total"), Some(&Value::Int(31)));
    assert_eq!(r.value(TableId::T2, "central_procurement", "procurement_amount"), Some(&Value::Dec("75394432.52".parse().unwrap())));
    assert_eq!(t3(&r, "other_handling"), ints(&[0; 7]));
}

#[test]
fn langao_township_report_in_shared_fixtures() {
    let Some(p) = shared("2024-langao-minzhu-town.txt") else { return };
    let r = read::read_path(&p).unwrap();
    assert_eq!(r.agency.as_deref(), Some("岚皋县民主镇人民政府"));
    assert_eq!(r.level, Some(AgencyLevel::Township));
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.format, FormatVersion::V2021);
    for row in ["new_received", "carried_over", "results_total", "carried_forward"] {
        assert_eq!(t3(&r, row), ints(&[0; 7]), "{row}");
    }
    assert_eq!(r.table(TableId::T3).map(|t| t.rows.len()), Some(25));
    let t4 = &r.table(TableId::T4).unwrap().rows[0].cells;
    assert_eq!(t4, &ints(&[0; 15]));
    let c = codes(&r);
    // MANIFEST: 本年度止件数 for 本年废止件数; 五、存在的主要问题及下步打算
    assert!(c.contains(&(CheckCode::LabelMismatch, None, Some("repealed".into()))), "{c:?}");
    let st: Vec<_> = r.reader_findings.iter().filter(|f| f.code == CheckCode::SectionTitle).collect();
    assert_eq!(st.len(), 1);
    assert!(st[0].message.contains("五、存在的主要问题及下步打算"));
    // half-width (四)(五)(六) are a variant of numbering, not a defect; the truncated
    // 禁止公 and 不再受理 (for 不再处理) are substantive label differences
    let rows: Vec<_> = c.iter().filter_map(|(code, row, _)| (*code == CheckCode::LabelMismatch).then_some(row.clone()).flatten()).collect();
    assert_eq!(rows, ["denied_law_forbidden", "oh_no_correction", "oh_fee_unpaid"]);
    assert!(!c.iter().any(|(code, _, _)| matches!(code, CheckCode::TruncatedInput | CheckCode::AmbiguousCells)), "{c:?}");
}

fn shared(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    let p = dir.join(name);
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var("GONGKAI_REQUIRE_SHARED").as_deref() != Ok("1"), "{} is missing and GONGKAI_REQUIRE_SHARED=1", p.display());
    println!("skipped: {} not present", p.display());
    None
}

#[test]
fn dump() {
    let Ok(f) = std::env::var("DUMP") else { return };
    let p = shared(&f).unwrap_or_else(|| PathBuf::from(&f));
    let r = read::read_path(&p).unwrap();
    println!("{}", serde_json::to_string_pretty(&report_json(&r, &r.reader_findings)).unwrap());
}

#[test]
fn dump_doc() {
    let Ok(f) = std::env::var("DUMPDOC") else { return };
    let p = shared(&f).unwrap();
    let text = std::fs::read_to_string(p).unwrap();
    let doc = gongkai_report::read::markdown::to_doc(&text);
    for b in &doc.blocks {
        match b {
            gongkai_report::read::doc::Block::Para { text, line } => println!("{line} P {text}"),
            gongkai_report::read::doc::Block::Table { rows, .. } => {
                for r in rows {
                    println!("{} R {:?}", r.line, r.cells);
                }
            }
        }
    }
}

/// Throughput of the plain-text path (run with `--release -- --ignored`).
#[test]
#[ignore = "benchmark: cargo test --release -p gongkai-report --test it read_text::plain_text_throughput -- --ignored --nocapture"]
fn plain_text_throughput() {
    let inputs: Vec<Vec<u8>> = ["clean-2021-township.txt", "defects-2021.txt", "trial-2019-county.txt", "clean-2021-township.gbk.txt"].iter().map(|n| fixture(n)).collect();
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let rounds = 5000;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for b in &inputs {
            std::hint::black_box(read::read_bytes(b, None).unwrap());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = f64::from(rounds) * inputs.len() as f64;
    println!("plain text: {:.0} reports/s, {:.1} MB/s", n / secs, (bytes as f64 * f64::from(rounds)) / secs / 1e6);
}

/// A page copied as text goes on after 六 with the site's footer: not part of section 六.
#[test]
fn the_site_footer_after_section_six_is_not_its_text() {
    let report = gongkai_report::testing::sample_report(4);
    let txt = String::from_utf8(gongkai_report::render::render(&report, &[], gongkai_report::render::OutputFormat::Txt).unwrap()).unwrap();
    for footer in [
        "联系我们 | 网站地图\n\n版权所有：某县人民政府办公室  闽ICP备12345678号  网站标识码：3501000001\n",
        "主办单位：某县人民政府办公室 技术支持：某公司\n\n一、总体情况\n",
    ] {
        let page = format!("{txt}\n{footer}");
        let back = read::read_bytes(page.as_bytes(), None).unwrap();
        assert!(back.same_content(&report), "{:?}", back.sections.last());
    }
    // run into 六's last line, as crawler text has it
    let s6 = report.section("s6").unwrap().text.clone();
    let last = s6.lines().last().unwrap();
    let page = txt.replacen(last, &format!("{last}闽ICP备12345678号 版权所有"), 1);
    let back = read::read_bytes(page.as_bytes(), None).unwrap();
    assert_eq!(back.section("s6").map(|s| s.text.as_str()), Some(s6.as_str()));
}

/// An amount printed with its unit is a number (`75394432.52元` on the 2019 Pingtan page); a unit
/// other than the column's is reported, and the number is never converted.
#[test]
fn amounts_printed_with_their_unit_read_as_numbers_and_a_wrong_unit_is_reported() {
    let mut report = (0..).map(gongkai_report::testing::sample_report).find(|r| r.format == FormatVersion::V2021).unwrap();
    report.set(TableId::T2, "admin_fees", "fee_amount", Value::Dec("1.25".parse().unwrap()));
    let txt = String::from_utf8(gongkai_report::render::render(&report, &[], gongkai_report::render::OutputFormat::Txt).unwrap()).unwrap();
    assert!(txt.contains("行政事业性收费\t1.25\n"), "{txt}");
    // the column's own unit: the value, no finding
    let back = read::read_bytes(txt.replace("行政事业性收费\t1.25\n", "行政事业性收费\t1.25万元\n").as_bytes(), None).unwrap();
    assert_eq!(back.value(TableId::T2, "admin_fees", "fee_amount"), Some(&Value::Dec("1.25".parse().unwrap())));
    assert!(back.reader_findings.is_empty(), "{:?}", back.reader_findings);
    // 元 in the 万元 column: the number as printed, a LABEL_MISMATCH, and FEE_UNIT judges the size
    let back = read::read_bytes(txt.replace("行政事业性收费\t1.25\n", "行政事业性收费\t1200000000元\n").as_bytes(), None).unwrap();
    assert_eq!(back.value(TableId::T2, "admin_fees", "fee_amount"), Some(&Value::Int(1_200_000_000)));
    let unit: Vec<_> = back.reader_findings.iter().filter(|f| f.code == CheckCode::LabelMismatch).collect();
    assert_eq!(unit.len(), 1, "{:?}", back.reader_findings);
    assert!(unit[0].message.contains("万元") && unit[0].message.contains("未作换算"), "{}", unit[0].message);
    let all = gongkai_domain::report::check::check(&back, None, &gongkai_domain::report::check::CheckOptions::default());
    assert!(all.iter().any(|f| f.code == CheckCode::FeeUnit) || back.level.is_none(), "{all:?}");
    assert!(!all.iter().any(|f| f.code == CheckCode::UnreadableValue), "{all:?}");
}

/// A copy of a report page as a browser puts it on the clipboard, typed with a full-width input
/// method: tab-separated rows, a paragraph longer than 2,000 bytes on one line, the counts in
/// full-width digits (`２１７`) and the zeros printed as `—`. Every cell reads as printed: the
/// digits as numbers, the dashes as blank cells (BLANK_CELL). Regression: the long line sent the
/// copy to the crawl reader, which cannot read a dash and did not read full-width digits (the
/// copy without dashes still goes there: it reads them now that decoding folds them to ASCII).
#[test]
fn a_clipboard_copy_with_full_width_digits_and_dashes_reads_cell_by_cell() {
    use gongkai_report::render::{self, OutputFormat};
    for (seed, dashes) in [(3u64, true), (8, true), (3, false), (8, false)] {
        let report = gongkai_report::testing::sample_report_with(seed, gongkai_report::testing::SampleOptions::PLAIN);
        let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
        let fw = |s: &str| s.chars().map(|c| if c.is_ascii_digit() { char::from_u32(u32::from(c) + 0xFEE0).unwrap() } else { c }).collect::<String>();
        let mut paragraphs = Vec::new();
        let mut copy = String::new();
        for line in txt.lines() {
            if line.contains('\t') {
                let cells: Vec<String> = line.split('\t').map(|c| if c == "0" && dashes { "—".to_owned() } else { fw(c) }).collect();
                copy.push_str(&cells.join("\t"));
            } else {
                copy.push_str(line);
                if line.chars().count() > 40 {
                    paragraphs.push(line);
                }
            }
            copy.push('\n');
        }
        // one paragraph of more than 2,000 bytes
        let mut long = String::new();
        for p in paragraphs.iter().cycle() {
            if long.len() > 2000 {
                break;
            }
            long.push_str(p);
        }
        copy = copy.replacen(paragraphs[0], &long, 1);
        assert!(copy.contains('２') || copy.contains('１'), "full-width digits planted");
        let back = read::read_bytes(copy.as_bytes(), Some("copy.txt")).unwrap();
        for t in &report.tables {
            let read = back.table(t.id).unwrap_or_else(|| panic!("seed {seed}: {:?} read", t.id));
            for row in &t.rows {
                let want: Vec<Value> = row.cells.iter().map(|v| if *v == Value::Int(0) && dashes { Value::Blank } else { v.clone() }).collect();
                assert_eq!(read.row(row.id).map(|r| &r.cells), Some(&want), "seed {seed}: {:?} {}", t.id, row.id);
            }
        }
        let f = gongkai_domain::report::check::check(&back, None, &gongkai_domain::report::check::CheckOptions::default());
        assert!(f.iter().all(|x| x.severity != gongkai_domain::report::Severity::Error), "seed {seed}: {f:#?}");
    }
}
