//! The annual report as data: what a reader produces, what the checker inspects, what renderers
//! print and what the records compute. Positions (`line`) point back into the source so findings
//! can quote it; they are not part of a report's identity (see [`Report::same_content`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::finding::Finding;
use super::spec::{FormatVersion, TableId, TableSpec};
use super::value::Value;

/// The level of the agency that publishes the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyLevel {
    /// 乡、镇人民政府 or 街道办事处.
    Township,
    /// 县（区、县级市）人民政府, and county-level zones.
    County,
    /// 设区的市人民政府 (地级).
    City,
    /// 省（自治区、直辖市）人民政府.
    Province,
    /// A department of a government (局、委、办、厅 …).
    Department,
}

impl AgencyLevel {
    /// The JSON id (`township`, `county`, …).
    pub fn id(self) -> &'static str {
        match self {
            Self::Township => "township",
            Self::County => "county",
            Self::City => "city",
            Self::Province => "province",
            Self::Department => "department",
        }
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Township => "乡镇（街道）",
            Self::County => "县（区）",
            Self::City => "市",
            Self::Province => "省",
            Self::Department => "部门",
        }
    }

    /// Whether agencies of this level may make 规章 (only provincial and 设区的市 governments).
    pub fn may_make_regulations(self) -> bool {
        matches!(self, Self::Province | Self::City)
    }

    /// Parse a JSON id.
    pub fn from_id(id: &str) -> Option<Self> {
        [Self::Township, Self::County, Self::City, Self::Province, Self::Department].into_iter().find(|l| l.id() == id)
    }
}

/// A section of the report as printed: its heading and its narrative text. Sections 二-四 keep
/// the text printed around their tables.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Section {
    /// `s1` … `s6` when the heading was recognised; `None` for the preamble before 一 and for
    /// headings the format does not have.
    pub id: Option<String>,
    /// The number as printed (一 … 六), empty for the preamble.
    pub number: String,
    /// The heading as printed, without its number.
    pub title: String,
    /// The narrative text, paragraphs separated by `\n`.
    pub text: String,
    /// 1-based line of the heading in the source.
    #[serde(skip)]
    pub line: Option<u32>,
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row id from the format spec (e.g. `new_received`, `regulations`).
    pub id: &'static str,
    /// The label as printed in the source (may differ from the format: LABEL_MISMATCH).
    pub label: String,
    /// The cells, in the order of the block's columns in the spec.
    pub cells: Vec<Value>,
    /// 1-based line of the row in the source.
    pub line: Option<u32>,
}

/// One table of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Which table.
    pub id: TableId,
    /// The rows the report has, in printed order. A row the report lacks is absent.
    pub rows: Vec<Row>,
    /// 1-based line where the table starts in the source.
    pub line: Option<u32>,
    /// The numbers were read from an image by OCR (文字识别), not from text: the checker reports
    /// sums they break as an uncertain reading (OCR_UNCERTAIN), not as the agency's errors.
    pub ocr: bool,
}

impl Table {
    /// An empty table.
    pub fn new(id: TableId) -> Self {
        Table { id, rows: Vec::new(), line: None, ocr: false }
    }

    /// The row with this id.
    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// The row with this id, for editing.
    pub fn row_mut(&mut self, id: &str) -> Option<&mut Row> {
        self.rows.iter_mut().find(|r| r.id == id)
    }

    /// A table with every data row of `spec`, each cell set to `fill`, labels as the format prints
    /// them. Used by the records and the aggregator.
    pub fn filled(spec: &TableSpec, fill: &Value) -> Self {
        let rows = spec
            .data_rows()
            .map(|(block, r)| Row {
                id: r.id,
                label: r.text.to_owned(),
                cells: vec![fill.clone(); block.columns.len()],
                line: None,
            })
            .collect();
        Table { id: spec.id, rows, line: None, ocr: false }
    }
}

/// A whole annual report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Where it was read from (path or URL), if anywhere.
    pub source: Option<String>,
    /// The agency's name, e.g. 岚皋县民主镇人民政府.
    pub agency: Option<String>,
    /// The agency's level.
    pub level: Option<AgencyLevel>,
    /// The report year (the statistical period).
    pub year: Option<u16>,
    /// The national format its tables follow.
    pub format: FormatVersion,
    /// The date printed on the report (发布/成文日期), if found.
    pub date: Option<NaiveDate>,
    /// The sections as printed, in printed order (the preamble first, if any).
    pub sections: Vec<Section>,
    /// Tables 二, 三, 四 as found; a table the report lacks is absent.
    pub tables: Vec<Table>,
    /// What the reader itself noticed (label variants, truncation, ambiguous cells, …).
    pub reader_findings: Vec<Finding>,
}

impl Report {
    /// An empty report of the given format.
    pub fn new(format: FormatVersion) -> Self {
        Report {
            source: None,
            agency: None,
            level: None,
            year: None,
            format,
            date: None,
            sections: Vec::new(),
            tables: Vec::new(),
            reader_findings: Vec::new(),
        }
    }

    /// The table with this id.
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The table with this id, for editing.
    pub fn table_mut(&mut self, id: TableId) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.id == id)
    }

    /// The section with this id (`s1` … `s6`).
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id.as_deref() == Some(id))
    }

    /// A cell by table, row and column id.
    pub fn value(&self, table: TableId, row: &str, column: &str) -> Option<&Value> {
        let idx = self.format.spec().table(table).column_index(row, column)?;
        self.table(table)?.row(row)?.cells.get(idx)
    }

    /// Set a cell by ids, adding the table and row if needed. Returns `false` when the format has
    /// no such row or column.
    pub fn set(&mut self, table: TableId, row: &str, column: &str, value: Value) -> bool {
        let spec = self.format.spec().table(table);
        let Some((block, row_spec)) = spec.row(row) else { return false };
        let Some(idx) = block.columns.iter().position(|c| c.id == column) else { return false };
        if self.table(table).is_none() {
            self.tables.push(Table::new(table));
            self.tables.sort_by_key(|t| t.id);
        }
        let Some(t) = self.table_mut(table) else { return false };
        if t.row(row).is_none() {
            t.rows.push(Row {
                id: row_spec.id,
                label: row_spec.text.to_owned(),
                cells: vec![Value::Blank; block.columns.len()],
                line: None,
            });
            // keep printed order
            let order: Vec<&str> = spec.rows().map(|(_, r)| r.id).collect();
            t.rows.sort_by_key(|r| order.iter().position(|id| *id == r.id));
        }
        match t.row_mut(row).and_then(|r| r.cells.get_mut(idx)) {
            Some(cell) => {
                *cell = value;
                true
            }
            None => false,
        }
    }

    /// Equality of what the report says — metadata, section texts, table values — ignoring
    /// source positions, printed labels and reader findings. The round-trip property uses this.
    pub fn same_content(&self, other: &Report) -> bool {
        fn sections(r: &Report) -> Vec<(Option<&str>, &str, &str)> {
            r.sections.iter().map(|s| (s.id.as_deref(), s.title.as_str(), s.text.as_str())).collect()
        }
        type RowValues<'a> = (&'a str, &'a [Value]);
        fn tables(r: &Report) -> Vec<(TableId, Vec<RowValues<'_>>)> {
            r.tables.iter().map(|t| (t.id, t.rows.iter().map(|row| (row.id, row.cells.as_slice())).collect())).collect()
        }
        self.agency == other.agency
            && self.level == other.level
            && self.year == other.year
            && self.format == other.format
            && self.date == other.date
            && sections(self) == sections(other)
            && tables(self) == tables(other)
    }
}
