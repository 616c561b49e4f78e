//! Word documents (DOCX) → [`Doc`].
//!
//! A DOCX is a zip archive; the text is in `word/document.xml` (or wherever `_rels/.rels` points
//! the office document). Paragraphs (`w:p`: runs' `w:t`, `w:tab`, `w:br`) become paragraphs,
//! tables (`w:tbl`/`w:tr`/`w:tc`) become grids with `w:gridSpan`, `w:vMerge` and
//! `w:gridBefore` expanded like HTML spans: the text stays in the top-left position, covered
//! positions are empty strings. A table nested in a cell makes the outer table a layout table,
//! as in the HTML reader. Deleted text (`w:delText`), field codes and the fallback copies of
//! drawings (`mc:Fallback`, text boxes) are skipped.
//!
//! A DOCX has no source lines, so `line` counts the document's paragraphs and table rows
//! (1-based), which is how a clerk finds a place in Word (Ctrl+G is by page, but the order is
//! the same).
//!
//! Other inputs that arrive as "Word files": a password-protected DOCX is not a zip but an OLE
//! compound file holding an `EncryptionInfo` stream; an old `.doc` is an OLE file with a
//! `WordDocument` stream. Both get a clear error.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use gongkai_domain::report::Report;

use super::ReadError;
use super::assemble::assemble;
use super::doc::{Block, Doc, GridRow};

/// The most `word/document.xml` may decompress to (zip-bomb guard): 64 MiB.
pub const MAX_DOCUMENT_XML: u64 = 64 * 1024 * 1024;

/// Most columns a `w:gridSpan` or `w:gridBefore` may add.
const MAX_SPAN: usize = 256;

/// Most empty cells added to make one table rectangular.
const MAX_PADDING: usize = 1_000_000;

/// The OLE compound file signature (legacy Office files, and encrypted OOXML).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Read a Word document into a report.
pub fn read(bytes: &[u8], source: Option<&str>) -> Result<Report, ReadError> {
    Ok(assemble(&to_doc(bytes)?, source))
}

/// Read a Word document into a [`Doc`].
pub fn to_doc(bytes: &[u8]) -> Result<Doc<'static>, ReadError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ole_error(bytes));
    }
    if !bytes.starts_with(b"PK") {
        return Err(corrupt("文件不是 ZIP 压缩包（DOCX 文件本质上是 ZIP 压缩包），文件可能已损坏或并非 Word 文档"));
    }
    let xml = document_xml(bytes)?;
    let text = match String::from_utf8(xml) {
        Ok(s) => s,
        Err(e) => {
            // UTF-16 document parts exist in the wild; decode them like any text
            let bytes = e.into_bytes();
            super::decode::decode(&bytes, None)
                .map_err(|_| corrupt("word/document.xml 的文字编码无法识别"))?
                .into_owned()
        }
    };
    parse_document(&text)
}

/// Whether bytes are an OLE compound file (an encrypted DOCX or a legacy Office file).
pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
}

fn corrupt(detail: impl Into<String>) -> ReadError {
    ReadError::DocxCorrupt { detail: detail.into() }
}

/// What an OLE compound file is: an encrypted OOXML package, or a legacy binary document.
fn ole_error(bytes: &[u8]) -> ReadError {
    // Directory entry names are UTF-16LE.
    let has = |name: &str| {
        let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(bytes, &needle).is_some()
    };
    if has("EncryptionInfo") || has("EncryptedPackage") {
        ReadError::DocxEncrypted
    } else if has("WordDocument") {
        ReadError::Unsupported {
            flavour: "旧版 Word 文档（.doc）",
            hint: "请用 Word 或 WPS 打开后“另存为”Word 文档（.docx）或 PDF，再重新读取",
        }
    } else {
        ReadError::Unsupported {
            flavour: "旧版 Office 复合文档（如 .xls、.ppt）",
            hint: "年度报告请提供 Word 文档（.docx）、PDF、网页或文本文件",
        }
    }
}

