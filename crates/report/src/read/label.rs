//! Labels: normalisation and matching of section headings, table captions, column headers and
//! row labels against the national formats.
//!
//! Reports print the format's wording with every kind of noise: spaces inside words (从 Word's
//! distributed alignment: `三、本 年 度 办 理 结 果`), half-width parentheses, `1、`/`1．` numbering,
//! straight quotes, `钩稽` for `勾稽`, `&nbsp;`. [`normalize`] removes that noise, so two labels
//! that differ only in it compare equal. What is left is a difference in substance (a typo, a
//! truncated label, another word such as `不再受理` for `不再处理`): the matchers still find the
//! row when they can do so safely and say it is a [`Quality::Variant`], which the assembler
//! reports as LABEL_MISMATCH or SECTION_TITLE.
//!
//! Matching never guesses between rows: exact normalised match first; then the row with the same
//! number in the current group (`2.` under （三）不予公开); then similarity over all rows, accepted
//! only above a threshold and with a clear margin over the runner-up.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use gongkai_domain::report::spec::{
    BlockSpec, FORMAT_2019, FORMAT_2021, FormatSpec, FormatVersion, RowSpec, SECTIONS, SectionSpec, TableId,
};

use super::decode::is_blank;

/// Normalise a label: drop all whitespace (incl. U+3000, NBSP, zero-width) and `&nbsp;`; full-width
/// ASCII to half-width; parentheses, commas, colons and semicolons to their full-width forms; all
/// double and single quotes to `"`; leading numbering `1、`/`1．` to `1.` and `一.`/`一．` to
/// `一、`; `钩稽` to `勾稽`. Linear, one allocation.
pub fn normalize(s: &str) -> String {
    normalize_cow(s).into_owned()
}

/// [`normalize`], borrowing `s` when it is already normal (the format's own wording, as most
/// reports print it): no allocation then.
pub fn normalize_cow(s: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    // Unchanged text is copied in runs; only the characters that change are handled one by one,
    // and only characters whose UTF-8 lead byte can start one that changes are decoded.
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let (len, repl): (usize, Option<char>) = if x < 0x80 {
            match x {
                b' ' | b'\t'..=b'\r' => (1, None),
                b'(' => (1, Some('（')),
                b')' => (1, Some('）')),
                b',' => (1, Some('，')),
                b':' => (1, Some('：')),
                b';' => (1, Some('；')),
                b'\'' => (1, Some('"')),
                b'&' => match strip_entity(&s[i..]) {
                    Some(rest) => (s.len() - i - rest.len(), None),
                    None => {
                        i += 1;
                        continue;
                    }
                },
                _ => {
                    i += 1;
                    continue;
                }
            }
        } else if !matches!(x, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xE9 | 0xEF) || unchanged_3(b, i) {
            i += match x {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            continue;
        } else {
            let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else { break };
            let len = c.len_utf8();
            let repl = match c {
                c if is_blank(c) => None,
                '（' | '）' | '，' | '：' | '；' => {
                    i += len;
                    continue;
                }
                '\u{FF01}'..='\u{FF5E}' => match char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) {
                    '(' => Some('（'),
                    ')' => Some('）'),
                    ',' => Some('，'),
                    ':' => Some('：'),
                    ';' => Some('；'),
                    '\'' => Some('"'),
                    a => Some(a),
                },
                '“' | '”' | '„' | '‟' | '「' | '」' | '‘' | '’' => Some('"'),
                '钩' => Some('勾'),
                _ => {
                    i += len;
                    continue;
                }
            };
            (len, repl)
        };
        let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
        o.push_str(&s[run..i]);
        if let Some(c) = repl {
            o.push(c);
        }
        i += len;
        run = i;
    }
    let mut cow = match out {
        None => Cow::Borrowed(s),
        Some(mut o) => {
            o.push_str(s.get(run..).unwrap_or(""));
            Cow::Owned(o)
        }
    };
    if let Some((range, with)) = numbering_fix(&cow) {
        cow.to_mut().replace_range(range, with);
    }
    cow
}

/// Common characters with a lead byte that [`normalize_cow`] must look at, which it leaves as
/// they are: CJK punctuation (、。《》 but not the ideographic space or 「」) and the full-width
/// （）,，：； (but not other full-width ASCII). Decided from the bytes, without decoding.
fn unchanged_3(b: &[u8], i: usize) -> bool {
    match (b.get(i), b.get(i + 1), b.get(i + 2)) {
        (Some(0xE3), Some(0x80), Some(&c)) => !matches!(c, 0x80 | 0x8C | 0x8D),
        (Some(0xE3), Some(_), Some(_)) => true,
        (Some(0xEF), Some(0xBC), Some(&c)) => matches!(c, 0x88 | 0x89 | 0x8C | 0x9A | 0x9B) || c == 0x80,
        (Some(0xEF), Some(0xBB), Some(&c)) => c != 0xBF,
        (Some(0xEF), Some(0xBD), Some(&c)) => c > 0x9E,
        (Some(0xEF), Some(_), Some(_)) => true,
        (Some(0xE9), Some(&m), Some(&c)) => !(m == 0x92 && c == 0xA9),
        _ => false,
    }
}

