//! The intermediate document every structured reader produces (HTML, DOCX, Markdown, plain text
//! with cell separators): paragraphs and tables in reading order, each with the 1-based line of
//! the source it came from. [`super::assemble`] turns a `Doc` into a `Report`.
//!
//! Texts are `Cow`s: readers that can borrow them from the decoded input (plain text, Markdown,
//! crawler text) do, so that a report is not copied cell by cell.

use std::borrow::Cow;

/// The first character of a paragraph that stands for an image (`<img>`), followed by its
/// source: the assembler records it, it is not text of the report.
pub const IMAGE_MARK: char = '\u{FFFC}';

/// A document as a sequence of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc<'a> {
    /// Paragraphs and tables in reading order.
    pub blocks: Vec<Block<'a>>,
}

impl Doc<'_> {
    /// The same document owning its texts.
    pub fn into_owned(self) -> Doc<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Doc {
            blocks: self
                .blocks
                .into_iter()
                .map(|b| match b {
                    Block::Para { text, line } => Block::Para { text: own(text), line },
                    Block::Table { rows, line } => Block::Table {
                        rows: rows.into_iter().map(|r| GridRow { cells: r.cells.into_iter().map(own).collect(), line: r.line }).collect(),
                        line,
                    },
                })
                .collect(),
        }
    }
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    /// A paragraph (heading or narrative): its text, whitespace-normalised, and its line.
    Para {
        /// The text.
        text: Cow<'a, str>,
        /// 1-based line in the source.
        line: u32,
    },
    /// A table as a grid of cell texts. Merged cells (rowspan/colspan) are expanded: the text
    /// stands in the top-left position and the covered positions are empty strings, so every row
    /// of a grid is aligned to the same columns.
    Table {
        /// Rows of cells (whitespace-normalised text; `&nbsp;`-only cells are empty).
        rows: Vec<GridRow<'a>>,
        /// 1-based line where the table starts.
        line: u32,
    },
}

/// One row of a table grid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GridRow<'a> {
    /// The cells' texts.
    pub cells: Vec<Cow<'a, str>>,
    /// 1-based line of the row in the source.
    pub line: u32,
}
