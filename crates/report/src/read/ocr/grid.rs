//! The ruled grid of a table image: horizontal rules, the rows between them, the columns of each
//! row from its vertical rules. OCR engines read ruled tables badly (a rule becomes `|`, `1` or
//! `]` glued to the digits), so the rules are found here, erased from the image tesseract sees,
//! and used to put every word it reads into its cell — a digit's column is decided by where it
//! stands, not by how many digits came before it.

use super::image::Gray;

/// A horizontal rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HLine {
    /// First pixel row.
    pub y0: usize,
    /// Last pixel row (inclusive).
    pub y1: usize,
    /// First pixel column.
    pub x0: usize,
    /// Last pixel column (inclusive).
    pub x1: usize,
}

/// One table row: the pixel rows between two rules and the cells between its vertical rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// First pixel row inside the rules.
    pub top: usize,
    /// Last pixel row inside the rules (inclusive).
    pub bottom: usize,
    /// The cells' pixel column ranges (inclusive), left to right.
    pub cells: Vec<(usize, usize)>,
    /// The vertical rules of the row (pixel column ranges, inclusive).
    pub rules: Vec<(usize, usize)>,
    /// Which table (cluster of rules) the row belongs to.
    pub table: usize,
}

/// The tables found in an image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    /// Horizontal rules, top to bottom.
    pub lines: Vec<HLine>,
    /// Table rows, top to bottom.
    pub bands: Vec<Band>,
    /// Each table's box (x0, y0, x1, y1), inclusive.
    pub tables: Vec<(usize, usize, usize, usize)>,
}

impl Grid {
    /// Whether (x, y) lies inside a table's box.
    pub fn in_table(&self, x: usize, y: usize) -> bool {
        self.tables.iter().any(|&(x0, y0, x1, y1)| (x0..=x1).contains(&x) && (y0..=y1).contains(&y))
    }

    /// The median height of the table rows, if there are any.
    pub fn row_height(&self) -> Option<usize> {
        let mut h: Vec<usize> = self.bands.iter().map(|b| b.bottom + 1 - b.top).collect();
        h.sort_unstable();
        h.get(h.len() / 2).copied()
    }
}

/// Find the ruled tables of an image.
pub fn find(img: &Gray) -> Grid {
    let lines = hlines(img);
    let mut bands = Vec::new();
    let mut parent: Vec<usize> = (0..lines.len()).collect();
    for (i, a) in lines.iter().enumerate() {
        // the first rule below that shares most of a stretch with this one
        let Some((j, b)) = lines.iter().enumerate().skip(i + 1).find(|(_, b)| b.y0 > a.y1 + 2 && overlap(a, b) * 10 >= 4 * len(a).min(len(b)))
        else {
            continue;
        };
        let (top, bottom) = (a.y1 + 1, b.y0 - 1);
        let height = bottom + 1 - top;
        if height < 6 || height > img.h / 3 {
            continue;
        }
        let (x0, x1) = (a.x0.max(b.x0), a.x1.min(b.x1));
        let rules = vertical_rules(img, x0, x1, top, bottom);
        // a table row has rules at both ends; text between two tables has none
        let near = |x: usize| rules.iter().any(|&(r0, r1)| r0 <= x + 4 && x <= r1 + 4);
        if !near(x0) || !near(x1) {
            continue;
        }
        let mut cells = Vec::new();
        let mut start = x0;
        for &(r0, r1) in &rules {
            if r0 > start + 3 {
                cells.push((start, r0 - 1));
            }
            start = r1 + 1;
        }
        if x1 > start + 3 {
            cells.push((start, x1));
        }
        if cells.is_empty() {
            continue;
        }
        union(&mut parent, i, j);
        bands.push((i, Band { top, bottom, cells, rules, table: 0 }));
    }
    // tables: rules joined by rows
    let mut roots: Vec<usize> = Vec::new();
    let mut tables: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !bands.iter().any(|(a, _)| find_root(&parent, *a) == find_root(&parent, i)) {
            continue;
        }
        let r = find_root(&parent, i);
        match roots.iter().position(|x| *x == r) {
            Some(k) => {
                let t = &mut tables[k];
                *t = (t.0.min(l.x0), t.1.min(l.y0), t.2.max(l.x1), t.3.max(l.y1));
            }
            None => {
                roots.push(r);
                tables.push((l.x0, l.y0, l.x1, l.y1));
            }
        }
    }
    let bands = bands
        .into_iter()
        .map(|(i, mut b)| {
            let r = find_root(&parent, i);
            b.table = roots.iter().position(|x| *x == r).unwrap_or(0);
            b
        })
        .collect();
    let mut grid = Grid { lines, bands, tables };
    add_unruled(img, &mut grid);
    grid
}