/// `&nbsp;` / `&#160;` / `&#xa0;` / `&ensp;` / `&emsp;` at the start of `s`: the rest after it.
fn strip_entity(s: &str) -> Option<&str> {
    for e in ["&nbsp;", "&#160;", "&#xa0;", "&#xA0;", "&ensp;", "&emsp;", "&nbsp"] {
        if let Some(r) = s.strip_prefix(e) {
            return Some(r);
        }
    }
    None
}

const CN_DIGITS: &str = "一二三四五六七八九十";

fn is_cn_digit(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
}

/// The leading numbering to rewrite: `1、` → `1.`, `一.` / `一，` → `一、`.
fn numbering_fix(s: &str) -> Option<(std::ops::Range<usize>, &'static str)> {
    // Arabic: 1、 1． (already 1. after the full-width mapping) → 1.
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return (digits <= 2 && s[digits..].starts_with('、')).then(|| (digits..digits + '、'.len_utf8(), "."));
    }
    // Chinese: 一. 一， → 一、 (but not 一.5, not a numbering)
    let cn: usize = s.chars().take_while(|c| is_cn_digit(*c)).map(char::len_utf8).sum();
    if cn > 0
        && cn <= 6
        && let Some(sep @ ('.' | '，' | '．')) = s[cn..].chars().next()
    {
        return Some((cn..cn + sep.len_utf8(), "、"));
    }
    None
}

/// A label's leading number, as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Numbering {
    /// 一、 (level 0 of table 三, section headings).
    Top(u8),
    /// （一） (level 1).
    Paren(u8),
    /// 1. (level 2).
    Arabic(u8),
}

fn cn_value(s: &str) -> Option<u8> {
    let mut chars = s.chars();
    let digit = |c: char| CN_DIGITS.chars().position(|d| d == c).map(|p| u8::try_from(p + 1).unwrap_or(0));
    match (chars.next(), chars.next(), chars.next()) {
        (Some(c), None, None) => digit(c),
        (Some('十'), Some(c), None) => digit(c).filter(|&d| d < 10).map(|d| 10 + d),
        (Some(a), Some('十'), None) => digit(a).filter(|&d| d < 10).map(|d| d * 10),
        _ => None,
    }
}

/// Split a *normalised* label into its numbering and its body.
pub fn split_number(norm: &str) -> (Option<Numbering>, &str) {
    let digits = norm.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) && norm[digits..].starts_with('.') {
        let n = norm[..digits].parse().ok();
        return (n.map(Numbering::Arabic), &norm[digits + 1..]);
    }
    if let Some(r) = norm.strip_prefix('（')
        && let Some(end) = r.find('）')
            && let Some(n) = cn_value(&r[..end]) {
                return (Some(Numbering::Paren(n)), &r[end + '）'.len_utf8()..]);
            }
    if let Some(pos) = norm.find('、')
        && let Some(n) = cn_value(&norm[..pos]) {
            return (Some(Numbering::Top(n)), &norm[pos + '、'.len_utf8()..]);
        }
    (None, norm)
}

/// Similarity of two strings in [0, 1]: 2·LCS / (|a| + |b|), over characters (the first 96 of
/// each). Callers comparing one label with many build a [`Similar`] once.
pub fn similarity(a: &str, b: &str) -> f32 {
    Similar::new(a).to(b)
}

/// One side of [`similarity`], prepared: its distinct characters, each with the bit mask of the
/// positions where it occurs. The LCS is then computed bit-parallel (Hyyrö 2004: one add, and,
/// or per character of the other side, no table, no allocation), exactly as the quadratic
/// dynamic programme would.
#[derive(Debug, Clone)]
pub struct Similar {
    /// Distinct characters of the first 96 (unused slots are never read).
    chars: [char; 96],
    /// `masks[k]`: bit i set where character i of the string is `chars[k]`.
    masks: [u128; 96],
    distinct: usize,
    len: usize,
}

impl Similar {
    /// Prepare `a`.
    pub fn new(a: &str) -> Self {
        let mut s = Self { chars: ['\0'; 96], masks: [0; 96], distinct: 0, len: 0 };
        for c in a.chars().take(96) {
            let k = match s.chars[..s.distinct].iter().position(|&x| x == c) {
                Some(k) => k,
                None => {
                    s.chars[s.distinct] = c;
                    s.distinct += 1;
                    s.distinct - 1
                }
            };
            s.masks[k] |= 1u128 << s.len;
            s.len += 1;
        }
        s
    }

    /// [`similarity`] of the prepared string and `b`.
    pub fn to(&self, b: &str) -> f32 {
        if self.len == 0 || b.is_empty() {
            return 0.0;
        }
        let chars = &self.chars[..self.distinct];
        // Bits of V at positions 0..len: 0 where the LCS prefix grows (Hyyrö's V vector).
        let mut v = u128::MAX;
        let mut blen = 0usize;
        for c in b.chars().take(96) {
            blen += 1;
            if let Some(k) = chars.iter().position(|&x| x == c) {
                let u = v & self.masks[k];
                v = v.wrapping_add(u) | (v - u);
            }
        }
        lcs_score(v, self.len, blen)
    }
}

