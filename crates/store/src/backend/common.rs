// The storage implementation shared by both backends: `backend/common.rs` and the files it
// `include!`s are compiled once inside sqlite.rs and once inside postgres.rs, which define `Db`
// (the sqlx database), `This` (the store type, with fields `pool`, `rules` and `anchor`) and the
// dialect functions `begin_write`, `begin_snapshot` and `backup_impl`. The SQL is the same text on both
// backends: `$n` placeholders, TEXT dates, BIGINT counts. One file per aggregate: agencies and
// users, applications, the register (appeals, documents, counts), reports, audit and transfer.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use sqlx::{QueryBuilder, Row};

use crate::audit::{Chain, Change, Checkpoint, Receipt, Verifier};
use crate::file::{OutputFile, OutputOptions};
use crate::errors::describe_io;
use crate::model::*;
use crate::reconcile::{Key, Kind};
use crate::timeline::{check_structure, Evaluation};
use crate::transfer::{self, Col};
use crate::util::{date, iso, json, opt_date, opt_iso, unique_or, year_bounds};
use crate::{Result, Store, StoreError};

type Tx = sqlx::Transaction<'static, Db>;
type DbRow = <Db as sqlx::Database>::Row;

/// The columns written when an application is created.
macro_rules! app_cols {
    () => {
        "id, agency_id, number, applicant_kind, applicant_name, applicant_id_doc, applicant_contact, \
         applicant_address, channel, content, requested_form, delivery, case_officer_id, received_on, \
         state, due_on, closed_on, outcome, reply_type, legal_basis, reply_letter_ref, remarks, \
         pause_due_on, next_due_on, query_code"
    };
}

/// The columns read into an [`Application`].
macro_rules! app_select_cols {
    () => {
        concat!(app_cols!(), ", voided_at, void_reason, version")
    };
}

macro_rules! appeal_cols {
    () => {
        "id, application_id, agency_id, kind, filed_on, result, closed_on, note, voided_at, void_reason, ground"
    };
}

macro_rules! document_cols {
    () => {
        "id, agency_id, kind, doc_number, title, made_on, repealed_on, validity, voided_at, void_reason"
    };
}

macro_rules! ext_cols {
    () => {
        "id, application_id, days, reason, requested_by, requested_on, status, decided_by, decided_on"
    };
}

macro_rules! agency_cols {
    () => {
        "id, name, level, parent_id, region, settings"
    };
}

fn agency_from(r: &DbRow) -> Result<Agency> {
    let settings: String = r.try_get("settings")?;
    Ok(Agency {
        id: AgencyId(r.try_get("id")?),
        name: r.try_get("name")?,
        level: AgencyLevel::parse_code(&r.try_get::<String, _>("level")?)?,
        parent: r.try_get::<Option<i64>, _>("parent_id")?.map(AgencyId),
        region: r.try_get("region")?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StoreError::Corrupt(format!("机关设置：{e}")))?,
    })
}

fn user_from(r: &DbRow) -> Result<User> {
    Ok(User {
        id: UserId(r.try_get("id")?),
        login: r.try_get("login")?,
        name: r.try_get("name")?,
        password_hash: r.try_get("password_hash")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
    })
}

/// Whether two audit actors are the same person (`operator:wang` and `wang` are not: the operator
/// is whoever holds the file, not a named user).
fn same_person(a: &str, b: &str) -> bool {
    !a.is_empty() && a == b
}

macro_rules! user_cols {
    () => {
        "id, login, name, password_hash, disabled, failed_logins, locked_until"
    };
}

fn event_from(r: &DbRow) -> Result<Event> {
    Ok(Event {
        kind: EventKind::parse_code(&r.try_get::<String, _>("kind")?)?,
        on: date(&r.try_get::<String, _>("on_date")?)?,
        by: r.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
        amount_yuan: r.try_get("amount_yuan")?,
        note: r.try_get("note")?,
        detail: {
            let d: String = r.try_get("detail")?;
            if d.is_empty() {
                EventDetail::default()
            } else {
                serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(format!("事件详情：{e}")))?
            }
        },
    })
}

