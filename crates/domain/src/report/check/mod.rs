//! The report checker: every check listed under `checks` in report-format.yaml, as a pure
//! function of a report (and, for the cross-year checks, the previous year's report).
//!
//! Policy, so that a report whose arithmetic holds never gets an arithmetic error:
//! - a blank cell counts as 0 in the arithmetic and gets a BLANK_CELL warning that says so; a
//!   blank 总计 cell is not compared with its parts (the BLANK_CELL warning gives their sum), but
//!   the official 勾稽关系 (T3_BALANCE) is checked with it as 0;
//! - an unreadable cell (UNREADABLE_VALUE) and a missing row (MISSING_ROW) exclude the sums that
//!   depend on them instead of producing a second, derived error;
//! - narrative checks (NARRATIVE_MISMATCH) only recognise phrasings whose meaning is certain.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use super::finding::{CheckCode, Finding, Location, Severity};
use super::model::{AgencyLevel, Report, Row, Table};
use super::spec::{BlockSpec, FormatVersion, RowSpec, T4_COLUMNS, T4_GROUPS, TableId};
use super::value::{Decimal, Value};

mod narrative;
mod previous;
mod tables;

pub use narrative::placeholders;
pub use previous::{Similarity, sentence_similarity, sentences};
use narrative::{check_placeholders, check_text};
use previous::check_previous;
use tables::{check_cells, check_plausibility, check_structure, check_t3, check_t4};

/// A day of the year (the publication deadline falls in the year after the report year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
}

/// What the checker may be configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOptions {
    /// Publication deadline per agency level, in the year after the report year. Defaults
    /// (regulation.md §5, Art. 49): departments 31 January; county-level-and-above governments
    /// 31 March; townships 31 January (a local rule; the county compiles its own from theirs).
    pub deadlines: BTreeMap<AgencyLevel, MonthDay>,
    /// FEE_UNIT: a 行政事业性收费 amount (万元) above this, for the level, looks like it was
    /// written in yuan. Levels without an entry are not checked.
    pub fee_unit_thresholds: BTreeMap<AgencyLevel, Decimal>,
    /// COPIED_TEXT: the share of a narrative section's sentences found verbatim in the previous
    /// year's report at or above which the section counts as copied.
    pub copied_text_ratio: f64,
    /// COPIED_TEXT: sections with fewer sentences than this are not judged.
    pub copied_text_min_sentences: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        let jan31 = MonthDay { month: 1, day: 31 };
        let mar31 = MonthDay { month: 3, day: 31 };
        let deadlines = BTreeMap::from([
            (AgencyLevel::Department, jan31),
            (AgencyLevel::Township, jan31),
            (AgencyLevel::County, mar31),
            (AgencyLevel::City, mar31),
            (AgencyLevel::Province, mar31),
        ]);
        // 万元. Generous on purpose: real county governments collect tens of thousands of 万元
        // (Hongze 7730.28, Pingtan 18651.06), cities hundreds of thousands (Huai'an 96171.6).
        let fee_unit_thresholds = BTreeMap::from([
            (AgencyLevel::Township, Decimal::from_int(1_000)),
            (AgencyLevel::County, Decimal::from_int(500_000)),
            (AgencyLevel::City, Decimal::from_int(5_000_000)),
            (AgencyLevel::Province, Decimal::from_int(50_000_000)),
            (AgencyLevel::Department, Decimal::from_int(5_000_000)),
        ]);
        CheckOptions { deadlines, fee_unit_thresholds, copied_text_ratio: 0.8, copied_text_min_sentences: 3 }
    }
}

impl CheckOptions {
    /// The publication deadline of a report of `year` by an agency of `level`.
    pub fn deadline(&self, level: AgencyLevel, year: u16) -> Option<NaiveDate> {
        let md = self.deadlines.get(&level)?;
        NaiveDate::from_ymd_opt(i32::from(year) + 1, md.month, md.day)
    }
}

/// Whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Count of (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    findings.iter().fold((0, 0, 0), |(e, w, i), f| match f.severity {
        Severity::Error => (e + 1, w, i),
        Severity::Warning => (e, w + 1, i),
        Severity::Info => (e, w, i + 1),
    })
}