/// The similarity from Hyyrö's V vector after the last character of the other side: `len` and
/// `blen` are the two lengths (each at most 96).
fn lcs_score(v: u128, len: usize, blen: usize) -> f32 {
    let used = (1u128 << len) - 1; // len ≤ 96 < 128
    let lcs = len - (v & used).count_ones() as usize;
    #[expect(clippy::cast_precision_loss, reason = "label lengths are below 100")]
    let (lcs, total) = (lcs as f32, (len + blen) as f32);
    2.0 * lcs / total
}

/// [`Similar`] for one label compared with every row of a format: the format's characters are
/// numbered once ([`Labels::alphabet`]) and its rows stored as those numbers, so the label's
/// masks are indexed by number instead of searched for each character of each row. The same
/// computation and the same result as [`similarity`] (a character of the label that no row
/// has matches nothing either way).
#[derive(Debug)]
struct SimilarIds {
    /// `masks[k]`: bit i set where character i of the label is the alphabet's character `k`.
    masks: Vec<u128>,
    len: usize,
    /// The alphabet numbers whose masks are set (with repeats): what `drop` clears.
    set: [u16; 96],
    nset: usize,
}

thread_local! {
    /// The mask vector of the last [`SimilarIds`] dropped on this thread, all zero, for the next
    /// one: a label compared by similarity does not allocate and zero a vector as long as the
    /// alphabet each time.
    static SPARE_MASKS: std::cell::Cell<Vec<u128>> = const { std::cell::Cell::new(Vec::new()) };
}

impl SimilarIds {
    fn new(a: &str, alphabet: &LabelMap<char, u16>) -> Self {
        let mut masks = SPARE_MASKS.take();
        // the spare is all zero (see `drop`); extended with zeros to the alphabet's size
        masks.resize(masks.len().max(alphabet.len()), 0);
        let mut s = Self { masks, len: 0, set: [0; 96], nset: 0 };
        for c in a.chars().take(96) {
            if let Some(&k) = alphabet.get(&c) {
                s.masks[usize::from(k)] |= 1u128 << s.len;
                s.set[s.nset] = k;
                s.nset += 1;
            }
            s.len += 1;
        }
        s
    }

    /// [`similarity`] of the label and a row given as alphabet numbers (its first 96 characters).
    fn to(&self, b: &[u16]) -> f32 {
        if self.len == 0 || b.is_empty() {
            return 0.0;
        }
        let mut v = u128::MAX;
        for &k in b {
            let u = v & self.masks[usize::from(k)];
            v = v.wrapping_add(u) | (v - u);
        }
        lcs_score(v, self.len, b.len())
    }
}

impl Drop for SimilarIds {
    /// Hand the masks back for the next label, zeroed (only the label's own characters' masks
    /// are set: those are cleared, not the whole vector).
    fn drop(&mut self) {
        let mut masks = std::mem::take(&mut self.masks);
        for &k in &self.set[..self.nset] {
            masks[usize::from(k)] = 0;
        }
        SPARE_MASKS.set(masks);
    }
}

/// How well a printed label matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    /// Equal to the format's wording after normalisation (or a tolerated abbreviation such as
    /// （二）部分公开 without its note).
    Exact,
    /// Matched, but the wording differs in substance: LABEL_MISMATCH / SECTION_TITLE.
    Variant,
}

// ---- sections ----------------------------------------------------------------------------------

/// A recognised section heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionMatch {
    /// The format's section.
    pub spec: &'static SectionSpec,
    /// The number as printed (一 … 六), or empty.
    pub number: String,
    /// Exact or a variant wording.
    pub quality: Quality,
    /// Byte offset in the raw text where the heading ends (text after it on the same line is the
    /// section's first paragraph), or the raw length.
    pub end: usize,
}

/// Known variant wordings of the section titles (the Art. 50 wording, the 2019 notice, and what
/// agencies print), normalised, with the section index. Matching also uses similarity; these
/// catch variants too different for it.
const SECTION_VARIANTS: &[(usize, &str)] = &[
    (0, "概述"),
    (0, "基本情况"),
    (0, "总体工作情况"),
    (1, "主动公开政府信息的情况"),
    (1, "主动公开情况"),
    (2, "收到和处理政府信息公开申请的情况"),
    (2, "依申请公开政府信息情况"),
    (3, "因政府信息公开工作被申请行政复议、提起行政诉讼的情况"),
    (3, "政府信息公开行政复议和行政诉讼情况"),
    (3, "行政复议、行政诉讼情况"),
    (4, "存在的主要问题及下步打算"),
    (4, "存在的主要问题及整改措施"),
    (4, "存在的主要问题及改进措施"),
    (4, "存在的主要问题及改进方向"),
    (4, "政府信息公开工作存在的主要问题及改进情况"),
    (4, "存在的问题及改进情况"),
    (4, "存在的主要问题和改进情况"),
    (5, "其他需要报告的事情"),
    (5, "其它需要报告的事项"),
];

