//! What the digits mean: OCR lines → table rows of the national format.
//!
//! OCR garbles labels (`3 大及“二安全稳定` for `3.危及“三安全一稳定”`) but keeps their order and
//! the number of cells. So the lines that hold numbers are aligned, in order, to the format's
//! data rows (tables 二, 三, 四 in turn; both formats are tried and the better alignment wins):
//! a pair scores by the label's similarity to the format's wording, and only pairs whose cell
//! count is the row's (or whose label is clearly the row's) may match. A matched line becomes a
//! row with the format's own label and the cells as read (OCR's usual letter-for-digit slips
//! mended: `O`→0, `l`→1); the assembler then reads it like any table, and the checker's sums
//! judge the reading. Lines that match no row (headers, captions, notes) are dropped from
//! tables; text lines outside tables stay paragraphs.

use std::borrow::Cow;

use gongkai_domain::report::spec::{BlockSpec, FORMAT_2019, FORMAT_2021, FormatSpec, RowSpec, SECTIONS, T4_COLUMNS, TableId};

use super::OcrLine;
use crate::read::doc::{Block, GridRow};
use crate::read::label::{normalize, similarity};

/// A format row a line may be.
#[derive(Debug, Clone, Copy)]
struct Slot {
    table: TableId,
    block: &'static BlockSpec,
    row: &'static RowSpec,
    cells: usize,
}

fn slots(spec: &'static FormatSpec) -> Vec<Slot> {
    let mut out = Vec::new();
    for t in TableId::ALL {
        for (block, row) in spec.table(t).rows() {
            // （六）其他处理 is a heading in the 2021 format, but reports print it as one row
            // (COLLAPSED_ROWS): it may take a line of numbers too
            if row.header_only && row.id != "other_handling" {
                continue;
            }
            out.push(Slot { table: t, block, row, cells: block.columns.len() });
        }
    }
    out
}

/// A line that holds numbers: its label and its value cells.
#[derive(Debug, Clone)]
struct Candidate {
    /// Index into the input lines.
    at: usize,
    label: String,
    values: Vec<String>,
}

impl Candidate {
    /// The values as a row of `cells` cells: as read, or without the blank cells at either end
    /// when that gives the row's count — a table without rules spans the columns of all its
    /// parts (table 二's four sub-tables), so a sub-table's row has blank cells in the columns
    /// that are not its own.
    fn values_for(&self, cells: usize) -> &[String] {
        if self.values.len() == cells {
            return &self.values;
        }
        let first = self.values.iter().position(|v| !v.is_empty()).unwrap_or(0);
        let last = self.values.iter().rposition(|v| !v.is_empty()).map_or(0, |i| i + 1);
        match self.values.get(first..last) {
            Some(inner) if inner.len() == cells => inner,
            _ => &self.values,
        }
    }
}

/// A cell's text as a number's digits when it reads as one (OCR slips mended), else `None`.
pub fn digits(cell: &str) -> Option<String> {
    let t: String = cell.chars().filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '\'' | '`')).collect();
    // quotes and stops that tesseract sees in the blank before a number
    let t = t.trim_matches(|c| matches!(c, '“' | '”' | '"' | '‘' | '’' | '。' | '、' | '·' | ':' | '：' | '_'));
    let t = t.strip_prefix('.').filter(|r| r.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(t);
    if t.is_empty() {
        return None;
    }
    let real = t.chars().filter(char::is_ascii_digit).count();
    let mut out = String::with_capacity(t.len());
    for (i, c) in t.chars().enumerate() {
        let d = match c {
            '0'..='9' => c,
            'O' | 'o' | 'D' | 'Q' | '〇' | '○' | 'θ' => '0',
            'l' | 'I' | '|' | '!' | 'i' | ']' | '[' => '1',
            'Z' | 'z' => '2',
            // the Chinese reading of a lone 7
            '了' => '7',
            'S' | 's' => '5',
            'B' => '8',
            'g' => '9',
            '.' | '。' | '·' if i > 0 => '.',
            '-' | '－' | '—' if i == 0 && t.chars().count() > 1 => '-',
            _ => return None,
        };
        out.push(d);
    }
    // a lone letter is a digit where a digit is expected (`O` for 0, `]` for a lone 1)
    (real > 0 || out.len() == 1).then_some(out).filter(|o| !o.ends_with('.') && o.matches('.').count() <= 1)
}

