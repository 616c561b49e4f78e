//! Splitting a run of digits into a row's cells: under the row's sums ([`split_cells`]), or free
//! with signs and decimals for table 二 ([`split_values`]); every search bounded.

use gongkai_domain::report::spec::CellKind;
use gongkai_domain::report::{Decimal, Value};

use crate::read::decode::is_blank;

use super::rows::blank_len;

/// The longest digit string one cell may hold (far above any count a report prints; keeps sums
/// in `u64`).
pub const MAX_CELL_DIGITS: usize = 15;
/// The most candidate splits kept for one run; more means the run is unreadable.
pub const MAX_CANDIDATES: usize = 64;
/// The most search steps spent on one run, or on combining the rows of one table.
pub const STEP_BUDGET: u32 = 200_000;

/// The step budget of one search: every search step spends one; past [`STEP_BUDGET`] the search is
/// cut short (and says so) instead of running on.
#[derive(Debug, Default)]
pub(super) struct Budget {
    steps: u32,
    pub(super) cut_short: bool,
}

impl Budget {
    /// Spend a step; `true` when the search must stop.
    pub(super) fn spend(&mut self) -> bool {
        if self.cut_short {
            return true;
        }
        self.steps += 1;
        if self.steps > STEP_BUDGET {
            self.cut_short = true;
        }
        self.cut_short
    }
}

/// The cells of one row and the sums among them: each group `(start, len)` is a run of
/// consecutive cells whose last cell is the sum of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowShape {
    /// Number of cells.
    pub cells: usize,
    /// Groups of cells ending in their total.
    pub sum_groups: &'static [(usize, usize)],
}

impl RowShape {
    /// A row of table 三: six applicant columns and their 总计.
    pub const T3: RowShape = RowShape { cells: 7, sum_groups: &[(0, 7)] };
    /// Table 四: three groups of 维持, 纠正, 其他, 尚未审结 and their 总计.
    pub const T4: RowShape = RowShape { cells: 15, sum_groups: &[(0, 5), (5, 5), (10, 5)] };

    /// A row whose cells have no sums among them (table 二).
    pub const fn free(cells: usize) -> RowShape {
        RowShape { cells, sum_groups: &[] }
    }
}

/// How to treat whitespace inside a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spaces {
    /// Whitespace always separates cells (pdftotext columns).
    Hard,
    /// Whitespace probably separates cells (crawler text): splits that respect it are preferred,
    /// and it is ignored only when no such split satisfies the row's sums.
    Soft,
}

/// The splits of one run into a row's cells.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowSplits {
    /// The candidate splits (each `cells` long), at most [`MAX_CANDIDATES`].
    pub candidates: Vec<Vec<u64>>,
    /// Whether the search finished: `false` means the candidates are not all of them.
    pub complete: bool,
    /// Whether the candidates satisfy the row's own sums; `false` when no split did and the
    /// sums were dropped (the printed total is wrong, or blank cells vanished from the copy).
    pub sums_hold: bool,
    /// Whether the whitespace alone determines every cell (one cell per whitespace-separated
    /// group): such a split stands even when its sums do not hold. A split without the sums and
    /// without this is a guess, which the readers refuse ([`decide_counts`]).
    pub spaced: bool,
}

impl RowSplits {
    /// The one split, if there is exactly one and the search finished.
    pub fn unique(&self) -> Option<&[u64]> {
        match self.candidates.as_slice() {
            [one] if self.complete => Some(one),
            _ => None,
        }
    }
}


/// One digit of a run.
#[derive(Clone, Copy)]
struct Digit {
    value: u8,
    /// The end of the whitespace-free stretch that holds this digit: a cell that starts here
    /// and crosses no whitespace ends there at the latest.
    stretch_end: usize,
}

struct Run {
    digits: Vec<Digit>,
    /// Whitespace-separated groups of digits.
    groups: usize,
}

