//! The stable JSON contract for a report (issue 2, "JSON contract"):
//! `{"source", "agency", "level", "year", "format", "tables": {"t2": {"<row>": {"<column>": v}},
//! "t3": {"<row>": [7 values]}, "t4": {"<column>": n}}, "findings": [...]}` plus `date` and
//! `sections` (narrative), which make the JSON a complete, re-readable copy of the report. A
//! checked report ([`ReportJson`], [`checked_report_json`]) also has `verdict` (`{"status",
//! "text"}`, see [`super::verdict`]), which a reader of the JSON ignores.
//! A blank cell is `null`; a row the report does not have is absent; an unreadable cell is the
//! string as printed.

use serde_json::{Map, Number, Value as Json, json};

use super::finding::Finding;
use super::model::{AgencyLevel, Report, Row, Section, Table};
use super::spec::{FormatVersion, T4_ROW, TableId};
use super::value::{Decimal, Value};

fn cell_json(v: &Value) -> Json {
    match v {
        Value::Blank | Value::Absent => Json::Null,
        Value::Int(n) => Json::from(*n),
        Value::Dec(d) => Number::from_f64(d.to_f64()).map_or_else(|| Json::String(d.to_string()), Json::Number),
        Value::Unreadable(s) => Json::String(s.clone()),
    }
}

/// The JSON of one table, in the contract's shape.
pub fn table_json(format: FormatVersion, table: &Table) -> Json {
    let spec = format.spec().table(table.id);
    let mut out = Map::new();
    match table.id {
        TableId::T2 => {
            for row in &table.rows {
                let Some((block, _)) = spec.row(row.id) else { continue };
                let cells: Map<String, Json> =
                    block.columns.iter().zip(&row.cells).map(|(c, v)| (c.id.to_owned(), cell_json(v))).collect();
                out.insert(row.id.to_owned(), Json::Object(cells));
            }
        }
        TableId::T3 => {
            for row in &table.rows {
                out.insert(row.id.to_owned(), Json::Array(row.cells.iter().map(cell_json).collect()));
            }
        }
        TableId::T4 => {
            if let Some(row) = table.row(T4_ROW) {
                for (c, v) in spec.blocks.iter().flat_map(|b| b.columns).zip(&row.cells) {
                    out.insert(c.id.to_owned(), cell_json(v));
                }
            }
        }
    }
    Json::Object(out)
}

/// The report in the contract's shape, with the given findings.
pub fn report_json(report: &Report, findings: &[Finding]) -> Json {
    let tables: Map<String, Json> =
        report.tables.iter().map(|t| (t.id.id().to_owned(), table_json(report.format, t))).collect();
    let sections: Vec<Json> = report
        .sections
        .iter()
        .map(|s| json!({"id": s.id, "number": s.number, "title": s.title, "text": s.text}))
        .collect();
    json!({
        "source": report.source,
        "agency": report.agency,
        "level": report.level.map(AgencyLevel::id),
        "year": report.year,
        "format": report.format.id(),
        "date": report.date.map(|d| d.to_string()),
        "tables": tables,
        "sections": sections,
        "findings": findings,
    })
}

/// A checked report: [`report_json`] with the verdict on its findings (`"verdict"`), what
/// `report check --format json` writes for each report.
pub fn checked_report_json(report: &Report, findings: &[Finding]) -> Json {
    let mut doc = report_json(report, findings);
    if let Json::Object(m) = &mut doc {
        m.insert("verdict".to_owned(), serde_json::to_value(super::verdict::verdict(findings)).unwrap_or(Json::Null));
    }
    doc
}

/// The same document as [`checked_report_json`], serialized straight from the report without
/// building a `serde_json::Value` tree (what `report check --format json` writes for every
/// report). Keys are in the order of `report_json`'s maps (sorted).
#[derive(Debug, Clone, Copy)]
pub struct ReportJson<'a> {
    /// The report.
    pub report: &'a Report,
    /// Its findings.
    pub findings: &'a [Finding],
}

struct CellJson<'a>(&'a Value);

