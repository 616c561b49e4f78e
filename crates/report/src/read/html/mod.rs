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
use super::doc::{Block, Doc};

mod entities;
mod table;
mod text;

use entities::{decode_numeric, is_legacy_entity, named_entity};
use table::{RawRow, TableBuilder};
pub(crate) use table::pad_rows;
use text::TextBuf;

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
            match self.attr_value(i + 1) {
                Ok((_, next)) => i = next,
                Err(end) => return end,
            }
        }
    }

    /// The value of an attribute whose `=` is just before `i` (blanks skipped): its range and the
    /// offset after it, or `Err(end)` when an unclosed quote ends the tag (at the next '>').
    fn attr_value(&mut self, mut i: usize) -> Result<(std::ops::Range<usize>, usize), usize> {
        let b = self.bytes;
        let len = b.len();
        while i < len && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < len && (b[i] == b'"' || b[i] == b'\'') {
            return match self.find_quote(b[i], i + 1) {
                Some(close) => Ok((i + 1..close, close + 1)),
                None => Err(self.find_gt(i + 1).map_or(len, |g| g + 1)),
            };
        }
        let start = i;
        while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' {
            i += 1;
        }
        Ok((start..i, i))
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
                match self.attr_value(i + 1) {
                    Ok((range, next)) => {
                        value = &b[range];
                        i = next;
                    }
                    Err(end) => return (attrs, end),
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

#[cfg(test)]
mod tests;
