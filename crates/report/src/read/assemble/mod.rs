//! `Doc` → `Report`: sections, tables 二/三/四, metadata and the reader's own findings.
//!
//! One pass over the document's paragraphs and grid rows, with a small state machine (current
//! section, current table, current table 二 block, current table 三 group, a label waiting for
//! its numbers). Works for every flavour: a grid row is label cells followed by value cells; a
//! paragraph inside a table is a caption, a header, a label whose numbers follow on the next row,
//! or a label with its numbers separated by single spaces.
//!
//! What the assembler reports itself: LABEL_MISMATCH (row labels and table 二 headers that
//! differ from the format in substance, rows it cannot place), SECTION_TITLE, TRUNCATED_INPUT,
//! AMBIGUOUS_CELLS (a row with more numbers than columns). Everything arithmetic is the checker's.
//!
//! This module holds the walk over the document (sections, paragraphs, table captions and
//! headers); [`cells`] reads a printed cell as a value, `rows` places a grid row's label and
//! values, `meta` finds who and when, `ends` finishes the report and reads what its end says.

use std::borrow::Cow;

use gongkai_domain::report::spec::{FormatSpec, FormatVersion, RowSpec, TableId};
use gongkai_domain::report::{CheckCode, Finding, Location, Report, Section, Table};

use super::decode::is_blank;
use super::doc::{Block, Doc};
use super::label::{self, Quality, RowMatch, normalize, normalize_cow};

mod cells;
mod ends;
mod meta;
mod rows;

pub use cells::{parse_value, trim_cell};
pub(crate) use cells::{amount_with_unit, is_dash, value_like};
pub use meta::level_of;
use ends::footer_start;
use meta::{detect_format, detect_year};

/// The section ids in order.
const SECTION_INDEX: [&str; 6] = ["s1", "s2", "s3", "s4", "s5", "s6"];

/// Build a report from a document. `source` is the path or URL it came from.
pub fn assemble(doc: &Doc, source: Option<&str>) -> Report {
    // every cell of the document, trimmed, in one vector: items are slices of it
    let (cells, specs) = flatten(doc);
    let items: Vec<Item<'_, '_>> =
        specs.into_iter().map(|s| Item { line: s.line, cells: &cells[s.cells], para: s.para, value_end: s.value_end }).collect();
    let year = detect_year(&items);
    let format = detect_format(&items).unwrap_or_else(|| year.map_or(FormatVersion::V2021, FormatVersion::for_year));
    let mut a = Assembler::new(format);
    a.exact_sections = exact_sections(&items);
    for it in &items {
        a.item(it);
    }
    a.finish(source, year)
}


// ---- items -------------------------------------------------------------------------------------

#[derive(Debug)]
struct Item<'c, 'a> {
    line: u32,
    cells: &'c [&'a str],
    para: bool,
    /// For rows of a true grid (all rows of equal width): the column after the last value
    /// column, from the rows that are mostly numbers. Aligns rows with blank leading cells.
    value_end: Option<usize>,
}

/// An item before its cells are borrowed: their range in the cell vector.
#[derive(Debug)]
struct ItemSpec {
    line: u32,
    cells: std::ops::Range<usize>,
    para: bool,
    value_end: Option<usize>,
}

