//! Tables published as images, and scanned PDFs: read with OCR (tesseract, found at run time).
//!
//! Three inputs reach this module:
//! - an image file given to `report check` (PNG, JPEG; other formats without grid detection);
//! - a PDF without a text layer (a scan): its pages rendered with `pdftoppm -r 300 -gray`;
//! - a web page whose table sections hold only `<img>`s pointing to local files (relative to the
//!   page): the images are read in place of the tables.
//!
//! For each image: the ruled grid is found and erased ([`grid`]), the clean image goes through
//! `tesseract --psm 6 tsv`, and every word lands in the cell it stands in. The national format
//! then decides what the rows are ([`rows`]): the rows that hold numbers are aligned, in order,
//! to the format's data rows (label similarity + the number of cells each row must have), and
//! become table rows with the format's own labels, so the assembler reads them like any table.
//! Text outside tables becomes paragraphs (headings, narrative, the title for agency and year).
//!
//! What is refused: a row whose cells cannot be told apart stays with its cells as read (the
//! checker flags what does not add up); a cell with ink that OCR read as nothing is `？`
//! (unreadable), never 0. Tables read this way are marked (`Table::ocr`), get an `OCR_READ`
//! finding naming the image, and the checker reports their broken sums as `OCR_UNCERTAIN`
//! warnings, never as the agency's errors.

pub mod grid;
pub mod image;
pub mod rows;
pub mod tess;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gongkai_domain::report::{CheckCode, Finding, Location, Report};

use super::assemble::assemble;
use super::doc::{Block, Doc, IMAGE_MARK};
use super::ReadError;
use image::{Gray, Kind};

/// Pages of a scanned PDF read at most (a report is rarely longer than 10 pages).
pub const MAX_PAGES: u32 = 30;

/// The resolution scanned PDFs are rendered at.
pub const DPI: u32 = 300;

/// One line of an image as read: text, or a table row's cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OcrLine {
    /// A line of text outside tables.
    Text(String),
    /// A ruled table row: its cells' texts, left to right (a cell with ink that OCR read as
    /// nothing is `？`).
    Row(Vec<String>),
}

/// Read one image into lines, top to bottom.
pub fn read_gray(img: &Gray) -> Result<Vec<OcrLine>, String> {
    tess::available()?;
    let grid = grid::find(img);
    // tesseract reads best with characters some 30 px high: small print (a screenshot at
    // 1×) is scaled up, measured by the table's row height
    let factor = grid.row_height().map_or(1, |h| 60usize.div_ceil(h.max(1)).clamp(1, 3));
    let clean = grid::erase(img, &grid);
    let scaled = clean.upscale(factor);
    let mut words = tess::words(&scaled.to_pgm())?;
    for w in &mut words {
        w.x /= factor;
        w.y /= factor;
        w.w = w.w.div_ceil(factor);
        w.h = w.h.div_ceil(factor);
    }
    Ok(place(&clean, &grid, &words))
}