/// Tables without rules, found by their gutters. Outside the ruled tables, a text line (a run of
/// pixel rows with ink) whose ink falls into two or more blocks separated by gaps of at least 1.5
/// character heights is a table row: narrative, headings and titles are one block, as characters
/// stand closer than that even where a full-width stop meets an opening bracket. Two or more such
/// lines (or one of four blocks or more), with at most two one-block lines between them that are
/// the height of the table's rows (a wrapped label, a sub-table's caption) or of two or more of
/// them (a header of wrapped column titles), are a table; a one-block line of a larger font (a
/// section heading) ends it. The table's columns are then found from all its rows at once (see
/// [`add_table`]), so a narrow column is still a column.
fn add_unruled(img: &Gray, grid: &mut Grid) {
    let lines = text_lines(img, grid);
    let height = |k: usize| lines[k].1 + 1 - lines[k].0;
    let mut heights: Vec<usize> = (0..lines.len()).map(height).collect();
    heights.sort_unstable();
    let Some(&line_h) = heights.get(heights.len() / 2) else { return };
    // a line's character height: its own, but not a tall table row's (a wrapped label beside
    // its numbers), which is the page's usual line at most
    let blocks: Vec<usize> =
        lines.iter().enumerate().map(|(k, &(t, b))| ink_blocks(img, grid, t, b, (height(k).min(line_h) * 3 / 2).max(8))).collect();
    let multi = |k: usize| blocks[k] >= 2;
    let mut i = 0;
    while i < lines.len() {
        if !multi(i) {
            i += 1;
            continue;
        }
        // the table's rows from line i: multi-block lines, and short one-block lines between them
        let mut rows = vec![i];
        let mut j = i + 1;
        while j < lines.len() {
            if multi(j) {
                rows.push(j);
                j += 1;
                continue;
            }
            let mut row_h: Vec<usize> = rows.iter().map(|&k| height(k)).collect();
            row_h.sort_unstable();
            // a one-block line of the rows' height, or a stack of two or more (a header of
            // wrapped column titles), but not a heading of a larger font
            let row = row_h[row_h.len() / 2];
            let fits = |k: usize| height(k) <= row * 5 / 4 || height(k) >= row * 2;
            match (j..lines.len().min(j + 3)).find(|&k| multi(k) || !fits(k)) {
                Some(k) if multi(k) => {
                    rows.extend(j..k);
                    j = k;
                }
                _ => break,
            }
        }
        // one line of four or more blocks is a table too (table 四's values under a header
        // that reads as one block)
        if rows.iter().filter(|&&k| multi(k)).count() >= 2 || blocks[i] >= 4 {
            let picked: Vec<((usize, usize), usize)> = rows.iter().map(|&k| (lines[k], blocks[k])).collect();
            add_table(img, grid, &picked);
        }
        i = j;
    }
}

/// The page's text lines outside the ruled tables: runs of pixel rows with two or more dark
/// pixels (a speck is not a line), a blank row inside a character allowed; (top, bottom).
fn text_lines(img: &Gray, grid: &Grid) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for y in 0..img.h {
        let ink = (0..img.w).filter(|&x| img.dark(x, y) && !grid.in_table(x, y)).take(2).count();
        if ink >= 2 {
            run = Some(match run {
                Some((t, b)) if b + 2 >= y => (t, y),
                Some(done) => {
                    out.push(done);
                    (y, y)
                }
                None => (y, y),
            });
        }
    }
    out.extend(run);
    out.retain(|&(t, b)| b + 1 - t >= 5);
    out
}

/// The number of blocks the ink of the pixel rows `top..=bottom` falls into, blocks closer than
/// `gutter` joined.
fn ink_blocks(img: &Gray, grid: &Grid, top: usize, bottom: usize, gutter: usize) -> usize {
    let mut blocks = 0;
    let mut last: Option<usize> = None;
    for x in 0..img.w {
        if !(top..=bottom).any(|y| img.dark(x, y) && !grid.in_table(x, y)) {
            continue;
        }
        if last.is_none_or(|l| x >= l + gutter) {
            blocks += 1;
        }
        last = Some(x);
    }
    blocks
}

