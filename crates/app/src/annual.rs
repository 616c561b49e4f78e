//! The annual report from records: tables computed by the store, narrative from the stored draft,
//! the checker run on the result (with last year's report for the cross-year checks), drill-down
//! from a cell to the records behind it.

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::{report_from_json, report_json};
use gongkai_domain::report::spec::TableId;
use gongkai_domain::report::{Finding, Report, Value};
use gongkai_store::report::{Narrative, build, cell_of};
use gongkai_store::{Agency, CellRecords, ReportStatus, Storage, StoredReport};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::records::Records;

/// The narrative of the stored report for the year, if any.
async fn stored_narrative(rec: &Records, agency: &Agency, year: i32) -> Result<Narrative> {
    let Some(stored) = rec.store().report(agency.id, year).await? else {
        return Ok(Vec::new());
    };
    let r = stored_report(&stored.content)?;
    Ok(r.sections.into_iter().filter_map(|s| Some((s.id?, s.text))).collect())
}

/// Reads narrative text from JSON: a report in the contract's shape (its sections) or an object
/// `{"s1": "…", "s5": "…"}`.
pub fn narrative_from_json(v: &serde_json::Value) -> Result<Narrative> {
    let doc = v.get("reports").and_then(|r| r.get(0)).unwrap_or(v);
    if doc.get("format").is_some() {
        let r = report_from_json(doc).map_err(|e| AppError::invalid(format!("叙述文件不是有效的年度报告 JSON：{e}")))?;
        return Ok(r.sections.into_iter().filter_map(|s| Some((s.id?, s.text))).collect());
    }
    let Some(obj) = doc.as_object() else {
        return Err(AppError::invalid("叙述文件应为年度报告 JSON，或形如 {\"s1\": \"……\"} 的对象"));
    };
    let mut out = Vec::new();
    for (k, v) in obj {
        if !matches!(k.as_str(), "s1" | "s2" | "s3" | "s4" | "s5" | "s6") {
            return Err(AppError::invalid(format!("叙述文件中的“{k}”不是年度报告的部分（应为 s1 至 s6）")));
        }
        let Some(text) = v.as_str() else { return Err(AppError::invalid(format!("“{k}”的内容应为文字"))) };
        out.push((k.clone(), text.to_string()));
    }
    Ok(out)
}

/// What `report generate` produces.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The report.
    pub report: Report,
    /// The checker's findings.
    pub findings: Vec<Finding>,
    /// Set when the report is the stored locked or published version, not a fresh computation.
    pub stored_status: Option<ReportStatus>,
}

/// Computes the year's report for an agency and checks it. A locked or published report is
/// returned as stored (it changes only by a correction) unless `recompute`; `narrative` replaces
/// the stored draft's sections.
pub async fn generate(
    rec: &Records,
    agency: &Agency,
    year: i32,
    narrative: Option<Narrative>,
    recompute: bool,
) -> Result<Generated> {
    if !(2019..=2100).contains(&year) {
        return Err(AppError::invalid(format!("年度 {year} 超出范围（2019 年起使用年度报告格式）")));
    }
    rec.require(Right::Read, agency).await?;
    if !recompute
        && narrative.is_none()
        && let Some(stored) = rec.store().report(agency.id, year).await?
        && stored.status != ReportStatus::Draft
    {
        let report = stored_report(&stored.content)?;
        let findings = check(&report, None, &CheckOptions::default());
        return Ok(Generated { report, findings, stored_status: Some(stored.status) });
    }
    let mut sections = stored_narrative(rec, agency, year).await?;
    if let Some(n) = narrative {
        sections.retain(|(id, _)| !n.iter().any(|(k, _)| k == id));
        sections.extend(n);
    }
    let mut report = build(agency, year, &rec.store().tallies(agency.id, year).await?, &sections);
    // 落款: the agency (set by `build`) and the day it is drawn up, so that the timeliness of its
    // publication can be checked.
    report.date = Some(rec.today());
    let previous_narrative = stored_narrative(rec, agency, year - 1).await?;
    let previous = build(agency, year - 1, &rec.store().tallies(agency.id, year - 1).await?, &previous_narrative);
    let findings = check(&report, Some(&previous), &CheckOptions::default());
    Ok(Generated { report, findings, stored_status: None })
}

