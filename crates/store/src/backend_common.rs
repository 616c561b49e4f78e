// The storage implementation shared by both backends: this file is `include!`d by sqlite.rs and
// postgres.rs, which define `Db` (the sqlx database), `This` (the store type, with fields `pool`
// and `rules`) and the dialect functions `begin_write`, `begin_snapshot` and `backup_impl`.
// The SQL here is the same text on both backends: `$n` placeholders, TEXT dates, BIGINT counts.

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
use crate::{Result, Storage, StoreError};

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

/// A validated application ready to insert.
struct Prepared {
    id: i64,
    number: String,
    a: NewApplication,
    events: Vec<Event>,
    eval: Evaluation,
}

fn full_events(a: &NewApplication) -> Vec<Event> {
    let mut events = Vec::with_capacity(a.events.len() + 1);
    events.push(Event::new(EventKind::Received, a.received_on));
    events.extend(a.events.iter().cloned());
    events
}

fn check_text(a: &NewApplication) -> Result<()> {
    if a.applicant.name.trim().is_empty() {
        return Err(StoreError::Rule("申请人姓名或名称不能为空".into()));
    }
    if a.content.trim().is_empty() {
        return Err(StoreError::Rule("申请内容不能为空".into()));
    }
    if let Some(n) = &a.number
        && n.trim().is_empty()
    {
        return Err(StoreError::Rule("编号不能为空".into()));
    }
    Ok(())
}

fn prepared_application(p: &Prepared) -> Application {
    Application {
        id: ApplicationId(p.id),
        agency: p.a.agency,
        number: p.number.clone(),
        applicant: p.a.applicant.clone(),
        channel: p.a.channel,
        content: p.a.content.clone(),
        requested_form: p.a.requested_form.clone(),
        delivery: p.a.delivery.clone(),
        case_officer: p.a.case_officer,
        received_on: p.a.received_on,
        events: p.events.clone(),
        state: p.eval.state,
        due_on: p.eval.due_on,
        closed_on: closed_on(&p.events),
        closing: p.a.closing.clone(),
        remarks: p.a.remarks.clone(),
    }
}

fn closed_on(events: &[Event]) -> Option<NaiveDate> {
    events.last().filter(|e| e.kind.concludes()).map(|e| e.on)
}

async fn insert_prepared(tx: &mut Tx, ctx: &Ctx, items: &[Prepared]) -> Result<()> {
    let at = ctx.at.to_rfc3339();
    for chunk in items.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(concat!(
            "INSERT INTO applications (",
            app_cols!(),
            ", version, created_at, updated_at) "
        ));
        qb.push_values(chunk, |mut b, p| {
            let closing = p.a.closing.as_ref();
            b.push_bind(p.id)
                .push_bind(p.a.agency.0)
                .push_bind(p.number.clone())
                .push_bind(p.a.applicant.kind.code())
                .push_bind(p.a.applicant.name.clone())
                .push_bind(p.a.applicant.id_document.clone())
                .push_bind(p.a.applicant.contact.clone())
                .push_bind(p.a.applicant.address.clone())
                .push_bind(p.a.channel.code())
                .push_bind(p.a.content.clone())
                .push_bind(p.a.requested_form.clone())
                .push_bind(p.a.delivery.clone())
                .push_bind(p.a.case_officer.map(|u| u.0))
                .push_bind(iso(p.a.received_on))
                .push_bind(p.eval.state.code())
                .push_bind(opt_iso(p.eval.due_on))
                .push_bind(opt_iso(closed_on(&p.events)))
                .push_bind(closing.map(|c| c.outcome.code()))
                .push_bind(closing.map(|c| c.reply_type.clone()).unwrap_or_default())
                .push_bind(closing.map(|c| c.legal_basis.clone()).unwrap_or_default())
                .push_bind(closing.map(|c| c.reply_letter_ref.clone()).unwrap_or_default())
                .push_bind(p.a.remarks.clone())
                .push_bind(1_i64)
                .push_bind(at.clone())
                .push_bind(at.clone());
        });
        qb.build().execute(&mut **tx).await?;
    }
    let events: Vec<(i64, i64, &Event)> = items
        .iter()
        .flat_map(|p| p.events.iter().enumerate().map(move |(i, e)| (p.id, i as i64 + 1, e)))
        .collect();
    insert_events(tx, &events).await
}