/// One table without rules, its rows given with their numbers of ink blocks. The columns are
/// the gaps that its rows share (see [`columns`]) — of the whole table, or of a part of it
/// between one-block lines (table 二's sub-tables under their captions) where the part shows
/// more columns than the whole: sub-tables whose columns do not line up close each other's
/// gutters. A blank cell stays a blank cell in its column instead of the next value moving in.
fn add_table(img: &Gray, grid: &mut Grid, lines: &[((usize, usize), usize)]) {
    let mut row_h: Vec<usize> = lines.iter().map(|&((t, b), _)| b + 1 - t).collect();
    row_h.sort_unstable();
    let gutter = (row_h[row_h.len() / 2] / 2).max(4);
    // the outer borders take in a header wider than the columns, and a margin as wide as the
    // gutters (a cell's reading keeps clear of its borders)
    let ink = |x: usize| lines.iter().any(|&((t, b), _)| (t..=b).any(|y| img.dark(x, y) && !grid.in_table(x, y)));
    let Some(x0) = (0..img.w).find(|&x| ink(x)) else { return };
    let x1 = (x0..img.w).rev().find(|&x| ink(x)).unwrap_or(x0);
    let (x0, x1) = (x0.saturating_sub(gutter), (x1 + gutter).min(img.w - 1));
    let whole = columns(img, grid, lines, gutter, (x0, x1));
    if whole.len() < 2 {
        return;
    }
    let table = grid.tables.len();
    let mut bands = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let end = k + lines[k..].iter().take_while(|l| l.1 >= 2).count().max(1);
        let part = &lines[k..end];
        let own = if part.len() >= 2 { columns(img, grid, part, gutter, (x0, x1)) } else { Vec::new() };
        let cells = if own.len() > whole.len() { own } else { whole.clone() };
        // the value columns: right of the widest column (the labels')
        let widest = (0..cells.len()).max_by_key(|&c| cells[c].1 - cells[c].0).unwrap_or(0);
        let spans: Vec<(usize, usize)> = part.iter().map(|l| l.0).collect();
        for (t, b) in split_rows(img, grid, &spans, &cells[widest + 1..]) {
            bands.push(Band { top: t.saturating_sub(2), bottom: (b + 2).min(img.h - 1), cells: cells.clone(), rules: Vec::new(), table });
        }
        k = end;
    }
    let (top, bottom) = (lines[0].0.0, lines[lines.len() - 1].0.1);
    grid.tables.push((x0, top.saturating_sub(1), x1, (bottom + 1).min(img.h - 1)));
    grid.bands.extend(bands);
    grid.bands.sort_by_key(|b| b.top);
}

/// The cells of a table without rules, from its lines: pixel columns with ink in at most an
/// eighth of the lines (none, with fewer than eight) are gaps, and a gap at least `gutter` wide
/// separates two columns; the cells' borders lie halfway across each gutter, the outer ones at
/// `x0` and `x1`. Only the lines with at least half the blocks of the fullest one are counted:
/// a header spanning columns (行政复议 over five) would close the gutters it crosses. A gap
/// inside one row's label does not open a column the other rows' ink fills.
fn columns(img: &Gray, grid: &Grid, lines: &[((usize, usize), usize)], gutter: usize, (x0, x1): (usize, usize)) -> Vec<(usize, usize)> {
    let most = lines.iter().map(|l| l.1).max().unwrap_or(0);
    let counted: Vec<(usize, usize)> = lines.iter().filter(|l| l.1 * 2 >= most).map(|l| l.0).collect();
    let mut inked = vec![0usize; x1 + 1 - x0];
    for &(t, b) in &counted {
        for (k, n) in inked.iter_mut().enumerate() {
            if (t..=b).any(|y| img.dark(x0 + k, y) && !grid.in_table(x0 + k, y)) {
                *n += 1;
            }
        }
    }
    // columns of ink (offsets from x0)
    let mut ink: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut blank = 0;
    for (k, &n) in inked.iter().enumerate() {
        if n * 8 > counted.len() {
            if start.is_none() {
                start = Some(k);
            } else if blank >= gutter
                && let Some(s) = start
            {
                ink.push((s, k - blank - 1));
                start = Some(k);
            }
            blank = 0;
        } else {
            blank += 1;
        }
    }
    if let Some(s) = start {
        ink.push((s, inked.len() - 1 - blank));
    }
    (0..ink.len())
        .map(|k| {
            let left = if k == 0 { 0 } else { (ink[k - 1].1 + ink[k].0) / 2 + 1 };
            let right = ink.get(k + 1).map_or(x1 - x0, |next| (ink[k].1 + next.0) / 2);
            (x0 + left, x0 + right)
        })
        .collect()
}

