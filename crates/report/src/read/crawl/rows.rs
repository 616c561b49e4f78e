//! Shared by the crawl and layout readers: row markers, blank-aware word steps, the decision of
//! a table's rows from their splits (with AMBIGUOUS_CELLS findings), table 二's rows pinned by the
//! narrative, and the extracted tables turned into a report.

use std::borrow::Cow;
use std::fmt::Write as _;

use gongkai_domain::report::spec::{CellKind, FORMAT_2021, FormatVersion, T4_ROW, TableId};
use gongkai_domain::report::{CheckCode, Finding, Location, Report, Row, Severity, Table, Value};

use crate::read::decode::is_blank;
use crate::read::doc::{Block, Doc, GridRow};

use super::solve::{Relation, Resolution, solve};
use super::split::{RowShape, RowSplits, Spaces, split_cells, split_values};

/// A row-number marker at the start of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// 一、 … 四、 (table 三's level-0 rows).
    Top(u8),
    /// （一） … （七）.
    Paren(u8),
    /// 1. / 1、 / 1．
    Num(u8),
}

pub(super) fn cn_numeral(c: char) -> Option<u8> {
    // the numerals lie between 一 (U+4E00) and 四 (U+56DB): most characters fail one test
    if !('一'..='四').contains(&c) {
        return None;
    }
    Some(match c {
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// The marker at the start of `s`, blanks ignored (`三 、` is `三、`: pdftotext spreads
/// distributed-alignment labels), and the byte length it takes.
pub(crate) fn marker_at(s: &str) -> Option<(Marker, usize)> {
    let mut it = s.char_indices().filter(|(_, c)| !is_blank(*c));
    let (_, c0) = it.next()?;
    let (i1, c1) = it.next()?;
    let c2 = it.next();
    let end = |(i, c): (usize, char)| i + c.len_utf8();
    if let Some(n) = cn_numeral(c0) && c1 == '、' {
        return Some((Marker::Top(n), end((i1, c1))));
    }
    if matches!(c0, '（' | '(') && let (Some(n), Some(close @ (_, '）' | ')'))) = (cn_numeral(c1), c2) {
        return Some((Marker::Paren(n), end(close)));
    }
    if let Some(d) = c0.to_digit(10) && matches!(c1, '.' | '．' | '、') && c2.is_some_and(|(_, c)| !c.is_ascii_digit()) {
        return Some((Marker::Num(u8::try_from(d).unwrap_or(0)), end((i1, c1))));
    }
    None
}

/// Every marker in `s` with its byte offset, in order.
pub(crate) fn markers(s: &str) -> Vec<(usize, Marker)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        // 十一、 is not 一、; a digit inside a number is not a marker either.
        let glued = prev.is_some_and(|p| cn_numeral(p).is_some() || p.is_ascii_digit() || p == '.');
        if !glued && (cn_numeral(c).is_some() || matches!(c, '（' | '(') || c.is_ascii_digit()) && let Some((m, _)) = marker_at(&s[i..]) {
            out.push((i, m));
        }
        prev = Some(c);
    }
    out
}

/// Tracks where a label sits in table 三's tree (2021 layout, the superset).
#[derive(Debug, Default)]
pub(crate) struct T3Cursor {
    group: Option<&'static str>,
}

const T3_LEVEL1: [&str; 7] = ["granted", "partial", "denied", "unable", "not_processed", "other_handling", "results_total"];

impl T3Cursor {
    /// The row (or group) a marker names, updating the current group.
    pub(crate) fn node(&mut self, m: Marker) -> Option<&'static str> {
        match m {
            Marker::Top(n) => {
                self.group = None;
                ["new_received", "carried_over", "results", "carried_forward"].get(usize::from(n).checked_sub(1)?).copied()
            }
            Marker::Paren(n) => {
                let id = T3_LEVEL1.get(usize::from(n).checked_sub(1)?).copied()?;
                self.group = Some(id);
                Some(id)
            }
            Marker::Num(n) => {
                let group = self.group?;
                FORMAT_2021.t3.rows().filter(|(_, r)| r.parent == Some(group)).nth(usize::from(n).checked_sub(1)?).map(|(_, r)| r.id)
            }
        }
    }
}

