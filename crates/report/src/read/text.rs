//! Plain text reports, and the dispatcher between the three text flavours.
//!
//! * plain: what people paste or save from Word: table cells separated by tabs (or by runs of two
//!   or more spaces), one table row per line, narrative paragraphs as lines. Rows may be broken
//!   across lines or shifted (a row that lost its leading tabs); the assembler copes with both.
//! * layout: `pdftotext -layout` output (column positions by spaces, page footers, labels one
//!   character per line): [`super::layout::read_layout`].
//! * crawl: a crawler's text, the whole report on one or a few very long lines with the table
//!   cells run together: [`super::crawl::read_crawl`].

use std::borrow::Cow;

use gongkai_domain::report::Report;

use super::assemble::assemble;
use super::decode::{is_blank, trim_blank};
use super::doc::{Block, Doc, GridRow};

/// The kind of text a report arrived as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFlavour {
    /// Tab- or space-separated cells, one row per line.
    Plain,
    /// `pdftotext -layout`.
    Layout,
    /// A crawler's run-together text.
    Crawl,
}

/// Read a report from text of any flavour (see [`flavour`]).
pub fn read_text(text: &str, source: Option<&str>) -> Report {
    match flavour(text) {
        TextFlavour::Plain => read_plain(text, source),
        TextFlavour::Layout => super::layout::read_layout(text, source),
        TextFlavour::Crawl => super::crawl::read_crawl(text, source),
    }
}

/// Decide the flavour from the text's shape, in one pass over its lines.
///
/// Crawl: a line of more than 2,000 bytes, or a table 三 label followed directly by digits.
/// Layout: no tab-separated rows, and page footers (`-3-`) or labels broken one character per
/// line or most lines indented by runs of spaces. Otherwise plain.
pub fn flavour(text: &str) -> TextFlavour {
    // First the cheap facts that decide most inputs: the longest line, the tabbed lines.
    let b = text.as_bytes();
    let (mut longest, mut tabbed, mut start) = (0usize, 0u32, 0usize);
    for end in memchr::memchr_iter(b'\n', b).chain(std::iter::once(b.len())) {
        let line = &b[start..end];
        longest = longest.max(line.len());
        if memchr::memchr(b'\t', line).is_some() && line.iter().any(|c| !c.is_ascii_whitespace()) {
            tabbed += 1;
        }
        start = end + 1;
    }
    let crawled = crawl_digits(text);
    if longest > 2000 && !crawled && tabbed >= 5 && tabbed_cells_clean(text) {
        // a long paragraph, but tab-separated rows whose cells are each one value: a copy of
        // the page as the browser put it on the clipboard, read cell by cell
        return TextFlavour::Plain;
    }
    if longest > 2000 || crawled {
        return TextFlavour::Crawl;
    }
    if tabbed >= 5 {
        return TextFlavour::Plain;
    }
    let (mut lines, mut indented, mut footers, mut single_chars, mut spaced) = (0u32, 0u32, 0u32, 0u32, 0u32);
    // built once: a substring search set up per line costs more than the search
    let three_spaces = memchr::memmem::Finder::new("   ");
    // the lines of `text.lines()` (a final empty line, which it leaves out, counts for nothing)
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', b).chain(std::iter::once(b.len())) {
        let raw = &text[start..end];
        start = end + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        // the ASCII whitespace that indents most lines, skipped byte by byte
        let ascii_indent = line.bytes().take_while(|b| matches!(b, b' ' | b'\t'..=b'\r')).count();
        let t = super::crawl::trim_blanks(&line[ascii_indent..]);
        if t.is_empty() {
            continue;
        }
        lines += 1;
        if ascii_indent >= 3 && line.starts_with("   ") {
            indented += 1;
        }
        if three_spaces.find(line[ascii_indent..].trim_start().as_bytes()).is_some() {
            spaced += 1;
        }
        if is_page_footer(t) {
            footers += 1;
        }
        let mut chars = t.chars();
        if chars.next().is_some_and(|c| c > '\u{2E80}') && chars.next().is_none() {
            single_chars += 1;
        }
    }
    if lines >= 10 && (footers >= 1 || single_chars >= 4) && (indented + spaced) * 5 >= lines {
        return TextFlavour::Layout;
    }
    if lines >= 10 && indented * 5 >= lines * 2 {
        return TextFlavour::Layout;
    }
    TextFlavour::Plain
}

