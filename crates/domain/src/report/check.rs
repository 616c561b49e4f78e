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

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;

use super::finding::{CheckCode, Finding, Location, Severity};
use super::model::{AgencyLevel, Report, Row, Table};
use super::spec::{BlockSpec, CellKind, FormatVersion, RowSpec, T3_COLUMNS, T3_TOTAL, T4_COLUMNS, T4_GROUPS, T4_ROW, TableId};
use super::value::{Decimal, Value};

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

fn sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, Decimal::checked_add)
}

// ---- structure ----------------------------------------------------------------------------------

fn check_structure(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.report;
    if ctx.format == FormatVersion::V2019 && r.year.is_some_and(|y| y >= 2021) {
        out.push(Finding::new(
            CheckCode::OutdatedFormat,
            format!(
                "{}年度报告仍使用 2019 年试行格式（国办公开办函〔2019〕60号）的表格；2021 年度起应使用国办公开办函〔2021〕30号印发的格式",
                r.year.unwrap_or_default()
            ),
            Location { table: Some("t2".into()), section: Some("s2".into()), line: r.table(TableId::T2).and_then(|t| t.line), ..Location::default() },
            "按国办公开办函〔2021〕30号的格式重新填报表二（本年制发件数、本年废止件数、现行有效件数等）和表三（六）其他处理的三个子项",
        ));
    }
    if ctx.collapsed {
        let row = r.table(TableId::T3).and_then(|t| t.row("other_handling"));
        out.push(Finding::new(
            CheckCode::CollapsedRows,
            "表三“（六）其他处理”只填了一行，2021 年格式要求分为 1.申请人无正当理由逾期不补正、2.申请人逾期未按收费通知要求缴纳费用、3.其他 三个子项分别填报",
            loc(TableId::T3, Some("other_handling"), None, row.and_then(|x| x.line)),
            "将“（六）其他处理”的数量按三种情形拆分填入三个子项，三项之和应等于原合计数",
        ));
    }
    for s in r.format.spec().sections {
        let table_present = s.table.is_some_and(|t| r.table(t).is_some());
        if r.section(s.id).is_some() || table_present || section_content_present(r, s.id) {
            continue;
        }
        out.push(Finding::new(
            CheckCode::MissingSection,
            format!("报告缺少第{}部分“{}”", s.number, s.title),
            section_loc(s.id, None),
            format!("按年度报告格式补充“{}、{}”部分", s.number, s.title),
        ));
    }
    for t in TableId::ALL {
        // a table of which no row was read (published as an image, or nothing between two
        // headings) is one missing table, not a missing row for each of its rows
        let Some(table) = r.table(t).filter(|tb| !tb.rows.is_empty()) else {
            // the reader found the table's numbers but could not place them: that finding says it
            if r.reader_findings.iter().any(|f| f.code == CheckCode::AmbiguousCells && f.location.table.as_deref() == Some(t.id()) && f.location.row.is_none()) {
                continue;
            }
            out.push(Finding::new(
                CheckCode::MissingTable,
                format!("报告中没有找到{}“{}”（可能以图片形式发布或被删去）", table_label(t), r.format.spec().table(t).title),
                Location { section: Some(t.section().into()), table: Some(t.id().into()), ..Location::default() },
                format!("以文字表格形式补充{}，不要只发布图片", table_label(t)),
            ));
            continue;
        };
        missing_rows(ctx, t, table, out);
    }
}

/// A section whose heading was lost (e.g. by a PDF-to-Markdown converter) but whose content is
/// there: a paragraph that starts like the section does.
fn section_content_present(r: &Report, id: &str) -> bool {
    let starts: &[&str] = match id {
        "s5" => &["存在的主要问题", "主要问题", "（一）主要问题", "（一）存在的主要问题", "存在问题", "存在的问题"],
        _ => return false,
    };
    r.sections.iter().any(|s| {
        s.text.lines().chain(std::iter::once(s.title.as_str())).any(|p| {
            let p = p.trim_start();
            starts.iter().any(|k| p.starts_with(k))
        })
    })
}