/// Whether a table 三 node is a group heading that carries no numbers (2021 layout).
pub(crate) fn t3_is_group(id: &str) -> bool {
    matches!(id, "results" | "denied" | "unable" | "not_processed" | "other_handling")
}

/// Labels without whitespace, for comparison.
pub(crate) fn squash(s: &str) -> String {
    // the runs between blanks copied whole
    words(s).collect()
}

/// The byte length of the blank character (see [`is_blank`]) at byte `i` of `s` (a character
/// boundary), or 0. Decided from the UTF-8 bytes, without decoding: the blanks beyond ASCII are
/// U+0085, U+00A0 (`C2 xx`), U+1680 (`E1 9A 80`), U+2000–U+200D, U+2028, U+2029, U+202F,
/// U+205F (`E2 80 xx`, `E2 81 9F`), U+3000 (`E3 80 80`) and U+FEFF (`EF BB BF`).
#[inline]
pub(crate) fn blank_len(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    // a lead byte promises its continuation bytes (`s` is UTF-8)
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        x @ 0..0x80 => usize::from(matches!(x, b' ' | b'\t'..=b'\r')),
        0xC2 => 2 * usize::from(matches!(next(1), 0x85 | 0xA0)),
        0xE1 => 3 * usize::from(next(1) == 0x9A && next(2) == 0x80),
        0xE2 => 3 * usize::from(matches!((next(1), next(2)), (0x80, 0x80..=0x8D | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F))),
        0xE3 => 3 * usize::from(next(1) == 0x80 && next(2) == 0x80),
        0xEF => 3 * usize::from(next(1) == 0xBB && next(2) == 0xBF),
        _ => 0,
    }
}

/// Whether byte `x` can start a blank character: ASCII whitespace or one of the lead bytes in
/// [`blank_len`]. Continuation bytes (`80`–`BF`) never can, so a scan for blanks may step
/// through a text byte by byte.
#[inline]
fn may_start_blank(x: u8) -> bool {
    x <= b' ' || matches!(x, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// The end of the word that starts at byte `i` of `s` (a non-blank character): the next blank
/// or the end of `s`.
#[inline]
pub(crate) fn word_end(s: &str, mut i: usize) -> usize {
    let b = s.as_bytes();
    // character by character, each told from its lead byte: a CJK character (lead byte
    // `E4`–`E9`) is never a blank and is stepped over whole
    i += utf8_len(b[i]);
    while i < b.len() {
        let x = b[i];
        if may_start_blank(x) && blank_len(s, i) > 0 {
            break;
        }
        i += utf8_len(x);
    }
    i
}

/// `s` without leading and trailing blanks (`s.trim_matches(is_blank)`): the ASCII whitespace
/// that pads most lines (`pdftotext -layout` indents with spaces) skipped byte by byte first.
pub(crate) fn trim_blanks(s: &str) -> &str {
    let ascii_blank = |b: &u8| matches!(b, b' ' | b'\t'..=b'\r');
    let b = s.as_bytes();
    let start = b.iter().take_while(|x| ascii_blank(x)).count();
    let end = b.len() - b[start..].iter().rev().take_while(|x| ascii_blank(x)).count();
    // ASCII bytes are whole characters: both ends are character boundaries
    crate::read::decode::trim_blank(&s[start..end])
}

/// The non-empty runs of `s` between blanks: `s.split(is_blank).filter(|w| !w.is_empty())`,
/// without decoding every character.
pub(crate) fn words(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            if i >= b.len() {
                return None;
            }
            let n = blank_len(s, i);
            if n == 0 {
                break;
            }
            i += n;
        }
        let start = i;
        i = word_end(s, i);
        Some(&s[start..i])
    })
}