/// Whether every tab-separated row holds cells that are each one value (a number of at most
/// nine digits, a dash, or blank) after its labels, and some hold a dash: the crawl reader splits
/// digits run together, which such rows do not have, and cannot read a dash.
fn tabbed_cells_clean(text: &str) -> bool {
    let mut dashes = false;
    for line in text.lines().filter(|l| l.contains('\t')) {
        let cells: Vec<&str> = line.split('\t').map(trim_blank).collect();
        let first = cells.iter().position(|c| super::assemble::value_like(c)).unwrap_or(cells.len());
        for c in &cells[first..] {
            if c.is_empty() {
                continue;
            }
            if !super::assemble::value_like(c) || c.bytes().filter(u8::is_ascii_digit).count() > 9 {
                return false;
            }
            dashes |= super::assemble::is_dash(c);
        }
    }
    dashes
}

/// `本年新收政府信息公开申请数量21710000218`: a table 三 label with its digits run on.
fn crawl_digits(text: &str) -> bool {
    const KEY: &str = "申请数量";
    let b = text.as_bytes();
    memchr::memmem::find_iter(b, KEY).any(|i| {
        let after = &b[i + KEY.len()..];
        after.first().is_some_and(u8::is_ascii_digit) && after.iter().take_while(|c| c.is_ascii_digit()).count() >= 5
    })
}

/// A page footer or header line: `-3-`, `— 3 —`, `第 3 页`, `第3页 共5页`, `3 / 5`.
pub fn is_page_footer(t: &str) -> bool {
    // footers are short, hold a digit and start with a dash, 第 or a digit; most lines fail here
    // without allocating
    if t.len() > 32 || !t.bytes().any(|b| b.is_ascii_digit()) || t.contains('\t') {
        return false;
    }
    const DASHES: [char; 5] = ['-', '—', '–', '－', '―'];
    if !t.starts_with(DASHES) && !t.starts_with('第') && !t.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let s: String = t.chars().filter(|c| !is_blank(*c)).collect();
    let inner = s.trim_matches(DASHES);
    if s.starts_with(DASHES) && s.ends_with(DASHES) && !inner.is_empty() && inner.len() <= 4 && inner.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    if let Some(r) = s.strip_prefix('第') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && r[digits..].starts_with('页') {
            return true;
        }
    }
    if let Some((a, b)) = s.split_once('/') {
        return !a.is_empty() && !b.is_empty() && a.len() <= 3 && b.len() <= 3 && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit());
    }
    false
}

/// The plain flavour: every line is a paragraph or a table row.
pub fn read_plain(text: &str, source: Option<&str>) -> Report {
    assemble(&plain_doc(text), source)
}

/// Plain text → `Doc`. Lines with tabs are grid rows (one cell per tab); lines with runs of two or
/// more blanks between words are grid rows split on those runs; page footers are dropped; other
/// non-empty lines are paragraphs. Consecutive rows form one table.
pub fn plain_doc(text: &str) -> Doc<'_> {
    match plain_shape(text) {
        PlainShape::OneCellPerLine => return one_cell_doc(text),
        PlainShape::Pipes => return pipe_doc(text),
        PlainShape::Separated => {}
    }
    separated_doc(text)
}

/// How a plain text's table rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainShape {
    /// One row per line, cells separated by tabs or runs of blanks.
    Separated,
    /// Each cell on its own line (a table copied from a browser, a crawler's `get_text("\n")`).
    OneCellPerLine,
    /// Rows as `|`-separated cells without a Markdown separator line.
    Pipes,
}