/// Put words into the grid's cells and the text lines around it; lines top to bottom.
fn place(clean: &Gray, grid: &grid::Grid, words: &[tess::Word]) -> Vec<OcrLine> {
    let mut cells: Vec<Vec<Vec<&tess::Word>>> = grid.bands.iter().map(|b| vec![Vec::new(); b.cells.len()]).collect();
    let mut text: Vec<((u32, u32, u32), Vec<&tess::Word>)> = Vec::new();
    for w in words {
        let (cx, cy) = w.centre();
        if let Some(bi) = grid.bands.iter().position(|b| (b.top..=b.bottom).contains(&cy)) {
            let band = &grid.bands[bi];
            let spanned: Vec<usize> = band.cells.iter().enumerate().filter(|(_, c)| w.x < c.1 && w.x + w.w > c.0 + 1).map(|(i, _)| i).collect();
            let digits: Vec<char> = w.text.chars().collect();
            if spanned.len() > 1 && spanned.len() == digits.len() && digits.iter().all(char::is_ascii_digit) {
                // one digit per cell, read as one word across the erased rules
                for ci in spanned {
                    cells[bi][ci].push(w);
                }
                continue;
            }
            if let Some(ci) = band.cells.iter().position(|c| (c.0..=c.1).contains(&cx)) {
                cells[bi][ci].push(w);
                continue;
            }
        }
        if grid.in_table(cx, cy) {
            continue;
        }
        match text.iter_mut().find(|(id, _)| *id == w.line) {
            Some((_, ws)) => ws.push(w),
            None => text.push((w.line, vec![w])),
        }
    }
    let mut out: Vec<(usize, OcrLine)> = Vec::new();
    for (bi, band) in grid.bands.iter().enumerate() {
        let texts: Vec<String> = band
            .cells
            .iter()
            .zip(&cells[bi])
            .map(|(&(x0, x1), ws)| {
                if ws.is_empty() {
                    return if ink(clean, x0, x1, band.top, band.bottom) { "？".to_owned() } else { String::new() };
                }
                join(ws, Some((x0, x1)))
            })
            .collect();
        out.push((band.top, OcrLine::Row(texts)));
    }
    for (_, ws) in &text {
        let y = ws.iter().map(|w| w.y).min().unwrap_or(0);
        out.push((y, OcrLine::Text(join(ws, None))));
    }
    out.sort_by_key(|(y, _)| *y);
    out.into_iter().map(|(_, l)| l).collect()
}

/// The words of a cell or line as one text: left to right within a line, lines top to bottom;
/// no space between Chinese characters (tesseract splits them), one between Latin words. A word
/// spanning several cells (digits read across an erased rule) contributes only the digits that
/// stand within `cell`.
fn join(ws: &[&tess::Word], cell: Option<(usize, usize)>) -> String {
    let mut ws: Vec<&&tess::Word> = ws.iter().collect();
    ws.sort_by_key(|w| (w.line, w.x));
    let mut out = String::new();
    for w in ws {
        let text: String = match cell {
            Some((x0, x1)) if w.x < x0 || w.x + w.w > x1 + 1 => {
                // the share of the word's characters that falls inside the cell
                let chars: Vec<char> = w.text.chars().collect();
                let n = chars.len().max(1);
                chars
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| {
                        let c = w.x + (2 * i + 1) * w.w / (2 * n);
                        (x0..=x1).contains(&c)
                    })
                    .map(|(_, c)| *c)
                    .collect()
            }
            _ => w.text.clone(),
        };
        if out.chars().last().is_some_and(|c| c.is_ascii_alphabetic()) && text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            out.push(' ');
        }
        out.push_str(&text);
    }
    out
}

/// Whether a cell holds ink (more than specks) away from its rules.
fn ink(img: &Gray, x0: usize, x1: usize, top: usize, bottom: usize) -> bool {
    let (x0, x1, top, bottom) = (x0 + 3, x1.saturating_sub(3), top + 3, bottom.saturating_sub(3));
    if x1 <= x0 || bottom <= top {
        return false;
    }
    let n = (top..=bottom).flat_map(|y| (x0..=x1).map(move |x| (x, y))).filter(|&(x, y)| img.dark(x, y)).count();
    n >= 12
}

/// Decode an image file's bytes to grey (JPEG through pdftoppm); `None` for formats read
/// without grid detection.
fn decode(bytes: &[u8]) -> Result<Option<Gray>, String> {
    match image::kind(bytes) {
        Some(Kind::Png) => image::decode_png(bytes).map(Some).or(Ok(None)),
        Some(Kind::Pnm) => image::decode_pnm(bytes).map(Some),
        Some(Kind::Jpeg) => {
            let Some(pdf) = image::jpeg_as_pdf(bytes) else { return Ok(None) };
            let mut page = None;
            tess::pdf_pages(&pdf, 72, 1, |_, g| {
                page = Some(g);
                Ok(())
            })?;
            Ok(page)
        }
        Some(Kind::Other) | None => Ok(None),
    }
}