/// The byte length of the UTF-8 character whose lead byte is `lead`.
pub(crate) fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Runs of whitespace as one space, trimmed.
pub(crate) fn squash_spaces(s: &str) -> String {
    // the words joined by one space, into one string (no vector of words)
    let mut out = String::with_capacity(s.len());
    for w in words(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The index (0-5) of a section id `s1` … `s6`.
pub(crate) fn section_index(id: &str) -> Option<usize> {
    id.strip_prefix('s').and_then(|n| n.parse::<usize>().ok()).and_then(|n| n.checked_sub(1)).filter(|n| *n < 6)
}

/// One data row as a reader found it, before its cells are decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawRow {
    /// Row id from the spec.
    pub id: &'static str,
    /// The label as printed.
    pub label: String,
    /// The digits as printed (cells run together, or separated by whitespace).
    pub run: String,
    /// 1-based source line.
    pub line: u32,
}

fn fmt_split(c: &[u64]) -> String {
    let mut s = String::new();
    for (i, v) in c.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        let _ = write!(s, "{v}");
    }
    s
}

fn fmt_values(c: &[Value]) -> String {
    // written into one string (no string per value)
    let mut s = String::new();
    for (i, v) in c.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        // an integer (most values) formatted directly, as `Value`'s `Display` does
        let _ = match v {
            Value::Int(n) => write!(s, "{n}"),
            v => write!(s, "{v}"),
        };
    }
    s
}

fn list_candidates(items: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut s = String::new();
    for (i, c) in items.iter().take(SHOWN).enumerate() {
        if i > 0 {
            s.push('、');
        }
        s.push('“');
        s.push_str(c);
        s.push('”');
    }
    if items.len() > SHOWN {
        let _ = write!(s, "等共 {} 种", items.len());
    }
    s
}

const AMBIGUOUS_FIX: &str = "请对照原始报告（PDF 或原网页表格）核实这一行各单元格的数值；如需重新检查，请改用保留表格结构的文件（网页、Word 或 PDF），或在文本中用制表符分隔各单元格";

fn location(table: TableId, row: &str, line: u32) -> Location {
    Location {
        section: Some(table.section().to_owned()),
        table: Some(table.id().to_owned()),
        row: (row != T4_ROW).then(|| row.to_owned()),
        column: None,
        line: Some(line),
    }
}

/// What to do about a table 二 row whose run-together digits cannot be split.
const AMBIGUOUS_T2_FIX: &str = "请对照原始网页或 PDF 中的表格核实这一行各栏的数值（报告的数字本身未必有误，只是这份文本无法还原各栏）；如需重新检查，请改用保留表格结构的文件（网页、Word 或 PDF）";

/// AMBIGUOUS_CELLS is an error in tables 三 and 四, whose own arithmetic could have decided the
/// split (the copy cannot be checked), and a warning in table 二, whose columns have no sums:
/// there the numbers of the report are not shown to be wrong, only this copy is unreadable.
fn ambiguous(table: TableId, message: String, row: &RawRow) -> Finding {
    let mut f = Finding::new(
        CheckCode::AmbiguousCells,
        message,
        location(table, row.id, row.line),
        if table == TableId::T2 { AMBIGUOUS_T2_FIX } else { AMBIGUOUS_FIX },
    );
    if table == TableId::T2 {
        f.severity = Severity::Warning;
    }
    f
}

/// The AMBIGUOUS_CELLS finding for a run more than one split explains.
pub(crate) fn ambiguous_finding(table: TableId, row: &RawRow, candidates: &[String]) -> Finding {
    let why = if table == TableId::T2 {
        format!("可以拆成 {} 种不同的数值组合：{}；表二各栏之间没有合计关系可供判断，请核对原网页或原文件确定各栏数值", candidates.len(), list_candidates(candidates))
    } else {
        format!("有 {} 种拆分都符合表格自身的勾稽关系：{}", candidates.len(), list_candidates(candidates))
    };
    let message = format!(
        "表{}“{}”一行的数字连在一起（“{}”），{why}。无法确定各单元格的数值，已按无法识别处理",
        table.number(),
        squash(&row.label),
        row.run.trim(),
    );
    ambiguous(table, message, row)
}