/// Decide how the table rows of plain text are written: tabbed rows win; else lines that hold
/// only a number (at least 15, and more than the lines with cell separators) mean one cell per
/// line; else at least 5 lines with a `|` between two cells mean pipe rows.
pub fn plain_shape(text: &str) -> PlainShape {
    let (mut tabbed, mut lone_values, mut piped) = (0u32, 0u32, 0u32);
    for raw in text.split('\n') {
        let t = trim_blank(raw);
        if t.is_empty() {
            continue;
        }
        if memchr::memchr(b'\t', raw.as_bytes()).is_some() {
            tabbed += 1;
        } else if memchr::memchr(b'|', t.as_bytes()).is_some() {
            if pipe_cells(t, false).len() >= 2 {
                piped += 1;
            }
        } else if super::assemble::value_like(t) {
            lone_values += 1;
        }
    }
    if tabbed >= 5 {
        PlainShape::Separated
    } else if lone_values >= 15 && lone_values > piped {
        PlainShape::OneCellPerLine
    } else if piped >= 5 {
        PlainShape::Pipes
    } else {
        PlainShape::Separated
    }
}

/// The cells of a `|` row: split at every `|`; in a framed table (rows start and end with `|`)
/// the first and last `|` are the frame, not empty cells.
fn pipe_cells(t: &str, framed: bool) -> Vec<Cow<'_, str>> {
    let inner = if framed { t.strip_prefix('|').and_then(|i| i.strip_suffix('|')).unwrap_or(t) } else { t };
    inner.split('|').map(|c| Cow::Borrowed(trim_blank(c))).collect()
}

/// Pipe rows: every line with a `|` is a grid row, other lines are paragraphs.
fn pipe_doc(text: &str) -> Doc<'_> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut rows: Vec<GridRow<'_>> = Vec::new();
    let mut table_line = 0u32;
    // framed when most pipe rows start and end with `|` (a trailing `|` alone may end a row
    // whose last cell is blank)
    let (mut piped, mut framed) = (0usize, 0usize);
    for raw in text.split('\n') {
        let t = trim_blank(raw);
        if memchr::memchr(b'|', t.as_bytes()).is_some() {
            piped += 1;
            framed += usize::from(t.starts_with('|') && t.ends_with('|') && t.len() > 1);
        }
    }
    let framed = framed * 2 > piped;
    for (i, raw) in text.split('\n').enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let t = trim_blank(raw);
        if t.is_empty() || is_page_footer(t) {
            continue;
        }
        if memchr::memchr(b'|', t.as_bytes()).is_some() {
            if rows.is_empty() {
                table_line = n;
            }
            rows.push(GridRow { cells: pipe_cells(t, framed), line: n });
        } else {
            if !rows.is_empty() {
                blocks.push(Block::Table { rows: std::mem::take(&mut rows), line: table_line });
            }
            blocks.push(Block::Para { text: t.into(), line: n });
        }
    }
    if !rows.is_empty() {
        blocks.push(Block::Table { rows, line: table_line });
    }
    Doc { blocks }
}

