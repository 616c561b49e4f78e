//! Data entry use cases beyond the ledger: recording an event on a case (the reply included),
//! appeals, the register of 规章 / 行政规范性文件, and the year's typed-in counts.

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use gongkai_store::{
    Agency, Appeal, AppealId, AppealKind, AppealResult, Application, Closing, DeliveryMode,
    Document, DocumentId, DocumentKind, Event, EventDetail, EventKind, NewAppeal, Outcome, Party,
    Storage, Validity, YearlyCounts,
};

use crate::auth::Acting;
use crate::records::Records;

/// An event to record, as typed on the command line or in a form.
#[derive(Debug, Clone)]
pub struct EventInput {
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub on: NaiveDate,
    /// 办理结果, for concluding events (defaults: 逾期不补正, 逾期未缴费, 其他 for a withdrawal).
    pub outcome: Option<Outcome>,
    /// Consultation: whose views.
    pub party: Option<Party>,
    /// Extension: working days (default 20).
    pub days: Option<u32>,
    /// Extension: the approving office head's login.
    pub approver: Option<String>,
    /// Art. 35: the new deadline.
    pub new_date: Option<NaiveDate>,
    /// Reply: how it was delivered.
    pub delivery: Option<DeliveryMode>,
    /// Received: the day of signature or confirmation (Art. 31).
    pub confirmed: Option<NaiveDate>,
    /// Fees: the amount in yuan.
    pub amount_yuan: Option<i64>,
    /// Free text.
    pub note: String,
    /// Reply: Art. 36 reply type.
    pub reply_type: String,
    /// Reply: legal basis.
    pub legal_basis: String,
    /// Reply: reply letter reference.
    pub reply_letter_ref: String,
}

/// Parses an event type: the engine's code (`replied`) or its Chinese name (答复).
pub fn parse_event_kind(s: &str) -> Option<EventKind> {
    EventKind::from_code(s.trim()).or_else(|| EventKind::from_label(s.trim()))
}

/// Records an event on a case; a concluding event records the decision too.
pub async fn record_event(rec: &Records, app: &Application, e: EventInput) -> anyhow::Result<Application> {
    rec.require_write(&rec.store.agency(app.agency).await?).await?;
    let outcome = match (e.kind, e.outcome) {
        (k, Some(o)) if k.concludes() => Some(o),
        (EventKind::CorrectionExpired, None) => Some(Outcome::OhNoCorrection),
        (EventKind::FeeExpired, None) => Some(Outcome::OhFeeUnpaid),
        (EventKind::Withdrawn, None) => Some(Outcome::OhOther),
        (EventKind::Replied, None) => bail!("答复须填写办理结果（--outcome，如 予以公开、部分公开、本机关不掌握相关政府信息）"),
        (_, Some(_)) => bail!("只有答复、撤回或逾期终止的事件才填写办理结果"),
        (_, None) => None,
    };
    let mut by = None;
    let mut approver = None;
    if let Some(login) = &e.approver {
        match rec.store.user_by_login(login).await? {
            Some(u) => by = Some(u.id),
            None => approver = Some(login.clone()),
        }
    }
    let event = Event {
        kind: e.kind,
        on: e.on,
        by,
        amount_yuan: e.amount_yuan,
        note: e.note,
        detail: EventDetail {
            signed: None,
            confirmed: e.confirmed,
            same_day_contact_failed: None,
            party: e.party.or(matches!(
                e.kind,
                EventKind::ConsultationStarted | EventKind::ConsultationAnswered | EventKind::ConsultationExpired
            )
            .then_some(Party::ThirdParty)),
            days: e.days,
            approver,
            new_date: e.new_date,
            delivery: e.delivery,
        },
    };
    let closing = outcome.map(|o| Closing {
        outcome: o,
        reply_type: e.reply_type,
        legal_basis: e.legal_basis,
        reply_letter_ref: e.reply_letter_ref,
    });
    Ok(rec.store.add_event(&rec.ctx(), app.id, event, closing).await?)
}

/// Records an appeal against the decision on a case.
pub async fn add_appeal(
    rec: &Records,
    app: &Application,
    kind: AppealKind,
    filed_on: NaiveDate,
    result: Option<(AppealResult, NaiveDate)>,
    note: String,
) -> anyhow::Result<Appeal> {
    rec.require_write(&rec.store.agency(app.agency).await?).await?;
    let (result, closed_on) = match result {
        Some((r, d)) => (r, Some(d)),
        None => (AppealResult::Pending, None),
    };
    Ok(rec
        .store
        .create_appeal(&rec.ctx(), NewAppeal { application: app.id, kind, filed_on, result, closed_on, note })
        .await?)
}

/// Records an appeal's result.
pub async fn close_appeal(rec: &Records, id: i64, result: AppealResult, on: NaiveDate) -> anyhow::Result<Appeal> {
    if rec.acting != Acting::Operator {
        // An appeal is found through the agencies: the acting user must be able to change one
        // whose appeals include it.
        let mut allowed = false;
        for agency in rec.store.agencies().await? {
            if rec.store.appeals(agency.id).await?.iter().any(|a| a.id == AppealId(id)) {
                rec.require_write(&agency).await?;
                allowed = true;
                break;
            }
        }
        if !allowed {
            bail!("未找到序号为 {id} 的复议、诉讼案件");
        }
    }
    Ok(rec.store.close_appeal(&rec.ctx(), AppealId(id), result, on).await?)
}

/// Adds a document to the register.
pub async fn add_document(
    rec: &Records,
    agency: &Agency,
    kind: DocumentKind,
    doc_number: &str,
    title: &str,
    made_on: NaiveDate,
) -> anyhow::Result<Document> {
    rec.require_write(agency).await?;
    Ok(rec
        .store
        .add_document(
            &rec.ctx(),
            Document {
                id: DocumentId(0),
                agency: agency.id,
                kind,
                doc_number: doc_number.to_string(),
                title: title.to_string(),
                made_on,
                repealed_on: None,
                validity: Validity::Valid,
            },
        )
        .await?)
}

/// Marks a registered document repealed or amended.
pub async fn repeal_document(
    rec: &Records,
    agency: &Agency,
    doc_number: &str,
    on: NaiveDate,
    validity: Validity,
) -> anyhow::Result<Document> {
    rec.require_write(agency).await?;
    let docs = rec.store.documents(agency.id).await?;
    let doc = docs
        .iter()
        .find(|d| d.doc_number == doc_number.trim())
        .with_context(|| format!("“{}”的文件登记中没有文号 {doc_number}", agency.name))?;
    Ok(rec.store.repeal_document(&rec.ctx(), doc.id, on, validity).await?)
}

/// Sets the year's typed-in counts for table 二.
pub async fn set_counts(rec: &Records, agency: &Agency, year: i32, counts: YearlyCounts) -> anyhow::Result<()> {
    rec.require_write(agency).await?;
    Ok(rec.store.set_yearly_counts(&rec.ctx(), agency.id, year, counts).await?)
}

/// An agency's appeals (readers of the agency only).
pub async fn appeals(rec: &Records, agency: &Agency) -> anyhow::Result<Vec<Appeal>> {
    rec.require_read(agency).await?;
    Ok(rec.store.appeals(agency.id).await?)
}

/// An agency's register of documents (readers of the agency only).
pub async fn documents(rec: &Records, agency: &Agency) -> anyhow::Result<Vec<Document>> {
    rec.require_read(agency).await?;
    Ok(rec.store.documents(agency.id).await?)
}