fn application_from(r: &DbRow, events: Vec<Event>) -> Result<Application> {
    let outcome: Option<String> = r.try_get("outcome")?;
    let closing = match outcome {
        Some(o) => Some(Closing {
            outcome: Outcome::parse_code(&o)?,
            reply_type: r.try_get("reply_type")?,
            legal_basis: r.try_get("legal_basis")?,
            reply_letter_ref: r.try_get("reply_letter_ref")?,
        }),
        None => None,
    };
    Ok(Application {
        id: ApplicationId(r.try_get("id")?),
        agency: AgencyId(r.try_get("agency_id")?),
        number: r.try_get("number")?,
        applicant: Applicant {
            kind: ApplicantKind::parse_code(&r.try_get::<String, _>("applicant_kind")?)?,
            name: r.try_get("applicant_name")?,
            id_document: r.try_get("applicant_id_doc")?,
            contact: r.try_get("applicant_contact")?,
            address: r.try_get("applicant_address")?,
        },
        channel: Channel::parse_code(&r.try_get::<String, _>("channel")?)?,
        content: r.try_get("content")?,
        requested_form: r.try_get("requested_form")?,
        delivery: r.try_get("delivery")?,
        case_officer: r.try_get::<Option<i64>, _>("case_officer_id")?.map(UserId),
        received_on: date(&r.try_get::<String, _>("received_on")?)?,
        events,
        state: CaseState::parse_code(&r.try_get::<String, _>("state")?)?,
        due_on: opt_date(r.try_get("due_on")?)?,
        closed_on: opt_date(r.try_get("closed_on")?)?,
        closing,
        remarks: r.try_get("remarks")?,
        pause_due_on: opt_date(r.try_get("pause_due_on")?)?,
        voided: voided_from(r)?,
        version: r.try_get("version")?,
        query_code: r.try_get("query_code")?,
    })
}

fn voided_from(r: &DbRow) -> Result<Option<Voided>> {
    r.try_get::<Option<String>, _>("voided_at")?
        .map(|at| -> Result<Voided> { Ok(Voided { at, reason: r.try_get("void_reason")? }) })
        .transpose()
}

fn extension_from(r: &DbRow) -> Result<ExtensionRequest> {
    let days: i64 = r.try_get("days")?;
    Ok(ExtensionRequest {
        id: r.try_get("id")?,
        application: ApplicationId(r.try_get("application_id")?),
        days: u32::try_from(days).map_err(|_| StoreError::Corrupt(format!("延期天数 {days}")))?,
        reason: r.try_get("reason")?,
        requested_by: UserId(r.try_get("requested_by")?),
        requested_on: date(&r.try_get::<String, _>("requested_on")?)?,
        status: ExtensionStatus::parse_code(&r.try_get::<String, _>("status")?)?,
        decided_by: r.try_get::<Option<i64>, _>("decided_by")?.map(UserId),
        decided_on: opt_date(r.try_get("decided_on")?)?,
    })
}

fn appeal_from(r: &DbRow) -> Result<Appeal> {
    Ok(Appeal {
        id: AppealId(r.try_get("id")?),
        application: ApplicationId(r.try_get("application_id")?),
        agency: AgencyId(r.try_get("agency_id")?),
        kind: AppealKind::parse_code(&r.try_get::<String, _>("kind")?)?,
        filed_on: date(&r.try_get::<String, _>("filed_on")?)?,
        result: AppealResult::parse_code(&r.try_get::<String, _>("result")?)?,
        closed_on: opt_date(r.try_get("closed_on")?)?,
        note: r.try_get("note")?,
        ground: AppealGround::parse_code(&r.try_get::<String, _>("ground")?)?,
        voided: voided_from(r)?,
    })
}

