//! `pdftotext -layout` text of a report PDF: narrative paragraphs wrapped across lines, page
//! footers (`-3-`, `— 3 —`, `第 3 页`) anywhere, including inside tables; table rows whose labels
//! are broken over several lines, before and after the numbers (pdftotext centres a label
//! vertically on its row), or one character per line (the vertical group labels 三、本年度办理结果,
//! （三）不予公开); table 四's fifteen numbers on one line.
//!
//! Approach: find the sections by their headings; outside tables, join wrapped lines into
//! paragraphs (a new paragraph starts at an indented line). Inside tables, a *numbers line* is a
//! row's data; the text chunks of every line (separated by runs of spaces) are label fragments.
//! A fragment that starts with a row number (一、 （一） 1. 1、) opens a label; other fragments
//! continue the nearest open label in the same column (so the vertical group labels, printed in
//! columns of their own, never leak into row labels). Each numbers line takes the label opened on
//! its own line, or else the latest label opened since the previous numbers line. Rows are then
//! identified by their completed labels with the shared label matcher, falling back to the
//! format's row order. Cells come from whitespace-separated numbers; a line with too few numbers
//! (columns printed too close) is split by the crawl reader's arithmetic-constrained splitter.

use gongkai_domain::report::spec::{CellKind, FormatVersion, T4_ROW, TableId};
use gongkai_domain::report::{CheckCode, Decimal, Finding, Location, Report, Row, Value};

use super::crawl::{self, Extracted, Marker, RawRow, Spaces, is_blank, marker_at};
use super::doc::Block;
use super::label;

/// Whether a line is a page footer or header: `-3-`, `- 3 -`, `— 3 —`, `第 3 页`, `第3页 共5页`,
/// `3 / 5`.
pub fn is_footer(line: &str) -> bool {
    // a form feed is a blank
    let t = crawl::trim_blanks(line);
    // more than 64 bytes is more than 16 characters: long lines are not counted
    if t.is_empty() || t.len() > 64 || t.chars().count() > 16 {
        return false;
    }
    let dash = |c: char| matches!(c, '-' | '—' | '–' | '－' | '―' | '‒' | '−');
    let core = t.trim_matches(|c: char| dash(c) || is_blank(c));
    if core != t && !core.is_empty() && core.chars().all(|c| c.is_ascii_digit()) && core.len() <= 3 {
        // dashes on both sides
        return t.starts_with(dash) && t.ends_with(dash);
    }
    // what is left starts with 第 or holds a slash (`t` starts with a visible character)
    if !t.starts_with('第') && !t.contains('/') {
        return false;
    }
    let squashed: String = t.chars().filter(|c| !is_blank(*c)).collect();
    if let Some(r) = squashed.strip_prefix('第') {
        let digits = r.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && digits <= 3 {
            let rest = &r[digits..];
            if rest == "页" {
                return true;
            }
            if let Some(tail) = rest.strip_prefix("页共") {
                return tail.strip_suffix('页').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            }
        }
    }
    if let Some((a, b)) = squashed.split_once('/') {
        return !a.is_empty() && !b.is_empty() && a.len() <= 3 && b.len() <= 3 && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit());
    }
    false
}

fn is_t3_row_label(l: &str) -> bool {
    label::is_exact_row(FormatVersion::V2021, TableId::T3, l, None)
}

/// A text chunk of a line: its text and its column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chunk<'a> {
    text: &'a str,
    x: usize,
}

/// A line cut into text chunks (separated by two or more blanks) and its trailing numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cut<'a> {
    chunks: Vec<Chunk<'a>>,
    numbers: Vec<&'a str>,
}

fn is_number_token(t: &str) -> bool {
    let t = t.strip_prefix(['-', '−']).unwrap_or(t);
    let b = t.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    // up to 18 plain digits (nearly every token) always parse
    if b.len() <= 18 && b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    // `Decimal` accepts only digits, `.` and `,` here: any other byte fails without parsing
    // (a failed parse allocates its error)
    b.iter().all(|&x| x.is_ascii_digit() || x == b'.' || x == b',') && t.parse::<Decimal>().is_ok()
}

