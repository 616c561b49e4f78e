//! Markdown → [`Doc`]: every text line a paragraph (headings without their `#`), pipe tables
//! as grids.
//!
//! Reports reach us as Markdown mostly through PDF-to-Markdown converters, which chop a table
//! into fragments at page and cell-height breaks, emit bogus header rows, put a row's label in a
//! loose paragraph between fragments and lose labels or columns. This reader
//!
//! - merges the fragments of one table: pipe tables separated only by loose lines (no `#`
//!   heading, no section heading such as `三、…`, no sentence) are one table. The loose lines
//!   between fragments are label debris (pieces of the labels the converter cut out of their
//!   cells, stray digits) and are dropped: read as paragraphs they would be taken for labels;
//! - drops separator rows (`|---|`);
//! - turns loose `label number…` lines (`行政许可 97`) into one-row tables, so a table block the
//!   converter printed as text is not lost;
//! - gives table 三's rows that lost their label the format's label when that is the only
//!   possibility: between two recognised rows, exactly as many unlabeled rows as the format has
//!   rows there, in order. Otherwise the rows stay unlabeled (and the assembler reports what is
//!   missing) — never a guess.
//!
//! Every paragraph and row carries the source line it came from.

use gongkai_domain::report::Report;
use gongkai_domain::report::spec::{FormatVersion, RowSpec};

use super::assemble::assemble;
use std::borrow::Cow;
use std::sync::LazyLock;

use super::doc::{Block, Doc, GridRow};

/// Read Markdown text into a report.
pub fn read(text: &str, source: Option<&str>) -> Report {
    assemble(&to_doc(text), source)
}

/// Read Markdown text into a [`Doc`].
pub fn to_doc(text: &str) -> Doc<'static> {
    let raw = split_lines(text);
    let mut lines: Vec<Line> = Vec::with_capacity(raw.len());
    for (i, l) in raw.iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let t = trim_by(l, |c| c.is_whitespace() || c == '\u{feff}');
        if t.is_empty() {
            lines.push(Line::Blank);
        } else if is_table_line(t, raw.get(i + 1).copied(), i.checked_sub(1).and_then(|p| raw.get(p)).copied()) {
            if is_separator(t) {
                lines.push(Line::Separator);
            } else {
                lines.push(Line::Row(GridRow { cells: split_row(t), line: n }));
            }
        } else if let Some(h) = heading(t) {
            lines.push(Line::Heading(clean_inline(h).into_owned(), n));
        } else if let Some(src) = image(t) {
            // an image on a line of its own: marked for the assembler (a table as an image)
            lines.push(Line::Heading(format!("{}{src}", super::doc::IMAGE_MARK), n));
        } else {
            // `t` is trimmed, and so is what follows its quote marks
            let p = clean_trimmed(strip_quote(t));
            if p.is_empty() {
                lines.push(Line::Blank);
            } else if let Some(cells) = label_numbers(&p) {
                lines.push(Line::Loose(GridRow { cells, line: n }));
            } else {
                lines.push(Line::Para(p.into_owned(), n));
            }
        }
    }
    let mut blocks = group(lines);
    fill_missing_labels(&mut blocks);
    Doc { blocks }
}

/// The lines of `text` as [`str::lines`] gives them (split at `\n`, a `\r` before it dropped, no
/// empty line after a final `\n`), found with `memchr`.
fn split_lines(text: &str) -> Vec<&str> {
    let mut raw = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = &text[start..end];
        raw.push(line.strip_suffix('\r').unwrap_or(line));
        start = end + 1;
    }
    if start < text.len() {
        raw.push(&text[start..]);
    }
    raw
}

