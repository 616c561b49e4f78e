//! 工作台: what needs attention now, for the acting user — cases due within a few working days,
//! overdue, paused (never shown as overdue), extensions awaiting their approval, and each agency's
//! annual report with its deadline. A county supervisor gets the same per agency below.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::report::check::CheckOptions;
use gongkai_store::{Agency, AgencyLevel, CaseFilter, CaseState, CaseSummary, ExtensionRequest, ReportStatus, Storage};

use crate::auth::Right;
use crate::cases;
use crate::error::Result;
use crate::records::Records;

/// Working days ahead that count as "due soon".
pub const DUE_SOON_WORKING_DAYS: u32 = 5;

/// One agency's state.
#[derive(Debug, Clone)]
pub struct AgencyDesk {
    /// The agency.
    pub agency: Agency,
    /// Open cases (clock running or paused).
    pub open: i64,
    /// Running and due within [`DUE_SOON_WORKING_DAYS`] working days (not yet overdue).
    pub due_soon: i64,
    /// Running and past the reply due date.
    pub overdue: i64,
    /// Paused (correction, consultation, fee).
    pub paused: i64,
    /// The report year on the desk.
    pub report_year: i32,
    /// Its stored status (`None`: nothing saved yet).
    pub report_status: Option<ReportStatus>,
    /// Its publication deadline.
    pub report_due: Option<NaiveDate>,
}

/// The desk.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Today.
    pub today: NaiveDate,
    /// Running cases due within [`DUE_SOON_WORKING_DAYS`] working days, nearest first.
    pub due_soon: Vec<CaseSummary>,
    /// Running cases past their reply due date, most overdue first.
    pub overdue: Vec<CaseSummary>,
    /// Paused cases, by the end of their pause.
    pub paused: Vec<CaseSummary>,
    /// Extension requests the user may decide.
    pub awaiting_approval: Vec<(ExtensionRequest, String)>,
    /// Per agency the user works at (or supervises).
    pub agencies: Vec<AgencyDesk>,
}

/// The report year on the desk: until the end of March the previous year's report is due;
/// from April on, this year's is being prepared.
pub fn report_year(today: NaiveDate) -> i32 {
    if today.month() <= 3 { today.year() - 1 } else { today.year() }
}

/// The publication deadline of an agency's report of `year` (its own setting, else Art. 49's).
pub fn report_deadline(agency: &Agency, year: i32) -> Option<NaiveDate> {
    if let Some(md) = agency.settings.report_deadline.as_deref()
        && let Some((m, d)) = md.split_once('-')
        && let (Ok(m), Ok(d)) = (m.parse(), d.parse())
    {
        return NaiveDate::from_ymd_opt(year + 1, m, d);
    }
    let level = match agency.level {
        AgencyLevel::Township => gongkai_domain::report::AgencyLevel::Township,
        AgencyLevel::County => gongkai_domain::report::AgencyLevel::County,
        AgencyLevel::City => gongkai_domain::report::AgencyLevel::City,
        AgencyLevel::Province => gongkai_domain::report::AgencyLevel::Province,
        AgencyLevel::Department => gongkai_domain::report::AgencyLevel::Department,
    };
    CheckOptions::default().deadline(level, u16::try_from(year).ok()?)
}

/// The acting user's desk.
pub async fn dashboard(rec: &Records) -> Result<Dashboard> {
    let today = rec.today();
    let agencies = rec.agencies().await?;
    let ids: Vec<_> = agencies.iter().map(|a| a.id).collect();
    let store = rec.store();
    let soon_limit = rec.office().engine.add_working_days(today, DUE_SOON_WORKING_DAYS);
    let mut due_soon = Vec::new();
    let mut overdue = Vec::new();
    let mut paused = Vec::new();
    if !ids.is_empty() {
        let running = CaseFilter {
            agencies: ids.clone(),
            open_only: true,
            state: Some(CaseState::Open),
            by_due_date: true,
            due_on_or_before: Some(soon_limit),
            limit: 200,
            ..CaseFilter::default()
        };
        for c in store.list_cases(&running).await? {
            match c.due_on {
                Some(d) if d < today => overdue.push(c),
                _ => due_soon.push(c),
            }
        }
        let pauses = CaseFilter {
            agencies: ids.clone(),
            open_only: true,
            state: Some(CaseState::Paused),
            limit: 200,
            ..CaseFilter::default()
        };
        paused = store.list_cases(&pauses).await?;
        paused.sort_by_key(|c| (c.pause_due_on.is_none(), c.pause_due_on, c.id));
    }
    let mut awaiting_approval = Vec::new();
    for r in cases::extension_requests(rec, None, true).await? {
        let app = store.application(r.application).await?;
        if Some(r.requested_by) != rec.principal().user_id() && app.case_officer != rec.principal().user_id() {
            awaiting_approval.push((r, app.number));
        }
    }
    let year = report_year(today);
    let mut desks = Vec::with_capacity(agencies.len());
    for a in agencies {
        let count = |state: Option<CaseState>, due: Option<NaiveDate>| CaseFilter {
            agencies: vec![a.id],
            open_only: true,
            state,
            due_on_or_before: due,
            by_due_date: due.is_some(),
            ..CaseFilter::default()
        };
        let open = store.count_cases(&count(None, None)).await?;
        let late = store.count_cases(&count(Some(CaseState::Open), today.pred_opt())).await?;
        let soon = store.count_cases(&count(Some(CaseState::Open), Some(soon_limit))).await? - late;
        let held = store.count_cases(&count(Some(CaseState::Paused), None)).await?;
        let report_status = store.report(a.id, year).await?.map(|r| r.status);
        desks.push(AgencyDesk {
            report_due: report_deadline(&a, year),
            agency: a,
            open,
            due_soon: soon,
            overdue: late,
            paused: held,
            report_year: year,
            report_status,
        });
    }
    // Agencies where the user handles cases come first; supervised ones after.
    let mut own = Vec::new();
    let mut below = Vec::new();
    for d in desks {
        if rec.can(Right::Register, &d.agency).await? || rec.can(Right::Handle, &d.agency).await? {
            own.push(d);
        } else {
            below.push(d);
        }
    }
    own.extend(below);
    Ok(Dashboard { today, due_soon, overdue, paused, awaiting_approval, agencies: own })
}