/// The table's lines split where two rows ran together: a label cell spanning rows (table 三's
/// 三、本年度办理结果 or （三）不予公开 printed down its merged cell) joins the rows' ink into one
/// text line, but the values right of the labels keep a blank between rows. A line is split at
/// each run of three or more pixel rows without values that has values above and below it; a
/// pixel row holds values when two of the value columns (the one, if there is one) have ink in
/// it, so a long label reaching into the first value column does not split its own row, and a
/// wrapped label beside one value stays one row.
fn split_rows(img: &Gray, grid: &Grid, lines: &[(usize, usize)], values: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let need = values.len().min(2);
    let inked = |y: usize| {
        values.iter().filter(|&&(x0, x1)| (x0..=x1.min(img.w - 1)).any(|x| img.dark(x, y) && !grid.in_table(x, y))).take(need).count()
            == need
    };
    let mut out = Vec::with_capacity(lines.len());
    for &(t, b) in lines {
        // runs of pixel rows with values, gaps of two rows or less joined
        let mut runs: Vec<(usize, usize)> = Vec::new();
        if need > 0 {
            for y in (t..=b).filter(|&y| inked(y)) {
                match runs.last_mut() {
                    Some(r) if r.1 + 3 >= y => r.1 = y,
                    _ => runs.push((y, y)),
                }
            }
        }
        runs.retain(|r| r.1 + 1 - r.0 >= 5);
        let mut start = t;
        for pair in runs.windows(2) {
            let cut = (pair[0].1 + pair[1].0) / 2;
            out.push((start, cut));
            start = cut + 1;
        }
        out.push((start, b));
    }
    out
}

fn len(l: &HLine) -> usize {
    l.x1 + 1 - l.x0
}

fn overlap(a: &HLine, b: &HLine) -> usize {
    (a.x1.min(b.x1) + 1).saturating_sub(a.x0.max(b.x0))
}

fn find_root(parent: &[usize], mut i: usize) -> usize {
    while parent[i] != i {
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find_root(parent, a), find_root(parent, b));
    if ra != rb {
        parent[rb] = ra;
    }
}

/// Horizontal rules: runs of ink at least a twelfth of the width (and 40 px) long, merged over
/// consecutive pixel rows; thick bars (filled areas) are not rules.
fn hlines(img: &Gray) -> Vec<HLine> {
    let min = (img.w / 12).max(40);
    let mut lines: Vec<HLine> = Vec::new();
    for y in 0..img.h {
        let mut x = 0;
        while x < img.w {
            if !img.dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            // a rule may be broken by a pixel or two (antialiasing, scanning)
            let mut gap = 0;
            let mut end = x;
            while x < img.w && gap <= 2 {
                if img.dark(x, y) {
                    end = x;
                    gap = 0;
                } else {
                    gap += 1;
                }
                x += 1;
            }
            if end + 1 - start >= min {
                let run = HLine { y0: y, y1: y, x0: start, x1: end };
                match lines.iter_mut().rev().take(8).find(|l| l.y1 + 1 >= y && l.y1 < y && overlap(l, &run) * 2 >= len(&run).min(len(l))) {
                    Some(l) => {
                        l.y1 = y;
                        l.x0 = l.x0.min(start);
                        l.x1 = l.x1.max(end);
                    }
                    None => lines.push(run),
                }
            }
        }
    }
    let thick = (img.h / 150).max(8);
    lines.retain(|l| l.y1 + 1 - l.y0 <= thick);
    lines
}

/// Pixel columns of `x0..=x1` that are ink over at least 80 % of the rows `top..=bottom`,
/// grouped into rules.
fn vertical_rules(img: &Gray, x0: usize, x1: usize, top: usize, bottom: usize) -> Vec<(usize, usize)> {
    let height = bottom + 1 - top;
    let lo = x0.saturating_sub(4);
    let hi = (x1 + 4).min(img.w - 1);
    let mut rules: Vec<(usize, usize)> = Vec::new();
    for x in lo..=hi {
        let ink = (top..=bottom).filter(|&y| img.dark(x, y)).count();
        if ink * 10 >= height * 8 {
            match rules.last_mut() {
                Some(r) if r.1 + 1 == x => r.1 = x,
                _ => rules.push((x, x)),
            }
        }
    }
    rules
}

