//! HTML pages as government sites publish them → [`Doc`].
//!
//! A hand-written, single-pass scanner (no DOM, no html5ever): the speed target is ~100 MB/s and
//! published pages are often malformed. What it does:
//!
//! - the charset comes from a BOM, `<meta charset>` or `<meta http-equiv … content="…charset=…">`;
//!   without one, [`decode`] tries UTF-8 and falls back to GB18030;
//! - `<script>`, `<style>`, `<textarea>`, comments and the `<head>` are skipped, and so are
//!   `<nav>`, `<aside>`, `<footer>` and `<header>` (except a `<header>` inside an `<article>`):
//!   site chrome, or a findings list printed beside the report, is not the report;
//! - entities are decoded (`&nbsp;` `&amp;` `&#NNN;` `&#xHH;` and the common named ones);
//! - block elements (`p`, `div`, `br`, `h1`-`h6`, `li`, `tr`, …) end a paragraph;
//! - a paragraph made only of link text (menus, breadcrumbs' links, "related reports" lists,
//!   attachment links) or form options is dropped: site navigation is full of words such as
//!   政府信息公开年报 and other years' report titles that must not be taken for the report's own
//!   headings or year. Navigation with plain text (当前位置：…) stays as paragraphs, and the
//!   assembler ignores what precedes the report's title and sections;
//! - tables become grids with `rowspan`/`colspan` expanded (text top-left, covered cells empty).
//!   A table that contains another table is a layout table (Word-export pages nest them): its
//!   own cells become paragraphs and the inner tables are emitted as tables, in reading order;
//! - every paragraph and row carries the source line where it starts.
//!
//! Malformed markup is tolerated the way browsers tolerate it: unclosed tags, stray `</td>`, a
//! `<table>` never closed, unquoted attributes. Every search either advances the cursor or
//! remembers that the rest of the input lacks what it looked for, so the scan stays linear.

use std::borrow::Cow;
use std::collections::HashMap;

use memchr::{memchr, memchr2, memmem};

use gongkai_domain::report::Report;

use super::ReadError;
use super::assemble::assemble;
use super::doc::{Block, Doc, GridRow};

/// Upper bound for `colspan` (the HTML standard caps it at 1000; no report table comes close).
const MAX_COLSPAN: usize = 256;
/// Upper bound for `rowspan` (the HTML standard's cap).
const MAX_ROWSPAN: usize = 65_534;
/// Budget of covered (synthetic) grid cells for a whole document: a hostile page made of huge
/// spans must not turn a few megabytes into gigabytes. Spans beyond it are treated as 1.
const MAX_COVERED_CELLS: usize = 4_000_000;
/// How far into the page a `<meta>` charset declaration is looked for.
const CHARSET_SCAN: usize = 64 * 1024;

/// Read an HTML page (any encoding) into a report.
pub fn read(bytes: &[u8], source: Option<&str>) -> Result<Report, ReadError> {
    Ok(assemble(&to_doc(bytes)?, source))
}

/// Read an HTML page (any encoding) into a [`Doc`].
pub fn to_doc(bytes: &[u8]) -> Result<Doc<'static>, ReadError> {
    let declared = declared_charset(bytes);
    let text = decode_html(bytes, declared.as_deref())?;
    Ok(scan(&text).into_owned())
}

fn decode_html<'a>(bytes: &'a [u8], declared: Option<&str>) -> Result<Cow<'a, str>, ReadError> {
    super::decode::decode(bytes, declared)
}

/// Whether bytes look like an HTML page (for sniffing): a doctype, `<html`, or common block tags
/// near the start.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    ["<!doctype html", "<html", "<head", "<body", "<meta ", "<table", "<div", "<p>", "<p "]
        .iter()
        .any(|needle| memmem::find(&lower, needle.as_bytes()).is_some())
}

// ---- charset -----------------------------------------------------------------------------------

/// The charset a page declares in a `<meta>` tag near its start, lowercased.
pub fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(CHARSET_SCAN)];
    for start in memchr::memchr_iter(b'<', head) {
        let rest = &head[start..];
        if rest.len() < 5 || !rest[1..5].eq_ignore_ascii_case(b"meta") {
            continue;
        }
        let end = memchr(b'>', rest).unwrap_or(rest.len());
        let tag: Vec<u8> = rest[..end].iter().map(u8::to_ascii_lowercase).collect();
        let tag = tag.as_slice();
        let Some(pos) = memmem::find(tag, b"charset") else { continue };
        let mut v = &tag[pos + "charset".len()..];
        v = trim_ascii_start(v);
        let Some(after_eq) = v.strip_prefix(b"=") else { continue };
        let v = trim_ascii_start(after_eq);
        let v = v.strip_prefix(b"\"").or_else(|| v.strip_prefix(b"'")).unwrap_or(v);
        let len = v
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
            .unwrap_or(v.len());
        if len > 0 {
            return Some(String::from_utf8_lossy(&v[..len]).into_owned());
        }
    }
    None
}

fn trim_ascii_start(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

// ---- text accumulation -------------------------------------------------------------------------

/// Text with whitespace collapsed on the fly: runs of spaces, tabs, newlines, `&nbsp;` and the
/// ideographic space become one space; leading and trailing whitespace are dropped. A text that is
/// one unbroken run of the source (a number cell, most labels) is borrowed from it, not copied.
#[derive(Debug)]
struct TextBuf<'a> {
    src: &'a str,
    text: String,
    /// The text so far is exactly `src[a..b]` (and `text` is empty).
    span: Option<(usize, usize)>,
    pending_space: bool,
    /// A block boundary inside a cell: kept as `\n` so a layout table can split its cells back
    /// into paragraphs; data cells turn it into a space.
    pending_break: bool,
    line: u32,
    /// The scanner is inside a link (`<a>`) or a form option.
    in_link: bool,
    /// Some visible text came from outside links: the paragraph is not a menu entry.
    plain: bool,
}

impl<'a> TextBuf<'a> {
    fn new(src: &'a str) -> Self {
        TextBuf { src, text: String::new(), span: None, pending_space: false, pending_break: false, line: 0, in_link: false, plain: false }
    }

    fn is_empty(&self) -> bool {
        self.span.is_none() && self.text.is_empty()
    }

