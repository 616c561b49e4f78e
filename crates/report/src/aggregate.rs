//! 汇总: many agencies' reports of one year and one format summed into one report, as a county
//! office compiles its agencies' figures. Sums are exact (integers; decimals for 万元); a blank
//! cell counts as 0. Every cell keeps each unit's contribution, and the units whose own reports
//! have errors (by the checker) are listed, because their figures make the sum doubtful.
//!
//! Mixing formats or years is refused with a message naming the units: a 2019-format table 二
//! cannot be added to a 2021 one. When any unit prints 表三“（六）其他处理” as one row
//! (COLLAPSED_ROWS), the sum has that row only (the other units' three sub-rows are added into
//! it), so that no sub-row total is a guess. An unreadable cell is left out of its sum, and the
//! aggregation says so in its notes.

use std::fmt::Write as _;

use gongkai_domain::report::check::{CheckOptions, check, column_label, counts, row_label, table_label};
use gongkai_domain::report::json::report_json;
use gongkai_domain::report::spec::{FormatVersion, SECTIONS, T3_COLUMNS, TableId};
use gongkai_domain::report::{Decimal, Report, Row, Section, Table, Value};
use serde_json::{Value as Json, json};

/// One unit (agency) that went into the sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The agency's name (or the file name when the report does not say).
    pub name: String,
    /// Where its report was read from.
    pub source: Option<String>,
    /// Error findings of its report.
    pub errors: usize,
    /// Warning findings of its report.
    pub warnings: usize,
}

/// One summed cell with every unit's contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellSum {
    /// Table.
    pub table: TableId,
    /// Row id.
    pub row: &'static str,
    /// Column id.
    pub column: &'static str,
    /// The sum.
    pub total: Value,
    /// (unit index, the unit's cell) for every unit whose report has the cell.
    pub contributions: Vec<(usize, Value)>,
}

/// The result of [`aggregate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregation {
    /// The summed report (agency “汇总（N 个单位）” unless named).
    pub report: Report,
    /// The units, in input order.
    pub units: Vec<Unit>,
    /// Every summed cell.
    pub cells: Vec<CellSum>,
    /// Indexes into `units` of the units whose reports have error findings.
    pub units_with_errors: Vec<usize>,
    /// Remarks in Chinese (collapsed rows, unreadable cells left out, …).
    pub notes: Vec<String>,
}

/// Why reports cannot be summed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AggregateError {
    /// Nothing to sum.
    #[error("没有可汇总的报告")]
    Empty,
    /// The reports use different formats.
    #[error("不能汇总不同格式的报告：{0}。请分别汇总")]
    MixedFormats(String),
    /// The reports are for different years.
    #[error("不能汇总不同年度的报告：{0}。请分别汇总")]
    MixedYears(String),
}

const OH_ROWS: [&str; 3] = ["oh_no_correction", "oh_fee_unpaid", "oh_other"];

fn unit_name(r: &Report, i: usize) -> String {
    r.agency.clone().or_else(|| r.source.clone()).unwrap_or_else(|| format!("第 {} 份报告", i + 1))
}

fn is_collapsed(r: &Report) -> bool {
    r.format == FormatVersion::V2021
        && r.table(TableId::T3).is_some_and(|t| t.row("other_handling").is_some() && OH_ROWS.iter().all(|id| t.row(id).is_none()))
}

/// A unit's cell for the sum; （六）其他处理 of a unit with sub-rows is their sum.
fn unit_cell(r: &Report, table: TableId, row: &str, column: &str) -> Option<Value> {
    if let Some(v) = r.value(table, row, column)
        && !(table == TableId::T3 && row == "other_handling" && !is_collapsed(r) && r.format == FormatVersion::V2021)
    {
        return Some(v.clone());
    }
    if table == TableId::T3 && row == "other_handling" && r.format == FormatVersion::V2021 {
        let idx = T3_COLUMNS.iter().position(|c| c.id == column)?;
        let t = r.table(TableId::T3)?;
        let mut total = Decimal::ZERO;
        let mut any = false;
        for id in OH_ROWS {
            if let Some(row) = t.row(id) {
                any = true;
                match row.cells.get(idx) {
                    Some(Value::Unreadable(s)) => return Some(Value::Unreadable(s.clone())),
                    Some(v) => total = total.checked_add(v.number().unwrap_or(Decimal::ZERO))?,
                    None => {}
                }
            }
        }
        return any.then(|| Value::from_decimal(total));
    }
    None
}