/// Where a row's label ends and its values begin: after the last cell with Chinese in it (a
/// cell that reads as a number is a value, whatever tesseract saw in it: 了 for 7) — unless three
/// or more numbers come before that cell, which is then a misread value among values (table
/// 四's row of fifteen has no label at all).
pub fn label_end(cells: &[String]) -> usize {
    let chinese = |c: &String| digits(c).is_none() && c.chars().any(|ch| ('\u{4E00}'..='\u{9FFF}').contains(&ch));
    let end = cells.iter().rposition(chinese).map_or(0, |i| i + 1);
    if cells[..end].iter().filter(|c| digits(c).is_some()).count() >= 3 {
        return cells.iter().position(|c| digits(c).is_some()).unwrap_or(0);
    }
    end
}

fn candidates(lines: &[(u32, &OcrLine)]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (at, (_, line)) in lines.iter().enumerate() {
        let (label, values): (String, Vec<String>) = match line {
            OcrLine::Row(cells) => {
                let split = label_end(cells);
                (cells[..split].concat(), cells[split..].to_vec())
            }
            OcrLine::Text(text) => {
                // an unruled table: the label, then the numbers separated by spaces
                let tokens: Vec<&str> = text.split_whitespace().collect();
                let split = tokens.iter().rposition(|c| digits(c).is_none()).map_or(0, |i| i + 1);
                (tokens[..split].concat(), tokens[split..].iter().map(|s| (*s).to_owned()).collect())
            }
        };
        if !values.iter().any(|v| digits(v).is_some()) {
            continue;
        }
        out.push(Candidate { at, label: normalize(&label), values });
    }
    out
}

/// How well a line fits a format row; `None` when it may not be that row.
fn score(c: &Candidate, s: &Slot) -> Option<f32> {
    let text = if s.table == TableId::T4 { "" } else { s.row.text };
    let norm = normalize(text);
    let sim = if norm.is_empty() || c.label.is_empty() {
        0.0
    } else {
        // the long notes of some labels are often cut or wrapped: the start counts most
        let head: String = norm.chars().take(c.label.chars().count().max(4)).collect();
        similarity(&c.label, &norm).max(similarity(&c.label, &head) * 0.9)
    };
    if c.values_for(s.cells).len() == s.cells {
        // a row of table 四 has no label; elsewhere a line with an unrelated label is not the row
        if s.table == TableId::T4 || sim >= 0.2 || c.label.chars().count() <= 2 {
            return Some(1.0 + sim);
        }
        return None;
    }
    (sim >= 0.7).then_some(0.3 + sim)
}