/// Check a report: the reader's own findings plus every check of report-format.yaml, and the
/// cross-year checks when `previous` (last year's report of the same agency) is given. The result
/// is in a deterministic order: by location (section, table, row, column in the format's order,
/// then line), then by code.
pub fn check(report: &Report, previous: Option<&Report>, opts: &CheckOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let ctx = Ctx::new(report);
    check_structure(&ctx, &mut out);
    check_cells(&ctx, &mut out);
    check_t3(&ctx, &mut out);
    check_t4(&ctx, &mut out);
    check_plausibility(&ctx, opts, &mut out);
    check_text(&ctx, opts, &mut out);
    check_placeholders(&ctx, &mut out);
    if let Some(prev) = previous {
        check_previous(&ctx, prev, opts, &mut out);
    }
    // The reader's findings come first so that, where the checker finds the same thing (e.g. a
    // missing row the reader already named), the reader's more precise wording is kept.
    let mut all = if report.reader_findings.is_empty() {
        out
    } else {
        let seen: HashSet<DedupKey<'_>> = report.reader_findings.iter().map(dedup_key).collect();
        let own: Vec<Finding> = out.into_iter().filter(|f| !seen.contains(&dedup_key(f))).collect();
        report.reader_findings.iter().cloned().chain(own).collect()
    };
    if all.iter().any(|f| f.code == CheckCode::TruncatedInput) {
        drop_beyond_cut(report, &mut all);
    }
    if report.tables.iter().any(|t| t.ocr) {
        ocr_uncertain(report, &mut all);
    }
    sort_findings(report.format, &mut all);
    all
}

/// Tables read from images by OCR: what their numbers break — sums, a cell that is not a number,
/// a row not found, a negative count, last year's carry-over — may be a misreading, so it is one
/// OCR_UNCERTAIN warning per table naming the cells, never the agency's error. Other findings on
/// such a table say that its numbers were read by OCR.
fn ocr_uncertain(report: &Report, findings: &mut Vec<Finding>) {
    const NOTE: &str = "（表中数字由图片文字识别读出）";
    for t in report.tables.iter().filter(|t| t.ocr) {
        let here = |f: &Finding| f.location.table.as_deref() == Some(t.id.id());
        let doubtful = |f: &Finding| {
            matches!(
                f.code,
                CheckCode::T3Balance
                    | CheckCode::T3RowTotal
                    | CheckCode::T3ResultsTotal
                    | CheckCode::T4GroupTotal
                    | CheckCode::NegativeValue
                    | CheckCode::UnreadableValue
                    | CheckCode::MissingRow
                    | CheckCode::AmbiguousCells
                    | CheckCode::CarryoverMismatch
            )
        };
        let (broken, rest): (Vec<Finding>, Vec<Finding>) = std::mem::take(findings).into_iter().partition(|f| here(f) && doubtful(f));
        *findings = rest;
        for f in findings.iter_mut().filter(|f| here(f) && f.code != CheckCode::OcrRead && !f.message.ends_with(NOTE)) {
            f.message.push_str(NOTE);
        }
        if broken.is_empty() {
            continue;
        }
        let problems: Vec<&str> = broken.iter().map(|f| f.message.as_str()).collect();
        let line = broken.iter().filter_map(|f| f.location.line).min().or(t.line);
        findings.push(Finding::new(
            CheckCode::OcrUncertain,
            format!(
                "{}由图片文字识别（OCR）读出，读出的数字不满足表格自身的勾稽关系，识别结果存疑：{}。这可能是识别错误，不据此认定机关填报有误",
                table_label(t.id),
                problems.join("；")
            ),
            Location { section: Some(t.id.section().to_owned()), table: Some(t.id.id().to_owned()), line, ..Location::default() },
            "对照原图片逐格核对上述单元格的数字；如原图片中的数字本身不满足勾稽关系，按表格的勾稽关系更正后以文字表格重新发布",
        ));
    }
}

/// After TRUNCATED_INPUT, what the input does not reach is not listed again as missing: the
/// sections and tables after the last part read (and before the first, when section 一 is not
/// there: a fragment), the rows after the last row read of the table the input ends in (and
/// before the first row read of the table a fragment starts in).
fn drop_beyond_cut(r: &Report, findings: &mut Vec<Finding>) {
    let spec = r.format.spec();
    let sec_index = |id: &str| spec.sections.iter().position(|s| s.id == id);
    let present: Vec<usize> = r
        .sections
        .iter()
        .filter_map(|s| s.id.as_deref().and_then(sec_index))
        .chain(r.tables.iter().filter(|t| !t.rows.is_empty()).filter_map(|t| sec_index(t.id.section())))
        .collect();
    let (Some(&first), Some(&last)) = (present.iter().min(), present.iter().max()) else {
        findings.retain(|f| !matches!(f.code, CheckCode::MissingSection | CheckCode::MissingTable | CheckCode::MissingRow));
        return;
    };
    let first = if r.section("s1").is_some() { 0 } else { first };
    let row_pos = |t: &Table, id: &str| spec.table(t.id).rows().position(|(_, x)| x.id == id);
    findings.retain(|f| {
        if !matches!(f.code, CheckCode::MissingSection | CheckCode::MissingTable | CheckCode::MissingRow) {
            return true;
        }
        let table = f.location.table.as_deref().and_then(|t| TableId::ALL.iter().find(|x| x.id() == t).copied());
        let sec = f.location.section.as_deref().and_then(sec_index).or_else(|| table.and_then(|t| sec_index(t.section())));
        let Some(sec) = sec else { return true };
        if sec > last || sec < first {
            return false;
        }
        // the input ends in the last section's table header: its table is cut, not missing
        if sec == last && f.code == CheckCode::MissingTable && table.is_some_and(|t| r.table(t).is_none_or(|x| x.rows.is_empty())) {
            return false;
        }
        let (Some(t), Some(row)) = (table.and_then(|t| r.table(t)), f.location.row.as_deref()) else { return true };
        let positions: Vec<usize> = t.rows.iter().filter_map(|x| row_pos(t, x.id)).collect();
        let (Some(&lo), Some(&hi), Some(p)) = (positions.iter().min(), positions.iter().max(), row_pos(t, row)) else { return true };
        let cut_after = sec == last && (p > hi || (p == hi && f.location.column.is_some()));
        let cut_before = sec == first && r.section("s1").is_none() && p < lo;
        !(cut_after || cut_before)
    });
}