/// Sum reports with the default check options and the default name.
pub fn aggregate(reports: &[Report]) -> Result<Aggregation, AggregateError> {
    aggregate_with(reports, None, &CheckOptions::default())
}

/// Sum reports; `name` is the agency name of the result.
pub fn aggregate_with(reports: &[Report], name: Option<&str>, opts: &CheckOptions) -> Result<Aggregation, AggregateError> {
    let first = reports.first().ok_or(AggregateError::Empty)?;
    let format = first.format;
    if reports.iter().any(|r| r.format != format) {
        let list: Vec<String> =
            reports.iter().enumerate().map(|(i, r)| format!("{}（{} 年格式）", unit_name(r, i), r.format.id())).collect();
        return Err(AggregateError::MixedFormats(list.join("、")));
    }
    let years: Vec<u16> = reports.iter().filter_map(|r| r.year).collect();
    if years.iter().any(|y| Some(y) != years.first()) {
        let list: Vec<String> = reports
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.year.map(|y| format!("{}（{y}年度）", unit_name(r, i))))
            .collect();
        return Err(AggregateError::MixedYears(list.join("、")));
    }
    let mut notes = Vec::new();
    let collapsed = reports.iter().any(is_collapsed);
    if collapsed && format == FormatVersion::V2021 {
        let who: Vec<String> =
            reports.iter().enumerate().filter(|(_, r)| is_collapsed(r)).map(|(i, r)| unit_name(r, i)).collect();
        notes.push(format!(
            "{} 的表三“（六）其他处理”只有一行，汇总表的“（六）其他处理”因此只汇总为一行（各单位三个子项之和）",
            who.join("、")
        ));
    }
    let mut units = Vec::with_capacity(reports.len());
    let mut units_with_errors = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        let findings = check(r, None, opts);
        let (errors, warnings, _) = counts(&findings);
        if errors > 0 {
            units_with_errors.push(i);
        }
        units.push(Unit { name: unit_name(r, i), source: r.source.clone(), errors, warnings });
    }
    let mut out = Report::new(format);
    out.agency = Some(name.map_or_else(|| format!("汇总（{} 个单位）", reports.len()), str::to_owned));
    out.year = years.first().copied();
    let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
    out.sections = SECTIONS
        .iter()
        .map(|s| Section {
            id: Some(s.id.to_owned()),
            number: s.number.to_owned(),
            title: s.title.to_owned(),
            text: if s.id == "s1" { format!("本报告由以下 {} 个单位的年度报告汇总生成：{}。", names.len(), names.join("、")) } else { String::new() },
            line: None,
        })
        .collect();
    let spec = format.spec();
    let mut cells = Vec::new();
    for t in TableId::ALL {
        if reports.iter().all(|r| r.table(t).is_none()) {
            continue;
        }
        let mut table = Table::new(t);
        for (block, rs) in spec.table(t).rows() {
            let data = if t == TableId::T3 && format == FormatVersion::V2021 {
                match rs.id {
                    "other_handling" => collapsed,
                    id if OH_ROWS.contains(&id) => !collapsed,
                    _ => !rs.header_only,
                }
            } else {
                !rs.header_only
            };
            if !data {
                continue;
            }
            let mut row = Row { id: rs.id, label: rs.text.to_owned(), cells: Vec::with_capacity(block.columns.len()), line: None };
            for c in block.columns {
                let mut total = Decimal::ZERO;
                let mut contributions = Vec::new();
                let mut overflow = false;
                for (i, r) in reports.iter().enumerate() {
                    let Some(v) = unit_cell(r, t, rs.id, c.id) else { continue };
                    match v.number() {
                        Some(n) => match total.checked_add(n) {
                            Some(x) => total = x,
                            None => overflow = true,
                        },
                        None => notes.push(format!(
                            "{} 的{}“{}”行“{}”列无法识别（“{}”），未计入汇总",
                            units[i].name,
                            table_label(t),
                            row_label(format, t, rs.id),
                            column_label(format, t, rs.id, c.id),
                            v
                        )),
                    }
                    contributions.push((i, v));
                }
                let value = if overflow { Value::Unreadable("数值溢出".to_owned()) } else { Value::from_decimal(total) };
                row.cells.push(value.clone());
                cells.push(CellSum { table: t, row: rs.id, column: c.id, total: value, contributions });
            }
            table.rows.push(row);
        }
        out.tables.push(table);
    }
    Ok(Aggregation { report: out, units, cells, units_with_errors, notes })
}