    /// Copy a borrowed span into the buffer, before something is added to it.
    fn materialize(&mut self) {
        if let Some((a, b)) = self.span.take() {
            self.text.push_str(&self.src[a..b]);
        }
    }

    /// Add `s`, which is `src[at..at + s.len()]`.
    fn push_str(&mut self, at: usize, s: &str, line: u32) {
        // Copy runs of visible text at once; only whitespace and invisible characters (whose
        // UTF-8 starts with one of four lead bytes) are looked at, found eight bytes at a time.
        let b = s.as_bytes();
        let (mut run, mut i) = (0, 0);
        while let Some(k) = next_candidate(b, i) {
            i = k;
            let (len, space) = match &b[i..] {
                [b' ' | b'\t' | b'\n' | b'\r' | 0x0C, ..] => (1, true),
                // U+00A0, U+2002..U+200A, U+3000: spaces
                [0xC2, 0xA0, ..] => (2, true),
                [0xE2, 0x80, 0x82..=0x8A, ..] | [0xE3, 0x80, 0x80, ..] => (3, true),
                // U+200B..U+200D, U+FEFF: invisible
                [0xE2, 0x80, 0x8B..=0x8D, ..] | [0xEF, 0xBB, 0xBF, ..] => (3, false),
                _ => {
                    i += 1;
                    continue;
                }
            };
            self.push_run(at + run, &s[run..i], line);
            if space {
                self.pending_space = true;
            }
            i += len;
            run = i;
        }
        self.push_run(at + run, &s[run..], line);
    }

    fn push_run(&mut self, at: usize, r: &str, line: u32) {
        if r.is_empty() {
            return;
        }
        if self.is_empty() {
            self.plain |= !self.in_link;
            self.line = line;
            self.pending_space = false;
            self.pending_break = false;
            self.span = Some((at, at + r.len()));
            return;
        }
        if let Some((a, b)) = self.span
            && b == at
            && !self.pending_space
            && !self.pending_break
        {
            self.plain |= !self.in_link;
            self.span = Some((a, at + r.len()));
            return;
        }
        self.materialize();
        self.start(line);
        self.text.push_str(r);
    }

    fn start(&mut self, line: u32) {
        self.plain |= !self.in_link;
        if self.text.is_empty() {
            self.line = line;
        } else if self.pending_break {
            self.text.push('\n');
        } else if self.pending_space {
            self.text.push(' ');
        }
        self.pending_space = false;
        self.pending_break = false;
    }

    fn push(&mut self, c: char, line: u32) {
        match c {
            ' ' | '\t' | '\n' | '\r' | '\x0c' | '\u{a0}' | '\u{3000}' | '\u{2002}'..='\u{200a}' => {
                self.pending_space = true;
            }
            '\u{200b}' | '\u{feff}' | '\u{200c}' | '\u{200d}' => {}
            _ => {
                self.materialize();
                self.start(line);
                self.text.push(c);
            }
        }
    }

    /// A separator between block-level pieces inside one cell.
    fn space(&mut self) {
        self.pending_break = true;
    }

    fn take(&mut self) -> Option<(Cow<'a, str>, u32)> {
        self.pending_space = false;
        self.pending_break = false;
        self.plain = false;
        if let Some((a, b)) = self.span.take() {
            return Some((Cow::Borrowed(&self.src[a..b]), self.line));
        }
        if self.text.is_empty() {
            return None;
        }
        // An exact-size copy, keeping the buffer for the next cell: one allocation per text
        // instead of a chain of reallocations as each grows.
        let text = self.text.as_str().to_owned();
        self.text.clear();
        Some((Cow::Owned(text), self.line))
    }
}

/// The first byte of `b` at or after `from` that may begin whitespace or an invisible character:
/// an ASCII byte up to the space, or one of the UTF-8 lead bytes C2, E2, E3 and EF (and C3, which
/// the caller passes over). Eight bytes are tested at a time: text is mostly other bytes.
fn next_candidate(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*chunk);
        // bytes below 0x21; bytes that are C2, C3, E2 or E3 (bits 0 and 5 aside, C2); bytes EF
        let m = (w.wrapping_sub(ONES * 0x21) & !w & HIGH) | zero_bytes((w & (ONES * 0xDE)) ^ (ONES * 0xC2)) | zero_bytes(w ^ (ONES * 0xEF));
        if m != 0 {
            return Some(i + first_flagged(m));
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|&c| c <= 0x20 || matches!(c, 0xC2 | 0xC3 | 0xE2 | 0xE3 | 0xEF)).map(|k| i + k)
}

// Eight bytes at a time: a `u64` read from the text, and the high bit of each byte as a flag.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `v` that is zero. Exact for the lowest flagged byte (a borrow only
/// runs upwards, so a byte above a zero one may be flagged wrongly): only that one is used.
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGH
}

/// The index of the lowest byte flagged in `m` (not zero) of a word read little-endian.
#[inline]
fn first_flagged(m: u64) -> usize {
    (m.trailing_zeros() / 8) as usize
}

// ---- tables ------------------------------------------------------------------------------------

#[derive(Debug)]
struct RawCell<'a> {
    text: Cow<'a, str>,
    rowspan: usize,
    colspan: usize,
}

#[derive(Debug)]
struct RawRow<'a> {
    cells: Vec<RawCell<'a>>,
    line: u32,
}

#[derive(Debug)]
struct TableBuilder<'a> {
    line: u32,
    rows: Vec<RawRow<'a>>,
    /// Some while a cell is open: (rowspan, colspan) of the open cell.
    cell: Option<(usize, usize)>,
    cell_text: TextBuf<'a>,
    row_open: bool,
    /// A table that holds another table: its cells are paragraphs, not data.
    layout: bool,
}

impl<'a> TableBuilder<'a> {
    fn new(line: u32, src: &'a str) -> Self {
        TableBuilder { line, rows: Vec::new(), cell: None, cell_text: TextBuf::new(src), row_open: false, layout: false }
    }

    fn open_row(&mut self, line: u32) {
        self.close_cell();
        // rows of a table are about as wide as the one before
        let width = self.rows.last().map_or(8, |r| r.cells.len().max(4));
        self.rows.push(RawRow { cells: Vec::with_capacity(width), line });
        self.row_open = true;
    }

