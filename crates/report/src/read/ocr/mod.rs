//! Tables published as images, and scanned PDFs: read with OCR (tesseract, found at run time).
//!
//! Three inputs reach this module:
//! - an image file given to `report check` (PNG, JPEG; other formats without grid detection);
//! - a PDF without a text layer (a scan): its pages rendered with `pdftoppm -r 300 -gray`;
//! - a web page (or Markdown file) whose table sections hold only images pointing to local files
//!   (relative to the page): the images are read in place of the tables.
//!
//! For each image: the ruled grid is found and erased ([`grid`]); every cell's text is laid flat,
//! one table row per line, under the page's other text ([`mosaic`]) and read by one
//! `tesseract --psm 6 tsv` call ([`tess`]); each word goes back to the cell it was placed from.
//! Cells the first call did not settle (ink read as nothing, a row of lone digits, a row of
//! table 三's shape that does not add up) are read again one per line. The national format then
//! decides what the rows are ([`rows`]): the lines that hold numbers are aligned, in order, to the
//! format's data rows (label similarity + the number of cells each row must have), and become
//! table rows with the format's own labels, so the assembler reads them like any table. Text
//! outside tables becomes paragraphs (headings, narrative, the title for agency and year).
//!
//! What is refused: a row whose cells cannot be told apart stays with its cells as read (the
//! checker flags what does not add up); a cell with ink that OCR read as nothing is `？`
//! (unreadable), never 0. Tables read this way are marked (`Table::ocr`), get an `OCR_READ`
//! finding naming the image, and the checker reports their broken sums as `OCR_UNCERTAIN`
//! warnings, never as the agency's errors. docs/REPORT.md has the measurements.

pub mod grid;
pub mod image;
pub mod mosaic;
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

/// Images of one web page read at most (in the sections whose table is missing).
pub const MAX_PAGE_IMAGES: usize = 8;

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
    let clean = grid::erase(img, &grid);
    let (composed, layout) = mosaic::compose(&clean, &grid);
    // tesseract reads best with characters some 30 px high: small print (a screenshot at 1×)
    // is scaled up
    let factor = 30usize.div_ceil(layout.text_h.max(1)).clamp(1, 3);
    let input = composed.upscale(factor).to_pgm();
    if let Some(dir) = std::env::var_os("GONGKAI_OCR_DEBUG_DIR") {
        // what tesseract is given, for a developer to look at
        let _ = std::fs::write(Path::new(&dir).join(format!("ocr-{}x{}.pgm", img.w, img.h)), &input);
    }
    let mut words = tess::words(&input)?;
    for w in &mut words {
        w.x /= factor;
        w.y /= factor;
        w.w = w.w.div_ceil(factor);
        w.h = w.h.div_ceil(factor);
    }
    let mut placed = mosaic::place(&layout, &grid, &words);
    // cells with ink the first reading missed (a lone `1`, digits joined across cells), and
    // rows of numbers without a label: read again, one cell per line
    // what the first reading did not settle, by band: (band, cells to read again, whether the
    // second reading is taken only if the row then adds up)
    let mut again: Vec<(usize, Vec<usize>, bool)> = Vec::new();
    for (band, l) in &placed {
        let (Some(b), OcrLine::Row(cells)) = (band, l) else { continue };
        let label_end = rows::label_end(cells);
        // a row of numbers alone (table 四's) reads badly as one line: every cell again
        let numbers_only = cells.iter().filter(|c| !c.is_empty()).count() >= 4 && label_end == 0;
        if numbers_only {
            again.push((*b, (0..cells.len()).filter(|i| !cells[*i].is_empty()).collect(), false));
            continue;
        }
        // a row of table 三's shape (a label, six counts and their total) that does not add up:
        // every value again, taken only if the second reading adds up — the row's own sum decides
        let values = &cells[label_end..];
        if values.len() == 7 && !adds_up(values) {
            again.push((*b, (label_end..cells.len()).filter(|i| !cells[*i].is_empty()).collect(), true));
            continue;
        }
        let unread: Vec<usize> = (0..cells.len()).filter(|i| cells[*i] == mosaic::UNREAD).collect();
        if !unread.is_empty() {
            again.push((*b, unread, false));
        }
    }
    let targets: Vec<(usize, usize)> = again.iter().flat_map(|(b, cells, _)| cells.iter().map(|c| (*b, *c))).collect();
    if !targets.is_empty() {
        let (stacked, ranges) = mosaic::stack(&clean, &layout, &targets);
        let words = tess::words(&stacked.upscale(factor).to_pgm())?;
        let mut k = 0;
        for (band, cis, only_if_sum) in &again {
            let Some((_, OcrLine::Row(cells))) = placed.iter_mut().find(|(b, _)| *b == Some(*band)) else { continue };
            let mut second = cells.clone();
            for ci in cis {
                let (y0, y1) = ranges[k];
                k += 1;
                let mut ws: Vec<&tess::Word> = words.iter().filter(|w| (y0 * factor..=y1 * factor).contains(&w.centre().1)).collect();
                ws.sort_by_key(|w| w.x);
                let text: String = ws.iter().map(|w| w.text.as_str()).collect();
                if !text.is_empty() {
                    second[*ci] = text;
                }
            }
            if !only_if_sum || adds_up(&second[second.len() - 7..]) {
                *cells = second;
            }
        }
    }
    let lines: Vec<OcrLine> = placed.into_iter().map(|(_, l)| l).collect();
    if std::env::var_os("GONGKAI_OCR_DEBUG").is_some() {
        eprintln!("ocr: {}×{} px, {} rules, {} rows, text {} px, scale {factor}", img.w, img.h, grid.lines.len(), grid.bands.len(), layout.text_h);
        for l in &lines {
            eprintln!("ocr: {l:?}");
        }
    }
    Ok(lines)
}