/// Recognise a section heading at the start of a paragraph. The paragraph must start with a
/// Chinese numeral and `、` (or `.`/`．`); the title decides the section (reports renumber and
/// reorder), the number breaks ties. `expected` is the index (0-5) of the section the reader
/// expects next, which lets a heading with an unfamiliar title still count when its number is
/// the next one. A long paragraph counts only when it *starts with* a title exactly (crawler
/// text puts heading and text on one line).
pub fn match_section(raw: &str, expected: Option<usize>) -> Option<SectionMatch> {
    // Cheap rejection on the hot path: headings start with a Chinese numeral (after blanks).
    if !raw.chars().find(|c| !is_blank(*c)).is_some_and(is_cn_digit) {
        return without_numeral(raw, expected);
    }
    let head = numbered_head(raw)?;
    let (num, body) = split_number(&head);
    let Some(Numbering::Top(n)) = num else { return None };
    let number: String = head.chars().take_while(|c| is_cn_digit(*c)).collect();
    // 1. exact title, whole or as a prefix
    if let Some(i) = exact_title(body) {
        // A report that renumbers its sections (narrative parts first) keeps the wording:
        // the number alone is not a title difference.
        let end = raw_offset(raw, number.chars().count() + 1 + SECTIONS[i].title.chars().count());
        return Some(SectionMatch { spec: &SECTIONS[i], number, quality: Quality::Exact, end });
    }
    let short = body.chars().nth(40).is_none() && raw.chars().filter(|c| !is_blank(*c)).nth(48).is_none();
    if !short {
        return None;
    }
    let body_trim = body.trim_end_matches(['。', '：', ':', '.']);
    // 2. known variants
    if let Some(&(i, _)) = SECTION_VARIANTS.iter().find(|(_, v)| *v == body_trim) {
        return Some(SectionMatch { spec: &SECTIONS[i], number, quality: Quality::Variant, end: raw.len() });
    }
    // 3. similarity, with the number as a bonus
    let mut best: Option<(usize, f32)> = None;
    let mut second = 0.0f32;
    let (alphabet, titles) = &*SECTION_TITLE_IDS;
    let similar = SimilarIds::new(body_trim, alphabet);
    for (i, ids) in titles.iter().enumerate() {
        let mut sim = similar.to(ids);
        if usize::from(n) == i + 1 {
            sim += 0.1;
        }
        keep_best(&mut best, &mut second, i, sim);
    }
    if let Some((i, sim)) = best
        && sim >= 0.65 && sim - second >= 0.15 {
            return Some(SectionMatch { spec: &SECTIONS[i], number, quality: Quality::Variant, end: raw.len() });
        }
    // 4. an unfamiliar title under the number the reader expects next
    let i = usize::from(n).checked_sub(1)?;
    if expected == Some(i) && i < 6 && body.chars().count() <= 24 && !body.contains(['。', '，', '；']) && similarity(body_trim, SECTIONS[i].title) >= 0.3 {
        return Some(SectionMatch { spec: &SECTIONS[i], number, quality: Quality::Variant, end: raw.len() });
    }
    None
}

/// A label as alphabet numbers (see [`char_ids`]).
type CharIds = Vec<u16>;

/// The section titles as alphabet numbers (their own alphabet), for [`SimilarIds`]: the same
/// similarity as [`similarity`] with a title, without searching the label's characters for
/// each character of each title.
static SECTION_TITLE_IDS: LazyLock<(LabelMap<char, u16>, Vec<CharIds>)> = LazyLock::new(|| {
    let mut alphabet = LabelMap::default();
    let titles = SECTIONS.iter().map(|s| char_ids(s.title, &mut alphabet)).collect();
    (alphabet, titles)
});

/// The section a paragraph names in the format's exact wording after its numeral: the section
/// of `match_section(raw, _)` when its quality is [`Quality::Exact`] (which does not depend on
/// the expected section), without the work only the other matches need.
pub fn exact_section(raw: &str) -> Option<&'static SectionSpec> {
    let head = numbered_head(raw)?;
    let (Some(Numbering::Top(_)), body) = split_number(&head) else { return None };
    exact_title(body).map(|i| &SECTIONS[i])
}

/// The normalised start (first 80 characters; only about 60 matter) of a paragraph that starts
/// like a numbered heading: a Chinese numeral (after blanks) followed by its separator (一、 一.
/// 一，), not by text (一是…).
fn numbered_head(raw: &str) -> Option<Cow<'_, str>> {
    let mut visible = raw.chars().filter(|c| !is_blank(*c));
    if !visible.next().is_some_and(is_cn_digit) || !visible.find(|c| !is_cn_digit(*c)).is_some_and(|c| matches!(c, '、' | '.' | '．' | '，' | ',' | '&')) {
        return None;
    }
    let cut = raw.char_indices().nth(80).map_or(raw.len(), |(i, _)| i);
    Some(normalize_cow(&raw[..cut]))
}

/// The section whose exact title a heading's body is, whole or followed by text that is not
/// more title.
fn exact_title(body: &str) -> Option<usize> {
    SECTIONS.iter().position(|s| body == s.title || (body.starts_with(s.title) && !short_continuation(&body[s.title.len()..])))
}

