//! The annual reports at a glance: every report an acting user may read, per agency and year,
//! with its state, its statutory deadline and the checker's verdict ([`overview`]); and the
//! county supervisor's year ([`supervision`]): every agency below — collected, missing, with
//! errors, published — and the 汇总 of what was collected.

use chrono::NaiveDate;
use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::{Finding, Report, Severity};
use gongkai_report::aggregate::{Aggregation, aggregate_with};
use gongkai_store::{Agency, ReportStatus, Storage, StoredReport};

use crate::annual::stored_report;
use crate::auth::{Right, roles_with};
use crate::dashboard::{report_deadline, report_year};
use crate::error::{AppError, Result};
use crate::records::Records;

/// The checker's verdict on a stored report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Verdict {
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Other findings (提示).
    pub infos: usize,
}

impl Verdict {
    /// Counts findings by severity.
    pub fn of(findings: &[Finding]) -> Verdict {
        let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        Verdict { errors: n(Severity::Error), warnings: n(Severity::Warning), infos: n(Severity::Info) }
    }

    /// 通过 / N 处错误 / N 处警告.
    pub fn label(&self) -> String {
        match (self.errors, self.warnings) {
            (0, 0) => "通过".to_string(),
            (0, w) => format!("{w} 处警告"),
            (e, 0) => format!("{e} 处错误"),
            (e, w) => format!("{e} 处错误，{w} 处警告"),
        }
    }
}

/// One agency's report of one year.
#[derive(Debug, Clone)]
pub struct ReportRow {
    /// The agency.
    pub agency: Agency,
    /// The report year.
    pub year: i32,
    /// The stored report's state (`None`: nothing saved yet).
    pub status: Option<ReportStatus>,
    /// The publication deadline (the agency's setting, else the level's default).
    pub deadline: Option<NaiveDate>,
    /// Past the deadline and not published.
    pub overdue: bool,
    /// The checker's verdict on the stored version (`None` when nothing is saved).
    pub verdict: Option<Verdict>,
    /// Corrections made after locking.
    pub corrections: usize,
}

fn row(agency: &Agency, year: i32, stored: Option<&StoredReport>, today: NaiveDate) -> Result<(ReportRow, Option<Report>)> {
    let deadline = report_deadline(agency, year);
    let (verdict, report) = match stored {
        Some(s) => {
            let r = stored_report(&s.content)?;
            (Some(Verdict::of(&check(&r, None, &CheckOptions::default()))), Some(r))
        }
        None => (None, None),
    };
    let status = stored.map(|s| s.status);
    Ok((
        ReportRow {
            agency: agency.clone(),
            year,
            status,
            deadline,
            overdue: status != Some(ReportStatus::Published) && deadline.is_some_and(|d| today > d),
            verdict,
            corrections: stored.map_or(0, |s| s.corrections.len()),
        },
        report,
    ))
}

/// The reports of every agency the acting user may read: for each agency the report year on the
/// desk and the one before it, and every other year with a stored report; newest first.
pub async fn overview(rec: &Records) -> Result<Vec<ReportRow>> {
    let today = rec.today();
    let current = report_year(today);
    let mut out = Vec::new();
    for agency in rec.agencies().await? {
        for year in (2019..=current).rev() {
            let stored = rec.store().report(agency.id, year).await?;
            if stored.is_none() && year < current - 1 {
                continue;
            }
            out.push(row(&agency, year, stored.as_ref(), today)?.0);
        }
    }
    out.sort_by(|a, b| b.year.cmp(&a.year).then(a.agency.id.0.cmp(&b.agency.id.0)));
    Ok(out)
}

/// The county supervisor's view of one year.
#[derive(Debug, Clone)]
pub struct Supervision {
    /// The report year.
    pub year: i32,
    /// Every agency supervised (the supervisor's own and those below), by id.
    pub rows: Vec<ReportRow>,
    /// 已报送: locked or published.
    pub collected: usize,
    /// 未报送: nothing locked or published yet.
    pub missing: usize,
    /// Collected with errors by the checker.
    pub with_errors: usize,
    /// 已发布.
    pub published: usize,
    /// The 汇总 of the collected reports (`None` when none is collected).
    pub aggregation: Option<Aggregation>,
    /// Why the collected reports could not be summed, if they could not.
    pub aggregation_error: Option<String>,
}

/// The year's view of every agency the acting user supervises (a county supervisor's role
/// reaches the agencies below): reading only, like every right of the role.
pub async fn supervision(rec: &Records, year: i32) -> Result<Supervision> {
    if !(2019..=2100).contains(&year) {
        return Err(AppError::invalid(format!("年度 {year} 超出范围（2019 年起使用年度报告格式）")));
    }
    let agencies = rec.agencies_with(Right::Supervise).await?;
    if agencies.is_empty() {
        return Err(AppError::forbidden(format!(
            "{}无权{}（需要{}角色）",
            rec.principal().name(),
            Right::Supervise.label(),
            roles_with(Right::Supervise)
        )));
    }
    let today = rec.today();
    let mut rows = Vec::new();
    let mut collected = Vec::new();
    for agency in &agencies {
        let stored = rec.store().report(agency.id, year).await?;
        let (r, report) = row(agency, year, stored.as_ref(), today)?;
        if matches!(r.status, Some(ReportStatus::Locked | ReportStatus::Published))
            && let Some(report) = report
        {
            collected.push(report);
        }
        rows.push(r);
    }
    let is_collected = |r: &&ReportRow| matches!(r.status, Some(ReportStatus::Locked | ReportStatus::Published));
    let top = agencies.iter().find(|a| !agencies.iter().any(|b| Some(b.id) == a.parent)).unwrap_or(&agencies[0]);
    let name = format!("{}（汇总）", top.name);
    let (aggregation, aggregation_error) = if collected.is_empty() {
        (None, None)
    } else {
        match aggregate_with(&collected, Some(&name), &CheckOptions::default()) {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e.to_string())),
        }
    };
    Ok(Supervision {
        year,
        collected: rows.iter().filter(is_collected).count(),
        missing: rows.iter().filter(|r| !is_collected(r)).count(),
        with_errors: rows.iter().filter(is_collected).filter(|r| r.verdict.is_some_and(|v| v.errors > 0)).count(),
        published: rows.iter().filter(|r| r.status == Some(ReportStatus::Published)).count(),
        rows,
        aggregation,
        aggregation_error,
    })
}
