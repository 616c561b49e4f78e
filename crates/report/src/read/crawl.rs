//! Crawler text of a report page: the whole report on one line, site navigation before it,
//! section headings inline, and table cells run together with no separator
//! (`一、本年新收政府信息公开申请数量21710000218` = 217, 1, 0, 0, 0, 0, 218).
//!
//! The cells are recovered from the table's own arithmetic ([`split_cells`], [`solve`]): each
//! run is split into the row's cells under the row's sums (table 三's 总计 column, table 四's
//! three group totals), then the rows of table 三 are combined under the column rules
//! (（七）总计 = the sum of the result rows; the balance 一 + 二 = 三（七）+ 四). A split is used only
//! when it is the only one that satisfies every rule that holds; when more than one does, the
//! cells become [`Value::Unreadable`] with an `AMBIGUOUS_CELLS` finding that lists the
//! candidates — never a silent guess. When the report's own arithmetic is broken (a wrong
//! （七）总计), the broken rule is dropped and the strongest set of rules with a solution decides.
//!
//! Spaces inside a run (`230 000023`) come from cell padding on the page: they are preferred as
//! cell boundaries but not trusted blindly ([`Spaces::Soft`]). Every search is bounded
//! ([`MAX_CELL_DIGITS`], [`MAX_CANDIDATES`], [`STEP_BUDGET`]): a pathological run returns at once
//! with its cells unreadable.

use std::borrow::Cow;
use std::fmt::Write as _;

use gongkai_domain::report::spec::{CellKind, FORMAT_2021, FormatVersion, T4_ROW, TableId};
use gongkai_domain::report::{CheckCode, Decimal, Finding, Location, Report, Row, Severity, Table, Value};

use super::doc::{Block, Doc, GridRow};

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
struct Budget {
    steps: u32,
    cut_short: bool,
}

impl Budget {
    /// Spend a step; `true` when the search must stop.
    fn spend(&mut self) -> bool {
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

pub(crate) use super::decode::is_blank;

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

// ---- combining the rows of a table -----------------------------------------------------------

/// A rule between rows, per column: the sum of the `lhs` rows equals the sum of the `rhs` rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Its check code, for messages (`T3_BALANCE`, `T3_RESULTS_TOTAL`).
    pub code: CheckCode,
    /// Row indices on the left.
    pub lhs: Vec<usize>,
    /// Row indices on the right.
    pub rhs: Vec<usize>,
}

/// What the solver decided for one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Exactly one split satisfies the rules.
    Unique(Vec<u64>),
    /// More than one does (the candidates that appear in some solution).
    Ambiguous(Vec<Vec<u64>>),
    /// The search was cut short: too many possibilities.
    TooMany,
    /// No split at all (not digits, or too long for the row's cells).
    NoSplit,
}

/// The solver's answer for a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solved {
    /// One resolution per input row.
    pub rows: Vec<Resolution>,
    /// The relations that were used (indices into the input); the others were broken by the
    /// report's own numbers or could not be checked.
    pub used: Vec<usize>,
}

struct Search<'a> {
    cands: &'a [&'a [Vec<u64>]],
    fixed: Vec<Option<&'a [u64]>>,
    rels: Vec<&'a Relation>,
    /// For each row, the relations (indices into `rels`) it is in.
    member: Vec<Vec<usize>>,
    order: Vec<usize>,
    chosen: Vec<usize>,
    seen: Vec<u64>,
    width: usize,
    budget: Budget,
    solutions: u32,
}

impl Search<'_> {
    fn consistent(&self, row: usize) -> bool {
        for &ri in &self.member[row] {
            let rel = self.rels[ri];
            let side = |rows: &[usize]| -> (Vec<u64>, bool) {
                let mut sum = vec![0u64; self.width];
                let mut complete = true;
                for &r in rows {
                    match self.fixed[r] {
                        Some(v) => {
                            for (s, x) in sum.iter_mut().zip(v) {
                                *s = s.saturating_add(*x);
                            }
                        }
                        None => complete = false,
                    }
                }
                (sum, complete)
            };
            let (l, lc) = side(&rel.lhs);
            let (r, rc) = side(&rel.rhs);
            // Counts are non-negative: a complete side bounds the other.
            if (lc && rc && l != r) || (lc && r.iter().zip(&l).any(|(a, b)| a > b)) || (rc && l.iter().zip(&r).any(|(a, b)| a > b)) {
                return false;
            }
        }
        true
    }

    fn all_ambiguous(&self) -> bool {
        self.order.iter().all(|&r| self.seen[r].count_ones() >= 2)
    }

    fn go(&mut self, i: usize) {
        if self.budget.spend() {
            return;
        }
        if i == self.order.len() {
            self.solutions += 1;
            for &r in &self.order {
                self.seen[r] |= 1u64 << self.chosen[r];
            }
            return;
        }
        let row = self.order[i];
        let cands = self.cands;
        for (ci, cand) in cands[row].iter().enumerate() {
            self.fixed[row] = Some(cand);
            self.chosen[row] = ci;
            if self.consistent(row) {
                self.go(i + 1);
            }
            self.fixed[row] = None;
            if self.budget.cut_short || self.all_ambiguous() {
                return;
            }
        }
    }
}