/// Whether `cut_line(line).numbers` is non-empty: the last whitespace token is a number.
fn ends_in_number(line: &str) -> bool {
    line.trim_end_matches(is_blank).rsplit(is_blank).next().is_some_and(is_number_token)
}

/// A number token without its thousands separators, borrowed when it has none.
fn without_commas(t: &str) -> std::borrow::Cow<'_, str> {
    if t.contains(',') { t.replace(',', "").into() } else { t.into() }
}

fn cut_line(line: &str) -> Cut<'_> {
    // the trailing number tokens, taken from the end: the text before them is read once, below
    let mut numbers: Vec<&str> = Vec::new();
    let mut text_end = line.len();
    let mut rest = line.trim_end_matches(is_blank);
    while let Some(tok) = rest.rsplit(is_blank).next().filter(|t| !t.is_empty() && is_number_token(t)) {
        numbers.push(tok);
        text_end = rest.len() - tok.len();
        rest = rest[..text_end].trim_end_matches(is_blank);
    }
    numbers.reverse();
    let text = &line[..text_end];
    // chunks: split at runs of two or more blanks
    let mut chunks = Vec::new();
    let mut col = 0usize;
    let mut chunk_start: Option<(usize, usize)> = None; // (byte, column)
    let mut last_non_blank_end = 0usize;
    let mut blanks = 0usize;
    // by bytes: most characters are told blank or not from their lead byte, without decoding
    let mut i = 0;
    while i < text.len() {
        let blank = crawl::blank_len(text, i);
        if blank > 0 {
            blanks += 1;
            if blanks >= 2 && let Some((s, x)) = chunk_start.take() {
                chunks.push(Chunk { text: &text[s..last_non_blank_end], x });
            }
            col += 1;
            i += blank;
            continue;
        }
        let len = crawl::utf8_len(text.as_bytes()[i]);
        blanks = 0;
        if chunk_start.is_none() {
            chunk_start = Some((i, col));
        }
        last_non_blank_end = i + len;
        // CJK characters take two columns in pdftotext's monospace layout
        col += if len == 1 { 1 } else { 2 };
        i += len;
    }
    if let Some((s, x)) = chunk_start {
        chunks.push(Chunk { text: &text[s..last_non_blank_end], x });
    }
    Cut { chunks, numbers }
}

/// An open label: fragments joined, where it started.
#[derive(Debug, Clone)]
struct Label {
    text: String,
    x: usize,
    marker: Marker,
    attached: bool,
}

/// A numbers line with the label it takes.
#[derive(Debug, Clone)]
struct Record<'a> {
    numbers: Vec<&'a str>,
    line: u32,
    label: Option<usize>,
}

const X_TOLERANCE: usize = 8;

/// Collect label fragments and numbers lines of a table region.
fn records<'a>(lines: &[(u32, &'a str)]) -> (Vec<Label>, Vec<Record<'a>>) {
    let mut labels: Vec<Label> = Vec::new();
    let mut recs: Vec<Record<'a>> = Vec::new();
    let mut since = 0usize; // labels opened since the previous numbers line start here
    for &(no, line) in lines {
        let cut = cut_line(line);
        let mut own: Option<usize> = None;
        for ch in &cut.chunks {
            if let Some((m, _)) = marker_at(ch.text) {
                labels.push(Label { text: ch.text.to_owned(), x: ch.x, marker: m, attached: false });
                own = Some(labels.len() - 1);
            } else {
                // continue the most recent open label in this column
                let near = labels.iter().enumerate().rev().take(6).find(|(_, l)| l.x.abs_diff(ch.x) <= X_TOLERANCE).map(|(i, _)| i);
                if let Some(i) = near {
                    labels[i].text.push_str(ch.text);
                }
            }
        }
        if cut.numbers.is_empty() {
            continue;
        }
        let group_like = |l: &Label| matches!(l.marker, Marker::Top(3) | Marker::Paren(3..=5));
        let label = own.filter(|&i| !group_like(&labels[i])).or_else(|| {
            let open: Vec<usize> = (since..labels.len()).filter(|&i| !labels[i].attached && !group_like(&labels[i])).collect();
            // a leaf opened after a （六） heading wins over the heading
            open.iter().rev().find(|&&i| labels[i].marker != Marker::Paren(6)).or(open.last()).copied()
        });
        if let Some(i) = label {
            labels[i].attached = true;
        }
        since = labels.len();
        recs.push(Record { numbers: cut.numbers, line: no, label });
    }
    (labels, recs)
}

