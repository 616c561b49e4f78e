//! The one-line verdict on a checked report: what a clerk reads first (the text output prints it
//! before the findings; the JSON contract carries it as `verdict`).
//!
//! Four outcomes, decided from the findings alone:
//! - `fail`: the report itself has errors (its arithmetic, a missing part, a wrong carry-over …);
//! - `incomplete`: the only errors are about this copy — cut off (TRUNCATED_INPUT) or with
//!   numbers that could not be placed (AMBIGUOUS_CELLS): what was read holds, the rest could not
//!   be checked;
//! - `warnings`: no error, but points to review;
//! - `pass`: nothing found.

use serde::Serialize;

use super::finding::{CheckCode, Finding, Severity};

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing found.
    Pass,
    /// Warnings only.
    Warnings,
    /// Errors only about the copy (cut off, numbers that could not be placed).
    Incomplete,
    /// The report has errors.
    Fail,
}

impl Status {
    /// The id written in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warnings => "warnings",
            Status::Incomplete => "incomplete",
            Status::Fail => "fail",
        }
    }
}

/// The verdict: its outcome and one line of Chinese saying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// `pass`, `warnings`, `incomplete` or `fail`.
    pub status: Status,
    /// One line, e.g. `不通过：2 个错误（表四总计与各项之和不符 ×2），1 个警告（空白单元格）`.
    pub text: String,
}

/// What each check code is about, in a few words (for the verdict's summary). A table, not a
/// match: a code added elsewhere compiles and reads 其他问题 until it is given its words here
/// (the test `every_code_has_a_title` names it).
const TITLES: &[(CheckCode, &str)] = &[
    (CheckCode::T3Balance, "表三勾稽关系不成立"),
    (CheckCode::T3RowTotal, "表三行总计与各列之和不符"),
    (CheckCode::T3ResultsTotal, "表三办理结果总计与各项之和不符"),
    (CheckCode::T4GroupTotal, "表四总计与各项之和不符"),
    (CheckCode::NegativeValue, "数值为负"),
    (CheckCode::UnreadableValue, "单元格不是数字"),
    (CheckCode::BlankCell, "空白单元格"),
    (CheckCode::MissingSection, "缺少部分"),
    (CheckCode::MissingTable, "缺少表格"),
    (CheckCode::MissingRow, "缺少行或列"),
    (CheckCode::SectionTitle, "标题与格式不一致"),
    (CheckCode::LabelMismatch, "标签与格式不一致"),
    (CheckCode::OutdatedFormat, "使用旧格式"),
    (CheckCode::CollapsedRows, "（六）其他处理未分项"),
    (CheckCode::TruncatedInput, "报告不完整"),
    (CheckCode::TownshipRegulations, "无规章制定权的机关填报了规章"),
    (CheckCode::FeeUnit, "收费金额单位可能有误"),
    (CheckCode::FeeStatementMissing, "未说明信息处理费收费情况"),
    (CheckCode::NarrativeMismatch, "正文数字与表格不符"),
    (CheckCode::DocNumberFormat, "文号年份括号不规范"),
    (CheckCode::LatePublication, "发布晚于期限"),
    (CheckCode::CarryoverMismatch, "上年结转与上年报告不符"),
    (CheckCode::ValidDocsDrift, "现行有效件数与上年不衔接"),
    (CheckCode::CopiedText, "正文与上年雷同"),
    (CheckCode::AmbiguousCells, "数字无法对应到单元格"),
    (CheckCode::OcrRead, "表格由图片识别读出"),
    (CheckCode::OcrUncertain, "图片识别结果存疑"),
    (CheckCode::PlaceholderText, "留有未填写的占位文字"),
];

/// What a check code is about, in a few words.
pub fn code_title(code: CheckCode) -> &'static str {
    TITLES.iter().find(|(c, _)| *c == code).map_or("其他问题", |(_, t)| t)
}

/// Errors about the copy, not the report.
fn about_the_copy(code: CheckCode) -> bool {
    matches!(code, CheckCode::TruncatedInput | CheckCode::AmbiguousCells)
}