impl serde::Serialize for CellJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Blank | Value::Absent => s.serialize_none(),
            Value::Int(n) => s.serialize_i64(*n),
            Value::Dec(d) => {
                let f = d.to_f64();
                if f.is_finite() { s.serialize_f64(f) } else { s.serialize_str(&d.to_string()) }
            }
            Value::Unreadable(t) => s.serialize_str(t),
        }
    }
}

struct CellsJson<'a>(&'a [Value]);

impl serde::Serialize for CellsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(CellJson))
    }
}

/// Cells under their column ids, sorted by id.
struct ColumnsJson<'a>(Vec<(&'static str, &'a Value)>);

impl serde::Serialize for ColumnsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (*k, CellJson(v))))
    }
}

fn sorted_columns<'a>(columns: impl Iterator<Item = &'static str>, cells: &'a [Value]) -> ColumnsJson<'a> {
    let mut v: Vec<(&'static str, &'a Value)> = columns.zip(cells).collect();
    v.sort_by_key(|(k, _)| *k);
    v.dedup_by_key(|(k, _)| *k);
    ColumnsJson(v)
}

struct TableJson<'a>(FormatVersion, &'a Table);

impl serde::Serialize for TableJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (format, table) = (self.0, self.1);
        let spec = format.spec().table(table.id);
        // rows by id, sorted; a later row of the same id wins, as in a map insert
        let mut rows: Vec<&Row> = table.rows.iter().collect();
        rows.reverse();
        rows.sort_by_key(|r| r.id);
        rows.dedup_by_key(|r| r.id);
        match table.id {
            TableId::T2 => {
                let mut m = s.serialize_map(None)?;
                for row in rows {
                    let Some((block, _)) = spec.row(row.id) else { continue };
                    m.serialize_entry(row.id, &sorted_columns(block.columns.iter().map(|c| c.id), &row.cells))?;
                }
                m.end()
            }
            TableId::T3 => s.collect_map(rows.into_iter().map(|r| (r.id, CellsJson(&r.cells)))),
            TableId::T4 => match table.row(T4_ROW) {
                Some(row) => serde::Serialize::serialize(&sorted_columns(spec.blocks.iter().flat_map(|b| b.columns).map(|c| c.id), &row.cells), s),
                None => s.serialize_map(Some(0))?.end(),
            },
        }
    }
}

struct TablesJson<'a>(&'a Report);

impl serde::Serialize for TablesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t: Vec<&Table> = self.0.tables.iter().collect();
        t.reverse();
        t.sort_by_key(|x| x.id.id());
        t.dedup_by_key(|x| x.id.id());
        s.collect_map(t.into_iter().map(|x| (x.id.id(), TableJson(self.0.format, x))))
    }
}

struct SectionJson<'a>(&'a Section);

impl serde::Serialize for SectionJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let x = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("id", &x.id)?;
        m.serialize_entry("number", &x.number)?;
        m.serialize_entry("text", &x.text)?;
        m.serialize_entry("title", &x.title)?;
        m.end()
    }
}

/// A finding with its keys sorted, as in the value tree of [`report_json`].
struct FindingJson<'a>(&'a Finding);

impl serde::Serialize for FindingJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let f = self.0;
        let l = &f.location;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("code", &f.code)?;
        m.serialize_entry("fix", &f.fix)?;
        m.serialize_entry("location", &LocationJson(l))?;
        m.serialize_entry("message", &f.message)?;
        m.serialize_entry("severity", &f.severity)?;
        m.end()
    }
}

struct LocationJson<'a>(&'a super::finding::Location);

impl serde::Serialize for LocationJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let l = self.0;
        let mut m = s.serialize_map(None)?;
        if let Some(c) = &l.column {
            m.serialize_entry("column", c)?;
        }
        if let Some(n) = l.line {
            m.serialize_entry("line", &n)?;
        }
        if let Some(r) = &l.row {
            m.serialize_entry("row", r)?;
        }
        if let Some(x) = &l.section {
            m.serialize_entry("section", x)?;
        }
        if let Some(t) = &l.table {
            m.serialize_entry("table", t)?;
        }
        m.end()
    }
}