fn flatten<'a>(doc: &'a Doc<'_>) -> (Vec<&'a str>, Vec<ItemSpec>) {
    let n: usize = doc.blocks.iter().map(|b| if let Block::Table { rows, .. } = b { rows.iter().map(|r| r.cells.len()).sum() } else { 1 }).sum();
    let mut cells: Vec<&'a str> = Vec::with_capacity(n);
    let mut items = Vec::with_capacity(doc.blocks.len() * 4);
    for block in &doc.blocks {
        match block {
            Block::Para { text, line } => {
                cells.push(trim_cell(text));
                items.push(ItemSpec { line: *line, cells: cells.len() - 1..cells.len(), para: true, value_end: None });
            }
            Block::Table { rows, .. } => {
                let width = rows.first().map_or(0, |r| r.cells.len());
                let grid = rows.len() > 1 && width >= 8 && rows.iter().all(|r| r.cells.len() == width);
                let start = items.len();
                for r in rows {
                    let from = cells.len();
                    cells.extend(r.cells.iter().map(|c| trim_cell(c)));
                    items.push(ItemSpec { line: r.line, cells: from..cells.len(), para: false, value_end: None });
                }
                if grid {
                    // where the numbers end, if every row with ≥ 5 numbers agrees (a true grid;
                    // text saved from Word drops merged cells, and its rows disagree)
                    let row = |it: &ItemSpec| &cells[it.cells.clone()];
                    let mut ends = items[start..]
                        .iter()
                        .filter(|it| row(it).iter().filter(|c| value_like(c)).count() >= 5)
                        .filter_map(|it| row(it).iter().rposition(|c| value_like(c)).map(|i| i + 1));
                    let best = ends.next().filter(|first| ends.all(|e| e == *first));
                    for it in &mut items[start..] {
                        it.value_end = best;
                    }
                }
            }
        }
    }
    (cells, items)
}

/// The sections whose heading the document prints in the format's exact wording. A heading
/// that only resembles a section's title does not count as that section when the exact one is
/// printed elsewhere (a narrative sub-heading 三、主动公开工作情况 before the real 二、主动公开政府信息情况).
fn exact_sections(items: &[Item<'_, '_>]) -> [bool; 6] {
    let mut found = [false; 6];
    for it in items {
        let mut cells = it.cells.iter().filter(|c| !c.is_empty());
        let (Some(c), None) = (cells.next(), cells.next()) else { continue };
        if let Some(spec) = label::exact_section(c)
            && let Some(i) = SECTION_INDEX.iter().position(|id| *id == spec.id) {
                found[i] = true;
            }
    }
    found
}


// ---- the state machine ---------------------------------------------------------------------------

#[derive(Debug)]
struct Pending {
    m: RowMatch,
    label: String,
    line: u32,
}

#[derive(Debug)]
struct Assembler<'a> {
    format: FormatVersion,
    spec: &'static FormatSpec,
    sections: Vec<Section>,
    /// For each section (parallel to `sections`): its paragraphs' lines and texts (metadata).
    paras: Vec<(usize, u32, &'a str)>,
    expected: usize,
    ctx: Option<TableId>,
    block: Option<usize>,
    group: Option<&'static str>,
    pending: Option<Pending>,
    loose: Option<(String, u32)>,
    t2_header: Option<(Vec<&'a str>, u32)>,
    /// The positions of the current table 二 header's column headings in its row, and the row's
    /// width: where a grid row's values stand when an empty cell or a spanned one would make the
    /// count ambiguous (`上一年项目数量` blank, `本年增/减` spanning the rest).
    t2_columns: Option<(Vec<usize>, usize)>,
    tables: [Option<Table>; 3],
    findings: Vec<Finding>,
    last_line: u32,
    /// Where the reader was in a table when the input ended: table and the last row read.
    last_table: Option<(TableId, u32)>,
    /// Table 四 printed as three small tables (third-party Markdown): the group whose sub-heading
    /// (行政复议 / 行政诉讼（未经复议直接起诉） / 行政诉讼（复议后起诉）) came last, 0-2.
    t4_group: Option<usize>,
    /// Numbers met in table 四 that no row took (printed among its header words), and where.
    t4_stray: Vec<String>,
    t4_stray_line: Option<u32>,
    exact_sections: [bool; 6],
    /// The site's footer was met after section 六: the rest is not the report.
    footer: bool,
    /// Images met (`<img>`): the section they stand in (index), their source, line.
    images: Vec<(Option<usize>, String, u32)>,
    /// Buffers of [`Assembler::row`], kept between rows.
    labels_buf: Vec<&'a str>,
    norms_buf: Vec<Cow<'a, str>>,
}

fn tix(t: TableId) -> usize {
    match t {
        TableId::T2 => 0,
        TableId::T3 => 1,
        TableId::T4 => 2,
    }
}

/// Table 四's columns per group (结果维持, 结果纠正, 其他结果, 尚未审结, 总计).
const T4_GROUP_WIDTH: usize = 5;

/// A sub-heading naming one group of table 四 (normalised text): 行政复议 → 0, 行政诉讼
/// （未经复议直接起诉） → 1, 行政诉讼（复议后起诉） → 2. The joint header (行政诉讼 alone, or a
/// line naming several groups) names none.
pub(crate) fn t4_group_heading(norm: &str) -> Option<usize> {
    let norm = norm.trim_start_matches(|c: char| c == '#' || c.is_ascii_digit() || matches!(c, '.' | '、' | '（' | '）'));
    let direct = norm.contains("未经复议");
    let after = norm.contains("复议后起诉") || norm.contains("经复议后");
    let review = norm.starts_with("行政复议") && !norm.contains("诉讼");
    if norm.chars().count() > 20 {
        return None;
    }
    match (review, direct, after) {
        (true, false, false) => Some(0),
        (false, true, false) => Some(1),
        (false, false, true) => Some(2),
        _ => None,
    }
}

/// Surplus values as printed, the first twenty.
fn shown(values: &[&str]) -> String {
    let filled: Vec<&str> = values.iter().copied().filter(|c| !c.is_empty()).collect();
    let more = if filled.len() > 20 { " …" } else { "" };
    format!("{}{more}", filled[..filled.len().min(20)].join(" "))
}

fn table_name(t: TableId) -> &'static str {
    match t {
        TableId::T2 => "表二（主动公开政府信息情况）",
        TableId::T3 => "表三（收到和处理政府信息公开申请情况）",
        TableId::T4 => "表四（政府信息公开行政复议、行政诉讼情况）",
    }
}