/// The digits of `run` and where its whitespace falls; `None` when it holds anything but
/// digits, blanks and thousands separators, or more than `max_digits` digits (no split then).
fn parse_run(run: &str, max_digits: usize) -> Option<Run> {
    let mut digits: Vec<Digit> = Vec::with_capacity(run.len().min(max_digits));
    let mut groups = 1;
    let mut pending = false;
    let mut stretch_start = 0;
    let b = run.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x.is_ascii_digit() {
            if pending && !digits.is_empty() {
                // whitespace before this digit: the stretch before it ends here
                let end = digits.len();
                for d in &mut digits[stretch_start..] {
                    d.stretch_end = end;
                }
                stretch_start = end;
                groups += 1;
            }
            pending = false;
            if digits.len() == max_digits {
                return None;
            }
            digits.push(Digit { value: x - b'0', stretch_end: 0 });
            i += 1;
            continue;
        }
        let blank = blank_len(run, i);
        if blank > 0 {
            pending = true;
            i += blank;
        } else if x == b',' && !digits.is_empty() {
            // a thousands separator: not a boundary
            i += 1;
        } else {
            return None;
        }
    }
    let end = digits.len();
    for d in &mut digits[stretch_start..] {
        d.stretch_end = end;
    }
    Some(Run { digits, groups })
}

fn digit_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// The depth-first search for the splits of one run. Every call of [`Splitter::go`] spends one
/// step of the budget, in the same order as the plain search (try every cell length from 1,
/// stop at a leading zero or a crossed space): the work per step is kept small instead (a
/// cell's longest length known from its digit, its value built digit by digit).
struct Splitter<'a> {
    d: &'a [Digit],
    shape: RowShape,
    sums: bool,
    hard: bool,
    budget: Budget,
    out: Vec<Vec<u64>>,
    /// The cells chosen so far (the first `c` of them at depth `c`).
    cur: Vec<u64>,
}

impl Splitter<'_> {
    fn group_total(&self, c: usize) -> Option<usize> {
        if !self.sums {
            return None;
        }
        self.shape.sum_groups.iter().find(|(s, l)| s + l - 1 == c).map(|(s, _)| *s)
    }

    /// The value of the cell of `len` digits at `pos`.
    fn value(&self, pos: usize, len: usize) -> u64 {
        self.d[pos..pos + len].iter().fold(0u64, |a, d| a * 10 + u64::from(d.value))
    }

    /// The longest cell that may start at `pos` (at most `limit` digits): one digit after a
    /// leading zero, and with hard spaces none that crosses one.
    fn longest(&self, pos: usize, limit: usize) -> usize {
        let d = self.d[pos];
        if d.value == 0 {
            return limit.min(1);
        }
        if self.hard { limit.min(d.stretch_end - pos) } else { limit }
    }

    fn go(&mut self, pos: usize, c: usize) {
        if self.budget.spend() {
            return;
        }
        let n = self.d.len();
        let k = self.shape.cells;
        if c == k {
            if pos == n {
                if self.out.len() >= MAX_CANDIDATES {
                    self.budget.cut_short = true;
                } else {
                    self.out.push(self.cur[..k].to_vec());
                }
            }
            return;
        }
        let left = n - pos;
        let after = k - c - 1;
        if left < after + 1 || left > (after + 1) * MAX_CELL_DIGITS {
            return;
        }
        if let Some(start) = self.group_total(c) {
            // The total is determined by the cells before it: it must be printed next.
            let sum = self.cur[start..c].iter().fold(0u64, |a, v| a.saturating_add(*v));
            let len = digit_len(sum);
            if len <= self.longest(pos, left - after) && self.value(pos, len) == sum {
                self.cur[c] = sum;
                self.go(pos + len, c + 1);
            }
            return;
        }
        // cells shorter than `first` leave more digits than the later cells can hold; a cell
        // longer than `last` has a leading zero or crosses a space (every longer one too)
        let first = left.saturating_sub(after * MAX_CELL_DIGITS).max(1);
        let last = self.longest(pos, MAX_CELL_DIGITS.min(left - after));
        if first > last {
            return;
        }
        let mut v = self.value(pos, first - 1);
        for len in first..=last {
            v = v * 10 + u64::from(self.d[pos + len - 1].value);
            self.cur[c] = v;
            self.go(pos + len, c + 1);
            if self.budget.cut_short {
                // every later call returns at once
                return;
            }
        }
    }

    /// The splits under these rules, and whether the search finished.
    fn enumerate(&mut self, hard: bool, sums: bool) -> (Vec<Vec<u64>>, bool) {
        let shape = self.shape;
        // Fast path, the common case: one digit per cell.
        if self.d.len() == shape.cells {
            let cells: Vec<u64> = self.d.iter().map(|d| u64::from(d.value)).collect();
            let ok = !sums || shape.sum_groups.iter().all(|(s, l)| cells[s + l - 1] == cells[*s..s + l - 1].iter().sum::<u64>());
            return (if ok { vec![cells] } else { Vec::new() }, true);
        }
        self.hard = hard;
        self.sums = sums;
        self.budget = Budget::default();
        self.go(0, 0);
        (std::mem::take(&mut self.out), !self.budget.cut_short)
    }
}

