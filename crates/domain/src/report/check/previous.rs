//! The checks across years: a report compared with the previous year's.

use std::collections::HashSet;

use crate::report::finding::{CheckCode, Finding};
use crate::report::model::Report;
use crate::report::spec::{FormatVersion, T3_COLUMNS, TableId};
use crate::report::value::Value;

use super::narrative::normalize;
use super::{CheckOptions, Ctx, cell, loc, num, section_loc};

pub(super) fn check_previous(ctx: &Ctx<'_>, prev: &Report, opts: &CheckOptions, out: &mut Vec<Finding>) {
    let r = ctx.report;
    // Only consecutive years are comparable; unknown years are taken on trust.
    if let (Some(y), Some(py)) = (r.year, prev.year)
        && py + 1 != y {
            return;
        }
    // CARRYOVER_MISMATCH: the same table 三 rows in both formats.
    if let (Some(this), Some(last)) = (
        r.table(TableId::T3).and_then(|t| t.row("carried_over")),
        prev.table(TableId::T3).and_then(|t| t.row("carried_forward")),
    ) {
        let mut diffs = Vec::new();
        for (ci, col) in T3_COLUMNS.iter().enumerate() {
            let (Some(a), Some(b)) = (num(cell(this, ci)), num(cell(last, ci))) else { continue };
            if a != b {
                diffs.push((col, a, b));
            }
        }
        if !diffs.is_empty() {
            let detail: Vec<String> = diffs.iter().map(|(c, a, b)| format!("{} 本年报 {a}、上年报 {b}", c.text)).collect();
            out.push(Finding::new(
                CheckCode::CarryoverMismatch,
                format!(
                    "表三“二、上年结转政府信息公开申请数量”与{}年度报告“四、结转下年度继续办理”不一致：{}",
                    prev.year.map_or_else(|| "上一".to_owned(), |y| y.to_string()),
                    detail.join("；")
                ),
                loc(TableId::T3, Some("carried_over"), (diffs.len() == 1).then(|| diffs[0].0.id), this.line),
                "核对上年度结转下年度继续办理的申请数，本年“上年结转”应与上年报告“结转下年度继续办理”一致；确有差异的在正文中说明原因",
            ));
        }
    }
    // VALID_DOCS_DRIFT: only when both use the 2021 table 二 (made / repealed / valid).
    if r.format == FormatVersion::V2021 && prev.format == FormatVersion::V2021 {
        for (row, name) in [("regulations", "规章"), ("normative_docs", "行政规范性文件")] {
            let get = |rep: &Report, col: &str| rep.value(TableId::T2, row, col).and_then(Value::as_int);
            let (Some(valid), Some(made), Some(repealed), Some(prev_valid)) =
                (get(r, "valid"), get(r, "made"), get(r, "repealed"), get(prev, "valid"))
            else {
                continue;
            };
            let expected = prev_valid + made - repealed;
            if valid != expected {
                out.push(Finding::new(
                    CheckCode::ValidDocsDrift,
                    format!(
                        "表二“{name}”现行有效件数为 {valid}，而上年现行有效 {prev_valid} + 本年制发 {made} − 本年废止 {repealed} = {expected}，相差 {}",
                        valid - expected
                    ),
                    loc(TableId::T2, Some(row), Some("valid"), r.table(TableId::T2).and_then(|t| t.row(row)).and_then(|x| x.line)),
                    "核对现行有效件数；因修改、清理等原因造成差异的，可在正文中说明",
                ));
            }
        }
    }
    // COPIED_TEXT: narrative sections that repeat last year's sentences.
    for id in ["s1", "s5"] {
        let (Some(this), Some(last)) = (r.section(id), prev.section(id)) else { continue };
        let sim = sentence_similarity(&last.text, &this.text);
        if sim.sentences >= opts.copied_text_min_sentences && sim.identical_ratio() >= opts.copied_text_ratio {
            let title = r.format.spec().section(id).map_or("", |s| s.title);
            out.push(Finding::new(
                CheckCode::CopiedText,
                format!(
                    "第{}部分“{title}”的 {} 句中有 {} 句（{:.0}%）与上年报告逐字相同",
                    r.format.spec().section(id).map_or("", |s| s.number),
                    sim.sentences,
                    sim.identical,
                    sim.identical_ratio() * 100.0
                ),
                section_loc(id, this.line),
                "结合本年度工作实际重新撰写，写明本年度的新情况、新做法和具体数据",
            ));
        }
    }
}

/// How much of a new text repeats an old one, sentence by sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Sentences in the new text (of at least 8 characters).
    pub sentences: usize,
    /// Of these, found verbatim (ignoring whitespace) in the old text.
    pub identical: usize,
    /// Jaccard index of the two sentence sets.
    pub jaccard: f64,
}

impl Similarity {
    /// identical / sentences (0 when there are none).
    #[expect(clippy::cast_precision_loss, reason = "sentence counts are small")]
    pub fn identical_ratio(&self) -> f64 {
        if self.sentences == 0 { 0.0 } else { self.identical as f64 / self.sentences as f64 }
    }
}

/// Split a narrative into normalised sentences (whitespace removed; at least 8 characters).
pub fn sentences(text: &str) -> Vec<String> {
    let chars = normalize(text);
    chars
        .split(|c| matches!(c, '。' | '；' | ';' | '！' | '？' | '\n'))
        .map(|s| s.iter().filter(|c| **c != ' ').collect::<String>())
        .filter(|s| s.chars().count() >= 8)
        .collect()
}

/// Sentence-level similarity of `new` to `old`.
#[expect(clippy::cast_precision_loss, reason = "sentence counts are small")]
pub fn sentence_similarity(old: &str, new: &str) -> Similarity {
    let old: HashSet<String> = sentences(old).into_iter().collect();
    let new_list = sentences(new);
    let identical = new_list.iter().filter(|s| old.contains(*s)).count();
    let new_set: HashSet<&String> = new_list.iter().collect();
    let inter = new_set.iter().filter(|s| old.contains(**s)).count();
    let union = old.len() + new_set.len() - inter;
    Similarity {
        sentences: new_list.len(),
        identical,
        jaccard: if union == 0 { 0.0 } else { inter as f64 / union as f64 },
    }
}