fn too_many_finding(table: TableId, row: &RawRow) -> Finding {
    let message = format!(
        "表{}“{}”一行的数字连在一起（“{}”），可能的拆分方式过多，超出了自动判断的范围，已按无法识别处理",
        table.number(),
        squash(&row.label),
        row.run.trim()
    );
    ambiguous(table, message, row)
}

/// AMBIGUOUS_CELLS for a run no split of which satisfies the row's own total(s).
fn total_broken_finding(table: TableId, row: &RawRow, candidates: &[Vec<u64>]) -> Finding {
    let which = if table == TableId::T4 { "各组结果之和都等于该组的“总计”" } else { "各申请人类别之和等于“总计”" };
    let shown: Vec<String> = candidates.iter().map(|c| fmt_split(c)).collect();
    let message = format!(
        "表{}“{}”一行的数字连在一起（“{}”），没有一种拆分能使{which}：原表中的空白单元格在复制时会丢失，也可能是报告本身的合计有误；不考虑合计关系时可读作{}。无法确定各单元格的数值，已按无法识别处理",
        table.number(),
        squash(&row.label),
        row.run.trim(),
        list_candidates(&shown),
    );
    ambiguous(table, message, row)
}

fn no_split_finding(table: TableId, row: &RawRow, cells: usize) -> Finding {
    let digits = row.run.bytes().filter(u8::is_ascii_digit).count();
    let why = if digits < cells { "（数字少于单元格数：原表中的空白单元格在复制时会丢失）" } else { "" };
    Finding::new(
        CheckCode::UnreadableValue,
        format!(
            "表{}“{}”一行的内容“{}”无法读成 {} 个数字单元格{why}，已按无法识别处理",
            table.number(),
            squash(&row.label),
            row.run.trim(),
            cells
        ),
        location(table, row.id, row.line),
        "请对照原始报告核实这一行的数值，并改正源文件中这一行的内容",
    )
}

/// Decide table 三's rows (or table 四's single row) from their runs: split each run, combine
/// the rows under the table's rules, and turn the outcome into cells and findings.
pub(crate) fn decide_counts(table: TableId, raw: &[RawRow], spaces: Spaces, findings: &mut Vec<Finding>) -> Vec<Row> {
    let shape = if table == TableId::T4 { RowShape::T4 } else { RowShape::T3 };
    let mut splits: Vec<RowSplits> = raw.iter().map(|r| split_cells(&r.run, shape, spaces)).collect();
    // A split that breaks the row's own total is never taken (unless the spaces alone decide
    // it): in a copy that lost its blank cells, 2/2/1/1/2/2/6 would be a wrong number. Such a
    // row takes part in no rule between rows either.
    let refused: Vec<Option<Vec<Vec<u64>>>> = splits
        .iter_mut()
        .map(|s| (!s.sums_hold && !s.spaced && !s.candidates.is_empty()).then(|| std::mem::take(&mut s.candidates)))
        .collect();
    let relations = if table == TableId::T3 { t3_relations(raw) } else { Vec::new() };
    let solved = solve(&splits, &relations);
    raw.iter()
        .zip(solved.rows)
        .zip(refused)
        .map(|((r, res), refused)| {
            let unreadable = || vec![Value::Unreadable(r.run.trim().to_owned()); shape.cells];
            let cells = if r.run.trim().is_empty() {
                vec![Value::Blank; shape.cells]
            } else if let Some(cands) = refused {
                findings.push(total_broken_finding(table, r, &cands));
                unreadable()
            } else {
                match res {
                    Resolution::Unique(c) => c.into_iter().map(|v| i64::try_from(v).map_or_else(|_| Value::Unreadable(v.to_string()), Value::Int)).collect(),
                    Resolution::Ambiguous(cands) => {
                        let shown: Vec<String> = cands.iter().map(|c| fmt_split(c)).collect();
                        findings.push(ambiguous_finding(table, r, &shown));
                        unreadable()
                    }
                    Resolution::TooMany => {
                        findings.push(too_many_finding(table, r));
                        unreadable()
                    }
                    Resolution::NoSplit => {
                        findings.push(no_split_finding(table, r, shape.cells));
                        unreadable()
                    }
                }
            };
            Row { id: r.id, label: r.label.trim().to_owned(), cells, line: Some(r.line) }
        })
        .collect()
}