/// Combine the rows of a table: given each row's splits and the rules between rows, decide
/// each row. Rules whose rows cannot all be read are not used; when no combination satisfies
/// every usable rule, the strongest subset that has a solution is used (more rules first; among
/// equally many, earlier rules first). Bounded by [`STEP_BUDGET`].
pub fn solve(rows: &[RowSplits], relations: &[Relation]) -> Solved {
    let known: Vec<bool> = rows.iter().map(|r| r.complete && !r.candidates.is_empty()).collect();
    let usable: Vec<usize> = (0..relations.len())
        .filter(|&i| {
            let r = &relations[i];
            r.lhs.iter().chain(&r.rhs).all(|&x| x < rows.len() && known[x])
        })
        .collect();
    let vars: Vec<usize> = (0..rows.len()).filter(|&i| known[i] && rows[i].candidates.len() > 1).collect();
    let base = |i: usize| -> Resolution {
        let r = &rows[i];
        if !r.complete {
            Resolution::TooMany
        } else {
            match r.candidates.as_slice() {
                [] => Resolution::NoSplit,
                [one] => Resolution::Unique(one.clone()),
                many => Resolution::Ambiguous(many.to_vec()),
            }
        }
    };
    if vars.is_empty() {
        return Solved { rows: (0..rows.len()).map(base).collect(), used: usable };
    }
    let width = rows.iter().find_map(|r| r.candidates.first().map(Vec::len)).unwrap_or(0);
    // borrowed: the search only reads them
    let cands: Vec<&[Vec<u64>]> = rows.iter().map(|r| r.candidates.as_slice()).collect();
    let m = usable.len().min(6);
    let mut masks: Vec<u32> = (0..(1u32 << m)).collect();
    masks.sort_by_key(|mk| (std::cmp::Reverse(mk.count_ones()), *mk));
    for mask in masks {
        let kept: Vec<usize> = (0..m).filter(|b| mask & (1 << b) != 0).map(|b| usable[b]).collect();
        if kept.is_empty() {
            break;
        }
        let rels: Vec<&Relation> = kept.iter().map(|&i| &relations[i]).collect();
        let mut member = vec![Vec::new(); rows.len()];
        for (ri, rel) in rels.iter().enumerate() {
            for &x in rel.lhs.iter().chain(&rel.rhs) {
                if !member[x].contains(&ri) {
                    member[x].push(ri);
                }
            }
        }
        // Rows in small relations first (the balance rule's four rows), then by fewest candidates.
        let mut order = vars.clone();
        order.sort_by_key(|&r| {
            let smallest = member[r].iter().map(|&ri| rels[ri].lhs.len() + rels[ri].rhs.len()).min().unwrap_or(usize::MAX);
            (smallest, cands[r].len())
        });
        let fixed: Vec<Option<&[u64]>> = (0..rows.len())
            .map(|i| if known[i] && cands[i].len() == 1 { cands[i].first().map(Vec::as_slice) } else { None })
            .collect();
        let mut s = Search {
            cands: &cands,
            fixed,
            rels,
            member,
            order,
            chosen: vec![0; rows.len()],
            seen: vec![0; rows.len()],
            width,
            budget: Budget::default(),
            solutions: 0,
        };
        // Rows fixed from the start must agree with the kept rules too.
        let fixed_ok = (0..rows.len()).filter(|&i| s.fixed[i].is_some()).all(|i| s.consistent(i));
        if !fixed_ok {
            continue;
        }
        s.go(0);
        if s.solutions == 0 && !s.budget.cut_short {
            continue;
        }
        let out = (0..rows.len())
            .map(|i| {
                if !vars.contains(&i) {
                    return base(i);
                }
                let picked: Vec<Vec<u64>> =
                    cands[i].iter().enumerate().filter(|(ci, _)| s.seen[i] & (1u64 << ci) != 0).map(|(_, c)| c.clone()).collect();
                match picked.len() {
                    0 => Resolution::TooMany,
                    1 if !s.budget.cut_short => picked.into_iter().next().map_or(Resolution::TooMany, Resolution::Unique),
                    1 => Resolution::TooMany,
                    _ => Resolution::Ambiguous(picked),
                }
            })
            .collect();
        return Solved { rows: out, used: kept };
    }
    Solved { rows: (0..rows.len()).map(base).collect(), used: Vec::new() }
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

// ---- shared by the crawl and layout readers ----------------------------------------------------

/// A row-number marker at the start of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// 一、 … 四、 (table 三's level-0 rows).
    Top(u8),
    /// （一） … （七）.
    Paren(u8),
    /// 1. / 1、 / 1．
    Num(u8),
}

fn cn_numeral(c: char) -> Option<u8> {
    // the numerals lie between 一 (U+4E00) and 四 (U+56DB): most characters fail one test
    if !('一'..='四').contains(&c) {
        return None;
    }
    Some(match c {
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// The marker at the start of `s`, blanks ignored (`三 、` is `三、`: pdftotext spreads
/// distributed-alignment labels), and the byte length it takes.
pub(crate) fn marker_at(s: &str) -> Option<(Marker, usize)> {
    let mut it = s.char_indices().filter(|(_, c)| !is_blank(*c));
    let (_, c0) = it.next()?;
    let (i1, c1) = it.next()?;
    let c2 = it.next();
    let end = |(i, c): (usize, char)| i + c.len_utf8();
    if let Some(n) = cn_numeral(c0) && c1 == '、' {
        return Some((Marker::Top(n), end((i1, c1))));
    }
    if matches!(c0, '（' | '(') && let (Some(n), Some(close @ (_, '）' | ')'))) = (cn_numeral(c1), c2) {
        return Some((Marker::Paren(n), end(close)));
    }
    if let Some(d) = c0.to_digit(10) && matches!(c1, '.' | '．' | '、') && c2.is_some_and(|(_, c)| !c.is_ascii_digit()) {
        return Some((Marker::Num(u8::try_from(d).unwrap_or(0)), end((i1, c1))));
    }
    None
}

/// Every marker in `s` with its byte offset, in order.
pub(crate) fn markers(s: &str) -> Vec<(usize, Marker)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        // 十一、 is not 一、; a digit inside a number is not a marker either.
        let glued = prev.is_some_and(|p| cn_numeral(p).is_some() || p.is_ascii_digit() || p == '.');
        if !glued && (cn_numeral(c).is_some() || matches!(c, '（' | '(') || c.is_ascii_digit()) && let Some((m, _)) = marker_at(&s[i..]) {
            out.push((i, m));
        }
        prev = Some(c);
    }
    out
}

/// Tracks where a label sits in table 三's tree (2021 layout, the superset).
#[derive(Debug, Default)]
pub(crate) struct T3Cursor {
    group: Option<&'static str>,
}

const T3_LEVEL1: [&str; 7] = ["granted", "partial", "denied", "unable", "not_processed", "other_handling", "results_total"];

impl T3Cursor {
    /// The row (or group) a marker names, updating the current group.
    pub(crate) fn node(&mut self, m: Marker) -> Option<&'static str> {
        match m {
            Marker::Top(n) => {
                self.group = None;
                ["new_received", "carried_over", "results", "carried_forward"].get(usize::from(n).checked_sub(1)?).copied()
            }
            Marker::Paren(n) => {
                let id = T3_LEVEL1.get(usize::from(n).checked_sub(1)?).copied()?;
                self.group = Some(id);
                Some(id)
            }
            Marker::Num(n) => {
                let group = self.group?;
                FORMAT_2021.t3.rows().filter(|(_, r)| r.parent == Some(group)).nth(usize::from(n).checked_sub(1)?).map(|(_, r)| r.id)
            }
        }
    }
}

/// Whether a table 三 node is a group heading that carries no numbers (2021 layout).
pub(crate) fn t3_is_group(id: &str) -> bool {
    matches!(id, "results" | "denied" | "unable" | "not_processed" | "other_handling")
}

/// Labels without whitespace, for comparison.
pub(crate) fn squash(s: &str) -> String {
    // the runs between blanks copied whole
    words(s).collect()
}