#[derive(Debug)]
enum Line {
    Blank,
    Separator,
    Row(GridRow<'static>),
    /// A `label number…` line outside a pipe table.
    Loose(GridRow<'static>),
    Heading(String, u32),
    Para(String, u32),
}

/// `s.trim()`.
fn trim(s: &str) -> &str {
    trim_by(s, char::is_whitespace)
}

/// `s.trim_matches(blank)` for a `blank` that holds for every whitespace character and else at
/// most for U+FEFF, looking at the end characters directly (the generic pattern search costs
/// more than the one or two characters looked at): an ASCII end is decided on its byte, a
/// character from U+4000 on (most CJK) is never blank but U+FEFF; only others are asked.
fn trim_by(s: &str, blank: impl Fn(char) -> bool) -> &str {
    let mut r = s;
    loop {
        match r.as_bytes().first() {
            Some(b' ' | b'\t'..=b'\r') => r = &r[1..],
            Some(&x) if (0x80..0xE4).contains(&x) || x == 0xEF => match r.chars().next() {
                Some(c) if blank(c) => r = &r[c.len_utf8()..],
                _ => break,
            },
            _ => break,
        }
    }
    loop {
        match r.as_bytes().last() {
            Some(b' ' | b'\t'..=b'\r') => r = &r[..r.len() - 1],
            Some(&x) if x >= 0x80 => match r.chars().next_back() {
                Some(c) if (c < '\u{4000}' || c == '\u{feff}') && blank(c) => r = &r[..r.len() - c.len_utf8()],
                _ => break,
            },
            _ => break,
        }
    }
    r
}

/// A cell's text as the document keeps it: owned, except an empty cell and a number of one or
/// two digits (most cells of a table), which are static (no allocation).
fn owned(cell: Cow<'_, str>) -> Cow<'static, str> {
    static_cell(&cell).unwrap_or_else(|| Cow::Owned(cell.into_owned()))
}

/// An empty cell or a number of one or two digits as a static text.
fn static_cell(cell: &str) -> Option<Cow<'static, str>> {
    /// `00` to `99` in a row: the two-digit number `n` is at `2n`.
    const PAIRS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839\
                         40414243444546474849505152535455565758596061626364656667686970717273747576777879\
                         8081828384858687888990919293949596979899";
    let digit = |b: u8| usize::from(b.wrapping_sub(b'0')).min(10);
    match *cell.as_bytes() {
        [] => Some(Cow::Borrowed("")),
        // the second digit of a pair is the digit itself
        [a] if digit(a) < 10 => Some(Cow::Borrowed(&PAIRS[2 * digit(a) + 1..2 * digit(a) + 2])),
        [a, b] if digit(a) < 10 && digit(b) < 10 => {
            let n = 10 * digit(a) + digit(b);
            Some(Cow::Borrowed(&PAIRS[2 * n..2 * n + 2]))
        }
        _ => None,
    }
}

/// `![alt](src)` (or an `<img src=…>` tag) alone on a line: its source, else its alt text.
fn image(t: &str) -> Option<String> {
    let t = trim(t);
    if let Some(rest) = t.strip_prefix("![") {
        let (alt, rest) = rest.split_once("](")?;
        let src = rest.strip_suffix(')')?.split_whitespace().next().unwrap_or("");
        let name = if src.is_empty() { alt } else { src };
        return Some(if name.is_empty() { "（未命名图片）".to_owned() } else { name.to_owned() });
    }
    if t.starts_with("<img") && t.ends_with('>') {
        let at = t.find("src=")? + 4;
        let q = t[at..].chars().next()?;
        let v = if matches!(q, '"' | '\'') { t[at + 1..].split(q).next()? } else { t[at..].split([' ', '>']).next()? };
        return Some(v.to_owned());
    }
    None
}

/// Group lines into blocks, merging table fragments.
fn group(lines: Vec<Line>) -> Vec<Block<'static>> {
    let mut blocks: Vec<Block<'static>> = Vec::with_capacity(lines.len());
    // the table being built, and the loose paragraphs met between its fragments
    let mut table: Option<(Vec<GridRow<'static>>, u32)> = None;
    let mut between: Vec<(String, u32)> = Vec::new();
    let mut loose: Option<(Vec<GridRow<'static>>, u32)> = None;

    fn close(blocks: &mut Vec<Block<'static>>, table: &mut Option<(Vec<GridRow<'static>>, u32)>, between: &mut Vec<(String, u32)>) {
        if let Some((rows, line)) = table.take() {
            blocks.push(Block::Table { rows, line });
        }
        // loose lines after the last fragment were not between fragments: keep them
        for (text, line) in between.drain(..) {
            blocks.push(Block::Para { text: text.into(), line });
        }
    }
    fn close_loose(blocks: &mut Vec<Block<'static>>, loose: &mut Option<(Vec<GridRow<'static>>, u32)>) {
        if let Some((rows, line)) = loose.take() {
            blocks.push(Block::Table { rows, line });
        }
    }

    for l in lines {
        match l {
            Line::Blank | Line::Separator => {}
            Line::Row(row) => {
                close_loose(&mut blocks, &mut loose);
                match &mut table {
                    Some((rows, _)) => {
                        // the loose lines were between two fragments: label debris
                        between.clear();
                        rows.push(row);
                    }
                    None => {
                        let line = row.line;
                        table = Some((vec![row], line));
                    }
                }
            }
            Line::Loose(row) => {
                if let Some((rows, _)) = &mut table {
                    // a labelled line between fragments is a row of the table
                    between.clear();
                    rows.push(row);
                } else {
                    match &mut loose {
                        Some((rows, _)) => rows.push(row),
                        None => {
                            let line = row.line;
                            loose = Some((vec![row], line));
                        }
                    }
                }
            }
            Line::Heading(text, line) => {
                close(&mut blocks, &mut table, &mut between);
                close_loose(&mut blocks, &mut loose);
                blocks.push(Block::Para { text: text.into(), line });
            }
            Line::Para(text, line) => {
                close_loose(&mut blocks, &mut loose);
                if table.is_some() && !ends_table(&text) {
                    between.push((text, line));
                } else {
                    close(&mut blocks, &mut table, &mut between);
                    blocks.push(Block::Para { text: text.into(), line });
                }
            }
        }
    }
    close(&mut blocks, &mut table, &mut between);
    close_loose(&mut blocks, &mut loose);
    blocks
}

/// Whether a loose line after a table fragment ends the table: a section heading (`三、…` that
/// is not one of table 三's own rows), a table caption, a sub-heading naming a group of table
/// 四, or a sentence.
fn ends_table(text: &str) -> bool {
    if text.contains('。') {
        return true;
    }
    // a sub-heading of table 四 printed as three small tables (**行政诉讼 (复议后起诉)**); every
    // such heading names 复议, and normalising never makes a 复, so text without one is skipped
    if text.chars().count() <= 30 && text.contains('复') && super::assemble::t4_group_heading(&super::label::normalize(text)).is_some() {
        return true;
    }
    let t = text.trim_start();
    if t.starts_with('表') {
        return true;
    }
    let Some(rest) = strip_cn_number(t) else { return false };
    let Some(rest) = rest.strip_prefix(['、', '.', '．']) else { return false };
    let rest = rest.trim_start();
    // table 三's level-0 rows begin with 一、 … 四、 too
    !(rest.starts_with("本年新收")
        || rest.starts_with("上年结转")
        || rest.starts_with("本年度办理结果")
        || rest.starts_with("本年度")
        || rest.starts_with("结转下年")
        || rest.is_empty())
}

fn strip_cn_number(t: &str) -> Option<&str> {
    let end = t.char_indices().find(|&(_, c)| !matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')).map_or(t.len(), |(i, _)| i);
    if end == 0 { None } else { Some(&t[end..]) }
}

/// A line is part of a pipe table when it starts with `|`, or when it contains `|` and sits
/// next to a separator row (tables without outer pipes).
fn is_table_line(t: &str, next: Option<&str>, prev: Option<&str>) -> bool {
    if t.starts_with('|') {
        return true;
    }
    if memchr::memchr(b'|', t.as_bytes()).is_none() {
        return false;
    }
    let sep = |l: Option<&str>| l.is_some_and(|l| is_separator(l.trim()) && l.contains('|'));
    is_separator(t) && t.contains('|') || sep(next) || sep(prev)
}

/// `|---|:--:|` and the like.
fn is_separator(t: &str) -> bool {
    // the usual form, `|`, `-`, `:` and ASCII spaces only: the rule below on bytes (a cell of
    // such a row is blank or holds a `-` or `:`)
    if t.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' ')) {
        let inner = t.trim_matches(' ').trim_matches('|').as_bytes();
        return inner.contains(&b'-') && inner.split(|&b| b == b'|').all(|c| c.iter().any(|&b| b != b' '));
    }
    // only `|`, `-`, `:` and blanks can make up a separator row: a row of text fails at its first
    // character that is none of them, before anything is split
    if !t.chars().all(|c| matches!(c, '|' | '-' | ':') || c.is_whitespace()) {
        return false;
    }
    separator_cells(t)
}