/// One cell per line: a text line followed by a run of value lines (numbers, dashes, and blank
/// lines, which are blank cells) is one grid row, the label and its values; other text lines are
/// paragraphs (headings, narrative, the header cells of a table). Blank lines at the end of a run
/// are blank cells only up to the table's width, which the assembler knows: it drops surplus
/// blank cells at the end of a row; blank lines before a section heading or the end of the text
/// separate blocks and are dropped here. A run of blank lines alone is a row of blank cells only
/// when it has at least two (one blank line separates paragraphs).
fn one_cell_doc(text: &str) -> Doc<'_> {
    let mut lines: Vec<(u32, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, raw)| (u32::try_from(i + 1).unwrap_or(u32::MAX), trim_blank(raw.trim_start_matches('\u{c}'))))
        .filter(|(_, t)| !is_page_footer(t))
        .collect();
    let value = |t: &str| !t.is_empty() && (super::assemble::value_like(t) || super::assemble::amount_with_unit(t).is_some());
    if memchr::memchr(0x0C, text.as_bytes()).is_some() || double_spaced(&lines, value) {
        // `pdftotext` without -layout (its pages end in form feeds) puts blank lines between
        // blocks of text, often after every cell: blank lines separate cells here, and a blank
        // cell prints nothing at all
        lines.retain(|(_, t)| !t.is_empty());
    }
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (no, t) = lines[i];
        if t.is_empty() {
            i += 1;
            continue;
        }
        if value(t) {
            // values without a label of their own (table 四's numbers under its header)
            let mut j = i;
            while j < lines.len() && (lines[j].1.is_empty() || value(lines[j].1)) {
                j += 1;
            }
            let mut end = j;
            while end > i + T4_WIDTH && lines[end - 1].1.is_empty() {
                end -= 1;
            }
            let mut cells: Vec<Cow<'_, str>> = lines[i..end].iter().map(|(_, c)| Cow::Borrowed(*c)).collect();
            let next = t4_continuation(&lines, j, &mut cells, &value).unwrap_or(j);
            blocks.push(Block::Table { rows: vec![GridRow { cells, line: no }], line: no });
            i = next;
            continue;
        }
        // a text line: the values that follow it
        let mut j = i + 1;
        while j < lines.len() && (lines[j].1.is_empty() || value(lines[j].1)) {
            j += 1;
        }
        let run = &lines[i + 1..j];
        let values = run.iter().filter(|(_, c)| !c.is_empty()).count();
        // blank lines beyond the row's width separate it from what follows
        let span = run.iter().rposition(|(_, c)| !c.is_empty()).map_or(0, |p| p + 1);
        let mut end = run.len();
        if let Some(width) = row_width(t, span) {
            while end > width && run[end - 1].1.is_empty() {
                end -= 1;
            }
        }
        let mut next = j;
        if values > 0 || end >= 2 {
            let mut cells = Vec::with_capacity(end + 1);
            cells.extend(run[..end].iter().map(|(_, c)| Cow::Borrowed(*c)));
            next = t4_continuation(&lines, j, &mut cells, &value).unwrap_or(j);
            cells.insert(0, Cow::Borrowed(t));
            blocks.push(Block::Table { rows: vec![GridRow { cells, line: no }], line: no });
        } else {
            blocks.push(Block::Para { text: t.into(), line: no });
        }
        i = next;
    }
    Doc { blocks }
}

/// Table 四's values with one of its header words printed among them (pdftotext puts a header
/// cell where its text block falls: `… 5 0 0 0 总计 0`): the run of `cells` ending before line
/// `j`, a word of at most four characters, and the values after it are one row when together
/// they are table 四's fifteen values. Extends `cells` and returns where reading goes on.
fn t4_continuation<'a>(lines: &[(u32, &'a str)], j: usize, cells: &mut Vec<Cow<'a, str>>, value: &impl Fn(&str) -> bool) -> Option<usize> {
    let filled = |c: &[Cow<'_, str>]| c.iter().filter(|x| !x.is_empty()).count();
    let have = filled(cells);
    if have == 0 || have >= T4_WIDTH {
        return None;
    }
    let (_, word) = lines.get(j)?;
    if !(1..=4).contains(&word.chars().count()) || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut k = j + 1;
    while k < lines.len() && (lines[k].1.is_empty() || value(lines[k].1)) {
        k += 1;
    }
    let more: Vec<Cow<'a, str>> = lines[j + 1..k].iter().filter(|(_, c)| !c.is_empty()).map(|(_, c)| Cow::Borrowed(*c)).collect();
    if have + more.len() != T4_WIDTH {
        return None;
    }
    cells.extend(more);
    Some(k)
}