fn location(table: TableId, row: Option<&str>, line: u32) -> Location {
    Location {
        section: Some(table.section().to_owned()),
        table: Some(table.id().to_owned()),
        row: row.map(str::to_owned),
        column: None,
        line: Some(line),
    }
}

/// Table 三's rows from its region's lines.
fn t3_rows(format: FormatVersion, lines: &[(u32, &str)], findings: &mut Vec<Finding>) -> Vec<Row> {
    let (labels, recs) = records(lines);
    let order: Vec<&'static str> = format.spec().t3.rows().map(|(_, r)| r.id).collect();
    let full_order: Vec<&'static str> = gongkai_domain::report::spec::FORMAT_2021.t3.rows().map(|(_, r)| r.id).collect();
    let mut raw: Vec<RawRow> = Vec::new();
    let mut fixed: Vec<Option<Vec<Value>>> = Vec::new();
    let mut prev: Option<usize> = None; // position in full_order
    for rec in &recs {
        let text = rec.label.map_or("", |i| labels[i].text.as_str());
        let matched = label::match_row(format, TableId::T3, text, None)
            .or_else(|| label::match_row(FormatVersion::V2021, TableId::T3, text, None))
            .map(|m| m.row.id)
            .and_then(|id| full_order.iter().position(|x| *x == id))
            .filter(|&p| prev.is_none_or(|q| p > q));
        let pos = matched.or_else(|| {
            // the next data row of the format
            let from = prev.map_or(0, |q| q + 1);
            (from..full_order.len()).find(|&p| {
                let id = full_order[p];
                order.contains(&id) && !crawl::t3_is_group(id) || (id == "other_handling" && format == FormatVersion::V2019)
            })
        });
        let Some(pos) = pos else {
            findings.push(Finding::new(
                CheckCode::LabelMismatch,
                format!("表三第 {} 行的数字“{}”对应不到表格的任何一行（标签“{}”），已忽略", rec.line, rec.numbers.join(" "), crawl::squash(text)),
                location(TableId::T3, None, rec.line),
                "请核对这一行的标签是否与国家格式一致",
            ));
            continue;
        };
        prev = Some(pos);
        let id = full_order[pos];
        let ints: Option<Vec<Value>> = (rec.numbers.len() == 7)
            .then(|| rec.numbers.iter().map(|t| without_commas(t).parse::<i64>().ok().map(Value::Int)).collect())
            .flatten();
        raw.push(RawRow { id, label: crawl::squash(text), run: rec.numbers.join(" "), line: rec.line });
        fixed.push(ints);
    }
    let mut rows = crawl::decide_counts(TableId::T3, &raw, Spaces::Hard, findings);
    for (row, f) in rows.iter_mut().zip(fixed) {
        if let Some(cells) = f {
            row.cells = cells;
        }
    }
    rows
}

/// Table 四's row from its region's lines: the numbers line with the most numbers.
fn t4_rows(lines: &[(u32, &str)], findings: &mut Vec<Finding>) -> Vec<Row> {
    let best = lines
        .iter()
        .map(|&(no, l)| (no, cut_line(l)))
        .filter(|(_, c)| c.numbers.len() >= 3)
        .max_by_key(|(_, c)| c.numbers.len());
    let Some((no, cut)) = best else { return Vec::new() };
    let label = "政府信息公开行政复议、行政诉讼情况".to_owned();
    if cut.numbers.len() == 15 && let Some(cells) = cut.numbers.iter().map(|t| without_commas(t).parse::<i64>().ok().map(Value::Int)).collect::<Option<Vec<_>>>() {
        return vec![Row { id: T4_ROW, label, cells, line: Some(no) }];
    }
    let raw = [RawRow { id: T4_ROW, label, run: cut.numbers.join(" "), line: no }];
    crawl::decide_counts(TableId::T4, &raw, Spaces::Hard, findings)
}