fn missing_rows(ctx: &Ctx<'_>, t: TableId, table: &Table, out: &mut Vec<Finding>) {
    let rows = ctx.data(t);
    // rows absent altogether: one finding per run of consecutive absent rows
    let mut runs: Vec<Vec<&RowSpec>> = Vec::new();
    let mut open = false;
    for (_, rs, row) in rows {
        match (row.is_none(), open) {
            (true, true) => {
                if let Some(run) = runs.last_mut() {
                    run.push(*rs);
                }
            }
            (true, false) => {
                runs.push(vec![*rs]);
                open = true;
            }
            (false, _) => open = false,
        }
    }
    for run in &runs {
        let (Some(first), Some(last)) = (run.first(), run.last()) else { continue };
        let (message, fix) = if run.len() == 1 {
            (format!("{}缺少“{}”这一行", table_label(t), ctx.rl(t, first.id)), format!("按年度报告格式补上“{}”行并填写数据（没有发生的填 0）", first.text))
        } else {
            (
                format!("{}缺少从“{}”到“{}”共 {} 行", table_label(t), ctx.rl(t, first.id), ctx.rl(t, last.id), run.len()),
                "按年度报告格式补上这些行并填写数据（没有发生的填 0）".to_owned(),
            )
        };
        out.push(Finding::new(CheckCode::MissingRow, message, loc(t, Some(first.id), None, table.line), fix));
    }
    // columns absent: per block, a column absent from every present row is one finding
    for block in ctx.format.spec().table(t).blocks {
        let present: Vec<&Row> = rows
            .iter()
            .filter(|(b, _, _)| b.id == block.id)
            .filter_map(|(_, _, row)| *row)
            .collect();
        if present.is_empty() {
            continue;
        }
        let mut whole_columns = BTreeSet::new();
        for (ci, c) in block.columns.iter().enumerate() {
            if present.iter().all(|row| matches!(cell(row, ci), Value::Absent)) {
                whole_columns.insert(ci);
                out.push(Finding::new(
                    CheckCode::MissingRow,
                    format!("{}缺少“{}”这一列", table_label(t), ctx.cl(t, present[0].id, c.id)),
                    loc(t, if t == TableId::T4 { None } else { Some(present[0].id) }, Some(c.id), present[0].line),
                    format!("按年度报告格式补上“{}”列并填写数据（没有发生的填 0）", c.text),
                ));
            }
        }
        for row in &present {
            let cols: Vec<&str> = block
                .columns
                .iter()
                .enumerate()
                .filter(|(ci, _)| !whole_columns.contains(ci) && matches!(cell(row, *ci), Value::Absent))
                .map(|(_, c)| c.id)
                .collect();
            if cols.is_empty() {
                continue;
            }
            let names: Vec<String> = cols.iter().map(|c| ctx.cl(t, row.id, c)).collect();
            out.push(Finding::new(
                CheckCode::MissingRow,
                format!("{}“{}”行缺少{}列的单元格", table_label(t), ctx.rl(t, row.id), names.join("、")),
                loc(t, Some(row.id), (cols.len() == 1).then_some(cols[0]), row.line),
                "补全该行缺少的单元格（没有发生的填 0）",
            ));
        }
    }
}

// ---- cells --------------------------------------------------------------------------------------

