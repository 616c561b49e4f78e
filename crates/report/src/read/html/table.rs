//! Tables: rows and cells as the scanner meets them, then a grid with the spans expanded.

use std::borrow::Cow;

use crate::read::doc::{Block, GridRow};

use super::text::TextBuf;

#[derive(Debug)]
pub(super) struct RawCell<'a> {
    pub(super) text: Cow<'a, str>,
    pub(super) rowspan: usize,
    pub(super) colspan: usize,
}

#[derive(Debug)]
pub(super) struct RawRow<'a> {
    pub(super) cells: Vec<RawCell<'a>>,
    pub(super) line: u32,
}

#[derive(Debug)]
pub(super) struct TableBuilder<'a> {
    pub(super) line: u32,
    pub(super) rows: Vec<RawRow<'a>>,
    /// Some while a cell is open: (rowspan, colspan) of the open cell.
    pub(super) cell: Option<(usize, usize)>,
    pub(super) cell_text: TextBuf<'a>,
    pub(super) row_open: bool,
    /// A table that holds another table: its cells are paragraphs, not data.
    pub(super) layout: bool,
}

impl<'a> TableBuilder<'a> {
    pub(super) fn new(line: u32, src: &'a str) -> Self {
        TableBuilder { line, rows: Vec::new(), cell: None, cell_text: TextBuf::new(src), row_open: false, layout: false }
    }

    pub(super) fn open_row(&mut self, line: u32) {
        self.close_cell();
        // rows of a table are about as wide as the one before
        let width = self.rows.last().map_or(8, |r| r.cells.len().max(4));
        self.rows.push(RawRow { cells: Vec::with_capacity(width), line });
        self.row_open = true;
    }

    pub(super) fn open_cell(&mut self, line: u32, rowspan: usize, colspan: usize) {
        self.close_cell();
        if !self.row_open {
            self.open_row(line);
        }
        self.cell = Some((rowspan, colspan));
    }

    pub(super) fn close_cell(&mut self) {
        if let Some((rowspan, colspan)) = self.cell.take() {
            let text = self.cell_text.take().map_or(Cow::Borrowed(""), |(t, _)| t);
            if let Some(row) = self.rows.last_mut() {
                row.cells.push(RawCell { text, rowspan, colspan });
            }
        }
    }

    pub(super) fn close_row(&mut self) {
        self.close_cell();
        self.row_open = false;
    }

    /// Expand spans into an aligned grid. `budget` is the document's remaining allowance of
    /// covered cells.
    pub(super) fn into_grid(mut self, budget: &mut usize) -> Block<'a> {
        self.close_row();
        // remaining rows each column is still covered by a rowspan from above
        let mut covered: Vec<usize> = Vec::new();
        let mut rows = Vec::with_capacity(self.rows.len());
        for raw in self.rows {
            let mut cells: Vec<Cow<'a, str>> = Vec::with_capacity(raw.cells.len());
            let mut col = 0usize;
            let fill_covered = |cells: &mut Vec<Cow<'a, str>>, col: &mut usize, covered: &mut Vec<usize>| {
                while *col < covered.len() && covered[*col] > 0 {
                    covered[*col] -= 1;
                    cells.push(Cow::Borrowed(""));
                    *col += 1;
                }
            };
            for cell in raw.cells {
                fill_covered(&mut cells, &mut col, &mut covered);
                let mut colspan = cell.colspan;
                let mut rowspan = cell.rowspan;
                let extra = (colspan - 1) + colspan * (rowspan - 1);
                if extra > *budget {
                    colspan = 1;
                    rowspan = 1;
                } else {
                    *budget -= extra;
                }
                let mut text = cell.text;
                if text.contains('\n') {
                    text = Cow::Owned(text.replace('\n', " "));
                }
                cells.push(text);
                for _ in 1..colspan {
                    cells.push(Cow::Borrowed(""));
                }
                if covered.len() < col + colspan {
                    covered.resize(col + colspan, 0);
                }
                for c in &mut covered[col..col + colspan] {
                    *c = rowspan - 1;
                }
                col += colspan;
            }
            // covered cells after the last real cell of the row
            let mut c = col;
            while c < covered.len() {
                if covered[c] > 0 {
                    while cells.len() < c {
                        cells.push(Cow::Borrowed(""));
                    }
                    covered[c] -= 1;
                    cells.push(Cow::Borrowed(""));
                }
                c += 1;
            }
            rows.push(GridRow { cells, line: raw.line });
        }
        pad_rows(&mut rows, budget);
        Block::Table { rows, line: self.line }
    }
}

/// Pad every row to the table's width so that the grid is rectangular (within the budget).
pub(crate) fn pad_rows(rows: &mut [GridRow], budget: &mut usize) {
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let need: usize = rows.iter().map(|r| width - r.cells.len()).sum();
    if need > *budget {
        return;
    }
    *budget -= need;
    for r in rows {
        r.cells.resize(width, Cow::Borrowed(""));
    }
}