    fn open_cell(&mut self, line: u32, rowspan: usize, colspan: usize) {
        self.close_cell();
        if !self.row_open {
            self.open_row(line);
        }
        self.cell = Some((rowspan, colspan));
    }

    fn close_cell(&mut self) {
        if let Some((rowspan, colspan)) = self.cell.take() {
            let text = self.cell_text.take().map_or(Cow::Borrowed(""), |(t, _)| t);
            if let Some(row) = self.rows.last_mut() {
                row.cells.push(RawCell { text, rowspan, colspan });
            }
        }
    }

    fn close_row(&mut self) {
        self.close_cell();
        self.row_open = false;
    }

    /// Expand spans into an aligned grid. `budget` is the document's remaining allowance of
    /// covered cells.
    fn into_grid(mut self, budget: &mut usize) -> Block<'a> {
        self.close_row();
        // remaining rows each column is still covered by a rowspan from above
        let mut covered: Vec<usize> = Vec::new();
        let mut rows = Vec::with_capacity(self.rows.len());
        for raw in self.rows {
            let mut cells: Vec<Cow<'a, str>> = Vec::with_capacity(raw.cells.len());
            let mut col = 0usize;
            let fill_covered = |cells: &mut Vec<Cow<'a, str>>, col: &mut usize, covered: &mut Vec<usize>| {
                while *col < covered.len() && covered[*col] > 0 {
                    covered[*col] -= 1;
                    cells.push(Cow::Borrowed(""));
                    *col += 1;
                }
            };
            for cell in raw.cells {
                fill_covered(&mut cells, &mut col, &mut covered);
                let mut colspan = cell.colspan;
                let mut rowspan = cell.rowspan;
                let extra = (colspan - 1) + colspan * (rowspan - 1);
                if extra > *budget {
                    colspan = 1;
                    rowspan = 1;
                } else {
                    *budget -= extra;
                }
                let mut text = cell.text;
                if text.contains('\n') {
                    text = Cow::Owned(text.replace('\n', " "));
                }
                cells.push(text);
                for _ in 1..colspan {
                    cells.push(Cow::Borrowed(""));
                }
                if covered.len() < col + colspan {
                    covered.resize(col + colspan, 0);
                }
                for c in &mut covered[col..col + colspan] {
                    *c = rowspan - 1;
                }
                col += colspan;
            }
            // covered cells after the last real cell of the row
            let mut c = col;
            while c < covered.len() {
                if covered[c] > 0 {
                    while cells.len() < c {
                        cells.push(Cow::Borrowed(""));
                    }
                    covered[c] -= 1;
                    cells.push(Cow::Borrowed(""));
                }
                c += 1;
            }
            rows.push(GridRow { cells, line: raw.line });
        }
        pad_rows(&mut rows, budget);
        Block::Table { rows, line: self.line }
    }
}

/// Pad every row to the table's width so that the grid is rectangular (within the budget).
pub(crate) fn pad_rows(rows: &mut [GridRow], budget: &mut usize) {
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let need: usize = rows.iter().map(|r| width - r.cells.len()).sum();
    if need > *budget {
        return;
    }
    *budget -= need;
    for r in rows {
        r.cells.resize(width, Cow::Borrowed(""));
    }
}

// ---- the scanner -------------------------------------------------------------------------------

/// Elements whose start or end begins a new paragraph (or a new line inside a cell).
fn is_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"div"
            | b"br"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"li"
            | b"ul"
            | b"ol"
            | b"dl"
            | b"dt"
            | b"dd"
            | b"section"
            | b"article"
            | b"header"
            | b"footer"
            | b"nav"
            | b"aside"
            | b"main"
            | b"blockquote"
            | b"pre"
            | b"hr"
            | b"form"
            | b"center"
            | b"address"
            | b"figure"
            | b"figcaption"
            | b"caption"
            | b"option"
            | b"body"
            | b"html"
            | b"title"
            | b"fieldset"
            | b"legend"
            | b"details"
            | b"summary"
            | b"menu"
            | b"iframe"
            | b"img"
            | b"input"
            | b"button"
            | b"select"
            | b"label"
    )
}

/// Elements whose content is not text of the page.
fn is_raw_text(name: &[u8]) -> bool {
    matches!(name, b"script" | b"style" | b"textarea" | b"xmp" | b"noscript" | b"template" | b"svg" | b"object")
}

struct Scanner<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    /// The line feeds of the page not yet counted in `line`, and the first of them
    /// (`usize::MAX` when none is left): lines are counted one line feed at a time as the scan
    /// passes them, not by re-reading the bytes between two texts.
    newlines: memchr::Memchr<'a>,
    next_newline: usize,
    blocks: Vec<Block<'a>>,
    para: TextBuf<'a>,
    tables: Vec<TableBuilder<'a>>,
    in_head: bool,
    /// Open `<article>` / `<main>` elements.
    article_depth: usize,
    /// [`chrome_ends`] of the page, once a chrome element was met.
    chrome_ends: Option<HashMap<usize, usize>>,
    covered_budget: usize,
    /// Positions from which a search already failed: nothing to find at or after them.
    no_gt_after: usize,
    no_dq_after: usize,
    no_sq_after: usize,
}