impl serde::Serialize for ReportJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.report;
        let mut m = s.serialize_map(Some(10))?;
        m.serialize_entry("agency", &r.agency)?;
        m.serialize_entry("date", &r.date.map(|d| d.to_string()))?;
        let findings: Vec<FindingJson<'_>> = self.findings.iter().map(FindingJson).collect();
        m.serialize_entry("findings", &findings)?;
        m.serialize_entry("format", r.format.id())?;
        m.serialize_entry("level", &r.level.map(AgencyLevel::id))?;
        let sections: Vec<SectionJson<'_>> = r.sections.iter().map(SectionJson).collect();
        m.serialize_entry("sections", &sections)?;
        m.serialize_entry("source", &r.source)?;
        m.serialize_entry("tables", &TablesJson(r))?;
        m.serialize_entry("verdict", &super::verdict::verdict(self.findings))?;
        m.serialize_entry("year", &r.year)?;
        m.end()
    }
}

/// Why a JSON document is not a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JSON 报告格式错误（{path}）：{problem}")]
pub struct JsonReportError {
    /// Where in the document (e.g. `tables.t3.granted[2]`).
    pub path: String,
    /// What is wrong.
    pub problem: String,
}

fn bad(path: impl Into<String>, problem: impl Into<String>) -> JsonReportError {
    JsonReportError { path: path.into(), problem: problem.into() }
}

fn cell_from_json(v: &Json, path: &str) -> Result<Value, JsonReportError> {
    match v {
        Json::Null => Ok(Value::Blank),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(Value::Int(i));
            }
            let d: Decimal = n.to_string().parse().map_err(|_| bad(path, format!("数字 {n} 无法精确表示")))?;
            Ok(Value::from_decimal(d))
        }
        Json::String(s) => Ok(Value::Unreadable(s.clone())),
        _ => Err(bad(path, "单元格应为数字、null 或字符串")),
    }
}

fn opt_str(obj: &Map<String, Json>, key: &str) -> Result<Option<String>, JsonReportError> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(key, "应为字符串或 null")),
    }
}

