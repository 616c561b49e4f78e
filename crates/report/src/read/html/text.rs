//! Text accumulation: whitespace collapsed on the fly, borrowed from the source where it can be.

use std::borrow::Cow;

/// Text with whitespace collapsed on the fly: runs of spaces, tabs, newlines, `&nbsp;` and the
/// ideographic space become one space; leading and trailing whitespace are dropped. A text that is
/// one unbroken run of the source (a number cell, most labels) is borrowed from it, not copied.
#[derive(Debug)]
pub(super) struct TextBuf<'a> {
    pub(super) src: &'a str,
    pub(super) text: String,
    /// The text so far is exactly `src[a..b]` (and `text` is empty).
    pub(super) span: Option<(usize, usize)>,
    pub(super) pending_space: bool,
    /// A block boundary inside a cell: kept as `\n` so a layout table can split its cells back
    /// into paragraphs; data cells turn it into a space.
    pub(super) pending_break: bool,
    pub(super) line: u32,
    /// The scanner is inside a link (`<a>`) or a form option.
    pub(super) in_link: bool,
    /// Some visible text came from outside links: the paragraph is not a menu entry.
    pub(super) plain: bool,
}

impl<'a> TextBuf<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        TextBuf { src, text: String::new(), span: None, pending_space: false, pending_break: false, line: 0, in_link: false, plain: false }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.span.is_none() && self.text.is_empty()
    }

    /// Copy a borrowed span into the buffer, before something is added to it.
    pub(super) fn materialize(&mut self) {
        if let Some((a, b)) = self.span.take() {
            self.text.push_str(&self.src[a..b]);
        }
    }

    /// Add `s`, which is `src[at..at + s.len()]`.
    pub(super) fn push_str(&mut self, at: usize, s: &str, line: u32) {
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

    pub(super) fn push_run(&mut self, at: usize, r: &str, line: u32) {
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

    pub(super) fn start(&mut self, line: u32) {
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

    pub(super) fn push(&mut self, c: char, line: u32) {
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
    pub(super) fn space(&mut self) {
        self.pending_break = true;
    }

    pub(super) fn take(&mut self) -> Option<(Cow<'a, str>, u32)> {
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