/// The separator rule itself, on any text: `|`-separated cells, each of `-`, `:` and spaces only,
/// at least one `-`. [`is_separator`] decides most lines before this.
fn separator_cells(t: &str) -> bool {
    let t = t.trim();
    let inner = t.trim_matches('|');
    if inner.is_empty() || !inner.contains('-') {
        return false;
    }
    inner.split('|').all(|c| {
        let c = c.trim();
        !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
    })
}

/// The cells of a pipe-table row, unescaped and trimmed.
fn split_row(t: &str) -> Vec<Cow<'static, str>> {
    let t = t.strip_prefix('|').unwrap_or(t);
    // A `|` is a cell border unless a backslash stands right before it (`\|`, an escaped pipe):
    // that backslash is never part of an earlier escape, which only ever takes a `|`. A cell holds
    // a `\|` exactly when an escaped pipe was passed over inside it (`escaped`).
    let unescape = |cell: &str, escaped: bool| -> Cow<'static, str> {
        if escaped {
            return owned(clean_inline(&cell.replace("\\|", "|")));
        }
        // A blank cell or a small number (most cells) has no markup: it is its trimmed text. Most
        // cells are ` 0 `: with one space cut at each end, such a cell is trimmed already.
        let bare = cell.strip_prefix(' ').unwrap_or(cell);
        if let Some(c) = static_cell(bare.strip_suffix(' ').unwrap_or(bare)) {
            return c;
        }
        let cell = trim(cell);
        static_cell(cell).unwrap_or_else(|| owned(clean_trimmed(cell)))
    };
    let b = t.as_bytes();
    let mut cells = Vec::with_capacity(b.iter().filter(|&&x| x == b'|').count() + 1);
    let mut start = 0;
    let mut escaped = false;
    // rows are short: a plain pass over the bytes beats a search per cell
    for (i, _) in b.iter().enumerate().filter(|&(_, &x)| x == b'|') {
        if i > 0 && b[i - 1] == b'\\' {
            escaped = true;
            continue;
        }
        cells.push(unescape(&t[start..i], escaped));
        start = i + 1;
        escaped = false;
    }
    let last = &t[start..];
    if !last.trim().is_empty() {
        cells.push(unescape(last, escaped));
    }
    cells
}