/// Whether the values of a one-cell-per-line text are each followed by one blank line and then
/// more text (at least 9 in 10 of them, and 20 or more): double-spaced cells, where a blank
/// line is no cell. A browser's copy puts values on consecutive lines.
fn double_spaced(lines: &[(u32, &str)], value: impl Fn(&str) -> bool) -> bool {
    let (mut values, mut spaced) = (0usize, 0usize);
    for (i, (_, t)) in lines.iter().enumerate() {
        if !value(t) {
            continue;
        }
        values += 1;
        let next_blank = lines.get(i + 1).is_some_and(|(_, n)| n.is_empty());
        let then_text = lines.get(i + 2).is_none_or(|(_, n)| !n.is_empty());
        spaced += usize::from(next_blank && then_text);
    }
    values >= 20 && spaced * 10 >= values * 9
}

const T4_WIDTH: usize = 15;
const T3_WIDTH: usize = 7;

/// How many cells the row a label names has, when every format agrees: 7 in table 三, 15 for
/// table 四's values (under a header cell such as 总计; `span`, the lines from the label to its
/// last value, is 12 or more), table 二's block width.
fn row_width(label: &str, span: usize) -> Option<usize> {
    use gongkai_domain::report::spec::{FormatVersion, TableId};
    if span >= 12 {
        return Some(T4_WIDTH);
    }
    let widths = [FormatVersion::V2021, FormatVersion::V2019].map(|f| {
        super::label::match_row(f, TableId::T3, label, None)
            .or_else(|| super::label::match_row(f, TableId::T2, label, None))
            .map(|m| m.block.columns.len())
    });
    match widths {
        [Some(a), Some(b)] if a == b => Some(a),
        [Some(a), None] | [None, Some(a)] => Some(a),
        _ => None,
    }
}

/// Tab- or blank-separated rows (see [`plain_doc`]).
fn separated_doc(text: &str) -> Doc<'_> {
    fn flush<'a>(rows: &mut Vec<GridRow<'a>>, blocks: &mut Vec<Block<'a>>, line: u32) {
        if !rows.is_empty() {
            blocks.push(Block::Table { rows: std::mem::take(rows), line });
        }
    }
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut rows: Vec<GridRow<'_>> = Vec::new();
    let mut table_line = 0u32;
    let mut n = 0u32;
    // the line of the last row split on single blanks (a wrapped row continues on the next)
    let mut last_single: Option<u32> = None;
    for raw in text.split('\n') {
        n = n.saturating_add(1);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let t = trim_blank(line);
        if t.is_empty() {
            continue;
        }
        if is_page_footer(t) {
            continue;
        }
        let cells: Option<Vec<Cow<'_, str>>> = if memchr::memchr(b'\t', line.as_bytes()).is_some() {
            let b = line.as_bytes();
            let mut cells = Vec::with_capacity(memchr::memchr_iter(b'\t', b).count() + 1);
            let mut start = 0;
            for tab in memchr::memchr_iter(b'\t', b) {
                cells.push(Cow::Borrowed(trim_blank(&line[start..tab])));
                start = tab + 1;
            }
            cells.push(Cow::Borrowed(trim_blank(&line[start..])));
            Some(cells)
        } else {
            split_spaced(t).or_else(|| {
                let cells = split_single(t)?;
                // a table 三 row wrapped in a narrow PDF column (`13 1 0 0` / `1 0 15`): values
                // alone that complete the previous single-blank row to the table's seven
                let values = |c: &[Cow<'_, str>]| c.iter().filter(|x| super::assemble::value_like(x)).count();
                let alone = values(&cells) == cells.len();
                if alone
                    && last_single == Some(n - 1)
                    && let Some(prev) = rows.last_mut()
                    && values(&prev.cells) < T3_WIDTH
                    && values(&prev.cells) + cells.len() == T3_WIDTH
                {
                    prev.cells.extend(cells);
                    last_single = None;
                    return Some(Vec::new());
                }
                last_single = Some(n);
                Some(cells)
            })
        };
        match cells {
            Some(cells) if cells.is_empty() => {}
            Some(cells) => {
                if rows.is_empty() {
                    table_line = n;
                }
                rows.push(GridRow { cells, line: n });
            }
            None => {
                flush(&mut rows, &mut blocks, table_line);
                blocks.push(Block::Para { text: t.into(), line: n });
            }
        }
    }
    flush(&mut rows, &mut blocks, table_line);
    Doc { blocks }
}