/// Whether seven cells read as counts whose first six add up to the seventh (blank as 0).
fn adds_up(values: &[String]) -> bool {
    let nums: Option<Vec<i64>> = values.iter().map(|v| if v.is_empty() { Some(0) } else { rows::digits(v)?.parse().ok() }).collect();
    nums.is_some_and(|n| n.len() == 7 && n[..6].iter().sum::<i64>() == n[6])
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
            Ok(mosaic::place(&mosaic::Layout::page(usize::MAX), &grid::Grid::default(), &words).into_iter().map(|(_, l)| l).collect())
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
    // a damaged image is not an image: said before asking for tesseract
    let broken = match image::kind(bytes) {
        Some(Kind::Png) => image::decode_png(bytes).err().filter(|e| !e.contains("隔行")),
        Some(Kind::Jpeg) => image::jpeg_as_pdf(bytes).is_none().then(|| "找不到 JPEG 图像的帧头".to_owned()),
        _ => None,
    };
    if let Some(e) = broken {
        return Err(ReadError::Binary { detail: format!("这是 {}图片，但图片数据无法解码：{e}", kind) });
    }
    let lines = read_image_lines(bytes).map_err(|e| ReadError::Ocr { detail: format!("这是 {kind}图片，{e}") })?;
    let shown = name.map_or_else(|| "图片".to_owned(), file_name);
    Ok(report_from_pages(&[lines], name, &shown))
}

/// A report from a PDF without a text layer: its pages rendered and read.
pub fn read_scanned_pdf(bytes: &[u8], name: Option<&str>) -> Result<Report, ReadError> {
    // without tesseract, the scan stays what pdftotext said it is (the message says how to
    // install it)
    tess::available().map_err(|_| ReadError::PdfNoTextLayer)?;
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
    let mut tried = 0;
    for b in &doc.blocks {
        let image = match b {
            Block::Para { text, line } if ranges.iter().any(|(s, e)| (*s..*e).contains(line)) => text.strip_prefix(IMAGE_MARK).map(|src| (src, *line)),
            _ => None,
        };
        let Some((src, line)) = image else {
            blocks.push(b.clone());
            continue;
        };
        if tried == MAX_PAGE_IMAGES {
            problems.push(format!("图片“{src}”等未识别（每个网页最多识别 {MAX_PAGE_IMAGES} 张图片）"));
            blocks.push(b.clone());
            tried += 1;
            continue;
        }
        if tried > MAX_PAGE_IMAGES {
            blocks.push(b.clone());
            continue;
        }
        tried += 1;
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