/// The image with the rules of its tables erased (and a pixel around them, where antialiasing
/// leaves grey).
pub fn erase(img: &Gray, grid: &Grid) -> Gray {
    let mut out = img.clone();
    let clear_box = |out: &mut Gray, x0: usize, x1: usize, y0: usize, y1: usize| {
        for y in y0.saturating_sub(1)..=(y1 + 1).min(img.h - 1) {
            for x in x0.saturating_sub(1)..=(x1 + 1).min(img.w - 1) {
                out.clear(x, y);
            }
        }
    };
    for l in &grid.lines {
        if grid.in_table(l.x0, l.y0) {
            clear_box(&mut out, l.x0, l.x1, l.y0, l.y1);
        }
    }
    for b in &grid.bands {
        for &(r0, r1) in &b.rules {
            clear_box(&mut out, r0, r1, b.top, b.bottom);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 grid drawn with 2-pixel rules.
    fn grid_image() -> Gray {
        let mut g = Gray::white(300, 100);
        for y in [10usize, 40, 70] {
            for x in 20..=280 {
                g.px[y * 300 + x] = 0;
                g.px[(y + 1) * 300 + x] = 0;
            }
        }
        for x in [20usize, 120, 200, 279] {
            for y in 10..=71 {
                g.px[y * 300 + x] = 0;
                g.px[y * 300 + x + 1] = 0;
            }
        }
        g
    }

    fn fill(g: &mut Gray, (x0, y0, x1, y1): (usize, usize, usize, usize)) {
        for y in y0..=y1 {
            for x in x0..=x1 {
                g.px[y * g.w + x] = 0;
            }
        }
    }

    /// "Characters" 12 px square with 2 px between them, from `x` on, `n` of them.
    fn word(g: &mut Gray, x: usize, y: usize, n: usize) {
        for k in 0..n {
            fill(g, (x + k * 14, y, x + k * 14 + 11, y + 11));
        }
    }

    /// A table without rules: a label and three values per row (one blank), a label printed
    /// down a cell two rows high, and a paragraph of running text above it.
    fn unruled_image() -> Gray {
        let mut g = Gray::white(500, 260);
        // running text: one block, however long (a full-width stop's gap is 2 px here too)
        word(&mut g, 20, 10, 30);
        for (k, y) in [60usize, 90, 120].into_iter().enumerate() {
            word(&mut g, 20, y, 6);
            word(&mut g, 250, y, 1);
            if k != 1 {
                word(&mut g, 330, y, 1);
            }
            word(&mut g, 400, y, 2);
        }
        // two rows joined by a label spanning both: the values keep their blank between them
        fill(&mut g, (20, 150, 31, 190));
        for y in [150usize, 179] {
            word(&mut g, 60, y, 4);
            word(&mut g, 250, y, 1);
            word(&mut g, 330, y, 1);
            word(&mut g, 400, y, 2);
        }
        g
    }

    #[test]
    fn a_table_without_rules_is_found_by_its_gutters() {
        let g = unruled_image();
        let grid = find(&g);
        assert!(grid.lines.is_empty());
        assert_eq!(grid.tables.len(), 1, "{grid:?}");
        // the paragraph is not a row; the spanning label's line is two rows
        let tops: Vec<usize> = grid.bands.iter().map(|b| b.top).collect();
        assert_eq!(grid.bands.len(), 5, "{tops:?}");
        assert!(grid.bands.iter().all(|b| b.top > 30), "{tops:?}");
        assert!(grid.bands[3].bottom < 179 && grid.bands[4].top > 161, "{:?}", &grid.bands[3..]);
        for b in &grid.bands {
            // the label's column and three value columns, the blank one included
            assert_eq!(b.cells.len(), 4, "{b:?}");
            for (x, cell) in [20usize, 250, 330, 400].into_iter().zip(&b.cells) {
                assert!(cell.0 <= x && x + 11 <= cell.1, "{x} in {cell:?}");
            }
        }
    }

    #[test]
    fn running_text_alone_is_no_table() {
        let mut g = Gray::white(500, 100);
        word(&mut g, 20, 10, 30);
        word(&mut g, 48, 40, 28);
        // a heading with its numeral apart is one line of two blocks, and alone
        word(&mut g, 20, 70, 2);
        word(&mut g, 80, 70, 8);
        let grid = find(&g);
        assert!(grid.tables.is_empty() && grid.bands.is_empty(), "{grid:?}");
    }

    #[test]
    fn rows_and_cells_of_a_ruled_grid() {
        let grid = find(&grid_image());
        assert_eq!(grid.lines.len(), 3);
        assert_eq!(grid.bands.len(), 2);
        assert_eq!(grid.bands[0].cells.len(), 3, "{:?}", grid.bands[0]);
        assert_eq!(grid.tables.len(), 1);
        let clean = erase(&grid_image(), &grid);
        assert!(clean.px.iter().all(|p| *p == 255));
    }
}
