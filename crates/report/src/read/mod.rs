//! Readers: bytes in any published flavour → one `Report`.
//!
//! [`read_path`] and [`read_bytes`] sniff the input and pick the reader:
//!
//! | input starts with / looks like | reader |
//! |---|---|
//! | `%PDF` | [`pdf`] (`pdftotext -layout`), then the text readers |
//! | `PK\x03\x04` (zip) | [`xlsx`] when it holds `xl/workbook.xml`, else [`docx`] |
//! | an OLE container (`D0 CF 11 E0`) | error: a password-protected Office file or a legacy `.doc` |
//! | JSON (`{` / `[`) | gongkai's JSON contract: a bare report object, or `{"reports":[…]}` (its first report) |
//! | HTML markup | [`html`] |
//! | Markdown tables (`| … |` rows with a `|---|` separator) | [`markdown`] |
//! | anything else that decodes as text | [`text::read_text`]: plain, pdftotext layout or crawl |
//!
//! Structured readers produce a [`doc::Doc`] that [`assemble::assemble`] turns into a report;
//! the text readers do the same. Errors are [`ReadError`]s (the input cannot be read at all);
//! problems in a readable report are findings in `Report::reader_findings`.

pub mod assemble;
pub mod crawl;
pub mod decode;
pub mod doc;
pub mod docx;
mod error;
pub mod html;
pub mod label;
pub mod layout;
pub mod markdown;
pub mod ocr;
pub mod pdf;
pub mod text;
pub mod xlsx;

use std::path::Path;

use gongkai_domain::report::json::report_from_json;
use gongkai_domain::report::{CheckCode, Finding, Location, Report};

pub use error::ReadError;

/// Read a report from a file. The file's size is checked before it is read.
pub fn read_path(path: &Path) -> Result<Report, ReadError> {
    use std::io::Read as _;
    let shown = path.display().to_string();
    let io = |source| ReadError::Io { path: shown.clone(), source };
    let not_a_file = || ReadError::Io { path: shown.clone(), source: std::io::Error::other("这是一个目录，不是文件") };
    // one open, the size from the open file, one read into a buffer of that size
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Err(if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) { not_a_file() } else { io(e) }),
    };
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(not_a_file());
    }
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    decode::check_size(size)?;
    let mut bytes = Vec::with_capacity(size);
    file.read_to_end(&mut bytes).map_err(io)?;
    read_bytes(&bytes, Some(&shown))
}

/// Read a report from bytes of any supported flavour; `name` (a path or URL) becomes the
/// report's `source`. JSON input may be a bare report object or `{"reports":[…]}`, in which case
/// the first report is read (its own `source` wins over `name` when present).
pub fn read_bytes(bytes: &[u8], name: Option<&str>) -> Result<Report, ReadError> {
    decode::check_size(bytes.len())?;
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let head = &bytes[start..];
    if head.is_empty() {
        return Err(ReadError::Empty);
    }
    if head.starts_with(b"%PDF") {
        return read_pdf(bytes, name);
    }
    if head.starts_with(b"PK\x03\x04") {
        if xlsx::is_xlsx(bytes) {
            return finish(assemble::assemble(&xlsx::to_doc(bytes)?, name));
        }
        return read_docx(bytes, name);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // Office's OLE container: an encrypted .docx is stored in one, as is a legacy .doc.
        let encrypted = utf16_contains(bytes, "EncryptionInfo") || utf16_contains(bytes, "EncryptedPackage");
        return Err(if encrypted {
            ReadError::DocxEncrypted
        } else {
            ReadError::Unsupported { flavour: "旧版 Word 文档（.doc）", hint: "请在 Word 或 WPS 中另存为 .docx 或 PDF 后再读取" }
        });
    }
    if let Some(kind) = image_kind(head) {
        if ocr::image::kind(head).is_some() {
            // a table or page as an image: read with OCR when tesseract is there
            return finish(ocr::read_image(head, name)?);
        }
        return Err(ReadError::Binary { detail: format!("这是{kind}图片，不含文字") });
    }
    // A page declares its charset in a <meta> tag: look for one only when the input starts with
    // markup, and decode once.
    let declared = if head.starts_with(b"<") { html::declared_charset(bytes) } else { None };
    let text = decode::decode(bytes, declared.as_deref())?;
    let trimmed = text.trim_start_matches(decode::is_blank);
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(trimmed) {
            return read_json(&json, name);
        }
    if looks_html(trimmed) {
        let doc = html::scan(&text);
        let report = assemble::assemble(&doc, name);
        // tables published as images: read the local images with OCR
        return finish(ocr::read_page_images(&doc, report, name));
    }
    if declared.is_some() {
        // markup that is not a page after all: its <meta> charset does not count
        return read_undeclared(bytes, name);
    }
    read_plain_text(&text, name)
}

