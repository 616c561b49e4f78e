//! The checks of the narrative: the fee statement, document numbers, numbers stated in the text
//! against the tables, template placeholders, the publication date.

use chrono::NaiveDate;

use crate::report::finding::{CheckCode, Finding, Location};
use crate::report::model::Row;
use crate::report::spec::{FormatVersion, T4_ROW, TableId};
use crate::report::value::Value;

use super::{CheckOptions, Ctx, loc, section_loc, table_label};

pub(super) fn check_text(ctx: &Ctx<'_>, opts: &CheckOptions, out: &mut Vec<Finding>) {
    let r = ctx.report;
    // FEE_STATEMENT_MISSING: the 信息处理费 rules (国办函〔2020〕109号) apply from 2021.
    let fee_rules_apply = ctx.format == FormatVersion::V2021 || r.year.is_some_and(|y| y >= 2021);
    if fee_rules_apply
        && let Some(s6) = r.section("s6") {
            let text = format!("{}{}", s6.title, s6.text);
            let says = text.contains("处理费") || text.contains("收费") || (text.contains("收取") && text.contains('费'));
            if !says {
                out.push(Finding::new(
                    CheckCode::FeeStatementMissing,
                    "第六部分“其他需要报告的事项”没有说明收取信息处理费的情况",
                    section_loc("s6", s6.line),
                    "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）写明本年度收取信息处理费的金额和件数；未收取的，写明“本年度未收取信息处理费”",
                ));
            }
        }
    for s in &r.sections {
        let id = s.id.as_deref();
        // document numbers never span lines; the narrative may (PDF text breaks lines anywhere).
        // Both need a character the text rarely has (号, 件): skip the scan without it.
        // A document number holds no 。 and its context stops at one (not a CJK character),
        // and normalising a line ending in 。 is independent of what follows: only the
        // sentences with a 号 are normalised and scanned (a crawled section is one long line).
        for text in [s.title.as_str(), s.text.as_str()] {
            for piece in pieces_with(text, "号") {
                doc_numbers(&normalize(piece), id, s.line, out);
            }
        }
        // Every phrasing ends in 件 within one sentence: only those sentences are looked at.
        // (Normalising keeps the sentence ends, so a sentence reads the same alone.)
        let t = s.text.as_str();
        let is_end = |c: char| matches!(c, '。' | '；' | ';' | '！' | '？');
        let mut done_to = 0;
        for at in memchr::memmem::find_iter(t.as_bytes(), "件".as_bytes()) {
            if at < done_to {
                continue;
            }
            let start = t[..at].char_indices().rev().find(|(_, c)| is_end(*c)).map_or(0, |(i, c)| i + c.len_utf8());
            let end = t[at..].char_indices().find(|(_, c)| is_end(*c)).map_or(t.len(), |(i, c)| at + i + c.len_utf8());
            let chars = normalize(&t[start.max(done_to)..end]);
            narrative_numbers(ctx, &chars, id, s.line, out);
            done_to = end;
        }
    }
    // LATE_PUBLICATION
    if let (Some(date), Some(level), Some(year)) = (r.date, r.level, r.year)
        && let Some(deadline) = opts.deadline(level, year)
            && date > deadline {
                out.push(Finding::new(
                    CheckCode::LatePublication,
                    format!(
                        "报告日期为 {}，晚于{}机关{}年度报告的公布期限 {}（《中华人民共和国政府信息公开条例》第四十九条）",
                        zh_date(date),
                        level.label(),
                        year,
                        zh_date(deadline)
                    ),
                    Location::default(),
                    "按期编制并公布年度报告；若报告日期填写有误，更正落款日期",
                ));
            }
}

// ---- placeholders ---------------------------------------------------------------------------

