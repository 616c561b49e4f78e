//! Layout 5 (issue 10): third-party Markdown that splits table 四 into three small tables under
//! sub-headings (行政复议 / 行政诉讼（未经复议直接起诉） / 行政诉讼（复议后起诉）) and spells labels
//! with half-width punctuation and spaces (`(三) 不予公开`, `1. 属于国家秘密`, `其他 :`), values
//! in full- or half-width digits. Tested on generated reports and on the shared real reports
//! rewritten so at test time (their own cells, as the HTML, Markdown or text reader sees them).
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::spec::T4_ROW;
use gongkai_domain::report::{Report, Severity, TableId};
use gongkai_report::read::doc::{Block, Doc};
use gongkai_report::read::{html, markdown, read_bytes, text};
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::{Rng, SampleOptions, sample_report_with};

use crate::round_trip::difference;

/// How one converter spells things.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Sub-headings as `###` headings (else bold lines).
    headings: bool,
    /// Half-width brackets `(三)`, a blank after a row number (`1. 属于…`), ` :` for `：`.
    half_width: bool,
    /// Values in full-width digits (１２).
    wide_digits: bool,
    /// The sub-heading spellings, one of several.
    names: usize,
}

impl Style {
    pub fn for_seed(seed: u64) -> Style {
        let mut r = Rng::new(seed ^ 0x5151);
        Style { headings: r.chance(60), half_width: r.chance(80), wide_digits: r.chance(40), names: usize::try_from(r.range(0, 2)).unwrap() }
    }
}