/// The best monotone alignment of candidates to slots: (total score, pairs).
fn align(cands: &[Candidate], slots: &[Slot]) -> (f32, Vec<(usize, usize)>) {
    let (n, m) = (cands.len(), slots.len());
    let mut best = vec![vec![0f32; m + 1]; n + 1];
    let mut from = vec![vec![0u8; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let (mut b, mut f) = (best[i - 1][j], 1u8);
            if best[i][j - 1] > b {
                (b, f) = (best[i][j - 1], 2);
            }
            if let Some(s) = score(&cands[i - 1], &slots[j - 1])
                && best[i - 1][j - 1] + s > b
            {
                (b, f) = (best[i - 1][j - 1] + s, 3);
            }
            best[i][j] = b;
            from[i][j] = f;
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        match from[i][j] {
            3 => {
                pairs.push((i - 1, j - 1));
                i -= 1;
                j -= 1;
            }
            2 => j -= 1,
            _ => i -= 1,
        }
    }
    pairs.reverse();
    (best[n][m], pairs)
}

/// The doc blocks of numbered OCR lines: paragraphs for text, tables with the format's labels
/// for the lines that match its rows (with the captions and headers the assembler expects).
pub fn to_blocks(lines: &[(u32, &OcrLine)]) -> Vec<Block<'static>> {
    let cands = candidates(lines);
    let (s21, s19) = (slots(&FORMAT_2021), slots(&FORMAT_2019));
    let (a21, a19) = (align(&cands, &s21), align(&cands, &s19));
    let (slots, pairs) = if a19.0 > a21.0 + 0.5 { (s19, a19.1) } else { (s21, a21.1) };
    let matched: Vec<Option<(usize, &Slot)>> = {
        let mut m = vec![None; lines.len()];
        for (ci, si) in pairs {
            m[cands[ci].at] = Some((ci, &slots[si]));
        }
        m
    };
    let mut blocks: Vec<Block<'static>> = Vec::new();
    let mut table: Option<(TableId, &'static str, Vec<GridRow<'static>>, u32)> = None;
    let flush = |blocks: &mut Vec<Block<'static>>, table: &mut Option<(TableId, &'static str, Vec<GridRow<'static>>, u32)>| {
        if let Some((_, _, rows, line)) = table.take() {
            blocks.push(Block::Table { rows, line });
        }
    };
    for (k, (line, ocr)) in lines.iter().enumerate() {
        let line = *line;
        match matched[k] {
            Some((ci, slot)) => {
                let same_block = table.as_ref().is_some_and(|(t, b, _, _)| *t == slot.table && *b == slot.block.id);
                if !same_block {
                    flush(&mut blocks, &mut table);
                    let mut rows = Vec::new();
                    header(slot, line, &mut blocks, &mut rows);
                    table = Some((slot.table, slot.block.id, rows, line));
                }
                let mut cells: Vec<Cow<'static, str>> = Vec::with_capacity(slot.cells + 1);
                if slot.table != TableId::T4 {
                    cells.push(Cow::Borrowed(slot.row.text));
                }
                cells.extend(resolve(slot, cands[ci].values_for(slot.cells)).into_iter().map(Cow::Owned));
                if let Some((_, _, rows, _)) = table.as_mut() {
                    rows.push(GridRow { cells, line });
                }
            }
            None => {
                if let OcrLine::Text(text) = ocr {
                    let text = text.trim();
                    if !text.is_empty() {
                        flush(&mut blocks, &mut table);
                        blocks.push(Block::Para { text: Cow::Owned(mend_text(text)), line });
                    }
                }
            }
        }
    }
    flush(&mut blocks, &mut table);
    blocks
}

/// Characters OCR gives for a `1` — and for nothing (a speck, a serif read twice: `3361]`).
const ONE_LIKE: [char; 7] = [']', '[', '|', 'l', 'I', 'i', '!'];

/// A row's cells as numbers where they read as such; where the row has a total (table 三's rows,
/// table 四's three groups) and the usual reading of `]`/`l`/`|` as 1 breaks it, the one reading
/// of those characters (1 or nothing) that makes the row add up is taken — the table's own sum
/// decides; when none or several do, the usual reading stays and the checker flags the row.
fn resolve(slot: &Slot, values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = values.iter().map(|v| digits(v).unwrap_or_else(|| v.clone())).collect();
    if values.len() != slot.cells {
        return out;
    }
    let groups: Vec<(Vec<usize>, usize)> = match slot.table {
        TableId::T3 => vec![((0..6).collect(), 6)],
        TableId::T4 => (0..3).map(|g| ((5 * g..5 * g + 4).collect(), 5 * g + 4)).collect(),
        TableId::T2 => Vec::new(),
    };
    for (parts, total) in groups {
        let cells: Vec<usize> = parts.iter().copied().chain([total]).collect();
        let adds_up = |vals: &[Option<i64>]| -> bool {
            let (Some(t), Some(sum)) = (vals[cells.len() - 1], vals[..cells.len() - 1].iter().try_fold(0i64, |a, v| v.map(|v| a + v))) else { return false };
            t == sum
        };
        let num = |s: &str| -> Option<i64> { if s.is_empty() { Some(0) } else { s.parse().ok() } };
        let current: Vec<Option<i64>> = cells.iter().map(|&i| num(&out[i])).collect();
        if adds_up(&current) {
            continue;
        }
        // the ambiguous characters of the group's cells, by (cell, char position)
        let spots: Vec<(usize, usize)> = cells
            .iter()
            .flat_map(|&i| values[i].chars().enumerate().filter(|(_, c)| ONE_LIKE.contains(c)).map(move |(k, _)| (i, k)))
            .collect();
        if spots.is_empty() || spots.len() > 8 {
            continue;
        }
        let mut found: Vec<Vec<String>> = Vec::new();
        for mask in 0u32..(1 << spots.len()) {
            let candidate: Vec<String> = cells
                .iter()
                .map(|&i| {
                    let kept: String = values[i]
                        .chars()
                        .enumerate()
                        .filter(|(k, _)| spots.iter().position(|s| *s == (i, *k)).is_none_or(|b| mask & (1 << b) != 0))
                        .map(|(_, c)| c)
                        .collect();
                    digits(&kept).unwrap_or(kept)
                })
                .collect();
            let vals: Vec<Option<i64>> = candidate.iter().map(|c| num(c)).collect();
            if adds_up(&vals) && !found.contains(&candidate) {
                found.push(candidate);
            }
        }
        if let [only] = found.as_slice() {
            for (&i, v) in cells.iter().zip(only) {
                out[i].clone_from(v);
            }
        }
    }
    out
}

