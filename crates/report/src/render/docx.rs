//! A Word document laid out as an official document per GB/T 9704-2012 《党政机关公文格式》:
//! A4 (210 × 297 mm), margins 上 37 mm 下 35 mm 左 28 mm 右 26 mm; title in 方正小标宋简体 二号
//! centred; body in 仿宋_GB2312 三号, first-level headings 黑体, second-level 楷体_GB2312, line
//! spacing fixed at 28 pt; page numbers 4号 半角 "— 1 —" (odd pages right, even pages left, one
//! character in from the edge); 落款 and 成文日期 at the end, the date four characters in from the
//! right. Fonts are named (`w:rFonts w:eastAsia`), not embedded: Word and LibreOffice substitute
//! where a font is missing. Tables keep the national format's merged cells (`gridSpan`, `vMerge`)
//! in 仿宋_GB2312 at a smaller size.
//!
//! Hand-written WordprocessingML in a deflated zip; the DOCX reader reads it back.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use gongkai_domain::report::{Report, TableId};
use zip::write::SimpleFileOptions;

use super::RenderError;
use super::layout::{self, Grid, Kind, Piece};

/// twips per millimetre (1440 / 25.4).
const fn mm(v: u32) -> u32 {
    (v * 14400 + 127) / 254
}

const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_TOP: u32 = mm(37);
const MARGIN_BOTTOM: u32 = mm(35);
const MARGIN_LEFT: u32 = mm(28);
const MARGIN_RIGHT: u32 = mm(26);
/// Text width: 156 mm.
const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The document as DOCX bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    package(core_xml(report), document_xml(report))
}

/// The parts of a DOCX package around its main part, zipped.
fn package(core: String, document: String) -> Result<Vec<u8>, RenderError> {
    let parts: [(&str, String); 10] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", ROOT_RELS.to_owned()),
        ("docProps/core.xml", core),
        ("docProps/app.xml", APP_XML.to_owned()),
        ("word/document.xml", document),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", SETTINGS_XML.to_owned()),
        ("word/footer1.xml", footer_xml(false)),
        ("word/footer2.xml", footer_xml(true)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
    ];
    let err = |e: &dyn std::fmt::Display| RenderError::Docx(e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(16 * 1024)));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, body) in &parts {
        zip.start_file(*name, options).map_err(|e| err(&e))?;
        zip.write_all(body.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}

/// A letter to an applicant (告知书, 通知书, 函) laid out as an official document: title, 发文字号
/// centred below it, the addressee flush left, the body paragraphs indented two characters, the
/// 落款 and 成文日期 right-aligned four characters in (GB/T 9704-2012 7.3).
#[derive(Debug, Clone, Copy)]
pub struct LetterDoc<'a> {
    /// The title.
    pub title: &'a str,
    /// The 发文字号.
    pub number: &'a str,
    /// The addressee (主送, ending in ：).
    pub addressee: &'a str,
    /// The body's paragraphs.
    pub paragraphs: &'a [String],
    /// The 落款 lines (agency, date).
    pub signature: &'a [String],
    /// The issuing agency (document properties).
    pub agency: &'a str,
}

/// A letter as DOCX bytes, in the same page layout and styles as the annual report.
pub fn render_letter(letter: &LetterDoc<'_>) -> Result<Vec<u8>, RenderError> {
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>
"#,
        xml_text(letter.title),
        xml_text(letter.agency),
    );
    package(core, letter_document_xml(letter))
}

/// The main part of a letter (exposed for snapshot tests).
pub fn letter_document_xml(letter: &LetterDoc<'_>) -> String {
    const FLUSH: &str = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>";
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>\n"
    );
    para(&mut out, "Title", None, letter.title);
    if !letter.number.is_empty() {
        // 发文字号: centred, with a blank line before the addressee.
        para(&mut out, "Normal", Some("<w:spacing w:after=\"560\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/>"), letter.number);
    }
    para(&mut out, "Normal", Some(FLUSH), letter.addressee);
    for p in letter.paragraphs {
        para(&mut out, "Normal", None, p);
    }
    for (i, s) in letter.signature.iter().enumerate() {
        let space = if i == 0 { Some("<w:spacing w:before=\"1120\"/>") } else { None };
        para(&mut out, "Signature", space, s);
    }
    let _ = write!(
        out,
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/><w:footerReference w:type=\"even\" r:id=\"rId4\"/>\
<w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
<w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"851\" w:footer=\"{}\" w:gutter=\"0\"/>\
<w:cols w:space=\"425\"/></w:sectPr>\n</w:body></w:document>\n",
        mm(22)
    );
    out
}

