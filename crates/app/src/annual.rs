//! The annual report from records: tables computed by the store, narrative from the stored draft,
//! the checker run on the result (with last year's report for the cross-year checks), drill-down
//! from a cell to the records behind it.

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::{report_from_json, report_json};
use gongkai_domain::report::spec::TableId;
use gongkai_domain::report::{Finding, Report, Value};
use gongkai_store::report::{Narrative, build, cell_of};
use gongkai_store::{Agency, ApplicationId, CellRecords, ReportStatus, Storage, StoredReport};

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
        return Err(AppError::conflict(format!("{year} 年度报告{}，不能覆盖；如需修改请作为更正并说明原因", r.status.label())));
    }
    rec.store().save_report(&rec.ctx(), agency.id, year, content, None).await?;
    Ok(())
}

/// The longest narrative section accepted, in characters.
pub const MAX_SECTION_CHARS: usize = 20_000;

/// What is wrong with a narrative section's text, if anything (shown at the field).
pub fn section_problem(text: &str) -> Option<String> {
    if text.chars().count() > MAX_SECTION_CHARS {
        return Some(format!("内容过长（最多 {MAX_SECTION_CHARS} 个字）"));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Some("含有不可见的控制字符，请删除后再保存".to_string());
    }
    None
}

/// The fingerprint of the year's stored report (`""` when none is stored): what an editor saw,
/// passed back with their save ([`save_narrative`]).
pub async fn fingerprint(rec: &Records, agency: &Agency, year: i32) -> Result<String> {
    rec.require(Right::Read, agency).await?;
    Ok(rec.store().report(agency.id, year).await?.map(|r| r.fingerprint()).unwrap_or_default())
}

/// Saves the narrative sections edited in the page as the year's draft, the tables computed from
/// the records. `seen` is the [`fingerprint`] of the draft the editor started from: when someone
/// saved meanwhile, the save is refused as a conflict (in the transaction that writes) and
/// nothing is overwritten.
pub async fn save_narrative(rec: &Records, agency: &Agency, year: i32, narrative: Narrative, seen: &str) -> Result<Generated> {
    rec.require(Right::EditReport, agency).await?;
    for (id, text) in &narrative {
        if let Some(p) = section_problem(text) {
            return Err(AppError::invalid(format!("第“{id}”部分：{p}")));
        }
    }
    let g = generate(rec, agency, year, Some(narrative), true).await?;
    rec.store().save_report(&rec.ctx(), agency.id, year, report_json(&g.report, &[]), Some(seen)).await?;
    Ok(g)
}

/// Computes the year's tables from the records again and saves them as the draft, keeping the
/// draft's narrative (refused once locked: a correction needs a reason).
pub async fn regenerate(rec: &Records, agency: &Agency, year: i32) -> Result<Generated> {
    rec.require(Right::EditReport, agency).await?;
    let g = generate(rec, agency, year, None, true).await?;
    save_draft(rec, agency, year, &g.report).await?;
    Ok(g)
}

/// A correction of a locked or published report from the page: the tables as the records give
/// them now, the narrative as edited (sections not given stay as stored), the 落款 date kept;
/// recorded with who, when and why.
pub async fn correct_from_records(
    rec: &Records,
    agency: &Agency,
    year: i32,
    narrative: Narrative,
    reason: &str,
) -> Result<usize> {
    rec.require(Right::Correct, agency).await?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid("更正须说明原因"));
    }
    for (id, text) in &narrative {
        if let Some(p) = section_problem(text) {
            return Err(AppError::invalid(format!("第“{id}”部分：{p}")));
        }
    }
    let Some(stored) = rec.store().report(agency.id, year).await? else {
        return Err(AppError::invalid(format!("{year} 年度报告尚未保存，无需更正")));
    };
    if stored.status == ReportStatus::Draft {
        return Err(AppError::invalid("草稿可直接修改，无需更正"));
    }
    let kept = stored_report(&stored.content)?;
    let mut sections: Narrative = kept.sections.iter().filter_map(|x| Some((x.id.clone()?, x.text.clone()))).collect();
    sections.retain(|(id, _)| !narrative.iter().any(|(k, _)| k == id));
    sections.extend(narrative);
    let mut report = build(agency, year, &rec.store().tallies(agency.id, year).await?, &sections);
    report.date = kept.date;
    let stored = rec.store().correct_report(&rec.ctx(), agency.id, year, report_json(&report, &[]), reason).await?;
    Ok(stored.corrections.len())
}

