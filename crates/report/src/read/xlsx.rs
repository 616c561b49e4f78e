//! Excel workbooks (`.xlsx`), as gongkai's own XLSX renderer writes them and as an office keeps its
//! report tables: each sheet becomes a heading (its name, or the text of its first row when that
//! is a section heading) and a table grid; the 说明 sheet gives the title. Only the tables are in
//! a workbook: its narrative sections are missing, and the checker says so (MISSING_SECTION).
//!
//! The workbook is bounded before it is unpacked (entries, unpacked bytes) and cells are read
//! one by one with their position checked before anything is allocated for it, so a crafted
//! file's claimed dimensions cannot ask for memory.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{DataRef, Reader as _};

use super::ReadError;
use super::doc::{Block, Doc, GridRow};

/// At most this many entries in the package.
const MAX_ENTRIES: usize = 200;
/// At most this many bytes unpacked.
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;
/// At most this many sheets, rows per sheet and columns per row: a report's tables are small.
const MAX_SHEETS: usize = 20;
const MAX_ROWS: u32 = 2_000;
const MAX_COLUMNS: u32 = 64;

/// The sheet holding the metadata in gongkai's renderer (its first cell is the report's title).
const INFO_SHEET: &str = "说明";

/// Whether a ZIP package is a workbook (it has `xl/workbook.xml`).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|z| z.index_for_name("xl/workbook.xml").is_some())
}

fn corrupt(detail: impl Into<String>) -> ReadError {
    ReadError::XlsxCorrupt { detail: detail.into() }
}

/// A workbook as a document: the title first, then each table sheet's heading and grid.
pub fn to_doc(bytes: &[u8]) -> Result<Doc<'static>, ReadError> {
    {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| corrupt("不是完整的 ZIP 压缩包，文件可能已损坏或下载不完整"))?;
        if zip.len() > MAX_ENTRIES {
            return Err(corrupt(format!("压缩包含有 {} 个部件，超过上限 {MAX_ENTRIES}", zip.len())));
        }
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let f = zip.by_index_raw(i).map_err(|_| corrupt("压缩包目录已损坏"))?;
            total = total.saturating_add(f.size());
        }
        if total > MAX_UNPACKED {
            return Err(corrupt(format!("解压后 {} MB，超过上限 {} MB（可能是恶意构造的压缩包）", total / 1024 / 1024, MAX_UNPACKED / 1024 / 1024)));
        }
    }
    let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| corrupt("工作簿结构无法解析"))?;
    let names = wb.sheet_names();
    if names.is_empty() {
        return Err(corrupt("工作簿中没有工作表"));
    }
    if names.len() > MAX_SHEETS {
        return Err(corrupt(format!("工作簿有 {} 个工作表，超过上限 {MAX_SHEETS}", names.len())));
    }
    let mut blocks = Vec::new();
    let mut title = None;
    let mut line = 0u32;
    for name in &names {
        let rows = sheet_rows(&mut wb, name)?;
        if name == INFO_SHEET {
            // The title in its first cell; the rest (metadata, a checker's findings) is not the report.
            title = rows.first().and_then(|r| r.first()).filter(|t| !t.is_empty()).cloned();
            continue;
        }
        let mut rows = rows.into_iter().peekable();
        // A first row with one filled cell is the sheet's heading (四、政府信息公开行政复议…);
        // otherwise the sheet's name stands for it.
        let heading = match rows.peek() {
            Some(r) if r.iter().filter(|c| !c.is_empty()).count() == 1 => rows.next().and_then(|r| r.into_iter().find(|c| !c.is_empty())),
            _ => None,
        };
        line += 1;
        blocks.push(Block::Para { text: Cow::Owned(heading.unwrap_or_else(|| name.clone())), line });
        let rows: Vec<Vec<String>> = rows.filter(|r| r.iter().any(|c| !c.is_empty())).collect();
        // Blank cells at a row's end are cells too: every row as wide as the grid.
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let grid: Vec<GridRow<'static>> = rows
            .into_iter()
            .map(|mut r| {
                r.resize(width, String::new());
                line += 1;
                GridRow { cells: r.into_iter().map(Cow::Owned).collect(), line }
            })
            .collect();
        if !grid.is_empty() {
            let start = grid[0].line;
            blocks.push(Block::Table { rows: grid, line: start });
        }
    }
    if let Some(t) = title {
        blocks.insert(0, Block::Para { text: Cow::Owned(t), line: 0 });
    }
    Ok(Doc { blocks })
}

/// A sheet's cells as rows of texts (merged ranges: the text at the top-left, blanks elsewhere;
/// numbers as printed, blank cells empty).
fn sheet_rows(wb: &mut calamine::Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Vec<Vec<String>>, ReadError> {
    let damaged = || corrupt(format!("工作表“{name}”的内容已损坏"));
    let mut cells = wb.worksheet_cells_reader(name).map_err(|_| damaged())?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| damaged())? {
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_owned(),
            DataRef::SharedString(s) => s.trim().to_owned(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
            DataRef::DateTime(d) => d.as_f64().to_string(),
            DataRef::Error(_) => "#错误".to_owned(),
        };
        if text.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            return Err(corrupt(format!(
                "工作表“{name}”第 {} 行第 {} 列有内容，超出年度报告表格的范围（{MAX_ROWS} 行、{MAX_COLUMNS} 列）",
                r + 1,
                c + 1
            )));
        }
        let (r, c) = (r as usize, c as usize);
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    Ok(rows)
}