/// The main part, `word/document.xml` (exposed for snapshot tests).
pub fn document_xml(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>\n"
    );
    let mut last_was_table = false;
    let mut first_signature = true;
    for piece in layout::pieces(report) {
        last_was_table = false;
        match piece {
            Piece::Title(h) => para(&mut out, "Title", None, &h),
            // GB/T 9704 7.3.5.1: 成文日期右空四字; a blank line before the 落款.
            Piece::Signature(p) => {
                let space = if first_signature {
                    Some("<w:spacing w:before=\"560\"/>")
                } else {
                    None
                };
                first_signature = false;
                para(&mut out, "Signature", space, &p);
            }
            Piece::Heading(h) => para(&mut out, "Heading1", None, &h),
            Piece::Para(p) if layout::is_subheading(p) => para(&mut out, "Heading2", None, p),
            Piece::Para(p) => para(&mut out, "Normal", None, p),
            Piece::Table(g) => {
                table(&mut out, &g);
                last_was_table = true;
            }
        }
    }
    if last_was_table {
        out.push_str("<w:p/>\n");
    }
    let _ = write!(
        out,
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/><w:footerReference w:type=\"even\" r:id=\"rId4\"/>\
<w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
<w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"851\" w:footer=\"{}\" w:gutter=\"0\"/>\
<w:cols w:space=\"425\"/></w:sectPr>\n</w:body></w:document>\n",
        mm(22)
    );
    out
}

fn para(out: &mut String, style: &str, extra_ppr: Option<&str>, text: &str) {
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{}</w:pPr>",
        extra_ppr.unwrap_or("")
    );
    run(out, text);
    out.push_str("</w:p>\n");
}

fn run(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r><w:t xml:space=\"preserve\">");
    out.push_str(&xml_text(text));
    out.push_str("</w:t></w:r>");
}

/// Column widths in twips for a table's grid, filling the text width.
fn widths(g: &Grid) -> Vec<u32> {
    let cols = u32::try_from(g.cols).unwrap_or(1).max(1);
    match g.id {
        TableId::T3 => {
            let labels = [mm(10), mm(17), mm(45)];
            let data = (TEXT_W - labels.iter().sum::<u32>()) / (cols - 3);
            labels
                .into_iter()
                .chain(std::iter::repeat_n(data, g.cols - 3))
                .collect()
        }
        TableId::T2 => {
            let first = mm(45);
            let rest = (TEXT_W - first) / (cols - 1).max(1);
            std::iter::once(first)
                .chain(std::iter::repeat_n(rest, g.cols - 1))
                .collect()
        }
        TableId::T4 => vec![TEXT_W / cols; g.cols],
    }
}

fn table(out: &mut String, g: &Grid) {
    let widths = widths(g);
    let total: u32 = widths.iter().sum();
    // 五号 (10.5 pt) for table 二, 小五 (9 pt) for the wide tables 三 and 四.
    let size = if g.id == TableId::T2 { 21 } else { 18 };
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
    );
    for w in &widths {
        let _ = write!(out, "<w:gridCol w:w=\"{w}\"/>");
    }
    out.push_str("</w:tblGrid>\n");
    let cover = g.coverage();
    for (r, cover_row) in cover.iter().enumerate() {
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if r < g.header_rows {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        let mut k = 0;
        while k < g.cols {
            let Some(i) = cover_row[k] else {
                cell(out, widths[k], 1, None, "", Kind::Data, false, size);
                k += 1;
                continue;
            };
            let c = &g.cells[i];
            let span = c.colspan.max(1).min(g.cols - k);
            let w: u32 = widths[k..k + span].iter().sum();
            let vmerge = match (c.rowspan > 1, c.row == r) {
                (false, _) => None,
                (true, true) => Some("<w:vMerge w:val=\"restart\"/>"),
                (true, false) => Some("<w:vMerge/>"),
            };
            let text = if c.row == r { c.text.as_str() } else { "" };
            let vertical = c.kind == Kind::Label && c.rowspan > 3 && c.col == 0;
            cell(out, w, span, vmerge, text, c.kind, vertical, size);
            k += span;
        }
        out.push_str("</w:tr>\n");
    }
    out.push_str("</w:tbl>\n");
}