/// Saves the report as the year's draft (refused once locked: corrections need a reason).
pub async fn save_draft(rec: &Records, agency: &Agency, year: i32, report: &Report) -> Result<()> {
    rec.require(Right::EditReport, agency).await?;
    let content = report_json(report, &[]);
    if let Some(r) = rec.store().report(agency.id, year).await?
        && r.status != ReportStatus::Draft
    {
        return Err(AppError::conflict(format!("{year} 年度报告已{}，不能覆盖；如需修改请作为更正并说明原因", r.status.label())));
    }
    rec.store().save_report(&rec.ctx(), agency.id, year, content).await?;
    Ok(())
}

/// The records behind a cell named `t3:ROW:COLUMN`, `t4:COLUMN` or `t2:ROW:COLUMN`, one line each.
pub async fn drill(rec: &Records, agency: &Agency, year: i32, spec: &str) -> Result<Vec<String>> {
    rec.require(Right::Read, agency).await?;
    let parts: Vec<&str> = spec.split([':', '.']).collect();
    let cell = match parts.as_slice() {
        ["t3", row, col] => cell_of(TableId::T3, row, col),
        ["t4", col] | ["t4", "appeals", col] => cell_of(TableId::T4, "appeals", col),
        ["t2", row, col] => cell_of(TableId::T2, row, col),
        _ => None,
    };
    let Some(cell) = cell else {
        return Err(AppError::invalid(format!("无法识别的单元格“{spec}”（例如 t3:granted:natural_person、t3:carried_over:total、t4:review_upheld、t2:normative_docs:made）")));
    };
    let mut out = Vec::new();
    match rec.store().cell_records(agency.id, year, cell).await? {
        CellRecords::Applications(ids) => {
            for id in ids {
                let a = rec.store().application(id).await?;
                out.push(format!(
                    "申请 {}\t{}（{}）\t收到 {}\t{}",
                    a.number,
                    a.applicant.name,
                    a.applicant.kind.label(),
                    a.received_on,
                    match (&a.closing, a.closed_on) {
                        (Some(c), Some(d)) => format!("{d} 办结：{}", c.outcome.label()),
                        _ => "未办结".to_string(),
                    }
                ));
            }
        }
        CellRecords::Appeals(ids) => {
            let all = rec.store().appeals(agency.id).await?;
            for a in all.into_iter().filter(|a| ids.contains(&a.id)) {
                let app = rec.store().application(a.application).await?;
                out.push(format!(
                    "{} {}\t针对申请 {}\t立案 {}\t{}",
                    a.kind.label(),
                    a.note,
                    app.number,
                    a.filed_on,
                    match a.closed_on {
                        Some(d) => format!("{d} 审结：{}", a.result.label()),
                        None => "尚未审结".to_string(),
                    }
                ));
            }
        }
        CellRecords::Documents(ids) => {
            let all = rec.store().documents(agency.id).await?;
            for d in all.into_iter().filter(|d| ids.contains(&d.id)) {
                out.push(format!("{}\t{}\t{}\t{}", d.kind.label(), d.doc_number, d.title, d.validity.label()));
            }
        }
    }
    Ok(out)
}

/// Refuses to lock or publish a report the checker finds errors in (placeholder text such as
/// 待填写, a missing section, numbers that cannot all be right). Cross-year checks do not block:
/// last year's published report is what it is.
async fn require_no_errors(rec: &Records, agency: &Agency, year: i32, what: &str) -> Result<()> {
    let Some(stored) = rec.store().report(agency.id, year).await? else {
        return Err(AppError::not_found(format!("未找到{year} 年度报告：先用 report generate --save 保存草稿")));
    };
    let report = stored_report(&stored.content)?;
    let errors: Vec<String> = check(&report, None, &CheckOptions::default())
        .into_iter()
        .filter(|f| f.severity == gongkai_domain::report::Severity::Error)
        .map(|f| format!("{}：{}", f.code.code(), f.message))
        .collect();
    if !errors.is_empty() {
        return Err(AppError::invalid(format!(
            "{year} 年度报告有 {} 处错误，不能{what}（请先修改草稿）：\n{}",
            errors.len(),
            errors.join("\n")
        )));
    }
    Ok(())
}