/// The byte length of the blank character (see [`is_blank`]) at byte `i` of `s` (a character
/// boundary), or 0. Decided from the UTF-8 bytes, without decoding: the blanks beyond ASCII are
/// U+0085, U+00A0 (`C2 xx`), U+1680 (`E1 9A 80`), U+2000–U+200D, U+2028, U+2029, U+202F,
/// U+205F (`E2 80 xx`, `E2 81 9F`), U+3000 (`E3 80 80`) and U+FEFF (`EF BB BF`).
#[inline]
pub(crate) fn blank_len(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    // a lead byte promises its continuation bytes (`s` is UTF-8)
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        x @ 0..0x80 => usize::from(matches!(x, b' ' | b'\t'..=b'\r')),
        0xC2 => 2 * usize::from(matches!(next(1), 0x85 | 0xA0)),
        0xE1 => 3 * usize::from(next(1) == 0x9A && next(2) == 0x80),
        0xE2 => 3 * usize::from(matches!((next(1), next(2)), (0x80, 0x80..=0x8D | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F))),
        0xE3 => 3 * usize::from(next(1) == 0x80 && next(2) == 0x80),
        0xEF => 3 * usize::from(next(1) == 0xBB && next(2) == 0xBF),
        _ => 0,
    }
}

/// Whether byte `x` can start a blank character: ASCII whitespace or one of the lead bytes in
/// [`blank_len`]. Continuation bytes (`80`–`BF`) never can, so a scan for blanks may step
/// through a text byte by byte.
#[inline]
fn may_start_blank(x: u8) -> bool {
    x <= b' ' || matches!(x, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// The end of the word that starts at byte `i` of `s` (a non-blank character): the next blank
/// or the end of `s`.
#[inline]
pub(crate) fn word_end(s: &str, mut i: usize) -> usize {
    let b = s.as_bytes();
    // character by character, each told from its lead byte: a CJK character (lead byte
    // `E4`–`E9`) is never a blank and is stepped over whole
    i += utf8_len(b[i]);
    while i < b.len() {
        let x = b[i];
        if may_start_blank(x) && blank_len(s, i) > 0 {
            break;
        }
        i += utf8_len(x);
    }
    i
}

/// `s` without leading and trailing blanks (`s.trim_matches(is_blank)`): the ASCII whitespace
/// that pads most lines (`pdftotext -layout` indents with spaces) skipped byte by byte first.
pub(crate) fn trim_blanks(s: &str) -> &str {
    let ascii_blank = |b: &u8| matches!(b, b' ' | b'\t'..=b'\r');
    let b = s.as_bytes();
    let start = b.iter().take_while(|x| ascii_blank(x)).count();
    let end = b.len() - b[start..].iter().rev().take_while(|x| ascii_blank(x)).count();
    // ASCII bytes are whole characters: both ends are character boundaries
    super::decode::trim_blank(&s[start..end])
}

/// The non-empty runs of `s` between blanks: `s.split(is_blank).filter(|w| !w.is_empty())`,
/// without decoding every character.
pub(crate) fn words(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            if i >= b.len() {
                return None;
            }
            let n = blank_len(s, i);
            if n == 0 {
                break;
            }
            i += n;
        }
        let start = i;
        i = word_end(s, i);
        Some(&s[start..i])
    })
}

/// The byte length of the UTF-8 character whose lead byte is `lead`.
pub(crate) fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Runs of whitespace as one space, trimmed.
pub(crate) fn squash_spaces(s: &str) -> String {
    // the words joined by one space, into one string (no vector of words)
    let mut out = String::with_capacity(s.len());
    for w in words(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The index (0-5) of a section id `s1` … `s6`.
pub(crate) fn section_index(id: &str) -> Option<usize> {
    id.strip_prefix('s').and_then(|n| n.parse::<usize>().ok()).and_then(|n| n.checked_sub(1)).filter(|n| *n < 6)
}

/// One data row as a reader found it, before its cells are decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawRow {
    /// Row id from the spec.
    pub id: &'static str,
    /// The label as printed.
    pub label: String,
    /// The digits as printed (cells run together, or separated by whitespace).
    pub run: String,
    /// 1-based source line.
    pub line: u32,
}

fn fmt_split(c: &[u64]) -> String {
    let mut s = String::new();
    for (i, v) in c.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        let _ = write!(s, "{v}");
    }
    s
}

fn fmt_values(c: &[Value]) -> String {
    // written into one string (no string per value)
    let mut s = String::new();
    for (i, v) in c.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        // an integer (most values) formatted directly, as `Value`'s `Display` does
        let _ = match v {
            Value::Int(n) => write!(s, "{n}"),
            v => write!(s, "{v}"),
        };
    }
    s
}

fn list_candidates(items: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut s = String::new();
    for (i, c) in items.iter().take(SHOWN).enumerate() {
        if i > 0 {
            s.push('、');
        }
        s.push('“');
        s.push_str(c);
        s.push('”');
    }
    if items.len() > SHOWN {
        let _ = write!(s, "等共 {} 种", items.len());
    }
    s
}

const AMBIGUOUS_FIX: &str = "请对照原始报告（PDF 或原网页表格）核实这一行各单元格的数值；如需重新检查，请改用保留表格结构的文件（网页、Word 或 PDF），或在文本中用制表符分隔各单元格";

fn location(table: TableId, row: &str, line: u32) -> Location {
    Location {
        section: Some(table.section().to_owned()),
        table: Some(table.id().to_owned()),
        row: (row != T4_ROW).then(|| row.to_owned()),
        column: None,
        line: Some(line),
    }
}

/// What to do about a table 二 row whose run-together digits cannot be split.
const AMBIGUOUS_T2_FIX: &str = "请对照原始网页或 PDF 中的表格核实这一行各栏的数值（报告的数字本身未必有误，只是这份文本无法还原各栏）；如需重新检查，请改用保留表格结构的文件（网页、Word 或 PDF）";

/// AMBIGUOUS_CELLS is an error in tables 三 and 四, whose own arithmetic could have decided the
/// split (the copy cannot be checked), and a warning in table 二, whose columns have no sums:
/// there the numbers of the report are not shown to be wrong, only this copy is unreadable.
fn ambiguous(table: TableId, message: String, row: &RawRow) -> Finding {
    let mut f = Finding::new(
        CheckCode::AmbiguousCells,
        message,
        location(table, row.id, row.line),
        if table == TableId::T2 { AMBIGUOUS_T2_FIX } else { AMBIGUOUS_FIX },
    );
    if table == TableId::T2 {
        f.severity = Severity::Warning;
    }
    f
}