/// Read an image file's bytes into lines.
pub fn read_image_lines(bytes: &[u8]) -> Result<Vec<OcrLine>, String> {
    tess::available()?;
    match decode(bytes)? {
        Some(g) => read_gray(&g),
        None => {
            // a format without grid detection: tesseract reads it as it is
            let words = tess::words(bytes)?;
            let grid = grid::Grid::default();
            Ok(place(&Gray::white(1, 1), &grid, &words))
        }
    }
}

/// A report from an image file (`report check table.png`).
pub fn read_image(bytes: &[u8], name: Option<&str>) -> Result<Report, ReadError> {
    let kind = match image::kind(bytes) {
        Some(Kind::Png) => "PNG ",
        Some(Kind::Jpeg) => "JPEG ",
        _ => "",
    };
    let lines = read_image_lines(bytes).map_err(|e| ReadError::Ocr { detail: format!("这是{kind}图片，{e}") })?;
    let shown = name.map_or_else(|| "图片".to_owned(), |n| file_name(n));
    Ok(report_from_pages(&[lines], name, &shown))
}

/// A report from a PDF without a text layer: its pages rendered and read.
pub fn read_scanned_pdf(bytes: &[u8], name: Option<&str>) -> Result<Report, ReadError> {
    tess::available().map_err(|e| ReadError::Ocr { detail: format!("PDF 文件没有文字层（扫描件），{e}") })?;
    let mut pages = Vec::new();
    tess::pdf_pages(bytes, DPI, MAX_PAGES, |_, g| {
        pages.push(read_gray(&g)?);
        Ok(())
    })
    .map_err(|e| ReadError::Ocr { detail: format!("扫描件 PDF 识别失败：{e}") })?;
    let shown = name.map_or_else(|| "扫描件".to_owned(), |n| format!("扫描件“{}”", file_name(n)));
    Ok(report_from_pages(&pages, name, &shown))
}

fn file_name(n: &str) -> String {
    Path::new(n).file_name().map_or_else(|| n.to_owned(), |f| f.to_string_lossy().into_owned())
}

/// Pages of OCR lines → a report: every line numbered (1-based, across pages), rows matched to
/// the format, assembled, OCR tables marked.
fn report_from_pages(pages: &[Vec<OcrLine>], name: Option<&str>, shown: &str) -> Report {
    let numbered: Vec<(u32, &OcrLine)> = pages.iter().flatten().enumerate().map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l)).collect();
    let blocks = rows::to_blocks(&numbered);
    let lines: BTreeSet<u32> = numbered.iter().map(|(n, _)| *n).collect();
    let mut report = assemble(&Doc { blocks }, name);
    mark(&mut report, &lines, shown);
    report
}

/// Mark the tables with a row on one of `lines` as read by OCR, with an OCR_READ finding each.
fn mark(report: &mut Report, lines: &BTreeSet<u32>, shown: &str) {
    for t in &mut report.tables {
        if t.ocr || !t.rows.iter().any(|r| r.line.is_some_and(|l| lines.contains(&l))) {
            continue;
        }
        t.ocr = true;
        let cells: usize = t.rows.iter().map(|r| r.cells.len()).sum();
        let line = t.rows.first().and_then(|r| r.line);
        report.reader_findings.push(Finding::new(
            CheckCode::OcrRead,
            format!(
                "{}的数字由文字识别（OCR）从{shown}中读出（{} 行、{cells} 个单元格），未经人工核对；数字不满足表格的勾稽关系时报告为“识别存疑”，不作为机关填报的错误",
                gongkai_domain::report::check::table_label(t.id),
                t.rows.len()
            ),
            Location { section: Some(t.id.section().to_owned()), table: Some(t.id.id().to_owned()), line, ..Location::default() },
            "对照原图片核对识别出的数字；以文字表格形式发布表格，便于公众和上级机关核对",
        ));
    }
}