/// PLACEHOLDER_TEXT: a template's fill-in marks left in the report — one finding per section
/// (and one per table for cells), naming up to three of them with their context.
pub(super) fn check_placeholders(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.report;
    let fix = "把模板中的占位文字换成实际内容（机关名称、日期、数字等）后再锁定或公布";
    if let Some(agency) = r.agency.as_deref()
        && !placeholders(agency).is_empty()
    {
        out.push(Finding::new(
            CheckCode::PlaceholderText,
            format!("报告的机关名称“{agency}”是模板中的占位文字，尚未填写"),
            Location::default(),
            fix,
        ));
    }
    for s in &r.sections {
        let mut marks = placeholders(&s.title);
        marks.extend(placeholders(&s.text));
        if marks.is_empty() {
            continue;
        }
        let place = match s.id.as_deref() {
            Some(_) => format!("第{}部分“{}”", s.number, s.title.trim()),
            None => "报告标题和开头".to_owned(),
        };
        out.push(Finding::new(
            CheckCode::PlaceholderText,
            format!("{place}含有尚未填写的模板占位文字：{}", quote_marks(&marks)),
            Location { section: s.id.clone(), line: s.line, ..Location::default() },
            fix,
        ));
    }
    for t in &r.tables {
        let mut marks = Vec::new();
        let mut first: Option<&Row> = None;
        for row in &t.rows {
            for v in &row.cells {
                if let Value::Unreadable(text) = v
                    && !placeholders(text).is_empty()
                {
                    first.get_or_insert(row);
                    marks.push(format!("{}：{}", ctx.rl(t.id, row.id), text.trim()));
                }
            }
        }
        if let Some(row) = first {
            out.push(Finding::new(
                CheckCode::PlaceholderText,
                format!("{}的单元格含有尚未填写的模板占位文字：{}", table_label(t.id), quote_marks(&marks)),
                loc(t.id, Some(row.id), None, row.line),
                fix,
            ));
        }
    }
}

fn quote_marks(marks: &[String]) -> String {
    let shown: Vec<String> = marks.iter().take(3).map(|m| format!("“{m}”")).collect();
    if marks.len() > 3 {
        format!("{} 等 {} 处", shown.join("、"), marks.len())
    } else {
        shown.join("、")
    }
}

