// Applications and their timelines (included by backend/common.rs).

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

impl This {
    pub(crate) async fn create_application(&self, ctx: &Ctx, a: NewApplication) -> Result<Application> {
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

    pub(crate) async fn import_applications(
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

    pub(crate) async fn add_event(
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

    pub(crate) async fn application(&self, id: ApplicationId) -> Result<Application> {
        let mut tx = self.pool.begin().await?;
        let a = load_application(&mut tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    pub(crate) async fn application_by_number(
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

    pub(crate) async fn applications(&self, agency: AgencyId) -> Result<Vec<Application>> {
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

    pub(crate) async fn list_cases(&self, f: &CaseFilter) -> Result<Vec<CaseSummary>> {
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
}