/// ATX heading text (`## 表三：…` → `表三：…`).
fn heading(t: &str) -> Option<&str> {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = &t[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some(rest.trim().trim_end_matches('#').trim_end())
}

fn strip_quote(t: &str) -> &str {
    let mut t = t;
    while let Some(r) = t.strip_prefix('>') {
        t = r.trim_start();
    }
    t
}

/// Drop inline markup a converter or renderer may add: emphasis, code ticks, `<br>`, `&nbsp;`;
/// collapse whitespace. Text without markup whose words are already one space apart (most
/// paragraphs and cells) is returned as a slice of `s`.
fn clean_inline(s: &str) -> Cow<'_, str> {
    // blanks at the ends are dropped whatever stands next to them: the text may be trimmed first
    clean_trimmed(trim(s))
}

/// [`clean_inline`] of text `t` with no blank at either end.
fn clean_trimmed(t: &str) -> Cow<'_, str> {
    if is_plain(t) {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    let mut pending_space = false;
    loop {
        // a run of characters kept as they are (no markup, no whitespace) is copied whole
        let run = next_special(rest, 0);
        if run > 0 {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(&rest[..run]);
            rest = &rest[run..];
        }
        let Some(c) = rest.chars().next() else { break };
        let (step, emit) = inline_step(rest, c);
        if let Some(ch) = emit {
            push_collapsed(&mut out, &mut pending_space, ch);
        }
        rest = &rest[step..];
    }
    Cow::Owned(out)
}

/// How [`next_special`] treats the first byte of a character: [`SPECIAL`] for inline markup or
/// an ASCII blank, [`DECODE`] for the lead byte of a character that may be a blank (U+0080 to
/// U+3FFF hold U+0085, U+00A0, U+1680, U+2000 to U+205F and U+3000; no blank lies above), else
/// the length of a character that is neither (1 for ASCII, 3 for the rest of the BMP such as CJK,
/// 4 above it).
const INLINE_CLASS: [u8; 256] = {
    let mut class = [1u8; 256];
    let special = *b"*`_<&\\ \t\n\x0b\x0c\r";
    let mut i = 0;
    while i < special.len() {
        class[special[i] as usize] = SPECIAL;
        i += 1;
    }
    let mut lead = 0xC2;
    while lead <= 0xF4 {
        class[lead] = match lead {
            0xC2..=0xE3 => DECODE,
            0xE4..=0xEF => 3,
            _ => 4,
        };
        lead += 1;
    }
    class
};
const SPECIAL: u8 = 0;
const DECODE: u8 = 2;