/// A table row whose cells are separated by single blanks, as `pdftotext` without `-layout`
/// prints one: a short label without sentence punctuation and the values after it
/// (`1.属于国家秘密 0 0 0 0 0 0 0`, `行政许可 35`), or two or more values alone (table 四's
/// fifteen values under its header). `None` for anything else (a paragraph).
fn split_single(t: &str) -> Option<Vec<Cow<'_, str>>> {
    // most paragraphs end in punctuation or a CJK character: rejected without a token scan
    if !t.as_bytes().last().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // the tokens with their byte offsets
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut from = None;
    for (i, c) in t.char_indices() {
        match (is_blank(c), from) {
            (true, Some(s)) => {
                tokens.push((s, &t[s..i]));
                from = None;
            }
            (false, None) => from = Some(i),
            _ => {}
        }
    }
    if let Some(s) = from {
        tokens.push((s, &t[s..]));
    }
    let values = tokens.iter().rev().take_while(|(_, x)| super::assemble::value_like(x)).count();
    let first_value = tokens.len() - values;
    if values == 0 || (first_value == 0 && values < 2) {
        return None;
    }
    let mut cells = Vec::with_capacity(values + 1);
    if first_value > 0 {
        let label = trim_blank(&t[..tokens[first_value].0]);
        if label.chars().count() > 60 || sentence_like(label) {
            return None;
        }
        // one number after some words is a row only under a table's own label (行政许可 35),
        // not a line of narrative that ends in a number (全年主动公开信息 312)
        if values == 1 && !any_label(label) {
            return None;
        }
        // a group label and its row's own (（三）不予公开 1.属于国家秘密) are two cells, as
        // in the table
        let mut from = 0;
        for &(at, tok) in &tokens[1..first_value] {
            if row_number_at(tok) {
                let part = trim_blank(&t[from..at]);
                // pieces of the vertical group labels a PDF prints beside the rows (果, （三）不,
                // 予公开) are not cells: a group cell is kept only when it is a label whole
                if exact_label(part) {
                    cells.push(Cow::Borrowed(part));
                }
                from = at;
            }
        }
        cells.push(Cow::Borrowed(trim_blank(&t[from..tokens[first_value].0])));
    }
    cells.extend(tokens[first_value..].iter().map(|(_, x)| Cow::Borrowed(*x)));
    Some(cells)
}

/// Sentence punctuation outside brackets (a row label's （区分处理的，只计这一情形…） does
/// not count, nor 、, which labels hold: 逾期不补正、行政机关不再处理…).
fn sentence_like(label: &str) -> bool {
    let mut depth = 0i32;
    for c in label.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth -= 1,
            '，' | '。' | '；' | '：' | ',' | ';' | '！' if depth <= 0 => return true,
            _ => {}
        }
    }
    false
}

/// Text that a table 二 or 三 label of either format matches, exactly or as a variant.
fn any_label(t: &str) -> bool {
    use gongkai_domain::report::spec::{FormatVersion, TableId};
    [FormatVersion::V2021, FormatVersion::V2019]
        .into_iter()
        .any(|f| [TableId::T2, TableId::T3].into_iter().any(|tb| super::label::match_row(f, tb, t, None).is_some()))
}

/// A table 二 or 三 label of either format, as printed whole (groups included).
fn exact_label(t: &str) -> bool {
    use gongkai_domain::report::spec::{FormatVersion, TableId};
    [FormatVersion::V2021, FormatVersion::V2019].into_iter().any(|f| {
        [TableId::T3, TableId::T2].into_iter().any(|tb| super::label::match_row(f, tb, t, None).is_some_and(|m| m.quality == super::label::Quality::Exact))
    })
}