/// Locks the year's saved draft (no change without a recorded correction from then on).
pub async fn lock(rec: &Records, agency: &Agency, year: i32) -> Result<()> {
    rec.require(Right::LockReport, agency).await?;
    require_no_errors(rec, agency, year, "锁定").await?;
    rec.store().set_report_status(&rec.ctx(), agency.id, year, ReportStatus::Locked).await?;
    Ok(())
}

/// Marks the locked report published; the store refuses it to whoever locked it, in the same
/// transaction (nobody approves their own work).
pub async fn publish(rec: &Records, agency: &Agency, year: i32) -> Result<()> {
    rec.require(Right::PublishReport, agency).await?;
    require_no_errors(rec, agency, year, "发布").await?;
    rec.store().set_report_status(&rec.ctx(), agency.id, year, ReportStatus::Published).await?;
    Ok(())
}

/// A cell whose stored (locked or published) value differs from what the records give now.
#[derive(Debug, Clone, PartialEq)]
pub struct CellDifference {
    /// The cell as `report generate --drill` names it (`t3:granted:natural_person`).
    pub cell: String,
    /// Row and column in the report's wording.
    pub label: String,
    /// As stored.
    pub stored: Value,
    /// From the records now.
    pub current: Value,
}

/// Where the year's report stands (`report status`).
#[derive(Debug, Clone)]
pub struct ReportState {
    /// The stored report, if any.
    pub stored: Option<StoredReport>,
    /// For a locked or published report: the cells the records now contradict.
    pub differences: Vec<CellDifference>,
}

/// `report status`: the stored report's state, and after locking, the cells whose value the
/// records no longer give (a record corrected or added after publication), each with the cell id
/// to drill into.
pub async fn status(rec: &Records, agency: &Agency, year: i32) -> Result<ReportState> {
    rec.require(Right::Read, agency).await?;
    let stored = rec.store().report(agency.id, year).await?;
    let mut differences = Vec::new();
    if let Some(s) = &stored
        && s.status != ReportStatus::Draft
    {
        let kept = stored_report(&s.content)?;
        let sections: Narrative = kept.sections.iter().filter_map(|x| Some((x.id.clone()?, x.text.clone()))).collect();
        let now = build(agency, year, &rec.store().tallies(agency.id, year).await?, &sections);
        let spec = now.format.spec();
        for id in TableId::ALL {
            let table = spec.table(id);
            for (block, row) in table.rows() {
                for col in block.columns {
                    let (Some(a), Some(b)) = (kept.value(id, row.id, col.id), now.value(id, row.id, col.id)) else {
                        continue;
                    };
                    if a != b {
                        let prefix = match id {
                            TableId::T2 => "t2",
                            TableId::T3 => "t3",
                            TableId::T4 => "t4",
                        };
                        differences.push(CellDifference {
                            cell: format!("{prefix}:{}:{}", row.id, col.id),
                            label: format!("{} / {}", row.text, col.text),
                            stored: a.clone(),
                            current: b.clone(),
                        });
                    }
                }
            }
        }
    }
    Ok(ReportState { stored, differences })
}

/// Replaces a locked or published report by a corrected one (a report JSON, e.g. edited from
/// `report generate --to json`), recording who, when and why.
pub async fn correct(
    rec: &Records,
    agency: &Agency,
    year: i32,
    corrected: &serde_json::Value,
    reason: &str,
) -> Result<usize> {
    rec.require(Right::Correct, agency).await?;
    // Accept the contract's `{"reports": [..]}` wrapper or a bare report; check it reads.
    let doc = corrected.get("reports").and_then(|r| r.get(0)).unwrap_or(corrected);
    let report = report_from_json(doc).map_err(|e| AppError::invalid(format!("更正后的报告不是有效的年度报告 JSON：{e}")))?;
    let stored = rec.store().correct_report(&rec.ctx(), agency.id, year, report_json(&report, &[]), reason).await?;
    Ok(stored.corrections.len())
}

fn stored_report(content: &serde_json::Value) -> Result<Report> {
    report_from_json(content)
        .map_err(|e| AppError::new(crate::error::ErrorKind::Internal, format!("已保存的年度报告无法读取：{e}")))
}
