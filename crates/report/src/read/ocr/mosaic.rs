//! The image tesseract reads: the page's text with its tables blanked out, and under it one line
//! per table row, every cell's text laid side by side on a common centre line with wide gaps
//! between cells. A row whose label wraps over two lines, with its digits centred beside them,
//! is what makes tesseract mix label and digits; laid out flat, each row reads as one clean line,
//! and every word is put back in its cell by where it was placed.

use super::OcrLine;
use super::grid::Grid;
use super::image::Gray;
use super::tess::Word;

/// A cell's text laid into the mosaic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    cell: usize,
    x0: usize,
    x1: usize,
}

/// One table row in the mosaic.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    band: usize,
    y0: usize,
    y1: usize,
    pieces: Vec<Piece>,
    /// Cells with ink (text that OCR may fail to read), by cell index.
    inked: Vec<bool>,
}

/// Where everything went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    page_h: usize,
    lines: Vec<Line>,
    /// The typical height of a line of text, px.
    pub text_h: usize,
    /// Each table row's cells' text segments (x0, x1, y0, y1), by band.
    segs: Vec<Vec<Vec<Seg>>>,
}

type Seg = (usize, usize, usize, usize);

/// A cell with ink that OCR read as nothing.
pub const UNREAD: &str = "？";

impl Layout {
    /// A page without tables, `h` pixels high.
    pub fn page(h: usize) -> Self {
        Layout { page_h: h, lines: Vec::new(), text_h: 20, segs: Vec::new() }
    }
}

/// Text segments of a cell: runs of pixel rows with ink, each with its ink's box.
fn segments(img: &Gray, x0: usize, x1: usize, top: usize, bottom: usize) -> Vec<Seg> {
    // keep clear of the erased rules' antialiasing
    let (x0, x1, top, bottom) = (x0 + 2, x1.saturating_sub(2), top + 2, bottom.saturating_sub(2));
    if x1 <= x0 || bottom <= top {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut run: Option<Seg> = None;
    let mut blank = 0;
    for y in top..=bottom {
        let xs: Vec<usize> = (x0..=x1).filter(|&x| img.dark(x, y)).collect();
        match (xs.first(), xs.last()) {
            (Some(&a), Some(&b)) => {
                blank = 0;
                run = Some(match run {
                    Some((rx0, rx1, ry0, _)) => (rx0.min(a), rx1.max(b), ry0, y),
                    None => (a, b, y, y),
                });
            }
            _ => {
                blank += 1;
                // a gap of a few rows ends a line of text (not the gap inside a character)
                if blank >= 3
                    && let Some(r) = run.take()
                {
                    out.push(r);
                }
            }
        }
    }
    out.extend(run);
    // specks are not text
    out.retain(|&(a, b, c, d)| (b + 1 - a) * (d + 1 - c) >= 6 && d + 1 - c >= 3);
    out
}

/// Compose the image tesseract reads, and where each cell went.
pub fn compose(clean: &Gray, grid: &Grid) -> (Gray, Layout) {
    let segs: Vec<Vec<Vec<Seg>>> =
        grid.bands.iter().map(|b| b.cells.iter().map(|&(x0, x1)| segments(clean, x0, x1, b.top, b.bottom)).collect()).collect();
    let mut heights: Vec<usize> = segs.iter().flatten().flatten().map(|s| s.3 + 1 - s.2).collect();
    heights.sort_unstable();
    let text_h = heights.get(heights.len() / 2).copied().unwrap_or(20).max(8);
    let gap = 2 * text_h;
    // the mosaic's lines
    let mut lines = Vec::new();
    let mut width = clean.w;
    let mut y = clean.h + 2 * text_h;
    for (bi, band) in grid.bands.iter().enumerate() {
        let line_h = segs[bi].iter().flatten().map(|s| s.3 + 1 - s.2).max().unwrap_or(0);
        if line_h == 0 {
            continue;
        }
        let mut x = text_h;
        let mut pieces = Vec::new();
        for (ci, cell) in segs[bi].iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let start = x;
            for s in cell {
                x += s.1 + 1 - s.0 + text_h / 2;
            }
            pieces.push(Piece { cell: ci, x0: start, x1: x });
            x += gap;
        }
        width = width.max(x + text_h);
        let inked = (0..band.cells.len()).map(|ci| !segs[bi][ci].is_empty()).collect();
        lines.push(Line { band: bi, y0: y, y1: y + line_h + text_h, pieces, inked });
        y += line_h + 2 * text_h;
    }
    let mut out = Gray::white(width, y + text_h);
    for yy in 0..clean.h {
        for xx in 0..clean.w {
            if !grid.in_table(xx, yy) {
                out.px[yy * width + xx] = clean.at(xx, yy);
            }
        }
    }
    for line in &lines {
        let mid = (line.y0 + line.y1) / 2;
        for p in &line.pieces {
            let mut x = p.x0;
            for s in &segs[line.band][p.cell] {
                let h = s.3 + 1 - s.2;
                let top = mid - h / 2;
                for dy in 0..h {
                    for dx in 0..=(s.1 - s.0) {
                        out.px[(top + dy) * width + x + dx] = clean.at(s.0 + dx, s.2 + dy);
                    }
                }
                x += s.1 + 1 - s.0 + text_h / 2;
            }
        }
    }
    (out, Layout { page_h: clean.h, lines, text_h, segs })
}