/// One record behind a cell: the case it is (or concerns), and what a listing shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillItem {
    /// The application (for an appeal: the one it concerns; none for a document).
    pub application: Option<ApplicationId>,
    /// The listing's columns.
    pub columns: Vec<String>,
}

/// The records behind a cell named `t3:ROW:COLUMN`, `t4:COLUMN` or `t2:ROW:COLUMN`, one line each.
pub async fn drill(rec: &Records, agency: &Agency, year: i32, spec: &str) -> Result<Vec<String>> {
    Ok(drill_items(rec, agency, year, spec).await?.into_iter().map(|i| i.columns.join("\t")).collect())
}

/// The records behind a cell (as [`drill`] names it), each with the case to link to.
pub async fn drill_items(rec: &Records, agency: &Agency, year: i32, spec: &str) -> Result<Vec<DrillItem>> {
    Ok(drill_page(rec, agency, year, spec, 0, usize::MAX).await?.1)
}

/// One page of the records behind a cell: how many there are in all, and the `limit` from
/// `offset` on (only those are loaded: a cell of a big agency holds tens of thousands).
pub async fn drill_page(
    rec: &Records,
    agency: &Agency,
    year: i32,
    spec: &str,
    offset: usize,
    limit: usize,
) -> Result<(usize, Vec<DrillItem>)> {
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
    let total;
    match rec.store().cell_records(agency.id, year, cell).await? {
        CellRecords::Applications(ids) => {
            total = ids.len();
            for id in ids.into_iter().skip(offset).take(limit) {
                let a = rec.store().application(id).await?;
                out.push(DrillItem {
                    application: Some(a.id),
                    columns: vec![
                        format!("申请 {}", a.number),
                        format!("{}（{}）", a.applicant.name, a.applicant.kind.label()),
                        format!("收到 {}", a.received_on),
                        match (&a.closing, a.closed_on) {
                            (Some(c), Some(d)) => format!("{d} 办结：{}", c.outcome.label()),
                            _ => "未办结".to_string(),
                        },
                    ],
                });
            }
        }
        CellRecords::Appeals(ids) => {
            total = ids.len();
            let all = rec.store().appeals(agency.id).await?;
            for a in all.into_iter().filter(|a| ids.contains(&a.id)).skip(offset).take(limit) {
                let app = rec.store().application(a.application).await?;
                out.push(DrillItem {
                    application: Some(app.id),
                    columns: vec![
                        format!("{} {}", a.kind.label(), a.note),
                        format!("针对申请 {}", app.number),
                        format!("立案 {}", a.filed_on),
                        match a.closed_on {
                            Some(d) => format!("{d} 审结：{}", a.result.label()),
                            None => "尚未审结".to_string(),
                        },
                    ],
                });
            }
        }
        CellRecords::Documents(ids) => {
            total = ids.len();
            let all = rec.store().documents(agency.id).await?;
            for d in all.into_iter().filter(|d| ids.contains(&d.id)).skip(offset).take(limit) {
                out.push(DrillItem {
                    application: None,
                    columns: vec![d.kind.label().to_string(), d.doc_number, d.title, d.validity.label().to_string()],
                });
            }
        }
    }
    Ok((total, out))
}

/// Refuses to lock or publish a report the checker finds errors in (placeholder text such as
/// 待填写, a missing section, numbers that cannot all be right). Cross-year checks do not block:
/// last year's published report is what it is.
async fn require_no_errors(rec: &Records, agency: &Agency, year: i32, what: &str) -> Result<()> {
    let Some(stored) = rec.store().report(agency.id, year).await? else {
        // A rule of the order (draft first), not a missing record: 422, not 404.
        return Err(AppError::invalid(format!("{year} 年度报告尚未保存草稿，不能{what}：先生成并保存草稿（report generate --save）")));
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

pub(crate) fn stored_report(content: &serde_json::Value) -> Result<Report> {
    report_from_json(content)
        .map_err(|e| AppError::new(crate::error::ErrorKind::Internal, format!("已保存的年度报告无法读取：{e}")))
}