/// Every way to split `run` (digits, possibly with spaces) into the cells of `shape`: no cell
/// has a leading zero (except `0` itself), no cell is longer than [`MAX_CELL_DIGITS`], and the
/// row's sums hold. Order of preference: splits that respect the spaces and the sums; with
/// [`Spaces::Soft`], a split the spaces alone determine (one cell per space-separated group,
/// the sums then broken), then splits that ignore spaces but satisfy the sums; last, splits
/// without the sums. Bounded: returns promptly for any input, `complete: false` when cut short.
pub fn split_cells(run: &str, shape: RowShape, spaces: Spaces) -> RowSplits {
    let none = RowSplits { candidates: Vec::new(), complete: true, sums_hold: false, spaced: false };
    let Some(r) = parse_run(run, shape.cells * MAX_CELL_DIGITS) else {
        return none;
    };
    if r.digits.is_empty() {
        return none;
    }
    let soft = spaces == Spaces::Soft && r.groups > 1;
    let groups_decide = r.groups == shape.cells;
    let done = |(candidates, complete): (Vec<Vec<u64>>, bool), sums_hold: bool| -> Option<RowSplits> {
        (!candidates.is_empty() || !complete).then_some(RowSplits { candidates, complete, sums_hold, spaced: groups_decide })
    };
    // without the sums, only a split that respects every space can be one the spaces decide
    let guess = |(candidates, complete): (Vec<Vec<u64>>, bool)| -> Option<RowSplits> {
        (!candidates.is_empty() || !complete).then_some(RowSplits { candidates, complete, sums_hold: false, spaced: false })
    };
    let mut sp = Splitter {
        d: &r.digits,
        shape,
        sums: true,
        hard: true,
        budget: Budget::default(),
        out: Vec::new(),
        cur: vec![0; shape.cells],
    };
    if let Some(s) = done(sp.enumerate(true, true), true) {
        return s;
    }
    // the search with hard spaces and without the sums, when it has been run and found nothing
    let mut hard_free_tried = false;
    if soft && r.groups == shape.cells {
        if let Some(s) = done(sp.enumerate(true, false), false) {
            return s;
        }
        hard_free_tried = true;
    }
    if soft && let Some(s) = done(sp.enumerate(false, true), true) {
        return s;
    }
    if shape.sum_groups.is_empty() {
        return RowSplits { candidates: Vec::new(), complete: true, sums_hold: true, spaced: false };
    }
    if !hard_free_tried && let Some(s) = done(sp.enumerate(true, false), false) {
        return s;
    }
    if soft && let Some(s) = guess(sp.enumerate(false, false)) {
        return s;
    }
    none
}

// ---- table 二: free splits with signs and decimals -------------------------------------------

