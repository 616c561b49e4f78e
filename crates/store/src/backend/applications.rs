// Applications and their timelines (included by backend/common.rs).
//
// Every change of a case goes through `save_case`: the rules run again on the whole result
// (structure, separation of duties for what is new, the deadline engine), the version goes up,
// and the before/after images go to the audit log in the same transaction.

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
    let mut received = Event::new(EventKind::Received, a.received_on);
    received.detail = a.receipt.clone();
    events.push(received);
    events.extend(a.events.iter().cloned());
    events
}

fn check_case_text(applicant: &Applicant, content: &str, number: Option<&str>) -> Result<()> {
    if applicant.name.trim().is_empty() {
        return Err(StoreError::Rule("申请人姓名或名称不能为空".into()));
    }
    if content.trim().is_empty() {
        return Err(StoreError::Rule("申请内容不能为空".into()));
    }
    if number.is_some_and(|n| n.trim().is_empty()) {
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
        pause_due_on: p.eval.pause_due_on,
        voided: None,
        version: 1,
        query_code: p.a.query_code.clone(),
    }
}

fn closed_on(events: &[Event]) -> Option<NaiveDate> {
    events.last().filter(|e| e.kind.concludes()).map(|e| e.on)
}

/// The next day a case needs attention: its due date, or while paused the pause's end.
fn next_due(state: CaseState, due_on: Option<NaiveDate>, pause_due_on: Option<NaiveDate>) -> Option<NaiveDate> {
    match state {
        CaseState::Open => due_on,
        CaseState::Paused => pause_due_on,
        CaseState::Closed => None,
    }
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
                .push_bind(opt_iso(p.eval.pause_due_on))
                .push_bind(opt_iso(next_due(p.eval.state, p.eval.due_on, p.eval.pause_due_on)))
                .push_bind(p.a.query_code.clone())
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

/// Prefixes an error with the position of the item in a batch (1-based, as a user counts).
fn at_item(batch: bool, i: usize, e: StoreError) -> StoreError {
    if !batch {
        return e;
    }
    match e {
        StoreError::Rule(m) => StoreError::Rule(format!("第 {} 条：{m}", i + 1)),
        StoreError::Conflict(m) => StoreError::Conflict(format!("第 {} 条：{m}", i + 1)),
        StoreError::Forbidden(m) => StoreError::Forbidden(format!("第 {} 条：{m}", i + 1)),
        other => other,
    }
}

/// Validates a batch of new applications (text, every rule of the timeline, the deadline engine)
/// outside the write lock, so that a large import does not hold up other writers while the engine
/// runs; errors carry the position.
async fn validate_batch(this: &This, apps: Vec<NewApplication>) -> Result<Vec<(NewApplication, Vec<Event>, Evaluation)>> {
    let mut tx = this.pool.begin().await?;
    let mut agencies: HashMap<AgencyId, Agency> = HashMap::new();
    let batch = apps.len() > 1;
    let mut out = Vec::with_capacity(apps.len());
    for (i, a) in apps.into_iter().enumerate() {
        check_case_text(&a.applicant, &a.content, a.number.as_deref()).map_err(|e| at_item(batch, i, e))?;
        if let std::collections::hash_map::Entry::Vacant(slot) = agencies.entry(a.agency) {
            slot.insert(load_agency(&mut tx, a.agency).await?);
        }
        let Some(agency) = agencies.get(&a.agency) else {
            return Err(StoreError::NotFound(format!("机关（编号 {}）", a.agency)));
        };
        let events = full_events(&a);
        let case = CaseFacts { agency, officer: a.case_officer, channel: a.channel, received_on: a.received_on };
        let eval = evaluate_timeline(this, &mut tx, &case, &events, &[], a.closing.as_ref())
            .await
            .map_err(|e| at_item(batch, i, e))?;
        out.push((a, events, eval));
    }
    tx.commit().await?;
    Ok(out)
}

/// Numbers validated applications under the write lock: ids and 编号 unique within the agency.
async fn number_batch(tx: &mut Tx, items: Vec<(NewApplication, Vec<Event>, Evaluation)>) -> Result<Vec<Prepared>> {
    let mut next = next_id(tx, "SELECT MAX(id) FROM applications").await?;
    let mut taken: HashMap<AgencyId, HashSet<String>> = HashMap::new();
    let batch = items.len() > 1;
    let mut out = Vec::with_capacity(items.len());
    for (i, (a, events, eval)) in items.into_iter().enumerate() {
        if let std::collections::hash_map::Entry::Vacant(slot) = taken.entry(a.agency) {
            let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM applications WHERE agency_id = $1")
                .bind(a.agency.0)
                .fetch_all(&mut **tx)
                .await?;
            slot.insert(numbers.into_iter().collect());
        }
        let numbers = taken.entry(a.agency).or_default();
        let number = match &a.number {
            Some(n) => {
                let n = n.trim().to_string();
                if !numbers.insert(n.clone()) {
                    return Err(at_item(batch, i, StoreError::Conflict(format!("编号 {n} 已存在"))));
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

/// Writes a changed case: every rule runs again on the result (only what is new in the timeline
/// is checked against today's roles and amounts), the version goes up, and the change is audited.
async fn save_case(
    this: &This,
    tx: &mut Tx,
    ctx: &Ctx,
    before: &Application,
    mut after: Application,
    action: &str,
    reason: &str,
) -> Result<Application> {
    let agency = load_agency(tx, after.agency).await?;
    let case = CaseFacts { agency: &agency, officer: after.case_officer, channel: after.channel, received_on: after.received_on };
    let eval = evaluate_timeline(this, tx, &case, &after.events, &before.events, after.closing.as_ref()).await?;
    after.state = eval.state;
    after.due_on = eval.due_on;
    after.pause_due_on = eval.pause_due_on;
    after.closed_on = closed_on(&after.events);
    after.version = before.version + 1;
    let closing = after.closing.as_ref();
    sqlx::query(
        "UPDATE applications SET number = $1, applicant_kind = $2, applicant_name = $3, applicant_id_doc = $4, \
         applicant_contact = $5, applicant_address = $6, channel = $7, content = $8, requested_form = $9, \
         delivery = $10, case_officer_id = $11, received_on = $12, state = $13, due_on = $14, closed_on = $15, \
         outcome = $16, reply_type = $17, legal_basis = $18, reply_letter_ref = $19, remarks = $20, \
         pause_due_on = $21, next_due_on = $22, voided_at = $23, void_reason = $24, version = $25, updated_at = $26 \
         WHERE id = $27 AND version = $28",
    )
    .bind(after.number.clone())
    .bind(after.applicant.kind.code())
    .bind(after.applicant.name.clone())
    .bind(after.applicant.id_document.clone())
    .bind(after.applicant.contact.clone())
    .bind(after.applicant.address.clone())
    .bind(after.channel.code())
    .bind(after.content.clone())
    .bind(after.requested_form.clone())
    .bind(after.delivery.clone())
    .bind(after.case_officer.map(|u| u.0))
    .bind(iso(after.received_on))
    .bind(after.state.code())
    .bind(opt_iso(after.due_on))
    .bind(opt_iso(after.closed_on))
    .bind(closing.map(|c| c.outcome.code()))
    .bind(closing.map(|c| c.reply_type.clone()).unwrap_or_default())
    .bind(closing.map(|c| c.legal_basis.clone()).unwrap_or_default())
    .bind(closing.map(|c| c.reply_letter_ref.clone()).unwrap_or_default())
    .bind(after.remarks.clone())
    .bind(opt_iso(after.pause_due_on))
    .bind(opt_iso(if after.voided.is_some() { None } else { next_due(after.state, after.due_on, after.pause_due_on) }))
    .bind(after.voided.as_ref().map(|v| v.at.clone()))
    .bind(after.voided.as_ref().map(|v| v.reason.clone()).unwrap_or_default())
    .bind(after.version)
    .bind(ctx.at.to_rfc3339())
    .bind(after.id.0)
    .bind(before.version)
    .execute(&mut **tx)
    .await
    .map_err(|e| unique_or(e, || format!("编号 {} 已存在", after.number)))?;
    if after.events != before.events {
        // Appending keeps the stored rows; a correction rewrites the timeline.
        let appended = after.events.len() > before.events.len() && after.events.starts_with(&before.events);
        let from = if appended {
            before.events.len()
        } else {
            sqlx::query("DELETE FROM application_events WHERE application_id = $1")
                .bind(after.id.0)
                .execute(&mut **tx)
                .await?;
            0
        };
        let rows: Vec<(i64, i64, &Event)> =
            after.events.iter().enumerate().skip(from).map(|(i, e)| (after.id.0, i as i64 + 1, e)).collect();
        insert_events(tx, &rows).await?;
    }
    let change = Change::new(action, "application", after.id.to_string(), json(before)?, json(&after)?);
    audit(tx, ctx, change.of(after.agency).because(reason)).await?;
    Ok(after)
}

/// Loads a case for a change: refused once voided, and when the caller saw an older version.
async fn case_for_change(tx: &mut Tx, id: ApplicationId, seen: Option<i64>) -> Result<Application> {
    let a = load_application(tx, id).await?;
    if let Some(v) = seen
        && v != a.version
    {
        return Err(StoreError::Conflict(format!(
            "申请 {} 已被他人修改（您看到的是第 {v} 版，现在是第 {} 版）：请刷新后重新操作",
            a.number, a.version
        )));
    }
    if a.voided.is_some() {
        return Err(StoreError::Rule(format!("申请 {} 已作废，不能再修改", a.number)));
    }
    Ok(a)
}

impl This {
    pub(crate) async fn create_application(&self, ctx: &Ctx, a: NewApplication) -> Result<Application> {
        let validated = validate_batch(self, vec![a]).await?;
        let mut tx = self.begin_write().await?;
        let prepared = number_batch(&mut tx, validated).await?;
        insert_prepared(&mut tx, ctx, &prepared).await?;
        let mut chain = chain_head(&mut tx).await?;
        let mut entries = Vec::new();
        let mut out = None;
        for p in &prepared {
            let app = prepared_application(p);
            entries.push(chain.append(
                ctx.at.to_rfc3339(),
                &ctx.actor,
                Change::new("create", "application", p.id.to_string(), String::new(), json(&app)?).of(p.a.agency),
            ));
            out = Some(app);
        }
        write_audit(&mut tx, &chain, entries).await?;
        self.commit_write(tx).await?;
        out.ok_or_else(|| StoreError::NotFound("申请".into()))
    }

    /// A batch (ledger import), all or nothing. Under the write lock only what must be there:
    /// numbering (checked again), the inserts and the chain's hashes. Everything else — the rules
    /// and the deadline engine, a first numbering in a snapshot and the after-images for it — is
    /// done before the lock is taken, so that other writers wait only for the inserts.
    pub(crate) async fn import_applications(
        &self,
        ctx: &Ctx,
        apps: Vec<NewApplication>,
    ) -> Result<Vec<ApplicationId>> {
        let validated = validate_batch(self, apps).await?;
        let mut snapshot = self.pool.begin().await?;
        let guessed = number_batch(&mut snapshot, validated).await?;
        snapshot.commit().await?;
        let mut images = guessed.iter().map(|p| json(&prepared_application(p))).collect::<Result<Vec<String>>>()?;
        let numbering: Vec<(i64, String)> = guessed.iter().map(|p| (p.id, p.number.clone())).collect();

        let mut tx = self.begin_write().await?;
        let prepared = number_batch(&mut tx, guessed.into_iter().map(|p| (p.a, p.events, p.eval)).collect()).await?;
        if prepared.iter().map(|p| (p.id, &p.number)).ne(numbering.iter().map(|(id, n)| (*id, n))) {
            // Someone registered or renumbered a case meanwhile: the images follow the numbers.
            images = prepared.iter().map(|p| json(&prepared_application(p))).collect::<Result<Vec<String>>>()?;
        }
        insert_prepared(&mut tx, ctx, &prepared).await?;
        let mut chain = chain_head(&mut tx).await?;
        let at = ctx.at.to_rfc3339();
        let mut entries = Vec::with_capacity(prepared.len());
        for (p, image) in prepared.iter().zip(images) {
            let change = Change::new("import", "application", p.id.to_string(), String::new(), image);
            entries.push(chain.append(at.clone(), &ctx.actor, change.of(p.a.agency)));
        }
        write_audit(&mut tx, &chain, entries).await?;
        self.commit_write(tx).await?;
        Ok(prepared.iter().map(|p| ApplicationId(p.id)).collect())
    }

    pub(crate) async fn add_event(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        seen: Option<i64>,
        event: Event,
        closing: Option<Closing>,
    ) -> Result<Application> {
        let mut tx = self.begin_write().await?;
        let before = case_for_change(&mut tx, id, seen).await?;
        let mut after = before.clone();
        after.events.push(event);
        after.closing = closing;
        let after = save_case(self, &mut tx, ctx, &before, after, "add_event", "").await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn assign_officer(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        seen: Option<i64>,
        officer: Option<UserId>,
    ) -> Result<Application> {
        let mut tx = self.begin_write().await?;
        let before = case_for_change(&mut tx, id, seen).await?;
        if let Some(u) = officer
            && !has_role(&mut tx, u, before.agency, Role::CaseOfficer).await?
            && !has_role(&mut tx, u, before.agency, Role::OfficeHead).await?
        {
            return Err(StoreError::Rule("承办人须是本机关的承办人或办公室负责人".into()));
        }
        let after = Application { case_officer: officer, ..before.clone() };
        let after = save_case(self, &mut tx, ctx, &before, after, "assign", "").await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn correct_case(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        seen: Option<i64>,
        correction: CaseCorrection,
        reason: &str,
    ) -> Result<Application> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Rule("更正或作废须说明原因".into()));
        }
        let mut tx = self.begin_write().await?;
        let before = case_for_change(&mut tx, id, seen).await?;
        let mut after = before.clone();
        let action = match correction {
            CaseCorrection::Fields(f) => {
                check_case_text(&f.applicant, &f.content, Some(&f.number))?;
                after.number = f.number.trim().to_string();
                after.applicant = f.applicant;
                after.channel = f.channel;
                after.content = f.content;
                after.requested_form = f.requested_form;
                after.delivery = f.delivery;
                after.remarks = f.remarks;
                after.received_on = f.received_on;
                if let Some(first) = after.events.first_mut() {
                    first.on = f.received_on;
                }
                "correct"
            }
            CaseCorrection::Timeline { events, closing } => {
                let received = before.events.first().cloned().unwrap_or_else(|| Event::new(EventKind::Received, before.received_on));
                after.events = std::iter::once(received).chain(events).collect();
                after.closing = closing;
                "correct_timeline"
            }
            CaseCorrection::Closing(c) => {
                if before.closing.is_none() {
                    return Err(StoreError::Rule("申请尚未办结，没有可更正的办理结果".into()));
                }
                after.closing = Some(c);
                "correct"
            }
            CaseCorrection::Void => {
                after.voided = Some(Voided { at: ctx.at.to_rfc3339(), reason: reason.to_string() });
                "void"
            }
        };
        let after = save_case(self, &mut tx, ctx, &before, after, action, reason).await?;
        // Extension requests die with a voided case (each in the log, so that its row matches
        // its last after-image).
        if after.voided.is_some() {
            let pending = sqlx::query(concat!(
                "SELECT ",
                ext_cols!(),
                " FROM extension_requests WHERE application_id = $1 AND status = 'pending' ORDER BY id"
            ))
            .bind(id.0)
            .fetch_all(&mut *tx)
            .await?;
            for r in &pending {
                let before_req = extension_from(r)?;
                let on = ctx.at.date_naive();
                sqlx::query("UPDATE extension_requests SET status = 'refused', decided_on = $1 WHERE id = $2")
                    .bind(iso(on))
                    .bind(before_req.id)
                    .execute(&mut *tx)
                    .await?;
                let after_req = ExtensionRequest { status: ExtensionStatus::Refused, decided_on: Some(on), ..before_req.clone() };
                let change =
                    Change::new("refuse", "extension", before_req.id.to_string(), json(&before_req)?, json(&after_req)?);
                audit(&mut tx, ctx, change.of(after.agency).because(reason)).await?;
            }
        }
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn request_extension(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        days: u32,
        reason: &str,
        on: NaiveDate,
    ) -> Result<ExtensionRequest> {
        let Some(by) = ctx.user else {
            return Err(StoreError::Forbidden("延期申请须由承办人本人提出（需以用户身份登录）".into()));
        };
        if !(1..=20).contains(&days) {
            return Err(StoreError::Rule("延期答复的期限为 1 至 20 个工作日（条例第三十三条）".into()));
        }
        if reason.trim().is_empty() {
            return Err(StoreError::Rule("延期须说明理由（延期答复告知书载明）".into()));
        }
        let mut tx = self.begin_write().await?;
        let app = case_for_change(&mut tx, id, None).await?;
        if app.closed_on.is_some() {
            return Err(StoreError::Rule(format!("申请 {} 已办结，不能再延期", app.number)));
        }
        if on < app.received_on {
            return Err(StoreError::Rule(format!("延期申请日期（{on}）早于收到申请之日（{}）", app.received_on)));
        }
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM extension_requests WHERE application_id = $1 AND status = 'pending'",
        )
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            return Err(StoreError::Conflict(format!("申请 {} 已有待审批的延期申请", app.number)));
        }
        let rid = next_id(&mut tx, "SELECT MAX(id) FROM extension_requests").await?;
        sqlx::query(
            "INSERT INTO extension_requests (id, application_id, days, reason, requested_by, requested_on, status) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending')",
        )
        .bind(rid)
        .bind(id.0)
        .bind(i64::from(days))
        .bind(reason.trim().to_string())
        .bind(by.0)
        .bind(iso(on))
        .execute(&mut *tx)
        .await?;
        let req = ExtensionRequest {
            id: rid,
            application: id,
            days,
            reason: reason.trim().to_string(),
            requested_by: by,
            requested_on: on,
            status: ExtensionStatus::Pending,
            decided_by: None,
            decided_on: None,
        };
        audit(&mut tx, ctx, Change::new("request", "extension", rid.to_string(), String::new(), json(&req)?).of(app.agency))
            .await?;
        self.commit_write(tx).await?;
        Ok(req)
    }

    /// Approves (adding the `extension_approved` event, approver = the acting user) or refuses a
    /// pending extension request. The approver holds the office-head role at the agency and is
    /// neither the case officer nor the one who asked (checked here, in the writing transaction).
    pub(crate) async fn decide_extension(
        &self,
        ctx: &Ctx,
        request: i64,
        approve: bool,
        on: NaiveDate,
    ) -> Result<(ExtensionRequest, Application)> {
        let Some(by) = ctx.user else {
            return Err(StoreError::Forbidden("延期答复须由办公室负责人本人审批（需以用户身份登录）".into()));
        };
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(concat!("SELECT ", ext_cols!(), " FROM extension_requests WHERE id = $1"))
            .bind(request)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("延期申请（序号 {request}）")))?;
        let before_req = extension_from(&r)?;
        if before_req.status != ExtensionStatus::Pending {
            return Err(StoreError::Conflict(format!("该延期申请已审批（{}），不能再次审批", before_req.status.label())));
        }
        let app = case_for_change(&mut tx, before_req.application, None).await?;
        if !has_role(&mut tx, by, app.agency, Role::OfficeHead).await? {
            return Err(StoreError::Forbidden("审批延期答复须由本机关办公室负责人进行（条例第三十三条）".into()));
        }
        if Some(by) == app.case_officer || by == before_req.requested_by {
            return Err(StoreError::Forbidden("不得审批本人承办或本人提出的延期申请".into()));
        }
        if on < before_req.requested_on {
            return Err(StoreError::Rule(format!("审批日期（{on}）早于申请日期（{}）", before_req.requested_on)));
        }
        let after_app = if approve {
            let mut event = Event::new(EventKind::ExtensionApproved, on);
            event.by = Some(by);
            event.detail.days = Some(before_req.days);
            let approver: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
                .bind(by.0)
                .fetch_optional(&mut *tx)
                .await?;
            event.detail.approver = approver;
            event.note = before_req.reason.clone();
            let mut after = app.clone();
            after.events.push(event);
            save_case(self, &mut tx, ctx, &app, after, "add_event", "").await?
        } else {
            app
        };
        let status = if approve { ExtensionStatus::Approved } else { ExtensionStatus::Refused };
        sqlx::query("UPDATE extension_requests SET status = $1, decided_by = $2, decided_on = $3 WHERE id = $4")
            .bind(status.code())
            .bind(by.0)
            .bind(iso(on))
            .bind(request)
            .execute(&mut *tx)
            .await?;
        let after_req = ExtensionRequest { status, decided_by: Some(by), decided_on: Some(on), ..before_req.clone() };
        let change = Change::new("decide", "extension", request.to_string(), json(&before_req)?, json(&after_req)?);
        audit(&mut tx, ctx, change.of(after_app.agency)).await?;
        self.commit_write(tx).await?;
        Ok((after_req, after_app))
    }

    pub(crate) async fn extension_requests(&self, f: &ExtensionFilter) -> Result<Vec<ExtensionRequest>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT r.id, r.application_id, r.days, r.reason, r.requested_by, r.requested_on, r.status, \
             r.decided_by, r.decided_on FROM extension_requests r JOIN applications a ON a.id = r.application_id \
             WHERE 1 = 1",
        );
        if !f.agencies.is_empty() {
            qb.push(" AND a.agency_id IN (");
            let mut sep = qb.separated(", ");
            for a in &f.agencies {
                sep.push_bind(a.0);
            }
            qb.push(")");
        }
        if let Some(app) = f.application {
            qb.push(" AND r.application_id = ");
            qb.push_bind(app.0);
        }
        if f.pending_only {
            qb.push(" AND r.status = 'pending'");
        }
        qb.push(" ORDER BY r.id");
        qb.build().fetch_all(&self.pool).await?.iter().map(extension_from).collect()
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
            app_select_cols!(),
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
            "SELECT id, agency_id, number, applicant_name, applicant_kind, received_on, state, due_on, \
             pause_due_on, closed_on, outcome, case_officer_id, voided_at FROM applications WHERE 1 = 1",
        );
        push_case_filter(&mut qb, f);
        if f.by_due_date {
            qb.push(" AND next_due_on IS NOT NULL ORDER BY next_due_on, id");
        } else if f.newest_first {
            qb.push(" ORDER BY received_on DESC, id DESC");
        } else {
            qb.push(" ORDER BY received_on, id");
        }
        if f.limit > 0 {
            qb.push(" LIMIT ");
            qb.push_bind(i64::from(f.limit));
        }
        if f.offset > 0 {
            qb.push(" OFFSET ");
            qb.push_bind(i64::from(f.offset));
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
                    applicant_kind: ApplicantKind::parse_code(&r.try_get::<String, _>("applicant_kind")?)?,
                    received_on: date(&r.try_get::<String, _>("received_on")?)?,
                    state: CaseState::parse_code(&r.try_get::<String, _>("state")?)?,
                    due_on: opt_date(r.try_get("due_on")?)?,
                    pause_due_on: opt_date(r.try_get("pause_due_on")?)?,
                    closed_on: opt_date(r.try_get("closed_on")?)?,
                    outcome: outcome.as_deref().map(Outcome::parse_code).transpose()?,
                    case_officer: r.try_get::<Option<i64>, _>("case_officer_id")?.map(UserId),
                    voided: r.try_get::<Option<String>, _>("voided_at")?.is_some(),
                })
            })
            .collect()
    }

    pub(crate) async fn count_cases(&self, f: &CaseFilter) -> Result<i64> {
        let mut qb = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM applications WHERE 1 = 1");
        push_case_filter(&mut qb, f);
        if f.by_due_date {
            qb.push(" AND next_due_on IS NOT NULL");
        }
        Ok(qb.build_query_scalar::<i64>().fetch_one(&self.pool).await?)
    }
}