/// A token that starts with a row number: 一、 （一） 1. 1、 1．
fn row_number_at(tok: &str) -> bool {
    const CJK: &str = "一二三四五六七八九十";
    let mut cs = tok.chars();
    match cs.next() {
        Some('（' | '(') => cs.next().is_some_and(|c| CJK.contains(c)) && cs.next().is_some_and(|c| matches!(c, '）' | ')')),
        Some(c) if c.is_ascii_digit() => cs.next().is_some_and(|c| matches!(c, '.' | '、' | '．')) && cs.next().is_some(),
        Some(c) if CJK.contains(c) => cs.next() == Some('、'),
        _ => false,
    }
}

/// Split a line on runs of two or more blanks; `None` when it has no such run (a paragraph).
fn split_spaced(t: &str) -> Option<Vec<Cow<'_, str>>> {
    let b = t.as_bytes();
    let mut cells = Vec::new();
    let mut start = 0;
    // the current run of blanks: where it starts, how many characters
    let mut run: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        // only ASCII whitespace and characters with these lead bytes can be blanks
        let blank = if x < 0x80 {
            usize::from(matches!(x, b' ' | b'\t'..=b'\r'))
        } else if matches!(x, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF) {
            t[i..].chars().next().filter(|c| is_blank(*c)).map_or(0, char::len_utf8)
        } else {
            0
        };
        if blank > 0 {
            run = Some(run.map_or((i, 1), |(s, n)| (s, n + 1)));
            i += blank;
            continue;
        }
        if let Some((rs, n)) = run.take()
            && n >= 2
        {
            cells.push(Cow::Borrowed(&t[start..rs]));
            start = i;
        }
        i += match x {
            0xF0.. => 4,
            0xE0.. => 3,
            0xC0.. => 2,
            _ => 1,
        };
    }
    if cells.is_empty() {
        return None;
    }
    cells.push(Cow::Borrowed(trim_blank(&t[start..])));
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footers_are_recognised() {
        assert!(is_page_footer("-3-"));
        assert!(is_page_footer("— 12 —"));
        assert!(is_page_footer("第 3 页"));
        assert!(!is_page_footer("2024"));
        assert!(!is_page_footer("-185"));
    }

    #[test]
    fn single_blank_rows_of_pdftotext_without_layout() {
        let cells = |t: &str| split_single(t).map(|c| c.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(cells("1.属于国家秘密 0 0 0 0 0 0 0").map(|c| c.len()), Some(8));
        assert_eq!(cells("（三）不予公开 1.属于国家秘密 1 0 0 0 0 0 1").unwrap()[..2], ["（三）不予公开", "1.属于国家秘密"]);
        // pieces of a vertical group label beside the row are no cells
        assert_eq!(cells("果 （三）不 4.保护第三方合法权益 1 0 0 0 0 0 1").unwrap()[0], "4.保护第三方合法权益");
        assert_eq!(cells("（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0").map(|c| c.len()), Some(8));
        assert_eq!(cells("行政许可 35"), Some(vec!["行政许可".to_owned(), "35".to_owned()]));
        assert_eq!(cells("0 3 0 6 9 0 0 2 0 2 0 0 0 0 0").map(|c| c.len()), Some(15));
        for prose in ["全年主动公开信息 312", "本年度共收到申请 15 件", "2024", "经统计，全年共计 3 5", "第 3 期 2024"] {
            assert_eq!(cells(prose), None, "{prose}");
        }
    }

    #[test]
    fn spaced_cells_split_on_runs() {
        assert_eq!(split_spaced("规章  0  0   0"), Some(vec!["规章".into(), "0".into(), "0".into(), "0".into()]));
        assert_eq!(split_spaced("结果 维持"), None);
    }
}