/// A heading printed without its numeral (`其他需要报告的事项`): the exact title of the section
/// the reader expects next, alone on its line (a variant: SECTION_TITLE). Any other section's
/// title without a numeral is text, not a heading.
fn without_numeral(raw: &str, expected: Option<usize>) -> Option<SectionMatch> {
    let s = SECTIONS.get(expected?)?;
    // cheap rejection: its last character (looked at before the leading blanks are trimmed:
    // the trailing punctuation trimmed never reaches them, and a blank is never the title's
    // last character), and about the title's length (3 bytes a character)
    let end_trimmed = raw.trim_end_matches(is_blank);
    if !end_trimmed.trim_end_matches(['。', '：', ':', '.']).ends_with(s.title.chars().last()?) {
        return None;
    }
    let t = end_trimmed.trim_start_matches(is_blank);
    if t.len() + 6 < s.title.len() || t.len() > s.title.len() + 12 {
        return None;
    }
    let norm = normalize_cow(t);
    let body = norm.trim_end_matches(['。', '：', ':', '.']);
    (body == s.title).then(|| SectionMatch { spec: s, number: String::new(), quality: Quality::Variant, end: raw.len() })
}

/// After an exact title at the start of a long paragraph: is the rest merely more title
/// (`总体情况的说明`)? Then it is not a heading followed by text.
fn short_continuation(rest: &str) -> bool {
    let first = rest.chars().next();
    matches!(first, Some('的' | '和' | '及' | '与' | '、'))
}

/// The byte offset in `raw` after `n` non-blank characters (entities count as blank).
pub fn raw_offset(raw: &str, n: usize) -> usize {
    let mut seen = 0;
    let mut rest = raw;
    while seen < n {
        if rest.starts_with('&')
            && let Some(r) = strip_entity(rest) {
                rest = r;
                continue;
            }
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        if !is_blank(c) {
            seen += 1;
        }
    }
    raw.len() - rest.len()
}

// ---- table rows ----------------------------------------------------------------------------------

/// A row of a format, prepared for matching.
#[derive(Debug)]
struct RowEntry {
    table: TableId,
    block: &'static BlockSpec,
    row: &'static RowSpec,
    num: Option<Numbering>,
    /// Normalised body (label without its number).
    body: String,
    /// `body` as [`Labels::alphabet`] numbers, for [`SimilarIds`].
    body_ids: Vec<u16>,
    /// A shorter form that counts as exact too (（二）部分公开 without its note), as numbers.
    short_ids: Option<Vec<u16>>,
}

/// A format's labels, normalised once.
#[derive(Debug)]
struct Labels {
    rows: Vec<RowEntry>,
    /// Normalised full label or body → index in `rows`, per table.
    /// Per table (二, 三).
    exact: [LabelMap<String, usize>; 2],
    /// Every character of the rows' bodies and short forms, numbered.
    alphabet: LabelMap<char, u16>,
}

/// A map of the format's labels (or their characters), looked up for every label a report
/// prints: hashed with FNV-1a, cheaper than the default SipHash on such short keys (which are
/// the format's own wording, not chosen by anyone to collide).
type LabelMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv1a>>;

/// The FNV-1a hash (64 bits).
#[derive(Debug, Clone, Copy)]
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
}

/// The first 96 characters of `s` as alphabet numbers, numbering the new ones.
fn char_ids(s: &str, alphabet: &mut LabelMap<char, u16>) -> Vec<u16> {
    s.chars()
        .take(96)
        .map(|c| {
            let next = u16::try_from(alphabet.len()).unwrap_or(u16::MAX);
            *alphabet.entry(c).or_insert(next)
        })
        .collect()
}

fn build(format: &'static FormatSpec) -> Labels {
    let mut rows = Vec::new();
    let mut exact: [LabelMap<String, usize>; 2] = [LabelMap::default(), LabelMap::default()];
    let mut alphabet = LabelMap::default();
    for t in TableId::ALL {
        if t == TableId::T4 {
            continue;
        }
        for (block, row) in format.table(t).rows() {
            let norm = normalize(row.text);
            let (num, body) = split_number(&norm);
            let short = (row.id == "partial").then_some("部分公开");
            let idx = rows.len();
            let map = &mut exact[usize::from(t == TableId::T3)];
            map.insert(norm.clone(), idx);
            map.entry(body.to_owned()).or_insert(idx);
            if let Some(s) = short {
                map.insert(s.to_owned(), idx);
            }
            let body_ids = char_ids(body, &mut alphabet);
            let short_ids = short.map(|s| char_ids(s, &mut alphabet));
            rows.push(RowEntry { table: t, block, row, num, body: body.to_owned(), body_ids, short_ids });
        }
    }
    Labels { rows, exact, alphabet }
}

static LABELS_2021: LazyLock<Labels> = LazyLock::new(|| build(&FORMAT_2021));
static LABELS_2019: LazyLock<Labels> = LazyLock::new(|| build(&FORMAT_2019));

fn labels(format: FormatVersion) -> &'static Labels {
    match format {
        FormatVersion::V2021 => &LABELS_2021,
        FormatVersion::V2019 => &LABELS_2019,
    }
}

/// A matched table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowMatch {
    /// The table.
    pub table: TableId,
    /// The block of the row (table 二 has several).
    pub block: &'static BlockSpec,
    /// The row's spec.
    pub row: &'static RowSpec,
    /// Exact or variant.
    pub quality: Quality,
}

