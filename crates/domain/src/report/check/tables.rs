//! The checks of the tables: structure (sections, tables, rows), cells, table 三's and table 四's
//! arithmetic, plausibility.

use std::collections::BTreeSet;

use crate::report::finding::{CheckCode, Finding, Location};
use crate::report::model::{AgencyLevel, Report, Row, Table};
use crate::report::spec::{BlockSpec, CellKind, FormatVersion, RowSpec, T3_COLUMNS, T3_TOTAL, T4_COLUMNS, T4_GROUPS, T4_ROW, TableId};
use crate::report::value::{Decimal, Value};

use super::{CheckOptions, Ctx, cell, loc, num, section_loc, sum, table_label};

pub(super) fn check_structure(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.report;
    if ctx.format == FormatVersion::V2019 && r.year.is_some_and(|y| y >= 2021) {
        out.push(Finding::new(
            CheckCode::OutdatedFormat,
            format!(
                "{}年度报告仍使用 2019 年试行格式（国办公开办函〔2019〕60号）的表格；2021 年度起应使用国办公开办函〔2021〕30号印发的格式",
                r.year.unwrap_or_default()
            ),
            Location { table: Some("t2".into()), section: Some("s2".into()), line: r.table(TableId::T2).and_then(|t| t.line), ..Location::default() },
            "按国办公开办函〔2021〕30号的格式重新填报表二（本年制发件数、本年废止件数、现行有效件数等）和表三（六）其他处理的三个子项",
        ));
    }
    if ctx.collapsed {
        let row = r.table(TableId::T3).and_then(|t| t.row("other_handling"));
        out.push(Finding::new(
            CheckCode::CollapsedRows,
            "表三“（六）其他处理”只填了一行，2021 年格式要求分为 1.申请人无正当理由逾期不补正、2.申请人逾期未按收费通知要求缴纳费用、3.其他 三个子项分别填报",
            loc(TableId::T3, Some("other_handling"), None, row.and_then(|x| x.line)),
            "将“（六）其他处理”的数量按三种情形拆分填入三个子项，三项之和应等于原合计数",
        ));
    }
    for s in r.format.spec().sections {
        let table_present = s.table.is_some_and(|t| r.table(t).is_some());
        if r.section(s.id).is_some() || table_present || section_content_present(r, s.id) {
            continue;
        }
        out.push(Finding::new(
            CheckCode::MissingSection,
            format!("报告缺少第{}部分“{}”", s.number, s.title),
            section_loc(s.id, None),
            format!("按年度报告格式补充“{}、{}”部分", s.number, s.title),
        ));
    }
    for t in TableId::ALL {
        // a table of which no row was read (published as an image, or nothing between two
        // headings) is one missing table, not a missing row for each of its rows
        let Some(table) = r.table(t).filter(|tb| !tb.rows.is_empty()) else {
            // the reader found the table's numbers but could not place them: that finding says it
            if r.reader_findings.iter().any(|f| f.code == CheckCode::AmbiguousCells && f.location.table.as_deref() == Some(t.id()) && f.location.row.is_none()) {
                continue;
            }
            out.push(Finding::new(
                CheckCode::MissingTable,
                format!("报告中没有找到{}“{}”（可能以图片形式发布或被删去）", table_label(t), r.format.spec().table(t).title),
                Location { section: Some(t.section().into()), table: Some(t.id().into()), ..Location::default() },
                format!("以文字表格形式补充{}，不要只发布图片", table_label(t)),
            ));
            continue;
        };
        missing_rows(ctx, t, table, out);
    }
}

/// A section whose heading was lost (e.g. by a PDF-to-Markdown converter) but whose content is
/// there: a paragraph that starts like the section does.
fn section_content_present(r: &Report, id: &str) -> bool {
    let starts: &[&str] = match id {
        "s5" => &["存在的主要问题", "主要问题", "（一）主要问题", "（一）存在的主要问题", "存在问题", "存在的问题"],
        _ => return false,
    };
    r.sections.iter().any(|s| {
        s.text.lines().chain(std::iter::once(s.title.as_str())).any(|p| {
            let p = p.trim_start();
            starts.iter().any(|k| p.starts_with(k))
        })
    })
}

