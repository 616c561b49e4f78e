// The storage implementation shared by both backends: `backend/common.rs` and the files it
// `include!`s are compiled once inside sqlite.rs and once inside postgres.rs, which define `Db`
// (the sqlx database), `This` (the store type, with fields `pool` and `rules`) and the dialect
// functions `begin_write`, `begin_snapshot` and `backup_impl`. The SQL is the same text on both
// backends: `$n` placeholders, TEXT dates, BIGINT counts. One file per aggregate: agencies and
// users, applications, the register (appeals, documents, counts), reports, audit and transfer.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use sqlx::{QueryBuilder, Row};

use crate::audit::{Chain, Verifier};
use crate::model::*;
use crate::timeline::{check_structure, Evaluation};
use crate::transfer::{self, Col};
use crate::util::{date, iso, json, opt_date, opt_iso, unique_or, year_bounds};
use crate::{Result, StoreError};

type Tx = sqlx::Transaction<'static, Db>;
type DbRow = <Db as sqlx::Database>::Row;

macro_rules! app_cols {
    () => {
        "id, agency_id, number, applicant_kind, applicant_name, applicant_id_doc, applicant_contact, \
         applicant_address, channel, content, requested_form, delivery, case_officer_id, received_on, \
         state, due_on, closed_on, outcome, reply_type, legal_basis, reply_letter_ref, remarks"
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
    })
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

async fn write_audit(tx: &mut Tx, chain: &Chain, entries: Vec<AuditEntry>) -> Result<()> {
    for chunk in entries.chunks(1000) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) ",
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
                .push_bind(e.hash.clone());
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

async fn audit(
    tx: &mut Tx,
    ctx: &Ctx,
    action: &str,
    entity: &str,
    entity_id: String,
    before: String,
    after: String,
) -> Result<()> {
    let mut chain = chain_head(tx).await?;
    let e = chain.append(ctx.at.to_rfc3339(), &ctx.actor, action, entity, entity_id, before, after);
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
    let r = sqlx::query(concat!("SELECT ", app_cols!(), " FROM applications WHERE id = $1"))
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

#[expect(clippy::too_many_arguments, reason = "the facts of one application, passed as they are stored")]
/// The checks every timeline passes before it is stored: structure, separation of duties
/// (an extension is approved by an office head who is not the case officer), then the deadline
/// engine, which derives state and due date.
async fn evaluate_timeline(
    this: &This,
    tx: &mut Tx,
    agency: &Agency,
    case_officer: Option<UserId>,
    channel: Channel,
    received_on: NaiveDate,
    events: &[Event],
    closing: Option<&Closing>,
) -> Result<Evaluation> {
    check_structure(received_on, events, closing).map_err(StoreError::Rule)?;
    for e in events {
        if e.kind == EventKind::ExtensionApproved
            && let Some(by) = e.by
        {
            if Some(by) == case_officer {
                return Err(StoreError::Forbidden(
                    "延期答复须经办公室负责人同意，承办人不得审批本人承办的申请".into(),
                ));
            }
            if !has_role(tx, by, agency.id, Role::OfficeHead).await? {
                return Err(StoreError::Forbidden("审批延期答复的用户不是本机关办公室负责人".into()));
            }
        }
    }
    this.rules.evaluate(agency, channel, events).map_err(StoreError::Rule)
}

impl This {
    pub(crate) async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }
}

include!("agencies.rs");
include!("applications.rs");
include!("register.rs");
include!("reports.rs");
include!("audit.rs");
