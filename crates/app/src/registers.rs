//! The registers beside the cases: appeals (行政复议 / 行政诉讼, table 四), the register of 规章
//! and 行政规范性文件 (table 二), and the year's typed-in counts (table 二), each with corrections
//! and voids that carry a reason.

use chrono::NaiveDate;
use gongkai_store::{
    Agency, Appeal, AppealId, AppealKind, AppealResult, Application, Document, DocumentId, DocumentKind, NewAppeal,
    Storage, Validity, YearlyCounts,
};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::records::Records;

/// Records an appeal against the decision on a case, or against its inaction (the store decides
/// which from the case's timeline and refuses an appeal the case does not allow yet).
pub async fn add_appeal(
    rec: &Records,
    app: &Application,
    kind: AppealKind,
    filed_on: NaiveDate,
    result: Option<(AppealResult, NaiveDate)>,
    note: String,
) -> Result<Appeal> {
    let agency = rec.store().agency(app.agency).await?;
    rec.require(Right::EditRegister, &agency).await?;
    if filed_on > rec.today() {
        return Err(AppError::invalid(format!("立案日期（{filed_on}）晚于今天")));
    }
    let (result, closed_on) = match result {
        Some((r, d)) => (r, Some(d)),
        None => (AppealResult::Pending, None),
    };
    Ok(rec
        .store()
        .create_appeal(&rec.ctx(), NewAppeal { application: app.id, kind, filed_on, result, closed_on, note })
        .await?)
}

/// An appeal by its number, if the principal may see its agency ("not found" otherwise).
pub async fn appeal(rec: &Records, id: i64) -> Result<(Appeal, Agency)> {
    let not_found = || AppError::not_found(format!("未找到序号为 {id} 的复议、诉讼案件（或无权查看）"));
    let a = match rec.store().appeal(AppealId(id)).await {
        Ok(a) => a,
        Err(gongkai_store::StoreError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let agency = rec.store().agency(a.agency).await?;
    if !rec.can(Right::Read, &agency).await? {
        return Err(not_found());
    }
    Ok((a, agency))
}

/// Records an appeal's result (once; a later change is [`correct_appeal`]).
pub async fn close_appeal(rec: &Records, id: i64, result: AppealResult, on: NaiveDate) -> Result<Appeal> {
    let (a, agency) = appeal(rec, id).await?;
    rec.require(Right::EditRegister, &agency).await?;
    Ok(rec.store().close_appeal(&rec.ctx(), a.id, result, on).await?)
}

/// Corrects an appeal (new values) or voids it (`None`), with a reason.
pub async fn correct_appeal(rec: &Records, id: i64, correction: Option<NewAppeal>, reason: &str) -> Result<Appeal> {
    let (a, agency) = appeal(rec, id).await?;
    rec.require(if correction.is_some() { Right::Correct } else { Right::Void }, &agency).await?;
    Ok(rec.store().correct_appeal(&rec.ctx(), a.id, correction, reason).await?)
}

/// An agency's appeals.
pub async fn appeals(rec: &Records, agency: &Agency) -> Result<Vec<Appeal>> {
    rec.require(Right::Read, agency).await?;
    Ok(rec.store().appeals(agency.id).await?)
}

/// Adds a document to the register.
pub async fn add_document(
    rec: &Records,
    agency: &Agency,
    kind: DocumentKind,
    doc_number: &str,
    title: &str,
    made_on: NaiveDate,
) -> Result<Document> {
    rec.require(Right::EditRegister, agency).await?;
    Ok(rec
        .store()
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
                voided: None,
            },
        )
        .await?)
}

async fn document_numbered(rec: &Records, agency: &Agency, doc_number: &str) -> Result<Document> {
    rec.store()
        .documents(agency.id)
        .await?
        .into_iter()
        .find(|d| d.doc_number == doc_number.trim() && d.voided.is_none())
        .ok_or_else(|| AppError::not_found(format!("“{}”的文件登记中没有文号 {doc_number}", agency.name)))
}

/// Marks a registered document repealed or amended.
pub async fn repeal_document(
    rec: &Records,
    agency: &Agency,
    doc_number: &str,
    on: NaiveDate,
    validity: Validity,
) -> Result<Document> {
    rec.require(Right::EditRegister, agency).await?;
    let doc = document_numbered(rec, agency, doc_number).await?;
    Ok(rec.store().repeal_document(&rec.ctx(), doc.id, on, validity).await?)
}

/// Corrects a registered document (new values) or voids it (`None`), with a reason.
pub async fn correct_document(
    rec: &Records,
    agency: &Agency,
    doc_number: &str,
    correction: Option<Document>,
    reason: &str,
) -> Result<Document> {
    rec.require(if correction.is_some() { Right::Correct } else { Right::Void }, agency).await?;
    let doc = document_numbered(rec, agency, doc_number).await?;
    Ok(rec.store().correct_document(&rec.ctx(), doc.id, correction, reason).await?)
}

/// An agency's register of documents.
pub async fn documents(rec: &Records, agency: &Agency) -> Result<Vec<Document>> {
    rec.require(Right::Read, agency).await?;
    Ok(rec.store().documents(agency.id).await?)
}

/// Sets the figures given of the year's typed-in counts; changing one already set needs a reason.
pub async fn set_counts(rec: &Records, agency: &Agency, year: i32, counts: YearlyCounts, reason: &str) -> Result<YearlyCounts> {
    rec.require(Right::EditRegister, agency).await?;
    check_year(rec, year)?;
    Ok(rec.store().set_yearly_counts(&rec.ctx(), agency.id, year, counts, reason).await?)
}

/// The year's typed-in counts (`counts show`).
pub async fn counts(rec: &Records, agency: &Agency, year: i32) -> Result<Option<YearlyCounts>> {
    rec.require(Right::Read, agency).await?;
    check_year(rec, year)?;
    Ok(rec.store().yearly_counts(agency.id, year).await?)
}

/// A report year: 2008 (the first year of disclosure) to next year.
pub(crate) fn check_year(rec: &Records, year: i32) -> Result<()> {
    use chrono::Datelike as _;
    let next = rec.today().year() + 1;
    if !(2008..=next).contains(&year) {
        return Err(AppError::invalid(format!("年度 {year} 超出范围（2008 至 {next}）")));
    }
    Ok(())
}
