//! Markdown: `#` title, `##` section headings, paragraphs, and each table as one pipe table with
//! merged cells expanded (Markdown has no spans): the first row of the national format's heading
//! is the pipe table's header row. The Markdown reader reads it back.

use gongkai_domain::report::Report;

use super::layout::{self, Piece};

/// The report as Markdown (UTF-8).
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(8 * 1024);
    for piece in layout::pieces(report) {
        match piece {
            Piece::Title(h) => {
                out.push_str("# ");
                out.push_str(&inline(&h));
            }
            Piece::Heading(h) => {
                out.push_str("## ");
                out.push_str(&inline(&h));
            }
            Piece::Para(p) => out.push_str(&inline(p)),
            Piece::Signature(p) => out.push_str(&inline(&p)),
            Piece::Table(g) => {
                // The header row is full width; body rows may be shorter (GFM fills them).
                let full = g.expanded();
                let trimmed = g.trimmed();
                for (i, row) in trimmed.iter().enumerate() {
                    let row = if i == 0 { &full[0] } else { row };
                    out.push('|');
                    for c in row {
                        out.push(' ');
                        out.push_str(&cell(c));
                        out.push_str(" |");
                    }
                    out.push('\n');
                    if i == 0 {
                        out.push('|');
                        out.push_str(&" --- |".repeat(g.cols));
                        out.push('\n');
                    }
                }
                out.pop();
            }
        }
        out.push_str("\n\n");
    }
    out
}

/// Paragraph text on one line, with the characters Markdown would take as markup escaped.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\r' | '\n' | '\t' => out.push(' '),
            '\\' | '*' | '_' | '`' | '|' | '<' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// A table cell: pipes escaped, on one line.
fn cell(s: &str) -> String {
    inline(s)
}