/// Extra wordings of table 二 rows accepted as *variants* (matched, LABEL_MISMATCH), where
/// similarity alone would be too weak or ambiguous.
const T2_VARIANTS: &[(&str, &str)] = &[("规范性文件", "normative_docs"), ("行政规范性文件", "normative_docs")];

/// Match a row label of table `table` (二 or 三) in `format`. `group` is the id of the group the
/// row is printed under, when known (e.g. `denied`), which lets `2.` plus a typo find its row.
pub fn match_row(format: FormatVersion, table: TableId, raw: &str, group: Option<&str>) -> Option<RowMatch> {
    let norm = normalize_cow(raw);
    match_row_norm(format, table, &norm, group)
}

/// [`match_row`] on an already normalised label.
pub fn match_row_norm(format: FormatVersion, table: TableId, norm: &str, group: Option<&str>) -> Option<RowMatch> {
    match_row_in(format, table, norm, group, true)
}

/// Whether `raw` is a row label of `table` in the format's wording, as
/// `match_row(…).is_some_and(|m| m.quality == Quality::Exact)` says: the similarity steps only
/// ever find variants, so they are skipped.
pub fn is_exact_row(format: FormatVersion, table: TableId, raw: &str, group: Option<&str>) -> bool {
    let norm = normalize_cow(raw);
    match_row_in(format, table, &norm, group, false).is_some_and(|m| m.quality == Quality::Exact)
}

/// [`match_row_norm`] without the similarity steps: the format's wording (or a listed variant)
/// only. Cheap; a caller trying several tables tries this in each before any similarity.
pub fn match_row_exact(format: FormatVersion, table: TableId, norm: &str, group: Option<&str>) -> Option<RowMatch> {
    match_row_in(format, table, norm, group, false)
}

fn match_row_in(format: FormatVersion, table: TableId, norm: &str, group: Option<&str>, fuzzy: bool) -> Option<RowMatch> {
    if norm.is_empty() || table == TableId::T4 {
        return None;
    }
    let labels = labels(format);
    let hit = |i: usize, quality| {
        let e: &RowEntry = &labels.rows[i];
        RowMatch { table: e.table, block: e.block, row: e.row, quality }
    };
    let (num, body) = split_number(norm);
    // 1. exact, with or without the number
    let exact = &labels.exact[usize::from(table == TableId::T3)];
    let body_trim = body.trim_end_matches(['。', '；', '，', '：']);
    if let Some(&i) = exact.get(norm).filter(|&&i| num.is_some() || labels.rows[i].num.is_none() || body_trim.chars().count() >= 3) {
        return Some(hit(i, Quality::Exact));
    }
    if let Some(&i) = exact.get(body_trim) {
        // A bare 其他 / 总计 is a column header as often as a row: it needs its number or its group.
        let e = &labels.rows[i];
        let short = body_trim.chars().count() < 3 && e.num.is_some();
        if !short || (num.is_some() && num == e.num) || (e.row.parent.is_some() && e.row.parent == group) {
            return Some(hit(i, Quality::Exact));
        }
        return None;
    }
    if table == TableId::T2
        && let Some((_, id)) = T2_VARIANTS.iter().find(|(v, _)| *v == body_trim)
            && let Some(i) = labels.rows.iter().position(|e| e.table == table && e.row.id == *id) {
                return Some(hit(i, Quality::Variant));
            }
    // Too short to say anything by similarity (a lone "其他", "合计", a stray character).
    if !fuzzy || body_trim.chars().count() < 2 {
        return None;
    }
    // 2. the same number in the current group
    if let (Some(num), Some(group)) = (num, group)
        && let Some(i) = labels.rows.iter().position(|e| e.table == table && e.row.parent == Some(group) && e.num == Some(num))
            && similarity(body_trim, &labels.rows[i].body) >= 0.5 {
                return Some(hit(i, Quality::Variant));
            }
    // 3. similarity over the table's rows
    if !similarity_can_reach(labels, table, num, body_trim.chars().take(96).count(), 0.72) {
        return None;
    }
    let mut best: Option<(usize, f32)> = None;
    let mut second = 0.0f32;
    let similar = SimilarIds::new(body_trim, &labels.alphabet);
    for (i, e) in labels.rows.iter().enumerate().filter(|(_, e)| e.table == table) {
        let mut sim = similar.to(&e.body_ids);
        if num.is_some() && e.num == num {
            sim += 0.05;
        }
        if let Some(s) = &e.short_ids {
            sim = sim.max(similar.to(s));
        }
        keep_best(&mut best, &mut second, i, sim);
    }
    let (i, sim) = best?;
    // Short labels need a higher bar: one character of "行政处罚" vs "行政强制" is half the word.
    let bar = if labels.rows[i].body.chars().count() <= 6 { 0.85 } else { 0.72 };
    (sim >= bar && sim - second >= 0.1).then(|| hit(i, Quality::Variant))
}

