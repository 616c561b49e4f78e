//! The national format's table layout as one grid of cells with spans, shared by every renderer:
//! HTML, DOCX and XLSX print the spans (merged header cells), txt and Markdown print the expanded
//! grid (the text in the top-left position, covered positions empty), which is what the readers'
//! `Doc` grids look like. One layout keeps the formats in step with each other and with the
//! readers.

use gongkai_domain::report::spec::{RowSpec, T3_COLUMNS, T4_COLUMNS, T4_GROUPS, T4_ROW, TableSpec};
use gongkai_domain::report::{FormatVersion, Report, Section, Table, TableId, Value};

/// What a cell holds, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A block caption of table 二 (第二十条第（一）项).
    Caption,
    /// A column heading.
    Head,
    /// A row label.
    Label,
    /// A data cell.
    Data,
}

/// One cell at its top-left position with its spans.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub text: String,
    /// The value of a data cell (numbers go to XLSX as numbers).
    pub value: Option<Value>,
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub kind: Kind,
}

/// A table laid out as the national format prints it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grid {
    pub id: TableId,
    pub rows: usize,
    pub cols: usize,
    /// Rows at the top that are column headings (repeated on each printed page).
    pub header_rows: usize,
    /// Cells in row-major order of their top-left positions.
    pub cells: Vec<Cell>,
}

impl Grid {
    fn new(id: TableId, cols: usize) -> Self {
        Grid {
            id,
            rows: 0,
            cols,
            header_rows: 0,
            cells: Vec::new(),
        }
    }

    fn push(
        &mut self,
        row: usize,
        col: usize,
        rowspan: usize,
        colspan: usize,
        kind: Kind,
        text: impl Into<String>,
    ) {
        self.cells.push(Cell {
            text: text.into(),
            value: None,
            row,
            col,
            rowspan,
            colspan,
            kind,
        });
        self.rows = self.rows.max(row + rowspan);
    }

    fn push_value(&mut self, row: usize, col: usize, colspan: usize, value: &Value) {
        self.cells.push(Cell {
            text: value.to_string(),
            value: Some(value.clone()),
            row,
            col,
            rowspan: 1,
            colspan,
            kind: Kind::Data,
        });
        self.rows = self.rows.max(row + 1);
    }

    /// The cells starting in row `r`, left to right.
    pub fn row_cells(&self, r: usize) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(move |c| c.row == r)
    }

    /// The grid expanded: every row has `cols` texts, a merged cell's text in its top-left
    /// position and empty strings where it extends.
    pub fn expanded(&self) -> Vec<Vec<&str>> {
        let mut out = vec![vec![""; self.cols]; self.rows];
        for c in &self.cells {
            if let Some(slot) = out.get_mut(c.row).and_then(|r| r.get_mut(c.col)) {
                *slot = c.text.as_str();
            }
        }
        out
    }

    /// The expanded rows without their trailing positions that a merged cell covers (its text
    /// stands further left or higher up): tab-separated text and Markdown print no empty cells
    /// there, so a reader need not guess whether they are cells.
    pub fn trimmed(&self) -> Vec<Vec<&str>> {
        let cover = self.coverage();
        let mut rows = self.expanded();
        for (r, row) in rows.iter_mut().enumerate() {
            let mut end = row.len();
            while end > 1
                && cover[r][end - 1]
                    .is_some_and(|i| self.cells[i].col < end - 1 || self.cells[i].row < r)
            {
                end -= 1;
            }
            row.truncate(end);
        }
        rows
    }

    /// For each position, the cell covering it (index into `cells`), for renderers that must
    /// emit continuation cells (DOCX vMerge).
    pub fn coverage(&self) -> Vec<Vec<Option<usize>>> {
        let mut out = vec![vec![None; self.cols]; self.rows];
        for (i, c) in self.cells.iter().enumerate() {
            for row in out.iter_mut().skip(c.row).take(c.rowspan) {
                for slot in row.iter_mut().skip(c.col).take(c.colspan) {
                    *slot = Some(i);
                }
            }
        }
        out
    }
}

/// The grids of the tables the report has, in report order.
pub(crate) fn grids(report: &Report) -> Vec<Grid> {
    TableId::ALL
        .iter()
        .filter_map(|&id| report.table(id).map(|t| grid(report.format, t)))
        .collect()
}

/// The grid of one table.
pub(crate) fn grid(format: FormatVersion, table: &Table) -> Grid {
    let spec = format.spec().table(table.id);
    match table.id {
        TableId::T2 => t2(spec, table),
        TableId::T3 => t3(spec, table),
        TableId::T4 => t4(table),
    }
}

fn cell_at(table: &Table, row: &str, i: usize) -> Value {
    table
        .row(row)
        .and_then(|r| r.cells.get(i))
        .cloned()
        .unwrap_or(Value::Blank)
}