/// Scan decoded HTML text into a [`Doc`].
pub fn scan(src: &str) -> Doc<'_> {
    let mut s = Scanner::new(src);
    s.run();
    Doc { blocks: s.blocks }
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str) -> Self {
        let mut newlines = memchr::memchr_iter(b'\n', src.as_bytes());
        let next_newline = newlines.next().unwrap_or(usize::MAX);
        Scanner {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            newlines,
            next_newline,
            blocks: Vec::new(),
            para: TextBuf::new(src),
            tables: Vec::new(),
            in_head: false,
            article_depth: 0,
            chrome_ends: None,
            covered_budget: MAX_COVERED_CELLS,
            no_gt_after: usize::MAX,
            no_dq_after: usize::MAX,
            no_sq_after: usize::MAX,
        }
    }

    /// The line of byte offset `to` (offsets only move forward).
    fn line_at(&mut self, to: usize) -> u32 {
        // most calls pass no line feed: one comparison
        while self.next_newline < to {
            self.line = self.line.saturating_add(1);
            self.next_newline = self.newlines.next().unwrap_or(usize::MAX);
        }
        self.line
    }

    fn run(&mut self) {
        let len = self.bytes.len();
        while self.pos < len {
            // a tag most often follows a tag: no search for that
            let rest = &self.bytes[self.pos..];
            let next = if rest[0] == b'<' { Some(0) } else { memchr2(b'<', b'&', rest) };
            match next {
                None => {
                    let start = self.pos;
                    self.pos = len;
                    self.text(start, len);
                }
                Some(off) => {
                    let at = self.pos + off;
                    if at > self.pos {
                        let start = self.pos;
                        self.pos = at;
                        self.text(start, at);
                    }
                    if self.bytes[at] == b'&' {
                        self.entity(at);
                    } else {
                        self.markup(at);
                    }
                }
            }
        }
        self.finish();
    }

    fn text(&mut self, start: usize, end: usize) {
        if self.in_head {
            return;
        }
        let s = &self.src[start..end];
        let b = s.as_bytes();
        // One look at the leading whitespace: a run that is only whitespace (a newline after
        // </tr>) is a pending space, nothing else; otherwise the paragraph's line is where its
        // first visible character is. A form feed is whitespace but does not move that line.
        let lead = b.iter().position(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
        let Some(lead) = lead.filter(|&i| !b[i..].iter().all(|&c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0C))) else {
            self.sink().pending_space = true;
            return;
        };
        let line = self.line_at(start + lead);
        self.sink().push_str(start, s, line);
    }

    fn push_char(&mut self, c: char, at: usize) {
        if self.in_head {
            return;
        }
        let line = self.line_at(at);
        self.sink().push(c, line);
    }

    /// Where text goes now: the open cell of a data table, or the current paragraph.
    fn sink(&mut self) -> &mut TextBuf<'a> {
        match self.tables.last_mut() {
            Some(t) if !t.layout && t.cell.is_some() => &mut t.cell_text,
            _ => &mut self.para,
        }
    }

    fn flush_para(&mut self) {
        let menu = !self.para.plain;
        // a link never closed must not swallow the rest of the page
        self.para.in_link = false;
        if let Some((text, line)) = self.para.take()
            && !menu
        {
            self.blocks.push(Block::Para { text, line });
        }
    }

    /// A block boundary: a paragraph break, or a space inside a data cell.
    fn block_break(&mut self) {
        match self.tables.last_mut() {
            Some(t) if !t.layout && t.cell.is_some() => t.cell_text.space(),
            _ => self.flush_para(),
        }
    }

    fn entity(&mut self, at: usize) {
        let rest = &self.bytes[at + 1..];
        // longest entity we know is short; a missing ';' ends it at the first non-alphanumeric
        let max = rest.len().min(32);
        let mut end = 0;
        while end < max && (rest[end].is_ascii_alphanumeric() || (end == 0 && rest[end] == b'#')) {
            end += 1;
        }
        let name = &rest[..end];
        let has_semi = rest.get(end) == Some(&b';');
        let decoded = if let Some(num) = name.strip_prefix(b"#") {
            decode_numeric(num)
        } else {
            named_entity(name).filter(|_| has_semi || is_legacy_entity(name))
        };
        match decoded {
            Some(c) => {
                self.push_char(c, at);
                self.pos = at + 1 + end + usize::from(has_semi);
            }
            None => {
                self.push_char('&', at);
                self.pos = at + 1;
            }
        }
    }

    fn markup(&mut self, at: usize) {
        let rest = &self.bytes[at..];
        if rest.starts_with(b"<!--") {
            self.pos = match memmem::find(&rest[4..], b"-->") {
                Some(i) => at + 4 + i + 3,
                None => self.bytes.len(),
            };
            return;
        }
        match rest.get(1) {
            Some(b'!' | b'?') => {
                self.pos = self.find_gt(at + 1).map_or(self.bytes.len(), |i| i + 1);
            }
            Some(b'/') => {
                if rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
                    let mut buf = [0; 16];
                    let (name, name_end) = tag_name(self.bytes, at + 2, &mut buf);
                    self.pos = self.find_gt(name_end).map_or(self.bytes.len(), |i| i + 1);
                    self.end_tag(name);
                } else {
                    // `</>` or `</ …`: a bogus comment to the next `>`
                    self.pos = self.find_gt(at + 2).map_or(self.bytes.len(), |i| i + 1);
                }
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let mut buf = [0; 16];
                let (name, name_end) = tag_name(self.bytes, at + 1, &mut buf);
                // only cells' spans and images' names are read from attributes: the other tags
                // (most of a page, often with long `style` attributes) are only skipped
                let (attrs, tag_end) = if matches!(name, b"td" | b"th" | b"img") {
                    self.attributes(name_end)
                } else {
                    (Attrs::default(), self.tag_end(name_end))
                };
                self.pos = tag_end;
                self.start_tag(name, &attrs, at);
            }
            _ => {
                self.push_char('<', at);
                self.pos = at + 1;
            }
        }
    }

    fn find_gt(&mut self, from: usize) -> Option<usize> {
        // most often the next byte (`</td>`): no need to set up a search
        if self.bytes.get(from) == Some(&b'>') {
            return Some(from);
        }
        if from >= self.no_gt_after {
            return None;
        }
        match memchr(b'>', &self.bytes[from.min(self.bytes.len())..]) {
            Some(i) => Some(from + i),
            None => {
                self.no_gt_after = from;
                None
            }
        }
    }

    fn find_quote(&mut self, q: u8, from: usize) -> Option<usize> {
        let cache = if q == b'"' { self.no_dq_after } else { self.no_sq_after };
        if from >= cache {
            return None;
        }
        match memchr(q, &self.bytes[from.min(self.bytes.len())..]) {
            Some(i) => Some(from + i),
            None => {
                if q == b'"' {
                    self.no_dq_after = from;
                } else {
                    self.no_sq_after = from;
                }
                None
            }
        }
    }

    /// The offset just past a start tag whose attributes are not needed, found as [`attributes`]
    /// finds it: outside a value, an `=` starts a value and a `>` ends the tag; a value is quoted
    /// (a `>` inside does not end the tag) or runs to whitespace or `>`.
    ///
    /// [`attributes`]: Scanner::attributes
    fn tag_end(&mut self, from: usize) -> usize {
        let b = self.bytes;
        let len = b.len();
        let mut i = from;
        loop {
            // outside a value: names are short, a plain loop beats a search's set-up (and a
            // test of eight bytes at a time)
            while i < len && b[i] != b'=' && b[i] != b'>' {
                i += 1;
            }
            if i >= len {
                return len;
            }
            if b[i] == b'>' {
                return i + 1;
            }
            i += 1;
            while i < len && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < len && (b[i] == b'"' || b[i] == b'\'') {
                match self.find_quote(b[i], i + 1) {
                    Some(close) => i = close + 1,
                    // an unclosed quote: end the tag at the next '>'
                    None => return self.find_gt(i + 1).map_or(len, |g| g + 1),
                }
            } else {
                while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
            }
        }
    }

    /// Parse attributes from `from` to the end of the tag. Returns the attributes we care about
    /// and the offset just past the tag.
    fn attributes(&mut self, from: usize) -> (Attrs, usize) {
        let mut attrs = Attrs::default();
        let b = self.bytes;
        let len = b.len();
        let mut i = from;
        loop {
            while i < len && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= len {
                return (attrs, len);
            }
            if b[i] == b'>' {
                return (attrs, i + 1);
            }
            let name_start = i;
            while i < len && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let name_end = i;
            while i < len && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value: &[u8] = &[];
            if i < len && b[i] == b'=' {
                i += 1;
                while i < len && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < len && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    match self.find_quote(q, i + 1) {
                        Some(close) => {
                            value = &b[i + 1..close];
                            i = close + 1;
                        }
                        None => {
                            // an unclosed quote: end the tag at the next '>'
                            let end = self.find_gt(i + 1).map_or(len, |g| g + 1);
                            return (attrs, end);
                        }
                    }
                } else {
                    let vs = i;
                    while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = &b[vs..i];
                }
            }
            attrs.set(&b[name_start..name_end], value);
        }
    }

    fn start_tag(&mut self, name: &[u8], attrs: &Attrs, at: usize) {
        // the tags of a table's body and inline markup, most of a page: none of the checks below
        // concerns them outside the <head>
        if !self.in_head && matches!(name, b"td" | b"tr" | b"th" | b"span" | b"strong" | b"b" | b"font" | b"em" | b"i" | b"u" | b"sup" | b"sub") {
            return self.element(name, attrs, at);
        }
        if is_raw_text(name) {
            self.skip_raw_text(name);
            return;
        }
        match name {
            b"head" => {
                self.in_head = true;
                return;
            }
            b"body" => self.in_head = false,
            b"meta" | b"link" | b"base" => return,
            _ => {}
        }
        if self.in_head && name != b"title" && (is_block(name) || matches!(name, b"table" | b"tr" | b"td" | b"th")) {
            // content that cannot be in a head: the page forgot `</head>`
            self.in_head = false;
        }
        if name == b"title" {
            // the <title> repeats the heading and often carries the site's name: not report text
            self.skip_raw_text(name);
            return;
        }
        // Site navigation, side bars, page headers and footers are not the report (nor is a list
        // of findings a renderer put beside it); a <header> inside an <article> is the article's
        // own heading and stays. An element never closed is read (browsers show its content).
        let chrome = matches!(name, b"nav" | b"aside" | b"footer") || (name == b"header" && self.article_depth == 0);
        if chrome && self.skip_element(at) {
            self.block_break();
            return;
        }
        if matches!(name, b"article" | b"main") {
            self.article_depth += 1;
        }
        if name == b"img" && !self.in_head {
            // an image stands as a paragraph of its own, marked for the assembler
            let in_cell = self.tables.last().is_some_and(|t| !t.layout && t.cell.is_some());
            if !in_cell {
                self.flush_para();
                let line = self.line_at(at);
                let src = attrs.image.as_deref().unwrap_or("（未命名图片）");
                self.blocks.push(Block::Para { text: format!("{}{src}", crate::read::doc::IMAGE_MARK).into(), line });
            }
        }
        self.element(name, attrs, at);
    }

    /// What an element's start tag does to the document.
    fn element(&mut self, name: &[u8], attrs: &Attrs, at: usize) {
        // lines are counted incrementally, and only where a table part starts
        let line = if matches!(name, b"table" | b"tr" | b"td" | b"th") { self.line_at(at) } else { 0 };
        match name {
            b"table" => {
                match self.tables.last_mut() {
                    Some(outer) if outer.cell.is_some() => {
                        if !outer.layout {
                            outer.layout = true;
                            self.dissolve_top();
                        }
                        self.flush_para();
                    }
                    Some(_) => {
                        // `<table>` directly in a table: browsers close the open table
                        self.close_table();
                    }
                    None => self.flush_para(),
                }
                self.tables.push(TableBuilder::new(line, self.src));
            }
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    if t.layout {
                        t.close_cell();
                        self.flush_para();
                        if let Some(t) = self.tables.last_mut() {
                            t.open_row(line);
                        }
                    } else {
                        t.open_row(line);
                    }
                } else {
                    self.flush_para();
                }
            }
            b"td" | b"th" => {
                if let Some(t) = self.tables.last_mut() {
                    let rowspan = attrs.rowspan.clamp(1, MAX_ROWSPAN);
                    let colspan = attrs.colspan.clamp(1, MAX_COLSPAN);
                    if t.layout {
                        t.open_cell(line, rowspan, colspan);
                        self.flush_para();
                    } else {
                        t.open_cell(line, rowspan, colspan);
                    }
                } else {
                    self.flush_para();
                }
            }
            b"thead" | b"tbody" | b"tfoot" | b"colgroup" | b"col" => {}
            b"a" => self.para.in_link = true,
            b"option" => {
                self.block_break();
                self.para.in_link = true;
            }
            _ if is_block(name) => self.block_break(),
            _ => {}
        }
    }

    fn end_tag(&mut self, name: &[u8]) {
        if matches!(name, b"article" | b"main") {
            self.article_depth = self.article_depth.saturating_sub(1);
        }
        match name {
            b"head" => self.in_head = false,
            b"table" if !self.tables.is_empty() => self.close_table(),
            b"table" => {}
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.close_row();
                    if t.layout {
                        self.flush_para();
                    }
                }
            }
            b"td" | b"th" => {
                if let Some(t) = self.tables.last_mut() {
                    t.close_cell();
                    if t.layout {
                        self.flush_para();
                    }
                }
            }
            b"a" => self.para.in_link = false,
            _ if is_block(name) => self.block_break(),
            _ => {}
        }
    }

    /// The top table turned out to be a layout table: what it collected so far becomes paragraphs.
    fn dissolve_top(&mut self) {
        let Some(t) = self.tables.last_mut() else { return };
        let rows = std::mem::take(&mut t.rows);
        let open = t.cell_text.take();
        self.flush_para();
        for row in rows {
            for cell in row.cells {
                for text in cell.text.split('\n').filter(|t| !t.is_empty()) {
                    self.blocks.push(Block::Para { text: text.to_owned().into(), line: row.line });
                }
            }
        }
        if let Some((text, line)) = open {
            for t in text.split('\n') {
                self.blocks.push(Block::Para { text: t.to_owned().into(), line });
            }
        }
        // keep the open row so later cells still have one
        if let Some(t) = self.tables.last_mut()
            && t.row_open
        {
            let line = t.line;
            t.rows.push(RawRow { cells: Vec::new(), line });
        }
    }

    fn close_table(&mut self) {
        let Some(t) = self.tables.pop() else { return };
        if t.layout {
            self.flush_para();
            return;
        }
        // text outside cells was collected in the paragraph: browsers show it before the table
        self.flush_para();
        let block = t.into_grid(&mut self.covered_budget);
        let empty = match &block {
            Block::Table { rows, .. } => rows.iter().all(|r| r.cells.iter().all(|c| c.is_empty())),
            Block::Para { .. } => false,
        };
        if !empty {
            self.blocks.push(block);
        }
    }

    /// Skip the element whose start tag is at `at` up to its matching end tag (same-named
    /// elements nested inside counted). `false`, skipping nothing, when it is never closed.
    fn skip_element(&mut self, at: usize) -> bool {
        let b = self.bytes;
        match self.chrome_ends.get_or_insert_with(|| chrome_ends(b)).get(&at) {
            Some(&end) => {
                self.pos = end.max(self.pos);
                true
            }
            None => false,
        }
    }

    /// Skip the content of a raw-text element up to its end tag (case-insensitive).
    fn skip_raw_text(&mut self, name: &[u8]) {
        let b = self.bytes;
        let mut i = self.pos;
        while let Some(off) = memmem::find(&b[i..], b"</") {
            let at = i + off;
            let cand = &b[at + 2..];
            if cand.len() >= name.len()
                && cand[..name.len()].eq_ignore_ascii_case(name)
                && cand.get(name.len()).is_none_or(|c| !c.is_ascii_alphanumeric())
            {
                self.pos = self.find_gt(at + 2 + name.len()).map_or(b.len(), |g| g + 1);
                return;
            }
            i = at + 2;
        }
        self.pos = b.len();
    }

    fn finish(&mut self) {
        while !self.tables.is_empty() {
            self.close_table();
        }
        self.flush_para();
    }
}