fn document_from(r: &DbRow) -> Result<Document> {
    Ok(Document {
        id: DocumentId(r.try_get("id")?),
        agency: AgencyId(r.try_get("agency_id")?),
        kind: DocumentKind::parse_code(&r.try_get::<String, _>("kind")?)?,
        doc_number: r.try_get("doc_number")?,
        title: r.try_get("title")?,
        made_on: date(&r.try_get::<String, _>("made_on")?)?,
        repealed_on: opt_date(r.try_get("repealed_on")?)?,
        validity: Validity::parse_code(&r.try_get::<String, _>("validity")?)?,
        voided: voided_from(r)?,
    })
}

/// Ids are assigned under the write lock (writers are serialised), the same way on both backends,
/// so that bulk inserts know their ids and exports round-trip without sequence fix-ups.
async fn next_id(tx: &mut Tx, sql: &'static str) -> Result<i64> {
    let max: Option<i64> = sqlx::query_scalar(sql).fetch_one(&mut **tx).await?;
    Ok(max.unwrap_or(0) + 1)
}

async fn chain_head(tx: &mut Tx) -> Result<Chain> {
    let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut **tx).await?;
    Ok(Chain { seq: r.try_get("seq")?, hash: r.try_get("hash")? })
}

/// The head of the chain as a receipt.
async fn tx_head(tx: &mut Tx) -> Result<Receipt> {
    let c = chain_head(tx).await?;
    Ok(Receipt { seq: c.seq, hash: c.hash })
}

async fn write_audit(tx: &mut Tx, chain: &Chain, entries: Vec<AuditEntry>) -> Result<()> {
    for chunk in entries.chunks(1000) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, agency_id, reason) ",
        );
        qb.push_values(chunk, |mut b, e| {
            b.push_bind(e.seq)
                .push_bind(e.at.clone())
                .push_bind(e.actor.clone())
                .push_bind(e.action.clone())
                .push_bind(e.entity.clone())
                .push_bind(e.entity_id.clone())
                .push_bind(e.before.clone())
                .push_bind(e.after.clone())
                .push_bind(e.prev_hash.clone())
                .push_bind(e.hash.clone())
                .push_bind(e.agency.map(|a| a.0))
                .push_bind(e.reason.clone());
        });
        qb.build().execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(chain.seq)
        .bind(chain.hash.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn audit(tx: &mut Tx, ctx: &Ctx, change: Change<'_>) -> Result<()> {
    let mut chain = chain_head(tx).await?;
    let e = chain.append(ctx.at.to_rfc3339(), &ctx.actor, change);
    write_audit(tx, &chain, vec![e]).await
}

async fn load_agency(tx: &mut Tx, id: AgencyId) -> Result<Agency> {
    let r = sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("机关（编号 {id}）")))?;
    agency_from(&r)
}

async fn load_application(tx: &mut Tx, id: ApplicationId) -> Result<Application> {
    let r = sqlx::query(concat!("SELECT ", app_select_cols!(), " FROM applications WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("申请（编号 {id}）")))?;
    let events = sqlx::query(
        "SELECT kind, on_date, actor_id, amount_yuan, note, detail FROM application_events \
         WHERE application_id = $1 ORDER BY seq",
    )
    .bind(id.0)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(event_from)
    .collect::<Result<Vec<_>>>()?;
    application_from(&r, events)
}

async fn has_role(tx: &mut Tx, user: UserId, agency: AgencyId, role: Role) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_roles WHERE user_id = $1 AND agency_id = $2 AND role = $3",
    )
    .bind(user.0)
    .bind(agency.0)
    .bind(role.code())
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// What the rules of a timeline need to know about its case.
struct CaseFacts<'a> {
    agency: &'a Agency,
    officer: Option<UserId>,
    channel: Channel,
    received_on: NaiveDate,
}