const NAMES: [[&str; 3]; 3] = [
    ["行政复议", "行政诉讼 (未经复议直接起诉)", "行政诉讼 (复议后起诉)"],
    ["行政复议情况", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"],
    ["一、行政复议", "二、行政诉讼(未经复议直接起诉)", "三、行政诉讼(复议后起诉)"],
];

fn label(s: &str, st: Style) -> String {
    if !st.half_width {
        return s.to_owned();
    }
    let mut out = s.replace('（', "(").replace('）', ") ").replace('：', " :");
    // a blank after a row's own number: 1.属于 → 1. 属于
    for d in 1..=9 {
        out = out.replace(&format!("{d}."), &format!("{d}. "));
    }
    out.trim_end().to_owned()
}

fn value(s: &str, st: Style) -> String {
    if !st.wide_digits {
        return s.to_owned();
    }
    s.chars().map(|c| if c.is_ascii_digit() { char::from_u32(u32::from(c) - 0x30 + 0xFF10).unwrap() } else { c }).collect()
}

fn is_value(c: &str) -> bool {
    !c.is_empty() && c.replace(',', "").parse::<f64>().is_ok()
}

fn md_table(rows: &[Vec<String>], out: &mut String) {
    for (i, r) in rows.iter().enumerate() {
        out.push_str("| ");
        out.push_str(&r.iter().map(|c| c.replace('|', " ")).collect::<Vec<_>>().join(" | "));
        out.push_str(" |\n");
        if i == 0 {
            out.push('|');
            out.push_str(&"---|".repeat(r.len()));
            out.push('\n');
        }
    }
    out.push('\n');
}

/// Table 四 as three small tables under their sub-headings.
fn t4_split(values: &[String], st: Style, out: &mut String) {
    for (g, name) in NAMES[st.names].iter().enumerate() {
        out.push_str(&if st.headings { format!("### {name}\n\n") } else { format!("**{name}**\n\n") });
        let head: Vec<String> = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"].iter().map(|s| (*s).to_owned()).collect();
        let vals: Vec<String> = values[g * 5..g * 5 + 5].iter().map(|v| value(v, st)).collect();
        md_table(&[head, vals], out);
    }
}

/// A document written as such a converter writes it: headings of the six sections as `##`,
/// paragraphs, pipe tables, and table 四 (the table block after its heading) split in three.
pub fn doc_as_split_md(doc: &Doc<'_>, st: Style) -> String {
    let mut out = String::new();
    let mut in_t4 = false;
    for b in &doc.blocks {
        match b {
            Block::Para { text, .. } => {
                let t = text.replace('|', " ");
                let heading = ["一、", "二、", "三、", "四、", "五、", "六、"].iter().any(|n| t.starts_with(n)) && t.chars().count() < 30;
                if heading {
                    // the section whose table is table 四 (numbered 三 where a report renumbers)
                    in_t4 = t.contains("复议") && t.contains("诉讼");
                    out.push_str("## ");
                }
                out.push_str(&t);
                out.push_str("\n\n");
            }
            Block::Table { rows, .. } => {
                if in_t4 && let Some(r) = rows.iter().find(|r| r.cells.iter().filter(|c| is_value(c)).count() == 15) {
                    let values: Vec<String> = r.cells.iter().filter(|c| is_value(c)).map(|c| c.to_string()).collect();
                    t4_split(&values, st, &mut out);
                    continue;
                }
                let grid: Vec<Vec<String>> = rows
                    .iter()
                    .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
                    .map(|r| r.cells.iter().map(|c| if is_value(c) { value(c, st) } else { label(c, st) }).collect())
                    .collect();
                if !grid.is_empty() {
                    md_table(&grid, &mut out);
                }
            }
        }
    }
    out
}

/// A generated report's Markdown, rewritten: its own Doc as the Markdown reader sees it.
fn generated(seed: u64) -> (Report, String) {
    let report = sample_report_with(seed, SampleOptions { blanks: false, ..SampleOptions::for_seed(seed) });
    let md = String::from_utf8(render::render(&report, &[], OutputFormat::Md).unwrap()).unwrap();
    let doc = markdown::to_doc(&md);
    (report, doc_as_split_md(&doc, Style::for_seed(seed)))
}

fn t4(r: &Report) -> Option<&Vec<gongkai_domain::report::Value>> {
    r.table(TableId::T4).and_then(|t| t.row(T4_ROW)).map(|r| &r.cells)
}

#[test]
fn generated_reports_with_table_four_in_three_small_tables_read_back_cell_by_cell() {
    let mut failures = Vec::new();
    for seed in 0..80u64 {
        let (report, input) = generated(seed);
        assert_eq!(input.matches("结果维持").count(), 3, "seed {seed}:\n{input}");
        let back = read_bytes(input.as_bytes(), Some("split.md")).unwrap();
        let d: Vec<String> = difference(&report, &back).lines().filter(|l| l.starts_with("table") || l.starts_with("  got") || l.starts_with("agency") || l.starts_with("year")).map(str::to_owned).collect();
        if !d.is_empty() {
            failures.push(format!("seed {seed} {:?}:\n{}", Style::for_seed(seed), d.join("\n")));
        }
        let errors: Vec<_> = check(&back, None, &CheckOptions::default()).into_iter().filter(|f| f.severity == Severity::Error).map(|f| f.message).collect();
        if !errors.is_empty() {
            failures.push(format!("seed {seed}: {errors:#?}"));
        }
    }
    assert!(failures.is_empty(), "{} failures, first:\n{}", failures.len(), failures.iter().take(3).cloned().collect::<Vec<_>>().join("\n"));
}

#[test]
fn a_group_total_printed_wrong_in_its_small_table_is_found() {
    let (report, input) = generated(3);
    let v = t4(&report).unwrap().clone();
    let total = v[9].as_int().unwrap();
    // the 未经复议直接起诉 table's 总计, one too many
    let st = Style::for_seed(3);
    let name = NAMES[st.names][1];
    let at = input.find(name).unwrap();
    let (head, tail) = input.split_at(at);
    let old = format!("| {} |\n", value(&total.to_string(), st));
    let new = format!("| {} |\n", value(&(total + 1).to_string(), st));
    let tail = tail.replacen(&old, &new, 1);
    let back = read_bytes(format!("{head}{tail}").as_bytes(), None).unwrap();
    let f = check(&back, None, &CheckOptions::default());
    let group: Vec<_> = f.iter().filter(|x| x.code.code() == "T4_GROUP_TOTAL").collect();
    assert_eq!(group.len(), 1, "{f:#?}");
    assert!(group[0].message.contains("未经复议直接起诉"), "{}", group[0].message);
}

#[test]
fn a_missing_small_table_is_one_finding_per_lost_column_not_a_guess() {
    let (_, input) = generated(5);
    let st = Style::for_seed(5);
    // the 复议后起诉 table lost: its heading and table gone
    let at = input.find(NAMES[st.names][2]).unwrap();
    let at = input[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = at + input[at..].find("## 五").unwrap();
    let cut = format!("{}{}", &input[..at], &input[end..]);
    let back = read_bytes(cut.as_bytes(), None).unwrap();
    let cells = t4(&back).unwrap();
    assert!(cells[10..].iter().all(|c| *c == gongkai_domain::report::Value::Absent), "{cells:?}");
    assert!(cells[..10].iter().all(|c| c.as_int().is_some()), "{cells:?}");
    let f = check(&back, None, &CheckOptions::default());
    assert_eq!(f.iter().filter(|x| x.code.code() == "MISSING_ROW").count(), 5, "{f:#?}");
}

fn shared_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var("GONGKAI_REQUIRE_SHARED").as_deref() != Ok("1"), "GONGKAI_REQUIRE_SHARED=1 but {} does not exist", dir.display());
    println!("skipped: {} is absent", dir.display());
    None
}