/// Table 二: one table of (1 + widest block) columns; per block a caption row, a heading row and
/// its rows; a block narrower than the table lets its last column span the rest, as printed.
fn t2(spec: &TableSpec, table: &Table) -> Grid {
    let width = 1 + spec
        .blocks
        .iter()
        .map(|b| b.columns.len())
        .max()
        .unwrap_or(1);
    let mut g = Grid::new(TableId::T2, width);
    let mut r = 0;
    for block in spec.blocks {
        let rows: Vec<_> = block
            .rows
            .iter()
            .filter_map(|rs| table.row(rs.id).map(|row| (rs, row)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let n = block.columns.len();
        let span = |i: usize| if i + 1 == n { width - 1 - i } else { 1 };
        if let Some(caption) = block.caption {
            g.push(r, 0, 1, width, Kind::Caption, caption);
            r += 1;
        }
        g.push(r, 0, 1, 1, Kind::Head, "信息内容");
        for (i, c) in block.columns.iter().enumerate() {
            g.push(r, 1 + i, 1, span(i), Kind::Head, c.text);
        }
        r += 1;
        for (rs, row) in rows {
            g.push(r, 0, 1, 1, Kind::Label, rs.text);
            for i in 0..n {
                g.push_value(
                    r,
                    1 + i,
                    span(i),
                    &row.cells.get(i).cloned().unwrap_or(Value::Blank),
                );
            }
            r += 1;
        }
    }
    g
}

/// The corner note of table 三 (the printed 勾稽关系).
pub(crate) const T3_CORNER: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// Table 三: three label columns (一…四 / （一）…（七） / 1.…) and seven data columns under the
/// three heading rows 申请人情况 → 自然人 · 法人或其他组织 (five) · 总计. A group heading such as
/// 三、本年度办理结果 or （三）不予公开 is one cell spanning its rows, beside its first row.
fn t3(spec: &TableSpec, table: &Table) -> Grid {
    let mut g = Grid::new(TableId::T3, 3 + T3_COLUMNS.len());
    g.push(0, 0, 3, 3, Kind::Head, T3_CORNER);
    g.push(0, 3, 1, 7, Kind::Head, "申请人情况");
    g.push(1, 3, 2, 1, Kind::Head, T3_COLUMNS[0].text);
    g.push(1, 4, 1, 5, Kind::Head, "法人或其他组织");
    g.push(1, 9, 2, 1, Kind::Head, T3_COLUMNS[6].text);
    for (i, c) in T3_COLUMNS[1..6].iter().enumerate() {
        g.push(2, 4 + i, 1, 1, Kind::Head, c.text);
    }
    g.header_rows = 3;
    let all: Vec<&RowSpec> = spec.rows().map(|(_, r)| r).collect();
    let find = |id: &str| all.iter().copied().find(|r| r.id == id);
    // The printed rows: those the report has. A group heading the report has as a row (a
    // collapsed （六） in a 2021 report) is printed as a data row.
    let printed: Vec<&RowSpec> = all
        .iter()
        .copied()
        .filter(|rs| table.row(rs.id).is_some())
        .collect();
    let ancestors = |rs: &RowSpec| {
        let mut chain = Vec::new();
        let mut p = rs.parent.and_then(find);
        while let Some(a) = p {
            chain.push(a);
            p = a.parent.and_then(find);
        }
        chain.reverse();
        chain
    };
    let mut opened: Vec<&str> = Vec::new();
    let mut r = 3;
    for rs in &printed {
        for a in ancestors(rs) {
            if opened.contains(&a.id) || table.row(a.id).is_some() {
                continue;
            }
            opened.push(a.id);
            let span = printed
                .iter()
                .filter(|p| ancestors(p).iter().any(|x| x.id == a.id))
                .count();
            g.push(r, usize::from(a.level), span, 1, Kind::Label, a.text);
        }
        let col = usize::from(rs.level).min(2);
        g.push(r, col, 1, 3 - col, Kind::Label, rs.text);
        for i in 0..T3_COLUMNS.len() {
            g.push_value(r, 3 + i, 1, &cell_at(table, rs.id, i));
        }
        r += 1;
    }
    g.rows = g.rows.max(r);
    g
}

/// Table 四: fifteen data columns under 行政复议 (five) · 行政诉讼 (未经复议直接起诉 five,
/// 复议后起诉 five), one data row.
fn t4(table: &Table) -> Grid {
    let mut g = Grid::new(TableId::T4, T4_COLUMNS.len());
    g.push(0, 0, 1, 5, Kind::Head, T4_GROUPS[0].1);
    g.push(0, 5, 1, 10, Kind::Head, "行政诉讼");
    for (i, c) in T4_COLUMNS.iter().enumerate().take(5) {
        g.push(1, i, 2, 1, Kind::Head, c.text);
    }
    g.push(1, 5, 1, 5, Kind::Head, T4_GROUPS[1].1);
    g.push(1, 10, 1, 5, Kind::Head, T4_GROUPS[2].1);
    for (i, c) in T4_COLUMNS.iter().enumerate().skip(5) {
        g.push(2, i, 1, 1, Kind::Head, c.text);
    }
    g.header_rows = 3;
    if table.row(T4_ROW).is_some() {
        for i in 0..T4_COLUMNS.len() {
            g.push_value(3, i, 1, &cell_at(table, T4_ROW, i));
        }
    }
    g
}

/// The report's title as printed: 〈agency〉〈year〉年政府信息公开工作年度报告.
pub(crate) fn title(report: &Report) -> String {
    let mut t = String::new();
    if let Some(a) = &report.agency {
        t.push_str(a);
    }
    if let Some(y) = report.year {
        t.push_str(&format!("{y}年"));
    }
    t.push_str("政府信息公开工作年度报告");
    t
}

/// A section heading as printed: 〈number〉、〈title〉 (or the title alone).
pub(crate) fn heading(number: &str, title: &str) -> String {
    if number.is_empty() {
        title.to_owned()
    } else {
        format!("{number}、{title}")
    }
}

/// The date in Chinese official style: 2025年1月20日.
pub(crate) fn date_cn(report: &Report) -> Option<String> {
    use chrono::Datelike;
    report
        .date
        .map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()))
}