type DedupKey<'f> = (CheckCode, Option<&'f str>, Option<&'f str>, Option<&'f str>, Option<&'f str>);

fn dedup_key(f: &Finding) -> DedupKey<'_> {
    let l = &f.location;
    (f.code, l.section.as_deref(), l.table.as_deref(), l.row.as_deref(), l.column.as_deref())
}

/// Sort findings by location (in the format's order), then code, then message.
pub fn sort_findings(format: FormatVersion, findings: &mut [Finding]) {
    // both sorts are stable: by message first, then by location and code
    findings.sort_by(|a, b| a.message.cmp(&b.message));
    findings.sort_by_cached_key(|f| (location_key(format, &f.location), f.code));
}

fn location_key(format: FormatVersion, l: &Location) -> (usize, usize, usize, usize, u32) {
    let spec = format.spec();
    let table = l.table.as_deref().and_then(|t| TableId::ALL.iter().find(|id| id.id() == t).copied());
    let section = l
        .section
        .as_deref()
        .or(table.map(TableId::section))
        .and_then(|s| spec.sections.iter().position(|x| x.id == s))
        .map_or(0, |i| i + 1);
    let Some(tid) = table else { return (section, 0, 0, 0, l.line.unwrap_or(0)) };
    let tspec = spec.table(tid);
    let row = l.row.as_deref().map_or(0, |r| tspec.rows().position(|(_, x)| x.id == r).map_or(999, |i| i + 1));
    let column = match (l.row.as_deref(), l.column.as_deref()) {
        (_, None) => 0,
        (Some(r), Some(c)) if tspec.column_index(r, c).is_some() => tspec.column_index(r, c).map_or(0, |i| i + 1),
        (_, Some(c)) => tspec.blocks.iter().find_map(|b| b.columns.iter().position(|x| x.id == c)).map_or(999, |i| i + 1),
    };
    (section, TableId::ALL.iter().position(|t| *t == tid).map_or(0, |i| i + 1), row, column, l.line.unwrap_or(0))
}

// ---- labels shared with compare, aggregate and the CLI ------------------------------------------

/// 表二 / 表三 / 表四.
pub fn table_label(table: TableId) -> String {
    format!("表{}", table.number())
}

/// A row's label as a clerk recognises it: the format's wording, without the long parenthetical
/// of （二）部分公开, and with its group for numbered sub-rows (e.g. “（三）不予公开 1.属于国家秘密”).
pub fn row_label(format: FormatVersion, table: TableId, row: &str) -> String {
    let spec = format.spec().table(table);
    let Some((_, r)) = spec.row(row) else { return row.to_owned() };
    if table == TableId::T4 {
        return "表四".to_owned();
    }
    let own = short_text(r.text);
    match r.parent.and_then(|p| spec.row(p)).filter(|(_, p)| p.id != "results") {
        Some((_, p)) => format!("{} {own}", short_text(p.text)),
        None => own,
    }
}

fn short_text(text: &str) -> String {
    // “（二）部分公开（区分处理的，…）” → “（二）部分公开”; keep a leading （n）.
    let skip = if text.starts_with('（') { text.find('）').map_or(0, |i| i + '）'.len_utf8()) } else { 0 };
    match text[skip..].find('（') {
        Some(i) if i > 0 => text[..skip + i].to_owned(),
        _ => text.to_owned(),
    }
}