/// Table 二's rows from its region's lines.
fn t2_rows(format: FormatVersion, lines: &[(u32, &str)], findings: &mut Vec<Finding>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    let mut prev_text = String::new();
    // the block's header line (信息内容  本年制发件数 …): its headings, checked against the
    // columns of the block its first row belongs to
    let mut header: Option<(Vec<&str>, u32)> = None;
    for &(no, line) in lines {
        let cut = cut_line(line);
        let text: String = cut.chunks.iter().map(|c| c.text).collect();
        if cut.numbers.is_empty() {
            if cut.chunks.first().is_some_and(|c| label::normalize_cow(c.text) == "信息内容") {
                header = Some((cut.chunks[1..].iter().map(|c| c.text).collect(), no));
            }
            prev_text = text;
            continue;
        }
        let m = label::match_row(format, TableId::T2, &text, None).or_else(|| {
            let joined = format!("{prev_text}{text}");
            label::match_row(format, TableId::T2, &joined, None)
        });
        prev_text.clear();
        let Some(m) = m else { continue };
        if let Some((headings, at)) = header.take() {
            header_findings(format, m.block, &headings, at, findings);
        }
        if out.iter().any(|r| r.id == m.row.id) {
            continue;
        }
        let kinds: Vec<CellKind> = m.block.columns.iter().map(|c| c.kind).collect();
        let cells: Option<Vec<Value>> = (cut.numbers.len() == kinds.len())
            .then(|| {
                cut.numbers
                    .iter()
                    .map(|t| t.replace('−', "-").parse::<Decimal>().ok().map(Value::from_decimal))
                    .collect::<Option<Vec<_>>>()
            })
            .flatten();
        match cells {
            Some(cells) => out.push(Row { id: m.row.id, label: crawl::squash(&text), cells, line: Some(no) }),
            None => {
                let raw = RawRow { id: m.row.id, label: crawl::squash(&text), run: cut.numbers.join(" "), line: no };
                if let Some(row) = crawl::decide_t2(format, &raw, "", findings) {
                    out.push(row);
                }
            }
        }
    }
    out
}

/// LABEL_MISMATCH for a table 二 column heading printed differently from the format's (one
/// finding per heading and misprint, naming every block that prints it so).
fn header_findings(format: FormatVersion, block: &gongkai_domain::report::spec::BlockSpec, headings: &[&str], line: u32, findings: &mut Vec<Finding>) {
    if headings.len() != block.columns.len() {
        return;
    }
    let caption = block.caption.unwrap_or("");
    for (printed, col) in headings.iter().zip(block.columns) {
        if label::t2_header_format(printed).is_some_and(|f| f != format) || label::compare_header(printed, col.text).is_none() {
            continue;
        }
        if let Some(f) = findings.iter_mut().find(|f| {
            f.code == CheckCode::LabelMismatch && f.location.column.as_deref() == Some(col.id) && f.message.contains(&format!("印为“{printed}”"))
        }) {
            if !f.message.contains(caption) {
                let at = f.message.find("的列标题").unwrap_or(0);
                f.message.insert_str(at, &format!("、{caption}"));
            }
            continue;
        }
        findings.push(Finding::new(
            CheckCode::LabelMismatch,
            format!("表二{caption}的列标题“{}”印为“{printed}”，与年度报告格式规定的文字不一致", col.text),
            Location { section: Some("s2".to_owned()), table: Some("t2".to_owned()), column: Some(col.id.to_owned()), line: Some(line), ..Location::default() },
            format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）将列标题改为“{}”", format.spec().doc_no, col.text),
        ));
    }
}

/// A paragraph being built from wrapped lines.
#[derive(Debug, Default)]
struct Para {
    text: String,
    line: u32,
}

impl Para {
    fn push_line(&mut self, t: &str, no: u32) {
        if self.text.is_empty() {
            self.line = no;
        } else if self.text.ends_with(|c: char| c.is_ascii_alphanumeric()) && t.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            self.text.push(' ');
        }
        // each run of blanks as one space, the text between copied whole
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if crawl::blank_len(t, i) > 0 {
                self.text.push(' ');
                while i < b.len() {
                    let n = crawl::blank_len(t, i);
                    if n == 0 {
                        break;
                    }
                    i += n;
                }
            } else {
                let end = crawl::word_end(t, i);
                self.text.push_str(&t[i..end]);
                i = end;
            }
        }
    }

    fn flush(&mut self, blocks: &mut Vec<Block>) {
        let text = std::mem::take(&mut self.text);
        let text = text.trim();
        if !text.is_empty() {
            blocks.push(Block::Para { text: text.to_owned().into(), line: self.line });
        }
    }
}