/// The byte index, from `from` on, of the first character of `s` that is inline markup (`*` `` ` ``
/// `_` `<` `&` `\`) or whitespace; `s.len()` if none. Only characters whose lead byte can start a
/// blank are decoded.
fn next_special(s: &str, from: usize) -> usize {
    let b = s.as_bytes();
    let mut i = from;
    while let Some(&x) = b.get(i) {
        match INLINE_CLASS[usize::from(x)] {
            SPECIAL => return i,
            DECODE => match s.get(i..).and_then(|r| r.chars().next()) {
                Some(c) if !c.is_whitespace() => i += c.len_utf8(),
                _ => return i,
            },
            len => i += usize::from(len),
        }
    }
    b.len()
}

/// Whether trimmed text `t` is what [`clean_inline`] makes of it: no markup, and every blank a
/// single ASCII space between two other characters.
fn is_plain(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = next_special(t, 0);
    while i < b.len() {
        if b[i] != b' ' {
            return false;
        }
        let next = next_special(t, i + 1);
        if next == i + 1 {
            // markup or another blank right after the space
            return false;
        }
        i = next;
    }
    true
}

/// The markup at the start of `rest` (whose first character is `c`): how many bytes it takes and
/// the character it stands for, if any (emphasis and code ticks stand for nothing, `<br>` and
/// `&nbsp;` for a blank, `\*` for `*`).
fn inline_step(rest: &str, c: char) -> (usize, Option<char>) {
    if c == '*' || c == '`' {
        return (1, None);
    }
    if c == '_' && rest.starts_with("__") {
        return (2, None);
    }
    if c == '<' && rest.as_bytes().get(..3).is_some_and(|b| b.eq_ignore_ascii_case(b"<br")) {
        // `<br>`, `<br/>`, `<BR />`: look for the `>` close by only (stays linear)
        if let Some(end) = memchr::memchr(b'>', &rest.as_bytes()[..rest.len().min(16)]) {
            return (end + 1, Some(' '));
        }
    } else if c == '&' && rest.starts_with("&nbsp;") {
        return ("&nbsp;".len(), Some(' '));
    } else if let Some(n) = rest.strip_prefix('\\').and_then(|r| r.chars().next()).filter(char::is_ascii_punctuation) {
        return (1 + n.len_utf8(), Some(n));
    }
    (c.len_utf8(), Some(c))
}

/// Push `ch` with whitespace collapsed: a blank is remembered and written as one space before
/// the next character (none at the start).
fn push_collapsed(out: &mut String, pending_space: &mut bool, ch: char) {
    if ch.is_whitespace() || ch == '\u{3000}' || ch == '\u{a0}' {
        *pending_space = true;
    } else {
        if *pending_space && !out.is_empty() {
            out.push(' ');
        }
        *pending_space = false;
        out.push(ch);
    }
}

/// A loose `label number number…` line: a label without sentence punctuation followed by
/// numbers only. Returns the cells.
fn label_numbers(p: &str) -> Option<Vec<Cow<'static, str>>> {
    // the last word is a number: most paragraphs end with text and are rejected at once (`p` is
    // `clean_inline`'s, which ends with no blank)
    if !p.bytes().next_back().is_some_and(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return None;
    }
    let mut parts = p.split_whitespace();
    let label = parts.next()?;
    let numbers: Vec<&str> = parts.collect();
    if numbers.is_empty() || numbers.len() > 20 {
        return None;
    }
    if label.chars().count() > 40
        || is_number(label)
        || label.contains(['，', '。', '；', '：', ',', ';', ':'])
        || !label.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return None;
    }
    if !numbers.iter().all(|n| is_number(n)) {
        return None;
    }
    let mut cells = Vec::with_capacity(numbers.len() + 1);
    cells.push(Cow::Owned(label.to_owned()));
    cells.extend(numbers.iter().map(|n| Cow::Owned((*n).to_owned())));
    Some(cells)
}

fn is_number(s: &str) -> bool {
    // byte by byte: the bytes of a non-ASCII character are none of these (`−` is E2 88 92)
    let s = match s.as_bytes() {
        [b'-' | b'+', rest @ ..] | [0xE2, 0x88, 0x92, rest @ ..] => rest,
        all => all,
    };
    !s.is_empty() && s.iter().all(|b| b.is_ascii_digit() || *b == b'.' || *b == b',') && s.iter().any(u8::is_ascii_digit)
}

