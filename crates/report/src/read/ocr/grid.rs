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
    Grid { lines, bands, tables }
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
