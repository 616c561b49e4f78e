//! Plain text in the layout of a report copied out of a Word document or web page (the seed
//! `2024-langao-minzhu-town.txt`): the title, headings and paragraphs separated by blank lines,
//! each table row on one line with its cells separated by tabs, merged cells expanded (the text
//! in the first position, the positions it covers empty), so the multi-level headings of tables
//! 三 and 四 read as in the seed. The plain-text reader reads it back.

use gongkai_domain::report::Report;

use super::layout::{self, Piece};

/// The report as tab-separated plain text (UTF-8, `\n` line ends).
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(8 * 1024);
    for piece in layout::pieces(report) {
        match piece {
            Piece::Title(h) | Piece::Heading(h) | Piece::Signature(h) => {
                out.push_str(&one_line(&h))
            }
            Piece::Para(p) => out.push_str(&one_line(p)),
            Piece::Table(g) => {
                for row in g.trimmed() {
                    let cells: Vec<String> = row.iter().map(|c| one_line(c)).collect();
                    out.push_str(&cells.join("\t"));
                    out.push('\n');
                }
                out.pop();
            }
        }
        out.push_str("\n\n");
    }
    out
}

/// Text that must stay on one line and inside one cell: tabs and line breaks become spaces.
fn one_line(s: &str) -> String {
    s.replace(['\t', '\r', '\n'], " ")
}