/// Table 三's rules between rows, over the rows present: the balance rule first (the official
/// 勾稽关系), then （七）总计 = the sum of the result rows.
pub(crate) fn t3_relations(raw: &[RawRow]) -> Vec<Relation> {
    let idx = |id: &str| raw.iter().position(|r| r.id == id);
    let mut out = Vec::new();
    if let (Some(a), Some(b), Some(c), Some(d)) = (idx("new_received"), idx("carried_over"), idx("results_total"), idx("carried_forward")) {
        out.push(Relation { code: CheckCode::T3Balance, lhs: vec![a, b], rhs: vec![c, d] });
    }
    if let Some(total) = idx("results_total") {
        let leaves: Vec<usize> = raw
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.id != "results_total" && FORMAT_2021.t3.row(r.id).is_some_and(|(_, s)| s.parent.is_some())
            })
            .map(|(i, _)| i)
            .collect();
        if !leaves.is_empty() {
            out.push(Relation { code: CheckCode::T3ResultsTotal, lhs: vec![total], rhs: leaves });
        }
    }
    out
}

/// Decide a table 二 row from its run. `narrative` is the report's text: a statement there that
/// fixes a cell (`制发行政规范性文件62件`) decides the split when it leaves exactly one.
pub(crate) fn decide_t2(format: FormatVersion, raw: &RawRow, narrative: &str, findings: &mut Vec<Finding>) -> Option<Row> {
    let (block, _) = format.spec().t2.row(raw.id)?;
    let kinds: Vec<CellKind> = block.columns.iter().map(|c| c.kind).collect();
    let k = kinds.len();
    let run = raw.run.trim();
    let cells = if run.is_empty() {
        vec![Value::Blank; k]
    } else {
        let (mut cands, complete) = split_values(run, &kinds);
        if complete && cands.len() > 1 {
            let pins = narrative_pins(format, raw.id, narrative);
            let kept: Vec<Vec<Value>> =
                cands.iter().filter(|c| pins.iter().all(|(col, v)| c.get(*col).and_then(Value::as_int) == Some(*v))).cloned().collect();
            if !pins.is_empty() && !kept.is_empty() {
                cands = kept;
            }
        }
        match (cands.len(), complete) {
            (1, true) => cands.into_iter().next().unwrap_or_default(),
            (0, true) => {
                findings.push(no_split_finding(TableId::T2, raw, k));
                vec![Value::Unreadable(run.to_owned()); k]
            }
            (_, true) => {
                let shown: Vec<String> = cands.iter().map(|c| fmt_values(c)).collect();
                findings.push(ambiguous_finding(TableId::T2, raw, &shown));
                vec![Value::Unreadable(run.to_owned()); k]
            }
            (_, false) => {
                findings.push(too_many_finding(TableId::T2, raw));
                vec![Value::Unreadable(run.to_owned()); k]
            }
        }
    };
    Some(Row { id: raw.id, label: raw.label.trim().to_owned(), cells, line: Some(raw.line) })
}

