//! 比对: two reports of one agency (usually consecutive years) side by side — every cell with its
//! change and percentage, the carry-over check (本年“上年结转” = 上年“结转下年度”), and how much of
//! each narrative section repeats the other year's text.
//!
//! Across the 2020 → 2021 format change only what both formats share is compared cell by cell:
//! table 三 (its （六）其他处理 as one row: the 2021 sub-rows are summed), table 四, and the table
//! 二 cells with the same ids (行政许可、行政处罚、行政强制 处理决定数量). The other cells are listed
//! with the side that lacks them empty.

use std::fmt::Write as _;

use gongkai_domain::report::check::{Similarity, column_label, row_label, sentence_similarity, table_label};
use gongkai_domain::report::spec::{FormatVersion, T3_COLUMNS, TableId};
use gongkai_domain::report::{Decimal, Report, Value};

/// One cell, old and new.
#[derive(Debug, Clone, PartialEq)]
pub struct CellChange {
    /// Which table.
    pub table: TableId,
    /// Row id.
    pub row: &'static str,
    /// Column id.
    pub column: &'static str,
    /// The row as a clerk reads it.
    pub row_label: String,
    /// The column as a clerk reads it.
    pub column_label: String,
    /// The old report's cell; `None` when that report (or its format) does not have it.
    pub old: Option<Value>,
    /// The new report's cell; `None` when that report (or its format) does not have it.
    pub new: Option<Value>,
    /// new − old, when both are numbers (a blank counts as 0).
    pub change: Option<Decimal>,
    /// The change in percent of the old value, when the old value is not 0.
    pub percent: Option<f64>,
}

/// One column of the carry-over check.
#[derive(Debug, Clone, PartialEq)]
pub struct CarryOver {
    /// Column id (table 三).
    pub column: &'static str,
    /// Column label.
    pub label: &'static str,
    /// Old report: 四、结转下年度继续办理.
    pub carried_forward_old: Option<Value>,
    /// New report: 二、上年结转政府信息公开申请数量.
    pub carried_over_new: Option<Value>,
    /// Whether they agree (blank = 0).
    pub matches: bool,
}

/// How much of a narrative section of the new report repeats the old one.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionSimilarity {
    /// `s1` … `s6`.
    pub section: &'static str,
    /// The format's title of the section.
    pub title: &'static str,
    /// Sentence-level figures.
    pub similarity: Similarity,
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// “agency year” of the old report.
    pub old_name: String,
    /// “agency year” of the new report.
    pub new_name: String,
    /// Every cell, in the new report's format order, then cells only the old format has.
    pub cells: Vec<CellChange>,
    /// The carry-over check, per table 三 column (empty when either report lacks the rows).
    pub carryover: Vec<CarryOver>,
    /// Narrative similarity per section both reports have.
    pub narrative: Vec<SectionSimilarity>,
    /// Remarks (format change, years not consecutive, …), in Chinese.
    pub notes: Vec<String>,
}

const OH_ROWS: [&str; 3] = ["oh_no_correction", "oh_fee_unpaid", "oh_other"];

fn display_name(r: &Report) -> String {
    let agency = r.agency.as_deref().unwrap_or("（未识别机关）");
    match r.year {
        Some(y) => format!("{agency}{y}年度"),
        None => agency.to_owned(),
    }
}

/// The number of a cell for comparison: blank counts as 0, absent and unreadable are not numbers.
fn number(v: &Value) -> Option<Decimal> {
    match v {
        Value::Absent | Value::Unreadable(_) => None,
        other => other.number(),
    }
}

/// A cell of a report by ids; （六）其他处理 of a 2021 report with sub-rows is their sum.
fn cell_of(r: &Report, table: TableId, row: &str, column: &str) -> Option<Value> {
    if let Some(v) = r.value(table, row, column) {
        return Some(v.clone());
    }
    if table == TableId::T3 && row == "other_handling" {
        let t = r.table(TableId::T3)?;
        let idx = T3_COLUMNS.iter().position(|c| c.id == column)?;
        let mut total = Decimal::ZERO;
        let mut any = false;
        for id in OH_ROWS {
            if let Some(row) = t.row(id) {
                any = true;
                total = total.checked_add(number(row.cells.get(idx)?)?)?;
            }
        }
        return any.then(|| Value::from_decimal(total));
    }
    None
}

/// The (table, row, column) keys a report's format has, in printed order; for table 三 with
/// （六）其他处理 as one row when `single_other_handling`.
fn keys(format: FormatVersion, single_other_handling: bool) -> Vec<(TableId, &'static str, &'static str)> {
    let spec = format.spec();
    let mut out = Vec::new();
    for t in TableId::ALL {
        for (block, row) in spec.table(t).rows() {
            let data = if t == TableId::T3 && format == FormatVersion::V2021 {
                if row.id == "other_handling" {
                    single_other_handling
                } else if OH_ROWS.contains(&row.id) {
                    !single_other_handling
                } else {
                    !row.header_only
                }
            } else {
                !row.header_only
            };
            if data {
                out.extend(block.columns.iter().map(|c| (t, row.id, c.id)));
            }
        }
    }
    out
}

