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

use std::borrow::Cow;

use chrono::NaiveDate;
use gongkai_domain::report::spec::{CellKind, FormatSpec, FormatVersion, RowSpec, T4_ROW, TableId};
use gongkai_domain::report::{AgencyLevel, CheckCode, Decimal, Finding, Location, Report, Row, Section, Table, Value};

use super::decode::is_blank;
use super::doc::{Block, Doc};
use super::label::{self, Quality, RowMatch, normalize, normalize_cow};

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

// ---- cells -------------------------------------------------------------------------------------

/// A cell or paragraph without surrounding blanks and `&nbsp;` entities.
pub fn trim_cell(s: &str) -> &str {
    // Most cells start and end with a visible ASCII character or a CJK ideograph (UTF-8 lead
    // bytes E4-E9): nothing to trim, and no need to decode characters.
    let b = s.as_bytes();
    let (Some(&f), Some(&l)) = (b.first(), b.last()) else { return s };
    let clean_start = (f.is_ascii_graphic() && f != b'&') || (0xE4..=0xE9).contains(&f);
    let clean_end = (l.is_ascii_graphic() && l != b';') || (l >= 0x80 && s.ends_with(|c: char| !is_blank(c)));
    if clean_start && clean_end {
        return s;
    }
    let mut t = s.trim_matches(is_blank);
    loop {
        let before = t.len();
        for e in ["&nbsp;", "&#160;"] {
            t = t.strip_prefix(e).unwrap_or(t).trim_start_matches(is_blank);
            t = t.strip_suffix(e).unwrap_or(t).trim_end_matches(is_blank);
        }
        if t.len() == before {
            return t;
        }
    }
}

/// A cell printed as a dash or 无: blank for the arithmetic (the checker reports BLANK_CELL).
pub(crate) fn is_dash(t: &str) -> bool {
    matches!(t, "—" | "——" | "-" | "--" | "－" | "–" | "―" | "/" | "／" | "\\" | "无" | "空" | "…" | "……" | "_")
}

/// A number as printed: ASCII or full-width digits, optional sign (incl. U+2212), decimal point,
/// thousands separators.
fn parse_number(t: &str) -> Option<Decimal> {
    // the common case: a plain count
    if !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(Decimal::from_int);
    }
    if t.is_ascii() {
        let b = t.as_bytes();
        if !b.first().is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+')) {
            return None;
        }
        return t.parse().ok();
    }
    // a label, not a number: reject it before copying anything
    if !t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '０'..='９' | '－' | '−' | '＋' | '-' | '+'))
        || !t.chars().all(|c| c.is_ascii() || matches!(c, '０'..='９' | '．' | '，' | '－' | '−' | '＋'))
    {
        return None;
    }
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '０'..='９' => s.push(char::from_u32(c as u32 - 0xFEE0)?),
            '．' => s.push('.'),
            '，' => s.push(','),
            '－' | '−' => s.push('-'),
            '＋' => s.push('+'),
            c if c.is_ascii() => s.push(c),
            _ => return None,
        }
    }
    parse_number(&s)
}

/// The value of a data cell as printed.
pub fn parse_value(raw: &str) -> Value {
    let t = trim_cell(raw);
    if t.is_empty() || is_dash(t) {
        return Value::Blank;
    }
    if t.len() <= 18
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = t.parse::<i64>()
    {
        return Value::Int(n);
    }
    match parse_number(t) {
        Some(d) => Value::from_decimal(d),
        None => Value::Unreadable(t.to_owned()),
    }
}

/// An amount followed by its unit (`75394432.52元`, `1.25 万元`): the number and the unit.
pub(crate) fn amount_with_unit(t: &str) -> Option<(Decimal, &'static str)> {
    let (rest, unit) = match t.strip_suffix("万元") {
        Some(r) => (r, "万元"),
        None => (t.strip_suffix('元')?, "元"),
    };
    parse_number(rest.trim_end_matches(is_blank)).map(|d| (d, unit))
}

/// Whether a non-empty cell reads as a value (a number or a dash).
pub(crate) fn value_like(t: &str) -> bool {
    !t.is_empty() && (is_dash(t) || parse_number(t).is_some())
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

// ---- format and year ---------------------------------------------------------------------------

const EVIDENCE_2019: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "采购总金额",
    "其他对外管理服务事项",
    "政府集中采购",
    "处理决定数量",
    "第二十条第（九）项",
];
const EVIDENCE_2021: &[&str] =
    &["本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额（单位：万元）", "本年度止件数"];

/// The format the tables follow, from table 二's headers and table 三's （六） sub-rows.
fn detect_format(items: &[Item<'_, '_>]) -> Option<FormatVersion> {
    let (mut v19, mut v21) = (0u32, 0u32);
    for it in items {
        for c in it.cells {
            if c.is_empty() || c.len() > 120 || value_like(c) {
                continue;
            }
            let first = c.chars().next().unwrap_or(' ');
            let numbered = matches!(first, '1' | '2' | '１' | '２');
            if !numbered && !matches!(first, '本' | '对' | '上' | '采' | '其' | '政' | '处' | '第' | '现') {
                continue;
            }
            // of the numbered rows only （六）'s two sub-rows of the 2021 format are evidence
            if numbered && !c.contains("申请人") {
                continue;
            }
            let n = normalize_cow(c);
            if EVIDENCE_2019.contains(&n.as_ref()) {
                v19 += 1;
            } else if EVIDENCE_2021.contains(&n.as_ref()) || n.starts_with("1.申请人无正当理由逾期不补正") || n.starts_with("2.申请人逾期未按收费通知")
            {
                v21 += 1;
            }
        }
    }
    match v19.cmp(&v21) {
        std::cmp::Ordering::Greater => Some(FormatVersion::V2019),
        std::cmp::Ordering::Less => Some(FormatVersion::V2021),
        std::cmp::Ordering::Equal => None,
    }
}

/// `NNNN年` occurrences (blanks between the digits and 年 allowed): (year, byte offset of the
/// first digit, byte offset after 年).
fn years(s: &str) -> impl Iterator<Item = (u16, usize, usize)> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 4 <= b.len() {
            if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit()) {
                let start = i;
                let rest = &s[i + 4..];
                let skip = rest.len() - rest.trim_start_matches([' ', '\u{3000}', '\u{a0}']).len();
                i += 4;
                if rest[skip..].starts_with('年') {
                    let y: u16 = s[start..start + 4].parse().unwrap_or(0);
                    if (2000..=2100).contains(&y) {
                        return Some((y, start, start + 4 + skip + '年'.len_utf8()));
                    }
                }
            } else {
                i += 1;
            }
        }
        None
    })
}

/// A statistical period whose date lost its 年 and 月 (`自202011日起至20201231日止`, a copy
/// that dropped the characters between the digits): a run of six to eight digits before 日 that
/// is a year and 1 January (`11`, `011`, `101`, `0101`) or 31 December (`1231`).
fn run_together_period(p: &str) -> Option<u16> {
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = p[i + len..].trim_start_matches(is_blank);
        if (6..=8).contains(&len) && after.starts_with('日') {
            let (y, md) = (&p[i..i + 4], &p[i + 4..i + len]);
            if matches!(md, "11" | "011" | "101" | "0101" | "1231")
                && let Ok(y) = y.parse::<u16>()
                && (2008..=2100).contains(&y)
            {
                return Some(y);
            }
        }
        i += len;
    }
    None
}