/// Cells of a 2021 table 二 row that the narrative states outright: `制发行政规范性文件62件` (made),
/// `废止规章1件` (repealed), `现行有效行政规范性文件440件` (valid). Only these exact phrasings, the verb
/// directly before the row's name and the count directly after it; a value stated twice
/// differently counts as not stated.
fn narrative_pins(format: FormatVersion, row: &str, narrative: &str) -> Vec<(usize, i64)> {
    if format != FormatVersion::V2021 {
        return Vec::new();
    }
    let names: &[&str] = match row {
        "normative_docs" => &["行政规范性文件", "规范性文件"],
        "regulations" => &["政府规章", "规章"],
        _ => return Vec::new(),
    };
    let mut pins: Vec<(usize, i64)> = Vec::new();
    let mut conflicting: Vec<usize> = Vec::new();
    const VERBS: [(usize, &str); 5] = [(0, "制发"), (0, "印发"), (0, "出台"), (1, "废止"), (2, "现行有效")];
    // The text is searched once, for the short name, which ends the long one too (规范性文件,
    // 规章); a verb then ends where the name starts. No verb ends in the long name's first
    // characters (行政, 政府), so each place names one row and follows at most one verb.
    let (long, short) = (names[0], names[1]);
    let long_head = &long[..long.len() - short.len()];
    for at in memchr::memmem::find_iter(narrative.as_bytes(), short) {
        let before = &narrative[..at];
        let before = before.strip_suffix(long_head).unwrap_or(before);
        let Some(&(col, _)) = VERBS.iter().find(|(_, v)| before.ends_with(v)) else { continue };
        let rest = &narrative[at + short.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 6 || !rest[digits..].starts_with('件') {
            continue;
        }
        let Ok(v) = rest[..digits].parse::<i64>() else { continue };
        match pins.iter().find(|(c, _)| *c == col) {
            Some((_, old)) if *old != v => conflicting.push(col),
            Some(_) => {}
            None => pins.push((col, v)),
        }
    }
    // in column order, as found column by column
    pins.sort_by_key(|(c, _)| *c);
    pins.retain(|(c, _)| !conflicting.contains(c));
    pins
}

/// Table 二's row labels of a format, longest first, with printed variants seen in reports.
pub(crate) fn t2_labels(format: FormatVersion) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&'static str, &'static str)> = format.spec().t2.rows().map(|(_, r)| (r.text, r.id)).collect();
    for (text, id) in [("行政规范性文件", "normative_docs"), ("规范性文件", "normative_docs"), ("政府规章", "regulations")] {
        if !v.iter().any(|(t, _)| *t == text) {
            v.push((text, id));
        }
    }
    v.sort_by_key(|(t, _)| std::cmp::Reverse(t.chars().count()));
    v
}

/// The table 二 row whose label `text` ends with (whitespace ignored), and the label; `labels`
/// from [`t2_labels`].
pub(crate) fn t2_row_at_end(labels: &[(&'static str, &'static str)], text: &str) -> Option<(&'static str, &'static str)> {
    let t = text.trim_end_matches(is_blank);
    let t: std::borrow::Cow<'_, str> = if t.contains(is_blank) { squash(t).into() } else { t.into() };
    labels.iter().find(|(label, _)| t.ends_with(label)).map(|(label, id)| (*id, *label))
}

/// The format a report's table 二 headings show, if they show one.
pub(crate) fn format_from_headers(text: &str) -> Option<FormatVersion> {
    let t = squash(text);
    if t.contains("本年新制作数量") || t.contains("对外公开总数量") || t.contains("第二十条第（九）项") || t.contains("上一年项目数量") {
        Some(FormatVersion::V2019)
    } else if t.contains("本年制发件数") || t.contains("现行有效件数") || t.contains("本年废止件数") {
        Some(FormatVersion::V2021)
    } else {
        None
    }
}

/// The report year as stated in a title or the statistical period ("2024年", "2024 年度").
pub(crate) fn year_in(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit()) {
            let rest = text[i + 4..].trim_start_matches(is_blank);
            if rest.starts_with('年') {
                let y: u16 = text[i..i + 4].parse().ok()?;
                if (2008..=2100).contains(&y) {
                    return Some(y);
                }
            }
        }
        i += 1;
    }
    None
}