/// A fragment (one page or a page range of a PDF) may start inside a table: the lines before
/// the first heading found then belong to the section before that heading (table 三's rows
/// before 四、政府信息公开行政复议…), or, when no heading is found at all, to the table whose row
/// labels they print. Returns that section's index and where its lines end. Not a fragment when
/// the lines name the report (a title) or hold no numbers line with a table row's label.
fn fragment_lead(lines: &[(u32, &str)], heads: &[(usize, usize)]) -> Option<(usize, usize)> {
    let end = heads.first().map_or(lines.len(), |(i, _)| *i);
    let pre = &lines[..end];
    if pre.iter().any(|(_, l)| l.contains("年度报告") || l.contains("总体情况")) {
        return None;
    }
    let labelled = |table: TableId| {
        pre.iter()
            .filter(|(_, l)| {
                let cut = cut_line(l);
                !cut.numbers.is_empty()
                    && cut.chunks.iter().any(|c| {
                        [FormatVersion::V2021, FormatVersion::V2019].iter().any(|f| {
                            label::match_row(*f, table, c.text, None).is_some_and(|m| m.quality == label::Quality::Exact)
                        })
                    })
            })
            .count()
    };
    let sec = match heads.first() {
        Some(&(_, s)) if (2..=4).contains(&s) => s - 1,
        Some(_) => return None,
        None if labelled(TableId::T3) > 0 => 2,
        None if labelled(TableId::T2) > 0 => 1,
        None => return None,
    };
    let table = match sec {
        1 => TableId::T2,
        2 => TableId::T3,
        _ => TableId::T4,
    };
    // table 四's values have no label: its fifteen numbers on one line
    let holds = if table == TableId::T4 { pre.iter().any(|(_, l)| cut_line(l).numbers.len() >= 12) } else { labelled(table) > 0 };
    holds.then_some((sec, end))
}

/// `s.trim()`, the ASCII whitespace at both ends (most of it) stripped byte by byte first.
fn trim_fast(s: &str) -> &str {
    let ascii_ws = |x: &&u8| matches!(x, b' ' | b'\t'..=b'\r');
    let b = s.as_bytes();
    let start = b.iter().take_while(ascii_ws).count();
    let end = b.len() - b[start..].iter().rev().take_while(ascii_ws).count();
    // ASCII bytes are whole characters: both ends are character boundaries
    s[start..end].trim()
}

/// `s.trim_end()`, the trailing ASCII whitespace (most of it) stripped byte by byte first.
fn trim_end_fast(s: &str) -> &str {
    let b = s.as_bytes();
    let end = b.len() - b.iter().rev().take_while(|x| matches!(x, b' ' | b'\t'..=b'\r')).count();
    // ASCII bytes are whole characters: `end` is a character boundary
    s[..end].trim_end()
}

/// Read `pdftotext -layout` text into a report.
pub fn read_layout(text: &str, source: Option<&str>) -> Report {
    extract_layout(text).into_report(source)
}