/// Whether step 3 of [`match_row_in`] could score any row of `table` at `bar` or above, for a
/// label body of `len` characters (its first 96): a bound from the lengths alone. The LCS of two
/// strings is at most the shorter length, and the score is computed from it by the same
/// monotone `f32` steps (times two, over the total, plus the number bonus), so the bound is at
/// least the score the loop would compute. When no row can reach the lowest bar, the loop cannot
/// accept any row: long paragraph lines met inside a table are rejected without it.
fn similarity_can_reach(labels: &Labels, table: TableId, num: Option<Numbering>, len: usize, bar: f32) -> bool {
    labels.rows.iter().filter(|e| e.table == table).any(|e| {
        let mut sim = lcs_bound(len, e.body_ids.len());
        if num.is_some() && e.num == num {
            sim += 0.05;
        }
        if let Some(s) = &e.short_ids {
            sim = sim.max(lcs_bound(len, s.len()));
        }
        sim >= bar
    })
}

/// The highest [`lcs_score`] two strings of `len` and `blen` characters can have (an LCS as long
/// as the shorter), computed by the same `f32` steps.
fn lcs_bound(len: usize, blen: usize) -> f32 {
    if len == 0 || blen == 0 {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "label lengths are below 100")]
    let (lcs, total) = (len.min(blen) as f32, (len + blen) as f32);
    2.0 * lcs / total
}

// ---- table 二 captions and column headers ------------------------------------------------------

/// The block of table 二 a caption names: `第二十条第（一）项` → `art20_1`. Accepts the caption
/// with or without parentheses; returns the block's index in the format's table 二.
pub fn match_t2_caption(format: FormatVersion, raw: &str) -> Option<usize> {
    // Normalisation neither makes nor removes a 条: most lines are rejected without it.
    if !raw.contains('条') {
        return None;
    }
    let norm = normalize_cow(raw);
    let rest = norm.strip_prefix("第二十条")?;
    let rest = rest.strip_prefix('第').unwrap_or(rest);
    let rest = rest.strip_prefix('（').unwrap_or(rest);
    let end = rest.find(['）', '项'])?;
    let n = cn_value(&rest[..end])?;
    let id = format!("art20_{n}");
    format.spec().t2.blocks.iter().position(|b| b.id == id)
}

/// Which format a table 二 column header belongs to, if it is one: exact wording of the 2021 or
/// the 2019 format.
pub fn t2_header_format(raw: &str) -> Option<FormatVersion> {
    let norm = normalize_cow(raw);
    let [h2021, h2019] = &*T2_HEADERS;
    if h2021.iter().any(|h| *h == norm) {
        Some(FormatVersion::V2021)
    } else if h2019.iter().any(|h| *h == norm) {
        Some(FormatVersion::V2019)
    } else {
        None
    }
}

/// The table 二 column headers of the 2021 and the 2019 format, normalised once.
static T2_HEADERS: LazyLock<[Vec<String>; 2]> = LazyLock::new(|| {
    let headers = |f: &FormatSpec| f.t2.blocks.iter().flat_map(|b| b.columns).map(|c| normalize(c.text)).collect();
    [headers(&FORMAT_2021), headers(&FORMAT_2019)]
});

/// Compare a printed column header of a table 二 block with the format's: `None` when they
/// agree after normalisation, `Some(quality)` otherwise (`Variant` when it is recognisably that
/// column, e.g. 本年度止件数 for 本年废止件数).
pub fn compare_header(printed: &str, expected: &str) -> Option<Quality> {
    let p = normalize_cow(printed);
    let e = normalize_cow(expected);
    if p == e {
        return None;
    }
    Some(Quality::Variant)
}

/// Whether a normalised cell is one of table 三's column headers or its corner note.
pub fn is_t3_header(norm: &str) -> bool {
    const H: &[&str] = &["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构"];
    H.contains(&norm) || norm.contains("勾稽关系") || norm.starts_with("（本列数据")
}

/// Whether a normalised cell is one of table 四's headers.
pub fn is_t4_header(norm: &str) -> bool {
    const H: &[&str] = &["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉"];
    H.contains(&norm)
}


