//! Crawler text of a report page: the whole report on one line, site navigation before it,
//! section headings inline, and table cells run together with no separator
//! (`一、本年新收政府信息公开申请数量21710000218` = 217, 1, 0, 0, 0, 0, 218).
//!
//! The cells are recovered from the table's own arithmetic ([`split_cells`], [`solve`]): each
//! run is split into the row's cells under the row's sums (table 三's 总计 column, table 四's
//! three group totals), then the rows of table 三 are combined under the column rules
//! (（七）总计 = the sum of the result rows; the balance 一 + 二 = 三（七）+ 四). A split is used only
//! when it is the only one that satisfies every rule that holds; when more than one does, the
//! cells become [`Value::Unreadable`] with an `AMBIGUOUS_CELLS` finding that lists the
//! candidates — never a silent guess. When the report's own arithmetic is broken (a wrong
//! （七）总计), the broken rule is dropped and the strongest set of rules with a solution decides.
//!
//! Spaces inside a run (`230 000023`) come from cell padding on the page: they are preferred as
//! cell boundaries but not trusted blindly ([`Spaces::Soft`]). Every search is bounded
//! ([`MAX_CELL_DIGITS`], [`MAX_CANDIDATES`], [`STEP_BUDGET`]): a pathological run returns at once
//! with its cells unreadable.
//!
//! `split` splits one run, `solve` combines a table's rows, `rows` (shared with the layout reader)
//! decides the rows and builds the report; this module finds the report's regions in the text.

use gongkai_domain::report::spec::{FORMAT_2021, FormatVersion, T4_ROW, TableId};
use gongkai_domain::report::{Report, Row};

use super::doc::Block;

mod rows;
mod solve;
mod split;

pub(crate) use super::decode::is_blank;
pub(crate) use rows::{
    Extracted, Marker, RawRow, T3Cursor, blank_len, decide_counts, decide_t2, format_from_headers, marker_at, markers, section_index,
    squash, squash_spaces, t2_labels, t2_row_at_end, t3_is_group, trim_blanks, utf8_len, word_end, words, year_in,
};
use rows::cn_numeral;
pub use solve::{Relation, Resolution, Solved, solve};
pub use split::{MAX_CANDIDATES, MAX_CELL_DIGITS, RowShape, RowSplits, STEP_BUDGET, Spaces, split_cells, split_values};

// ---- the crawl reader ------------------------------------------------------------------------

const SECTION_KEYS: [(char, &[&str]); 6] = [
    ('一', &["总体情况", "概述", "基本情况"]),
    ('二', &["主动公开"]),
    ('三', &["收到和处理", "依申请"]),
    ('四', &["行政复议", "行政诉讼"]),
    ('五', &["存在的主要问题", "存在的问题", "主要问题", "问题"]),
    ('六', &["其他需要报告", "其他"]),
];

/// A section heading found inline: byte offsets of its start, its title's start and end.
#[derive(Debug, Clone, Copy)]
struct Heading {
    index: usize,
    start: usize,
    title_start: usize,
    title_end: usize,
}

fn find_heading(text: &str, from: usize, index: usize) -> Option<Heading> {
    let (num, keys) = SECTION_KEYS[index];
    let spec_title = FORMAT_2021.sections[index].title;
    let mut search = from;
    // the numeral's bytes searched for (a byte search finds characters: the text is UTF-8)
    let mut buf = [0u8; 4];
    let finder = memchr::memmem::Finder::new(num.encode_utf8(&mut buf).as_bytes());
    while let Some(off) = finder.find(text.get(search..)?.as_bytes()) {
        let start = search + off;
        search = start + num.len_utf8();
        let after = &text[search..];
        let Some(rest) = after.strip_prefix('、').or_else(|| after.strip_prefix('.')).or_else(|| after.strip_prefix('．')) else {
            continue;
        };
        if start > 0 && text[..start].chars().next_back().is_some_and(|p| cn_numeral(p).is_some()) {
            continue;
        }
        let title_start = text.len() - rest.len();
        let rest_t = rest.trim_start_matches(is_blank);
        let title_start = title_start + (rest.len() - rest_t.len());
        // The key must come before any digit, within a short heading.
        let window_len = rest_t.char_indices().take_while(|(_, c)| !c.is_ascii_digit()).take(24).last().map_or(0, |(i, c)| i + c.len_utf8());
        let window = &rest_t[..window_len];
        if !keys.iter().any(|k| window.contains(k)) {
            continue;
        }
        let title_len = if rest_t.starts_with(spec_title) {
            spec_title.len()
        } else {
            rest_t
                .char_indices()
                .find(|(i, c)| c.is_ascii_digit() || "，。：；:".contains(*c) || is_blank(*c) || *i >= 60)
                .map_or(rest_t.len(), |(i, _)| i)
        };
        return Some(Heading { index, start, title_start, title_end: title_start + title_len });
    }
    None
}