/// A text line with the slips OCR makes in what the checker reads from text: a section heading
/// whose numeral or 、 was misread (`入、其他需要报告的事项`, `一总体情况`) gets the format's
/// numeral; the brackets around a document number's year, which OCR cannot tell from 〔〕
/// (`城政发[2025]3号`), are read as 〔〕 — DOC_NUMBER_FORMAT is not judged on OCR'd text.
fn mend_text(text: &str) -> String {
    let mut out = text.to_owned();
    for sec in &SECTIONS {
        let Some(pos) = out.find(sec.title) else { continue };
        let head = &out[..pos];
        let n = head.chars().count();
        // one or two characters misread in place of the numeral, or a speck read before it
        let numbered = head.ends_with(&format!("{}、", sec.number)) && n <= 4;
        if ((1..=2).contains(&n) || numbered) && out.chars().count() - n == sec.title.chars().count() {
            out = format!("{}、{}", sec.number, sec.title);
            break;
        }
    }
    for (open, close) in [('[', ']'), ('【', '】'), ('(', ')'), ('（', '）'), ('〈', '〉')] {
        let mut rest = out.as_str();
        let mut fixed = String::new();
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len_utf8()..];
            let year = after.chars().take_while(char::is_ascii_digit).count();
            if year == 4 && after[4..].starts_with(close) && after[4 + close.len_utf8()..].starts_with(|c: char| c.is_ascii_digit()) {
                fixed.push_str(&rest[..i]);
                fixed.push('〔');
                fixed.push_str(&after[..4]);
                fixed.push('〕');
                rest = &after[4 + close.len_utf8()..];
            } else {
                fixed.push_str(&rest[..i + open.len_utf8()]);
                rest = after;
            }
        }
        fixed.push_str(rest);
        out = fixed;
    }
    out
}