#[expect(
    clippy::too_many_arguments,
    reason = "one table cell's properties, called from one place"
)]
fn cell(
    out: &mut String,
    w: u32,
    span: usize,
    vmerge: Option<&str>,
    text: &str,
    kind: Kind,
    vertical: bool,
    size: u32,
) {
    let _ = write!(out, "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>");
    if span > 1 {
        let _ = write!(out, "<w:gridSpan w:val=\"{span}\"/>");
    }
    if let Some(v) = vmerge {
        out.push_str(v);
    }
    if vertical {
        out.push_str("<w:textDirection w:val=\"tbRlV\"/>");
    }
    out.push_str(
        "<w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/>",
    );
    match kind {
        Kind::Label | Kind::Caption if !vertical => out.push_str("<w:jc w:val=\"left\"/>"),
        _ => {}
    }
    let _ = write!(
        out,
        "<w:rPr><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr></w:pPr>"
    );
    if !text.is_empty() {
        out.push_str("<w:r><w:rPr>");
        if kind == Kind::Caption {
            out.push_str("<w:b/>");
        }
        let _ = write!(
            out,
            "<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr><w:t xml:space=\"preserve\">"
        );
        out.push_str(&xml_text(text));
        out.push_str("</w:t></w:r>");
    }
    out.push_str("</w:p></w:tc>");
}

/// Text for XML content: markup escaped, characters XML 1.0 forbids dropped.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn fonts(east_asia: &str, ascii: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{ascii}\" w:eastAsia=\"{east_asia}\" w:hAnsi=\"{ascii}\" w:cs=\"{ascii}\" w:hint=\"eastAsia\"/>"
    )
}

/// `word/styles.xml` (exposed for snapshot tests).
pub fn styles_xml() -> String {
    // Line spacing: exactly 28 pt (560 twips); 三号 = 16 pt (sz 32), 二号 = 22 pt (sz 44),
    // 4号 = 14 pt (sz 28), 五号 = 10.5 pt.
    let body = fonts("仿宋_GB2312", "Times New Roman");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults><w:rPrDefault><w:rPr>{body}<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr>{body}<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="560" w:line="700" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr>{title}<w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr>{hei}<w:b w:val="0"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr>{kai}<w:b w:val="0"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0" w:rightChars="400" w:right="1280"/><w:jc w:val="right"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:rPr>{song}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="ReportTable"><w:name w:val="Report Table"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>
"#,
        title = fonts("方正小标宋简体", "方正小标宋简体"),
        hei = fonts("黑体", "黑体"),
        kai = fonts("楷体_GB2312", "楷体_GB2312"),
        song = fonts("宋体", "宋体"),
    )
}

/// A footer with the page number "— 1 —" in 4号 宋体, 半角 digits; GB/T 9704 7.5: 单页码居右空
/// 一字, 双页码居左空一字 (one 4号 character = 280 twips).
fn footer_xml(even: bool) -> String {
    let (jc, ind) = if even {
        ("left", "w:left=\"280\"")
    } else {
        ("right", "w:right=\"280\"")
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:ind {ind}/><w:jc w:val="{jc}"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>
"#
    )
}

fn core_xml(report: &Report) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>
"#,
        xml_text(&layout::printed_title(report)),
        xml_text(report.agency.as_deref().unwrap_or("gongkai")),
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>
"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>
"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>
"#;

const SETTINGS_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>
"#;

const APP_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>gongkai</Application></Properties>
"#;