/// The fill-in marks of a report template found in `text`, each with a little of its context:
/// 待填写 / 请填写 / 此处填写; a bracket holding a fill-in request or nothing (【填写】, 【单位名称】,
/// 【 】, [填写], （填写…）); runs of two or more X / x / × / Ｘ (XX镇, 20XX年, ××件) not part of an
/// ASCII word (so `zfxxgk` in an address is not one); three or more `_` or two or more `＿`
/// (a blank to write on). Deliberately not: 某某 (anonymised names), ○○ / 〇〇 (dates), 有待完善.
pub fn placeholders(text: &str) -> Vec<String> {
    if !may_hold_placeholder(text) {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found: Vec<(usize, usize)> = Vec::new(); // char ranges
    let n = chars.len();
    let c = |i: usize| chars.get(i).map(|x| x.1);
    let mut i = 0;
    while i < n {
        let ch = chars[i].1;
        // X runs
        if matches!(ch, 'X' | 'x' | '×' | 'Ｘ' | 'ｘ') {
            let mut j = i;
            while j < n && matches!(chars[j].1, 'X' | 'x' | '×' | 'Ｘ' | 'ｘ') {
                j += 1;
            }
            let ascii_word = |k: Option<char>| k.is_some_and(|k| k.is_ascii_alphabetic());
            let before = if i == 0 { None } else { c(i - 1) };
            if j - i >= 2 && !ascii_word(before) && !ascii_word(c(j)) {
                found.push((i, j));
            }
            i = j;
            continue;
        }
        if ch == '_' || ch == '＿' {
            let mut j = i;
            while j < n && matches!(chars[j].1, '_' | '＿') {
                j += 1;
            }
            let full = chars[i..j].iter().any(|x| x.1 == '＿');
            if j - i >= 3 || (full && j - i >= 2) {
                found.push((i, j));
            }
            i = j;
            continue;
        }
        let close = match ch {
            '【' => Some('】'),
            '[' => Some(']'),
            '（' => Some('）'),
            '(' => Some(')'),
            _ => None,
        };
        if let Some(close) = close {
            let end = (i + 1..n.min(i + 24)).find(|&k| chars[k].1 == close);
            if let Some(end) = end {
                let inner: String = chars[i + 1..end].iter().map(|x| x.1).collect();
                let inner = inner.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
                let square = matches!(ch, '【' | '[');
                let asks = inner.contains("填写") || inner.contains("待填") || inner.contains("请填") || inner == "填" || inner.contains("待补充");
                let names = square && ["单位名称", "机关名称", "日期", "数字", "数量", "金额", "年份", "名称"].contains(&inner);
                let empty = square && inner.is_empty() && end > i + 1;
                if asks || names || empty {
                    found.push((i, end + 1));
                    i = end + 1;
                    continue;
                }
            }
        }
        if ch == '填' && c(i + 1) == Some('写') {
            let before = |k: usize| i >= k && c(i - k).is_some();
            let prev = if before(1) { c(i - 1) } else { None };
            let prev2 = if before(2) { c(i - 2) } else { None };
            if prev == Some('待') || prev == Some('请') || (prev == Some('处') && prev2 == Some('此')) {
                found.push((i - 1 - usize::from(prev == Some('处')), i + 2));
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    found
        .into_iter()
        .map(|(s, e)| {
            let from = (s.saturating_sub(6)..s).find(|&k| !matches!(chars[k].1, '\n' | '\r')).unwrap_or(s);
            let from = (from..s).rev().find(|&k| matches!(chars[k].1, '\n' | '\r' | '。' | '；')).map_or(from, |k| k + 1);
            let to = (e..n.min(e + 6)).find(|&k| matches!(chars[k].1, '\n' | '\r' | '。' | '；')).unwrap_or(n.min(e + 6));
            chars[from..to].iter().map(|x| x.1).collect::<String>().trim().to_owned()
        })
        .collect()
}

/// Whether `text` has what a mark of [`placeholders`] starts with, looked for without decoding
/// it: 【 [ × Ｘ ｘ ＿ 填 or 待补充 (a round bracket is a mark only with 填 or 待补充 inside), a
/// run of two or more ASCII X/x not inside an ASCII word (`zfxxgk` in an address is not one),
/// three or more `_`. Most report text has none, and is not scanned character by character.
fn may_hold_placeholder(text: &str) -> bool {
    // one substring search per mark (vectorised), not one pass matching each character
    // against a set (which decodes every character)
    static MARKS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> = std::sync::LazyLock::new(|| {
        ["【", "×", "Ｘ", "ｘ", "＿", "填", "待补充"].iter().map(|m| memchr::memmem::Finder::new(m.as_bytes())).collect()
    });
    if memchr::memchr(b'[', text.as_bytes()).is_some() || MARKS.iter().any(|m| m.find(text.as_bytes()).is_some()) {
        return true;
    }
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(at) = memchr::memchr3(b'X', b'x', b'_', &b[i..]) {
        let start = i + at;
        let under = b[start] == b'_';
        let len = b[start..].iter().take_while(|&&c| if under { c == b'_' } else { matches!(c, b'X' | b'x') }).count();
        let end = start + len;
        let word = |k: Option<&u8>| k.is_some_and(u8::is_ascii_alphabetic);
        let mark = if under {
            len >= 3
        } else {
            len >= 2 && !word(start.checked_sub(1).and_then(|k| b.get(k))) && !word(b.get(end))
        };
        if mark {
            return true;
        }
        i = end;
    }
    false
}

/// The pieces of `text` that hold `needle`, each once, in order: a piece is what
/// `text.lines()` and then `split_inclusive('。')` make of it (a line's `\r` is kept at its end;
/// the callers normalise whitespace away). Found by searching for `needle` (vectorised), not by
/// splitting the whole text.
fn pieces_with<'t>(text: &'t str, needle: &'t str) -> impl Iterator<Item = &'t str> + 't {
    const STOP: &str = "。";
    let b = text.as_bytes();
    let mut done_to = 0;
    memchr::memmem::find_iter(b, needle.as_bytes()).filter_map(move |at| {
        if at < done_to {
            return None;
        }
        // the piece starts after the line break or 。 before `at` and ends with the 。 after it
        // (included) or at the line's end
        let line_start = memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1);
        let start = memchr::memmem::rfind(&b[line_start..at], STOP.as_bytes()).map_or(line_start, |i| line_start + i + STOP.len());
        let line_end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |i| at + i);
        let end = memchr::memmem::find(&b[at..line_end], STOP.as_bytes()).map_or(line_end, |i| at + i + STOP.len());
        done_to = end;
        text.get(start..end)
    })
}

fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Whitespace removed (PDF text breaks lines and words anywhere), except that a space is kept
/// between two digits so that separate numbers stay separate; full-width digits made ASCII.
pub(super) fn normalize(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(text.len() / 2);
    let mut pending_space = false;
    for c in text.chars() {
        let c = match c {
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
            _ => c,
        };
        // no whitespace lies above U+3000: CJK text skips the Unicode table
        if c <= '\u{3000}' && c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && c.is_ascii_digit() && out.last().is_some_and(char::is_ascii_digit) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

fn starts_with(s: &[char], at: usize, pat: &str) -> bool {
    (at..).zip(pat.chars()).all(|(i, p)| s.get(i) == Some(&p))
}

pub(super) fn contains(s: &[char], pat: &str) -> bool {
    (0..s.len()).any(|i| starts_with(s, i, pat))
}

/// A run of ASCII digits (with thousands commas) at `at`: (value, end).
fn number_at(s: &[char], at: usize) -> Option<(i64, usize)> {
    let mut i = at;
    let mut n: i64 = 0;
    let mut seen = false;
    while let Some(&c) = s.get(i) {
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(i64::from(d))?;
            seen = true;
        } else if !(c == ',' && seen && s.get(i + 1).is_some_and(char::is_ascii_digit)) {
            break;
        }
        i += 1;
    }
    seen.then_some((n, i))
}

fn snippet(s: &[char], from: usize, to: usize) -> String {
    s[from.min(s.len())..to.min(s.len())].iter().collect()
}

const OPEN: [char; 6] = ['[', '(', '（', '【', '［', '〈'];
const CLOSE: [char; 6] = [']', ')', '）', '】', '］', '〉'];

/// DOC_NUMBER_FORMAT: a document number such as 民政字[2025]6号 whose year is not in 〔〕.
fn doc_numbers(s: &[char], section: Option<&str>, line: Option<u32>, out: &mut Vec<Finding>) {
    for i in 1..s.len() {
        if !OPEN.contains(&s[i]) || !is_cjk(s[i - 1]) {
            continue;
        }
        let Some((year, end)) = number_at(s, i + 1) else { continue };
        if end != i + 5 || !(1949..=2100).contains(&year) || !s.get(end).is_some_and(|c| CLOSE.contains(c)) {
            continue;
        }
        let mut j = end + 1;
        if s.get(j) == Some(&'第') {
            j += 1;
        }
        let Some((_, nend)) = number_at(s, j) else { continue };
        if s.get(nend) != Some(&'号') {
            continue;
        }
        let mut from = i;
        while from > 0 && i - from < 8 && is_cjk(s[from - 1]) {
            from -= 1;
        }
        let found = snippet(s, from, nend + 1);
        let fixed = format!("{}〔{year}〕{}", snippet(s, from, i), snippet(s, end + 1, nend + 1));
        out.push(Finding::new(
            CheckCode::DocNumberFormat,
            format!("发文字号“{found}”的年份没有使用六角括号〔〕"),
            Location { section: section.map(str::to_owned), line, ..Location::default() },
            format!("按 GB/T 9704-2012，发文字号的年份用六角括号括入，写作“{fixed}”"),
        ));
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

const WHOLE_MARKERS: [&str; 13] =
    ["共", "全年", "全市", "全区", "全县", "全镇", "全乡", "全局", "全委", "累计", "合计", "本年度", "本年"];
const NOT_THIS_YEAR: [&str; 9] = ["结转", "上年", "去年", "同比", "较", "网络问政", "咨询", "来电", "来访"];

fn is_clause_end(c: char) -> bool {
    matches!(c, '，' | ',' | '。' | '；' | ';' | '：' | ':' | '！' | '？' | '、' | '（' | '(' | '\n')
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '！' | '？' | '\n')
}

struct Stated {
    what: &'static str,
    value: i64,
    from: usize,
    to: usize,
}

/// NARRATIVE_MISMATCH: numbers the text states for the whole year, in phrasings whose meaning is
/// certain: “共受理/全年收到…申请 N 件”, “共收到 N 件申请”, “答复/办结 N 件” in a sentence about the
/// year's applications, “行政复议 N 件”, “行政诉讼 N 件”.
fn narrative_numbers(ctx: &Ctx<'_>, s: &[char], section: Option<&str>, line: Option<u32>, out: &mut Vec<Finding>) {
    let r = ctx.report;
    let t3 = |row: &str, col: &str| r.value(TableId::T3, row, col).and_then(Value::as_int);
    let t4 = |col: &str| r.value(TableId::T4, T4_ROW, col).and_then(Value::as_int);
    let mut stated = Vec::new();
    let mut sentence_start = 0;
    let mut sentence_has_marker = false;
    let mut i = 0;
    while i < s.len() {
        // every pattern starts with one of these characters
        if !matches!(s[i], '。' | '；' | ';' | '！' | '？' | '\n' | '受' | '收' | '接' | '答' | '办' | '行' | '共' | '全' | '累' | '合' | '本')
        {
            i += 1;
            continue;
        }
        if is_sentence_end(s[i]) {
            sentence_start = i + 1;
            sentence_has_marker = false;
            i += 1;
            continue;
        }
        let window_from = i.saturating_sub(12).max(sentence_start);
        let marker_before = |at: usize| {
            let w = &s[at.saturating_sub(12).max(sentence_start)..at];
            WHOLE_MARKERS.iter().any(|m| contains(w, m))
        };
        // (each pattern is tried only where its first character stands)
        let c = s[i];
        // received
        if matches!(c, '受' | '收' | '接') && ["受理", "收到", "接收"].iter().any(|v| starts_with(s, i, v)) && marker_before(i)
            && let Some(st) = received_after(s, i + 2, window_from) {
                sentence_has_marker = true;
                stated.push(st);
            }
        if matches!(c, '共' | '全' | '累' | '合' | '本') && WHOLE_MARKERS.iter().any(|m| starts_with(s, i, m)) {
            sentence_has_marker = true;
        }
        // replied / concluded
        if matches!(c, '答' | '办') && sentence_has_marker && ["答复", "办结"].iter().any(|v| starts_with(s, i, v)) {
            let before = &s[i.saturating_sub(4).max(sentence_start)..i];
            let excluded = ["延期", "逾期", "当场", "其中", "结转", "上年"].iter().any(|x| contains(before, x));
            if let Some((n, end)) = number_at(s, i + 2).filter(|(_, e)| s.get(*e) == Some(&'件'))
                && !excluded {
                    stated.push(Stated { what: "replied", value: n, from: i, to: end + 1 });
                }
        }
        for (verb, what) in [("行政复议", "review"), ("行政诉讼", "litigation")] {
            if c != '行' || !starts_with(s, i, verb) {
                continue;
            }
            let before = &s[i.saturating_sub(6).max(sentence_start)..i];
            if ["上年", "去年", "同比"].iter().any(|x| contains(before, x)) {
                continue;
            }
            let mut j = i + 4;
            for filler in ["案件", "申请", "案", "共"] {
                if starts_with(s, j, filler) {
                    j += filler.chars().count();
                }
            }
            if let Some((n, end)) = number_at(s, j).filter(|(_, e)| s.get(*e) == Some(&'件')) {
                stated.push(Stated { what, value: n, from: i, to: end + 1 });
            }
        }
        i += 1;
    }
    for st in stated {
        let (expected, accepted, row, col, table_text): (Option<i64>, Vec<i64>, &str, &str, String) = match st.what {
            "received" => {
                let new = t3("new_received", "total");
                let carried = t3("carried_over", "total");
                let both = new.zip(carried).map(|(a, b)| a + b);
                (new, both.into_iter().collect(), "new_received", "total", "表三“一、本年新收政府信息公开申请数量”总计".into())
            }
            "replied" => (
                t3("results_total", "total"),
                t3("new_received", "total").into_iter().collect(),
                "results_total",
                "total",
                "表三“（七）总计”".into(),
            ),
            "review" => (t4("review_total"), vec![], T4_ROW, "review_total", "表四“行政复议·总计”".into()),
            _ => {
                let direct = t4("lit_direct_total");
                let both = direct.zip(t4("lit_after_total")).map(|(a, b)| a + b);
                (both, direct.into_iter().collect(), T4_ROW, "lit_direct_total", "表四行政诉讼“未经复议直接起诉”与“复议后起诉”的总计之和".into())
            }
        };
        let Some(expected) = expected else { continue };
        if st.value == expected || accepted.contains(&st.value) {
            continue;
        }
        let table = if st.what == "review" || st.what == "litigation" { TableId::T4 } else { TableId::T3 };
        // quote from the subject (“全市共…”, “我局共…”): back over Chinese characters only
        let mut from = st.from;
        while from > 0 && st.from - from < 8 && is_cjk(s[from - 1]) {
            from -= 1;
        }
        let quote = snippet(s, from, st.to);
        out.push(Finding::new(
            CheckCode::NarrativeMismatch,
            format!("正文称“{quote}”，数字为 {}，但{table_text}为 {expected}", st.value),
            Location {
                section: section.map(str::to_owned),
                table: Some(table.id().into()),
                row: (table == TableId::T3).then(|| row.to_owned()),
                column: Some(col.to_owned()),
                line,
            },
            "核对正文中的数字与表格数据，以实际办理情况为准统一更正",
        ));
    }
}

/// After a “received” verb: “…申请 N 件” (申请 first) or “N 件…申请” (number first), within the clause.
fn received_after(s: &[char], from: usize, window_from: usize) -> Option<Stated> {
    let mut i = from;
    let mut saw_application = false;
    while i < s.len() && i < from + 30 && !is_clause_end(s[i]) {
        if starts_with(s, i, "申请") {
            saw_application = true;
            i += 2;
            continue;
        }
        if s[i].is_ascii_digit() {
            let (n, end) = number_at(s, i)?;
            if s.get(end) != Some(&'件') {
                return None;
            }
            if !saw_application {
                // “共收到 70 件申请”: 申请 must follow closely
                let tail = &s[end + 1..(end + 9).min(s.len())];
                let upto = tail.iter().position(|c| is_clause_end(*c)).unwrap_or(tail.len());
                if !contains(&tail[..upto], "申请") {
                    return None;
                }
            }
            let span = &s[window_from..end];
            if NOT_THIS_YEAR.iter().any(|x| contains(span, x)) {
                return None;
            }
            return Some(Stated { what: "received", value: n, from: from - 2, to: end + 1 });
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::pieces_with;

    proptest! {
        /// The vectorised search finds the same pieces as splitting every line at 。 (what the
        /// document-number check did before), up to the `\r`s a piece may keep at a line's end
        /// (whitespace, which `normalize` drops).
        #[test]
        fn pieces_with_a_needle_are_the_lines_split_at_full_stops(text in "[号。\n\r a1文]{0,40}") {
            let cr = |p: &'_ str| p.trim_end_matches('\r').to_owned();
            let split: Vec<String> = text.lines().flat_map(|l| l.split_inclusive('。')).filter(|p| p.contains('号')).map(cr).collect();
            let found: Vec<String> = pieces_with(&text, "号").map(cr).collect();
            prop_assert_eq!(found, split);
        }
    }
}