/// Where each closed chrome element (`<nav>`, `<aside>`, `<footer>`, `<header>`) ends: its start
/// tag's offset → the offset after its matching end tag. One pass over the page, made when the
/// first such tag is met: a search per element would make a page of unclosed ones quadratic.
fn chrome_ends(b: &[u8]) -> HashMap<usize, usize> {
    const NAMES: [&[u8]; 4] = [b"nav", b"aside", b"footer", b"header"];
    let mut open: [Vec<usize>; 4] = Default::default();
    let mut ends = HashMap::new();
    for at in memchr::memchr_iter(b'<', b) {
        let (close, start) = if b.get(at + 1) == Some(&b'/') { (true, at + 2) } else { (false, at + 1) };
        let cand = &b[start.min(b.len())..];
        let Some(k) = NAMES.iter().position(|name| {
            cand.len() >= name.len()
                && cand[..name.len()].eq_ignore_ascii_case(name)
                && cand.get(name.len()).is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'-')
        }) else {
            continue;
        };
        if !close {
            open[k].push(at);
        } else if let Some(o) = open[k].pop() {
            let after = start + NAMES[k].len();
            ends.insert(o, memchr(b'>', &b[after.min(b.len())..]).map_or(b.len(), |g| after + g + 1));
        }
    }
    ends
}