/// The report year: a title line (`…2024年…报告`), else the statistical period (`统计期限…
/// 2024年1月1日`), else the first paragraph opening with a year (`2024年，…`).
fn detect_year(items: &[Item<'_, '_>]) -> Option<u16> {
    let paras = || items.iter().filter(|i| i.cells.iter().filter(|c| !c.is_empty()).count() == 1).filter_map(|i| i.cells.iter().find(|c| !c.is_empty()).copied());
    // 1. a short title line
    for p in paras().take(40) {
        if p.chars().count() <= 80 && (p.contains("报告") || p.contains("政府信息公开工作"))
            && let Some((y, _, _)) = years(p).next() {
                return Some(y);
            }
    }
    // 2. the statistical period
    for p in paras() {
        for (y, _, end) in years(p) {
            let after: String = p[end..].chars().filter(|c| !is_blank(*c)).take(4).collect();
            if after.starts_with("1月1日") || after.starts_with("01月01") {
                return Some(y);
            }
        }
    }
    // 2b. the period with its digits run together (自202011日起至20201231日止)
    for p in paras() {
        if let Some(y) = run_together_period(p) {
            return Some(y);
        }
    }
    // 3. a paragraph (or a long crawled line) opening with the year; not a date alone (the
    // 落款's 2025年1月20日 is the year after the report's, and nothing else says which)
    for p in paras() {
        let date_alone = p.chars().count() <= 12 && p.trim_end_matches(is_blank).ends_with('日');
        if date_alone {
            continue;
        }
        if let Some((y, 0, _)) = years(p).next() {
            return Some(y);
        }
    }
    None
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

    fn doc_no(&self) -> &'static str {
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
    fn table_text(&mut self, t: TableId, raw: &'a str, line: u32) -> bool {
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
                && label::match_row(self.format, TableId::T2, raw, None).is_none()
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
            let joined = normalize(&format!("{}{}", p.label, raw));
            if let Some(m) = label::match_row_norm(self.format, p.m.table, &joined, self.group)
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

    fn set_group(&mut self, row: &'static RowSpec) {
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

    fn push_text(&mut self, raw: &'a str, line: u32) {
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

    fn flush_loose(&mut self) {
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
    fn enter(&mut self, t: TableId, line: u32) {
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

    fn row(&mut self, cells: &[&'a str], line: u32, value_end: Option<usize>) {
        // the label buffers are reused from row to row
        let mut labels = std::mem::take(&mut self.labels_buf);
        let mut norms = std::mem::take(&mut self.norms_buf);
        self.row_with(cells, line, value_end, &mut labels, &mut norms);
        labels.clear();
        norms.clear();
        self.labels_buf = labels;
        self.norms_buf = norms;
    }

    fn row_with(&mut self, cells: &[&'a str], line: u32, value_end: Option<usize>, labels: &mut Vec<&'a str>, norms: &mut Vec<Cow<'a, str>>) {
        let first_val = cells.iter().position(|c| value_like(c));
        let label_end = match first_val {
            Some(i) => cells[..i].iter().rposition(|c| !c.is_empty()).map_or(0, |j| j + 1),
            None => cells.iter().rposition(|c| !c.is_empty()).map_or(0, |j| j + 1),
        };
        labels.clear();
        labels.extend(cells[..label_end].iter().copied().filter(|c| !c.is_empty()));
        let values = &cells[label_end..];
        let has_values = values.iter().any(|c| !c.is_empty());

        if labels.is_empty() {
            if !has_values {
                return;
            }
            let n = values.iter().filter(|c| !c.is_empty()).count();
            if n < 12
                && let Some(p) = self.pending.take() {
                    return self.emit(p.m, &p.label, values, p.line, value_end, cells.len());
                }
            if self.ctx == Some(TableId::T4) || n >= 12 {
                self.flush_pending();
                self.enter(TableId::T4, line);
                return self.emit_t4(values, line, value_end, cells.len());
            }
            return;
        }

        // header rows
        norms.clear();
        norms.extend(labels.iter().map(|l| if l.len() <= 240 { normalize_cow(l) } else { Cow::Borrowed("") }));
        if norms[0] == "信息内容" {
            self.flush_pending();
            if self.ctx != Some(TableId::T2) {
                self.enter(TableId::T2, line);
            }
            let headers: Vec<&'a str> = cells[1..].iter().copied().filter(|c| !c.is_empty()).collect();
            let first = cells.iter().position(|c| !c.is_empty()).unwrap_or(0);
            let positions = (first + 1..cells.len()).filter(|&i| !cells[i].is_empty()).collect();
            self.t2_columns = Some((positions, cells.len()));
            self.t2_header = Some((headers, line));
            if self.block.is_some() {
                self.check_t2_header();
            }
            return;
        }
        if !has_values {
            if norms.iter().any(|n| label::is_t4_header(n)) {
                self.flush_pending();
                self.enter(TableId::T4, line);
                return;
            }
            if norms.iter().any(|n| label::is_t3_header(n)) {
                self.flush_pending();
                if self.ctx != Some(TableId::T3) {
                    self.enter(TableId::T3, line);
                }
                return;
            }
            // a row of several headings and no numbers is a header row (or its fragments)
            if labels.len() >= 3 {
                self.flush_pending();
                return;
            }
            if labels.len() == 1
                && let Some(b) = label::match_t2_caption(self.format, labels[0]) {
                    self.flush_pending();
                    self.enter(TableId::T2, line);
                    self.block = Some(b);
                    self.t2_columns = None;
                    return;
                }
        }

        // data rows: which table?
        let order: &[TableId] = match self.ctx {
            Some(TableId::T2) => &[TableId::T2, TableId::T3],
            Some(TableId::T3) => &[TableId::T3, TableId::T2],
            Some(TableId::T4) => &[TableId::T4],
            None => &[TableId::T3, TableId::T2],
        };
        // the format's wording in any of the tables before a similar wording in the first one
        for (t, fuzzy) in order.iter().map(|t| (*t, false)).chain(order.iter().map(|t| (*t, true))) {
            if t == TableId::T4 {
                // 12 or more cells, some of them blank (one cell per line keeps blank cells)
                if has_values && values.len() >= 12 {
                    return self.emit_t4(values, line, value_end, cells.len());
                }
                if has_values && !fuzzy {
                    // numbers under a header word (总计 72 64 …): which columns they are is
                    // not known; kept to say so if table 四 is never read
                    self.t4_stray.extend(values.iter().filter(|c| !c.is_empty()).map(|c| (*c).to_owned()));
                    self.t4_stray_line.get_or_insert(line);
                }
                continue;
            }
            if let Some((m, leaf)) = self.match_labels(t, norms, labels, fuzzy) {
                // text printed after the leaf label stands in value cells (`3件`): unreadable values
                let leaf_pos = cells[..label_end].iter().rposition(|c| std::ptr::eq(*c, leaf)).unwrap_or(label_end);
                let values = if leaf_pos + 1 < label_end { &cells[leaf_pos + 1..] } else { values };
                let has_values = values.iter().any(|c| !c.is_empty());
                if Some(t) != self.ctx {
                    self.flush_pending();
                    self.enter(t, line);
                }
                // a label waiting for numbers that never came
                if self.pending.as_ref().is_some_and(|p| p.m.row.id != m.row.id) {
                    self.flush_pending();
                }
                self.pending = None;
                if m.row.header_only {
                    self.group = Some(m.row.id);
                    if m.quality == Quality::Variant {
                        self.label_finding(&m, leaf, line);
                    }
                    if m.row.id == "other_handling" && has_values {
                        self.emit(m, leaf, values, line, value_end, cells.len());
                    } else if m.row.id == "other_handling" {
                        self.pending = Some(Pending { m, label: leaf.to_owned(), line });
                    }
                    return;
                }
                self.set_group(m.row);
                if has_values || !values.is_empty() {
                    self.emit(m, leaf, values, line, value_end, cells.len());
                } else {
                    self.pending = Some(Pending { m, label: leaf.to_owned(), line });
                }
                return;
            }
        }
        // nothing matched
        if let Some(t) = self.ctx.filter(|t| *t != TableId::T4) {
            if has_values {
                let leaf = labels.last().copied().unwrap_or_default();
                self.findings.push(Finding::new(
                    CheckCode::LabelMismatch,
                    format!("{}第 {line} 行“{leaf}”无法对应到格式中的任何一行，该行的数字未被读取", table_name(t)),
                    Location { section: Some(t.section().to_owned()), table: Some(t.id().to_owned()), line: Some(line), ..Location::default() },
                    format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）使用规定的行标签", self.doc_no()),
                ));
            } else if labels.len() == 1 {
                self.table_text(t, labels[0], line);
            }
            return;
        }
        if self.ctx.is_none() {
            // a multi-cell line outside the tables: narrative (e.g. a signature with its date)
            self.flush_pending();
            let first = labels[0];
            let last = cells.iter().rev().find(|c| !c.is_empty()).copied().unwrap_or(first);
            if std::ptr::eq(first, last) {
                self.push_text(first, line);
            } else {
                for c in cells.iter().filter(|c| !c.is_empty()) {
                    self.push_text(c, line);
                }
            }
        }
    }

    /// Match the label cells of a row (group cells, then the leaf) in table `t`. The leaf is the
    /// most specific label that matched; group cells set the current group.
    fn match_labels(&mut self, t: TableId, norms: &[Cow<'_, str>], labels: &[&'a str], fuzzy: bool) -> Option<(RowMatch, &'a str)> {
        let mut leaf: Option<(RowMatch, &'a str)> = None;
        let mut group = self.group;
        // a fragment left over from the previous line, completing this label
        if let Some((loose, _)) = &self.loose
            && let Some(last) = labels.last() {
                let joined = normalize(&format!("{loose}{last}"));
                let alone = label::match_row_exact(self.format, t, norms.last().map_or("", |s| s.as_ref()), group);
                if let Some(m) = label::match_row_exact(self.format, t, &joined, group).filter(|m| m.quality == Quality::Exact)
                    && alone.is_none_or(|a| a.quality != Quality::Exact) {
                        self.loose = None;
                        return Some((m, last));
                    }
            }
        // (the exact pass decides only when every label cell is the format's wording; nothing
        // changes before that is known)
        let mut group_heading: Option<Option<&'static str>> = None;
        for (n, l) in norms.iter().zip(labels) {
            if n.is_empty() {
                continue;
            }
            let m = if fuzzy { label::match_row_norm(self.format, t, n, group) } else { label::match_row_exact(self.format, t, n, group) };
            match m {
                Some(m) => {
                    if m.row.header_only {
                        group = Some(m.row.id);
                        if let Some((prev, _)) = &leaf
                            && prev.row.header_only {
                                group_heading = Some(group);
                            }
                    }
                    leaf = Some((m, l));
                }
                None if !fuzzy => return None,
                None => {}
            }
        }
        if let Some(g) = group_heading {
            self.group = g;
        }
        if leaf.is_some() {
            self.loose = None;
            if let Some((m, _)) = &leaf
                && !m.row.header_only {
                    self.group = group;
                }
        }
        leaf
    }

    fn flush_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            if p.m.row.header_only {
                return; // a group heading, no numbers expected
            }
            self.emit(p.m, &p.label, &[], p.line, None, 0);
        }
    }

    fn label_finding(&mut self, m: &RowMatch, printed: &str, line: u32) {
        let t = m.table;
        let wanted = m.row.text;
        self.findings.push(Finding::new(
            CheckCode::LabelMismatch,
            format!("{}中“{wanted}”一行的标签印为“{printed}”，与年度报告格式规定的文字不一致", table_name(t)),
            Location {
                section: Some(t.section().to_owned()),
                table: Some(t.id().to_owned()),
                row: Some(m.row.id.to_owned()),
                line: Some(line),
                ..Location::default()
            },
            format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）将标签改为“{wanted}”", self.doc_no()),
        ));
    }

    /// Values of a row fitted to `n` columns: surplus empty cells are merged label cells (front)
    /// or table padding (back).
    fn fit<'v>(&self, values: &'v [&'a str], n: usize) -> (&'v [&'a str], bool) {
        let mut v = values;
        while v.len() > n && v.first().is_some_and(|c| c.is_empty()) {
            v = &v[1..];
        }
        while v.len() > n && v.last().is_some_and(|c| c.is_empty()) {
            v = &v[..v.len() - 1];
        }
        if v.len() > n {
            return (&v[..n], true);
        }
        (v, false)
    }

    /// `at`: the table, row and line, for the finding.
    fn cells_for(&mut self, values: &[&'a str], n: usize, all: usize, value_end: Option<usize>, at: (TableId, Option<&'static str>, u32)) -> Vec<Value> {
        let (table, row, line) = at;
        // On a true grid, take the columns where the numbers stand in the other rows.
        let aligned: Option<(usize, usize)> = value_end.and_then(|end| {
            let start = end.checked_sub(n)?;
            let offset = all.checked_sub(values.len())?;
            (start >= offset && end <= all).then(|| (start - offset, end - offset))
        });
        let (v, surplus) = match aligned {
            Some((s, e)) => {
                let outside = values[..s].iter().chain(&values[e..]).any(|c| !c.is_empty());
                (&values[s..e], outside)
            }
            None => self.fit(values, n),
        };
        if surplus {
            let what = table_name(table);
            let loc = Location {
                section: Some(table.section().to_owned()),
                table: Some(table.id().to_owned()),
                row: row.map(str::to_owned),
                line: Some(line),
                column: None,
            };
            self.findings.push(Finding::new(
                CheckCode::AmbiguousCells,
                format!("{what}第 {line} 行有 {} 个数值，但格式只有 {n} 列，无法确定各数值所属的列，该行的数字未采用（原文：{}）", values.iter().filter(|c| !c.is_empty()).count(), shown(values)),
                loc,
                "核对该行的单元格，删除多余的数值或补齐缺失的表头".to_owned(),
            ));
            // which of them are the row's is a guess: none is taken (the sums that need the row
            // are not checked, and no error is derived from a guessed cell)
            return vec![Value::Unreadable(String::new()); n];
        }
        let mut cells: Vec<Value> = v.iter().map(|c| parse_value(c)).collect();
        cells.resize(n, Value::Absent);
        cells
    }

    fn emit(&mut self, m: RowMatch, label: &str, values: &[&'a str], line: u32, value_end: Option<usize>, all: usize) {
        let t = m.table;
        let n = m.block.columns.len();
        self.enter(t, line);
        if t == TableId::T2
            && let Some(b) = self.spec.t2.blocks.iter().position(|b| std::ptr::eq(b, m.block) || b.id == m.block.id) {
                self.block = Some(b);
                if self.t2_header.is_some() {
                    self.check_t2_header();
                }
            }
        if m.quality == Quality::Variant {
            self.label_finding(&m, label, line);
        }
        let value_end = if t == TableId::T3 { value_end } else { None };
        let aligned = if t == TableId::T2 { self.t2_aligned(values, n, all) } else { None };
        let mut cells = match aligned {
            Some(cells) => cells,
            None if values.is_empty() => vec![Value::Blank; n],
            None => self.cells_for(values, n, all, value_end, (t, Some(m.row.id), line)),
        };
        if t == TableId::T2 {
            self.amount_units(&m, &mut cells, line);
        }
        let Some(table) = self.tables[tix(t)].as_mut() else { return };
        let row = Row { id: m.row.id, label: label.to_owned(), cells, line: Some(line) };
        match table.row_mut(m.row.id) {
            // printed twice: the first one with numbers stands (a label alone left an empty row)
            Some(old) if old.cells.iter().all(|c| matches!(c, Value::Blank | Value::Absent)) => *old = row,
            Some(_) => return,
            None => table.rows.push(row),
        }
        self.last_table = Some((t, line));
    }

    /// A table 二 grid row's values under its header's column headings, when the header has
    /// exactly the block's columns, the row is as wide as the header row and holds nothing
    /// outside those columns.
    fn t2_aligned(&self, values: &[&'a str], n: usize, all: usize) -> Option<Vec<Value>> {
        let (positions, width) = self.t2_columns.as_ref()?;
        if positions.len() != n || *width != all {
            return None;
        }
        let offset = all.checked_sub(values.len())?;
        let picked: Vec<usize> = positions.iter().map(|p| p.checked_sub(offset)).collect::<Option<_>>()?;
        let outside = values.iter().enumerate().any(|(i, c)| !c.is_empty() && !picked.contains(&i));
        if outside {
            return None;
        }
        Some(picked.iter().map(|&i| parse_value(values[i])).collect())
    }

    /// An amount printed with its unit (`75394432.52元`, `1.25万元`): the unit is part of the printed
    /// value, not text in a number cell. The number stands as printed; a unit other than the
    /// column's is reported, never converted (FEE_UNIT judges the size).
    fn amount_units(&mut self, m: &RowMatch, cells: &mut [Value], line: u32) {
        for (cell, col) in cells.iter_mut().zip(m.block.columns) {
            if col.kind != CellKind::Amount {
                continue;
            }
            let Value::Unreadable(printed) = cell else { continue };
            let Some((number, unit)) = amount_with_unit(printed) else { continue };
            let wanted = if col.text.contains("万元") { "万元" } else { "元" };
            if unit != wanted {
                self.findings.push(Finding::new(
                    CheckCode::LabelMismatch,
                    format!(
                        "表二“{}”行“{}”列的金额印为“{printed}”，单位是{unit}，而该列的单位是{wanted}；已按印出的数字 {number} 读取，未作换算",
                        m.row.text, col.text
                    ),
                    Location {
                        section: Some("s2".to_owned()),
                        table: Some("t2".to_owned()),
                        row: Some(m.row.id.to_owned()),
                        column: Some(col.id.to_owned()),
                        line: Some(line),
                    },
                    format!("该列以{wanted}为单位：把金额换算成{wanted}后填写数字，不写单位"),
                ));
            }
            *cell = Value::from_decimal(number);
        }
    }

    fn emit_t4(&mut self, values: &[&'a str], line: u32, value_end: Option<usize>, all: usize) {
        let n = self.spec.t4.blocks[0].columns.len();
        // one group's five values under its own sub-heading: its columns of the row
        if let Some(g) = self.t4_group.take()
            && values.iter().filter(|c| !c.is_empty()).count() == T4_GROUP_WIDTH
        {
            let filled: Vec<&'a str> = values.iter().copied().filter(|c| !c.is_empty()).collect();
            self.enter(TableId::T4, line);
            let label = self.spec.t4.blocks[0].rows[0].text;
            if let Some(table) = self.tables[2].as_mut() {
                if table.row(T4_ROW).is_none() {
                    table.rows.push(Row { id: T4_ROW, label: label.to_owned(), cells: vec![Value::Absent; n], line: Some(line) });
                }
                if let Some(row) = table.row_mut(T4_ROW) {
                    let part = &mut row.cells[g * T4_GROUP_WIDTH..(g + 1) * T4_GROUP_WIDTH];
                    if part.iter().all(|c| *c == Value::Absent) {
                        for (cell, v) in part.iter_mut().zip(filled) {
                            *cell = parse_value(v);
                        }
                    }
                }
            }
            self.last_table = Some((TableId::T4, line));
            return;
        }
        let cells = self.cells_for(values, n, all, value_end, (TableId::T4, None, line));
        self.enter(TableId::T4, line);
        let label = self.spec.t4.blocks[0].rows[0].text;
        if let Some(table) = self.tables[2].as_mut()
            && table.row(T4_ROW).is_none() {
                table.rows.push(Row { id: T4_ROW, label: label.to_owned(), cells, line: Some(line) });
            }
        self.last_table = Some((TableId::T4, line));
    }

    /// Compare a table 二 header row (信息内容 …) with the current block's columns.
    fn check_t2_header(&mut self) {
        let Some((headers, line)) = self.t2_header.take() else { return };
        // headers that are exactly some block's columns name that block
        let norms: Vec<Cow<'_, str>> = headers.iter().map(|h| normalize_cow(h)).collect();
        if let Some(b) = self.spec.t2.blocks.iter().position(|b| b.columns.len() == norms.len() && b.columns.iter().zip(&norms).all(|(c, n)| normalize_cow(c.text) == *n)) {
            self.block = Some(b);
            return;
        }
        let Some(block) = self.block.and_then(|b| self.spec.t2.blocks.get(b)) else { return };
        for (printed, col) in headers.iter().zip(block.columns) {
            if label::t2_header_format(printed).is_some_and(|f| f != self.format) {
                continue; // the other format's header: OUTDATED_FORMAT territory, not a typo
            }
            if label::compare_header(printed, col.text).is_some() {
                // the same heading misprinted the same way in several blocks (本年增/ under
                // （五）（六）（八）): one finding naming them all
                let caption = block.caption.unwrap_or("");
                if let Some(f) = self.findings.iter_mut().find(|f| {
                    f.code == CheckCode::LabelMismatch && f.location.table.as_deref() == Some("t2") && f.location.column.as_deref() == Some(col.id) && f.message.contains(&format!("印为“{printed}”"))
                }) {
                    if !f.message.contains(caption) {
                        let at = f.message.find("的列标题").unwrap_or(0);
                        f.message.insert_str(at, &format!("、{caption}"));
                    }
                    continue;
                }
                self.findings.push(Finding::new(
                    CheckCode::LabelMismatch,
                    format!("表二{}的列标题“{}”印为“{printed}”，与年度报告格式规定的文字不一致", block.caption.unwrap_or(""), col.text),
                    Location {
                        section: Some("s2".to_owned()),
                        table: Some("t2".to_owned()),
                        column: Some(col.id.to_owned()),
                        line: Some(line),
                        ..Location::default()
                    },
                    format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）将列标题改为“{}”", self.spec.doc_no, col.text),
                ));
            }
        }
    }

    // ---- the end ----

    fn finish(mut self, source: Option<&str>, year: Option<u16>) -> Report {
        self.flush_pending();
        self.flush_loose();
        let mut report = Report::new(self.format);
        report.source = source.map(str::to_owned);
        report.year = year;
        let meta = detect_meta(&self.paras, &self.sections);
        report.agency = meta.0;
        report.level = report.agency.as_deref().and_then(level_of).or_else(|| level_from_phrases(&self.sections));
        report.date = meta.1;
        self.truncation();
        self.image_tables();
        self.stray_t4();
        let mut sections = std::mem::take(&mut self.sections);
        if sections.first().is_some_and(|s| s.id.is_none() && s.text.is_empty()) {
            sections.remove(0);
        }
        report.sections = sections;
        report.tables = self.tables.into_iter().flatten().collect();
        report.reader_findings = self.findings;
        report
    }

    /// TRUNCATED_INPUT: the input ends inside a table (its last row never came and nothing after
    /// it was read), or mid-sentence in a section before 六.
    fn truncation(&mut self) {
        let last_section = self.sections.iter().rev().find_map(|s| s.id.as_deref()).and_then(|id| SECTION_INDEX.iter().position(|x| *x == id));
        let later = |t: TableId| -> bool {
            let after = match t {
                TableId::T2 => 1,
                TableId::T3 => 2,
                TableId::T4 => 3,
            };
            last_section.is_some_and(|s| s > after)
        };
        let mut cut: Option<String> = None;
        if let Some((t, _)) = self.last_table {
            let table = self.tables[tix(t)].as_ref();
            let last_row = match t {
                TableId::T2 => self.spec.t2.blocks.last().and_then(|b| b.rows.last()).map(|r| r.id),
                TableId::T3 => Some("carried_forward"),
                TableId::T4 => Some(T4_ROW),
            };
            let complete = table.is_some_and(|tb| last_row.is_some_and(|r| tb.row(r).is_some()));
            let later_tables = TableId::ALL.iter().any(|x| *x > t && self.tables[tix(*x)].as_ref().is_some_and(|tb| !tb.rows.is_empty()));
            if !complete && !later(t) && !later_tables {
                // the row the input ends in, its label cut and no number after it, is part of
                // the cut: not a row with blank cells, not a misprinted label
                let last_line = self.last_line;
                if let Some(tb) = self.tables[tix(t)].as_mut()
                    && tb.rows.last().is_some_and(|r| r.line == Some(last_line) && !r.cells.iter().any(|c| matches!(c, Value::Int(_) | Value::Dec(_))))
                    && let Some(row) = tb.rows.pop()
                {
                    self.findings.retain(|f| f.location.line != Some(last_line));
                    cut = Some(format!("{}“{}”一行（行未完，没有数字）", table_name(t), row.label));
                }
                let table = self.tables[tix(t)].as_ref();
                let read = table.and_then(|tb| tb.rows.last()).map_or_else(
                    || format!("{}的表头", table_name(t)),
                    |r| format!("{}“{}”一行", table_name(t), r.label),
                );
                cut = cut.or(Some(read));
            }
        }
        // a heading cut short: the last thing read is a section heading whose title is the
        // beginning of the format's (五、存在的主), with nothing after it
        if cut.is_none()
            && let Some(last) = self.sections.last()
            && let Some(id) = last.id.as_deref()
            && last.text.is_empty()
            && let Some(spec) = self.spec.sections.iter().find(|x| x.id == id)
            && last.title.chars().count() < spec.title.chars().count()
            && !last.title.is_empty()
            && spec.title.starts_with(last.title.as_str())
            && !self.tables.iter().flatten().any(|t| t.id.section() == id && !t.rows.is_empty())
        {
            let printed = format!("{}、{}", last.number, last.title);
            cut = Some(format!("第{}部分的标题“{printed}”（标题未完）", spec.number));
            // the heading is cut, not misprinted
            self.findings.retain(|f| !(f.code == CheckCode::SectionTitle && f.location.section.as_deref() == Some(id)));
        }
        if cut.is_none()
            && let Some(s) = last_section.filter(|s| *s < 5) {
                let last_para = self.sections.last().and_then(|sec| sec.text.lines().last()).unwrap_or("");
                let ends_open = last_para.chars().count() > 20 && !last_para.trim_end().ends_with(['。', '！', '？', '”', '）', ')', '；', '.', '：']);
                if ends_open && SECTION_INDEX[s] != "s2" && SECTION_INDEX[s] != "s3" && SECTION_INDEX[s] != "s4" {
                    cut = Some(format!("第{}部分的正文（句子未完）", ["一", "二", "三", "四", "五", "六"][s]));
                }
            }
        // a report never ends after section 一: nothing but 一 read (no table either) is the
        // first page(s) of a longer document, whatever its last sentence looks like
        let tables_read = self.tables.iter().flatten().any(|t| !t.rows.is_empty());
        if cut.is_none() && last_section == Some(0) && !tables_read {
            cut = Some("第一部分的正文".to_owned());
        }
        // the input ends in a table's header: the last section read is a table's, with no row
        // of it (and no image standing for it) and nothing after
        if cut.is_none()
            && let Some(s) = last_section
            && let Some(t) = TableId::ALL.into_iter().find(|t| t.section() == SECTION_INDEX[s])
            && self.tables[tix(t)].as_ref().is_none_or(|tb| tb.rows.is_empty())
            && !self.images.iter().any(|(sec, _, _)| *sec == Some(s))
            && !TableId::ALL.iter().any(|x| *x > t && self.tables[tix(*x)].as_ref().is_some_and(|tb| !tb.rows.is_empty()))
        {
            cut = Some(format!("{}的表头", table_name(t)));
        }
        let fragment = self.fragment();
        let Some(read) = cut else {
            if let Some((start, line)) = fragment {
                self.findings.push(Finding::new(
                    CheckCode::TruncatedInput,
                    format!("这是报告的片段：输入从第{}部分开始，没有报告标题和第{}部分（可能是 PDF 的单页或部分页面、网页的部分复制）", NUM[start], NUM[..start].join("、")),
                    Location { line, ..Location::default() },
                    "用完整的报告重新检查；只核对片段时，缺少的部分不再另行列出",
                ));
            }
            return;
        };
        let missing: Vec<&str> = SECTION_INDEX
            .iter()
            .enumerate()
            .filter(|(i, id)| last_section.is_none_or(|s| *i > s) && !self.sections.iter().any(|x| x.id.as_deref() == Some(**id)))
            .map(|(i, _)| ["一", "二", "三", "四", "五", "六"][i])
            .collect();
        let read_parts: Vec<&str> = SECTION_INDEX
            .iter()
            .enumerate()
            .filter(|(_, id)| self.sections.iter().any(|x| x.id.as_deref() == Some(**id)))
            .map(|(i, _)| ["一", "二", "三", "四", "五", "六"][i])
            .collect();
        let read_desc = if read_parts.is_empty() { "未读到任何部分".to_owned() } else { format!("已读到第{}部分", read_parts.join("、")) };
        let missing_desc = match missing.len() {
            0 => String::new(),
            1 => format!("，第{}部分未读到", missing[0]),
            _ => format!("，第{}部分均未读到", missing.join("、")),
        };
        // a page range cut on both sides is one finding: where it starts and where it ends
        let message = match fragment {
            Some((start, _)) => format!(
                "这是报告的片段：输入从第{}部分开始（没有报告标题和第{}部分），在第 {} 行（{read}）之后就结束了{missing_desc}。{read_desc}（可能是 PDF 的部分页面、网页的部分复制）",
                NUM[start],
                NUM[..start].join("、"),
                self.last_line
            ),
            None => format!("报告不完整：输入在第 {} 行（{read}）之后就结束了{missing_desc}。{read_desc}", self.last_line),
        };
        self.findings.push(Finding::new(
            CheckCode::TruncatedInput,
            message,
            Location { line: Some(self.last_line), ..Location::default() },
            "核对原文件是否完整（下载、复制或转换时可能被截断），用完整的报告重新检查",
        ));
    }
}

const SECTION_INDEX: [&str; 6] = ["s1", "s2", "s3", "s4", "s5", "s6"];
const NUM: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

impl Assembler<'_> {
    /// Table 四 of which no row was read although its numbers are there, printed among its
    /// header words (pdftotext without -layout of a Word export): one AMBIGUOUS_CELLS naming
    /// them, not a table missing (the checker then adds no MISSING_TABLE).
    fn stray_t4(&mut self) {
        if self.t4_stray.is_empty() || self.tables[2].as_ref().is_some_and(|t| !t.rows.is_empty()) {
            return;
        }
        self.findings.push(Finding::new(
            CheckCode::AmbiguousCells,
            format!(
                "表四的 {} 个数字（{}）与表头文字交错印出，无法确定各数字所属的列，表四未读取",
                self.t4_stray.len(),
                self.t4_stray.iter().take(20).cloned().collect::<Vec<_>>().join(" ")
            ),
            Location { section: Some("s4".to_owned()), table: Some("t4".to_owned()), line: self.t4_stray_line, ..Location::default() },
            "核对原件中的表四（复制 PDF 文字时请保留版面，例如 pdftotext -layout），或直接检查 PDF 文件",
        ));
    }

    /// MISSING_TABLE for a table the report shows only as an image: no row of it was read and
    /// its section holds an image. One finding per table naming the image(s); the checker then
    /// lists none of its rows as missing.
    fn image_tables(&mut self) {
        for t in TableId::ALL {
            if self.tables[tix(t)].as_ref().is_some_and(|tb| !tb.rows.is_empty()) {
                continue;
            }
            let sec = SECTION_INDEX.iter().position(|x| *x == t.section());
            let imgs: Vec<&(Option<usize>, String, u32)> = self.images.iter().filter(|(s, _, _)| *s == sec).collect();
            let Some(&&(_, _, line)) = imgs.first() else { continue };
            let names: Vec<String> = imgs.iter().take(3).map(|(_, src, _)| format!("“{src}”")).collect();
            let more = if imgs.len() > 3 { format!(" 等 {} 张", imgs.len()) } else { String::new() };
            self.findings.push(Finding::new(
                CheckCode::MissingTable,
                format!("{}只以图片形式发布（{}{more}），没有可核对的文字表格", table_name(t), names.join("、")),
                Location { section: Some(t.section().to_owned()), table: Some(t.id().to_owned()), line: Some(line), ..Location::default() },
                format!("以文字表格形式发布{}，不要只发布图片", table_name(t)),
            ));
            self.tables[tix(t)] = None;
        }
    }
}

impl Assembler<'_> {
    /// A fragment: the input starts after section 一 (a single page or a page range of a PDF, a
    /// copied part of a page) — no section 一 heading and no title naming a report before the
    /// first part read. One TRUNCATED_INPUT finding names it; the checker then does not list
    /// what comes before as missing.
    fn fragment(&self) -> Option<(usize, Option<u32>)> {
        let first = self.sections.iter().find_map(|s| s.id.as_deref()).and_then(|id| SECTION_INDEX.iter().position(|x| *x == id));
        let first_table = TableId::ALL.iter().find(|t| self.tables[tix(**t)].as_ref().is_some_and(|tb| !tb.rows.is_empty())).map(|t| match t {
            TableId::T2 => 1,
            TableId::T3 => 2,
            TableId::T4 => 3,
        });
        let start = [first, first_table].into_iter().flatten().min()?;
        if start == 0 {
            return None;
        }
        // a title is a line of its own that names the report (section 一's body, the first
        // text of a page range, may say 政府信息公开 and 报告 in a long sentence)
        let titled = self.sections.iter().take_while(|s| s.id.is_none()).any(|s| {
            std::iter::once(s.title.as_str()).chain(s.text.lines()).any(|t| {
                t.chars().count() <= 80 && (t.contains("报告") || t.contains("年报")) && t.contains("政府信息公开")
            })
        });
        if titled {
            return None;
        }
        let line = self.sections.iter().find(|s| s.id.is_some()).and_then(|s| s.line);
        Some((start, line))
    }
}

/// Where a web page's footer starts in a paragraph: the site's imprint (版权所有, 主办单位,
/// ICP备 …), or a short paragraph of footer links (联系我们, 网站地图 …).
fn footer_start(p: &str) -> Option<usize> {
    const LINKS: [&str; 5] = ["联系我们", "网站地图", "关于我们", "网站声明", "隐私声明"];
    // one pass: the imprint's words where their first character stands
    for (at, c) in p.char_indices() {
        let rest = &p[at..];
        let hit = match c {
            '版' => rest.starts_with("版权所有"),
            '主' => rest.starts_with("主办单位") || rest.starts_with("主办：") || rest.starts_with("主办:"),
            '承' => rest.starts_with("承办单位"),
            'I' => rest.starts_with("ICP备"),
            '网' => rest.starts_with("网站标识码"),
            '公' => rest.starts_with("公网安备"),
            '技' => rest.starts_with("技术支持："),
            'C' | 'c' => rest[1..].starts_with("opyright"),
            _ => false,
        };
        if hit {
            // 闽ICP备…, 京公网安备…: the province's abbreviation belongs to the number
            let before = &p[..at];
            return Some(if matches!(c, 'I' | '公') {
                before.char_indices().next_back().filter(|(_, c)| ('\u{4E00}'..='\u{9FFF}').contains(c)).map_or(at, |(i, _)| i)
            } else {
                at
            });
        }
    }
    (p.chars().count() <= 40 && LINKS.iter().any(|m| p.contains(m))).then_some(0)
}

// ---- metadata ----------------------------------------------------------------------------------

/// Name endings of agencies, longest first.
const AGENCY_SUFFIXES: &[&str] = &[
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "街道办事处",
    "办事处",
    "综合实验区",
    "管理委员会",
    "委员会",
    "管委会",
    "新区",
    "开发区",
    "高新区",
    "局",
    "委",
    "办公室",
    "办公厅",
    "厅",
    "办",
    "中心",
    "署",
];

/// Common abbreviations of department names in titles (上海市科委 → 上海市科学技术委员会).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("科委", "科学技术委员会"),
    ("科技局", "科学技术局"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("经信委", "经济和信息化委员会"),
    ("经信局", "经济和信息化局"),
    ("人社局", "人力资源和社会保障局"),
    ("住建局", "住房和城乡建设局"),
    ("住建委", "住房和城乡建设委员会"),
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康局"),
    ("市监局", "市场监督管理局"),
    ("教委", "教育委员会"),
    ("生态环境局", "生态环境局"),
    ("交通局", "交通运输局"),
    ("农业农村局", "农业农村局"),
];

fn expand_abbreviation(name: &str) -> String {
    for (short, long) in ABBREVIATIONS {
        if let Some(prefix) = name.strip_suffix(short) {
            return format!("{prefix}{long}");
        }
    }
    name.to_owned()
}

fn has_agency_suffix(name: &str) -> bool {
    AGENCY_SUFFIXES.iter().any(|s| name.ends_with(s)) || ABBREVIATIONS.iter().any(|(s, _)| name.ends_with(s))
}

fn is_name_char(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) && !"的了在是和与及为由对于把被将从向以等".contains(c)
}

/// A plausible agency name: CJK only, 3-30 characters, ending with an agency suffix, not a
/// generic phrase (我区, 本机关, 全市 …).
fn plausible_name(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| !is_blank(*c)).collect();
    let n = s.chars().count();
    if !(3..=30).contains(&n) || !s.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        return None;
    }
    if s.starts_with(['我', '本', '全', '各', '该', '市', '区', '县', '镇', '乡']) && n <= 4 {
        return None;
    }
    if ["政府信息公开", "年度报告", "工作报告"].iter().any(|w| s.contains(w)) {
        return None;
    }
    has_agency_suffix(&s).then(|| expand_abbreviation(&s))
}

/// The name ending right before `end` in `s`: the run of name characters, cut after the last
/// navigation word (首页 …年报 平潭综合实验区).
fn name_before(s: &str, end: usize) -> Option<String> {
    let head = &s[..end];
    let head = head.trim_end_matches(is_blank);
    let start = head.char_indices().rev().take_while(|(_, c)| ('\u{4E00}'..='\u{9FFF}').contains(c)).last().map_or(head.len(), |(i, _)| i);
    let mut run = &head[start..];
    for w in ["首页", "年报", "公开", "位置", "报告", "公布", "发布", "现将", "编制", "印发", "标题", "来源"] {
        if let Some(p) = run.rfind(w) {
            run = &run[p + w.len()..];
        }
    }
    plausible_name(run)
}

/// Agency name and report date from the preamble (title lines) and the last paragraphs.
fn detect_meta(paras: &[(usize, u32, &str)], sections: &[Section]) -> (Option<String>, Option<NaiveDate>) {
    let preamble_end = paras.iter().position(|(s, _, _)| sections.get(*s).is_some_and(|x| x.id.is_some())).unwrap_or(paras.len());
    let preamble = &paras[..preamble_end];
    let mut title: Option<String> = None;
    let mut standalone: Option<String> = None;
    for (i, (_, _, p)) in preamble.iter().take(60).enumerate() {
        if p.chars().count() > 60 {
            continue;
        }
        // a title on two lines (…2024年政府信息 / 公开工作年度报告): the line and the next one
        let joined: String;
        let head: &str = match preamble.get(i + 1) {
            Some((_, _, next)) if !p.contains("报告") && next.contains("报告") && years(p).next().is_some() && p.chars().count() + next.chars().count() <= 60 => {
                joined = format!("{p}{next}");
                &joined
            }
            _ => p,
        };
        // X关于2024年…报告 / X2024年…报告 / 2024年X政府信息公开…: the 关于 of a title near the top,
        // never of a document cited in 《》 (《国务院办公厅政府信息与政务公开办公室关于印发…》)
        if i < 10
            && head.contains("报告")
            && let Some(pos) = head
                .match_indices("关于")
                .map(|(p, _)| p)
                // not a notice that publishes the report (X办公室关于印发《…报告》的通知): its
                // sender is not the report's agency
                .find(|&p| !super::crawl::inside_book_title(head, p) && !["印发", "转发", "公布", "发布"].iter().any(|w| head[p + "关于".len()..].starts_with(w)))
            && let Some(n) = name_before(head, pos) {
                title = pick(title, n);
                continue;
            }
        if let Some((_, ystart, yend)) = years(head).next()
            && (head.contains("报告") || head.contains("政府信息公开") || head.contains("政务公开")) {
                if let Some(n) = name_before(head, ystart) {
                    title = pick(title, n);
                    continue;
                }
                let rest = &head[yend..];
                let rest = rest.strip_prefix('度').unwrap_or(rest);
                for w in ["政府信息公开", "政务公开", "信息公开"] {
                    if let Some(p) = rest.find(w) {
                        if let Some(n) = plausible_name(&rest[..p]) {
                            title = pick(title, n);
                        }
                        break;
                    }
                }
                continue;
            }
        if p.chars().count() <= 30
            && let Some(n) = plausible_name(p) {
                standalone = pick(standalone, n);
            }
    }
    let mut agency = match (title, standalone) {
        (Some(t), Some(s)) => Some(if s.ends_with(&t) { s } else { t }),
        (t, s) => t.or(s),
    };
    let first_text = || paras.iter().filter(|(s, _, _)| sections.get(*s).is_some_and(|x| x.id.as_deref() == Some("s1"))).map(|(_, _, p)| *p).next();
    if agency.is_none() {
        agency = signature(paras);
    }
    if agency.is_none() {
        // 本报告由X办公室…编制
        for (_, _, p) in preamble.iter().take(10) {
            if let Some(pos) = p.find("本报告由") {
                let rest = &p[pos + "本报告由".len()..];
                let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                let mut name = &rest[..end];
                for cut in ["根据", "编制", "负责"] {
                    if let Some(i) = name.find(cut) {
                        name = &name[..i];
                    }
                }
                let name = name.strip_suffix("办公室").filter(|n| n.ends_with("人民政府")).unwrap_or(name);
                agency = plausible_name(name);
                break;
            }
        }
    }
    if agency.is_none() {
        // 2024年，平潭综合实验区坚持…
        if let Some(p) = first_text()
            && let Some((_, 0, yend)) = years(p).next() {
                let rest = p[yend..].trim_start_matches(['，', ',', ' ', '度']);
                let window: String = rest.chars().take(24).collect();
                let mut best: Option<usize> = None;
                for s in AGENCY_SUFFIXES {
                    if let Some(i) = window.find(s) {
                        let e = i + s.len();
                        if best.is_none_or(|b| e < b) {
                            best = Some(e);
                        }
                    }
                }
                if let Some(e) = best {
                    agency = plausible_name(&window[..e]);
                }
            }
    }
    // a fuller form elsewhere in the preamble: 洪泽区人民政府 → 淮安市洪泽区人民政府
    if let Some(a) = &agency {
        for (_, _, p) in preamble.iter().take(10) {
            if let Some(pos) = p.find(a.as_str()) {
                let before = &p[..pos];
                let start = before.char_indices().rev().take_while(|(_, c)| is_name_char(*c) && !"本报告由据".contains(*c)).last().map_or(pos, |(i, _)| i);
                let prefix = &before[start..];
                let n = prefix.chars().count();
                if (2..=6).contains(&n) && prefix.ends_with(['市', '省', '州', '县', '区', '盟']) && !a.starts_with(prefix) {
                    agency = Some(format!("{prefix}{a}"));
                    break;
                }
            }
        }
    }
    // the date: the last paragraph that is (or ends with) a date, or a labelled date
    let mut date = None;
    for (_, _, p) in paras.iter().rev().take(12) {
        if let Some(d) = date_of_line(p) {
            date = Some(d);
            break;
        }
    }
    if date.is_none() {
        for (_, _, p) in preamble.iter().take(30) {
            if let Some(d) = date_of_line(p) {
                date = Some(d);
                break;
            }
        }
    }
    (agency, date)
}

/// The 落款 at the end of the report: the name on the line before the date (or before the date
/// on the date's own line), among the last paragraphs.
fn signature(paras: &[(usize, u32, &str)]) -> Option<String> {
    let tail: Vec<&str> = paras.iter().rev().take(8).map(|(_, _, p)| *p).collect();
    let at = tail.iter().position(|p| date_of_line(p).is_some())?;
    let dated: String = tail[at].chars().filter(|c| !is_blank(*c)).collect();
    let digit = dated.find(|c: char| c.is_ascii_digit() || matches!(c, '〇' | '○' | '二' | '一')).unwrap_or(0);
    if digit > 0 {
        return plausible_name(&dated[..digit]);
    }
    tail.get(at + 1).filter(|p| p.chars().count() <= 30).and_then(|p| plausible_name(p))
}

/// The level from how the report speaks of its agency (我镇, 本局 …), when its name is not found:
/// the one kind of agency the narrative names itself as, or none when it uses several (a
/// township report citing 我县's requirements is not told from a county's).
fn level_from_phrases(sections: &[Section]) -> Option<AgencyLevel> {
    const KINDS: [(&[&str], AgencyLevel); 3] = [
        (&["我镇", "本镇", "我乡", "本乡", "我街道", "本街道"], AgencyLevel::Township),
        (&["我县", "本县"], AgencyLevel::County),
        (&["我局", "本局", "我委", "本委", "我厅", "本厅"], AgencyLevel::Department),
    ];
    let mut found: Option<AgencyLevel> = None;
    for (words, level) in KINDS {
        if sections.iter().any(|s| words.iter().any(|w| s.text.contains(w))) {
            if found.is_some() {
                return None;
            }
            found = Some(level);
        }
    }
    found
}

/// The first candidate stands, unless a later one is its fuller form (民主镇人民政府 →
/// 岚皋县民主镇人民政府).
fn pick(old: Option<String>, new: String) -> Option<String> {
    match old {
        Some(o) if !(new.ends_with(&o) && new.len() > o.len() && new.chars().count() <= o.chars().count() + 6) => Some(o),
        _ => Some(new),
    }
}

/// The level of an agency from its name.
pub fn level_of(name: &str) -> Option<AgencyLevel> {
    const MUNICIPALITIES: [&str; 4] = ["北京市", "上海市", "天津市", "重庆市"];
    if let Some(gov) = name.strip_suffix("人民政府") {
        if gov.ends_with('镇') || gov.ends_with('乡') || gov.ends_with("街道") {
            return Some(AgencyLevel::Township);
        }
        if MUNICIPALITIES.contains(&gov) || gov.ends_with('省') || gov.ends_with("自治区") {
            return Some(AgencyLevel::Province);
        }
        if gov.ends_with('县') || gov.ends_with('区') || gov.ends_with('旗') || gov.ends_with("自治县") {
            return Some(AgencyLevel::County);
        }
        if gov.ends_with('市') || gov.ends_with('州') || gov.ends_with('盟') {
            return Some(AgencyLevel::City);
        }
        return None;
    }
    if name.ends_with("办事处") {
        return Some(AgencyLevel::Township);
    }
    if ["综合实验区", "新区", "开发区", "高新区"].iter().any(|s| name.ends_with(s)) {
        return Some(AgencyLevel::County);
    }
    if ["局", "委员会", "委", "办公室", "办公厅", "厅", "办", "中心", "署", "管委会", "管理委员会"].iter().any(|s| name.ends_with(s)) {
        return Some(AgencyLevel::Department);
    }
    None
}

/// A line that is a date (`2025年1月20日`, `二〇二五年一月二十日`, `2025-01-20`), possibly after
/// a signature (`民主镇人民政府 2025年1月20日`) or a label (`发布日期：`, `时间：`).
fn date_of_line(p: &str) -> Option<NaiveDate> {
    if !p.contains('日') && !p.contains("时间") {
        return None;
    }
    let long = p.chars().filter(|c| !is_blank(*c)).nth(48).is_some();
    // a long paragraph only counts with a labelled date (日期：, 时间：)
    if long && !p.contains("日期") && !p.contains("时间") {
        return None;
    }
    if long {
        // a crawled page: look for a labelled date
        return labelled_date(p);
    }
    // without blanks: the runs between them copied whole
    let s: String = super::crawl::words(p).collect();
    let s = s.trim_end_matches(['。', '.']);
    for label in ["发布日期：", "发布时间：", "成文日期：", "时间：", "日期：", "印发日期："] {
        if let Some(i) = s.find(label) {
            return parse_date_prefix(&s[i + label.len()..]);
        }
    }
    // the date at the end of the line, the rest (if any) an agency name
    // where the year starts: the first Arabic digit or Chinese year digit
    let i = s.find(|c: char| c.is_ascii_digit() || matches!(c, '〇' | '○' | '二' | '一'))?;
    let head = &s[..i];
    if !head.is_empty() && plausible_name(head).is_none() {
        return None;
    }
    parse_date_exact(&s[i..])
}

/// The date after the first of each label (`发布日期：`, in the text without blanks) that is
/// followed by one, in the labels' order. Every label ends with its only `：`: an occurrence is
/// a `：` of the text whose preceding non-blank characters are the rest of the label, so a long
/// text is not copied without its blanks to find them.
fn labelled_date(p: &str) -> Option<NaiveDate> {
    let colons: Vec<usize> = p.match_indices('：').map(|(i, _)| i).collect();
    for label in ["发布日期", "发布时间", "成文日期", "时间", "日期"] {
        let n = label.chars().count();
        let first = colons.iter().find(|&&c| p[..c].chars().rev().filter(|ch| !is_blank(*ch)).take(n).eq(label.chars().rev()));
        if let Some(&c) = first {
            let rest: String = p[c + '：'.len_utf8()..].chars().filter(|ch| !is_blank(*ch)).take(12).collect();
            if let Some(d) = parse_date_prefix(&rest) {
                return Some(d);
            }
        }
    }
    None
}

fn parse_date_prefix(s: &str) -> Option<NaiveDate> {
    // YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日 at the start
    let b = s.as_bytes();
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) {
        let y: i32 = s[..4].parse().ok()?;
        let rest = &s[4..];
        let sep = rest.chars().next()?;
        let parts: Vec<&str> = rest[sep.len_utf8()..].splitn(2, [sep, '月']).collect();
        let m: u32 = parts.first()?.parse().ok()?;
        let d_str: String = parts.get(1)?.chars().take_while(char::is_ascii_digit).take(2).collect();
        let d: u32 = d_str.parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    parse_date_exact(s).or_else(|| {
        let end = s.find('日').map(|i| i + '日'.len_utf8())?;
        parse_date_exact(&s[..end])
    })
}

/// Exactly a date in Chinese style, Arabic or Chinese numerals.
fn parse_date_exact(s: &str) -> Option<NaiveDate> {
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let y = if y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit()) {
        y.parse().ok()?
    } else {
        let digits: Option<String> = y
            .chars()
            .map(|c| match c {
                '〇' | '○' | '零' | 'Ｏ' | 'O' | '0' => Some('0'),
                _ => "一二三四五六七八九".chars().position(|x| x == c).and_then(|p| char::from_digit(u32::try_from(p + 1).ok()?, 10)),
            })
            .collect();
        let digits = digits?;
        if digits.len() != 4 {
            return None;
        }
        digits.parse().ok()?
    };
    let m = small_number(m)?;
    let d = small_number(d)?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn small_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| "一二三四五六七八九".chars().position(|x| x == c).and_then(|p| u32::try_from(p + 1).ok());
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', c] => Some(10 + digit(*c)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', c] => Some(digit(*a)? * 10 + digit(*c)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_with_its_digits_run_together_gives_the_year() {
        assert_eq!(run_together_period("本报告所列数据的统计期限自202011日起至20201231日止。"), Some(2020));
        assert_eq!(run_together_period("统计期限自2023年1月1日"), None);
        assert_eq!(run_together_period("电话 05278359305日"), None);
        assert_eq!(run_together_period("20240101 日"), Some(2024));
    }

    #[test]
    fn values_parse_as_printed() {
        assert_eq!(parse_value("12"), Value::Int(12));
        assert_eq!(parse_value(" ０ "), Value::Int(0));
        assert_eq!(parse_value("-185"), Value::Int(-185));
        assert_eq!(parse_value("—"), Value::Blank);
        assert_eq!(parse_value("&nbsp;"), Value::Blank);
        assert_eq!(parse_value("96171.6"), Value::Dec("96171.6".parse().unwrap()));
        assert_eq!(parse_value("5件"), Value::Unreadable("5件".into()));
    }

    #[test]
    fn dates_in_every_style() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 20);
        assert_eq!(date_of_line("2025年1月20日"), d);
        assert_eq!(date_of_line("二〇二五年一月二十日"), d);
        assert_eq!(date_of_line("民主镇人民政府 2025年1月20日"), d);
        assert_eq!(date_of_line("发布日期：2025-01-20"), d);
        assert_eq!(date_of_line("本年度未收取信息处理费。"), None);
        // a long crawled paragraph: a labelled date only, blanks anywhere in the label
        let filler = "本机关按照条例规定编制并公布本年度政府信息公开工作年度报告，";
        assert_eq!(date_of_line(&format!("{filler}{filler}发 布 日 期 ： 2025 - 01-20 时间：2024年1月1日")), d);
        assert_eq!(date_of_line(&format!("{filler}{filler}来源：本站 时间：2025年1月20日 日期：无")), d);
        assert_eq!(date_of_line(&format!("{filler}{filler}日期：不详 ，时间：无")), None);
    }

    #[test]
    fn levels_from_names() {
        assert_eq!(level_of("岚皋县民主镇人民政府"), Some(AgencyLevel::Township));
        assert_eq!(level_of("淮安市人民政府"), Some(AgencyLevel::City));
        assert_eq!(level_of("淮安市洪泽区人民政府"), Some(AgencyLevel::County));
        assert_eq!(level_of("沭阳县发展和改革局"), Some(AgencyLevel::Department));
        assert_eq!(level_of("上海市科学技术委员会"), Some(AgencyLevel::Department));
        assert_eq!(level_of("平潭综合实验区"), Some(AgencyLevel::County));
        assert_eq!(level_of("上海市人民政府"), Some(AgencyLevel::Province));
        assert_eq!(level_of("福建省人民政府"), Some(AgencyLevel::Province));
    }
}