/// The AMBIGUOUS_CELLS finding for a run more than one split explains.
pub(crate) fn ambiguous_finding(table: TableId, row: &RawRow, candidates: &[String]) -> Finding {
    let why = if table == TableId::T2 {
        format!("可以拆成 {} 种不同的数值组合：{}；表二各栏之间没有合计关系可供判断，请核对原网页或原文件确定各栏数值", candidates.len(), list_candidates(candidates))
    } else {
        format!("有 {} 种拆分都符合表格自身的勾稽关系：{}", candidates.len(), list_candidates(candidates))
    };
    let message = format!(
        "表{}“{}”一行的数字连在一起（“{}”），{why}。无法确定各单元格的数值，已按无法识别处理",
        table.number(),
        squash(&row.label),
        row.run.trim(),
    );
    ambiguous(table, message, row)
}

fn too_many_finding(table: TableId, row: &RawRow) -> Finding {
    let message = format!(
        "表{}“{}”一行的数字连在一起（“{}”），可能的拆分方式过多，超出了自动判断的范围，已按无法识别处理",
        table.number(),
        squash(&row.label),
        row.run.trim()
    );
    ambiguous(table, message, row)
}

/// AMBIGUOUS_CELLS for a run no split of which satisfies the row's own total(s).
fn total_broken_finding(table: TableId, row: &RawRow, candidates: &[Vec<u64>]) -> Finding {
    let which = if table == TableId::T4 { "各组结果之和都等于该组的“总计”" } else { "各申请人类别之和等于“总计”" };
    let shown: Vec<String> = candidates.iter().map(|c| fmt_split(c)).collect();
    let message = format!(
        "表{}“{}”一行的数字连在一起（“{}”），没有一种拆分能使{which}：原表中的空白单元格在复制时会丢失，也可能是报告本身的合计有误；不考虑合计关系时可读作{}。无法确定各单元格的数值，已按无法识别处理",
        table.number(),
        squash(&row.label),
        row.run.trim(),
        list_candidates(&shown),
    );
    ambiguous(table, message, row)
}

fn no_split_finding(table: TableId, row: &RawRow, cells: usize) -> Finding {
    let digits = row.run.bytes().filter(u8::is_ascii_digit).count();
    let why = if digits < cells { "（数字少于单元格数：原表中的空白单元格在复制时会丢失）" } else { "" };
    Finding::new(
        CheckCode::UnreadableValue,
        format!(
            "表{}“{}”一行的内容“{}”无法读成 {} 个数字单元格{why}，已按无法识别处理",
            table.number(),
            squash(&row.label),
            row.run.trim(),
            cells
        ),
        location(table, row.id, row.line),
        "请对照原始报告核实这一行的数值，并改正源文件中这一行的内容",
    )
}

/// Decide table 三's rows (or table 四's single row) from their runs: split each run, combine
/// the rows under the table's rules, and turn the outcome into cells and findings.
pub(crate) fn decide_counts(table: TableId, raw: &[RawRow], spaces: Spaces, findings: &mut Vec<Finding>) -> Vec<Row> {
    let shape = if table == TableId::T4 { RowShape::T4 } else { RowShape::T3 };
    let mut splits: Vec<RowSplits> = raw.iter().map(|r| split_cells(&r.run, shape, spaces)).collect();
    // A split that breaks the row's own total is never taken (unless the spaces alone decide
    // it): in a copy that lost its blank cells, 2/2/1/1/2/2/6 would be a wrong number. Such a
    // row takes part in no rule between rows either.
    let refused: Vec<Option<Vec<Vec<u64>>>> = splits
        .iter_mut()
        .map(|s| (!s.sums_hold && !s.spaced && !s.candidates.is_empty()).then(|| std::mem::take(&mut s.candidates)))
        .collect();
    let relations = if table == TableId::T3 { t3_relations(raw) } else { Vec::new() };
    let solved = solve(&splits, &relations);
    raw.iter()
        .zip(solved.rows)
        .zip(refused)
        .map(|((r, res), refused)| {
            let unreadable = || vec![Value::Unreadable(r.run.trim().to_owned()); shape.cells];
            let cells = if r.run.trim().is_empty() {
                vec![Value::Blank; shape.cells]
            } else if let Some(cands) = refused {
                findings.push(total_broken_finding(table, r, &cands));
                unreadable()
            } else {
                match res {
                    Resolution::Unique(c) => c.into_iter().map(|v| i64::try_from(v).map_or_else(|_| Value::Unreadable(v.to_string()), Value::Int)).collect(),
                    Resolution::Ambiguous(cands) => {
                        let shown: Vec<String> = cands.iter().map(|c| fmt_split(c)).collect();
                        findings.push(ambiguous_finding(table, r, &shown));
                        unreadable()
                    }
                    Resolution::TooMany => {
                        findings.push(too_many_finding(table, r));
                        unreadable()
                    }
                    Resolution::NoSplit => {
                        findings.push(no_split_finding(table, r, shape.cells));
                        unreadable()
                    }
                }
            };
            Row { id: r.id, label: r.label.trim().to_owned(), cells, line: Some(r.line) }
        })
        .collect()
}

/// Table 三's rules between rows, over the rows present: the balance rule first (the official
/// 勾稽关系), then （七）总计 = the sum of the result rows.
pub(crate) fn t3_relations(raw: &[RawRow]) -> Vec<Relation> {
    let idx = |id: &str| raw.iter().position(|r| r.id == id);
    let mut out = Vec::new();
    if let (Some(a), Some(b), Some(c), Some(d)) = (idx("new_received"), idx("carried_over"), idx("results_total"), idx("carried_forward")) {
        out.push(Relation { code: CheckCode::T3Balance, lhs: vec![a, b], rhs: vec![c, d] });
    }
    if let Some(total) = idx("results_total") {
        let leaves: Vec<usize> = raw
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.id != "results_total" && FORMAT_2021.t3.row(r.id).is_some_and(|(_, s)| s.parent.is_some())
            })
            .map(|(i, _)| i)
            .collect();
        if !leaves.is_empty() {
            out.push(Relation { code: CheckCode::T3ResultsTotal, lhs: vec![total], rhs: leaves });
        }
    }
    out
}

/// Decide a table 二 row from its run. `narrative` is the report's text: a statement there that
/// fixes a cell (`制发行政规范性文件62件`) decides the split when it leaves exactly one.
pub(crate) fn decide_t2(format: FormatVersion, raw: &RawRow, narrative: &str, findings: &mut Vec<Finding>) -> Option<Row> {
    let (block, _) = format.spec().t2.row(raw.id)?;
    let kinds: Vec<CellKind> = block.columns.iter().map(|c| c.kind).collect();
    let k = kinds.len();
    let run = raw.run.trim();
    let cells = if run.is_empty() {
        vec![Value::Blank; k]
    } else {
        let (mut cands, complete) = split_values(run, &kinds);
        if complete && cands.len() > 1 {
            let pins = narrative_pins(format, raw.id, narrative);
            let kept: Vec<Vec<Value>> =
                cands.iter().filter(|c| pins.iter().all(|(col, v)| c.get(*col).and_then(Value::as_int) == Some(*v))).cloned().collect();
            if !pins.is_empty() && !kept.is_empty() {
                cands = kept;
            }
        }
        match (cands.len(), complete) {
            (1, true) => cands.into_iter().next().unwrap_or_default(),
            (0, true) => {
                findings.push(no_split_finding(TableId::T2, raw, k));
                vec![Value::Unreadable(run.to_owned()); k]
            }
            (_, true) => {
                let shown: Vec<String> = cands.iter().map(|c| fmt_values(c)).collect();
                findings.push(ambiguous_finding(TableId::T2, raw, &shown));
                vec![Value::Unreadable(run.to_owned()); k]
            }
            (_, false) => {
                findings.push(too_many_finding(TableId::T2, raw));
                vec![Value::Unreadable(run.to_owned()); k]
            }
        }
    };
    Some(Row { id: raw.id, label: raw.label.trim().to_owned(), cells, line: Some(raw.line) })
}