/// A tag's name, lowercased, and the offset after it. A name with capitals is lowercased into
/// `buf`; a name longer than `buf` (longer than any name we know) is `-`, so that it cannot
/// match a known name by its prefix.
fn tag_name<'b>(b: &'b [u8], from: usize, buf: &'b mut [u8; 16]) -> (&'b [u8], usize) {
    let mut i = from;
    let mut class = 0u8;
    while let Some(&c) = b.get(i) {
        let k = NAME_BYTE[usize::from(c)];
        if k == 0 {
            break;
        }
        class |= k;
        i += 1;
    }
    let raw = &b[from.min(b.len())..i];
    if raw.len() > buf.len() {
        (b"-", i)
    } else if class & 2 != 0 {
        let name = &mut buf[..raw.len()];
        name.copy_from_slice(raw);
        name.make_ascii_lowercase();
        (name, i)
    } else {
        (raw, i)
    }
}

/// The bytes of a tag name (ASCII letters and digits, `:`, `-` and `_`): 1, or 3 for a capital
/// letter; 0 for any other byte.
const NAME_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_uppercase() {
            t[c] = 3;
        } else if b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_') {
            t[c] = 1;
        }
        c += 1;
    }
    t
};

#[derive(Debug)]
struct Attrs {
    rowspan: usize,
    colspan: usize,
    /// An image's `src` (or else its `alt`): named in the MISSING_TABLE finding of a table
    /// published as an image.
    image: Option<String>,
}

impl Default for Attrs {
    fn default() -> Self {
        Attrs { rowspan: 1, colspan: 1, image: None }
    }
}