fn has_sub_rows(r: &Report) -> bool {
    r.table(TableId::T3).is_some_and(|t| OH_ROWS.iter().any(|id| t.row(id).is_some()))
}

/// Compare two reports (old first).
pub fn compare(old: &Report, new: &Report) -> Comparison {
    let mut notes = Vec::new();
    if old.format != new.format {
        notes.push(format!(
            "两份报告使用不同格式（{} 年格式与 {} 年格式）：逐项比对两种格式共有的项目，表三“（六）其他处理”按三个子项之和比对",
            old.format.id(),
            new.format.id()
        ));
    }
    if let (Some(a), Some(b)) = (old.year, new.year)
        && a + 1 != b
    {
        notes.push(format!("两份报告的年度为 {a} 与 {b}，不是相邻年度：结转数核对仅供参考"));
    }
    if old.agency.is_some() && new.agency.is_some() && old.agency != new.agency {
        notes.push("两份报告的机关名称不同".to_owned());
    }
    // （六） as one row unless both reports print its sub-rows in the 2021 format
    let single = !(old.format == FormatVersion::V2021
        && new.format == FormatVersion::V2021
        && has_sub_rows(old)
        && has_sub_rows(new));
    let mut all = keys(new.format, single);
    for k in keys(old.format, single) {
        if !all.contains(&k) {
            all.push(k);
        }
    }
    let cells = all
        .into_iter()
        .map(|(table, row, column)| {
            let o = cell_of(old, table, row, column);
            let n = cell_of(new, table, row, column);
            let (change, percent) = match (o.as_ref().and_then(number), n.as_ref().and_then(number)) {
                (Some(a), Some(b)) => {
                    let change = b.checked_sub(a);
                    let percent = (!a.is_zero()).then(|| change.map(|c| c.to_f64() / a.to_f64() * 100.0)).flatten();
                    (change, percent)
                }
                _ => (None, None),
            };
            let fmt = if new.format.spec().table(table).row(row).is_some() { new.format } else { old.format };
            CellChange {
                table,
                row,
                column,
                row_label: row_label(fmt, table, row),
                column_label: column_label(fmt, table, row, column),
                old: o,
                new: n,
                change,
                percent,
            }
        })
        .collect();
    let mut carryover = Vec::new();
    if let (Some(last), Some(this)) = (
        old.table(TableId::T3).and_then(|t| t.row("carried_forward")),
        new.table(TableId::T3).and_then(|t| t.row("carried_over")),
    ) {
        for (i, c) in T3_COLUMNS.iter().enumerate() {
            let a = last.cells.get(i).cloned();
            let b = this.cells.get(i).cloned();
            let matches = match (a.as_ref().and_then(number), b.as_ref().and_then(number)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            };
            carryover.push(CarryOver { column: c.id, label: c.text, carried_forward_old: a, carried_over_new: b, matches });
        }
    }
    let narrative = new
        .format
        .spec()
        .sections
        .iter()
        .filter_map(|s| {
            let (a, b) = (old.section(s.id)?, new.section(s.id)?);
            let sim = sentence_similarity(&a.text, &b.text);
            (sim.sentences > 0).then_some(SectionSimilarity { section: s.id, title: s.title, similarity: sim })
        })
        .collect();
    Comparison { old_name: display_name(old), new_name: display_name(new), cells, carryover, narrative, notes }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Absent) => "—".to_owned(),
        Some(Value::Blank) => "（空白）".to_owned(),
        Some(v) => v.to_string(),
    }
}

fn show_change(c: &CellChange) -> (String, String) {
    let change = match c.change {
        Some(d) if d.is_negative() => d.to_string(),
        Some(d) if d.is_zero() => "0".to_owned(),
        Some(d) => format!("+{d}"),
        None => "—".to_owned(),
    };
    let pct = match c.percent {
        Some(p) => format!("{p:+.1}%"),
        None => "—".to_owned(),
    };
    (change, pct)
}

impl Comparison {
    /// Cells whose values differ.
    pub fn changed(&self) -> impl Iterator<Item = &CellChange> {
        self.cells.iter().filter(|c| c.change.is_some_and(|d| !d.is_zero()) || (c.change.is_none() && c.old != c.new))
    }

    /// Whether every carry-over column agrees (true when there was nothing to compare).
    pub fn carryover_ok(&self) -> bool {
        self.carryover.iter().all(|c| c.matches)
    }