fn missing_rows(ctx: &Ctx<'_>, t: TableId, table: &Table, out: &mut Vec<Finding>) {
    let rows = ctx.data(t);
    // rows absent altogether: one finding per run of consecutive absent rows
    let mut runs: Vec<Vec<&RowSpec>> = Vec::new();
    let mut open = false;
    for (_, rs, row) in rows {
        match (row.is_none(), open) {
            (true, true) => {
                if let Some(run) = runs.last_mut() {
                    run.push(*rs);
                }
            }
            (true, false) => {
                runs.push(vec![*rs]);
                open = true;
            }
            (false, _) => open = false,
        }
    }
    for run in &runs {
        let (Some(first), Some(last)) = (run.first(), run.last()) else { continue };
        let (message, fix) = if run.len() == 1 {
            (format!("{}缺少“{}”这一行", table_label(t), ctx.rl(t, first.id)), format!("按年度报告格式补上“{}”行并填写数据（没有发生的填 0）", first.text))
        } else {
            (
                format!("{}缺少从“{}”到“{}”共 {} 行", table_label(t), ctx.rl(t, first.id), ctx.rl(t, last.id), run.len()),
                "按年度报告格式补上这些行并填写数据（没有发生的填 0）".to_owned(),
            )
        };
        out.push(Finding::new(CheckCode::MissingRow, message, loc(t, Some(first.id), None, table.line), fix));
    }
    // columns absent: per block, a column absent from every present row is one finding
    for block in ctx.format.spec().table(t).blocks {
        let present: Vec<&Row> = rows
            .iter()
            .filter(|(b, _, _)| b.id == block.id)
            .filter_map(|(_, _, row)| *row)
            .collect();
        if present.is_empty() {
            continue;
        }
        let mut whole_columns = BTreeSet::new();
        for (ci, c) in block.columns.iter().enumerate() {
            if present.iter().all(|row| matches!(cell(row, ci), Value::Absent)) {
                whole_columns.insert(ci);
                out.push(Finding::new(
                    CheckCode::MissingRow,
                    format!("{}缺少“{}”这一列", table_label(t), ctx.cl(t, present[0].id, c.id)),
                    loc(t, if t == TableId::T4 { None } else { Some(present[0].id) }, Some(c.id), present[0].line),
                    format!("按年度报告格式补上“{}”列并填写数据（没有发生的填 0）", c.text),
                ));
            }
        }
        for row in &present {
            let cols: Vec<&str> = block
                .columns
                .iter()
                .enumerate()
                .filter(|(ci, _)| !whole_columns.contains(ci) && matches!(cell(row, *ci), Value::Absent))
                .map(|(_, c)| c.id)
                .collect();
            if cols.is_empty() {
                continue;
            }
            let names: Vec<String> = cols.iter().map(|c| ctx.cl(t, row.id, c)).collect();
            out.push(Finding::new(
                CheckCode::MissingRow,
                format!("{}“{}”行缺少{}列的单元格", table_label(t), ctx.rl(t, row.id), names.join("、")),
                loc(t, Some(row.id), (cols.len() == 1).then_some(cols[0]), row.line),
                "补全该行缺少的单元格（没有发生的填 0）",
            ));
        }
    }
}

// ---- cells --------------------------------------------------------------------------------------