/// The findings of one severity summarised: distinct codes in the order met, with a count
/// where a code repeats, at most three then 等.
fn summary(findings: &[Finding], keep: impl Fn(&Finding) -> bool) -> (usize, String) {
    let mut codes: Vec<(CheckCode, usize)> = Vec::new();
    let mut n = 0;
    for f in findings.iter().filter(|f| keep(f)) {
        n += 1;
        match codes.iter_mut().find(|(c, _)| *c == f.code) {
            Some((_, k)) => *k += 1,
            None => codes.push((f.code, 1)),
        }
    }
    let parts: Vec<String> = codes.iter().take(3).map(|(c, k)| if *k > 1 { format!("{} ×{k}", code_title(*c)) } else { code_title(*c).to_owned() }).collect();
    let etc = if codes.len() > 3 { "等" } else { "" };
    (n, format!("{}{etc}", parts.join("、")))
}

/// The verdict on a report from its findings (as [`super::check::check`] returns them).
pub fn verdict(findings: &[Finding]) -> Verdict {
    let is_error = |f: &Finding| f.severity == Severity::Error;
    let (own, own_what) = summary(findings, |f| is_error(f) && !about_the_copy(f.code));
    let (copy, copy_what) = summary(findings, |f| is_error(f) && about_the_copy(f.code));
    let (warnings, warn_what) = summary(findings, |f| f.severity == Severity::Warning);
    let warn_tail = if warnings > 0 { format!("，{warnings} 个警告（{warn_what}）") } else { String::new() };
    if own > 0 {
        let copy_tail = if copy > 0 { format!("；另有 {copy} 处因副本问题未能核对（{copy_what}）") } else { String::new() };
        return Verdict { status: Status::Fail, text: format!("不通过：{own} 个错误（{own_what}）{warn_tail}{copy_tail}") };
    }
    if copy > 0 {
        return Verdict {
            status: Status::Incomplete,
            text: format!("未能完整核对：{copy_what}；已读到的部分未发现错误{warn_tail}，请用完整清晰的原件重新检查"),
        };
    }
    if warnings > 0 {
        return Verdict { status: Status::Warnings, text: format!("通过，但有 {warnings} 个警告（{warn_what}）需要核对") };
    }
    Verdict { status: Status::Pass, text: "通过：未发现问题".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::Location;

    fn f(code: CheckCode) -> Finding {
        Finding::new(code, "m", Location::default(), "fix")
    }

    #[test]
    fn each_outcome_from_its_findings() {
        let v = verdict(&[]);
        assert_eq!((v.status, v.text.as_str()), (Status::Pass, "通过：未发现问题"));
        let v = verdict(&[f(CheckCode::BlankCell), f(CheckCode::BlankCell), f(CheckCode::LabelMismatch)]);
        assert_eq!(v.status, Status::Warnings);
        assert_eq!(v.text, "通过，但有 3 个警告（空白单元格 ×2、标签与格式不一致）需要核对");
        let v = verdict(&[f(CheckCode::TruncatedInput), f(CheckCode::BlankCell)]);
        assert_eq!(v.status, Status::Incomplete);
        assert!(v.text.starts_with("未能完整核对：报告不完整；已读到的部分未发现错误，1 个警告"), "{}", v.text);
        let v = verdict(&[f(CheckCode::T4GroupTotal), f(CheckCode::T4GroupTotal), f(CheckCode::AmbiguousCells), f(CheckCode::CollapsedRows)]);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.text, "不通过：2 个错误（表四总计与各项之和不符 ×2），1 个警告（（六）其他处理未分项）；另有 1 处因副本问题未能核对（数字无法对应到单元格）");
    }

    #[test]
    fn a_table_two_ambiguity_is_a_warning_and_the_report_passes_with_it() {
        let mut a = f(CheckCode::AmbiguousCells);
        a.severity = Severity::Warning;
        assert_eq!(verdict(&[a]).status, Status::Warnings);
    }

    #[test]
    fn more_than_three_kinds_end_in_etc() {
        let v = verdict(&[f(CheckCode::T3Balance), f(CheckCode::T3RowTotal), f(CheckCode::MissingRow), f(CheckCode::MissingSection)]);
        assert!(v.text.ends_with("缺少行或列等）"), "{}", v.text);
    }

    #[test]
    fn every_code_has_a_title() {
        for c in CheckCode::ALL {
            assert!(TITLES.iter().any(|(x, _)| x == c), "{c:?} has no words in verdict::TITLES");
        }
    }
}