pub(crate) fn extract_layout(text: &str) -> Extracted {
    let mut ex = Extracted::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Lines without page footers and form feeds, numbered from 1.
    let lines: Vec<(u32, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), trim_end_fast(l.trim_start_matches('\u{c}'))))
        .filter(|(_, l)| !is_footer(l))
        .collect();
    // Section headings: a line that is a heading on its own.
    let mut heads: Vec<(usize, usize)> = Vec::new(); // (index into lines, section index 0-5)
    let mut expected = 0usize;
    for (i, (_, l)) in lines.iter().enumerate() {
        // A heading stands alone: no numbers after it, and it is not a table 三 row
        // (四、结转下年度继续办理 is numbered like section 四).
        let Some(m) = label::match_section(l, Some(expected)) else { continue };
        // the cheap tests first: most lines that match a heading come after it
        if let Some(idx) = crawl::section_index(m.spec.id)
            && heads.last().is_none_or(|(_, last)| idx > *last)
            && !ends_in_number(l)
            && !is_t3_row_label(l)
        {
            heads.push((i, idx));
            expected = idx + 1;
        }
    }
    let lead = fragment_lead(&lines, &heads);
    let region = |sec: usize| -> Option<&[(u32, &str)]> {
        if let Some((s, end)) = lead
            && s == sec
        {
            return Some(&lines[..end]);
        }
        let k = heads.iter().position(|(_, s)| *s == sec)?;
        let start = heads[k].0 + 1;
        let end = heads.get(k + 1).map_or(lines.len(), |(i, _)| *i);
        Some(&lines[start..end])
    };
    let t2 = region(1);
    let header_text: String = t2.map(|ls| ls.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("")).unwrap_or_default();
    let pre_end = if lead.is_some() { 0 } else { heads.first().map_or(lines.len(), |(i, _)| *i) };
    let pre_text: String = lines[..pre_end].iter().map(|(_, l)| *l).collect::<Vec<_>>().join("");
    let format = crawl::format_from_headers(&header_text)
        .or_else(|| crawl::year_in(&pre_text).map(FormatVersion::for_year))
        .unwrap_or(FormatVersion::V2021);
    ex.format = Some(format);
    // Narrative: everything outside the table regions, headings as their own paragraphs.
    let table_secs = [1usize, 2, 3];
    let mut para = Para::default();
    // a fragment that starts inside a table: its first lines are that table's
    let mut in_table = lead.is_some();
    let mut head_iter = heads.iter().peekable();
    for (i, &(no, l)) in lines.iter().enumerate() {
        if let Some(&&(hi, sec)) = head_iter.peek() && hi == i {
            head_iter.next();
            para.flush(&mut ex.doc.blocks);
            ex.doc.blocks.push(Block::Para { text: crawl::squash_spaces(l).into(), line: no });
            in_table = table_secs.contains(&sec);
            continue;
        }
        if in_table {
            continue;
        }
        let t = trim_fast(l);
        if t.is_empty() {
            continue;
        }
        // an indent of two blanks or more starts a paragraph
        if l.chars().take_while(|c| is_blank(*c)).nth(1).is_some() {
            para.flush(&mut ex.doc.blocks);
        }
        para.push_line(t, no);
    }
    para.flush(&mut ex.doc.blocks);
    let first_line = |ls: &[(u32, &str)]| ls.first().map(|(n, _)| *n);
    if let Some(ls) = t2 {
        let rows = t2_rows(format, ls, &mut ex.findings);
        ex.tables.push((TableId::T2, rows, first_line(ls)));
    }
    if let Some(ls) = region(2) {
        let rows = t3_rows(format, ls, &mut ex.findings);
        ex.tables.push((TableId::T3, rows, first_line(ls)));
    }
    if let Some(ls) = region(3) {
        let rows = t4_rows(ls, &mut ex.findings);
        ex.tables.push((TableId::T4, rows, first_line(ls)));
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footers_are_recognised() {
        for f in ["-3-", "  - 3 -  ", "— 3 —", "第 3 页", "第3页 共5页", "3 / 5", "\u{c}-1-"] {
            assert!(is_footer(f), "{f}");
        }
        for t in ["3", "-3", "一、总体情况", "行政许可  447228", "2024"] {
            assert!(!is_footer(t), "{t}");
        }
    }

    #[test]
    fn a_line_cuts_into_chunks_and_numbers() {
        let c = cut_line("本            2.其他法律行政法规禁止公开     30          1        0        0        0    0    31");
        assert_eq!(c.chunks.iter().map(|c| c.text).collect::<Vec<_>>(), vec!["本", "2.其他法律行政法规禁止公开"]);
        assert_eq!(c.numbers, vec!["30", "1", "0", "0", "0", "0", "31"]);
        let c = cut_line(" 三 、本 年 度办 理 结果");
        assert_eq!(c.chunks.len(), 1);
        assert!(c.numbers.is_empty());
        let c = cut_line("行政事业性收费                       96171.6");
        assert_eq!(c.numbers, vec!["96171.6"]);
    }
}