/// The caption and header rows the assembler reads a table's block by: table 二's caption and
/// column headings, table 四's three header rows; table 三's rows are known by their labels.
fn header(slot: &Slot, line: u32, blocks: &mut Vec<Block<'static>>, rows: &mut Vec<GridRow<'static>>) {
    match slot.table {
        TableId::T2 => {
            if let Some(c) = slot.block.caption {
                blocks.push(Block::Para { text: Cow::Borrowed(c), line });
            }
            let mut cells = vec![Cow::Borrowed("信息内容")];
            cells.extend(slot.block.columns.iter().map(|c| Cow::Borrowed(c.text)));
            rows.push(GridRow { cells, line });
        }
        TableId::T3 => {}
        TableId::T4 => {
            let row = |cells: Vec<&'static str>| GridRow { cells: cells.into_iter().map(Cow::Borrowed).collect(), line };
            rows.push(row(vec!["行政复议", "", "", "", "", "行政诉讼"]));
            let mut second: Vec<&'static str> = T4_COLUMNS[..5].iter().map(|c| c.text).collect();
            second.extend(["未经复议直接起诉", "", "", "", "", "复议后起诉"]);
            rows.push(row(second));
            let mut third = vec![""; 5];
            third.extend(T4_COLUMNS[5..].iter().map(|c| c.text));
            rows.push(row(third));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocr_slips_in_digits_are_mended_and_words_are_not_numbers() {
        assert_eq!(digits("1O5").as_deref(), Some("105"));
        assert_eq!(digits("O").as_deref(), Some("0"));
        assert_eq!(digits("1.25").as_deref(), Some("1.25"));
        assert_eq!(digits("l2").as_deref(), Some("12"));
        assert_eq!(digits("规章"), None);
        assert_eq!(digits("Sl"), None, "no real digit");
        assert_eq!(digits("]").as_deref(), Some("1"), "a lone 1 read as a bracket");
        assert_eq!(digits("12."), None);
        assert_eq!(digits("了").as_deref(), Some("7"), "a lone 7 read as Chinese");
    }

    #[test]
    fn a_misread_value_among_values_is_not_a_label() {
        let v = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(label_end(&v(&["", "（一）予以公开", "71", "0", "了"])), 2);
        // table 四's fifteen numbers with one read as a character: no label at all
        assert_eq!(label_end(&v(&["3", "7", "2", "3", "15", "11", "四", "0", "0", "17"])), 0);
        // a label, then numbers with one misread
        assert_eq!(label_end(&v(&["本年新收", "21", "3", "4", "和", "0"])), 1);
        // a label garbled into a bracket or two stays a label
        assert_eq!(label_end(&v(&["[", "五)不", "3.要求提供公开出版物", "0", "0"])), 3);
    }

    #[test]
    fn the_rows_sum_decides_what_a_bracket_is() {
        let slot = slots(&FORMAT_2021).into_iter().find(|s| s.row.id == "new_received").unwrap();
        let v = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // `3361]`: the bracket is a speck (3361 + 1 = 3362 adds up, 33611 + 1 does not)
        assert_eq!(resolve(&slot, &v(&["3361]", "1", "0", "0", "0", "0", "3362"])), v(&["3361", "1", "0", "0", "0", "0", "3362"]));
        // `2]`: a 1 (21 + 1 = 22)
        assert_eq!(resolve(&slot, &v(&["2]", "1", "0", "0", "0", "0", "22"])), v(&["21", "1", "0", "0", "0", "0", "22"]));
        // nothing makes it add up: the usual reading stays for the checker to flag
        assert_eq!(resolve(&slot, &v(&["2]", "1", "0", "0", "0", "0", "50"])), v(&["21", "1", "0", "0", "0", "0", "50"]));
    }

    #[test]
    fn headings_and_document_numbers_mended() {
        assert_eq!(mend_text("入、其他需要报告的事项"), "六、其他需要报告的事项");
        assert_eq!(mend_text("一总体情况"), "一、总体情况");
        assert_eq!(mend_text("和六、其他需要报告的事项"), "六、其他需要报告的事项", "a speck before the numeral");
        assert_eq!(mend_text("城政发[2025]3号"), "城政发〔2025〕3号");
        assert_eq!(mend_text("（一）主动公开情况"), "（一）主动公开情况");
        assert_eq!(mend_text("共(2024)件"), "共(2024)件");
    }

    #[test]
    fn garbled_labels_are_placed_by_order_and_cell_count() {
        let row = |label: &str, v: &[&str]| {
            let mut c = vec![label.to_owned()];
            c.extend(v.iter().map(|s| (*s).to_owned()));
            OcrLine::Row(c)
        };
        let seven = ["1", "0", "0", "0", "0", "0", "1"];
        let lines = [
            row("2.其他法律行政止公开", &seven),
            row("3 大及“二安全稳定，", &seven),
            row("4.保护第三方合法权益", &seven),
            OcrLine::Row(vec!["1", "0", "0", "1", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"].into_iter().map(String::from).collect()),
        ];
        let numbered: Vec<(u32, &OcrLine)> = lines.iter().enumerate().map(|(i, l)| (i as u32 + 1, l)).collect();
        let blocks = to_blocks(&numbered);
        let labels: Vec<String> = blocks
            .iter()
            .flat_map(|b| match b {
                Block::Table { rows, .. } => rows.iter().map(|r| r.cells.first().map(|c| c.to_string()).unwrap_or_default()).collect(),
                Block::Para { .. } => Vec::new(),
            })
            .collect();
        assert_eq!(&labels[..3], ["2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益"]);
        assert_eq!(labels.len(), 3 + 4, "table 四's three header rows and its row: {labels:?}");
    }
}