pub(super) fn check_cells(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Cells the reader already reported as ambiguous (run-together digits with several splits)
    // are unreadable because of that; one error per row is enough.
    let ambiguous: Vec<(&str, &str)> = ctx
        .report
        .reader_findings
        .iter()
        .filter(|f| f.code == CheckCode::AmbiguousCells)
        .filter_map(|f| Some((f.location.table.as_deref()?, f.location.row.as_deref()?)))
        .collect();
    for t in TableId::ALL {
        if ctx.report.table(t).is_none() {
            continue;
        }
        // BLANK_CELL runs: consecutive rows with the same set of blank columns → one finding;
        // where they went (index in `out`), their rows and cells, for the table's summary
        let mut run: Option<(Vec<usize>, Vec<&Row>, &'static BlockSpec)> = None;
        let mut runs: Vec<BlankRun> = Vec::new();
        let mut flush = |run: &mut Option<(Vec<usize>, Vec<&Row>, &'static BlockSpec)>, out: &mut Vec<Finding>| {
            if let Some((cols, rows, block)) = run.take() {
                runs.push(BlankRun { at: out.len(), rows: rows.len(), cells: cols.len() * rows.len(), first: (rows[0].id, rows[0].line), last: rows[rows.len() - 1].id });
                out.push(blank_finding(ctx, t, block, &cols, &rows));
            }
        };
        for &(block, _, row) in ctx.data(t) {
            let Some(row) = row else {
                flush(&mut run, out);
                continue;
            };
            // a row's cells that are not numbers: one finding for the row
            let mut unreadable: Vec<(&'static str, &str)> = Vec::new();
            for (ci, c) in block.columns.iter().enumerate() {
                match cell(row, ci) {
                    Value::Unreadable(_) if ambiguous.contains(&(t.id(), row.id)) => {}
                    Value::Unreadable(s) => unreadable.push((c.id, s.as_str())),
                    v @ (Value::Int(_) | Value::Dec(_)) if c.kind != CellKind::SignedCount => {
                        if let Some(n) = v.number().filter(|n| n.is_negative()) {
                            out.push(Finding::new(
                                CheckCode::NegativeValue,
                                format!("{}“{}”行“{}”列为负数 {}，该项应为非负数", table_label(t), ctx.rl(t, row.id), ctx.cl(t, row.id, c.id), n),
                                loc(t, Some(row.id), Some(c.id), row.line),
                                "核对该项数据后更正为非负数",
                            ));
                        }
                        if c.kind == CellKind::Count && matches!(v, Value::Dec(_)) && v.as_int().is_none() {
                            out.push(Finding::new(
                                CheckCode::UnreadableValue,
                                format!("{}“{}”行“{}”列应为整数，实为 {}", table_label(t), ctx.rl(t, row.id), ctx.cl(t, row.id, c.id), v),
                                loc(t, Some(row.id), Some(c.id), row.line),
                                "件数、数量只填写整数",
                            ));
                        }
                    }
                    _ => {}
                }
            }
            match unreadable.as_slice() {
                [] => {}
                [(c, s)] => out.push(Finding::new(
                    CheckCode::UnreadableValue,
                    format!("{}“{}”行“{}”列的内容“{}”不是数字", table_label(t), ctx.rl(t, row.id), ctx.cl(t, row.id, c), s),
                    loc(t, Some(row.id), Some(c), row.line),
                    "该单元格只填写阿拉伯数字（没有发生的填 0），文字说明写在正文中",
                )),
                cells => {
                    let what: Vec<String> = cells.iter().map(|(c, s)| format!("“{}”列“{s}”", ctx.cl(t, row.id, c))).collect();
                    out.push(Finding::new(
                        CheckCode::UnreadableValue,
                        format!("{}“{}”行有 {} 个单元格不是数字：{}", table_label(t), ctx.rl(t, row.id), cells.len(), what.join("、")),
                        loc(t, Some(row.id), None, row.line),
                        "这些单元格只填写阿拉伯数字（没有发生的填 0），文字说明写在正文中",
                    ));
                }
            }
            let blanks: Vec<usize> = (0..block.columns.len()).filter(|ci| cell(row, *ci).is_blank()).collect();
            match &mut run {
                Some((cols, rows, b)) if *cols == blanks && b.id == block.id && !blanks.is_empty() => rows.push(row),
                _ => {
                    flush(&mut run, out);
                    if !blanks.is_empty() {
                        run = Some((blanks, vec![row], block));
                    }
                }
            }
        }
        flush(&mut run, out);
        summarize_blanks(ctx, t, &runs, out);
    }
}

/// A BLANK_CELL finding as written: where it went in the findings, its rows and cells, its first
/// row (id, line) and last row.
struct BlankRun {
    at: usize,
    rows: usize,
    cells: usize,
    first: (&'static str, Option<u32>),
    last: &'static str,
}

/// More than three BLANK_CELL findings in one table (a table printed with `—` or left empty
/// wherever nothing happened): one finding for the table in place of the first, with the rows and
/// cells counted, instead of a list a clerk has to read through.
fn summarize_blanks(ctx: &Ctx<'_>, t: TableId, runs: &[BlankRun], out: &mut Vec<Finding>) {
    let (Some(head), Some(tail)) = (runs.first(), runs.last()) else { return };
    if runs.len() <= 3 {
        return;
    }
    let rows: usize = runs.iter().map(|r| r.rows).sum();
    let cells: usize = runs.iter().map(|r| r.cells).sum();
    let (first, line) = head.first;
    let from_to = if t == TableId::T4 { String::new() } else { format!("（从“{}”到“{}”）", ctx.rl(t, first), ctx.rl(t, tail.last)) };
    let summary = Finding::new(
        CheckCode::BlankCell,
        format!("{}有 {rows} 行共 {cells} 个单元格为空白或以“—”“/”等代替数字{from_to}，计算时已按 0 处理", table_label(t)),
        loc(t, if t == TableId::T4 { None } else { Some(first) }, None, line),
        "没有发生的事项应填 0，不要留空或以符号代替；若确有数据，补填实际数字",
    );
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        k - 1 == head.at || !runs.iter().any(|r| r.at == k - 1)
    });
    out[head.at] = summary;
}

fn blank_finding(ctx: &Ctx<'_>, t: TableId, block: &BlockSpec, cols: &[usize], rows: &[&Row]) -> Finding {
    let first = rows[0];
    // the row's own block names its columns (table 四's carry their group: column_label)
    let names: Vec<String> =
        cols.iter().map(|ci| if t == TableId::T4 { ctx.cl(t, first.id, block.columns[*ci].id) } else { block.columns[*ci].text.to_owned() }).collect();
    let where_rows = if t == TableId::T4 {
        "表四".to_owned()
    } else if rows.len() == 1 {
        format!("{}“{}”行", table_label(t), ctx.rl(t, first.id))
    } else {
        format!(
            "{}从“{}”到“{}”共 {} 行",
            table_label(t),
            ctx.rl(t, first.id),
            ctx.rl(t, rows[rows.len() - 1].id),
            rows.len()
        )
    };
    let mut msg = format!("{where_rows}的{}列为空白（共 {} 个单元格），计算时已按 0 处理", names.join("、"), cols.len() * rows.len());
    // A blank total: say what its parts add up to, since it is not compared with them.
    if t == TableId::T3 && rows.len() == 1 && cols == [T3_TOTAL]
        && let Some(s) = sum((0..T3_TOTAL).filter_map(|i| cell(first, i).number())) {
            msg.push_str(&format!("；该行各申请人类别之和为 {s}"));
        }
    let col = (cols.len() == 1).then(|| block.columns[cols[0]].id);
    Finding::new(
        CheckCode::BlankCell,
        msg,
        loc(t, if t == TableId::T4 { None } else { Some(first.id) }, col, first.line),
        "没有发生的事项应填 0，不要留空；若确有数据，补填实际数字",
    )
}

// ---- table 三 -----------------------------------------------------------------------------------

pub(super) fn check_t3(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(t3) = ctx.report.table(TableId::T3) else { return };
    let t = TableId::T3;
    // T3_ROW_TOTAL
    for &(_, rs, row) in ctx.data(t) {
        let Some(row) = row else { continue };
        let total_cell = cell(row, T3_TOTAL);
        if matches!(total_cell, Value::Blank | Value::Absent) {
            continue;
        }
        let Some(total) = num(total_cell) else { continue };
        let mut parts = [Decimal::ZERO; T3_TOTAL];
        if !parts.iter_mut().enumerate().all(|(i, p)| num(cell(row, i)).map(|v| *p = v).is_some()) {
            continue;
        }
        let Some(s) = sum(parts.iter().copied()) else { continue };
        if s != total {
            let detail: Vec<String> = parts
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_zero())
                .map(|(i, v)| format!("{} {v}", T3_COLUMNS[i].text))
                .collect();
            let detail = if detail.is_empty() { String::new() } else { format!("（{}）", detail.join("、")) };
            out.push(Finding::new(
                CheckCode::T3RowTotal,
                format!("表三“{}”行：自然人与法人或其他组织各列之和为 {s}{detail}，但“总计”列为 {total}", ctx.rl(t, rs.id)),
                loc(t, Some(rs.id), Some("total"), row.line),
                "核对该行各申请人类别的数量和“总计”后更正，使总计等于各列之和",
            ));
        }
    }
    // T3_BALANCE: 一 + 二 = 三（七）+ 四, per column (the printed 勾稽关系)
    let rows = ["new_received", "carried_over", "results_total", "carried_forward"].map(|id| t3.row(id));
    if let [Some(a), Some(b), Some(c), Some(d)] = rows {
        for (ci, col) in T3_COLUMNS.iter().enumerate() {
            let vals = [a, b, c, d].map(|r| num(cell(r, ci)));
            let [Some(va), Some(vb), Some(vc), Some(vd)] = vals else { continue };
            let (Some(left), Some(right)) = (va.checked_add(vb), vc.checked_add(vd)) else { continue };
            if left != right {
                out.push(Finding::new(
                    CheckCode::T3Balance,
                    format!(
                        "表三“{}”列：第一项 {va} + 第二项 {vb} = {left}，但第三项（七）{vc} + 第四项 {vd} = {right}，勾稽关系不成立",
                        col.text
                    ),
                    loc(t, None, Some(col.id), a.line),
                    "核对本年新收、上年结转、本年办理结果总计和结转下年度的数量后更正，使第一项加第二项之和等于第三项加第四项之和",
                ));
            }
        }
    }
    // T3_RESULTS_TOTAL: （七）总计 = sum of the leaf result rows, per column
    let Some(total_row) = t3.row("results_total") else { return };
    let leaves: Vec<(&RowSpec, Option<&Row>)> = ctx
        .data(t)
        .iter()
        .filter(|(_, r, _)| r.parent.is_some() && r.id != "results_total")
        .map(|&(_, r, row)| (r, row))
        .collect();
    let missing_leaf = leaves.iter().any(|(_, row)| row.is_none());
    for (ci, col) in T3_COLUMNS.iter().enumerate() {
        let total_cell = cell(total_row, ci);
        if matches!(total_cell, Value::Blank | Value::Absent) {
            continue;
        }
        let Some(total) = num(total_cell) else { continue };
        // A blank leaf cell is not a number the agency gave: in the 总计 column (left blank in
        // the leaf rows of some 2019-format reports) it is the row's own sum when its applicant
        // columns are filled; elsewhere it counts as 0, and then only a sum of the filled cells
        // that already exceeds the total is certain to be wrong.
        let mut blanks = 0usize;
        let mut filled = 0usize;
        let parts: Option<Vec<(&RowSpec, Decimal)>> = leaves
            .iter()
            .filter_map(|(r, row)| {
                row.map(|row| {
                    let v = cell(row, ci);
                    if matches!(v, Value::Blank) {
                        let own = (ci == T3_TOTAL)
                            .then(|| (0..T3_TOTAL).map(|i| cell(row, i)).collect::<Vec<_>>())
                            .filter(|cs| cs.iter().all(|c| matches!(c, Value::Int(_) | Value::Dec(_))))
                            .and_then(|cs| sum(cs.iter().filter_map(|c| num(c))));
                        match own {
                            Some(d) => {
                                filled += 1;
                                Some((*r, d))
                            }
                            None => {
                                blanks += 1;
                                Some((*r, Decimal::ZERO))
                            }
                        }
                    } else {
                        filled += 1;
                        num(v).map(|d| (*r, d))
                    }
                })
            })
            .collect();
        let Some(parts) = parts else { continue };
        let Some(s) = sum(parts.iter().map(|(_, v)| *v)) else { continue };
        if s == total || missing_leaf || filled == 0 || (blanks > 0 && s < total) {
            continue;
        }
        let of_filled = if blanks > 0 { format!("已填写的各项（另有 {blanks} 项空白）") } else { "办理结果各项".to_owned() };
        let nonzero: Vec<String> =
            parts.iter().filter(|(_, v)| !v.is_zero()).map(|(r, v)| format!("{} {v}", ctx.rl(t, r.id))).collect();
        let detail = if nonzero.is_empty() {
            String::new()
        } else if nonzero.len() <= 6 {
            format!("（{}）", nonzero.join("、"))
        } else {
            format!("（{} 等 {} 项）", nonzero[..6].join("、"), nonzero.len())
        };
        out.push(Finding::new(
            CheckCode::T3ResultsTotal,
            format!("表三“{}”列：{of_filled}之和为 {s}{detail}，但“（七）总计”为 {total}", col.text),
            loc(t, Some("results_total"), Some(col.id), total_row.line),
            "核对（一）至（六）各项办理结果的数量和（七）总计后更正，使总计等于各项之和",
        ));
    }
}