impl Aggregation {
    /// The sum of one cell.
    pub fn cell(&self, table: TableId, row: &str, column: &str) -> Option<&CellSum> {
        self.cells.iter().find(|c| c.table == table && c.row == row && c.column == column)
    }

    /// JSON: the summed report in the contract (`{"reports":[…]}`), plus `units` and, per cell,
    /// each unit's contribution.
    pub fn to_json(&self) -> Json {
        let units: Vec<Json> = self
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                json!({"name": u.name, "source": u.source, "errors": u.errors, "warnings": u.warnings,
                       "has_errors": self.units_with_errors.contains(&i)})
            })
            .collect();
        let contributions: Vec<Json> = self
            .cells
            .iter()
            .filter(|c| !c.contributions.is_empty())
            .map(|c| {
                let by_unit: Vec<Json> = c
                    .contributions
                    .iter()
                    .map(|(i, v)| json!({"unit": self.units[*i].name, "value": cell_json(v)}))
                    .collect();
                json!({"table": c.table.id(), "row": c.row, "column": c.column, "total": cell_json(&c.total), "units": by_unit})
            })
            .collect();
        json!({
            "reports": [report_json(&self.report, &[])],
            "units": units,
            "contributions": contributions,
            "notes": self.notes,
        })
    }

    /// A plain-text summary: units, notes, then each non-zero cell with its contributions.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let f = self.report.format;
        let _ = writeln!(
            s,
            "{}{}：{} 个单位（{} 年格式）",
            self.report.agency.as_deref().unwrap_or("汇总"),
            self.report.year.map(|y| format!(" {y}年度")).unwrap_or_default(),
            self.units.len(),
            f.id()
        );
        for (i, u) in self.units.iter().enumerate() {
            let mark = if self.units_with_errors.contains(&i) { "  ← 报告有错误，汇总数可能不准" } else { "" };
            let _ = writeln!(s, "  {}\t错误 {}\t警告 {}{mark}", u.name, u.errors, u.warnings);
        }
        for n in &self.notes {
            let _ = writeln!(s, "说明：{n}");
        }
        let _ = writeln!(s, "\n各项合计及各单位数据（只列合计不为 0 的项目）：");
        for c in &self.cells {
            if c.total.number().is_some_and(|d| d.is_zero()) {
                continue;
            }
            let parts: Vec<String> = c
                .contributions
                .iter()
                .filter(|(_, v)| !v.number().is_some_and(|d| d.is_zero()))
                .map(|(i, v)| format!("{} {}", self.units[*i].name, if v.is_blank() { "（空白）".to_owned() } else { v.to_string() }))
                .collect();
            let _ = writeln!(
                s,
                "{}\t{}\t{}\t{}\t= {}",
                table_label(c.table),
                row_label(f, c.table, c.row),
                column_label(f, c.table, c.row, c.column),
                c.total,
                parts.join(" + ")
            );
        }
        s
    }
}

fn cell_json(v: &Value) -> Json {
    match v {
        Value::Blank | Value::Absent => Json::Null,
        Value::Int(n) => Json::from(*n),
        Value::Dec(d) => d.to_string().parse::<serde_json::Number>().map_or_else(|_| Json::String(d.to_string()), Json::Number),
        Value::Unreadable(s) => Json::String(s.clone()),
    }
}