/// The checks every timeline passes before it is stored: structure, the rules for what is new in
/// it (separation of duties for an extension, fee amounts), then the deadline engine, which
/// derives state and due dates. `old` is the timeline as stored: its events were checked when
/// they were recorded and are not held against today's roles again.
async fn evaluate_timeline(
    this: &This,
    tx: &mut Tx,
    case: &CaseFacts<'_>,
    events: &[Event],
    old: &[Event],
    closing: Option<&Closing>,
) -> Result<Evaluation> {
    check_structure(case.received_on, events, closing).map_err(StoreError::Rule)?;
    for (i, e) in events.iter().enumerate() {
        if !old.contains(e) {
            check_new_event(tx, case, &events[..i], e).await?;
        }
    }
    this.rules.evaluate(case.agency, case.channel, events).map_err(StoreError::Rule)
}

/// Rules for an event being recorded now (on every path: a form, `case event`, a ledger, an
/// import of a case).
async fn check_new_event(tx: &mut Tx, case: &CaseFacts<'_>, earlier: &[Event], e: &Event) -> Result<()> {
    match e.kind {
        EventKind::ExtensionApproved => {
            // Art. 33: an extension is approved by the head of the disclosure office, who is not
            // the officer handling the case; it is never merely claimed by whoever records it.
            let Some(by) = e.by else {
                return Err(StoreError::Forbidden(format!(
                    "{} 的延期答复没有批准人：延期须经本机关办公室负责人批准（条例第三十三条）",
                    e.on
                )));
            };
            if Some(by) == case.officer {
                return Err(StoreError::Forbidden(
                    "延期答复须经办公室负责人同意，承办人不得审批本人承办的申请".into(),
                ));
            }
            if !has_role(tx, by, case.agency.id, Role::OfficeHead).await? {
                return Err(StoreError::Forbidden("审批延期答复的用户不是本机关办公室负责人".into()));
            }
        }
        EventKind::FeeNoticeSent => match e.amount_yuan {
            Some(a) if (1..=MAX_FEE_YUAN).contains(&a) => {}
            Some(a) => {
                return Err(StoreError::Rule(format!("收费金额 {a} 元超出范围（应为 1 至 {MAX_FEE_YUAN} 元）")));
            }
            None => return Err(StoreError::Rule("收费通知须载明金额（用 gongkai fee 计算，或按通知书填写）".into())),
        },
        EventKind::FeePaid => {
            let notice = earlier.iter().rev().find(|p| p.kind == EventKind::FeeNoticeSent).and_then(|p| p.amount_yuan);
            match (e.amount_yuan, notice) {
                (Some(paid), Some(due)) if paid != due => {
                    return Err(StoreError::Rule(format!("缴费金额 {paid} 元与收费通知的 {due} 元不符")));
                }
                (None, _) => return Err(StoreError::Rule("缴费须填写金额（与收费通知一致）".into())),
                _ => {}
            }
        }
        _ => {
            if e.amount_yuan.is_some() {
                return Err(StoreError::Rule(format!("{}不填写金额（金额只用于收费通知和缴费）", e.kind.label())));
            }
        }
    }
    Ok(())
}

impl This {
    pub(crate) async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// The head of the chain.
    pub(crate) async fn head(&self) -> Result<Receipt> {
        let mut tx = self.pool.begin().await?;
        let head = tx_head(&mut tx).await?;
        tx.commit().await?;
        Ok(head)
    }

    /// Commits a write transaction, then moves the anchor to the head it committed. The anchor
    /// is advanced after the commit, so that it never names an entry the database lacks; an
    /// anchor that cannot be written lags behind (which `verify` tolerates and reports), but
    /// never fails a write that is already on disk.
    async fn commit_write(&self, mut tx: Tx) -> Result<()> {
        let head = match &self.anchor {
            Some(_) => Some(tx_head(&mut tx).await?),
            None => None,
        };
        tx.commit().await?;
        if let (Some(anchor), Some(head)) = (&self.anchor, head) {
            let _ = anchor.advance(&head);
        }
        Ok(())
    }
}

include!("agencies.rs");
include!("applications.rs");
include!("register.rs");
include!("reports.rs");
include!("audit.rs");
include!("sessions.rs");
include!("transfer.rs");
include!("reconcile.rs");