/// The main document part, decompressed with a size cap.
fn document_xml(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| corrupt("不是完整的 ZIP 压缩包，文件可能已损坏或下载不完整"))?;
    let mut name = String::from("word/document.xml");
    if zip.index_for_name(&name).is_none() {
        // the package relationship names the main part
        let rels = read_entry(&mut zip, "_rels/.rels", 1024 * 1024)?;
        match rels.and_then(|r| office_document_target(&r)) {
            Some(target) => name = target,
            None => return Err(corrupt("压缩包中没有 Word 正文（word/document.xml），这不是 Word 文档")),
        }
    }
    match read_entry(&mut zip, &name, MAX_DOCUMENT_XML)? {
        Some(xml) => Ok(xml),
        None => Err(corrupt(format!("压缩包中没有 Word 正文（{name}），这不是 Word 文档"))),
    }
}

fn read_entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, cap: u64) -> Result<Option<Vec<u8>>, ReadError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(m)) if m.to_lowercase().contains("password") => {
            return Err(ReadError::DocxEncrypted);
        }
        Err(_) => return Err(corrupt(format!("压缩包中的 {name} 无法解压，文件可能已损坏"))),
    };
    if file.size() > cap {
        return Err(corrupt(format!("{name} 解压后 {} 字节，超过上限 {cap} 字节（可能是恶意构造的压缩包）", file.size())));
    }
    let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(16 * 1024 * 1024));
    // the declared size may lie: cap what is actually inflated too
    file.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|_| corrupt(format!("{name} 解压失败，文件可能已损坏或下载不完整")))?;
    if out.len() as u64 > cap {
        return Err(corrupt(format!("{name} 解压后超过上限 {cap} 字节（可能是恶意构造的压缩包）")));
    }
    Ok(Some(out))
}

/// The `Target` of the officeDocument relationship in `_rels/.rels`.
fn office_document_target(rels: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(rels).ok()?;
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let ty = attr(&e, "Type")?;
                if ty.ends_with("/officeDocument") {
                    let target = attr(&e, "Target")?;
                    return Some(target.trim_start_matches('/').to_owned());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.into_owned())
}

// ---- document.xml ------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Cell {
    text: String,
    span: usize,
    /// `w:vMerge` without `restart` (or `w:hMerge` continue): a covered position.
    covered: bool,
}

#[derive(Debug)]
struct Table {
    rows: Vec<GridRow<'static>>,
    line: u32,
    row: Option<GridRow<'static>>,
    grid_before: usize,
    cell: Option<Cell>,
    layout: bool,
}

impl Table {
    fn close_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        let Some(row) = self.row.as_mut() else { return };
        let text = if cell.covered { String::new() } else { cell.text };
        row.cells.push(text.into());
        for _ in 1..cell.span.clamp(1, MAX_SPAN) {
            row.cells.push(Cow::Borrowed(""));
        }
    }

    fn close_row(&mut self) {
        self.close_cell();
        if let Some(row) = self.row.take() {
            self.rows.push(row);
        }
    }
}

struct Parser {
    blocks: Vec<Block<'static>>,
    ordinal: u32,
    para: String,
    para_space: bool,
    tables: Vec<Table>,
    /// Depth of elements whose content is skipped (deleted text, field codes, fallbacks).
    skip: usize,
    in_text: bool,
}