/// Candidate cell values for a table 二 row whose run holds `kinds.len()` cells with no sums:
/// `-` starts a cell (signed columns only), a decimal part belongs to the last cell (an amount
/// column), whitespace separates cells. Returns the candidates (at most [`MAX_CANDIDATES`]) and
/// whether the list is complete.
pub fn split_values(run: &str, kinds: &[CellKind]) -> (Vec<Vec<Value>>, bool) {
    let run = run.trim_matches(is_blank);
    let (int_part, frac) = match run.find('.') {
        Some(i) => (&run[..i], Some(&run[i + 1..])),
        None => (run, None),
    };
    if let Some(f) = frac && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) || kinds.last() != Some(&CellKind::Amount)) {
        return (Vec::new(), true);
    }
    let mut chars: Vec<u8> = Vec::with_capacity(int_part.len());
    let mut breaks: Vec<bool> = Vec::with_capacity(int_part.len());
    let mut pending = false;
    for c in int_part.chars() {
        match c {
            '0'..='9' | '-' => {
                breaks.push((pending || c == '-') && !chars.is_empty());
                pending = false;
                chars.push(c as u8);
            }
            ',' => {}
            c if is_blank(c) => pending = true,
            _ => return (Vec::new(), true),
        }
    }
    let k = kinds.len();
    if k == 0 || chars.is_empty() || chars.len() > k * (MAX_CELL_DIGITS + 1) {
        return (Vec::new(), true);
    }
    struct Free<'a> {
        s: &'a [u8],
        brk: &'a [bool],
        kinds: &'a [CellKind],
        frac: Option<&'a str>,
        budget: Budget,
        cur: Vec<(usize, usize)>,
        out: Vec<Vec<Value>>,
    }
    impl Free<'_> {
        fn ok(&self, pos: usize, len: usize, kind: CellKind) -> bool {
            let cell = &self.s[pos..pos + len];
            let digits = if cell.first() == Some(&b'-') {
                if kind != CellKind::SignedCount {
                    return false;
                }
                &cell[1..]
            } else {
                cell
            };
            !digits.is_empty()
                && digits.len() <= MAX_CELL_DIGITS
                && !digits.contains(&b'-')
                && (digits.len() <= 1 || digits[0] != b'0')
                && !self.brk[pos + 1..pos + len].iter().any(|b| *b)
        }
        fn go(&mut self, pos: usize, c: usize) {
            if self.budget.spend() {
                return;
            }
            let k = self.kinds.len();
            if c == k {
                if pos == self.s.len() {
                    if self.out.len() >= MAX_CANDIDATES {
                        self.budget.cut_short = true;
                        return;
                    }
                    let row = self
                        .cur
                        .iter()
                        .enumerate()
                        .map(|(i, &(p, l))| {
                            // the cell's bytes are ASCII digits and signs: parsed in place, a text
                            // built only for the decimal part or an unreadable cell
                            let digits = std::str::from_utf8(&self.s[p..p + l]).unwrap_or_default();
                            match self.frac.filter(|_| i + 1 == k) {
                                None => digits.parse::<Decimal>().map_or_else(|_| Value::Unreadable(digits.to_owned()), Value::from_decimal),
                                Some(f) => {
                                    let text = format!("{digits}.{f}");
                                    text.parse::<Decimal>().map_or(Value::Unreadable(text), Value::from_decimal)
                                }
                            }
                        })
                        .collect();
                    self.out.push(row);
                }
                return;
            }
            let left = self.s.len() - pos;
            let after = k - c - 1;
            for len in 1..=left.saturating_sub(after) {
                if len > MAX_CELL_DIGITS + 1 || self.brk[pos + 1..pos + len].iter().any(|b| *b) {
                    break;
                }
                if !self.ok(pos, len, self.kinds[c]) {
                    continue;
                }
                self.cur.push((pos, len));
                self.go(pos + len, c + 1);
                self.cur.pop();
            }
        }
    }
    let mut f = Free { s: &chars, brk: &breaks, kinds, frac, budget: Budget::default(), cur: Vec::new(), out: Vec::new() };
    f.go(0, 0);
    (f.out, !f.budget.cut_short)
}
