//! A report laid out for a page: its sections and its three tables in the national format's
//! rows and columns, every finding numbered and placed beside the cell, row or section it
//! concerns (the rest in a general list). Shared by the report page and the checker.

use gongkai_domain::report::spec::TableId;
use gongkai_domain::report::{Finding, Report, Severity, Value};

/// A finding as shown.
#[derive(Debug, Clone)]
pub struct FindingView {
    /// Its number on the page (the marker beside the cell says the same).
    pub n: usize,
    /// `error` / `warning` / `info` (a CSS class).
    pub class: &'static str,
    /// 错误 / 警告 / 提示.
    pub severity: &'static str,
    /// The check's code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub fix: String,
}

/// A cell.
#[derive(Debug, Clone)]
pub struct CellView {
    /// As printed.
    pub text: String,
    /// The drill-down page of the records behind it (non-zero cells of computed tables).
    pub href: Option<String>,
    /// The numbers of the findings about this cell.
    pub marks: Vec<usize>,
    /// The worst severity among them (a CSS class), empty when none.
    pub class: &'static str,
}

/// A row.
#[derive(Debug, Clone)]
pub struct RowView {
    /// The row's text.
    pub label: String,
    /// Indentation level (a CSS class `l0` … `l3`).
    pub level: u8,
    /// A heading row without cells.
    pub header_only: bool,
    /// The cells, in the block's column order.
    pub cells: Vec<CellView>,
    /// Findings about the row as a whole.
    pub marks: Vec<usize>,
}

/// A block of a table (its own columns).
#[derive(Debug, Clone)]
pub struct BlockView {
    /// The block's caption.
    pub caption: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<RowView>,
}

/// A table.
#[derive(Debug, Clone)]
pub struct TableView {
    /// `t2` … `t4`.
    pub id: &'static str,
    /// Its title.
    pub title: String,
    /// Its blocks.
    pub blocks: Vec<BlockView>,
    /// The findings about this table.
    pub findings: Vec<FindingView>,
}

/// A section, with its table when it has one.
#[derive(Debug, Clone)]
pub struct SectionView {
    /// `s1` … `s6` (empty for text the reader could not place).
    pub id: String,
    /// 一 … 六 with the title.
    pub heading: String,
    /// The text.
    pub text: String,
    /// The findings about the section's text.
    pub findings: Vec<FindingView>,
    /// The section's table.
    pub table: Option<TableView>,
}

/// The whole report as shown.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// Sections in order.
    pub sections: Vec<SectionView>,
    /// Findings that concern no cell, row or section.
    pub general: Vec<FindingView>,
    /// Counts: errors, warnings, infos.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

fn view(n: usize, f: &Finding) -> FindingView {
    FindingView {
        n,
        class: class_of(f.severity),
        severity: f.severity.label(),
        code: f.code.code(),
        message: f.message.clone(),
        fix: f.fix.clone(),
    }
}

fn class_of(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Lays a report out. `drill` is the base of drill-down links (`/reports/1/2025/drill`) for a
/// report computed from records; `None` for an uploaded one.
pub fn layout(report: &Report, findings: &[Finding], drill: Option<&str>) -> ReportView {
    let numbered: Vec<(usize, &Finding)> = findings.iter().enumerate().map(|(i, f)| (i + 1, f)).collect();
    let spec = report.format.spec();
    let mut placed = vec![false; numbered.len()];
    let mut sections = Vec::new();
    for s in spec.sections.iter() {
        let text = report.section(s.id).map(|x| x.text.clone()).unwrap_or_default();
        let mut sf = Vec::new();
        for (i, (n, f)) in numbered.iter().enumerate() {
            if f.location.section.as_deref() == Some(s.id) && f.location.table.is_none() {
                sf.push(view(*n, f));
                placed[i] = true;
            }
        }
        let table = s.table.map(|t| table_view(report, t, &numbered, &mut placed, drill));
        sections.push(SectionView {
            id: s.id.to_string(),
            heading: format!("{}、{}", s.number, s.title),
            text,
            findings: sf,
            table,
        });
    }
    let general: Vec<FindingView> =
        numbered.iter().zip(&placed).filter(|(_, p)| !**p).map(|((n, f), _)| view(*n, f)).collect();
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    ReportView {
        sections,
        general,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    }
}

fn table_view(
    report: &Report,
    id: TableId,
    numbered: &[(usize, &Finding)],
    placed: &mut [bool],
    drill: Option<&str>,
) -> TableView {
    let spec = report.format.spec().table(id);
    let tid = id.id();
    let mut findings = Vec::new();
    for (i, (n, f)) in numbered.iter().enumerate() {
        if f.location.table.as_deref() == Some(tid) {
            findings.push(view(*n, f));
            placed[i] = true;
        }
    }
    let about = |row: &str, col: Option<&str>| -> Vec<(usize, Severity)> {
        numbered
            .iter()
            .filter(|(_, f)| {
                f.location.table.as_deref() == Some(tid)
                    && f.location.row.as_deref() == Some(row)
                    && f.location.column.as_deref() == col
            })
            .map(|(n, f)| (*n, f.severity))
            .collect()
    };
    let mut blocks = Vec::new();
    for block in spec.blocks {
        let mut rows = Vec::new();
        for r in block.rows {
            let cells = if r.header_only {
                Vec::new()
            } else {
                block
                    .columns
                    .iter()
                    .map(|c| {
                        let v = report.value(id, r.id, c.id).cloned().unwrap_or(Value::Absent);
                        let marks = about(r.id, Some(c.id));
                        let worst = marks.iter().map(|(_, s)| *s).min();
                        let nonzero = v.number().is_some_and(|d| !d.is_zero());
                        let href = match drill {
                            Some(base) if nonzero && drillable(id, r.id, c.id) => {
                                Some(format!("{base}?cell={tid}:{}:{}", r.id, c.id))
                            }
                            _ => None,
                        };
                        CellView {
                            text: match &v {
                                Value::Absent => "—".to_string(),
                                other => other.to_string(),
                            },
                            href,
                            marks: marks.iter().map(|(n, _)| *n).collect(),
                            class: worst.map_or("", class_of),
                        }
                    })
                    .collect()
            };
            rows.push(RowView {
                label: r.text.to_string(),
                level: r.level.min(3),
                header_only: r.header_only,
                cells,
                marks: about(r.id, None).into_iter().map(|(n, _)| n).collect(),
            });
        }
        blocks.push(BlockView {
            caption: block.caption.unwrap_or_default().to_string(),
            columns: block.columns.iter().map(|c| c.text.to_string()).collect(),
            rows,
        });
    }
    TableView { id: tid, title: spec.title.to_string(), blocks, findings }
}

/// Whether the records behind a cell can be listed (the cells computed from records).
fn drillable(table: TableId, row: &str, column: &str) -> bool {
    match table {
        TableId::T3 => row != "other_handling" && !column.is_empty(),
        TableId::T4 => true,
        TableId::T2 => matches!(row, "regulations" | "normative_docs") && matches!(column, "made" | "repealed" | "valid"),
    }
}