fn headings(text: &str) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut from = 0;
    for i in 0..6 {
        if let Some(h) = find_heading(text, from, i) {
            from = h.title_end;
            out.push(h);
        }
    }
    out
}

/// A label and the run of digits printed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    label: String,
    run: String,
}

/// Cut a table region into (label, run) pieces. A digit glued to the next label's number
/// (`00000002.其他法律…`) goes back to the label.
fn pieces(region: &str, decimals: bool) -> Vec<Piece> {
    let b = region.as_bytes();
    let mut out = Vec::new();
    let mut prefix: Option<u8> = None; // a row number taken from the end of the previous run
    let mut label_start = 0;
    let mut i = 0;
    let is_run_start = |i: usize| {
        b[i].is_ascii_digit() || (decimals && b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    };
    while i < b.len() {
        // ASCII digits never occur inside multi-byte UTF-8 sequences: scan bytes.
        if !is_run_start(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i; // end of the last digit
        let mut j = i;
        while j < b.len() {
            let c = b[j];
            let next_digit = b.get(j + 1).is_some_and(u8::is_ascii_digit);
            if c.is_ascii_digit() {
                j += 1;
                end = j;
            } else if c == b' ' || c == b'\t' || (decimals && matches!(c, b'.' | b'-' | b',') && next_digit) {
                j += 1;
            } else if let Some(ch) = region[j..].chars().next().filter(|ch| is_blank(*ch)) {
                j += ch.len_utf8();
            } else {
                break;
            }
        }
        let mut run = &region[start..end];
        let tail = &region[end..];
        let mut t = tail.chars();
        let mut next_prefix = None;
        if matches!(t.next(), Some('.' | '．' | '、')) && t.next().is_some_and(|c| !c.is_ascii_digit() && !is_blank(c)) {
            next_prefix = run.as_bytes().last().copied();
            run = run[..run.len() - 1].trim_end_matches(is_blank);
        }
        let text = &region[label_start..start];
        if !run.is_empty() || !text.trim_matches(is_blank).is_empty() {
            let mut label = String::with_capacity(text.len() + 1);
            if let Some(p) = prefix {
                label.push(char::from(p));
            }
            label.push_str(text);
            out.push(Piece { label, run: run.to_owned() });
        }
        prefix = next_prefix;
        label_start = end;
        i = end.max(start + 1);
    }
    let text = &region[label_start..];
    if !text.trim_matches(is_blank).is_empty() {
        let mut label = String::new();
        if let Some(p) = prefix {
            label.push(char::from(p));
        }
        label.push_str(text);
        out.push(Piece { label, run: String::new() });
    }
    out
}

/// Table 三's data rows from its region.
fn t3_rows(region: &str) -> Vec<RawRow> {
    let mut cursor = T3Cursor::default();
    let mut out: Vec<RawRow> = Vec::new();
    for p in pieces(region, false) {
        let ms = markers(&p.label);
        let mut node = None;
        for (_, m) in &ms {
            node = cursor.node(*m);
        }
        let label = ms.last().map_or(p.label.trim_matches(is_blank), |(at, _)| p.label[*at..].trim_matches(is_blank));
        let Some(id) = node else { continue };
        let has_run = !p.run.trim().is_empty();
        if t3_is_group(id) && !(id == "other_handling" && has_run) {
            continue;
        }
        if out.iter().any(|r| r.id == id) {
            continue;
        }
        out.push(RawRow { id, label: label.to_owned(), run: p.run, line: 1 });
    }
    out
}

/// Table 二's rows from its region.
fn t2_rows(region: &str, format: FormatVersion) -> Vec<RawRow> {
    let mut out: Vec<RawRow> = Vec::new();
    let labels = t2_labels(format);
    let headings: Vec<&str> = format.spec().t2.blocks.iter().flat_map(|b| b.columns.iter().map(|c| c.text)).chain(["信息内容"]).collect();
    for p in pieces(region, true) {
        let Some((id, label)) = t2_row_at_end(&labels, &p.label) else { continue };
        // Rows whose cells were all blank leave only their labels, run into the next row's
        // (`现行有效件数规章行政规范性文件25…`): after the block's headings, labels and nothing else.
        for (blank_id, blank_label) in blank_rows_before(&labels, &headings, &p.label, label) {
            if !out.iter().any(|r| r.id == blank_id) {
                out.push(RawRow { id: blank_id, label: blank_label.to_owned(), run: String::new(), line: 1 });
            }
        }
        if out.iter().any(|r| r.id == id) {
            continue;
        }
        out.push(RawRow { id, label: label.to_owned(), run: p.run, line: 1 });
    }
    out
}

/// The row labels printed with no digits before the label `last` that ends `text`: in each
/// block (the text between two `第二十条` captions), the stretch after the block's last column
/// heading (or from the start, right after the previous row's digits), when it is exactly a
/// sequence of row labels.
fn blank_rows_before(labels: &[(&'static str, &'static str)], headings: &[&str], text: &str, last: &str) -> Vec<(&'static str, &'static str)> {
    let t = squash(text);
    let Some(body) = t.strip_suffix(last) else { return Vec::new() };
    let mut found = Vec::new();
    for (i, block) in body.split("第二十条").enumerate() {
        // a blank row's label ends the stretch; most stretches end with a column heading
        if !labels.iter().any(|(l, _)| block.ends_with(l)) {
            continue;
        }
        // the first stretch follows the previous row's digits directly
        let heading = headings.iter().filter_map(|h| block.rfind(h).map(|i| i + h.len())).max();
        let Some(after) = heading.or((i == 0).then_some(0)) else { continue };
        let mut rest = &block[after..];
        let mut rows = Vec::new();
        while !rest.is_empty() {
            let Some((label, id)) = labels.iter().find(|(l, _)| rest.starts_with(l)) else {
                rows.clear();
                break;
            };
            rows.push((*id, *label));
            rest = &rest[label.len()..];
        }
        found.extend(rows);
    }
    found
}

/// The report title inside a crawled preamble (`…年度报告`), as a byte range.
fn title_range(pre: &str) -> Option<(usize, usize)> {
    // not the 年度报告 of a document cited in 《》 (《…工作年度报告格式》); the quotes are followed
    // along, so that a long preamble is read once
    let (mut open, mut seen) = (false, 0);
    let end = pre
        .match_indices("年度报告")
        .map(|(i, _)| i)
        .find(|&i| {
            for c in pre[seen..i].chars() {
                match c {
                    '《' => open = true,
                    '》' => open = false,
                    _ => {}
                }
            }
            seen = i;
            !open
        })
        .map(|i| i + "年度报告".len())?;
    let start = pre[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| is_blank(*c) || matches!(c, '>' | '：' | ':' | '|' | '》'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (pre[start..end].chars().count() <= 60).then_some((start, end))
}

/// Whether byte offset `at` of `s` is inside a 《…》 book-title quote (or a 〈…〉 one inside it).
/// Looks back over `s`: for short texts (a title-like paragraph).
pub(crate) fn inside_book_title(s: &str, at: usize) -> bool {
    let before = &s[..at];
    let opened = before.rfind('《');
    opened.is_some_and(|o| before[o..].find('》').is_none())
}

/// Read crawler text (the whole report on one line, cells run together) into a report.
pub fn read_crawl(text: &str, source: Option<&str>) -> Report {
    extract_crawl(text).into_report(source)
}

pub(crate) fn extract_crawl(text: &str) -> Extracted {
    let text = text.trim_matches(|c: char| is_blank(c) || c == '\u{feff}');
    let hs = headings(text);
    let mut ex = Extracted::default();
    let para = |s: &str| Block::Para { text: squash_spaces(s).into(), line: 1 };
    let first = hs.first().map_or(text.len(), |h| h.start);
    let pre = &text[..first];
    match title_range(pre) {
        Some((s, e)) => {
            ex.title = Some(squash_spaces(&pre[s..e]));
            ex.doc.blocks.push(para(&pre[s..e]));
            let rest = pre[e..].trim_matches(is_blank);
            if !rest.is_empty() {
                ex.doc.blocks.push(para(rest));
            }
        }
        None if !pre.trim_matches(is_blank).is_empty() => ex.doc.blocks.push(para(pre)),
        None => {}
    }
    let region_of = |i: usize| -> Option<(&Heading, &str)> {
        let pos = hs.iter().position(|h| h.index == i)?;
        let h = &hs[pos];
        let end = hs.get(pos + 1).map_or(text.len(), |n| n.start);
        Some((h, &text[h.title_end..end]))
    };
    let t2_region = region_of(1).map(|(_, r)| r);
    let format = t2_region
        .and_then(format_from_headers)
        .or_else(|| year_in(pre).map(FormatVersion::for_year))
        .unwrap_or(FormatVersion::V2021);
    ex.format = Some(format);
    for (pos, h) in hs.iter().enumerate() {
        let end = hs.get(pos + 1).map_or(text.len(), |n| n.start);
        let number = SECTION_KEYS[h.index].0;
        ex.doc.blocks.push(para(&format!("{number}、{}", &text[h.title_start..h.title_end])));
        let body = &text[h.title_end..end];
        let narrative = match h.index {
            1 => body.find("第二十条").map_or(body, |i| &body[..i]),
            2 => body.find("（本列数据").or_else(|| body.find("申请人情况")).map_or(body, |i| &body[..i]),
            3 => "",
            _ => body,
        };
        if !narrative.trim_matches(is_blank).is_empty() {
            ex.doc.blocks.push(para(narrative));
        }
    }
    if let Some(region) = t2_region {
        let rows: Vec<Row> = t2_rows(region, format).iter().filter_map(|r| decide_t2(format, r, text, &mut ex.findings)).collect();
        ex.tables.push((TableId::T2, rows, Some(1)));
    }
    if let Some((_, region)) = region_of(2) {
        let raw = t3_rows(region);
        let rows = decide_counts(TableId::T3, &raw, Spaces::Soft, &mut ex.findings);
        ex.tables.push((TableId::T3, rows, Some(1)));
    }
    if let Some((_, region)) = region_of(3) {
        let run = pieces(region, false).into_iter().map(|p| p.run).max_by_key(|r| r.bytes().filter(u8::is_ascii_digit).count());
        if let Some(run) = run.filter(|r| !r.trim().is_empty()) {
            let raw = [RawRow { id: T4_ROW, label: "政府信息公开行政复议、行政诉讼情况".to_owned(), run, line: 1 }];
            let rows = decide_counts(TableId::T4, &raw, Spaces::Soft, &mut ex.findings);
            ex.tables.push((TableId::T4, rows, Some(1)));
        }
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_give_back_a_glued_row_number_to_the_next_label() {
        let p = pieces("1.属于国家秘密00000002.其他法律行政法规禁止公开0000000", false);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].label, "1.属于国家秘密");
        assert_eq!(p[0].run, "0000000");
        assert_eq!(p[1].label, "2.其他法律行政法规禁止公开");
    }
}