/// Cells of a 2021 table 二 row that the narrative states outright: `制发行政规范性文件62件` (made),
/// `废止规章1件` (repealed), `现行有效行政规范性文件440件` (valid). Only these exact phrasings, the verb
/// directly before the row's name and the count directly after it; a value stated twice
/// differently counts as not stated.
fn narrative_pins(format: FormatVersion, row: &str, narrative: &str) -> Vec<(usize, i64)> {
    if format != FormatVersion::V2021 {
        return Vec::new();
    }
    let names: &[&str] = match row {
        "normative_docs" => &["行政规范性文件", "规范性文件"],
        "regulations" => &["政府规章", "规章"],
        _ => return Vec::new(),
    };
    let mut pins: Vec<(usize, i64)> = Vec::new();
    let mut conflicting: Vec<usize> = Vec::new();
    const VERBS: [(usize, &str); 5] = [(0, "制发"), (0, "印发"), (0, "出台"), (1, "废止"), (2, "现行有效")];
    // The text is searched once, for the short name, which ends the long one too (规范性文件,
    // 规章); a verb then ends where the name starts. No verb ends in the long name's first
    // characters (行政, 政府), so each place names one row and follows at most one verb.
    let (long, short) = (names[0], names[1]);
    let long_head = &long[..long.len() - short.len()];
    for at in memchr::memmem::find_iter(narrative.as_bytes(), short) {
        let before = &narrative[..at];
        let before = before.strip_suffix(long_head).unwrap_or(before);
        let Some(&(col, _)) = VERBS.iter().find(|(_, v)| before.ends_with(v)) else { continue };
        let rest = &narrative[at + short.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 6 || !rest[digits..].starts_with('件') {
            continue;
        }
        let Ok(v) = rest[..digits].parse::<i64>() else { continue };
        match pins.iter().find(|(c, _)| *c == col) {
            Some((_, old)) if *old != v => conflicting.push(col),
            Some(_) => {}
            None => pins.push((col, v)),
        }
    }
    // in column order, as found column by column
    pins.sort_by_key(|(c, _)| *c);
    pins.retain(|(c, _)| !conflicting.contains(c));
    pins
}

/// Table 二's row labels of a format, longest first, with printed variants seen in reports.
pub(crate) fn t2_labels(format: FormatVersion) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&'static str, &'static str)> = format.spec().t2.rows().map(|(_, r)| (r.text, r.id)).collect();
    for (text, id) in [("行政规范性文件", "normative_docs"), ("规范性文件", "normative_docs"), ("政府规章", "regulations")] {
        if !v.iter().any(|(t, _)| *t == text) {
            v.push((text, id));
        }
    }
    v.sort_by_key(|(t, _)| std::cmp::Reverse(t.chars().count()));
    v
}

/// The table 二 row whose label `text` ends with (whitespace ignored), and the label; `labels`
/// from [`t2_labels`].
pub(crate) fn t2_row_at_end(labels: &[(&'static str, &'static str)], text: &str) -> Option<(&'static str, &'static str)> {
    let t = text.trim_end_matches(is_blank);
    let t: std::borrow::Cow<'_, str> = if t.contains(is_blank) { squash(t).into() } else { t.into() };
    labels.iter().find(|(label, _)| t.ends_with(label)).map(|(label, id)| (*id, *label))
}

/// The format a report's table 二 headings show, if they show one.
pub(crate) fn format_from_headers(text: &str) -> Option<FormatVersion> {
    let t = squash(text);
    if t.contains("本年新制作数量") || t.contains("对外公开总数量") || t.contains("第二十条第（九）项") || t.contains("上一年项目数量") {
        Some(FormatVersion::V2019)
    } else if t.contains("本年制发件数") || t.contains("现行有效件数") || t.contains("本年废止件数") {
        Some(FormatVersion::V2021)
    } else {
        None
    }
}

/// The report year as stated in a title or the statistical period ("2024年", "2024 年度").
pub(crate) fn year_in(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit()) {
            let rest = text[i + 4..].trim_start_matches(is_blank);
            if rest.starts_with('年') {
                let y: u16 = text[i..i + 4].parse().ok()?;
                if (2008..=2100).contains(&y) {
                    return Some(y);
                }
            }
        }
        i += 1;
    }
    None
}

/// Put rows into a report's table, keeping the spec's printed order.
pub(crate) fn put_table(report: &mut Report, id: TableId, rows: Vec<Row>, line: Option<u32>) {
    if rows.is_empty() {
        return;
    }
    let order: Vec<&str> = report.format.spec().table(id).rows().map(|(_, r)| r.id).collect();
    let mut rows = rows;
    // each row's place looked up once (a stable sort, as `sort_by_key`)
    rows.sort_by_cached_key(|r| order.iter().position(|x| *x == r.id).unwrap_or(usize::MAX));
    rows.dedup_by(|a, b| a.id == b.id);
    report.tables.retain(|t| t.id != id);
    report.tables.push(Table { id, rows, line, ocr: false });
    report.tables.sort_by_key(|t| t.id);
}

/// What a text reader extracted: the narrative as a `Doc`, the tables as decided rows.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub doc: Doc<'static>,
    pub format: Option<FormatVersion>,
    pub tables: Vec<(TableId, Vec<Row>, Option<u32>)>,
    pub findings: Vec<Finding>,
    /// The report's title, when the reader found it apart from other text (crawler text runs it
    /// into the preamble).
    pub title: Option<String>,
}