/// Put rows into a report's table, keeping the spec's printed order.
pub(crate) fn put_table(report: &mut Report, id: TableId, rows: Vec<Row>, line: Option<u32>) {
    if rows.is_empty() {
        return;
    }
    let order: Vec<&str> = report.format.spec().table(id).rows().map(|(_, r)| r.id).collect();
    let mut rows = rows;
    // each row's place looked up once (a stable sort, as `sort_by_key`)
    rows.sort_by_cached_key(|r| order.iter().position(|x| *x == r.id).unwrap_or(usize::MAX));
    rows.dedup_by(|a, b| a.id == b.id);
    report.tables.retain(|t| t.id != id);
    report.tables.push(Table { id, rows, line, ocr: false });
    report.tables.sort_by_key(|t| t.id);
}

/// What a text reader extracted: the narrative as a `Doc`, the tables as decided rows.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub doc: Doc<'static>,
    pub format: Option<FormatVersion>,
    pub tables: Vec<(TableId, Vec<Row>, Option<u32>)>,
    pub findings: Vec<Finding>,
    /// The report's title, when the reader found it apart from other text (crawler text runs it
    /// into the preamble).
    pub title: Option<String>,
}

impl Extracted {
    /// The report: metadata and sections from the shared assembler, tables as decided here
    /// (the assembler sees the same tables as grids, so its label findings apply).
    pub(crate) fn into_report(self, source: Option<&str>) -> Report {
        let Extracted { doc, format, tables, findings, title } = self;
        let mut report = {
            // the grids borrow their labels from the rows, which go into the report afterwards
            let mut doc: Doc<'_> = doc;
            for (id, rows, line) in &tables {
                doc.blocks.push(Block::Table { rows: grid(*id, rows), line: line.unwrap_or(1) });
            }
            crate::read::assemble::assemble(&doc, source)
        };
        // The title names the agency; the preamble after it often names others
        // (《福建省人民政府办公厅关于…》), so the title, read alone, decides when it names one.
        if let Some(title) = title {
            let alone = Doc { blocks: vec![Block::Para { text: title.into(), line: 1 }] };
            let meta = crate::read::assemble::assemble(&alone, None);
            if meta.agency.is_some() {
                report.agency = meta.agency;
                report.level = meta.level;
            }
        }
        if let Some(f) = format {
            report.format = f;
        }
        for (id, rows, line) in tables {
            put_table(&mut report, id, rows, line);
        }
        report.reader_findings.extend(findings);
        report
    }
}

/// An integer cell as printed (`Display`): the ten one-digit values (most cells) borrowed,
/// others written digit by digit (without the formatting machinery).
fn int_text(n: i64) -> Cow<'static, str> {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    if let Ok(d) = usize::try_from(n)
        && d < DIGITS.len()
    {
        return Cow::Borrowed(DIGITS[d]);
    }
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        at -= 1;
        // `v % 10` is below ten
        buf[at] = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    Cow::Owned(std::str::from_utf8(&buf[at..]).unwrap_or_default().to_owned())
}