fn parse_document(xml: &str) -> Result<Doc<'static>, ReadError> {
    let mut reader = Reader::from_str(xml);
    let mut p = Parser { blocks: Vec::new(), ordinal: 0, para: String::new(), para_space: false, tables: Vec::new(), skip: 0, in_text: false };
    let mut saw_body = false;
    loop {
        let event = reader.read_event().map_err(|_| {
            corrupt(format!("word/document.xml 不是有效的 XML（第 {} 字节附近）", reader.buffer_position()))
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == "body" {
                    saw_body = true;
                }
                if p.skip > 0 || is_skipped(name) {
                    p.skip += 1;
                    continue;
                }
                p.start(name, &e, false);
            }
            Event::Empty(e) => {
                if p.skip > 0 {
                    continue;
                }
                let name = e.local_name();
                p.start(name.as_ref(), &e, true);
            }
            Event::End(e) => {
                if p.skip > 0 {
                    p.skip -= 1;
                    continue;
                }
                p.end(e.local_name().as_ref());
            }
            Event::Text(t) => {
                if p.skip == 0 && p.in_text {
                    p.push_text(&t);
                }
            }
            Event::CData(t) => {
                if p.skip == 0 && p.in_text {
                    p.push_text(&t);
                }
            }
            Event::GeneralRef(r) => {
                if p.skip == 0 && p.in_text {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        p.push_text(c.encode_utf8(&mut [0; 4]));
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !saw_body {
        return Err(corrupt("word/document.xml 中没有正文（w:body）"));
    }
    p.finish();
    Ok(Doc { blocks: p.blocks })
}

/// Elements whose whole content is not the document's visible text (or repeats it).
fn is_skipped(name: &str) -> bool {
    matches!(name, "delText" | "instrText" | "delInstrText" | "Fallback" | "txbxContent" | "pict" | "object" | "footnoteReference" | "rPrChange" | "pPrChange")
}

fn span_attr(e: &BytesStart<'_>) -> usize {
    attr(e, "val").and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, MAX_SPAN)
}

impl Parser {
    fn next_ordinal(&mut self) -> u32 {
        self.ordinal = self.ordinal.saturating_add(1);
        self.ordinal
    }

    fn in_data_cell(&self) -> bool {
        matches!(self.tables.last(), Some(t) if !t.layout && t.cell.is_some())
    }

    fn push_text(&mut self, s: &str) {
        for c in s.chars() {
            self.push_char(c);
        }
    }

    fn push_char(&mut self, c: char) {
        if c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' {
            self.para_space = true;
        } else if !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}') {
            if self.para_space && !self.para.is_empty() {
                self.para.push(' ');
            }
            self.para_space = false;
            self.para.push(c);
        }
    }

    /// End of a paragraph (or a line break): into the open data cell, or a paragraph block.
    fn end_para(&mut self) {
        self.para_space = false;
        if self.in_data_cell() {
            if self.para.is_empty() {
                return;
            }
            if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                // paragraphs stay apart (`\n`) until the cell closes: a layout table splits them
                // back into paragraphs, a data cell joins them with a space
                if !cell.text.is_empty() {
                    cell.text.push('\n');
                }
                cell.text.push_str(&self.para);
            }
            self.para.clear();
        } else if !self.para.is_empty() {
            let line = self.next_ordinal();
            let text = std::mem::take(&mut self.para);
            self.blocks.push(Block::Para { text: text.into(), line });
        }
    }

    fn start(&mut self, name: &str, e: &BytesStart<'_>, empty: bool) {
        match name {
            "t" => self.in_text = !empty,
            "tab" | "ptab" => self.para_space = true,
            "br" | "cr" => {
                let page = attr(e, "type").is_some_and(|t| t == "page" || t == "column");
                if page || self.in_data_cell() {
                    self.para_space = true;
                } else {
                    self.end_para();
                }
            }
            "noBreakHyphen" => self.push_char('-'),
            "tbl" => {
                self.end_para();
                match self.tables.last_mut() {
                    Some(outer) if outer.cell.is_some() && !outer.layout => {
                        outer.layout = true;
                        self.dissolve_top();
                    }
                    _ => {}
                }
                self.tables.push(Table { rows: Vec::new(), line: self.ordinal + 1, row: None, grid_before: 0, cell: None, layout: false });
            }
            "tr" => {
                let line = self.next_ordinal();
                if let Some(t) = self.tables.last_mut() {
                    t.close_row();
                    t.row = Some(GridRow { cells: Vec::new(), line });
                    t.grid_before = 0;
                }
            }
            "gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    t.grid_before = span_attr(e);
                }
            }
            "tc" => {
                if let Some(t) = self.tables.last_mut() {
                    t.close_cell();
                    if t.row.is_none() {
                        t.row = Some(GridRow { cells: Vec::new(), line: self.ordinal });
                    }
                    if let Some(row) = t.row.as_mut()
                        && row.cells.is_empty()
                        && t.grid_before > 0
                    {
                        row.cells.extend(std::iter::repeat_n(Cow::Borrowed(""), t.grid_before));
                        t.grid_before = 0;
                    }
                    t.cell = Some(Cell { text: String::new(), span: 1, covered: false });
                    if empty {
                        t.close_cell();
                    }
                }
            }
            "gridSpan" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.span = span_attr(e);
                }
            }
            "vMerge" | "hMerge" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.covered = attr(e, "val").is_none_or(|v| v != "restart");
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "p" => self.end_para(),
            "tc" => {
                self.end_para();
                if let Some(t) = self.tables.last_mut() {
                    t.close_cell();
                }
            }
            "tr" => {
                self.end_para();
                if let Some(t) = self.tables.last_mut() {
                    t.close_row();
                }
            }
            "tbl" => {
                self.end_para();
                self.close_table();
            }
            _ => {}
        }
    }

    /// A table turned out to hold another table: what it collected becomes paragraphs.
    fn dissolve_top(&mut self) {
        let Some(t) = self.tables.last_mut() else { return };
        let mut rows = std::mem::take(&mut t.rows);
        if let Some(row) = t.row.as_mut() {
            rows.push(GridRow { cells: std::mem::take(&mut row.cells), line: row.line });
        }
        let open = t.cell.as_mut().map(|c| std::mem::take(&mut c.text));
        for row in rows {
            for text in &row.cells {
                for t in text.split('\n').filter(|t| !t.is_empty()) {
                    self.blocks.push(Block::Para { text: t.to_owned().into(), line: row.line });
                }
            }
        }
        if let Some(text) = open {
            let line = self.ordinal;
            for t in text.split('\n').filter(|t| !t.is_empty()) {
                self.blocks.push(Block::Para { text: t.to_owned().into(), line });
            }
        }
    }

    fn close_table(&mut self) {
        let Some(mut t) = self.tables.pop() else { return };
        t.close_row();
        if t.layout {
            return;
        }
        if t.rows.iter().any(|r| r.cells.iter().any(|c| !c.is_empty())) {
            for c in t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()).filter(|c| c.contains('\n')) {
                *c = Cow::Owned(c.replace('\n', " "));
            }
            let mut budget = MAX_PADDING;
            super::html::pad_rows(&mut t.rows, &mut budget);
            let line = t.rows.first().map_or(t.line, |r| r.line);
            self.blocks.push(Block::Table { rows: t.rows, line });
        }
    }

    fn finish(&mut self) {
        self.end_para();
        while !self.tables.is_empty() {
            self.close_table();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(inner: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{inner}</w:body></w:document>"
        )
    }

    #[test]
    fn paragraphs_runs_tabs_and_breaks() {
        let doc = parse_document(&body(
            "<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:t xml:space=\"preserve\">总体 </w:t></w:r><w:r><w:t>情况</w:t></w:r></w:p>\
             <w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c&amp;d</w:t><w:delText>gone</w:delText></w:r></w:p>",
        ))
        .unwrap();
        assert_eq!(
            doc.blocks,
            vec![
                Block::Para { text: "一、总体 情况".into(), line: 1 },
                Block::Para { text: "a b".into(), line: 2 },
                Block::Para { text: "c&d".into(), line: 3 },
            ]
        );
    }

    #[test]
    fn grid_span_and_vertical_merge_expand() {
        let cell = |attrs: &str, t: &str| format!("<w:tc><w:tcPr>{attrs}</w:tcPr><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
        let xml = body(&format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}</w:tr></w:tbl>",
            cell("<w:vMerge w:val=\"restart\"/>", "三"),
            cell("<w:gridSpan w:val=\"2\"/>", "x"),
            cell("<w:vMerge/>", ""),
            cell("", "y") + &cell("", "z"),
            cell("", "w"),
        ));
        let doc = parse_document(&xml).unwrap();
        let Block::Table { rows, .. } = &doc.blocks[0] else { panic!("{doc:?}") };
        let g: Vec<Vec<&str>> = rows.iter().map(|r| r.cells.iter().map(|c| c.as_ref()).collect()).collect();
        assert_eq!(g, vec![vec!["三", "x", ""], vec!["", "y", "z"], vec!["", "w", ""]]);
        assert_eq!(rows[1].line, 2);
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(&vec![b' '; 200_000]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 2_000);
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let err = read_entry(&mut archive, "word/document.xml", 10_000).unwrap_err();
        assert!(matches!(err, ReadError::DocxCorrupt { .. }), "{err:?}");
        assert!(err.to_string().contains("超过上限"), "{err}");
    }

    #[test]
    fn not_a_zip_ole_and_encrypted() {
        assert!(matches!(to_doc(b"hello"), Err(ReadError::DocxCorrupt { .. })));
        assert!(matches!(to_doc(b"PK\x03\x04garbage"), Err(ReadError::DocxCorrupt { .. })));
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(to_doc(&ole), Err(ReadError::DocxEncrypted)));
        let mut doc = OLE_MAGIC.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(to_doc(&doc), Err(ReadError::Unsupported { .. })));
    }
}
