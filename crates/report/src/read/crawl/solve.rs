//! Combining the split rows of a table under the rules between its rows (table 三's 总计 and
//! balance): one solution, or the candidates when more than one holds.

use gongkai_domain::report::CheckCode;

use super::split::{Budget, RowSplits};

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