impl Attrs {
    fn set(&mut self, name: &[u8], value: &[u8]) {
        if name.eq_ignore_ascii_case(b"rowspan") {
            self.rowspan = span_value(value);
        } else if name.eq_ignore_ascii_case(b"colspan") {
            self.colspan = span_value(value);
        } else if name.eq_ignore_ascii_case(b"src") || (name.eq_ignore_ascii_case(b"alt") && self.image.is_none()) {
            let v = String::from_utf8_lossy(value).trim().to_owned();
            if !v.is_empty() && !v.starts_with("data:") {
                self.image = Some(v);
            } else if v.starts_with("data:") {
                self.image = Some("（内嵌图片）".to_owned());
            }
        }
    }
}

/// A span attribute as browsers read it: leading digits, anything else is 1.
fn span_value(v: &[u8]) -> usize {
    let v = trim_ascii_start(v);
    let mut n: usize = 0;
    let mut any = false;
    for &b in v {
        if b.is_ascii_digit() {
            any = true;
            n = n.saturating_mul(10).saturating_add(usize::from(b - b'0'));
        } else {
            break;
        }
    }
    if any && n > 0 { n } else { 1 }
}

// ---- entities ----------------------------------------------------------------------------------

fn decode_numeric(num: &[u8]) -> Option<char> {
    let (digits, radix) = match num.first() {
        Some(b'x' | b'X') => (&num[1..], 16),
        _ => (num, 10),
    };
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let s = std::str::from_utf8(digits).ok()?;
    let n = u32::from_str_radix(s, radix).ok()?;
    Some(match n {
        0 => '\u{fffd}',
        // Windows-1252 quirks that pages still use for quotes and dashes
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x96 => '–',
        0x97 => '—',
        _ => char::from_u32(n).unwrap_or('\u{fffd}'),
    })
}

fn is_legacy_entity(name: &[u8]) -> bool {
    matches!(name, b"nbsp" | b"amp" | b"lt" | b"gt" | b"quot" | b"copy" | b"reg" | b"NBSP" | b"AMP" | b"LT" | b"GT")
}