    /// A plain-text report: carry-over, narrative similarity, then every cell (tab-separated).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "年度报告比对：{}（旧） → {}（新）", self.old_name, self.new_name);
        for n in &self.notes {
            let _ = writeln!(s, "说明：{n}");
        }
        let _ = writeln!(s, "\n结转核对（上年“四、结转下年度继续办理” = 本年“二、上年结转政府信息公开申请数量”）：");
        if self.carryover.is_empty() {
            let _ = writeln!(s, "  无法核对：缺少相关行");
        }
        for c in &self.carryover {
            let mark = if c.matches { "一致" } else { "不一致" };
            let _ = writeln!(
                s,
                "  {}\t上年结转下年度 {}\t本年上年结转 {}\t{mark}",
                c.label,
                show(c.carried_forward_old.as_ref()),
                show(c.carried_over_new.as_ref())
            );
        }
        let _ = writeln!(s, "\n正文相似度（本年各句中与上年逐字相同的比例）：");
        for n in &self.narrative {
            let _ = writeln!(
                s,
                "  {}\t{} 句中 {} 句相同（{:.0}%），Jaccard {:.2}",
                n.title,
                n.similarity.sentences,
                n.similarity.identical,
                n.similarity.identical_ratio() * 100.0,
                n.similarity.jaccard
            );
        }
        let _ = writeln!(s, "\n逐项比对（表\t项目\t列\t旧\t新\t增减\t增减幅度）：");
        for c in &self.cells {
            let (change, pct) = show_change(c);
            let _ = writeln!(
                s,
                "{}\t{}\t{}\t{}\t{}\t{change}\t{pct}",
                table_label(c.table),
                c.row_label,
                c.column_label,
                show(c.old.as_ref()),
                show(c.new.as_ref())
            );
        }
        s
    }

    /// A printable HTML page (A4).
    pub fn to_html(&self) -> String {
        let mut s = String::new();
        let title = format!("年度报告比对：{} → {}", self.old_name, self.new_name);
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
             @page {{ size: A4; margin: 20mm 15mm; }}\n\
             body {{ font-family: \"仿宋_GB2312\", \"FangSong\", \"SimSun\", serif; font-size: 12pt; color: #000; }}\n\
             h1 {{ font-family: \"方正小标宋简体\", \"SimHei\", sans-serif; font-size: 18pt; text-align: center; }}\n\
             h2 {{ font-size: 14pt; margin-top: 1.5em; }}\n\
             table {{ border-collapse: collapse; width: 100%; margin: .5em 0; page-break-inside: auto; }}\n\
             tr {{ page-break-inside: avoid; }}\n\
             th, td {{ border: 1px solid #000; padding: 2px 4px; font-size: 10.5pt; }}\n\
             td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}\n\
             tr.changed td {{ background: #fff3cd; }}\n\
             .bad {{ color: #b00020; font-weight: bold; }}\n\
             @media print {{ tr.changed td {{ background: #eee; }} }}\n\
             </style>\n</head>\n<body>\n<h1>{}</h1>\n",
            esc(&title),
            esc(&title)
        );
        for n in &self.notes {
            let _ = writeln!(s, "<p>说明：{}</p>", esc(n));
        }
        let _ = writeln!(s, "<h2>一、结转核对</h2>");
        if self.carryover.is_empty() {
            let _ = writeln!(s, "<p>无法核对：缺少相关行。</p>");
        } else {
            let _ = writeln!(s, "<table><tr><th>列</th><th>上年“结转下年度继续办理”</th><th>本年“上年结转”</th><th>结果</th></tr>");
            for c in &self.carryover {
                let mark = if c.matches { "一致".to_owned() } else { "<span class=\"bad\">不一致</span>".to_owned() };
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{mark}</td></tr>",
                    esc(c.label),
                    esc(&show(c.carried_forward_old.as_ref())),
                    esc(&show(c.carried_over_new.as_ref()))
                );
            }
            let _ = writeln!(s, "</table>");
        }
        let _ = writeln!(s, "<h2>二、正文相似度</h2>");
        let _ = writeln!(s, "<table><tr><th>部分</th><th>本年句数</th><th>与上年相同</th><th>比例</th><th>Jaccard</th></tr>");
        for n in &self.narrative {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.0}%</td><td class=\"n\">{:.2}</td></tr>",
                esc(n.title),
                n.similarity.sentences,
                n.similarity.identical,
                n.similarity.identical_ratio() * 100.0,
                n.similarity.jaccard
            );
        }
        let _ = writeln!(s, "</table>");
        for (i, t) in TableId::ALL.iter().enumerate() {
            let _ = writeln!(s, "<h2>{}、{}逐项比对</h2>", ["三", "四", "五"][i], table_label(*t));
            let _ = writeln!(
                s,
                "<table><tr><th>项目</th><th>列</th><th>{}</th><th>{}</th><th>增减</th><th>增减幅度</th></tr>",
                esc(&self.old_name),
                esc(&self.new_name)
            );
            for c in self.cells.iter().filter(|c| c.table == *t) {
                let (change, pct) = show_change(c);
                let changed = c.change.is_some_and(|d| !d.is_zero());
                let _ = writeln!(
                    s,
                    "<tr{}><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    if changed { " class=\"changed\"" } else { "" },
                    esc(&c.row_label),
                    esc(&c.column_label),
                    esc(&show(c.old.as_ref())),
                    esc(&show(c.new.as_ref())),
                    esc(&change),
                    esc(&pct)
                );
            }
            let _ = writeln!(s, "</table>");
        }
        s.push_str("</body>\n</html>\n");
        s
    }
}

/// Escape text for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
