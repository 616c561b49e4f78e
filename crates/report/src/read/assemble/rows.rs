//! Grid rows: labels matched to the format's rows, values fitted to its columns, table 四's
//! fifteen values, table 二's header.

use std::borrow::Cow;
use gongkai_domain::report::spec::{CellKind, T4_ROW, TableId};
use gongkai_domain::report::{CheckCode, Finding, Location, Row, Value};
use crate::read::label::{self, Quality, RowMatch, normalize, normalize_cow};

use super::cells::{amount_with_unit, parse_value, value_like};
use super::{Assembler, Pending, T4_GROUP_WIDTH, shown, table_name, tix};

impl<'a> Assembler<'a> {
    pub(super) fn row(&mut self, cells: &[&'a str], line: u32, value_end: Option<usize>) {
        // the label buffers are reused from row to row
        let mut labels = std::mem::take(&mut self.labels_buf);
        let mut norms = std::mem::take(&mut self.norms_buf);
        self.row_with(cells, line, value_end, &mut labels, &mut norms);
        labels.clear();
        norms.clear();
        self.labels_buf = labels;
        self.norms_buf = norms;
    }

    fn row_with(&mut self, cells: &[&'a str], line: u32, value_end: Option<usize>, labels: &mut Vec<&'a str>, norms: &mut Vec<Cow<'a, str>>) {
        let first_val = cells.iter().position(|c| value_like(c));
        let label_end = match first_val {
            Some(i) => cells[..i].iter().rposition(|c| !c.is_empty()).map_or(0, |j| j + 1),
            None => cells.iter().rposition(|c| !c.is_empty()).map_or(0, |j| j + 1),
        };
        labels.clear();
        labels.extend(cells[..label_end].iter().copied().filter(|c| !c.is_empty()));
        let values = &cells[label_end..];
        let has_values = values.iter().any(|c| !c.is_empty());

        if labels.is_empty() {
            if !has_values {
                return;
            }
            let n = values.iter().filter(|c| !c.is_empty()).count();
            if n < 12
                && let Some(p) = self.pending.take() {
                    return self.emit(p.m, &p.label, values, p.line, value_end, cells.len());
                }
            if self.ctx == Some(TableId::T4) || n >= 12 {
                self.flush_pending();
                self.enter(TableId::T4, line);
                return self.emit_t4(values, line, value_end, cells.len());
            }
            return;
        }

        // header rows
        norms.clear();
        norms.extend(labels.iter().map(|l| if l.len() <= 240 { normalize_cow(l) } else { Cow::Borrowed("") }));
        if norms[0] == "信息内容" {
            self.flush_pending();
            if self.ctx != Some(TableId::T2) {
                self.enter(TableId::T2, line);
            }
            let headers: Vec<&'a str> = cells[1..].iter().copied().filter(|c| !c.is_empty()).collect();
            let first = cells.iter().position(|c| !c.is_empty()).unwrap_or(0);
            let positions = (first + 1..cells.len()).filter(|&i| !cells[i].is_empty()).collect();
            self.t2_columns = Some((positions, cells.len()));
            self.t2_header = Some((headers, line));
            if self.block.is_some() {
                self.check_t2_header();
            }
            return;
        }
        if !has_values {
            if norms.iter().any(|n| label::is_t4_header(n)) {
                self.flush_pending();
                self.enter(TableId::T4, line);
                return;
            }
            if norms.iter().any(|n| label::is_t3_header(n)) {
                self.flush_pending();
                if self.ctx != Some(TableId::T3) {
                    self.enter(TableId::T3, line);
                }
                return;
            }
            // a row of several headings and no numbers is a header row (or its fragments)
            if labels.len() >= 3 {
                self.flush_pending();
                return;
            }
            if labels.len() == 1
                && let Some(b) = label::match_t2_caption(self.format, labels[0]) {
                    self.flush_pending();
                    self.enter(TableId::T2, line);
                    self.block = Some(b);
                    self.t2_columns = None;
                    return;
                }
        }

        // data rows: which table?
        let order: &[TableId] = match self.ctx {
            Some(TableId::T2) => &[TableId::T2, TableId::T3],
            Some(TableId::T3) => &[TableId::T3, TableId::T2],
            Some(TableId::T4) => &[TableId::T4],
            None => &[TableId::T3, TableId::T2],
        };
        // the format's wording in any of the tables before a similar wording in the first one
        for (t, fuzzy) in order.iter().map(|t| (*t, false)).chain(order.iter().map(|t| (*t, true))) {
            if t == TableId::T4 {
                // 12 or more cells, some of them blank (one cell per line keeps blank cells)
                if has_values && values.len() >= 12 {
                    return self.emit_t4(values, line, value_end, cells.len());
                }
                if has_values && !fuzzy {
                    // numbers under a header word (总计 72 64 …): which columns they are is
                    // not known; kept to say so if table 四 is never read
                    self.t4_stray.extend(values.iter().filter(|c| !c.is_empty()).map(|c| (*c).to_owned()));
                    self.t4_stray_line.get_or_insert(line);
                }
                continue;
            }
            if let Some((m, leaf)) = self.match_labels(t, norms, labels, fuzzy) {
                // text printed after the leaf label stands in value cells (`3件`): unreadable values
                let leaf_pos = cells[..label_end].iter().rposition(|c| std::ptr::eq(*c, leaf)).unwrap_or(label_end);
                let values = if leaf_pos + 1 < label_end { &cells[leaf_pos + 1..] } else { values };
                let has_values = values.iter().any(|c| !c.is_empty());
                if Some(t) != self.ctx {
                    self.flush_pending();
                    self.enter(t, line);
                }
                // a label waiting for numbers that never came
                if self.pending.as_ref().is_some_and(|p| p.m.row.id != m.row.id) {
                    self.flush_pending();
                }
                self.pending = None;
                if m.row.header_only {
                    self.group = Some(m.row.id);
                    if m.quality == Quality::Variant {
                        self.label_finding(&m, leaf, line);
                    }
                    if m.row.id == "other_handling" && has_values {
                        self.emit(m, leaf, values, line, value_end, cells.len());
                    } else if m.row.id == "other_handling" {
                        self.pending = Some(Pending { m, label: leaf.to_owned(), line });
                    }
                    return;
                }
                self.set_group(m.row);
                if has_values || !values.is_empty() {
                    self.emit(m, leaf, values, line, value_end, cells.len());
                } else {
                    self.pending = Some(Pending { m, label: leaf.to_owned(), line });
                }
                return;
            }
        }
        // nothing matched
        if let Some(t) = self.ctx.filter(|t| *t != TableId::T4) {
            if has_values {
                let leaf = labels.last().copied().unwrap_or_default();
                self.findings.push(Finding::new(
                    CheckCode::LabelMismatch,
                    format!("{}第 {line} 行“{leaf}”无法对应到格式中的任何一行，该行的数字未被读取", table_name(t)),
                    Location { section: Some(t.section().to_owned()), table: Some(t.id().to_owned()), line: Some(line), ..Location::default() },
                    format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）使用规定的行标签", self.doc_no()),
                ));
            } else if labels.len() == 1 {
                self.table_text(t, labels[0], line);
            }
            return;
        }
        if self.ctx.is_none() {
            // a multi-cell line outside the tables: narrative (e.g. a signature with its date)
            self.flush_pending();
            let first = labels[0];
            let last = cells.iter().rev().find(|c| !c.is_empty()).copied().unwrap_or(first);
            if std::ptr::eq(first, last) {
                self.push_text(first, line);
            } else {
                for c in cells.iter().filter(|c| !c.is_empty()) {
                    self.push_text(c, line);
                }
            }
        }
    }

    /// Match the label cells of a row (group cells, then the leaf) in table `t`. The leaf is the
    /// most specific label that matched; group cells set the current group.
    fn match_labels(&mut self, t: TableId, norms: &[Cow<'_, str>], labels: &[&'a str], fuzzy: bool) -> Option<(RowMatch, &'a str)> {
        let mut leaf: Option<(RowMatch, &'a str)> = None;
        let mut group = self.group;
        // a fragment left over from the previous line, completing this label
        if let Some((loose, _)) = &self.loose
            && let Some(last) = labels.last() {
                let joined = normalize(&format!("{loose}{last}"));
                let alone = label::match_row_exact(self.format, t, norms.last().map_or("", |s| s.as_ref()), group);
                if let Some(m) = label::match_row_exact(self.format, t, &joined, group).filter(|m| m.quality == Quality::Exact)
                    && alone.is_none_or(|a| a.quality != Quality::Exact) {
                        self.loose = None;
                        return Some((m, last));
                    }
            }
        // (the exact pass decides only when every label cell is the format's wording; nothing
        // changes before that is known)
        let mut group_heading: Option<Option<&'static str>> = None;
        for (n, l) in norms.iter().zip(labels) {
            if n.is_empty() {
                continue;
            }
            let m = if fuzzy { label::match_row_norm(self.format, t, n, group) } else { label::match_row_exact(self.format, t, n, group) };
            match m {
                Some(m) => {
                    if m.row.header_only {
                        group = Some(m.row.id);
                        if let Some((prev, _)) = &leaf
                            && prev.row.header_only {
                                group_heading = Some(group);
                            }
                    }
                    leaf = Some((m, l));
                }
                None if !fuzzy => return None,
                None => {}
            }
        }
        if let Some(g) = group_heading {
            self.group = g;
        }
        if leaf.is_some() {
            self.loose = None;
            if let Some((m, _)) = &leaf
                && !m.row.header_only {
                    self.group = group;
                }
        }
        leaf
    }

    pub(super) fn flush_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            if p.m.row.header_only {
                return; // a group heading, no numbers expected
            }
            self.emit(p.m, &p.label, &[], p.line, None, 0);
        }
    }

    pub(super) fn label_finding(&mut self, m: &RowMatch, printed: &str, line: u32) {
        let t = m.table;
        let wanted = m.row.text;
        self.findings.push(Finding::new(
            CheckCode::LabelMismatch,
            format!("{}中“{wanted}”一行的标签印为“{printed}”，与年度报告格式规定的文字不一致", table_name(t)),
            Location {
                section: Some(t.section().to_owned()),
                table: Some(t.id().to_owned()),
                row: Some(m.row.id.to_owned()),
                line: Some(line),
                ..Location::default()
            },
            format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）将标签改为“{wanted}”", self.doc_no()),
        ));
    }

    /// Values of a row fitted to `n` columns: surplus empty cells are merged label cells (front)
    /// or table padding (back).
    fn fit<'v>(&self, values: &'v [&'a str], n: usize) -> (&'v [&'a str], bool) {
        let mut v = values;
        while v.len() > n && v.first().is_some_and(|c| c.is_empty()) {
            v = &v[1..];
        }
        while v.len() > n && v.last().is_some_and(|c| c.is_empty()) {
            v = &v[..v.len() - 1];
        }
        if v.len() > n {
            return (&v[..n], true);
        }
        (v, false)
    }

    /// `at`: the table, row and line, for the finding.
    fn cells_for(&mut self, values: &[&'a str], n: usize, all: usize, value_end: Option<usize>, at: (TableId, Option<&'static str>, u32)) -> Vec<Value> {
        let (table, row, line) = at;
        // On a true grid, take the columns where the numbers stand in the other rows.
        let aligned: Option<(usize, usize)> = value_end.and_then(|end| {
            let start = end.checked_sub(n)?;
            let offset = all.checked_sub(values.len())?;
            (start >= offset && end <= all).then(|| (start - offset, end - offset))
        });
        let (v, surplus) = match aligned {
            Some((s, e)) => {
                let outside = values[..s].iter().chain(&values[e..]).any(|c| !c.is_empty());
                (&values[s..e], outside)
            }
            None => self.fit(values, n),
        };
        if surplus {
            let what = table_name(table);
            let loc = Location {
                section: Some(table.section().to_owned()),
                table: Some(table.id().to_owned()),
                row: row.map(str::to_owned),
                line: Some(line),
                column: None,
            };
            self.findings.push(Finding::new(
                CheckCode::AmbiguousCells,
                format!("{what}第 {line} 行有 {} 个数值，但格式只有 {n} 列，无法确定各数值所属的列，该行的数字未采用（原文：{}）", values.iter().filter(|c| !c.is_empty()).count(), shown(values)),
                loc,
                "核对该行的单元格，删除多余的数值或补齐缺失的表头".to_owned(),
            ));
            // which of them are the row's is a guess: none is taken (the sums that need the row
            // are not checked, and no error is derived from a guessed cell)
            return vec![Value::Unreadable(String::new()); n];
        }
        let mut cells: Vec<Value> = v.iter().map(|c| parse_value(c)).collect();
        cells.resize(n, Value::Absent);
        cells
    }

    fn emit(&mut self, m: RowMatch, label: &str, values: &[&'a str], line: u32, value_end: Option<usize>, all: usize) {
        let t = m.table;
        let n = m.block.columns.len();
        self.enter(t, line);
        if t == TableId::T2
            && let Some(b) = self.spec.t2.blocks.iter().position(|b| std::ptr::eq(b, m.block) || b.id == m.block.id) {
                self.block = Some(b);
                if self.t2_header.is_some() {
                    self.check_t2_header();
                }
            }
        if m.quality == Quality::Variant {
            self.label_finding(&m, label, line);
        }
        let value_end = if t == TableId::T3 { value_end } else { None };
        let aligned = if t == TableId::T2 { self.t2_aligned(values, n, all) } else { None };
        let mut cells = match aligned {
            Some(cells) => cells,
            None if values.is_empty() => vec![Value::Blank; n],
            None => self.cells_for(values, n, all, value_end, (t, Some(m.row.id), line)),
        };
        if t == TableId::T2 {
            self.amount_units(&m, &mut cells, line);
        }
        let Some(table) = self.tables[tix(t)].as_mut() else { return };
        let row = Row { id: m.row.id, label: label.to_owned(), cells, line: Some(line) };
        match table.row_mut(m.row.id) {
            // printed twice: the first one with numbers stands (a label alone left an empty row)
            Some(old) if old.cells.iter().all(|c| matches!(c, Value::Blank | Value::Absent)) => *old = row,
            Some(_) => return,
            None => table.rows.push(row),
        }
        self.last_table = Some((t, line));
    }

    /// A table 二 grid row's values under its header's column headings, when the header has
    /// exactly the block's columns, the row is as wide as the header row and holds nothing
    /// outside those columns.
    fn t2_aligned(&self, values: &[&'a str], n: usize, all: usize) -> Option<Vec<Value>> {
        let (positions, width) = self.t2_columns.as_ref()?;
        if positions.len() != n || *width != all {
            return None;
        }
        let offset = all.checked_sub(values.len())?;
        let picked: Vec<usize> = positions.iter().map(|p| p.checked_sub(offset)).collect::<Option<_>>()?;
        let outside = values.iter().enumerate().any(|(i, c)| !c.is_empty() && !picked.contains(&i));
        if outside {
            return None;
        }
        Some(picked.iter().map(|&i| parse_value(values[i])).collect())
    }

    /// An amount printed with its unit (`75394432.52元`, `1.25万元`): the unit is part of the printed
    /// value, not text in a number cell. The number stands as printed; a unit other than the
    /// column's is reported, never converted (FEE_UNIT judges the size).
    fn amount_units(&mut self, m: &RowMatch, cells: &mut [Value], line: u32) {
        for (cell, col) in cells.iter_mut().zip(m.block.columns) {
            if col.kind != CellKind::Amount {
                continue;
            }
            let Value::Unreadable(printed) = cell else { continue };
            let Some((number, unit)) = amount_with_unit(printed) else { continue };
            let wanted = if col.text.contains("万元") { "万元" } else { "元" };
            if unit != wanted {
                self.findings.push(Finding::new(
                    CheckCode::LabelMismatch,
                    format!(
                        "表二“{}”行“{}”列的金额印为“{printed}”，单位是{unit}，而该列的单位是{wanted}；已按印出的数字 {number} 读取，未作换算",
                        m.row.text, col.text
                    ),
                    Location {
                        section: Some("s2".to_owned()),
                        table: Some("t2".to_owned()),
                        row: Some(m.row.id.to_owned()),
                        column: Some(col.id.to_owned()),
                        line: Some(line),
                    },
                    format!("该列以{wanted}为单位：把金额换算成{wanted}后填写数字，不写单位"),
                ));
            }
            *cell = Value::from_decimal(number);
        }
    }

    fn emit_t4(&mut self, values: &[&'a str], line: u32, value_end: Option<usize>, all: usize) {
        let n = self.spec.t4.blocks[0].columns.len();
        // one group's five values under its own sub-heading: its columns of the row
        if let Some(g) = self.t4_group.take()
            && values.iter().filter(|c| !c.is_empty()).count() == T4_GROUP_WIDTH
        {
            let filled: Vec<&'a str> = values.iter().copied().filter(|c| !c.is_empty()).collect();
            self.enter(TableId::T4, line);
            let label = self.spec.t4.blocks[0].rows[0].text;
            if let Some(table) = self.tables[2].as_mut() {
                if table.row(T4_ROW).is_none() {
                    table.rows.push(Row { id: T4_ROW, label: label.to_owned(), cells: vec![Value::Absent; n], line: Some(line) });
                }
                if let Some(row) = table.row_mut(T4_ROW) {
                    let part = &mut row.cells[g * T4_GROUP_WIDTH..(g + 1) * T4_GROUP_WIDTH];
                    if part.iter().all(|c| *c == Value::Absent) {
                        for (cell, v) in part.iter_mut().zip(filled) {
                            *cell = parse_value(v);
                        }
                    }
                }
            }
            self.last_table = Some((TableId::T4, line));
            return;
        }
        let cells = self.cells_for(values, n, all, value_end, (TableId::T4, None, line));
        self.enter(TableId::T4, line);
        let label = self.spec.t4.blocks[0].rows[0].text;
        if let Some(table) = self.tables[2].as_mut()
            && table.row(T4_ROW).is_none() {
                table.rows.push(Row { id: T4_ROW, label: label.to_owned(), cells, line: Some(line) });
            }
        self.last_table = Some((TableId::T4, line));
    }

    /// Compare a table 二 header row (信息内容 …) with the current block's columns.
    fn check_t2_header(&mut self) {
        let Some((headers, line)) = self.t2_header.take() else { return };
        // headers that are exactly some block's columns name that block
        let norms: Vec<Cow<'_, str>> = headers.iter().map(|h| normalize_cow(h)).collect();
        if let Some(b) = self.spec.t2.blocks.iter().position(|b| b.columns.len() == norms.len() && b.columns.iter().zip(&norms).all(|(c, n)| normalize_cow(c.text) == *n)) {
            self.block = Some(b);
            return;
        }
        let Some(block) = self.block.and_then(|b| self.spec.t2.blocks.get(b)) else { return };
        for (printed, col) in headers.iter().zip(block.columns) {
            if label::t2_header_format(printed).is_some_and(|f| f != self.format) {
                continue; // the other format's header: OUTDATED_FORMAT territory, not a typo
            }
            if label::compare_header(printed, col.text).is_some() {
                // the same heading misprinted the same way in several blocks (本年增/ under
                // （五）（六）（八）): one finding naming them all
                let caption = block.caption.unwrap_or("");
                if let Some(f) = self.findings.iter_mut().find(|f| {
                    f.code == CheckCode::LabelMismatch && f.location.table.as_deref() == Some("t2") && f.location.column.as_deref() == Some(col.id) && f.message.contains(&format!("印为“{printed}”"))
                }) {
                    if !f.message.contains(caption) {
                        let at = f.message.find("的列标题").unwrap_or(0);
                        f.message.insert_str(at, &format!("、{caption}"));
                    }
                    continue;
                }
                self.findings.push(Finding::new(
                    CheckCode::LabelMismatch,
                    format!("表二{}的列标题“{}”印为“{printed}”，与年度报告格式规定的文字不一致", block.caption.unwrap_or(""), col.text),
                    Location {
                        section: Some("s2".to_owned()),
                        table: Some("t2".to_owned()),
                        column: Some(col.id.to_owned()),
                        line: Some(line),
                        ..Location::default()
                    },
                    format!("按《中华人民共和国政府信息公开工作年度报告格式》（{}）将列标题改为“{}”", self.spec.doc_no, col.text),
                ));
            }
        }
    }
}