/// A section's paragraphs (its text split at line breaks, empty lines dropped).
pub(crate) fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(str::trim).filter(|p| !p.is_empty())
}

/// What is printed, in order: the title, the preamble and sections with their tables. Tables of
/// sections the report lacks are printed after the sections, so nothing is lost.
pub(crate) enum Piece<'a> {
    Title(String),
    /// 落款: the agency's name and the date, right-aligned at the end.
    Signature(String),
    Heading(String),
    Para(&'a str),
    Table(Grid),
}

/// Whether a section is the preamble (the text before 一、总体情况).
fn is_preamble(s: &Section) -> bool {
    s.id.is_none() && s.number.is_empty() && s.title.is_empty()
}

/// Whether a paragraph of the preamble is the report's title as printed (readers keep the title
/// in the preamble's text, so a report read from a source carries its own title).
fn is_title(p: &str) -> bool {
    p.contains("报告")
        && p.contains("政府信息公开")
        && p.chars().count() <= 80
        && !p.ends_with('。')
}

/// The title as it will be printed: the preamble's title paragraph, or one made from the
/// metadata.
pub(crate) fn printed_title(report: &Report) -> String {
    report
        .sections
        .first()
        .filter(|s| is_preamble(s))
        .and_then(|s| paragraphs(&s.text).find(|p| is_title(p)))
        .map_or_else(|| title(report), str::to_owned)
}

/// Whether a paragraph of a narrative is a second-level heading （一）… (printed in 楷体 in DOCX).
pub(crate) fn is_subheading(p: &str) -> bool {
    p.starts_with('（')
        && p.chars().count() <= 30
        && p.chars().nth(2) == Some('）')
        && !p.ends_with('。')
}

/// The body of a report in printing order, title first.
pub(crate) fn pieces(report: &Report) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut grids: Vec<Option<Grid>> = grids(report).into_iter().map(Some).collect();
    let mut take = |id: TableId| {
        grids
            .iter_mut()
            .find(|g| g.as_ref().is_some_and(|g| g.id == id))
            .and_then(Option::take)
    };
    let has_own_title = report
        .sections
        .first()
        .filter(|s| is_preamble(s))
        .is_some_and(|s| paragraphs(&s.text).any(is_title));
    if !has_own_title {
        out.push(Piece::Title(title(report)));
    }
    let mut title_done = false;
    // Readers keep the 落款 in the last section's text: print it as the signature.
    let date = date_cn(report);
    let last = report.sections.len().saturating_sub(1);
    let signature_start = report.sections.last().and_then(|s| {
        let paras: Vec<&str> = paragraphs(&s.text).collect();
        let n = paras.len();
        if n == 0 || date.as_deref() != paras.last().copied() {
            return None;
        }
        let agency_line = n >= 2 && report.agency.as_deref() == Some(paras[n - 2]);
        Some(if agency_line { n - 2 } else { n - 1 })
    });
    for (i, s) in report.sections.iter().enumerate() {
        if !is_preamble(s) {
            out.push(Piece::Heading(heading(&s.number, &s.title)));
        }
        for (k, p) in paragraphs(&s.text).enumerate() {
            if i == last && signature_start.is_some_and(|start| k >= start) {
                out.push(Piece::Signature(p.to_owned()));
            } else if i == 0 && has_own_title && !title_done && is_title(p) {
                title_done = true;
                out.push(Piece::Title(p.to_owned()));
            } else {
                out.push(Piece::Para(p));
            }
        }
        let table =
            s.id.as_deref()
                .and_then(|id| TableId::ALL.into_iter().find(|t| t.section() == id));
        if let Some(g) = table.and_then(&mut take) {
            out.push(Piece::Table(g));
        }
    }
    for id in TableId::ALL {
        if let Some(g) = take(id) {
            // A table whose section the report lacks still needs its heading to be read back.
            if let Some(s) = report.format.spec().section(id.section()) {
                out.push(Piece::Heading(heading(s.number, s.title)));
            }
            out.push(Piece::Table(g));
        }
    }
    if let (Some(date), None) = (date, signature_start) {
        if let Some(a) = &report.agency {
            out.push(Piece::Signature(a.clone()));
        }
        out.push(Piece::Signature(date));
    }
    out
}