/// The cells given (band, cell) stacked one per line, for a second reading of cells the first
/// did not read one by one; with the lines' vertical ranges.
pub fn stack(clean: &Gray, layout: &Layout, cells: &[(usize, usize)]) -> (Gray, Vec<(usize, usize)>) {
    let h = layout.text_h;
    let mut placed = Vec::new();
    let mut width = 4 * h;
    let mut y = h;
    for &(band, cell) in cells {
        let segs = layout.segs.get(band).and_then(|b| b.get(cell)).map_or(&[][..], Vec::as_slice);
        let line_h = segs.iter().map(|s| s.3 + 1 - s.2).max().unwrap_or(h);
        let w: usize = segs.iter().map(|s| s.1 + 1 - s.0 + h / 2).sum();
        width = width.max(w + 4 * h);
        placed.push((y, line_h));
        y += line_h + 2 * h;
    }
    let mut out = Gray::white(width, y + h);
    let mut ranges = Vec::new();
    for (&(band, cell), &(top, line_h)) in cells.iter().zip(&placed) {
        let segs = layout.segs.get(band).and_then(|b| b.get(cell)).map_or(&[][..], Vec::as_slice);
        let mid = top + line_h / 2;
        // a label-like box before the digit gives tesseract's line finder context
        let mut x = 2 * h;
        for s in segs {
            let sh = s.3 + 1 - s.2;
            for dy in 0..sh {
                for dx in 0..=(s.1 - s.0) {
                    out.px[(mid - sh / 2 + dy) * width + x + dx] = clean.at(s.0 + dx, s.2 + dy);
                }
            }
            x += s.1 + 1 - s.0 + h / 2;
        }
        ranges.push((top.saturating_sub(h / 2), top + line_h + h / 2));
    }
    (out, ranges)
}

/// Put the words read from the composed image back: text lines of the page and table rows'
/// cells, top to bottom in the page.
pub fn place(layout: &Layout, grid: &Grid, words: &[Word]) -> Vec<(Option<usize>, OcrLine)> {
    let mut cells: Vec<Vec<Vec<usize>>> = layout.lines.iter().map(|l| vec![Vec::new(); l.inked.len()]).collect();
    // words as placed: the words read, and the single digits split from joined ones
    let mut split: Vec<Word> = words.to_vec();
    let mut reread: Vec<Vec<bool>> = layout.lines.iter().map(|l| vec![false; l.inked.len()]).collect();
    type TextLine<'w> = ((u32, u32, u32), Vec<&'w Word>);
    let mut text: Vec<TextLine<'_>> = Vec::new();
    for (wi, w) in words.iter().enumerate() {
        let (cx, cy) = w.centre();
        if cy >= layout.page_h {
            let Some(li) = layout.lines.iter().position(|l| (l.y0..=l.y1).contains(&cy)) else { continue };
            let line = &layout.lines[li];
            // digits read as one word across several cells (tesseract joins evenly spaced
            // single digits): one character per cell
            let spanned: Vec<&Piece> = line.pieces.iter().filter(|p| w.x <= p.x1 && w.x + w.w >= p.x0).collect();
            let chars: Vec<char> = w.text.chars().filter(|c| c.is_ascii_digit()).collect();
            if spanned.len() > 1 && chars.len() == spanned.len() {
                for (p, c) in spanned.iter().zip(chars) {
                    split.push(Word { text: c.to_string(), ..w.clone() });
                    cells[li][p.cell].push(split.len() - 1);
                }
                continue;
            }
            if spanned.len() > 1 && chars.len() > 1 && chars.len() == w.text.chars().count() {
                // joined digits that do not match the cells one to one: read those cells again,
                // one by one
                for p in spanned {
                    reread[li][p.cell] = true;
                }
                continue;
            }
            // the piece the word's centre is in, or else the nearest one
            let piece = line.pieces.iter().min_by_key(|p| if (p.x0..=p.x1).contains(&cx) { 0 } else { p.x0.abs_diff(cx).min(p.x1.abs_diff(cx)) });
            if let Some(p) = piece {
                cells[li][p.cell].push(wi);
            }
            continue;
        }
        match text.iter_mut().find(|(id, _)| *id == w.line) {
            Some((_, ws)) => ws.push(w),
            None => text.push((w.line, vec![w])),
        }
    }
    let mut out: Vec<(usize, Option<usize>, OcrLine)> = Vec::new();
    for (li, line) in layout.lines.iter().enumerate() {
        let texts: Vec<String> = cells[li]
            .iter()
            .enumerate()
            .map(|(ci, ws)| match (ws.is_empty() || reread[li][ci], line.inked[ci]) {
                (true, true) => UNREAD.to_owned(),
                (true, false) => String::new(),
                _ => join(&ws.iter().map(|i| &split[*i]).collect::<Vec<_>>()),
            })
            .collect();
        out.push((grid.bands[line.band].top, Some(line.band), OcrLine::Row(texts)));
    }
    for (_, ws) in &text {
        let y = ws.iter().map(|w| w.y).min().unwrap_or(0);
        out.push((y, None, OcrLine::Text(join(ws))));
    }
    out.sort_by_key(|(y, _, _)| *y);
    out.into_iter().map(|(_, b, l)| (b, l)).collect()
}

/// Words as one text, left to right within a line, lines top to bottom: no space between
/// Chinese characters (tesseract splits them), one between Latin words.
fn join(ws: &[&Word]) -> String {
    let mut ws: Vec<&&Word> = ws.iter().collect();
    ws.sort_by_key(|w| (w.line, w.x));
    let mut out = String::new();
    for w in ws {
        if out.chars().last().is_some_and(|c| c.is_ascii_alphabetic()) && w.text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            out.push(' ');
        }
        out.push_str(&w.text);
    }
    out
}