fn check_cells(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Cells the reader already reported as ambiguous (run-together digits with several splits)
    // are unreadable because of that; one error per row is enough.
    let ambiguous: Vec<(&str, &str)> = ctx
        .report
        .reader_findings
        .iter()
        .filter(|f| f.code == CheckCode::AmbiguousCells)
        .filter_map(|f| Some((f.location.table.as_deref()?, f.location.row.as_deref()?)))
        .collect();
    for t in TableId::ALL {
        if ctx.report.table(t).is_none() {
            continue;
        }
        // BLANK_CELL runs: consecutive rows with the same set of blank columns → one finding;
        // where they went (index in `out`), their rows and cells, for the table's summary
        let mut run: Option<(Vec<usize>, Vec<&Row>, &'static BlockSpec)> = None;
        let mut runs: Vec<BlankRun> = Vec::new();
        let mut flush = |run: &mut Option<(Vec<usize>, Vec<&Row>, &'static BlockSpec)>, out: &mut Vec<Finding>| {
            if let Some((cols, rows, block)) = run.take() {
                runs.push(BlankRun { at: out.len(), rows: rows.len(), cells: cols.len() * rows.len(), first: (rows[0].id, rows[0].line), last: rows[rows.len() - 1].id });
                out.push(blank_finding(ctx, t, block, &cols, &rows));
            }
        };
        for &(block, _, row) in ctx.data(t) {
            let Some(row) = row else {
                flush(&mut run, out);
                continue;
            };
            // a row's cells that are not numbers: one finding for the row
            let mut unreadable: Vec<(&'static str, &str)> = Vec::new();
            for (ci, c) in block.columns.iter().enumerate() {
                match cell(row, ci) {
                    Value::Unreadable(_) if ambiguous.contains(&(t.id(), row.id)) => {}
                    Value::Unreadable(s) => unreadable.push((c.id, s.as_str())),
                    v @ (Value::Int(_) | Value::Dec(_)) if c.kind != CellKind::SignedCount => {
                        if let Some(n) = v.number().filter(|n| n.is_negative()) {
                            out.push(Finding::new(
                                CheckCode::NegativeValue,
                                format!("{}“{}”行“{}”列为负数 {}，该项应为非负数", table_label(t), ctx.rl(t, row.id), ctx.cl(t, row.id, c.id), n),
                                loc(t, Some(row.id), Some(c.id), row.line),
                                "核对该项数据后更正为非负数",
                            ));
                        }
                        if c.kind == CellKind::Count && matches!(v, Value::Dec(_)) && v.as_int().is_none() {
                            out.push(Finding::new(
                                CheckCode::UnreadableValue,
                                format!("{}“{}”行“{}”列应为整数，实为 {}", table_label(t), ctx.rl(t, row.id), ctx.cl(t, row.id, c.id), v),
                                loc(t, Some(row.id), Some(c.id), row.line),
                                "件数、数量只填写整数",
                            ));
                        }
                    }
                    _ => {}
                }
            }
            match unreadable.as_slice() {
                [] => {}
                [(c, s)] => out.push(Finding::new(
                    CheckCode::UnreadableValue,
                    format!("{}“{}”行“{}”列的内容“{}”不是数字", table_label(t), ctx.rl(t, row.id), ctx.cl(t, row.id, c), s),
                    loc(t, Some(row.id), Some(c), row.line),
                    "该单元格只填写阿拉伯数字（没有发生的填 0），文字说明写在正文中",
                )),
                cells => {
                    let what: Vec<String> = cells.iter().map(|(c, s)| format!("“{}”列“{s}”", ctx.cl(t, row.id, c))).collect();
                    out.push(Finding::new(
                        CheckCode::UnreadableValue,
                        format!("{}“{}”行有 {} 个单元格不是数字：{}", table_label(t), ctx.rl(t, row.id), cells.len(), what.join("、")),
                        loc(t, Some(row.id), None, row.line),
                        "这些单元格只填写阿拉伯数字（没有发生的填 0），文字说明写在正文中",
                    ));
                }
            }
            let blanks: Vec<usize> = (0..block.columns.len()).filter(|ci| cell(row, *ci).is_blank()).collect();
            match &mut run {
                Some((cols, rows, b)) if *cols == blanks && b.id == block.id && !blanks.is_empty() => rows.push(row),
                _ => {
                    flush(&mut run, out);
                    if !blanks.is_empty() {
                        run = Some((blanks, vec![row], block));
                    }
                }
            }
        }
        flush(&mut run, out);
        summarize_blanks(ctx, t, &runs, out);
    }
}

/// A BLANK_CELL finding as written: where it went in the findings, its rows and cells, its first
/// row (id, line) and last row.
struct BlankRun {
    at: usize,
    rows: usize,
    cells: usize,
    first: (&'static str, Option<u32>),
    last: &'static str,
}

/// More than three BLANK_CELL findings in one table (a table printed with `—` or left empty
/// wherever nothing happened): one finding for the table in place of the first, with the rows and
/// cells counted, instead of a list a clerk has to read through.
fn summarize_blanks(ctx: &Ctx<'_>, t: TableId, runs: &[BlankRun], out: &mut Vec<Finding>) {
    let (Some(head), Some(tail)) = (runs.first(), runs.last()) else { return };
    if runs.len() <= 3 {
        return;
    }
    let rows: usize = runs.iter().map(|r| r.rows).sum();
    let cells: usize = runs.iter().map(|r| r.cells).sum();
    let (first, line) = head.first;
    let from_to = if t == TableId::T4 { String::new() } else { format!("（从“{}”到“{}”）", ctx.rl(t, first), ctx.rl(t, tail.last)) };
    let summary = Finding::new(
        CheckCode::BlankCell,
        format!("{}有 {rows} 行共 {cells} 个单元格为空白或以“—”“/”等代替数字{from_to}，计算时已按 0 处理", table_label(t)),
        loc(t, if t == TableId::T4 { None } else { Some(first) }, None, line),
        "没有发生的事项应填 0，不要留空或以符号代替；若确有数据，补填实际数字",
    );
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        k - 1 == head.at || !runs.iter().any(|r| r.at == k - 1)
    });
    out[head.at] = summary;
}

fn blank_finding(ctx: &Ctx<'_>, t: TableId, block: &BlockSpec, cols: &[usize], rows: &[&Row]) -> Finding {
    let first = rows[0];
    // the row's own block names its columns (table 四's carry their group: column_label)
    let names: Vec<String> =
        cols.iter().map(|ci| if t == TableId::T4 { ctx.cl(t, first.id, block.columns[*ci].id) } else { block.columns[*ci].text.to_owned() }).collect();
    let where_rows = if t == TableId::T4 {
        "表四".to_owned()
    } else if rows.len() == 1 {
        format!("{}“{}”行", table_label(t), ctx.rl(t, first.id))
    } else {
        format!(
            "{}从“{}”到“{}”共 {} 行",
            table_label(t),
            ctx.rl(t, first.id),
            ctx.rl(t, rows[rows.len() - 1].id),
            rows.len()
        )
    };
    let mut msg = format!("{where_rows}的{}列为空白（共 {} 个单元格），计算时已按 0 处理", names.join("、"), cols.len() * rows.len());
    // A blank total: say what its parts add up to, since it is not compared with them.
    if t == TableId::T3 && rows.len() == 1 && cols == [T3_TOTAL]
        && let Some(s) = sum((0..T3_TOTAL).filter_map(|i| cell(first, i).number())) {
            msg.push_str(&format!("；该行各申请人类别之和为 {s}"));
        }
    let col = (cols.len() == 1).then(|| block.columns[cols[0]].id);
    Finding::new(
        CheckCode::BlankCell,
        msg,
        loc(t, if t == TableId::T4 { None } else { Some(first.id) }, col, first.line),
        "没有发生的事项应填 0，不要留空；若确有数据，补填实际数字",
    )
}

// ---- table 三 -----------------------------------------------------------------------------------

/// The number of a cell for arithmetic, with whether it is a blank.
fn num(v: &Value) -> Option<Decimal> {
    v.number()
}

fn check_t3(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(t3) = ctx.report.table(TableId::T3) else { return };
    let t = TableId::T3;
    // T3_ROW_TOTAL
    for &(_, rs, row) in ctx.data(t) {
        let Some(row) = row else { continue };
        let total_cell = cell(row, T3_TOTAL);
        if matches!(total_cell, Value::Blank | Value::Absent) {
            continue;
        }
        let Some(total) = num(total_cell) else { continue };
        let mut parts = [Decimal::ZERO; T3_TOTAL];
        if !parts.iter_mut().enumerate().all(|(i, p)| num(cell(row, i)).map(|v| *p = v).is_some()) {
            continue;
        }
        let Some(s) = sum(parts.iter().copied()) else { continue };
        if s != total {
            let detail: Vec<String> = parts
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_zero())
                .map(|(i, v)| format!("{} {v}", T3_COLUMNS[i].text))
                .collect();
            let detail = if detail.is_empty() { String::new() } else { format!("（{}）", detail.join("、")) };
            out.push(Finding::new(
                CheckCode::T3RowTotal,
                format!("表三“{}”行：自然人与法人或其他组织各列之和为 {s}{detail}，但“总计”列为 {total}", ctx.rl(t, rs.id)),
                loc(t, Some(rs.id), Some("total"), row.line),
                "核对该行各申请人类别的数量和“总计”后更正，使总计等于各列之和",
            ));
        }
    }
    // T3_BALANCE: 一 + 二 = 三（七）+ 四, per column (the printed 勾稽关系)
    let rows = ["new_received", "carried_over", "results_total", "carried_forward"].map(|id| t3.row(id));
    if let [Some(a), Some(b), Some(c), Some(d)] = rows {
        for (ci, col) in T3_COLUMNS.iter().enumerate() {
            let vals = [a, b, c, d].map(|r| num(cell(r, ci)));
            let [Some(va), Some(vb), Some(vc), Some(vd)] = vals else { continue };
            let (Some(left), Some(right)) = (va.checked_add(vb), vc.checked_add(vd)) else { continue };
            if left != right {
                out.push(Finding::new(
                    CheckCode::T3Balance,
                    format!(
                        "表三“{}”列：第一项 {va} + 第二项 {vb} = {left}，但第三项（七）{vc} + 第四项 {vd} = {right}，勾稽关系不成立",
                        col.text
                    ),
                    loc(t, None, Some(col.id), a.line),
                    "核对本年新收、上年结转、本年办理结果总计和结转下年度的数量后更正，使第一项加第二项之和等于第三项加第四项之和",
                ));
            }
        }
    }
    // T3_RESULTS_TOTAL: （七）总计 = sum of the leaf result rows, per column
    let Some(total_row) = t3.row("results_total") else { return };
    let leaves: Vec<(&RowSpec, Option<&Row>)> = ctx
        .data(t)
        .iter()
        .filter(|(_, r, _)| r.parent.is_some() && r.id != "results_total")
        .map(|&(_, r, row)| (r, row))
        .collect();
    let missing_leaf = leaves.iter().any(|(_, row)| row.is_none());
    for (ci, col) in T3_COLUMNS.iter().enumerate() {
        let total_cell = cell(total_row, ci);
        if matches!(total_cell, Value::Blank | Value::Absent) {
            continue;
        }
        let Some(total) = num(total_cell) else { continue };
        // A blank leaf cell is not a number the agency gave: in the 总计 column (left blank in
        // the leaf rows of some 2019-format reports) it is the row's own sum when its applicant
        // columns are filled; elsewhere it counts as 0, and then only a sum of the filled cells
        // that already exceeds the total is certain to be wrong.
        let mut blanks = 0usize;
        let mut filled = 0usize;
        let parts: Option<Vec<(&RowSpec, Decimal)>> = leaves
            .iter()
            .filter_map(|(r, row)| {
                row.map(|row| {
                    let v = cell(row, ci);
                    if matches!(v, Value::Blank) {
                        let own = (ci == T3_TOTAL)
                            .then(|| (0..T3_TOTAL).map(|i| cell(row, i)).collect::<Vec<_>>())
                            .filter(|cs| cs.iter().all(|c| matches!(c, Value::Int(_) | Value::Dec(_))))
                            .and_then(|cs| sum(cs.iter().filter_map(|c| num(c))));
                        match own {
                            Some(d) => {
                                filled += 1;
                                Some((*r, d))
                            }
                            None => {
                                blanks += 1;
                                Some((*r, Decimal::ZERO))
                            }
                        }
                    } else {
                        filled += 1;
                        num(v).map(|d| (*r, d))
                    }
                })
            })
            .collect();
        let Some(parts) = parts else { continue };
        let Some(s) = sum(parts.iter().map(|(_, v)| *v)) else { continue };
        if s == total || missing_leaf || filled == 0 || (blanks > 0 && s < total) {
            continue;
        }
        let of_filled = if blanks > 0 { format!("已填写的各项（另有 {blanks} 项空白）") } else { "办理结果各项".to_owned() };
        let nonzero: Vec<String> =
            parts.iter().filter(|(_, v)| !v.is_zero()).map(|(r, v)| format!("{} {v}", ctx.rl(t, r.id))).collect();
        let detail = if nonzero.is_empty() {
            String::new()
        } else if nonzero.len() <= 6 {
            format!("（{}）", nonzero.join("、"))
        } else {
            format!("（{} 等 {} 项）", nonzero[..6].join("、"), nonzero.len())
        };
        out.push(Finding::new(
            CheckCode::T3ResultsTotal,
            format!("表三“{}”列：{of_filled}之和为 {s}{detail}，但“（七）总计”为 {total}", col.text),
            loc(t, Some("results_total"), Some(col.id), total_row.line),
            "核对（一）至（六）各项办理结果的数量和（七）总计后更正，使总计等于各项之和",
        ));
    }
}