/// A column's label: for table 四 with its group (“行政复议·结果维持”).
pub fn column_label(format: FormatVersion, table: TableId, row: &str, column: &str) -> String {
    if table == TableId::T4
        && let Some(i) = T4_COLUMNS.iter().position(|c| c.id == column) {
            let group = T4_GROUPS.iter().rev().find(|(_, _, start)| *start <= i).map_or("", |g| g.1);
            return format!("{group}·{}", T4_COLUMNS[i].text);
        }
    let spec = format.spec().table(table);
    spec.row(row)
        .and_then(|(b, _)| b.columns.iter().find(|c| c.id == column))
        .or_else(|| spec.blocks.iter().flat_map(|b| b.columns.iter()).find(|c| c.id == column))
        .map_or_else(|| column.to_owned(), |c| c.text.to_owned())
}

// ---- context ------------------------------------------------------------------------------------

const OH_ROWS: [&str; 3] = ["oh_no_correction", "oh_fee_unpaid", "oh_other"];

/// A data row of the format with the report's row, if present.
type DataRow<'a> = (&'static BlockSpec, &'static RowSpec, Option<&'a Row>);

struct Ctx<'a> {
    report: &'a Report,
    format: FormatVersion,
    /// 2021 format, （六）其他处理 printed as one row.
    collapsed: bool,
    /// Per table (二, 三, 四): its data rows in printed order, each with the report's row, looked
    /// up once for all checks.
    data: [Vec<DataRow<'a>>; 3],
}

impl<'a> Ctx<'a> {
    fn new(report: &'a Report) -> Self {
        let collapsed = report.format == FormatVersion::V2021
            && report.table(TableId::T3).is_some_and(|t| {
                t.row("other_handling").is_some_and(|r| r.cells.iter().any(|c| !matches!(c, Value::Blank | Value::Absent)))
                    && OH_ROWS.iter().all(|id| t.row(id).is_none())
            });
        let mut ctx = Ctx { report, format: report.format, collapsed, data: [Vec::new(), Vec::new(), Vec::new()] };
        for (i, t) in TableId::ALL.into_iter().enumerate() {
            let Some(table) = report.table(t) else { continue };
            // Rows are usually in printed order: search on from the last one found.
            let mut cursor = 0;
            let rows = ctx.data_rows(t).into_iter().map(|(b, rs)| (b, rs, find_row(&table.rows, rs.id, &mut cursor))).collect();
            ctx.data[i] = rows;
        }
        ctx
    }

    /// [`Ctx::data`] of a table.
    fn data(&self, table: TableId) -> &[DataRow<'a>] {
        let i = TableId::ALL.iter().position(|t| *t == table).unwrap_or(0);
        &self.data[i]
    }

    /// Whether `row` carries numbers in this report.
    fn is_data_row(&self, table: TableId, row: &RowSpec) -> bool {
        if table == TableId::T3 && self.format == FormatVersion::V2021 {
            if row.id == "other_handling" {
                return self.collapsed;
            }
            if self.collapsed && OH_ROWS.contains(&row.id) {
                return false;
            }
        }
        !row.header_only
    }

    /// The data rows of a table in printed order, with their block.
    fn data_rows(&self, table: TableId) -> Vec<(&'static BlockSpec, &'static RowSpec)> {
        self.format.spec().table(table).rows().filter(|(_, r)| self.is_data_row(table, r)).collect()
    }

    fn rl(&self, table: TableId, row: &str) -> String {
        row_label(self.format, table, row)
    }

    fn cl(&self, table: TableId, row: &str, column: &str) -> String {
        column_label(self.format, table, row, column)
    }
}

/// The row `id` of `rows`, searching from `cursor` on (and then from the start).
fn find_row<'a>(rows: &'a [Row], id: &str, cursor: &mut usize) -> Option<&'a Row> {
    let start = (*cursor).min(rows.len());
    let (i, row) = rows[start..].iter().enumerate().map(|(i, r)| (start + i, r)).chain(rows[..start].iter().enumerate()).find(|(_, r)| r.id == id)?;
    *cursor = i + 1;
    Some(row)
}

fn cell(row: &Row, idx: usize) -> &Value {
    row.cells.get(idx).unwrap_or(&Value::Absent)
}

fn loc(table: TableId, row: Option<&str>, column: Option<&str>, line: Option<u32>) -> Location {
    Location {
        section: Some(table.section().to_owned()),
        table: Some(table.id().to_owned()),
        row: row.map(str::to_owned),
        column: column.map(str::to_owned),
        line,
    }
}

fn section_loc(section: &str, line: Option<u32>) -> Location {
    Location { section: Some(section.to_owned()), line, ..Location::default() }
}

/// The number of a cell for arithmetic: a blank counts as 0, an unreadable cell is `None`.
fn num(v: &Value) -> Option<Decimal> {
    v.number()
}

fn sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, Decimal::checked_add)
}