/// A table's rows as grid rows (label, cells), for the assembler.
fn grid(id: TableId, rows: &[Row]) -> Vec<GridRow<'_>> {
    rows.iter()
        .map(|r| {
            let mut cells: Vec<Cow<'_, str>> = Vec::with_capacity(r.cells.len() + 1);
            if id != TableId::T4 {
                cells.push(Cow::Borrowed(r.label.as_str()));
            }
            // each value as printed (`Display`): integers without the formatting machinery,
            // blanks without an allocation
            cells.extend(r.cells.iter().map(|v| match v {
                Value::Int(n) => int_text(*n),
                Value::Blank | Value::Absent => Cow::Borrowed(""),
                v => Cow::Owned(v.to_string()),
            }));
            GridRow { cells, line: r.line.unwrap_or(1) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_runs_between_blanks() {
        for s in [
            "",
            "   ",
            "本年 新收\u{3000}申请\u{a0}数量 21 7\t10\r\n",
            "\u{feff}× 【填写】\u{2028}\u{200b}ｘ\u{85}é\u{1680}丁\u{202f}\u{205f}𠀀 a",
            "\u{2010}–—\u{3001}\u{ff08}",
        ] {
            let split: Vec<&str> = s.split(is_blank).filter(|w| !w.is_empty()).collect();
            assert_eq!(words(s).collect::<Vec<_>>(), split, "{s:?}");
        }
    }

    #[test]
    fn blank_len_agrees_with_is_blank_on_every_character() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("{c}x");
            let want = if is_blank(c) { c.len_utf8() } else { 0 };
            assert_eq!(blank_len(&s, 0), want, "{:X}", u32::from(c));
            assert!(want == 0 || may_start_blank(s.as_bytes()[0]), "{:X}", u32::from(c));
        }
    }

    #[test]
    fn trim_blanks_is_trim_matches() {
        for s in ["", " ", "  a  ", "\u{3000} x \u{a0}", "\t\u{b}\u{c}本\r\n", " \u{feff}\u{200b} 年 \u{2028} ", "x", "\u{85}"] {
            assert_eq!(trim_blanks(s), s.trim_matches(is_blank), "{s:?}");
        }
    }

    #[test]
    fn cn_numerals_are_one_to_ten() {
        let found: Vec<(char, u8)> = (0..=0x10FFFFu32).filter_map(char::from_u32).filter_map(|c| cn_numeral(c).map(|n| (c, n))).collect();
        assert_eq!(found.iter().map(|(c, _)| *c).collect::<String>(), "一七三九二五八六十四");
        assert!(found.iter().all(|(c, n)| "一二三四五六七八九十".chars().nth(usize::from(*n) - 1) == Some(*c)));
    }

    #[test]
    fn narrative_pins_follow_verb_and_name() {
        let f = FormatVersion::V2021;
        let text = "本年度制发行政规范性文件62件，废止规范性文件3件，现行有效行政规范性文件440件。出台政府规章1件，废止规章2件，印发规章1件。";
        assert_eq!(narrative_pins(f, "normative_docs", text), vec![(0, 62), (1, 3), (2, 440)]);
        assert_eq!(narrative_pins(f, "regulations", text), vec![(0, 1), (1, 2)]);
        // stated twice differently: not stated; a name without its verb, or without 件: nothing
        assert_eq!(narrative_pins(f, "normative_docs", "制发规范性文件5件，印发规范性文件6件，废止1件，废止规范性文件7份"), vec![]);
        assert_eq!(narrative_pins(FormatVersion::V2019, "normative_docs", text), vec![]);
    }

    #[test]
    fn int_text_prints_like_display() {
        for n in [0, 1, 9, 10, 11, 99, 100, 218, 12_345, -1, -9, -10, -218, i64::MAX, i64::MIN] {
            assert_eq!(int_text(n), n.to_string());
        }
    }

    fn one(run: &str, shape: RowShape) -> Vec<u64> {
        split_cells(run, shape, Spaces::Soft).unique().map(<[u64]>::to_vec).unwrap_or_default()
    }

    #[test]
    fn t3_row_with_a_three_digit_total_splits_one_way() {
        assert_eq!(one("21710000218", RowShape::T3), vec![217, 1, 0, 0, 0, 0, 218]);
        assert_eq!(one("0000000", RowShape::T3), vec![0; 7]);
        assert_eq!(one("230 000023", RowShape::T3), vec![23, 0, 0, 0, 0, 0, 23]);
        assert_eq!(one("500000 5", RowShape::T3), vec![5, 0, 0, 0, 0, 0, 5]);
    }

    #[test]
    fn t4_run_has_exactly_one_split_under_the_group_totals() {
        assert_eq!(one("21317000001324019", RowShape::T4), vec![2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]);
        assert_eq!(one("10203120001200000", RowShape::T4), vec![1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn markers_are_found_inside_labels() {
        let m = markers("三、本年度办 理结果 （一）予以公开");
        assert_eq!(m.iter().map(|(_, m)| *m).collect::<Vec<_>>(), vec![Marker::Top(3), Marker::Paren(1)]);
        assert!(markers("3.危及“三安全一稳定”").len() == 1);
        assert!(markers("1.申请人无正当理由逾期不补正、行政机关").len() == 1);
    }
}