/// Read a report back from the contract's JSON (one element of `reports`, or a bare report).
pub fn report_from_json(doc: &Json) -> Result<Report, JsonReportError> {
    let obj = doc.as_object().ok_or_else(|| bad("$", "应为 JSON 对象"))?;
    let format = match obj.get("format").and_then(Json::as_str) {
        Some("2021") => FormatVersion::V2021,
        Some("2019") => FormatVersion::V2019,
        _ => return Err(bad("format", "应为 \"2021\" 或 \"2019\"")),
    };
    let mut report = Report::new(format);
    report.source = opt_str(obj, "source")?;
    report.agency = opt_str(obj, "agency")?;
    report.level = match opt_str(obj, "level")? {
        None => None,
        Some(l) => Some(AgencyLevel::from_id(&l).ok_or_else(|| bad("level", format!("未知的机关层级“{l}”")))?),
    };
    report.year = match obj.get("year") {
        None | Some(Json::Null) => None,
        Some(y) => Some(y.as_u64().and_then(|y| u16::try_from(y).ok()).ok_or_else(|| bad("year", "应为年份整数"))?),
    };
    report.date = match opt_str(obj, "date")? {
        None => None,
        Some(d) => Some(d.parse().map_err(|_| bad("date", format!("日期“{d}”无效")))?),
    };
    if let Some(sections) = obj.get("sections") {
        let arr = sections.as_array().ok_or_else(|| bad("sections", "应为数组"))?;
        for (i, s) in arr.iter().enumerate() {
            let so = s.as_object().ok_or_else(|| bad(format!("sections[{i}]"), "应为对象"))?;
            report.sections.push(Section {
                id: opt_str(so, "id")?,
                number: opt_str(so, "number")?.unwrap_or_default(),
                title: opt_str(so, "title")?.unwrap_or_default(),
                text: opt_str(so, "text")?.unwrap_or_default(),
                line: None,
            });
        }
    }
    let spec = format.spec();
    let tables = match obj.get("tables") {
        None | Some(Json::Null) => Map::new(),
        Some(Json::Object(m)) => m.clone(),
        Some(_) => return Err(bad("tables", "应为对象")),
    };
    for tid in TableId::ALL {
        let Some(tj) = tables.get(tid.id()) else { continue };
        let tpath = format!("tables.{}", tid.id());
        let tobj = tj.as_object().ok_or_else(|| bad(&tpath, "应为对象"))?;
        let tspec = spec.table(tid);
        let mut table = Table::new(tid);
        if tid == TableId::T4 {
            let block = &tspec.blocks[0];
            let mut cells = vec![Value::Absent; block.columns.len()];
            for (k, v) in tobj {
                let idx = block.columns.iter().position(|c| c.id == k).ok_or_else(|| bad(format!("{tpath}.{k}"), "未知的列"))?;
                cells[idx] = cell_from_json(v, &format!("{tpath}.{k}"))?;
            }
            table.rows.push(Row { id: T4_ROW, label: block.rows[0].text.to_owned(), cells, line: None });
        } else {
            // rows in the format's printed order
            for (block, rs) in tspec.rows() {
                let Some(rj) = tobj.get(rs.id) else { continue };
                let rpath = format!("{tpath}.{}", rs.id);
                let cells = if tid == TableId::T3 {
                    let arr = rj.as_array().ok_or_else(|| bad(&rpath, "应为 7 个数值的数组"))?;
                    if arr.len() != block.columns.len() {
                        return Err(bad(&rpath, format!("应有 {} 个数值，实有 {} 个", block.columns.len(), arr.len())));
                    }
                    arr.iter().enumerate().map(|(i, v)| cell_from_json(v, &format!("{rpath}[{i}]"))).collect::<Result<_, _>>()?
                } else {
                    let ro = rj.as_object().ok_or_else(|| bad(&rpath, "应为对象"))?;
                    let mut cells = vec![Value::Absent; block.columns.len()];
                    for (k, v) in ro {
                        let idx = block.columns.iter().position(|c| c.id == k).ok_or_else(|| bad(format!("{rpath}.{k}"), "未知的列"))?;
                        cells[idx] = cell_from_json(v, &format!("{rpath}.{k}"))?;
                    }
                    cells
                };
                table.rows.push(Row { id: rs.id, label: rs.text.to_owned(), cells, line: None });
            }
            if let Some(unknown) = tobj.keys().find(|k| tspec.row(k).is_none()) {
                return Err(bad(format!("{tpath}.{unknown}"), "格式中没有这一行"));
            }
        }
        report.tables.push(table);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_blank_distinct_from_zero_and_decimals_exact() {
        let mut r = Report::new(FormatVersion::V2021);
        r.agency = Some("岚皋县民主镇人民政府".into());
        r.year = Some(2024);
        r.level = Some(AgencyLevel::Township);
        assert!(r.set(TableId::T3, "new_received", "total", Value::Int(5)));
        assert!(r.set(TableId::T3, "new_received", "natural_person", Value::Int(5)));
        assert!(r.set(TableId::T2, "admin_fees", "fee_amount", Value::Dec("96171.6".parse().unwrap())));
        assert!(r.set(TableId::T4, T4_ROW, "review_total", Value::Int(0)));
        assert!(!r.set(TableId::T3, "no_such_row", "total", Value::Int(0)));
        let j = report_json(&r, &[]);
        assert_eq!(j["tables"]["t3"]["new_received"][0], 5);
        assert_eq!(j["tables"]["t3"]["new_received"][1], Json::Null);
        assert_eq!(j["tables"]["t2"]["admin_fees"]["fee_amount"].to_string(), "96171.6");
        assert_eq!(j["tables"]["t4"]["review_total"], 0);
        let back = report_from_json(&j).unwrap();
        assert!(back.same_content(&r), "{back:#?}");
    }

    #[test]
    fn json_errors_name_the_path() {
        let j = json!({"format": "2021", "tables": {"t3": {"granted": [1, 2]}}});
        let e = report_from_json(&j).unwrap_err();
        assert_eq!(e.path, "tables.t3.granted");
    }
}