// ---- lost labels -------------------------------------------------------------------------------

/// A compact form of a label for matching: no whitespace, no numbering, full-width brackets.
fn label_key(s: &str) -> Cow<'_, str> {
    // made only when a character changes
    let mut out: Option<String> = None;
    // Characters kept as they are are copied in runs; only a character whose lead byte can start
    // a blank, `“` or `”` (C2 to E3) is decoded.
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        let (len, repl) = match x {
            b' ' | b'\t'..=b'\r' | b'"' => (1, None),
            b'(' => (1, Some('（')),
            b')' => (1, Some('）')),
            0xC2..=0xE3 => match s.get(i..).and_then(|r| r.chars().next()) {
                Some(c) if c.is_whitespace() || c == '\u{3000}' || c == '“' || c == '”' => (c.len_utf8(), None),
                Some(c) => {
                    i += c.len_utf8();
                    continue;
                }
                None => break,
            },
            // a character of the BMP above U+3FFF (CJK) or above it: kept whole
            0xE4..=0xEF => {
                i += 3;
                continue;
            }
            0xF0.. => {
                i += 4;
                continue;
            }
            // ASCII kept
            _ => {
                i += 1;
                continue;
            }
        };
        let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
        o.push_str(&s[run..i]);
        if let Some(r) = repl {
            o.push(r);
        }
        i += len;
        run = i;
    }
    // drop the printed numbering: 一、 （一） 1. ３．
    match out {
        None => Cow::Borrowed(strip_numbering(s)),
        Some(mut o) => {
            o.push_str(&s[run..]);
            let cut = o.len() - strip_numbering(&o).len();
            o.drain(..cut);
            Cow::Owned(o)
        }
    }
}

/// `t` without its printed numbering (一、 （一） 1. ３．): a suffix of `t`.
fn strip_numbering(t: &str) -> &str {
    let t = strip_cn_number(t).and_then(|r| r.strip_prefix('、')).unwrap_or(t);
    let t = t
        .strip_prefix('（')
        .and_then(|r| strip_cn_number(r))
        .and_then(|r| r.strip_prefix('）'))
        .unwrap_or(t);
    let digits = t.char_indices().find(|(_, c)| !c.is_ascii_digit()).map_or(0, |(i, _)| i);
    if digits > 0 { t[digits..].strip_prefix(['.', '．', '、']).unwrap_or(t) } else { t }
}

/// Whether a cell holds a number or nothing.
fn is_numberish(c: &str) -> bool {
    c.is_empty() || is_number(c)
}

/// Which data row of table 三 a grid row is, by any of its text cells (their [`label_key`]s,
/// empty ones left out).
fn match_row(keys: &[Cow<'_, str>], rows: &[(&'static RowSpec, String)]) -> Option<usize> {
    keys.iter().find_map(|key| rows.iter().position(|(_, k)| k == key))
}

/// Table 三's data rows of a format with their [`label_key`]s, made once per process.
fn spec_keys(version: FormatVersion) -> &'static [(&'static RowSpec, String)] {
    static KEYS: LazyLock<[Vec<(&'static RowSpec, String)>; 2]> = LazyLock::new(|| {
        [FormatVersion::V2021, FormatVersion::V2019].map(|v| v.spec().t3.data_rows().map(|(_, r)| (r, label_key(r.text).into_owned())).collect())
    });
    match version {
        FormatVersion::V2021 => &KEYS[0],
        FormatVersion::V2019 => &KEYS[1],
    }
}