/// Track the best-scoring candidate and the runner-up's score (a match needs a margin over it).
fn keep_best(best: &mut Option<(usize, f32)>, second: &mut f32, i: usize, sim: f32) {
    match *best {
        Some((_, b)) if sim <= b => *second = second.max(sim),
        _ => {
            if let Some((_, b)) = *best {
                *second = second.max(b);
            }
            *best = Some((i, sim));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quadratic LCS the bit-parallel one replaced.
    fn similarity_dp(a: &str, b: &str) -> f32 {
        let a: Vec<char> = a.chars().take(96).collect();
        let b: Vec<char> = b.chars().take(96).collect();
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let mut prev = vec![0u16; b.len() + 1];
        let mut cur = vec![0u16; b.len() + 1];
        for &ca in &a {
            for (j, &cb) in b.iter().enumerate() {
                cur[j + 1] = if ca == cb { prev[j] + 1 } else { cur[j].max(prev[j + 1]) };
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        2.0 * f32::from(prev[b.len()]) / (a.len() + b.len()) as f32
    }

    #[test]
    fn bit_parallel_similarity_equals_the_dynamic_programme() {
        // strings over a small alphabet (many repeats), of every length up to past the 96 cut
        let alphabet: Vec<char> = "本年度政府信息公开申请数量ab1（）、".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3000 {
            let mut word = |max: u64| -> String {
                let n = next() % max;
                (0..n).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect()
            };
            let max = if round % 10 == 0 { 130 } else { 30 };
            let (a, b) = (word(max), word(max));
            assert_eq!(similarity(&a, &b).to_bits(), similarity_dp(&a, &b).to_bits(), "{a:?} {b:?}");
        }
        for label in ["本年新收政府信息公开申请数量", "（三）不予公开", "其他"] {
            for row in ["本年新收政府信息公开申请数量", "三、本年度办理结果", "1.属于国家秘密", "", "其他"] {
                assert_eq!(similarity(label, row).to_bits(), similarity_dp(label, row).to_bits());
            }
        }
    }

    #[test]
    fn similarity_by_alphabet_numbers_equals_similarity() {
        let long = "本年新收政府信息公开申请数量".repeat(8);
        let mut probes = vec!["", "其他", "x", "本年新收政府信息公开申请数量", "（三）不予公开", "部分公开", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "abc本年度办理结果ΩΩ", long.as_str()];
        let (l21, l19) = (labels(FormatVersion::V2021), labels(FormatVersion::V2019));
        probes.extend(l21.rows.iter().chain(&l19.rows).map(|e| e.body.as_str()));
        let (alphabet, titles) = &*SECTION_TITLE_IDS;
        for probe in &probes {
            let s = SimilarIds::new(probe, alphabet);
            for (ids, section) in titles.iter().zip(SECTIONS.iter()) {
                assert_eq!(s.to(ids).to_bits(), similarity(probe, section.title).to_bits(), "{probe:?} {:?}", section.title);
            }
        }
        for labels in [l21, l19] {
            for probe in &probes {
                let s = SimilarIds::new(probe, &labels.alphabet);
                for e in &labels.rows {
                    assert_eq!(s.to(&e.body_ids).to_bits(), similarity(probe, &e.body).to_bits(), "{probe:?} {:?}", e.body);
                    if let Some(ids) = &e.short_ids {
                        assert_eq!(s.to(ids).to_bits(), similarity(probe, "部分公开").to_bits());
                    }
                }
            }
        }
    }

    #[test]
    fn exact_section_is_match_section_exact() {
        for raw in ["一、总体情况", "一、 总 体 情 况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况。本年度…", "一、总体情况的说明", "一是总体情况", "六、其他需要报告的事项", "总体情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "(一)总体情况", "一. 总体情况"] {
            for expected in [None, Some(0), Some(3)] {
                let m = match_section(raw, expected).filter(|m| m.quality == Quality::Exact).map(|m| m.spec.id);
                assert_eq!(exact_section(raw).map(|s| s.id), m, "{raw}");
            }
        }
    }

    #[test]
    fn normalize_removes_noise() {
        assert_eq!(normalize("三、本 年 度 办 理 结 果"), "三、本年度办理结果");
        assert_eq!(normalize("(四) 无法提供"), "（四）无法提供");
        assert_eq!(normalize("1、属于国家秘密"), "1.属于国家秘密");
        assert_eq!(normalize("１．属于国家秘密"), "1.属于国家秘密");
        assert_eq!(normalize("3. 危及\"三安全一稳定\""), normalize("3.危及“三安全一稳定”"));
        assert_eq!(normalize("钩稽&nbsp;关系\u{3000}"), "勾稽关系");
        assert_eq!(normalize("一. 总体情况"), "一、总体情况");
        assert_eq!(normalize("（七）总计"), "（七）总计");
        assert_eq!(normalize("＇ａ＇（ｂ）"), "\"a\"（b）");
        assert_eq!(normalize("a &amp; b&"), "a&amp；b&");
        // every character whose UTF-8 starts with a lead byte normalisation looks at: the byte
        // shortcut agrees with the full mapping
        for c in ('\u{3000}'..='\u{30FF}').chain('\u{FE00}'..='\u{FFEF}').chain('\u{9400}'..='\u{95FF}').chain('\u{2000}'..='\u{206F}') {
            let text = format!("甲{c}乙");
            let mut slow = String::new();
            for x in text.chars() {
                let y = match x {
                    x if is_blank(x) => continue,
                    '\u{FF01}'..='\u{FF5E}' => match char::from_u32(x as u32 - 0xFEE0).unwrap_or(x) {
                        '(' => '（',
                        ')' => '）',
                        ',' => '，',
                        ':' => '：',
                        ';' => '；',
                        '\'' => '"',
                        a => a,
                    },
                    '“' | '”' | '„' | '‟' | '「' | '」' | '‘' | '’' => '"',
                    '钩' => '勾',
                    x => x,
                };
                slow.push(y);
            }
            assert_eq!(normalize(&text), slow, "{c:?}");
        }
    }

    #[test]
    fn split_number_reads_three_levels() {
        assert_eq!(split_number("一、本年"), (Some(Numbering::Top(1)), "本年"));
        assert_eq!(split_number("（七）总计"), (Some(Numbering::Paren(7)), "总计"));
        assert_eq!(split_number("8.属于"), (Some(Numbering::Arabic(8)), "属于"));
        assert_eq!(split_number("规章"), (None, "规章"));
    }
}