fn read_undeclared(bytes: &[u8], name: Option<&str>) -> Result<Report, ReadError> {
    let text = decode::decode(bytes, None)?;
    read_plain_text(&text, name)
}

fn read_plain_text(text: &str, name: Option<&str>) -> Result<Report, ReadError> {
    if looks_markdown(text) {
        return read_markdown(text, name);
    }
    finish(text::read_text(text, name))
}

fn read_json(json: &serde_json::Value, name: Option<&str>) -> Result<Report, ReadError> {
    let doc = match json.get("reports") {
        Some(serde_json::Value::Array(list)) => {
            list.first().ok_or_else(|| ReadError::NotAReport { detail: "JSON 中的 reports 列表为空".to_owned() })?
        }
        _ => json,
    };
    let mut report = report_from_json(doc)?;
    if report.source.is_none() {
        report.source = name.map(str::to_owned);
    }
    Ok(report)
}

fn read_pdf(bytes: &[u8], name: Option<&str>) -> Result<Report, ReadError> {
    let text = match pdf::read_pdf_bytes(bytes) {
        // a scan: its pages read with OCR
        Err(ReadError::PdfNoTextLayer) => {
            return finish(ocr::read_scanned_pdf(bytes, name)?).map_err(|e| match e {
                ReadError::NotAReport { detail } => ReadError::NotAReport { detail: format!("PDF 没有文字层（扫描件），经文字识别（OCR）后仍{detail}") },
                other => other,
            });
        }
        other => other?,
    };
    // pdftotext -layout output: always the layout reader, whatever its shape suggests.
    finish(layout::read_layout(&text, name))
}

fn read_docx(bytes: &[u8], name: Option<&str>) -> Result<Report, ReadError> {
    let doc = docx::to_doc(bytes)?;
    finish(assemble::assemble(&doc, name))
}

fn read_markdown(text: &str, name: Option<&str>) -> Result<Report, ReadError> {
    let doc = markdown::to_doc(text);
    let report = assemble::assemble(&doc, name);
    finish(ocr::read_page_images(&doc, report, name))
}

/// A report with nothing recognised is not a report — unless its text names one (a title page
/// and nothing else), which is a truncated report.
fn finish(mut report: Report) -> Result<Report, ReadError> {
    let sections = report.sections.iter().any(|s| s.id.is_some());
    let tables = report.tables.iter().any(|t| !t.rows.is_empty());
    if sections || tables {
        return Ok(report);
    }
    let text: &str = report.sections.first().map_or("", |s| s.text.as_str());
    if text.contains("政府信息公开") && text.contains("报告") && text.chars().count() < 2000 {
        if !report.reader_findings.iter().any(|f| f.code == CheckCode::TruncatedInput) {
            report.reader_findings.push(Finding::new(
                CheckCode::TruncatedInput,
                "报告不完整：只读到标题或开头部分，没有读到第一至第六部分和表二、表三、表四",
                Location::default(),
                "核对原文件是否完整（下载、复制或转换时可能被截断），用完整的报告重新检查",
            ));
        }
        return Ok(report);
    }
    Err(ReadError::NotAReport {
        detail: "没有找到“一、总体情况”等六个部分的标题，也没有找到表二、表三、表四".to_owned(),
    })
}

fn utf16_contains(bytes: &[u8], needle: &str) -> bool {
    let pat: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    memchr::memmem::find(bytes, &pat).is_some()
}

fn image_kind(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG") {
        Some(" PNG ")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(" JPEG ")
    } else if head.starts_with(b"GIF8") {
        Some(" GIF ")
    } else {
        None
    }
}

fn looks_html(t: &str) -> bool {
    if !t.starts_with('<') {
        return false;
    }
    // the first 4,096 characters, at most 3 bytes each
    let head = &t.as_bytes()[..t.len().min(3 * 4096)];
    const MARKS: [&[u8]; 9] = [b"html", b"!doctype html", b"body", b"table", b"div", b"p>", b"p ", b"head", b"meta"];
    memchr::memchr_iter(b'<', head).any(|i| {
        let rest = &head[i + 1..];
        MARKS.iter().any(|m| rest.len() >= m.len() && rest[..m.len()].eq_ignore_ascii_case(m))
    })
}

fn looks_markdown(t: &str) -> bool {
    // Markdown tables need pipes: most text has none, and is rejected without a line scan.
    if memchr::memchr(b'|', t.as_bytes()).is_none() {
        return false;
    }
    let mut pipes = 0;
    let mut separator = false;
    for line in t.lines().take(5000) {
        let l = line.trim();
        if l.starts_with('|') {
            pipes += 1;
            if l.contains("---") && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                separator = true;
            }
        }
    }
    separator && pipes >= 3
}