impl<'a> Assembler<'a> {
    fn new(format: FormatVersion) -> Self {
        Assembler {
            format,
            spec: format.spec(),
            sections: vec![Section::default()],
            paras: Vec::new(),
            expected: 0,
            ctx: None,
            block: None,
            group: None,
            pending: None,
            loose: None,
            t2_header: None,
            t2_columns: None,
            tables: [None, None, None],
            findings: Vec::new(),
            last_line: 0,
            last_table: None,
            t4_group: None,
            t4_stray: Vec::new(),
            t4_stray_line: None,
            exact_sections: [false; 6],
            footer: false,
            images: Vec::new(),
            labels_buf: Vec::new(),
            norms_buf: Vec::new(),
        }
    }

    pub(super) fn doc_no(&self) -> &'static str {
        self.spec.doc_no
    }

    fn item(&mut self, it: &Item<'_, 'a>) {
        // After the footer no paragraph is the report's; a table still is (a page that never
        // closed its last table has it emitted at the end).
        if self.footer && it.para {
            return;
        }
        self.last_line = self.last_line.max(it.line);
        let mut nonempty = it.cells.iter().filter(|c| !c.is_empty());
        let Some(first) = nonempty.next() else { return };
        let single = nonempty.next().is_none();
        if single && it.para && let Some(src) = first.strip_prefix(super::doc::IMAGE_MARK) {
            let section = self.sections.iter().rev().find_map(|s| s.id.as_deref()).and_then(|id| SECTION_INDEX.iter().position(|x| *x == id));
            self.images.push((section, src.to_owned(), it.line));
            return;
        }
        if single && (it.para || !value_like(first)) {
            self.text(first, it.line);
        } else {
            self.row(it.cells, it.line, it.value_end);
        }
    }

    // ---- paragraphs and single-cell rows ----

    fn text(&mut self, raw: &'a str, line: u32) {
        let section = label::match_section(raw, Some(self.expected));
        if let Some(m) = &section
            && m.quality == Quality::Exact && m.end == raw.len() {
                return self.open_section(m, raw, line);
            }
        // the heading the reader expects next, misprinted (行政拆讼), right after a table: a
        // heading, not a line of the table (unless it is one of the table's own labels)
        if let Some(m) = &section
            && self.ctx.is_some()
            && m.end == raw.len()
            && let Some(idx) = SECTION_INDEX.iter().position(|id| *id == m.spec.id)
            && idx == self.expected
            && !self.exact_sections[idx]
            && !self.is_row_label(raw)
        {
            return self.open_section(m, raw, line);
        }
        if let Some(t) = self.ctx
            && self.table_text(t, raw, line) {
                return;
            }
        if let Some(m) = section {
            let idx = SECTION_INDEX.iter().position(|id| *id == m.spec.id).unwrap_or(0);
            let superseded = m.quality == Quality::Variant && self.exact_sections[idx];
            if !superseded && (m.quality == Quality::Exact || !self.is_row_label(raw)) {
                return self.open_section(&m, raw, line);
            }
        }
        if raw.len() <= 120
            && let Some(b) = label::match_t2_caption(self.format, raw) {
                self.flush_pending();
                self.enter(TableId::T2, line);
                self.block = Some(b);
                self.t2_columns = None;
                return;
            }
        if self.split_tail(raw, line) {
            return;
        }
        if self.ctx.is_none() && raw.len() <= 120 {
            let n = normalize_cow(raw);
            if label::is_t4_header(&n) {
                self.enter(TableId::T4, line);
                return;
            }
        }
        self.narrative(raw, line);
    }

    fn is_row_label(&self, raw: &str) -> bool {
        raw.len() <= 200
            && [TableId::T3, TableId::T2].into_iter().any(|t| label::is_exact_row(self.format, t, raw, None))
    }

    /// A paragraph inside a table: caption, header, label (numbers on the next row), or a
    /// fragment of a label broken across lines. `true` when consumed.
    pub(super) fn table_text(&mut self, t: TableId, raw: &'a str, line: u32) -> bool {
        if raw.len() > 240 {
            return false;
        }
        let norm = normalize_cow(raw);
        if t == TableId::T2 {
            if let Some(b) = label::match_t2_caption(self.format, raw) {
                self.flush_pending();
                self.block = Some(b);
                self.t2_columns = None;
                return true;
            }
            // the header row as separate lines (one cell per line) or as one line of words
            // (pdftotext without -layout): its headings, compared with the block's columns when
            // its first row comes
            if norm == "信息内容" {
                self.t2_header = Some((Vec::new(), line));
                self.t2_columns = None;
                return true;
            }
            if let Some(rest) = norm.strip_prefix("信息内容")
                && raw.contains(is_blank)
            {
                let _ = rest;
                let words: Vec<&'a str> = raw.split(is_blank).filter(|w| !w.is_empty()).skip(1).collect();
                self.t2_header = Some((words, line));
                self.t2_columns = None;
                return true;
            }
            // (only a header begun by a 信息内容 line of its own: a grid's header row is whole)
            if self.pending.is_none()
                && self.t2_columns.is_none()
                && let Some((headers, _)) = self.t2_header.as_mut()
                && raw.chars().count() <= 20
                && !value_like(raw)
                && label::match_row_norm(self.format, TableId::T2, &norm, None).is_none()
                && label::match_t2_caption(self.format, raw).is_none()
            {
                headers.push(raw);
                return true;
            }
            if label::t2_header_format(raw).is_some() {
                return true;
            }
        }
        if label::is_t3_header(&norm) && matches!(t, TableId::T3 | TableId::T2) {
            if t == TableId::T2 {
                self.flush_pending();
                self.ctx = Some(TableId::T3);
            }
            return true;
        }
        if t == TableId::T4
            && let Some(g) = t4_group_heading(&norm)
        {
            self.flush_pending();
            self.enter(TableId::T4, line);
            self.t4_group = Some(g);
            return true;
        }
        if label::is_t4_header(&norm) {
            self.flush_pending();
            self.enter(TableId::T4, line);
            return true;
        }
        if t == TableId::T4 && matches!(norm.as_ref(), "总计" | "合计") {
            return true;
        }
        // a label; in table 二 also try table 三 (its heading may be missing)
        let tables: &[TableId] = match t {
            TableId::T2 => &[TableId::T2, TableId::T3],
            TableId::T3 => &[TableId::T3],
            TableId::T4 => &[],
        };
        // a fragment continuing the waiting label
        if let Some(p) = &self.pending {
            // (only an exact match is taken: the similarity steps, which find only variants,
            // are not tried)
            let joined = normalize(&format!("{}{}", p.label, raw));
            if let Some(m) = label::match_row_exact(self.format, p.m.table, &joined, self.group)
                && m.quality == Quality::Exact && p.m.quality != Quality::Exact {
                    let label = format!("{}{}", p.label, trim_cell(raw));
                    self.pending = Some(Pending { m, label, line: p.line });
                    return true;
                }
        }
        let candidate = if let Some((loose, _)) = &self.loose { normalize(&format!("{loose}{raw}")) } else { String::new() };
        for &tt in tables {
            if !candidate.is_empty()
                && let Some(m) = label::match_row_exact(self.format, tt, &candidate, self.group).filter(|m| m.quality == Quality::Exact) {
                    let (loose, lline) = self.loose.take().unwrap_or_default();
                    self.label_only(m, format!("{loose}{}", trim_cell(raw)), lline.min(line).max(1));
                    return true;
                }
            if let Some(m) = label::match_row_norm(self.format, tt, &norm, self.group) {
                self.loose = None;
                if tt != t {
                    self.flush_pending();
                    self.enter(tt, line);
                }
                self.label_only(m, trim_cell(raw).to_owned(), line);
                return true;
            }
        }
        // an unmatched short fragment: maybe the first half of a broken label
        if matches!(t, TableId::T2 | TableId::T3) && raw.chars().count() <= 40 && !raw.contains('。') {
            let (prev, pline) = self.loose.take().unwrap_or_default();
            self.loose = Some((format!("{prev}{}", trim_cell(raw)), if prev.is_empty() { line } else { pline }));
            return true;
        }
        false
    }

    /// A label printed alone: a group heading, or a row whose numbers follow.
    fn label_only(&mut self, m: RowMatch, label: String, line: u32) {
        self.flush_pending();
        if m.row.header_only {
            self.group = Some(m.row.id);
            if m.quality == Quality::Variant {
                self.label_finding(&m, &label, line);
            }
            // （六）其他处理 of the 2019 format (and collapsed 2021) may still get numbers
            if m.row.id == "other_handling" {
                self.pending = Some(Pending { m, label, line });
            }
            return;
        }
        self.set_group(m.row);
        self.pending = Some(Pending { m, label, line });
    }

    pub(super) fn set_group(&mut self, row: &'static RowSpec) {
        self.group = match row.level {
            2 => row.parent,
            _ => None,
        };
    }

    /// A paragraph `label 0 0 0` whose numbers are separated by single spaces.
    fn split_tail(&mut self, raw: &'a str, line: u32) -> bool {
        if raw.len() > 400 || !raw.ends_with(|c: char| c.is_ascii_digit() || matches!(c, '０'..='９' | '—' | '-')) {
            return false;
        }
        let mut cells: Vec<&str> = raw.split(|c: char| is_blank(c)).filter(|s| !s.is_empty()).collect();
        let nvals = cells.iter().rev().take_while(|c| value_like(c)).count();
        if nvals == 0 || nvals == cells.len() {
            return false;
        }
        let label_end = cells.len() - nvals;
        // the label is everything before the numbers, as printed
        let label_len = cells[..label_end].iter().map(|c| c.len()).sum::<usize>();
        if label_len > 200 {
            return false;
        }
        let label_cut = {
            let last = cells[label_end - 1];
            let pos = raw.find(cells[label_end]).unwrap_or(0);
            let _ = last;
            trim_cell(&raw[..pos])
        };
        let Some(tables) = (match self.ctx {
            Some(TableId::T4) => None,
            Some(t) => Some(vec![t, TableId::T3, TableId::T2]),
            None => Some(vec![TableId::T3, TableId::T2]),
        }) else {
            return false;
        };
        let norm = normalize_cow(label_cut);
        if !tables.iter().any(|&t| label::match_row_norm(self.format, t, &norm, self.group).is_some()) {
            return false;
        }
        let values = cells.split_off(label_end);
        let mut row: Vec<&'a str> = vec![label_cut];
        row.extend(values.iter().map(|v| {
            let start = v.as_ptr() as usize - raw.as_ptr() as usize;
            &raw[start..start + v.len()]
        }));
        self.row(&row, line, None);
        true
    }

    fn narrative(&mut self, raw: &'a str, line: u32) {
        self.flush_pending();
        self.flush_loose();
        self.push_text(raw, line);
    }

    pub(super) fn push_text(&mut self, raw: &'a str, line: u32) {
        if self.footer {
            return;
        }
        let idx = self.sections.len() - 1;
        // The report ends with 六; a web page goes on with the site's footer (版权所有, 主办单位,
        // ICP备…): that and everything after it is not the report.
        let mut raw = raw;
        if self.sections[idx].id.as_deref() == Some("s6")
            && let Some(cut) = footer_start(raw)
        {
            self.footer = true;
            raw = trim_cell(&raw[..cut]);
            if raw.is_empty() {
                return;
            }
        }
        let s = &mut self.sections[idx];
        if !s.text.is_empty() {
            s.text.push('\n');
        }
        s.text.push_str(raw);
        self.paras.push((idx, line, raw));
    }

    pub(super) fn flush_loose(&mut self) {
        if self.footer {
            self.loose = None;
        }
        if let Some((text, line)) = self.loose.take() {
            let idx = self.sections.len() - 1;
            let s = &mut self.sections[idx];
            if !s.text.is_empty() {
                s.text.push('\n');
            }
            s.text.push_str(&text);
            let _ = line;
        }
    }

    fn open_section(&mut self, m: &label::SectionMatch, raw: &'a str, line: u32) {
        self.flush_pending();
        self.flush_loose();
        let idx = SECTION_INDEX.iter().position(|id| *id == m.spec.id).unwrap_or(0);
        // a heading without its numeral has no number (and no 、) before its title
        let start = if m.number.is_empty() { 0 } else { label::raw_offset(raw, m.number.chars().count() + 1) };
        let title: String = raw[start.min(m.end)..m.end].chars().filter(|c| !is_blank(*c)).collect();
        if m.quality == Quality::Variant {
            let printed = if m.number.is_empty() { title.clone() } else { format!("{}、{}", m.number, title) };
            let wanted = format!("{}、{}", m.spec.number, m.spec.title);
            let what = if m.number.is_empty() { format!("（缺少序号“{}、”）", m.spec.number) } else { String::new() };
            self.findings.push(Finding::new(
                CheckCode::SectionTitle,
                format!("第{}部分的标题印为“{printed}”{what}，与年度报告格式规定的“{wanted}”不一致", m.spec.number),
                Location { section: Some(m.spec.id.to_owned()), line: Some(line), ..Location::default() },
                format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）将标题改为“{wanted}”", self.doc_no()),
            ));
        }
        self.sections.push(Section { id: Some(m.spec.id.to_owned()), number: m.number.clone(), title, text: String::new(), line: Some(line) });
        self.expected = (idx + 1).min(5).max(self.expected);
        self.ctx = m.spec.table;
        self.block = None;
        self.group = None;
        if let Some(t) = m.spec.table {
            self.enter(t, line);
        }
        let rest = trim_cell(&raw[m.end..]);
        if !rest.is_empty() {
            self.push_text(rest, line);
        }
    }

    /// Start (or continue) table `t` at `line`.
    pub(super) fn enter(&mut self, t: TableId, line: u32) {
        self.ctx = Some(t);
        let slot = &mut self.tables[tix(t)];
        if slot.is_none() {
            let mut table = Table::new(t);
            table.line = Some(line);
            *slot = Some(table);
        }
        self.last_table = Some((t, line));
    }

    // ---- grid rows ----
}