fn named_entity(name: &[u8]) -> Option<char> {
    Some(match name {
        b"nbsp" | b"NBSP" => '\u{a0}',
        b"amp" | b"AMP" => '&',
        b"lt" | b"LT" => '<',
        b"gt" | b"GT" => '>',
        b"quot" | b"QUOT" => '"',
        b"apos" => '\'',
        b"ensp" => '\u{2002}',
        b"emsp" => '\u{2003}',
        b"thinsp" => '\u{2009}',
        b"zwsp" => '\u{200b}',
        b"zwnj" => '\u{200c}',
        b"zwj" => '\u{200d}',
        b"ldquo" => '“',
        b"rdquo" => '”',
        b"lsquo" => '‘',
        b"rsquo" => '’',
        b"laquo" => '«',
        b"raquo" => '»',
        b"mdash" => '—',
        b"ndash" => '–',
        b"hellip" => '…',
        b"middot" => '·',
        b"bull" => '•',
        b"times" => '×',
        b"divide" => '÷',
        b"plusmn" => '±',
        b"deg" => '°',
        b"permil" => '‰',
        b"yen" => '¥',
        b"copy" => '©',
        b"reg" => '®',
        b"trade" => '™',
        b"sect" => '§',
        b"para" => '¶',
        b"larr" => '←',
        b"rarr" => '→',
        b"uarr" => '↑',
        b"darr" => '↓',
        b"le" => '≤',
        b"ge" => '≥',
        b"ne" => '≠',
        b"minus" => '−',
        b"shy" => '\u{ad}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(doc: &Doc, i: usize) -> Vec<Vec<String>> {
        let tables: Vec<_> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { rows, .. } => Some(rows.iter().map(|r| r.cells.iter().map(|c| c.to_string()).collect()).collect::<Vec<_>>()),
                Block::Para { .. } => None,
            })
            .collect();
        tables[i].clone()
    }

    fn paras<'a>(doc: &'a Doc<'_>) -> Vec<&'a str> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para { text, .. } => Some(text.as_ref()),
                Block::Table { .. } => None,
            })
            .collect()
    }

    #[test]
    fn spans_expand_with_text_top_left() {
        let doc = scan(
            "<table><tr><td rowspan=2 colspan=2>a</td><td>b</td></tr><tr><td>c</td></tr>\
             <tr><td>d</td><td colspan=\"2\">e</td></tr></table>",
        );
        assert_eq!(
            grid(&doc, 0),
            vec![vec!["a", "", "b"], vec!["", "", "c"], vec!["d", "e", ""]]
                .into_iter()
                .map(|r| r.into_iter().map(String::from).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn rowspan_in_last_column_still_covers() {
        let doc = scan("<table><tr><td>a</td><td rowspan=3>t</td></tr><tr><td>b</td></tr><tr><td>c</td></tr></table>");
        assert_eq!(grid(&doc, 0)[2], vec!["c".to_owned(), String::new()]);
    }

    #[test]
    fn entities_and_nbsp_cells() {
        let doc = scan("<p>a&amp;b &lt;c&gt; &#20013;&#x6587; &ldquo;x&rdquo; &bogus; &nbsp</p><table><tr><td>&nbsp;</td><td>&nbsp;12&nbsp;</td></tr></table>");
        assert_eq!(paras(&doc), vec!["a&b <c> 中文 “x” &bogus;"]);
        assert_eq!(grid(&doc, 0), vec![vec![String::new(), "12".to_owned()]]);
    }

    #[test]
    fn script_style_comments_and_head_are_skipped() {
        let doc = scan(
            "<html><head><title>T</title><script>var a='<p>x</p>';</script></head><body>\
             <!-- <p>hidden</p> --><style>p{}</style><SCRIPT type=x>if (a</b) {}</SCRIPT><p>shown</p></body></html>",
        );
        assert_eq!(paras(&doc), vec!["shown"]);
    }

    #[test]
    fn nested_layout_tables_yield_the_inner_data_table() {
        let doc = scan(
            "<table><tr><td><p>一、总体情况</p><p>text</p><table><tr><td>规章</td><td>0</td></tr></table>\
             <p>after</p></td></tr></table>",
        );
        assert_eq!(paras(&doc), vec!["一、总体情况", "text", "after"]);
        assert_eq!(grid(&doc, 0), vec![vec!["规章".to_owned(), "0".to_owned()]]);
        assert!(matches!(doc.blocks[2], Block::Table { .. }));
    }

    #[test]
    fn malformed_markup_is_tolerated() {
        let doc = scan("<p>a</td></tr><table><tr><td>1<td>2<tr><td>3</table><div class=x>b<table><td>z");
        assert_eq!(grid(&doc, 0), vec![vec!["1".to_owned(), "2".to_owned()], vec!["3".to_owned(), String::new()]]);
        assert_eq!(grid(&doc, 1), vec![vec!["z".to_owned()]]);
        assert_eq!(paras(&doc), vec!["a", "b"]);
        // unclosed quotes, comments and tags at the end
        let doc = scan("<p title=\"never closed>x</p><p>y<!-- open");
        assert_eq!(paras(&doc), vec!["x", "y"]);
        let doc = scan("a < b <");
        assert_eq!(paras(&doc), vec!["a < b <"]);
    }

    #[test]
    fn lines_are_where_text_starts() {
        let doc = scan("<p>\n\n  a</p>\n<table>\n<tr>\n<td>1</td></tr>\n<tr><td>2</td></tr></table>");
        assert!(matches!(&doc.blocks[0], Block::Para { line: 3, .. }));
        match &doc.blocks[1] {
            Block::Table { rows, line } => {
                assert_eq!(*line, 4);
                assert_eq!(rows[0].line, 5);
                assert_eq!(rows[1].line, 7);
            }
            Block::Para { .. } => panic!("expected a table"),
        }
        // a form feed is whitespace but the text's line is where the form feed is
        let doc = scan("<p>\n\x0c\nb</p>\n<p>\x0c \n</p><p>\n c</p>");
        assert!(matches!(&doc.blocks[0], Block::Para { line: 2, .. }));
        assert!(matches!(&doc.blocks[1], Block::Para { line: 6, .. }));
        assert_eq!(paras(&doc), vec!["b", "c"]);
    }

    #[test]
    fn block_elements_inside_cells_become_spaces() {
        let doc = scan("<table><tr><td><p>三、本年度</p><p>办理结果</p></td><td><span>2</span><span>3</span></td></tr></table>");
        assert_eq!(grid(&doc, 0), vec![vec!["三、本年度 办理结果".to_owned(), "23".to_owned()]]);
    }

    #[test]
    fn charset_declarations_are_found() {
        assert_eq!(declared_charset(b"<META http-equiv=Content-Type content=\"text/html; charset=GB2312\">").as_deref(), Some("gb2312"));
        assert_eq!(declared_charset(b"<meta charset='gbk'>").as_deref(), Some("gbk"));
        assert_eq!(declared_charset(b"<meta name=x content=y>"), None);
    }

    /// `TextBuf::push_str` as it was written first, a character at a time: the oracle of the
    /// eight-bytes-at-a-time search.
    fn push_str_oracle<'a>(t: &mut TextBuf<'a>, at: usize, s: &'a str, line: u32) {
        let b = s.as_bytes();
        let (mut run, mut i) = (0, 0);
        while i < b.len() {
            let (len, space) = match b[i] {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0C => (1, true),
                0xC2 | 0xE2 | 0xE3 | 0xEF => match s[i..].chars().next() {
                    Some(c @ ('\u{a0}' | '\u{3000}' | '\u{2002}'..='\u{200a}')) => (c.len_utf8(), true),
                    Some(c @ ('\u{200b}' | '\u{feff}' | '\u{200c}' | '\u{200d}')) => (c.len_utf8(), false),
                    _ => {
                        i += 1;
                        continue;
                    }
                },
                _ => {
                    i += 1;
                    continue;
                }
            };
            t.push_run(at + run, &s[run..i], line);
            if space {
                t.pending_space = true;
            }
            i += len;
            run = i;
        }
        t.push_run(at + run, &s[run..], line);
    }

    #[test]
    fn push_str_collapses_like_the_char_by_char_oracle() {
        let pieces = [
            "a", "中", "。", "，", "“", "é", "Â", " ", "\t", "\n", "\r", "\x0c", "\x0b", "\x01", "\u{a0}", "\u{3000}", "\u{2002}",
            "\u{200a}", "\u{200b}", "\u{200d}", "\u{2010}", "\u{feff}", "\u{2003}", "\u{ff10}", "\u{3001}", "12", "&",
        ];
        let mut seed = 7u64;
        for n in 0..4000 {
            let mut s = String::new();
            for _ in 0..(n % 40) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let src = format!("x{s}");
            let (mut a, mut b) = (TextBuf::new(&src), TextBuf::new(&src));
            a.push_str(1, &src[1..], 3);
            push_str_oracle(&mut b, 1, &src[1..], 3);
            assert_eq!(a.pending_space, b.pending_space, "{s:?}");
            assert_eq!(a.take(), b.take(), "{s:?}");
        }
    }

    #[test]
    fn tag_end_is_where_attributes_end() {
        let pieces = [" ", "\n", "a", "=", "\"", "'", ">", "/", "x=\"v>w\"", "b='>'", "c=d>", "style=\"a:b\" ", "= \"q\"", "e='"];
        let mut seed = 11u64;
        for n in 0..5000 {
            let mut s = String::new();
            for _ in 0..(n % 24) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let want = Scanner::new(&s).attributes(0).1;
            assert_eq!(Scanner::new(&s).tag_end(0), want, "{s:?}");
        }
    }

    #[test]
    fn huge_spans_stay_bounded() {
        let mut html = String::from("<table>");
        for _ in 0..1000 {
            html.push_str("<tr><td colspan=100000 rowspan=100000>x</td></tr>");
        }
        html.push_str("</table>");
        let doc = scan(&html);
        let cells: usize = match &doc.blocks[0] {
            Block::Table { rows, .. } => rows.iter().map(|r| r.cells.len()).sum(),
            Block::Para { .. } => 0,
        };
        assert!(cells <= MAX_COVERED_CELLS + 1000);
    }
}