// ---- table 四 -----------------------------------------------------------------------------------

pub(super) fn check_t4(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(row) = ctx.report.table(TableId::T4).and_then(|t| t.row(T4_ROW)) else { return };
    for (_, text, start) in T4_GROUPS {
        let total_cell = cell(row, start + 4);
        if matches!(total_cell, Value::Blank | Value::Absent) {
            continue;
        }
        let parts: Option<Vec<Decimal>> = (start..start + 4).map(|i| num(cell(row, i))).collect();
        let (Some(total), Some(parts)) = (num(total_cell), parts) else { continue };
        let Some(s) = sum(parts.iter().copied()) else { continue };
        if s != total {
            out.push(Finding::new(
                CheckCode::T4GroupTotal,
                format!(
                    "表四“{text}”：结果维持 {} + 结果纠正 {} + 其他结果 {} + 尚未审结 {} = {s}，但“总计”为 {total}",
                    parts[0], parts[1], parts[2], parts[3]
                ),
                loc(TableId::T4, None, Some(T4_COLUMNS[start + 4].id), row.line),
                format!("核对“{text}”各项结果的数量和总计后更正，使总计等于四项之和"),
            ));
        }
    }
}

// ---- plausibility -------------------------------------------------------------------------------

pub(super) fn check_plausibility(ctx: &Ctx<'_>, opts: &CheckOptions, out: &mut Vec<Finding>) {
    let r = ctx.report;
    let Some(t2) = r.table(TableId::T2) else { return };
    // Only 省级 and 设区的市级 governments make 规章 (立法法); a township or county reports 0.
    if let (Some(level @ (AgencyLevel::Township | AgencyLevel::County)), Some(row)) = (r.level, t2.row("regulations")) {
        // 2019 format: 对外公开总数量 may count higher-level 规章 republished; only 本年新制作数量 is the
        // agency's own.
        let columns: &[&str] = match ctx.format {
            FormatVersion::V2021 => &["made", "repealed", "valid"],
            FormatVersion::V2019 => &["new_made"],
        };
        let nonzero: Vec<String> = columns
            .iter()
            .filter_map(|c| {
                let idx = r.format.spec().t2.column_index("regulations", c)?;
                let v = cell(row, idx).number()?;
                (!v.is_zero()).then(|| format!("{} {v}", ctx.cl(TableId::T2, "regulations", c)))
            })
            .collect();
        if !nonzero.is_empty() {
            out.push(Finding::new(
                CheckCode::TownshipRegulations,
                format!(
                    "{}没有规章制定权（只有省、自治区、直辖市和设区的市、自治州人民政府可以制定规章），但表二“规章”行填报了{}",
                    level.label(),
                    nonzero.join("、")
                ),
                loc(TableId::T2, Some("regulations"), None, row.line),
                "核对是否把行政规范性文件或上级规章误填入“规章”行；本机关未制定规章的，“规章”行填 0",
            ));
        }
    }
    if ctx.format == FormatVersion::V2021
        && let (Some(level), Some(row)) = (r.level, t2.row("admin_fees")) {
            let threshold = opts.fee_unit_thresholds.get(&level);
            if let (Some(threshold), Some(v)) = (threshold, cell(row, 0).number())
                && v > *threshold {
                    out.push(Finding::new(
                        CheckCode::FeeUnit,
                        format!(
                            "表二“行政事业性收费”为 {v} 万元，对{}机关而言明显偏大（超过 {threshold} 万元），可能误按“元”填报",
                            level.label()
                        ),
                        loc(TableId::T2, Some("admin_fees"), Some("fee_amount"), row.line),
                        "该栏单位为万元：若原数据以元计，请除以 10000 后填报（例如 12000 元填 1.2）",
                    ));
                }
        }
}