// ---- table 四 -----------------------------------------------------------------------------------

fn check_t4(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(row) = ctx.report.table(TableId::T4).and_then(|t| t.row(T4_ROW)) else { return };
    for (_, text, start) in T4_GROUPS {
        let total_cell = cell(row, start + 4);
        if matches!(total_cell, Value::Blank | Value::Absent) {
            continue;
        }
        let parts: Option<Vec<Decimal>> = (start..start + 4).map(|i| num(cell(row, i))).collect();
        let (Some(total), Some(parts)) = (num(total_cell), parts) else { continue };
        let Some(s) = sum(parts.iter().copied()) else { continue };
        if s != total {
            out.push(Finding::new(
                CheckCode::T4GroupTotal,
                format!(
                    "表四“{text}”：结果维持 {} + 结果纠正 {} + 其他结果 {} + 尚未审结 {} = {s}，但“总计”为 {total}",
                    parts[0], parts[1], parts[2], parts[3]
                ),
                loc(TableId::T4, None, Some(T4_COLUMNS[start + 4].id), row.line),
                format!("核对“{text}”各项结果的数量和总计后更正，使总计等于四项之和"),
            ));
        }
    }
}

// ---- plausibility -------------------------------------------------------------------------------

fn check_plausibility(ctx: &Ctx<'_>, opts: &CheckOptions, out: &mut Vec<Finding>) {
    let r = ctx.report;
    let Some(t2) = r.table(TableId::T2) else { return };
    // Only 省级 and 设区的市级 governments make 规章 (立法法); a township or county reports 0.
    if let (Some(level @ (AgencyLevel::Township | AgencyLevel::County)), Some(row)) = (r.level, t2.row("regulations")) {
        // 2019 format: 对外公开总数量 may count higher-level 规章 republished; only 本年新制作数量 is the
        // agency's own.
        let columns: &[&str] = match ctx.format {
            FormatVersion::V2021 => &["made", "repealed", "valid"],
            FormatVersion::V2019 => &["new_made"],
        };
        let nonzero: Vec<String> = columns
            .iter()
            .filter_map(|c| {
                let idx = r.format.spec().t2.column_index("regulations", c)?;
                let v = cell(row, idx).number()?;
                (!v.is_zero()).then(|| format!("{} {v}", ctx.cl(TableId::T2, "regulations", c)))
            })
            .collect();
        if !nonzero.is_empty() {
            out.push(Finding::new(
                CheckCode::TownshipRegulations,
                format!(
                    "{}没有规章制定权（只有省、自治区、直辖市和设区的市、自治州人民政府可以制定规章），但表二“规章”行填报了{}",
                    level.label(),
                    nonzero.join("、")
                ),
                loc(TableId::T2, Some("regulations"), None, row.line),
                "核对是否把行政规范性文件或上级规章误填入“规章”行；本机关未制定规章的，“规章”行填 0",
            ));
        }
    }
    if ctx.format == FormatVersion::V2021
        && let (Some(level), Some(row)) = (r.level, t2.row("admin_fees")) {
            let threshold = opts.fee_unit_thresholds.get(&level);
            if let (Some(threshold), Some(v)) = (threshold, cell(row, 0).number())
                && v > *threshold {
                    out.push(Finding::new(
                        CheckCode::FeeUnit,
                        format!(
                            "表二“行政事业性收费”为 {v} 万元，对{}机关而言明显偏大（超过 {threshold} 万元），可能误按“元”填报",
                            level.label()
                        ),
                        loc(TableId::T2, Some("admin_fees"), Some("fee_amount"), row.line),
                        "该栏单位为万元：若原数据以元计，请除以 10000 后填报（例如 12000 元填 1.2）",
                    ));
                }
        }
}

// ---- narrative ----------------------------------------------------------------------------------

fn check_text(ctx: &Ctx<'_>, opts: &CheckOptions, out: &mut Vec<Finding>) {
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
fn check_placeholders(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
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
fn normalize(text: &str) -> Vec<char> {
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

fn contains(s: &[char], pat: &str) -> bool {
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

// ---- across years -------------------------------------------------------------------------------

fn check_previous(ctx: &Ctx<'_>, prev: &Report, opts: &CheckOptions, out: &mut Vec<Finding>) {
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