impl Extracted {
    /// The report: metadata and sections from the shared assembler, tables as decided here
    /// (the assembler sees the same tables as grids, so its label findings apply).
    pub(crate) fn into_report(self, source: Option<&str>) -> Report {
        let Extracted { doc, format, tables, findings, title } = self;
        let mut report = {
            // the grids borrow their labels from the rows, which go into the report afterwards
            let mut doc: Doc<'_> = doc;
            for (id, rows, line) in &tables {
                doc.blocks.push(Block::Table { rows: grid(*id, rows), line: line.unwrap_or(1) });
            }
            super::assemble::assemble(&doc, source)
        };
        // The title names the agency; the preamble after it often names others
        // (《福建省人民政府办公厅关于…》), so the title, read alone, decides when it names one.
        if let Some(title) = title {
            let alone = Doc { blocks: vec![Block::Para { text: title.into(), line: 1 }] };
            let meta = super::assemble::assemble(&alone, None);
            if meta.agency.is_some() {
                report.agency = meta.agency;
                report.level = meta.level;
            }
        }
        if let Some(f) = format {
            report.format = f;
        }
        for (id, rows, line) in tables {
            put_table(&mut report, id, rows, line);
        }
        report.reader_findings.extend(findings);
        report
    }
}

/// An integer cell as printed (`Display`): the ten one-digit values (most cells) borrowed,
/// others written digit by digit (without the formatting machinery).
fn int_text(n: i64) -> Cow<'static, str> {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    if let Ok(d) = usize::try_from(n)
        && d < DIGITS.len()
    {
        return Cow::Borrowed(DIGITS[d]);
    }
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        at -= 1;
        // `v % 10` is below ten
        buf[at] = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    Cow::Owned(std::str::from_utf8(&buf[at..]).unwrap_or_default().to_owned())
}

/// A table's rows as grid rows (label, cells), for the assembler.
fn grid(id: TableId, rows: &[Row]) -> Vec<GridRow<'_>> {
    rows.iter()
        .map(|r| {
            let mut cells: Vec<Cow<'_, str>> = Vec::with_capacity(r.cells.len() + 1);
            if id != TableId::T4 {
                cells.push(Cow::Borrowed(r.label.as_str()));
            }
            // each value as printed (`Display`): integers without the formatting machinery,
            // blanks without an allocation
            cells.extend(r.cells.iter().map(|v| match v {
                Value::Int(n) => int_text(*n),
                Value::Blank | Value::Absent => Cow::Borrowed(""),
                v => Cow::Owned(v.to_string()),
            }));
            GridRow { cells, line: r.line.unwrap_or(1) }
        })
        .collect()
}

// ---- the crawl reader ------------------------------------------------------------------------

const SECTION_KEYS: [(char, &[&str]); 6] = [
    ('一', &["总体情况", "概述", "基本情况"]),
    ('二', &["主动公开"]),
    ('三', &["收到和处理", "依申请"]),
    ('四', &["行政复议", "行政诉讼"]),
    ('五', &["存在的主要问题", "存在的问题", "主要问题", "问题"]),
    ('六', &["其他需要报告", "其他"]),
];

/// A section heading found inline: byte offsets of its start, its title's start and end.
#[derive(Debug, Clone, Copy)]
struct Heading {
    index: usize,
    start: usize,
    title_start: usize,
    title_end: usize,
}

fn find_heading(text: &str, from: usize, index: usize) -> Option<Heading> {
    let (num, keys) = SECTION_KEYS[index];
    let spec_title = FORMAT_2021.sections[index].title;
    let mut search = from;
    // the numeral's bytes searched for (a byte search finds characters: the text is UTF-8)
    let mut buf = [0u8; 4];
    let finder = memchr::memmem::Finder::new(num.encode_utf8(&mut buf).as_bytes());
    while let Some(off) = finder.find(text.get(search..)?.as_bytes()) {
        let start = search + off;
        search = start + num.len_utf8();
        let after = &text[search..];
        let Some(rest) = after.strip_prefix('、').or_else(|| after.strip_prefix('.')).or_else(|| after.strip_prefix('．')) else {
            continue;
        };
        if start > 0 && text[..start].chars().next_back().is_some_and(|p| cn_numeral(p).is_some()) {
            continue;
        }
        let title_start = text.len() - rest.len();
        let rest_t = rest.trim_start_matches(is_blank);
        let title_start = title_start + (rest.len() - rest_t.len());
        // The key must come before any digit, within a short heading.
        let window_len = rest_t.char_indices().take_while(|(_, c)| !c.is_ascii_digit()).take(24).last().map_or(0, |(i, c)| i + c.len_utf8());
        let window = &rest_t[..window_len];
        if !keys.iter().any(|k| window.contains(k)) {
            continue;
        }
        let title_len = if rest_t.starts_with(spec_title) {
            spec_title.len()
        } else {
            rest_t
                .char_indices()
                .find(|(i, c)| c.is_ascii_digit() || "，。：；:".contains(*c) || is_blank(*c) || *i >= 60)
                .map_or(rest_t.len(), |(i, _)| i)
        };
        return Some(Heading { index, start, title_start, title_end: title_start + title_len });
    }
    None
}

fn headings(text: &str) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut from = 0;
    for i in 0..6 {
        if let Some(h) = find_heading(text, from, i) {
            from = h.title_end;
            out.push(h);
        }
    }
    out
}

/// A label and the run of digits printed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    label: String,
    run: String,
}