/// The hook for web pages: a page whose table sections hold only images (the assembler's
/// MISSING_TABLE findings) has those images read, when they are local files, and the page
/// assembled again with the tables read in place of the images. Without tesseract, or when an
/// image cannot be read, the MISSING_TABLE finding stays and says why.
pub fn read_page_images(doc: &Doc<'_>, report: Report, name: Option<&str>) -> Report {
    let missing: Vec<(String, u32)> = report
        .reader_findings
        .iter()
        .filter(|f| f.code == CheckCode::MissingTable)
        .filter_map(|f| Some((f.location.section.clone()?, f.location.line?)))
        .collect();
    if missing.is_empty() {
        return report;
    }
    // the lines where each section with a missing table starts and ends
    let ranges: Vec<(u32, u32)> = missing
        .iter()
        .map(|(sec, first_image)| {
            let start = report.section(sec).and_then(|s| s.line).unwrap_or(*first_image).min(*first_image);
            let end = report.sections.iter().filter_map(|s| s.line).filter(|l| *l > *first_image).min().unwrap_or(u32::MAX);
            (start, end)
        })
        .collect();
    if let Err(e) = tess::available() {
        return note(report, e);
    }
    let base = name.map(Path::new).and_then(Path::parent).map(Path::to_path_buf);
    let mut blocks: Vec<Block<'_>> = Vec::with_capacity(doc.blocks.len());
    let mut read_lines = BTreeSet::new();
    let mut problems: Vec<String> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for b in &doc.blocks {
        let image = match b {
            Block::Para { text, line } if ranges.iter().any(|(s, e)| (*s..*e).contains(line)) => text.strip_prefix(IMAGE_MARK).map(|src| (src, *line)),
            _ => None,
        };
        let Some((src, line)) = image else {
            blocks.push(b.clone());
            continue;
        };
        match local_image(base.as_deref(), src).and_then(|p| std::fs::read(&p).map_err(|e| format!("图片“{src}”无法读取：{e}"))).and_then(|bytes| read_image_lines(&bytes)) {
            Ok(lines) => {
                let numbered: Vec<(u32, &OcrLine)> = lines.iter().map(|l| (line, l)).collect();
                let got = rows::to_blocks(&numbered);
                if got.iter().any(|b| matches!(b, Block::Table { .. })) {
                    read_lines.insert(line);
                    sources.push(format!("图片“{src}”"));
                    blocks.extend(got.into_iter().filter(|b| matches!(b, Block::Table { .. })));
                } else {
                    problems.push(format!("图片“{src}”中没有识别出表格的行"));
                    blocks.push(b.clone());
                }
            }
            Err(e) => {
                problems.push(e);
                blocks.push(b.clone());
            }
        }
    }
    let mut report = if read_lines.is_empty() { report } else { assemble(&Doc { blocks }, name) };
    if !read_lines.is_empty() {
        let shown = sources.join("、");
        mark(&mut report, &read_lines, &shown);
    }
    if problems.is_empty() { report } else { note(report, &problems.join("；")) }
}

/// Add why the images were not read to the MISSING_TABLE findings.
fn note(mut report: Report, why: &str) -> Report {
    for f in &mut report.reader_findings {
        if f.code == CheckCode::MissingTable {
            f.message.push_str(&format!("（未能识别图片中的表格：{why}）"));
        }
    }
    report
}

/// The local file an `<img src>` points to, relative to the page's folder: `a/b.png`,
/// `./a/b.png`, or a site path `/upload/b.png` looked up under the page's folder. Web addresses
/// and inline images are not fetched.
fn local_image(base: Option<&Path>, src: &str) -> Result<PathBuf, String> {
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        return Err(format!("图片“{src}”是网络地址，未下载识别（请将图片保存在网页文件旁）"));
    }
    if src.starts_with('（') || lower.starts_with("data:") {
        return Err(format!("图片“{src}”不是文件"));
    }
    let Some(base) = base else { return Err(format!("图片“{src}”的位置未知（网页不是从文件读取的）")) };
    let rel = src.split(['?', '#']).next().unwrap_or(src);
    let rel = percent_decode(rel);
    let candidates = [base.join(&rel), base.join(rel.trim_start_matches('/'))];
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| format!("图片文件“{src}”未找到"))
}

/// `%E5%9B%BE` → 图 (image names in saved pages are often escaped).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}