/// Give unlabeled rows of table 三 their label where the format leaves exactly one possibility.
fn fill_missing_labels(blocks: &mut [Block]) {
    for block in blocks.iter_mut() {
        let Block::Table { rows, .. } = block else { continue };
        let unlabeled = |r: &GridRow| r.cells.iter().all(|c| is_numberish(c)) && r.cells.iter().any(|c| !c.is_empty());
        if !rows.iter().any(unlabeled) {
            continue;
        }
        // Each row's match in both formats, from the keys of its text cells (made once per row, in
        // one buffer).
        let versions = [FormatVersion::V2021, FormatVersion::V2019].map(spec_keys);
        let mut keys: Vec<Cow<'_, str>> = Vec::new();
        let row_matches: Vec<[Option<usize>; 2]> = rows
            .iter()
            .map(|r| {
                keys.clear();
                keys.extend(r.cells.iter().filter(|c| !is_numberish(c)).map(|c| label_key(c)).filter(|k| !k.is_empty()));
                versions.map(|specs| match_row(&keys, specs))
            })
            .collect();
        drop(keys);
        // Pick the format whose labels this table matches best.
        let mut best: Option<(usize, usize)> = None; // (hits, version index)
        for v in 0..versions.len() {
            let hits = row_matches.iter().filter(|m| m[v].is_some()).count();
            if best.is_none_or(|(h, _)| hits > h) {
                best = Some((hits, v));
            }
        }
        let Some((hits, v)) = best else { continue };
        if hits < 3 {
            continue;
        }
        let specs = versions[v];
        // Walk the rows: anchors are recognised rows; between anchors, unlabeled rows fill the
        // spec rows the table lacks there if and only if the counts agree.
        let matched: Vec<Option<usize>> = row_matches.iter().map(|m| m[v]).collect();
        let mut prev_anchor: Option<usize> = None; // spec index of the previous anchor
        let mut gap: Vec<usize> = Vec::new(); // grid indices of unlabeled rows since it
        let mut fills: Vec<(usize, usize)> = Vec::new(); // (grid row, spec row)
        let mut seen_any_anchor = false;
        for (i, m) in matched.iter().enumerate() {
            match m {
                Some(spec_idx) => {
                    if seen_any_anchor {
                        let from = prev_anchor.map_or(0, |p| p + 1);
                        if *spec_idx >= from && spec_idx - from == gap.len() && !gap.is_empty() {
                            fills.extend(gap.iter().copied().zip(from..*spec_idx));
                        }
                    }
                    seen_any_anchor = true;
                    prev_anchor = Some(*spec_idx);
                    gap.clear();
                }
                None if unlabeled(&rows[i]) && seen_any_anchor => gap.push(i),
                None => {}
            }
        }
        for (grid, spec) in fills {
            if let Some(row) = rows.get_mut(grid) {
                row.cells.insert(0, Cow::Borrowed(specs[spec].0.text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(doc: &Doc) -> Vec<Vec<Vec<String>>> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { rows, .. } => Some(rows.iter().map(|r| r.cells.iter().map(|c| c.to_string()).collect()).collect()),
                Block::Para { .. } => None,
            })
            .collect()
    }

    /// The character-by-character forms `split_row` and `clean_inline` replaced.
    fn split_row_old(t: &str) -> Vec<String> {
        let t = t.strip_prefix('|').unwrap_or(t);
        let mut cells = Vec::new();
        let mut cur = String::new();
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&'|') => {
                    cur.push('|');
                    chars.next();
                }
                '|' => cells.push(clean_inline_old(&std::mem::take(&mut cur))),
                _ => cur.push(c),
            }
        }
        if !cur.trim().is_empty() {
            cells.push(clean_inline_old(&cur));
        }
        cells
    }

    /// The markup decoded one character at a time (no runs copied whole): what
    /// [`clean_inline`] must give.
    fn clean_inline_old(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        let mut pending_space = false;
        while let Some(c) = rest.chars().next() {
            let (step, emit) = inline_step(rest, c);
            if let Some(ch) = emit {
                push_collapsed(&mut out, &mut pending_space, ch);
            }
            rest = &rest[step..];
        }
        out
    }

    /// A line of up to `max - 1` pieces drawn by a xorshift generator (deterministic, no crate).
    fn random_line(state: &mut u64, pieces: &[&str], max: u64) -> String {
        let mut line = String::new();
        for _ in 0..(*state % max) {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            line.push_str(pieces[(*state % pieces.len() as u64) as usize]);
        }
        *state = state.wrapping_add(0x9e37_79b9);
        line
    }

    #[test]
    fn rows_split_and_cleaned_as_character_by_character() {
        let pieces = ["|", "\\", "\\|", "*", "**", "_", "__", "`", "<br>", "<BR />", "<b", "&nbsp;", "&amp;", " ", "\u{3000}", "\u{a0}", "\t", "本年", "（一）", "—", "、", "a", "1", "\\*", "\u{2003}"];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..4000 {
            let line = random_line(&mut state, &pieces, 12);
            assert_eq!(split_row(&line), split_row_old(&line), "{line:?}");
            assert_eq!(clean_inline(&line), clean_inline_old(&line), "{line:?}");
            assert_eq!(clean_inline(trim(&line)), clean_inline_old(&line), "{line:?}");
            assert_eq!(trim(&line), line.trim(), "{line:?}");
        }
    }

    /// The forms `label_key`, `is_number` and the trims replaced (`is_separator`'s is
    /// `separator_cells`, which it still calls after its fast paths).
    fn label_key_old(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                c if c.is_whitespace() || c == '\u{3000}' => {}
                '(' => out.push('（'),
                ')' => out.push('）'),
                '"' | '“' | '”' => {}
                _ => out.push(c),
            }
        }
        strip_numbering(&out).to_owned()
    }

    fn is_number_old(s: &str) -> bool {
        let s = s.strip_prefix(['-', '+', '−']).unwrap_or(s);
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') && s.chars().any(|c| c.is_ascii_digit())
    }

    #[test]
    fn byte_level_helpers_agree_with_the_character_forms() {
        let pieces = ["|", "-", ":", " ", "\t", "\u{b}", "\u{3000}", "\u{a0}", "\u{feff}", "\u{85}", "a", "0", "9", ".", ",", "+", "−", "(", ")", "\"", "“", "”", "一", "、", "（", "）", "１", "．", "表", "😀"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..6000 {
            let line = random_line(&mut state, &pieces, 10);
            let t = line.as_str();
            assert_eq!(is_separator(t), separator_cells(t), "{t:?}");
            assert_eq!(label_key(t), label_key_old(t), "{t:?}");
            assert_eq!(is_number(t), is_number_old(t), "{t:?}");
            assert_eq!(trim(t), t.trim(), "{t:?}");
            let bom = |c: char| c.is_whitespace() || c == '\u{feff}';
            assert_eq!(trim_by(t, bom), t.trim_matches(bom), "{t:?}");
            assert_eq!(split_lines(t), t.lines().collect::<Vec<_>>(), "{t:?}");
        }
        for text in ["", "\n", "a\r\nb\r\n", "a\n\nb", "a\r", "\r\n\r", "a\rb\n"] {
            assert_eq!(split_lines(text), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
        for n in 0..100 {
            for s in [n.to_string(), format!("{n:02}")] {
                assert_eq!(static_cell(&s).as_deref(), Some(s.as_str()));
            }
        }
        assert_eq!(static_cell("").as_deref(), Some(""));
        assert!(static_cell("100").is_none() && static_cell("a").is_none() && static_cell("0a").is_none() && static_cell("-1").is_none());
    }

    #[test]
    fn pipe_tables_headings_and_separators() {
        let doc = to_doc("# 一、总体情况\n正文\n\n| a | b \\| c | **3** |\n|---|:--:|---|\n| x |  | 4 |\n");
        assert_eq!(
            doc.blocks[0],
            Block::Para { text: "一、总体情况".into(), line: 1 }
        );
        assert_eq!(tables(&doc), vec![vec![vec!["a", "b | c", "3"], vec!["x", "", "4"]]]);
    }

    #[test]
    fn fragments_separated_by_loose_labels_merge() {
        let md = "| 一、本年新收 | 1 | 1 |\n|---|---|---|\n\n（二）部分\n公开\n| 0 | 0 |\n|---|---|\n\n三、政府信息公开行政复议\n| 9 |\n";
        let doc = to_doc(md);
        let t = tables(&doc);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].len(), 2);
        // the label debris between the fragments is gone; the heading that ends the table stays
        assert!(matches!(&doc.blocks[1], Block::Para { text, line: 9 } if text == "三、政府信息公开行政复议"));
    }

    #[test]
    fn loose_label_number_lines_become_rows() {
        let doc = to_doc("第二十条第（五）项\n行政许可 97\n为 2024 年 1 月 1 日。\n");
        assert_eq!(tables(&doc), vec![vec![vec!["行政许可", "97"]]]);
    }

    #[test]
    fn unlabeled_rows_get_labels_only_when_counts_agree() {
        let md = "| 1.属于国家秘密 | 1 |\n| 0 |\n| 3.危及“三安全一稳定” | 0 |\n| 4.保护第三方合法权益 | 0 |\n| 2 |\n| 3 |\n| 6.属于四类过程性信息 | 1 |\n";
        let doc = to_doc(md);
        let t = &tables(&doc)[0];
        assert_eq!(t[1][0], "2.其他法律行政法规禁止公开");
        // two unlabeled rows for one missing label (5.): left alone
        assert_eq!(t[4][0], "2");
        assert_eq!(t[5][0], "3");
    }
}