/// Cut a table region into (label, run) pieces. A digit glued to the next label's number
/// (`00000002.其他法律…`) goes back to the label.
fn pieces(region: &str, decimals: bool) -> Vec<Piece> {
    let b = region.as_bytes();
    let mut out = Vec::new();
    let mut prefix: Option<u8> = None; // a row number taken from the end of the previous run
    let mut label_start = 0;
    let mut i = 0;
    let is_run_start = |i: usize| {
        b[i].is_ascii_digit() || (decimals && b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    };
    while i < b.len() {
        // ASCII digits never occur inside multi-byte UTF-8 sequences: scan bytes.
        if !is_run_start(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i; // end of the last digit
        let mut j = i;
        while j < b.len() {
            let c = b[j];
            let next_digit = b.get(j + 1).is_some_and(u8::is_ascii_digit);
            if c.is_ascii_digit() {
                j += 1;
                end = j;
            } else if c == b' ' || c == b'\t' || (decimals && matches!(c, b'.' | b'-' | b',') && next_digit) {
                j += 1;
            } else if let Some(ch) = region[j..].chars().next().filter(|ch| is_blank(*ch)) {
                j += ch.len_utf8();
            } else {
                break;
            }
        }
        let mut run = &region[start..end];
        let tail = &region[end..];
        let mut t = tail.chars();
        let mut next_prefix = None;
        if matches!(t.next(), Some('.' | '．' | '、')) && t.next().is_some_and(|c| !c.is_ascii_digit() && !is_blank(c)) {
            next_prefix = run.as_bytes().last().copied();
            run = run[..run.len() - 1].trim_end_matches(is_blank);
        }
        let text = &region[label_start..start];
        if !run.is_empty() || !text.trim_matches(is_blank).is_empty() {
            let mut label = String::with_capacity(text.len() + 1);
            if let Some(p) = prefix {
                label.push(char::from(p));
            }
            label.push_str(text);
            out.push(Piece { label, run: run.to_owned() });
        }
        prefix = next_prefix;
        label_start = end;
        i = end.max(start + 1);
    }
    let text = &region[label_start..];
    if !text.trim_matches(is_blank).is_empty() {
        let mut label = String::new();
        if let Some(p) = prefix {
            label.push(char::from(p));
        }
        label.push_str(text);
        out.push(Piece { label, run: String::new() });
    }
    out
}

/// Table 三's data rows from its region.
fn t3_rows(region: &str) -> Vec<RawRow> {
    let mut cursor = T3Cursor::default();
    let mut out: Vec<RawRow> = Vec::new();
    for p in pieces(region, false) {
        let ms = markers(&p.label);
        let mut node = None;
        for (_, m) in &ms {
            node = cursor.node(*m);
        }
        let label = ms.last().map_or(p.label.trim_matches(is_blank), |(at, _)| p.label[*at..].trim_matches(is_blank));
        let Some(id) = node else { continue };
        let has_run = !p.run.trim().is_empty();
        if t3_is_group(id) && !(id == "other_handling" && has_run) {
            continue;
        }
        if out.iter().any(|r| r.id == id) {
            continue;
        }
        out.push(RawRow { id, label: label.to_owned(), run: p.run, line: 1 });
    }
    out
}

/// Table 二's rows from its region.
fn t2_rows(region: &str, format: FormatVersion) -> Vec<RawRow> {
    let mut out: Vec<RawRow> = Vec::new();
    let labels = t2_labels(format);
    let headings: Vec<&str> = format.spec().t2.blocks.iter().flat_map(|b| b.columns.iter().map(|c| c.text)).chain(["信息内容"]).collect();
    for p in pieces(region, true) {
        let Some((id, label)) = t2_row_at_end(&labels, &p.label) else { continue };
        // Rows whose cells were all blank leave only their labels, run into the next row's
        // (`现行有效件数规章行政规范性文件25…`): after the block's headings, labels and nothing else.
        for (blank_id, blank_label) in blank_rows_before(&labels, &headings, &p.label, label) {
            if !out.iter().any(|r| r.id == blank_id) {
                out.push(RawRow { id: blank_id, label: blank_label.to_owned(), run: String::new(), line: 1 });
            }
        }
        if out.iter().any(|r| r.id == id) {
            continue;
        }
        out.push(RawRow { id, label: label.to_owned(), run: p.run, line: 1 });
    }
    out
}

/// The row labels printed with no digits before the label `last` that ends `text`: in each
/// block (the text between two `第二十条` captions), the stretch after the block's last column
/// heading (or from the start, right after the previous row's digits), when it is exactly a
/// sequence of row labels.
fn blank_rows_before(labels: &[(&'static str, &'static str)], headings: &[&str], text: &str, last: &str) -> Vec<(&'static str, &'static str)> {
    let t = squash(text);
    let Some(body) = t.strip_suffix(last) else { return Vec::new() };
    let mut found = Vec::new();
    for (i, block) in body.split("第二十条").enumerate() {
        // a blank row's label ends the stretch; most stretches end with a column heading
        if !labels.iter().any(|(l, _)| block.ends_with(l)) {
            continue;
        }
        // the first stretch follows the previous row's digits directly
        let heading = headings.iter().filter_map(|h| block.rfind(h).map(|i| i + h.len())).max();
        let Some(after) = heading.or((i == 0).then_some(0)) else { continue };
        let mut rest = &block[after..];
        let mut rows = Vec::new();
        while !rest.is_empty() {
            let Some((label, id)) = labels.iter().find(|(l, _)| rest.starts_with(l)) else {
                rows.clear();
                break;
            };
            rows.push((*id, *label));
            rest = &rest[label.len()..];
        }
        found.extend(rows);
    }
    found
}

/// The report title inside a crawled preamble (`…年度报告`), as a byte range.
fn title_range(pre: &str) -> Option<(usize, usize)> {
    // not the 年度报告 of a document cited in 《》 (《…工作年度报告格式》); the quotes are followed
    // along, so that a long preamble is read once
    let (mut open, mut seen) = (false, 0);
    let end = pre
        .match_indices("年度报告")
        .map(|(i, _)| i)
        .find(|&i| {
            for c in pre[seen..i].chars() {
                match c {
                    '《' => open = true,
                    '》' => open = false,
                    _ => {}
                }
            }
            seen = i;
            !open
        })
        .map(|i| i + "年度报告".len())?;
    let start = pre[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| is_blank(*c) || matches!(c, '>' | '：' | ':' | '|' | '》'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (pre[start..end].chars().count() <= 60).then_some((start, end))
}

/// Whether byte offset `at` of `s` is inside a 《…》 book-title quote (or a 〈…〉 one inside it).
/// Looks back over `s`: for short texts (a title-like paragraph).
pub(crate) fn inside_book_title(s: &str, at: usize) -> bool {
    let before = &s[..at];
    let opened = before.rfind('《');
    opened.is_some_and(|o| before[o..].find('》').is_none())
}

/// Read crawler text (the whole report on one line, cells run together) into a report.
pub fn read_crawl(text: &str, source: Option<&str>) -> Report {
    extract_crawl(text).into_report(source)
}

pub(crate) fn extract_crawl(text: &str) -> Extracted {
    let text = text.trim_matches(|c: char| is_blank(c) || c == '\u{feff}');
    let hs = headings(text);
    let mut ex = Extracted::default();
    let para = |s: &str| Block::Para { text: squash_spaces(s).into(), line: 1 };
    let first = hs.first().map_or(text.len(), |h| h.start);
    let pre = &text[..first];
    match title_range(pre) {
        Some((s, e)) => {
            ex.title = Some(squash_spaces(&pre[s..e]));
            ex.doc.blocks.push(para(&pre[s..e]));
            let rest = pre[e..].trim_matches(is_blank);
            if !rest.is_empty() {
                ex.doc.blocks.push(para(rest));
            }
        }
        None if !pre.trim_matches(is_blank).is_empty() => ex.doc.blocks.push(para(pre)),
        None => {}
    }
    let region_of = |i: usize| -> Option<(&Heading, &str)> {
        let pos = hs.iter().position(|h| h.index == i)?;
        let h = &hs[pos];
        let end = hs.get(pos + 1).map_or(text.len(), |n| n.start);
        Some((h, &text[h.title_end..end]))
    };
    let t2_region = region_of(1).map(|(_, r)| r);
    let format = t2_region
        .and_then(format_from_headers)
        .or_else(|| year_in(pre).map(FormatVersion::for_year))
        .unwrap_or(FormatVersion::V2021);
    ex.format = Some(format);
    for (pos, h) in hs.iter().enumerate() {
        let end = hs.get(pos + 1).map_or(text.len(), |n| n.start);
        let number = SECTION_KEYS[h.index].0;
        ex.doc.blocks.push(para(&format!("{number}、{}", &text[h.title_start..h.title_end])));
        let body = &text[h.title_end..end];
        let narrative = match h.index {
            1 => body.find("第二十条").map_or(body, |i| &body[..i]),
            2 => body.find("（本列数据").or_else(|| body.find("申请人情况")).map_or(body, |i| &body[..i]),
            3 => "",
            _ => body,
        };
        if !narrative.trim_matches(is_blank).is_empty() {
            ex.doc.blocks.push(para(narrative));
        }
    }
    if let Some(region) = t2_region {
        let rows: Vec<Row> = t2_rows(region, format).iter().filter_map(|r| decide_t2(format, r, text, &mut ex.findings)).collect();
        ex.tables.push((TableId::T2, rows, Some(1)));
    }
    if let Some((_, region)) = region_of(2) {
        let raw = t3_rows(region);
        let rows = decide_counts(TableId::T3, &raw, Spaces::Soft, &mut ex.findings);
        ex.tables.push((TableId::T3, rows, Some(1)));
    }
    if let Some((_, region)) = region_of(3) {
        let run = pieces(region, false).into_iter().map(|p| p.run).max_by_key(|r| r.bytes().filter(u8::is_ascii_digit).count());
        if let Some(run) = run.filter(|r| !r.trim().is_empty()) {
            let raw = [RawRow { id: T4_ROW, label: "政府信息公开行政复议、行政诉讼情况".to_owned(), run, line: 1 }];
            let rows = decide_counts(TableId::T4, &raw, Spaces::Soft, &mut ex.findings);
            ex.tables.push((TableId::T4, rows, Some(1)));
        }
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_runs_between_blanks() {
        for s in [
            "",
            "   ",
            "本年 新收\u{3000}申请\u{a0}数量 21 7\t10\r\n",
            "\u{feff}× 【填写】\u{2028}\u{200b}ｘ\u{85}é\u{1680}丁\u{202f}\u{205f}𠀀 a",
            "\u{2010}–—\u{3001}\u{ff08}",
        ] {
            let split: Vec<&str> = s.split(is_blank).filter(|w| !w.is_empty()).collect();
            assert_eq!(words(s).collect::<Vec<_>>(), split, "{s:?}");
        }
    }

    #[test]
    fn blank_len_agrees_with_is_blank_on_every_character() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("{c}x");
            let want = if is_blank(c) { c.len_utf8() } else { 0 };
            assert_eq!(blank_len(&s, 0), want, "{:X}", u32::from(c));
            assert!(want == 0 || may_start_blank(s.as_bytes()[0]), "{:X}", u32::from(c));
        }
    }

    #[test]
    fn trim_blanks_is_trim_matches() {
        for s in ["", " ", "  a  ", "\u{3000} x \u{a0}", "\t\u{b}\u{c}本\r\n", " \u{feff}\u{200b} 年 \u{2028} ", "x", "\u{85}"] {
            assert_eq!(trim_blanks(s), s.trim_matches(is_blank), "{s:?}");
        }
    }

    #[test]
    fn cn_numerals_are_one_to_ten() {
        let found: Vec<(char, u8)> = (0..=0x10FFFFu32).filter_map(char::from_u32).filter_map(|c| cn_numeral(c).map(|n| (c, n))).collect();
        assert_eq!(found.iter().map(|(c, _)| *c).collect::<String>(), "一七三九二五八六十四");
        assert!(found.iter().all(|(c, n)| "一二三四五六七八九十".chars().nth(usize::from(*n) - 1) == Some(*c)));
    }

    #[test]
    fn narrative_pins_follow_verb_and_name() {
        let f = FormatVersion::V2021;
        let text = "本年度制发行政规范性文件62件，废止规范性文件3件，现行有效行政规范性文件440件。出台政府规章1件，废止规章2件，印发规章1件。";
        assert_eq!(narrative_pins(f, "normative_docs", text), vec![(0, 62), (1, 3), (2, 440)]);
        assert_eq!(narrative_pins(f, "regulations", text), vec![(0, 1), (1, 2)]);
        // stated twice differently: not stated; a name without its verb, or without 件: nothing
        assert_eq!(narrative_pins(f, "normative_docs", "制发规范性文件5件，印发规范性文件6件，废止1件，废止规范性文件7份"), vec![]);
        assert_eq!(narrative_pins(FormatVersion::V2019, "normative_docs", text), vec![]);
    }

    #[test]
    fn int_text_prints_like_display() {
        for n in [0, 1, 9, 10, 11, 99, 100, 218, 12_345, -1, -9, -10, -218, i64::MAX, i64::MIN] {
            assert_eq!(int_text(n), n.to_string());
        }
    }

    fn one(run: &str, shape: RowShape) -> Vec<u64> {
        split_cells(run, shape, Spaces::Soft).unique().map(<[u64]>::to_vec).unwrap_or_default()
    }

    #[test]
    fn t3_row_with_a_three_digit_total_splits_one_way() {
        assert_eq!(one("21710000218", RowShape::T3), vec![217, 1, 0, 0, 0, 0, 218]);
        assert_eq!(one("0000000", RowShape::T3), vec![0; 7]);
        assert_eq!(one("230 000023", RowShape::T3), vec![23, 0, 0, 0, 0, 0, 23]);
        assert_eq!(one("500000 5", RowShape::T3), vec![5, 0, 0, 0, 0, 0, 5]);
    }

    #[test]
    fn t4_run_has_exactly_one_split_under_the_group_totals() {
        assert_eq!(one("21317000001324019", RowShape::T4), vec![2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]);
        assert_eq!(one("10203120001200000", RowShape::T4), vec![1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn pieces_give_back_a_glued_row_number_to_the_next_label() {
        let p = pieces("1.属于国家秘密00000002.其他法律行政法规禁止公开0000000", false);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].label, "1.属于国家秘密");
        assert_eq!(p[0].run, "0000000");
        assert_eq!(p[1].label, "2.其他法律行政法规禁止公开");
    }

    #[test]
    fn markers_are_found_inside_labels() {
        let m = markers("三、本年度办 理结果 （一）予以公开");
        assert_eq!(m.iter().map(|(_, m)| *m).collect::<Vec<_>>(), vec![Marker::Top(3), Marker::Paren(1)]);
        assert!(markers("3.危及“三安全一稳定”").len() == 1);
        assert!(markers("1.申请人无正当理由逾期不补正、行政机关").len() == 1);
    }
}