async fn insert_events(tx: &mut Tx, events: &[(i64, i64, &Event)]) -> Result<()> {
    for chunk in events.chunks(1000) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO application_events (application_id, seq, kind, on_date, actor_id, amount_yuan, note, detail) ",
        );
        qb.push_values(chunk, |mut b, (id, seq, e)| {
            b.push_bind(*id)
                .push_bind(*seq)
                .push_bind(e.kind.code())
                .push_bind(iso(e.on))
                .push_bind(e.by.map(|u| u.0))
                .push_bind(e.amount_yuan)
                .push_bind(e.note.clone())
                .push_bind(if e.detail.is_empty() {
                    String::new()
                } else {
                    serde_json::to_string(&e.detail).unwrap_or_default()
                });
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Validates and numbers a batch of new applications; errors carry the 0-based position.
async fn prepare_batch(
    this: &This,
    tx: &mut Tx,
    apps: Vec<NewApplication>,
) -> Result<Vec<Prepared>> {
    let mut next = next_id(tx, "SELECT MAX(id) FROM applications").await?;
    let mut agencies: HashMap<AgencyId, Agency> = HashMap::new();
    let mut taken: HashMap<AgencyId, HashSet<String>> = HashMap::new();
    let mut out = Vec::with_capacity(apps.len());
    let batch = apps.len() > 1;
    let at = |i: usize, e: StoreError| -> StoreError {
        if !batch {
            return e;
        }
        match e {
            StoreError::Rule(m) => StoreError::Rule(format!("第 {} 条：{m}", i + 1)),
            StoreError::Conflict(m) => StoreError::Conflict(format!("第 {} 条：{m}", i + 1)),
            StoreError::Forbidden(m) => StoreError::Forbidden(format!("第 {} 条：{m}", i + 1)),
            other => other,
        }
    };
    for (i, a) in apps.into_iter().enumerate() {
        check_text(&a).map_err(|e| at(i, e))?;
        if let std::collections::hash_map::Entry::Vacant(slot) = agencies.entry(a.agency) {
            let ag = load_agency(tx, a.agency).await?;
            let numbers: Vec<String> =
                sqlx::query_scalar("SELECT number FROM applications WHERE agency_id = $1")
                    .bind(a.agency.0)
                    .fetch_all(&mut **tx)
                    .await?;
            taken.insert(a.agency, numbers.into_iter().collect());
            slot.insert(ag);
        }
        let Some(agency) = agencies.get(&a.agency) else {
            return Err(StoreError::NotFound(format!("机关（编号 {}）", a.agency)));
        };
        let events = full_events(&a);
        let eval = evaluate_timeline(
            this,
            tx,
            agency,
            a.case_officer,
            a.channel,
            a.received_on,
            &events,
            a.closing.as_ref(),
        )
        .await
        .map_err(|e| at(i, e))?;
        let numbers = taken.entry(a.agency).or_default();
        let number = match &a.number {
            Some(n) => {
                let n = n.trim().to_string();
                if !numbers.insert(n.clone()) {
                    return Err(at(i, StoreError::Conflict(format!("编号 {n} 已存在"))));
                }
                n
            }
            None => {
                let year = a.received_on.year();
                let mut k = numbers.len() + 1;
                loop {
                    let n = format!("{year}-{k:06}");
                    if numbers.insert(n.clone()) {
                        break n;
                    }
                    k += 1;
                }
            }
        };
        out.push(Prepared { id: next, number, a, events, eval });
        next += 1;
    }
    Ok(out)
}

async fn load_report(tx: &mut Tx, agency: AgencyId, year: i32) -> Result<Option<StoredReport>> {
    let Some(r) = sqlx::query(
        "SELECT id, agency_id, year, status, content FROM annual_reports WHERE agency_id = $1 AND year = $2",
    )
    .bind(agency.0)
    .bind(i64::from(year))
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = r.try_get("id")?;
    let content: String = r.try_get("content")?;
    let corrections = sqlx::query(
        "SELECT corrected_by, corrected_at, reason, before_json FROM report_corrections \
         WHERE report_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|c| -> Result<ReportCorrection> {
        let at: String = c.try_get("corrected_at")?;
        let before: String = c.try_get("before_json")?;
        Ok(ReportCorrection {
            by: c.try_get("corrected_by")?,
            at: chrono::DateTime::parse_from_rfc3339(&at)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?
                .to_utc(),
            reason: c.try_get("reason")?,
            before: serde_json::from_str(&before).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(Some(StoredReport {
        id: ReportId(id),
        agency,
        year,
        status: ReportStatus::parse_code(&r.try_get::<String, _>("status")?)?,
        content: serde_json::from_str(&content).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        corrections,
    }))
}

fn add_count<K: Ord>(m: &mut BTreeMap<K, i64>, k: K, n: i64) {
    *m.entry(k).or_insert(0) += n;
}

impl Storage for This {
    fn backend(&self) -> crate::Backend {
        BACKEND
    }

    async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn create_agency(&self, ctx: &Ctx, a: NewAgency) -> Result<Agency> {
        let name = a.name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::Rule("机关名称不能为空".into()));
        }
        let mut tx = self.begin_write().await?;
        if let Some(p) = a.parent {
            load_agency(&mut tx, p).await?;
        }
        let id = next_id(&mut tx, "SELECT MAX(id) FROM agencies").await?;
        sqlx::query(
            "INSERT INTO agencies (id, name, level, parent_id, region, settings, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(name.clone())
        .bind(a.level.code())
        .bind(a.parent.map(|p| p.0))
        .bind(a.region.clone())
        .bind(json(&a.settings)?)
        .bind(ctx.at.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("机关“{name}”已存在")))?;
        let agency = Agency {
            id: AgencyId(id),
            name,
            level: a.level,
            parent: a.parent,
            region: a.region,
            settings: a.settings,
        };
        audit(&mut tx, ctx, "create", "agency", id.to_string(), String::new(), json(&agency)?).await?;
        tx.commit().await?;
        Ok(agency)
    }

    async fn update_agency_settings(
        &self,
        ctx: &Ctx,
        id: AgencyId,
        settings: AgencySettings,
    ) -> Result<Agency> {
        let mut tx = self.begin_write().await?;
        let before = load_agency(&mut tx, id).await?;
        sqlx::query("UPDATE agencies SET settings = $1 WHERE id = $2")
            .bind(json(&settings)?)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = Agency { settings, ..before.clone() };
        audit(&mut tx, ctx, "update", "agency", id.to_string(), json(&before)?, json(&after)?).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn agency(&self, id: AgencyId) -> Result<Agency> {
        let r = sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关（编号 {id}）")))?;
        agency_from(&r)
    }

    async fn agency_by_name(&self, name: &str) -> Result<Option<Agency>> {
        sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies WHERE name = $1"))
            .bind(name.trim().to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(agency_from)
            .transpose()
    }

    async fn agencies(&self) -> Result<Vec<Agency>> {
        sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies ORDER BY id"))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(agency_from)
            .collect()
    }

    async fn create_user(&self, ctx: &Ctx, u: NewUser) -> Result<User> {
        let login = u.login.trim().to_string();
        if login.is_empty() {
            return Err(StoreError::Rule("登录名不能为空".into()));
        }
        let mut tx = self.begin_write().await?;
        let id = next_id(&mut tx, "SELECT MAX(id) FROM users").await?;
        sqlx::query(
            "INSERT INTO users (id, login, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(login.clone())
        .bind(u.name.clone())
        .bind(u.password_hash.clone())
        .bind(ctx.at.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("登录名“{login}”已存在")))?;
        let user = User { id: UserId(id), login, name: u.name, password_hash: u.password_hash };
        // The hash itself stays out of the log (User skips it when serialised).
        audit(&mut tx, ctx, "create", "user", id.to_string(), String::new(), json(&user)?).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<User>> {
        sqlx::query("SELECT id, login, name, password_hash FROM users WHERE login = $1")
            .bind(login.trim().to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn user(&self, id: UserId) -> Result<User> {
        let r = sqlx::query("SELECT id, login, name, password_hash FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户（编号 {id}）")))?;
        user_from(&r)
    }

    async fn grant_role(&self, ctx: &Ctx, user: UserId, agency: AgencyId, role: Role) -> Result<()> {
        let mut tx = self.begin_write().await?;
        load_agency(&mut tx, agency).await?;
        if has_role(&mut tx, user, agency, role).await? {
            return Ok(());
        }
        sqlx::query("INSERT INTO user_roles (user_id, agency_id, role) VALUES ($1, $2, $3)")
            .bind(user.0)
            .bind(agency.0)
            .bind(role.code())
            .execute(&mut *tx)
            .await?;
        let grant = RoleGrant { user, agency, role };
        audit(&mut tx, ctx, "grant", "role", user.to_string(), String::new(), json(&grant)?).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn roles(&self, user: UserId) -> Result<Vec<RoleGrant>> {
        sqlx::query("SELECT agency_id, role FROM user_roles WHERE user_id = $1 ORDER BY agency_id, role")
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| -> Result<RoleGrant> {
                let code: String = r.try_get("role")?;
                Ok(RoleGrant {
                    user,
                    agency: AgencyId(r.try_get("agency_id")?),
                    role: Role::from_code(&code)
                        .ok_or_else(|| StoreError::Corrupt(format!("角色 {code}")))?,
                })
            })
            .collect()
    }

    async fn create_application(&self, ctx: &Ctx, a: NewApplication) -> Result<Application> {
        let mut tx = self.begin_write().await?;
        let prepared = prepare_batch(self, &mut tx, vec![a]).await?;
        insert_prepared(&mut tx, ctx, &prepared).await?;
        let mut chain = chain_head(&mut tx).await?;
        let mut entries = Vec::new();
        let mut out = None;
        for p in &prepared {
            let app = prepared_application(p);
            entries.push(chain.append(
                ctx.at.to_rfc3339(),
                &ctx.actor,
                "create",
                "application",
                p.id.to_string(),
                String::new(),
                json(&app)?,
            ));
            out = Some(app);
        }
        write_audit(&mut tx, &chain, entries).await?;
        tx.commit().await?;
        out.ok_or_else(|| StoreError::NotFound("申请".into()))
    }

    async fn import_applications(
        &self,
        ctx: &Ctx,
        apps: Vec<NewApplication>,
    ) -> Result<Vec<ApplicationId>> {
        let mut tx = self.begin_write().await?;
        let prepared = prepare_batch(self, &mut tx, apps).await?;
        insert_prepared(&mut tx, ctx, &prepared).await?;
        let mut chain = chain_head(&mut tx).await?;
        let at = ctx.at.to_rfc3339();
        let mut entries = Vec::with_capacity(prepared.len());
        for p in &prepared {
            entries.push(chain.append(
                at.clone(),
                &ctx.actor,
                "import",
                "application",
                p.id.to_string(),
                String::new(),
                json(&prepared_application(p))?,
            ));
        }
        write_audit(&mut tx, &chain, entries).await?;
        tx.commit().await?;
        Ok(prepared.iter().map(|p| ApplicationId(p.id)).collect())
    }

    async fn add_event(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        event: Event,
        closing: Option<Closing>,
    ) -> Result<Application> {
        let mut tx = self.begin_write().await?;
        let before = load_application(&mut tx, id).await?;
        let agency = load_agency(&mut tx, before.agency).await?;
        let mut events = before.events.clone();
        events.push(event.clone());
        let eval = evaluate_timeline(
            self,
            &mut tx,
            &agency,
            before.case_officer,
            before.channel,
            before.received_on,
            &events,
            closing.as_ref(),
        )
        .await?;
        let closed = closed_on(&events);
        sqlx::query(
            "UPDATE applications SET state = $1, due_on = $2, closed_on = $3, outcome = $4, \
             reply_type = $5, legal_basis = $6, reply_letter_ref = $7, version = version + 1, \
             updated_at = $8 WHERE id = $9",
        )
        .bind(eval.state.code())
        .bind(opt_iso(eval.due_on))
        .bind(opt_iso(closed))
        .bind(closing.as_ref().map(|c| c.outcome.code()))
        .bind(closing.as_ref().map(|c| c.reply_type.clone()).unwrap_or_default())
        .bind(closing.as_ref().map(|c| c.legal_basis.clone()).unwrap_or_default())
        .bind(closing.as_ref().map(|c| c.reply_letter_ref.clone()).unwrap_or_default())
        .bind(ctx.at.to_rfc3339())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let seq = events.len() as i64;
        insert_events(&mut tx, &[(id.0, seq, &event)]).await?;
        let after = Application {
            events,
            state: eval.state,
            due_on: eval.due_on,
            closed_on: closed,
            closing,
            ..before.clone()
        };
        audit(&mut tx, ctx, "add_event", "application", id.to_string(), json(&before)?, json(&after)?)
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn application(&self, id: ApplicationId) -> Result<Application> {
        let mut tx = self.pool.begin().await?;
        let a = load_application(&mut tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    async fn application_by_number(
        &self,
        agency: AgencyId,
        number: &str,
    ) -> Result<Option<Application>> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM applications WHERE agency_id = $1 AND number = $2")
                .bind(agency.0)
                .bind(number.trim().to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let out = match id {
            Some(id) => Some(load_application(&mut tx, ApplicationId(id)).await?),
            None => None,
        };
        tx.commit().await?;
        Ok(out)
    }

    async fn applications(&self, agency: AgencyId) -> Result<Vec<Application>> {
        let mut tx = self.begin_snapshot().await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            app_cols!(),
            " FROM applications WHERE agency_id = $1 ORDER BY id"
        ))
        .bind(agency.0)
        .fetch_all(&mut *tx)
        .await?;
        let event_rows = sqlx::query(
            "SELECT e.application_id, e.kind, e.on_date, e.actor_id, e.amount_yuan, e.note, e.detail \
             FROM application_events e JOIN applications a ON a.id = e.application_id \
             WHERE a.agency_id = $1 ORDER BY e.application_id, e.seq",
        )
        .bind(agency.0)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut events: HashMap<i64, Vec<Event>> = HashMap::new();
        for r in &event_rows {
            events.entry(r.try_get("application_id")?).or_default().push(event_from(r)?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                application_from(r, events.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    async fn list_cases(&self, f: &CaseFilter) -> Result<Vec<CaseSummary>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT id, agency_id, number, applicant_name, received_on, state, due_on, closed_on, outcome \
             FROM applications WHERE 1 = 1",
        );
        if !f.agencies.is_empty() {
            qb.push(" AND agency_id IN (");
            let mut sep = qb.separated(", ");
            for a in &f.agencies {
                sep.push_bind(a.0);
            }
            qb.push(")");
        }
        if f.open_only {
            qb.push(" AND closed_on IS NULL");
        }
        if let Some(d) = f.due_on_or_before {
            qb.push(" AND closed_on IS NULL AND due_on IS NOT NULL AND due_on <= ");
            qb.push_bind(iso(d));
        }
        if f.by_due_date {
            qb.push(" AND due_on IS NOT NULL ORDER BY due_on, id");
        } else {
            qb.push(" ORDER BY received_on, id");
        }
        if f.limit > 0 {
            qb.push(" LIMIT ");
            qb.push_bind(i64::from(f.limit));
        }
        qb.build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| -> Result<CaseSummary> {
                let outcome: Option<String> = r.try_get("outcome")?;
                Ok(CaseSummary {
                    id: ApplicationId(r.try_get("id")?),
                    agency: AgencyId(r.try_get("agency_id")?),
                    number: r.try_get("number")?,
                    applicant_name: r.try_get("applicant_name")?,
                    received_on: date(&r.try_get::<String, _>("received_on")?)?,
                    state: CaseState::parse_code(&r.try_get::<String, _>("state")?)?,
                    due_on: opt_date(r.try_get("due_on")?)?,
                    closed_on: opt_date(r.try_get("closed_on")?)?,
                    outcome: outcome.as_deref().map(Outcome::parse_code).transpose()?,
                })
            })
            .collect()
    }

    async fn create_appeal(&self, ctx: &Ctx, a: NewAppeal) -> Result<Appeal> {
        if (a.result == AppealResult::Pending) != a.closed_on.is_none() {
            return Err(StoreError::Rule("尚未审结的案件不能有结案日期，已审结的案件必须有结案日期".into()));
        }
        if let Some(c) = a.closed_on
            && c < a.filed_on
        {
            return Err(StoreError::Rule(format!("结案日期（{c}）早于立案日期（{}）", a.filed_on)));
        }
        let mut tx = self.begin_write().await?;
        let app = load_application(&mut tx, a.application).await?;
        let Some(decided) = app.closed_on else {
            return Err(StoreError::Rule("申请尚未答复，不能对其提起复议或诉讼".into()));
        };
        if a.filed_on < decided {
            return Err(StoreError::Rule(format!(
                "立案日期（{}）早于答复日期（{decided}）",
                a.filed_on
            )));
        }
        let id = next_id(&mut tx, "SELECT MAX(id) FROM appeals").await?;
        sqlx::query(
            "INSERT INTO appeals (id, application_id, agency_id, kind, filed_on, result, closed_on, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(a.application.0)
        .bind(app.agency.0)
        .bind(a.kind.code())
        .bind(iso(a.filed_on))
        .bind(a.result.code())
        .bind(opt_iso(a.closed_on))
        .bind(a.note.clone())
        .execute(&mut *tx)
        .await?;
        let appeal = Appeal {
            id: AppealId(id),
            application: a.application,
            agency: app.agency,
            kind: a.kind,
            filed_on: a.filed_on,
            result: a.result,
            closed_on: a.closed_on,
            note: a.note,
        };
        audit(&mut tx, ctx, "create", "appeal", id.to_string(), String::new(), json(&appeal)?).await?;
        tx.commit().await?;
        Ok(appeal)
    }

    async fn close_appeal(
        &self,
        ctx: &Ctx,
        id: AppealId,
        result: AppealResult,
        closed_on: NaiveDate,
    ) -> Result<Appeal> {
        if result == AppealResult::Pending {
            return Err(StoreError::Rule("结案时须填写结果（维持、纠正或其他）".into()));
        }
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(
            "SELECT id, application_id, agency_id, kind, filed_on, result, closed_on, note FROM appeals WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("复议或诉讼案件（编号 {id}）")))?;
        let before = appeal_from(&r)?;
        if closed_on < before.filed_on {
            return Err(StoreError::Rule(format!(
                "结案日期（{closed_on}）早于立案日期（{}）",
                before.filed_on
            )));
        }
        sqlx::query("UPDATE appeals SET result = $1, closed_on = $2 WHERE id = $3")
            .bind(result.code())
            .bind(iso(closed_on))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = Appeal { result, closed_on: Some(closed_on), ..before.clone() };
        audit(&mut tx, ctx, "close", "appeal", id.to_string(), json(&before)?, json(&after)?).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn appeals(&self, agency: AgencyId) -> Result<Vec<Appeal>> {
        sqlx::query(
            "SELECT id, application_id, agency_id, kind, filed_on, result, closed_on, note \
             FROM appeals WHERE agency_id = $1 ORDER BY id",
        )
        .bind(agency.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(appeal_from)
        .collect()
    }

    async fn add_document(&self, ctx: &Ctx, d: Document) -> Result<Document> {
        if d.doc_number.trim().is_empty() || d.title.trim().is_empty() {
            return Err(StoreError::Rule("文号和标题不能为空".into()));
        }
        if let Some(r) = d.repealed_on
            && r < d.made_on
        {
            return Err(StoreError::Rule(format!("废止日期（{r}）早于制发日期（{}）", d.made_on)));
        }
        let mut tx = self.begin_write().await?;
        let agency = load_agency(&mut tx, d.agency).await?;
        if d.kind == DocumentKind::Regulation
            && matches!(agency.level, AgencyLevel::Township | AgencyLevel::County | AgencyLevel::Department)
        {
            // Only provincial and districted-city governments make 规章 (立法法 Art. 93).
            return Err(StoreError::Rule(format!("{}没有规章制定权，不能登记规章", agency.name)));
        }
        let id = next_id(&mut tx, "SELECT MAX(id) FROM register_documents").await?;
        sqlx::query(
            "INSERT INTO register_documents (id, agency_id, kind, doc_number, title, made_on, repealed_on, validity) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(d.agency.0)
        .bind(d.kind.code())
        .bind(d.doc_number.trim().to_string())
        .bind(d.title.clone())
        .bind(iso(d.made_on))
        .bind(opt_iso(d.repealed_on))
        .bind(d.validity.code())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("文号 {} 已登记", d.doc_number)))?;
        let doc = Document { id: DocumentId(id), doc_number: d.doc_number.trim().to_string(), ..d };
        audit(&mut tx, ctx, "create", "document", id.to_string(), String::new(), json(&doc)?).await?;
        tx.commit().await?;
        Ok(doc)
    }

    async fn repeal_document(
        &self,
        ctx: &Ctx,
        id: DocumentId,
        on: NaiveDate,
        validity: Validity,
    ) -> Result<Document> {
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(
            "SELECT id, agency_id, kind, doc_number, title, made_on, repealed_on, validity \
             FROM register_documents WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("文件（编号 {id}）")))?;
        let before = document_from(&r)?;
        if on < before.made_on {
            return Err(StoreError::Rule(format!("废止日期（{on}）早于制发日期（{}）", before.made_on)));
        }
        sqlx::query("UPDATE register_documents SET repealed_on = $1, validity = $2 WHERE id = $3")
            .bind(iso(on))
            .bind(validity.code())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = Document { repealed_on: Some(on), validity, ..before.clone() };
        audit(&mut tx, ctx, "repeal", "document", id.to_string(), json(&before)?, json(&after)?).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn documents(&self, agency: AgencyId) -> Result<Vec<Document>> {
        sqlx::query(
            "SELECT id, agency_id, kind, doc_number, title, made_on, repealed_on, validity \
             FROM register_documents WHERE agency_id = $1 ORDER BY id",
        )
        .bind(agency.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(document_from)
        .collect()
    }

    async fn set_yearly_counts(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        c: YearlyCounts,
    ) -> Result<()> {
        if c.admin_licensing < 0 || c.admin_penalty < 0 || c.admin_coercion < 0 {
            return Err(StoreError::Rule("数量不得为负数".into()));
        }
        let fee = c.admin_fees_wan.trim();
        if !fee.is_empty() && (fee.parse::<f64>().map(|v| v < 0.0 || !v.is_finite()).unwrap_or(true)) {
            return Err(StoreError::Rule(format!("行政事业性收费金额“{fee}”不是有效的万元数")));
        }
        let mut tx = self.begin_write().await?;
        load_agency(&mut tx, agency).await?;
        let before = sqlx::query(
            "SELECT admin_licensing, admin_penalty, admin_coercion, admin_fees_wan FROM yearly_counts \
             WHERE agency_id = $1 AND year = $2",
        )
        .bind(agency.0)
        .bind(i64::from(year))
        .fetch_optional(&mut *tx)
        .await?;
        let before_json = match &before {
            Some(r) => json(&YearlyCounts {
                admin_licensing: r.try_get("admin_licensing")?,
                admin_penalty: r.try_get("admin_penalty")?,
                admin_coercion: r.try_get("admin_coercion")?,
                admin_fees_wan: r.try_get("admin_fees_wan")?,
            })?,
            None => String::new(),
        };
        sqlx::query("DELETE FROM yearly_counts WHERE agency_id = $1 AND year = $2")
            .bind(agency.0)
            .bind(i64::from(year))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO yearly_counts (agency_id, year, admin_licensing, admin_penalty, admin_coercion, admin_fees_wan) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(agency.0)
        .bind(i64::from(year))
        .bind(c.admin_licensing)
        .bind(c.admin_penalty)
        .bind(c.admin_coercion)
        .bind(fee.to_string())
        .execute(&mut *tx)
        .await?;
        let c = YearlyCounts { admin_fees_wan: fee.to_string(), ..c };
        audit(&mut tx, ctx, "set", "yearly_counts", format!("{agency}/{year}"), before_json, json(&c)?)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn yearly_counts(&self, agency: AgencyId, year: i32) -> Result<Option<YearlyCounts>> {
        let r = sqlx::query(
            "SELECT admin_licensing, admin_penalty, admin_coercion, admin_fees_wan FROM yearly_counts \
             WHERE agency_id = $1 AND year = $2",
        )
        .bind(agency.0)
        .bind(i64::from(year))
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| -> Result<YearlyCounts> {
            Ok(YearlyCounts {
                admin_licensing: r.try_get("admin_licensing")?,
                admin_penalty: r.try_get("admin_penalty")?,
                admin_coercion: r.try_get("admin_coercion")?,
                admin_fees_wan: r.try_get("admin_fees_wan")?,
            })
        })
        .transpose()
    }

    async fn tallies(&self, agency: AgencyId, year: i32) -> Result<YearTallies> {
        let (start, end) = year_bounds(year);
        let mut tx = self.begin_snapshot().await?;
        // One scan of the covering index: every application that is open at some point of the year.
        let rows = sqlx::query(
            "SELECT applicant_kind, COALESCE(outcome, '') AS outcome, \
                    CAST(CASE WHEN received_on < $2 THEN 0 ELSE 1 END AS BIGINT) AS received_in_year, \
                    CAST(CASE WHEN closed_on IS NULL OR closed_on > $3 THEN 1 ELSE 0 END AS BIGINT) AS open_at_end, \
                    COUNT(*) AS n \
             FROM applications \
             WHERE agency_id = $1 AND received_on <= $3 AND (closed_on IS NULL OR closed_on >= $2) \
             GROUP BY applicant_kind, COALESCE(outcome, ''), \
                      CAST(CASE WHEN received_on < $2 THEN 0 ELSE 1 END AS BIGINT), \
                      CAST(CASE WHEN closed_on IS NULL OR closed_on > $3 THEN 1 ELSE 0 END AS BIGINT)",
        )
        .bind(agency.0)
        .bind(start.clone())
        .bind(end.clone())
        .fetch_all(&mut *tx)
        .await?;
        let mut new_received = BTreeMap::new();
        let mut carried_over = BTreeMap::new();
        let mut carried_forward = BTreeMap::new();
        let mut concluded = BTreeMap::new();
        for r in &rows {
            let kind = ApplicantKind::parse_code(&r.try_get::<String, _>("applicant_kind")?)?;
            let n: i64 = r.try_get("n")?;
            if r.try_get::<i64, _>("received_in_year")? == 1 {
                add_count(&mut new_received, kind, n);
            } else {
                add_count(&mut carried_over, kind, n);
            }
            if r.try_get::<i64, _>("open_at_end")? == 1 {
                add_count(&mut carried_forward, kind, n);
            } else {
                let o = Outcome::parse_code(&r.try_get::<String, _>("outcome")?)?;
                add_count(&mut concluded, (o, kind), n);
            }
        }
        let appeal_rows = sqlx::query(
            "SELECT kind, CASE WHEN closed_on IS NULL OR closed_on > $3 THEN 'pending' ELSE result END AS r, \
                    COUNT(*) AS n \
             FROM appeals \
             WHERE agency_id = $1 AND filed_on <= $3 AND (closed_on IS NULL OR closed_on >= $2) \
             GROUP BY kind, CASE WHEN closed_on IS NULL OR closed_on > $3 THEN 'pending' ELSE result END",
        )
        .bind(agency.0)
        .bind(start.clone())
        .bind(end.clone())
        .fetch_all(&mut *tx)
        .await?;
        let mut appeals = Vec::new();
        for r in &appeal_rows {
            appeals.push((
                AppealKind::parse_code(&r.try_get::<String, _>("kind")?)?,
                AppealResult::parse_code(&r.try_get::<String, _>("r")?)?,
                r.try_get::<i64, _>("n")?,
            ));
        }
        appeals.sort();
        let doc_rows = sqlx::query(
            "SELECT kind, \
               CAST(SUM(CASE WHEN made_on >= $2 AND made_on <= $3 THEN 1 ELSE 0 END) AS BIGINT) AS made, \
               CAST(SUM(CASE WHEN repealed_on >= $2 AND repealed_on <= $3 THEN 1 ELSE 0 END) AS BIGINT) AS repealed, \
               CAST(SUM(CASE WHEN made_on <= $3 AND (repealed_on IS NULL OR repealed_on > $3) THEN 1 ELSE 0 END) AS BIGINT) AS valid \
             FROM register_documents WHERE agency_id = $1 GROUP BY kind",
        )
        .bind(agency.0)
        .bind(start)
        .bind(end)
        .fetch_all(&mut *tx)
        .await?;
        let mut documents = Vec::new();
        for r in &doc_rows {
            documents.push((
                DocumentKind::parse_code(&r.try_get::<String, _>("kind")?)?,
                r.try_get::<i64, _>("made")?,
                r.try_get::<i64, _>("repealed")?,
                r.try_get::<i64, _>("valid")?,
            ));
        }
        documents.sort();
        let fees = sqlx::query(
            "SELECT CAST(COALESCE(SUM(e.amount_yuan), 0) AS BIGINT) AS total, \
                    COUNT(DISTINCT e.application_id) AS cases \
             FROM application_events e JOIN applications a ON a.id = e.application_id \
             WHERE a.agency_id = $1 AND e.kind = 'fee_paid' AND e.on_date >= $2 AND e.on_date <= $3",
        )
        .bind(agency.0)
        .bind(year_bounds(year).0)
        .bind(year_bounds(year).1)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let typed = self.yearly_counts(agency, year).await?;
        Ok(YearTallies {
            new_received: new_received.into_iter().collect(),
            carried_over: carried_over.into_iter().collect(),
            concluded: concluded.into_iter().map(|((o, k), n)| (o, k, n)).collect(),
            carried_forward: carried_forward.into_iter().collect(),
            appeals,
            documents,
            typed,
            fees_collected_yuan: fees.try_get("total")?,
            fee_cases: fees.try_get("cases")?,
        })
    }

    async fn cell_records(&self, agency: AgencyId, year: i32, cell: Cell) -> Result<CellRecords> {
        let (start, end) = year_bounds(year);
        match cell {
            Cell::T3 { row, column } => {
                let (row_code, outcome) = match row {
                    T3Row::NewReceived => ("new_received", ""),
                    T3Row::CarriedOver => ("carried_over", ""),
                    T3Row::Result(o) => ("result", o.code()),
                    T3Row::ResultsTotal => ("results_total", ""),
                    T3Row::CarriedForward => ("carried_forward", ""),
                };
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM applications WHERE agency_id = $1 \
                     AND ($5 = '' OR applicant_kind = $5) AND ( \
                       ($4 = 'new_received' AND received_on >= $2 AND received_on <= $3) OR \
                       ($4 = 'carried_over' AND received_on < $2 AND (closed_on IS NULL OR closed_on >= $2)) OR \
                       ($4 = 'results_total' AND closed_on >= $2 AND closed_on <= $3) OR \
                       ($4 = 'result' AND closed_on >= $2 AND closed_on <= $3 AND outcome = $6) OR \
                       ($4 = 'carried_forward' AND received_on <= $3 AND (closed_on IS NULL OR closed_on > $3))) \
                     ORDER BY id",
                )
                .bind(agency.0)
                .bind(start)
                .bind(end)
                .bind(row_code)
                .bind(column.map(|c| c.code()).unwrap_or(""))
                .bind(outcome)
                .fetch_all(&self.pool)
                .await?;
                Ok(CellRecords::Applications(ids.into_iter().map(ApplicationId).collect()))
            }
            Cell::T4 { kind, result } => {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM appeals WHERE agency_id = $1 AND kind = $4 \
                     AND filed_on <= $3 AND (closed_on IS NULL OR closed_on >= $2) \
                     AND ($5 = '' OR (CASE WHEN closed_on IS NULL OR closed_on > $3 THEN 'pending' ELSE result END) = $5) \
                     ORDER BY id",
                )
                .bind(agency.0)
                .bind(start)
                .bind(end)
                .bind(kind.code())
                .bind(result.map(|r| r.code()).unwrap_or(""))
                .fetch_all(&self.pool)
                .await?;
                Ok(CellRecords::Appeals(ids.into_iter().map(AppealId).collect()))
            }
            Cell::T2 { kind, column } => {
                let col = match column {
                    T2Column::Made => "made",
                    T2Column::Repealed => "repealed",
                    T2Column::Valid => "valid",
                };
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM register_documents WHERE agency_id = $1 AND kind = $4 AND ( \
                       ($5 = 'made' AND made_on >= $2 AND made_on <= $3) OR \
                       ($5 = 'repealed' AND repealed_on >= $2 AND repealed_on <= $3) OR \
                       ($5 = 'valid' AND made_on <= $3 AND (repealed_on IS NULL OR repealed_on > $3))) \
                     ORDER BY id",
                )
                .bind(agency.0)
                .bind(start)
                .bind(end)
                .bind(kind.code())
                .bind(col)
                .fetch_all(&self.pool)
                .await?;
                Ok(CellRecords::Documents(ids.into_iter().map(DocumentId).collect()))
            }
        }
    }

    async fn save_report(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        content: serde_json::Value,
    ) -> Result<StoredReport> {
        let mut tx = self.begin_write().await?;
        load_agency(&mut tx, agency).await?;
        let before = load_report(&mut tx, agency, year).await?;
        let text = json(&content)?;
        let before_json = match &before {
            Some(r) if r.status != ReportStatus::Draft => {
                return Err(StoreError::Conflict(format!(
                    "{year} 年度报告已{}，修改须作为更正并说明原因",
                    r.status.label()
                )));
            }
            Some(r) => {
                sqlx::query("UPDATE annual_reports SET content = $1, updated_at = $2 WHERE id = $3")
                    .bind(text.clone())
                    .bind(ctx.at.to_rfc3339())
                    .bind(r.id.0)
                    .execute(&mut *tx)
                    .await?;
                json(&r.content)?
            }
            None => {
                let id = next_id(&mut tx, "SELECT MAX(id) FROM annual_reports").await?;
                sqlx::query(
                    "INSERT INTO annual_reports (id, agency_id, year, status, content, updated_at) \
                     VALUES ($1, $2, $3, 'draft', $4, $5)",
                )
                .bind(id)
                .bind(agency.0)
                .bind(i64::from(year))
                .bind(text.clone())
                .bind(ctx.at.to_rfc3339())
                .execute(&mut *tx)
                .await?;
                String::new()
            }
        };
        audit(&mut tx, ctx, "save", "annual_report", format!("{agency}/{year}"), before_json, text)
            .await?;
        let out = load_report(&mut tx, agency, year).await?;
        tx.commit().await?;
        out.ok_or_else(|| StoreError::NotFound("年度报告".into()))
    }

    async fn set_report_status(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        status: ReportStatus,
    ) -> Result<StoredReport> {
        let mut tx = self.begin_write().await?;
        let r = load_report(&mut tx, agency, year)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("{year} 年度报告")))?;
        let allowed = matches!(
            (r.status, status),
            (ReportStatus::Draft, ReportStatus::Locked) | (ReportStatus::Locked, ReportStatus::Published)
        );
        if !allowed {
            return Err(StoreError::Rule(format!(
                "年度报告不能从“{}”改为“{}”（顺序：草稿 → 已锁定 → 已发布）",
                r.status.label(),
                status.label()
            )));
        }
        sqlx::query("UPDATE annual_reports SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.code())
            .bind(ctx.at.to_rfc3339())
            .bind(r.id.0)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            ctx,
            "status",
            "annual_report",
            format!("{agency}/{year}"),
            r.status.code().to_string(),
            status.code().to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredReport { status, ..r })
    }

    async fn correct_report(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        content: serde_json::Value,
        reason: &str,
    ) -> Result<StoredReport> {
        if reason.trim().is_empty() {
            return Err(StoreError::Rule("更正须说明原因".into()));
        }
        let mut tx = self.begin_write().await?;
        let r = load_report(&mut tx, agency, year)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("{year} 年度报告")))?;
        if r.status == ReportStatus::Draft {
            return Err(StoreError::Rule("草稿可直接修改，无需更正".into()));
        }
        let id = next_id(&mut tx, "SELECT MAX(id) FROM report_corrections").await?;
        let before = json(&r.content)?;
        sqlx::query(
            "INSERT INTO report_corrections (id, report_id, corrected_by, corrected_at, reason, before_json) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(r.id.0)
        .bind(ctx.actor.clone())
        .bind(ctx.at.to_rfc3339())
        .bind(reason.trim().to_string())
        .bind(before.clone())
        .execute(&mut *tx)
        .await?;
        let text = json(&content)?;
        sqlx::query("UPDATE annual_reports SET content = $1, updated_at = $2 WHERE id = $3")
            .bind(text.clone())
            .bind(ctx.at.to_rfc3339())
            .bind(r.id.0)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, ctx, "correct", "annual_report", format!("{agency}/{year}"), before, text).await?;
        let out = load_report(&mut tx, agency, year).await?;
        tx.commit().await?;
        out.ok_or_else(|| StoreError::NotFound("年度报告".into()))
    }

    async fn report(&self, agency: AgencyId, year: i32) -> Result<Option<StoredReport>> {
        let mut tx = self.pool.begin().await?;
        let r = load_report(&mut tx, agency, year).await?;
        tx.commit().await?;
        Ok(r)
    }

    async fn audit_verify(&self) -> Result<AuditVerification> {
        let mut tx = self.begin_snapshot().await?;
        let mut v = Verifier::new();
        let mut after = 0_i64;
        loop {
            let batch = fetch_audit(&mut tx, after, 5000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for e in &batch {
                v.feed(e);
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| -> Result<(i64, String)> { Ok((r.try_get("seq")?, r.try_get("hash")?)) })
            .transpose()?;
        tx.commit().await?;
        Ok(v.finish(head))
    }

    async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut tx = self.pool.begin().await?;
        let out = fetch_audit(&mut tx, after_seq, limit).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn export_jsonl(&self, out: &mut (dyn Write + Send)) -> Result<TransferSummary> {
        let mut tx = self.begin_snapshot().await?;
        let migrations: Vec<String> = MIGRATOR
            .iter()
            .map(|m| format!("{}_{}", m.version, m.description))
            .collect();
        let header = serde_json::json!({ "gongkai_export": transfer::FORMAT_VERSION, "migrations": migrations });
        writeln!(out, "{header}")?;
        let mut summary = TransferSummary::default();
        for t in transfer::TABLES {
            let sql = transfer::select_sql(t);
            let mut count = 0u64;
            // (low, high] ranges of the page key; one pass for tables without one.
            let (mut low, max) = match t.page_key {
                Some(k) => {
                    let max: Option<i64> =
                        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT MAX({k}) FROM {}", t.name)))
                            .fetch_one(&mut *tx)
                            .await?;
                    (0, max.unwrap_or(0))
                }
                None => (0, 0),
            };
            loop {
                let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                let rows = match t.page_key {
                    Some(_) => q.bind(low).bind(low + transfer::PAGE).fetch_all(&mut *tx).await?,
                    None => q.fetch_all(&mut *tx).await?,
                };
                for r in &rows {
                    let mut obj = serde_json::Map::new();
                    for (i, (name, col)) in t.cols.iter().enumerate() {
                        let v = match col {
                            Col::Int => serde_json::Value::from(r.try_get::<i64, _>(i)?),
                            Col::IntNull => r
                                .try_get::<Option<i64>, _>(i)?
                                .map_or(serde_json::Value::Null, serde_json::Value::from),
                            Col::Text => serde_json::Value::from(r.try_get::<String, _>(i)?),
                            Col::TextNull => r
                                .try_get::<Option<String>, _>(i)?
                                .map_or(serde_json::Value::Null, serde_json::Value::from),
                        };
                        obj.insert((*name).to_string(), v);
                    }
                    let line = serde_json::json!({ "table": t.name, "row": obj });
                    writeln!(out, "{line}")?;
                }
                count += rows.len() as u64;
                low += transfer::PAGE;
                if t.page_key.is_none() || low >= max {
                    break;
                }
            }
            if count > 0 {
                summary.tables.push((t.name.to_string(), count));
            }
        }
        out.flush()?;
        tx.commit().await?;
        Ok(summary)
    }

    async fn import_jsonl(&self, input: &mut (dyn BufRead + Send)) -> Result<TransferSummary> {
        let mut tx = self.begin_write().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies").fetch_one(&mut *tx).await?;
        let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&mut *tx).await?;
        if existing > 0 || audited > 0 {
            return Err(StoreError::Conflict(
                "目标数据库不是空库：整库导入只能导入到新建的空数据库".into(),
            ));
        }
        let mut lines = input.lines();
        let header = lines.next().transpose()?.unwrap_or_default();
        let header: serde_json::Value = serde_json::from_str(&header)
            .map_err(|e| StoreError::Format(format!("第 1 行不是导出文件头：{e}")))?;
        if header.get("gongkai_export").and_then(serde_json::Value::as_i64)
            != Some(transfer::FORMAT_VERSION)
        {
            return Err(StoreError::Format("第 1 行不是 gongkai 导出文件头".into()));
        }
        let mut summary = TransferSummary::default();
        let mut pending: Vec<serde_json::Map<String, serde_json::Value>> = Vec::new();
        let mut current: Option<&'static transfer::TableSpec> = None;
        let mut order = 0usize;
        for (n, line) in lines.enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let lineno = n + 2;
            let mut v: serde_json::Value = serde_json::from_str(&line)
                .map_err(|e| StoreError::Format(format!("第 {lineno} 行：{e}")))?;
            let table = v.get("table").and_then(serde_json::Value::as_str).unwrap_or("").to_string();
            let spec = transfer::spec(&table)
                .ok_or_else(|| StoreError::Format(format!("第 {lineno} 行：未知的表 {table}")))?;
            let Some(serde_json::Value::Object(row)) = v.get_mut("row").map(serde_json::Value::take)
            else {
                return Err(StoreError::Format(format!("第 {lineno} 行：缺少 row")));
            };
            if current.map(|c| c.name) != Some(spec.name) {
                if let Some(c) = current {
                    flush_rows(&mut tx, c, &mut pending, &mut summary).await?;
                }
                let pos = transfer::TABLES.iter().position(|t| t.name == spec.name).unwrap_or(0);
                if pos < order {
                    return Err(StoreError::Format(format!("第 {lineno} 行：表的顺序不对（{table}）")));
                }
                order = pos;
                current = Some(spec);
            }
            pending.push(row);
            if pending.len() >= 500 {
                flush_rows(&mut tx, spec, &mut pending, &mut summary).await?;
            }
        }
        if let Some(c) = current {
            flush_rows(&mut tx, c, &mut pending, &mut summary).await?;
        }
        tx.commit().await?;
        Ok(summary)
    }

    async fn backup(&self, to: &Path) -> Result<()> {
        self.backup_impl(to).await
    }
}

async fn fetch_audit(tx: &mut Tx, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
    sqlx::query(
        "SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash \
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| -> Result<AuditEntry> {
        Ok(AuditEntry {
            seq: r.try_get("seq")?,
            at: r.try_get("at")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            entity: r.try_get("entity")?,
            entity_id: r.try_get("entity_id")?,
            before: r.try_get("before_json")?,
            after: r.try_get("after_json")?,
            prev_hash: r.try_get("prev_hash")?,
            hash: r.try_get("hash")?,
        })
    })
    .collect()
}

async fn flush_rows(
    tx: &mut Tx,
    t: &'static transfer::TableSpec,
    rows: &mut Vec<serde_json::Map<String, serde_json::Value>>,
    summary: &mut TransferSummary,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let count = rows.len() as u64;
    if t.name == "audit_head" {
        for r in rows.drain(..) {
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(r.get("seq").and_then(serde_json::Value::as_i64).unwrap_or(0))
                .bind(r.get("hash").and_then(serde_json::Value::as_str).unwrap_or("").to_string())
                .execute(&mut **tx)
                .await?;
        }
    } else {
        let mut qb = QueryBuilder::<Db>::new(transfer::insert_prefix(t));
        let mut bad: Option<String> = None;
        qb.push_values(rows.iter(), |mut b, r| {
            for (name, col) in t.cols {
                let v = r.get(*name).unwrap_or(&serde_json::Value::Null);
                match col {
                    Col::Int | Col::IntNull => {
                        let x = v.as_i64();
                        if x.is_none() && (*col == Col::Int || !v.is_null()) {
                            bad.get_or_insert_with(|| format!("{}.{name} 应为整数", t.name));
                        }
                        b.push_bind(x);
                    }
                    Col::Text | Col::TextNull => {
                        let x = v.as_str().map(str::to_string);
                        if x.is_none() && (*col == Col::Text || !v.is_null()) {
                            bad.get_or_insert_with(|| format!("{}.{name} 应为文本", t.name));
                        }
                        b.push_bind(x);
                    }
                }
            }
        });
        if let Some(m) = bad {
            return Err(StoreError::Format(m));
        }
        qb.build().execute(&mut **tx).await?;
        rows.clear();
    }
    match summary.tables.last_mut() {
        Some((name, n)) if name == t.name => *n += count,
        _ => summary.tables.push((t.name.to_string(), count)),
    }
    Ok(())
}