#[test]
fn shared_reports_rewritten_with_table_four_in_three_small_tables() {
    let Some(dir) = shared_dir() else { return };
    let mut failures = Vec::new();
    for name in ["2024-langao-minzhu-town.txt", "2023-shuyang-fgj.html", "2024-pingtan.html", "2024-shanghai-kewei.md"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let original = read_bytes(&bytes, Some(name)).unwrap();
        let doc: Doc<'static> = if name.ends_with(".html") {
            html::to_doc(&bytes).unwrap()
        } else if name.ends_with(".md") {
            markdown::to_doc(std::str::from_utf8(&bytes).unwrap())
        } else {
            text::plain_doc(std::str::from_utf8(&bytes).unwrap()).into_owned()
        };
        for seed in 0..4u64 {
            let st = Style::for_seed(seed);
            let input = doc_as_split_md(&doc, st);
            if input.matches("结果维持").count() != 3 {
                failures.push(format!("{name}: table 四 not split (its values are not one row of 15 in this copy)"));
                continue;
            }
            let back = read_bytes(input.as_bytes(), Some(name)).unwrap();
            if t4(&back) != t4(&original) {
                failures.push(format!("{name} {st:?}: table 四 {:?} vs {:?}", t4(&back), t4(&original)));
            }
            let d: Vec<String> = difference(&original, &back).lines().filter(|l| l.starts_with("table") || l.starts_with("  got")).map(str::to_owned).collect();
            if !d.is_empty() {
                failures.push(format!("{name} {st:?}:\n{}", d.join("\n")));
            }
            if (&original.agency, original.year) != (&back.agency, back.year) {
                failures.push(format!("{name} {st:?}: {:?} {:?} vs {:?} {:?}", original.agency, original.year, back.agency, back.year));
            }
            let errors = |r: &Report| {
                let mut c: Vec<_> = check(r, None, &CheckOptions::default()).iter().filter(|f| f.severity == Severity::Error).map(|f| f.code.code()).collect();
                c.sort_unstable();
                c.dedup();
                c
            };
            if errors(&original) != errors(&back) {
                failures.push(format!("{name} {st:?}: errors {:?} vs {:?}", errors(&original), errors(&back)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
