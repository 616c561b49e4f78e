//! A complete, printable HTML page (UTF-8, A4 print style) with the tables laid out as in the
//! national format: merged heading cells (rowspan/colspan) for tables 三 and 四, the vertical
//! 三、本年度办理结果 cell, the group cells （三）…（六）. All text is escaped. The HTML reader
//! reads it back.

use std::fmt::Write as _;

use gongkai_domain::report::{Finding, Report};

use super::layout::{self, Grid, Kind, Piece};

const STYLE: &str = r#"@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { margin: 0 auto; max-width: 156mm; padding: 1em; color: #000; background: #fff;
  font-family: "仿宋_GB2312", "仿宋", FangSong, "STFangsong", serif; font-size: 16pt; line-height: 28pt; }
h1 { font-family: "方正小标宋简体", "方正小标宋_GBK", "华文中宋", STZhongsong, "宋体", SimSun, serif;
  font-size: 22pt; line-height: 1.4; font-weight: normal; text-align: center; margin: 0 0 28pt; }
h2 { font-family: "黑体", SimHei, sans-serif; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.sub { font-family: "楷体_GB2312", "楷体", KaiTi, STKaiti, serif; }
p.signature { text-align: right; text-indent: 0; }
p:not(.signature) + p.signature { margin-top: 28pt; }
table { border-collapse: collapse; width: 100%; margin: 8pt 0 16pt; font-size: 10.5pt; line-height: 1.3; }
th, td { border: 1px solid #000; padding: 2pt 3pt; vertical-align: middle; }
th { font-weight: normal; text-align: center; }
td.label { text-align: left; }
td.num { text-align: center; }
th.caption { text-align: left; font-weight: bold; }
.vertical { writing-mode: vertical-rl; letter-spacing: 0.3em; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
aside.findings { font-size: 12pt; line-height: 1.5; border-top: 1px solid #000; margin-top: 28pt; }
aside.findings li { margin: 4pt 0; }
@media print { body { max-width: none; padding: 0; } aside.findings { break-before: page; } }
"#;

/// The report as a UTF-8 HTML page; `findings`, if any, follow the report in a list inside an
/// `<aside>`, which the HTML reader skips: a checked page reads back as the report alone.
pub fn render(report: &Report, findings: &[Finding]) -> String {
    let title = layout::printed_title(report);
    let mut out = String::with_capacity(32 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(
        out,
        "<style>\n{STYLE}</style>\n</head>\n<body>\n<article class=\"report\">"
    );
    for piece in layout::pieces(report) {
        match piece {
            Piece::Title(h) => {
                let _ = writeln!(out, "<h1>{}</h1>", esc(&h));
            }
            Piece::Heading(h) => {
                let _ = writeln!(out, "<h2>{}</h2>", esc(&h));
            }
            Piece::Para(p) if layout::is_subheading(p) => {
                let _ = writeln!(out, "<p class=\"sub\">{}</p>", esc(p));
            }
            Piece::Para(p) => {
                let _ = writeln!(out, "<p>{}</p>", esc(p));
            }
            Piece::Signature(p) => {
                let _ = writeln!(out, "<p class=\"signature\">{}</p>", esc(&p));
            }
            Piece::Table(g) => table(&mut out, &g),
        }
    }
    out.push_str("</article>\n");
    if !findings.is_empty() {
        out.push_str("<aside class=\"findings\">\n<h2>检查发现的问题</h2>\n<ol>\n");
        for f in findings {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong>［{}］{}<br>处理建议：{}</li>",
                esc(f.severity.label()),
                esc(f.code.code()),
                esc(&f.message),
                esc(&f.fix)
            );
        }
        out.push_str("</ol>\n</aside>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn table(out: &mut String, g: &Grid) {
    // Border attributes too, for renderers that ignore CSS (Word, WPS and LibreOffice opening the page).
    let _ = writeln!(
        out,
        "<table class=\"{}\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\">",
        g.id.id()
    );
    for r in 0..g.rows {
        if r == 0 && g.header_rows > 0 {
            out.push_str("<thead>\n");
        }
        if r == g.header_rows {
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        for c in g.row_cells(r) {
            let (tag, class) = match c.kind {
                Kind::Caption => ("th", "caption"),
                Kind::Head => ("th", ""),
                Kind::Label if c.rowspan > 3 && c.col == 0 => ("td", "label vertical"),
                Kind::Label => ("td", "label"),
                Kind::Data => ("td", "num"),
            };
            out.push('<');
            out.push_str(tag);
            if c.rowspan > 1 {
                let _ = write!(out, " rowspan=\"{}\"", c.rowspan);
            }
            if c.colspan > 1 {
                let _ = write!(out, " colspan=\"{}\"", c.colspan);
            }
            if !class.is_empty() {
                let _ = write!(out, " class=\"{class}\"");
            }
            out.push('>');
            out.push_str(&esc(&c.text));
            let _ = write!(out, "</{tag}>");
        }
        out.push_str("</tr>\n");
        if r + 1 == g.header_rows {
            out.push_str("</thead>\n");
        }
    }
    if g.rows > g.header_rows {
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
}

/// Text escaped for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}
