//! The audit log as the console shows it: entries filtered by actor, agency, date range (Beijing
//! days) and action, newest first, page by page, of the agencies where the principal may read the
//! audit log (entries of no agency — users, installation-wide changes — only for those who may
//! read every agency's). Verification is [`crate::transfer::verify`].

use std::collections::VecDeque;

use chrono::{DateTime, FixedOffset, NaiveDate};
use gongkai_store::{AgencyId, AuditEntry, Storage};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::records::Records;

/// A search of the audit log (empty fields: any).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// The actor contains this (login or name as recorded).
    pub actor: Option<String>,
    /// Only this agency's records.
    pub agency: Option<AgencyId>,
    /// On or after this day (Beijing).
    pub from: Option<NaiveDate>,
    /// On or before this day (Beijing).
    pub to: Option<NaiveDate>,
    /// The action (`create`, `grant`, `login` …) or the record kind (`user`, `appeal` …) is this.
    pub action: Option<String>,
    /// Skip this many matches (newest first).
    pub offset: usize,
    /// At most this many.
    pub limit: usize,
}

/// One page of matches, newest first.
#[derive(Debug, Clone)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Whether older matches follow.
    pub more: bool,
}

/// The Beijing day of an entry's time (RFC 3339).
pub fn beijing_day(at: &str) -> Option<NaiveDate> {
    let t: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(at).ok()?;
    let bj = FixedOffset::east_opt(8 * 3600)?;
    Some(t.with_timezone(&bj).date_naive())
}

/// The entries matching `q` that the principal may read, newest first.
pub async fn search(rec: &Records, q: &AuditQuery) -> Result<AuditPage> {
    let all = rec.all_agencies().await?;
    let readable: Vec<AgencyId> =
        all.iter().filter(|a| rec.principal().can(Right::ReadAudit, a, &all)).map(|a| a.id).collect();
    if readable.is_empty() {
        return Err(AppError::forbidden(format!("{}无权查看审计日志", rec.principal().name())));
    }
    if let Some(a) = q.agency
        && !readable.contains(&a)
    {
        return Err(AppError::not_found(format!("未找到机关“{a}”的审计日志（或无权查看）")));
    }
    let everything = readable.len() == all.len();
    let limit = q.limit.clamp(1, 1_000);
    // Keep the newest `offset + limit + 1` matches while reading the chain in order.
    let keep = q.offset + limit + 1;
    let mut window: VecDeque<AuditEntry> = VecDeque::with_capacity(keep);
    let actor = q.actor.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let action = q.action.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut after = 0;
    loop {
        let page = rec.store().audit_entries(after, 2_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in page {
            let visible = match e.agency {
                Some(a) => readable.contains(&a),
                None => everything,
            };
            if !visible
                || q.agency.is_some_and(|a| e.agency != Some(a))
                || actor.is_some_and(|s| !e.actor.contains(s))
                || action.is_some_and(|s| e.action != s && e.entity != s)
            {
                continue;
            }
            if q.from.is_some() || q.to.is_some() {
                let Some(day) = beijing_day(&e.at) else { continue };
                if q.from.is_some_and(|f| day < f) || q.to.is_some_and(|t| day > t) {
                    continue;
                }
            }
            if window.len() == keep {
                window.pop_front();
            }
            window.push_back(e);
        }
    }
    // Newest first; `window` holds the newest `keep` in chain order.
    let newest: Vec<AuditEntry> = window.into_iter().rev().collect();
    let more = newest.len() > q.offset + limit;
    let entries = newest.into_iter().skip(q.offset).take(limit).collect();
    Ok(AuditPage { entries, more })
}