/// The WHERE conditions of a case list (after `WHERE 1 = 1`).
fn push_case_filter(qb: &mut QueryBuilder<Db>, f: &CaseFilter) {
    if !f.agencies.is_empty() {
        qb.push(" AND agency_id IN (");
        let mut sep = qb.separated(", ");
        for a in &f.agencies {
            sep.push_bind(a.0);
        }
        qb.push(")");
    }
    if !f.include_voided {
        qb.push(" AND voided_at IS NULL");
    }
    if f.open_only {
        qb.push(" AND closed_on IS NULL");
    }
    if let Some(d) = f.due_on_or_before {
        qb.push(" AND closed_on IS NULL AND next_due_on <= ");
        qb.push_bind(iso(d));
    }
    if let Some(s) = f.state {
        qb.push(" AND state = ");
        qb.push_bind(s.code());
    }
    if let Some(y) = f.received_year {
        let (start, end) = year_bounds(y);
        qb.push(" AND received_on >= ");
        qb.push_bind(start);
        qb.push(" AND received_on <= ");
        qb.push_bind(end);
    }
    if let Some(o) = f.outcome {
        qb.push(" AND outcome = ");
        qb.push_bind(o.code());
    }
    if let Some(k) = f.applicant_kind {
        qb.push(" AND applicant_kind = ");
        qb.push_bind(k.code());
    }
    if let Some(u) = f.officer {
        qb.push(" AND case_officer_id = ");
        qb.push_bind(u.0);
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // A literal substring of the 编号, the applicant or the content (no LIKE wildcards).
        let pattern = format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        qb.push(" AND (number LIKE ");
        qb.push_bind(pattern.clone());
        qb.push(" ESCAPE '\\' OR applicant_name LIKE ");
        qb.push_bind(pattern.clone());
        qb.push(" ESCAPE '\\' OR content LIKE ");
        qb.push_bind(pattern);
        qb.push(" ESCAPE '\\')");
    }
}
