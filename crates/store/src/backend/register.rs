// Appeals, the register of documents and the year's typed-in counts (included by backend/common.rs).

async fn load_appeal(tx: &mut Tx, id: AppealId) -> Result<Appeal> {
    let r = sqlx::query(concat!("SELECT ", appeal_cols!(), " FROM appeals WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("复议或诉讼案件（序号 {id}）")))?;
    appeal_from(&r)
}

async fn load_document(tx: &mut Tx, id: DocumentId) -> Result<Document> {
    let r = sqlx::query(concat!("SELECT ", document_cols!(), " FROM register_documents WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("文件（序号 {id}）")))?;
    document_from(&r)
}

fn check_appeal_dates(result: AppealResult, filed_on: NaiveDate, closed_on: Option<NaiveDate>) -> Result<()> {
    if (result == AppealResult::Pending) != closed_on.is_none() {
        return Err(StoreError::Rule("尚未审结的案件不能有结案日期，已审结的案件必须有结案日期".into()));
    }
    if let Some(c) = closed_on
        && c < filed_on
    {
        return Err(StoreError::Rule(format!("结案日期（{c}）早于立案日期（{filed_on}）")));
    }
    Ok(())
}

fn check_document(agency: &Agency, d: &Document) -> Result<()> {
    if d.doc_number.trim().is_empty() || d.title.trim().is_empty() {
        return Err(StoreError::Rule("文号和标题不能为空".into()));
    }
    if let Some(r) = d.repealed_on
        && r < d.made_on
    {
        return Err(StoreError::Rule(format!("废止日期（{r}）早于制发日期（{}）", d.made_on)));
    }
    if (d.repealed_on.is_some()) != (d.validity != Validity::Valid) {
        return Err(StoreError::Rule("已废止或已修改的文件须有日期，现行有效的文件不能有废止日期".into()));
    }
    if d.kind == DocumentKind::Regulation
        && matches!(agency.level, AgencyLevel::Township | AgencyLevel::County | AgencyLevel::Department)
    {
        // Only provincial and districted-city governments make 规章 (立法法 Art. 93).
        return Err(StoreError::Rule(format!("{}没有规章制定权，不能登记规章", agency.name)));
    }
    Ok(())
}

impl This {
    /// What an appeal filed on `filed_on` is against: the decision (the application was answered
    /// by then), or inaction (it was overdue and unanswered then, as the deadline engine
    /// evaluates the timeline up to that day). Anything else cannot be appealed yet.
    async fn appeal_ground(&self, tx: &mut Tx, app: &Application, filed_on: NaiveDate) -> Result<AppealGround> {
        if filed_on < app.received_on {
            return Err(StoreError::Rule(format!("立案日期（{filed_on}）早于收到申请之日（{}）", app.received_on)));
        }
        if app.closed_on.is_some_and(|d| d <= filed_on) {
            return Ok(AppealGround::Decision);
        }
        let agency = load_agency(tx, app.agency).await?;
        let before: Vec<Event> = app.events.iter().filter(|e| e.on < filed_on).cloned().collect();
        let eval = self.rules.evaluate(&agency, app.channel, &before).map_err(StoreError::Rule)?;
        match (eval.state, eval.due_on) {
            (CaseState::Open, Some(due)) if due < filed_on => Ok(AppealGround::Inaction),
            (CaseState::Open, Some(due)) => Err(StoreError::Rule(format!(
                "申请 {} 在 {filed_on} 尚未答复，但答复期限（{due}）未到：不能以逾期不答复为由登记复议或诉讼",
                app.number
            ))),
            _ => Err(StoreError::Rule(format!(
                "申请 {} 在 {filed_on} 尚未答复，且答复期限暂停计算：不能以逾期不答复为由登记复议或诉讼",
                app.number
            ))),
        }
    }

    pub(crate) async fn create_appeal(&self, ctx: &Ctx, a: NewAppeal) -> Result<Appeal> {
        check_appeal_dates(a.result, a.filed_on, a.closed_on)?;
        let mut tx = self.begin_write().await?;
        let app = load_application(&mut tx, a.application).await?;
        if app.voided.is_some() {
            return Err(StoreError::Rule(format!("申请 {} 已作废", app.number)));
        }
        let ground = self.appeal_ground(&mut tx, &app, a.filed_on).await?;
        let id = next_id(&mut tx, "SELECT MAX(id) FROM appeals").await?;
        sqlx::query(
            "INSERT INTO appeals (id, application_id, agency_id, kind, filed_on, result, closed_on, note, ground) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(a.application.0)
        .bind(app.agency.0)
        .bind(a.kind.code())
        .bind(iso(a.filed_on))
        .bind(a.result.code())
        .bind(opt_iso(a.closed_on))
        .bind(a.note.clone())
        .bind(ground.code())
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
            ground,
            voided: None,
        };
        audit(&mut tx, ctx, Change::new("create", "appeal", id.to_string(), String::new(), json(&appeal)?).of(app.agency))
            .await?;
        self.commit_write(tx).await?;
        Ok(appeal)
    }

    pub(crate) async fn close_appeal(
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
        let before = load_appeal(&mut tx, id).await?;
        if before.voided.is_some() {
            return Err(StoreError::Rule(format!("{}（序号 {id}）已作废", before.kind.label())));
        }
        if before.result != AppealResult::Pending {
            return Err(StoreError::Conflict(format!(
                "{}（序号 {id}）已于 {} 审结（{}）：如需改正，请用更正并说明原因",
                before.kind.label(),
                before.closed_on.map(|d| d.to_string()).unwrap_or_default(),
                before.result.label()
            )));
        }
        check_appeal_dates(result, before.filed_on, Some(closed_on))?;
        sqlx::query("UPDATE appeals SET result = $1, closed_on = $2 WHERE id = $3")
            .bind(result.code())
            .bind(iso(closed_on))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = Appeal { result, closed_on: Some(closed_on), ..before.clone() };
        audit(&mut tx, ctx, Change::new("close", "appeal", id.to_string(), json(&before)?, json(&after)?).of(before.agency))
            .await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    /// Corrects (new values, with a reason) or voids an appeal.
    pub(crate) async fn correct_appeal(
        &self,
        ctx: &Ctx,
        id: AppealId,
        correction: Option<NewAppeal>,
        reason: &str,
    ) -> Result<Appeal> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Rule("更正或作废须说明原因".into()));
        }
        let mut tx = self.begin_write().await?;
        let before = load_appeal(&mut tx, id).await?;
        if before.voided.is_some() {
            return Err(StoreError::Rule(format!("{}（序号 {id}）已作废", before.kind.label())));
        }
        let (after, action) = match correction {
            Some(c) => {
                check_appeal_dates(c.result, c.filed_on, c.closed_on)?;
                let app = load_application(&mut tx, before.application).await?;
                let ground = self.appeal_ground(&mut tx, &app, c.filed_on).await?;
                let after = Appeal {
                    kind: c.kind,
                    filed_on: c.filed_on,
                    result: c.result,
                    closed_on: c.closed_on,
                    note: c.note,
                    ground,
                    ..before.clone()
                };
                (after, "correct")
            }
            None => (Appeal { voided: Some(Voided { at: ctx.at.to_rfc3339(), reason: reason.to_string() }), ..before.clone() }, "void"),
        };
        sqlx::query(
            "UPDATE appeals SET kind = $1, filed_on = $2, result = $3, closed_on = $4, note = $5, ground = $6, \
             voided_at = $7, void_reason = $8 WHERE id = $9",
        )
        .bind(after.kind.code())
        .bind(iso(after.filed_on))
        .bind(after.result.code())
        .bind(opt_iso(after.closed_on))
        .bind(after.note.clone())
        .bind(after.ground.code())
        .bind(after.voided.as_ref().map(|v| v.at.clone()))
        .bind(after.voided.as_ref().map(|v| v.reason.clone()).unwrap_or_default())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::new(action, "appeal", id.to_string(), json(&before)?, json(&after)?);
        audit(&mut tx, ctx, change.of(before.agency).because(reason)).await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn appeals(&self, agency: AgencyId) -> Result<Vec<Appeal>> {
        sqlx::query(concat!("SELECT ", appeal_cols!(), " FROM appeals WHERE agency_id = $1 ORDER BY id"))
            .bind(agency.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(appeal_from)
            .collect()
    }

    pub(crate) async fn appeal(&self, id: AppealId) -> Result<Appeal> {
        let mut tx = self.pool.begin().await?;
        let a = load_appeal(&mut tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    pub(crate) async fn add_document(&self, ctx: &Ctx, d: Document) -> Result<Document> {
        let mut tx = self.begin_write().await?;
        let agency = load_agency(&mut tx, d.agency).await?;
        check_document(&agency, &d)?;
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
        let doc = Document { id: DocumentId(id), doc_number: d.doc_number.trim().to_string(), voided: None, ..d };
        audit(&mut tx, ctx, Change::new("create", "document", id.to_string(), String::new(), json(&doc)?).of(doc.agency))
            .await?;
        self.commit_write(tx).await?;
        Ok(doc)
    }

    pub(crate) async fn repeal_document(
        &self,
        ctx: &Ctx,
        id: DocumentId,
        on: NaiveDate,
        validity: Validity,
    ) -> Result<Document> {
        let mut tx = self.begin_write().await?;
        let before = load_document(&mut tx, id).await?;
        if before.voided.is_some() {
            return Err(StoreError::Rule(format!("{} 已作废", before.doc_number)));
        }
        if before.validity != Validity::Valid {
            return Err(StoreError::Conflict(format!(
                "{} 已于 {} {}：如需改正，请用更正并说明原因",
                before.doc_number,
                before.repealed_on.map(|d| d.to_string()).unwrap_or_default(),
                before.validity.label()
            )));
        }
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
        audit(&mut tx, ctx, Change::new("repeal", "document", id.to_string(), json(&before)?, json(&after)?).of(before.agency))
            .await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    /// Corrects (new values, with a reason) or voids a registered document.
    pub(crate) async fn correct_document(
        &self,
        ctx: &Ctx,
        id: DocumentId,
        correction: Option<Document>,
        reason: &str,
    ) -> Result<Document> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Rule("更正或作废须说明原因".into()));
        }
        let mut tx = self.begin_write().await?;
        let before = load_document(&mut tx, id).await?;
        if before.voided.is_some() {
            return Err(StoreError::Rule(format!("{} 已作废", before.doc_number)));
        }
        let (after, action) = match correction {
            Some(d) => {
                let agency = load_agency(&mut tx, before.agency).await?;
                let after = Document {
                    id,
                    agency: before.agency,
                    doc_number: d.doc_number.trim().to_string(),
                    voided: None,
                    ..d
                };
                check_document(&agency, &after)?;
                (after, "correct")
            }
            None => (
                Document { voided: Some(Voided { at: ctx.at.to_rfc3339(), reason: reason.to_string() }), ..before.clone() },
                "void",
            ),
        };
        sqlx::query(
            "UPDATE register_documents SET kind = $1, doc_number = $2, title = $3, made_on = $4, repealed_on = $5, \
             validity = $6, voided_at = $7, void_reason = $8 WHERE id = $9",
        )
        .bind(after.kind.code())
        .bind(after.doc_number.clone())
        .bind(after.title.clone())
        .bind(iso(after.made_on))
        .bind(opt_iso(after.repealed_on))
        .bind(after.validity.code())
        .bind(after.voided.as_ref().map(|v| v.at.clone()))
        .bind(after.voided.as_ref().map(|v| v.reason.clone()).unwrap_or_default())
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("文号 {} 已登记", after.doc_number)))?;
        let change = Change::new(action, "document", id.to_string(), json(&before)?, json(&after)?);
        audit(&mut tx, ctx, change.of(before.agency).because(reason)).await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn documents(&self, agency: AgencyId) -> Result<Vec<Document>> {
        sqlx::query(concat!("SELECT ", document_cols!(), " FROM register_documents WHERE agency_id = $1 ORDER BY id"))
            .bind(agency.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(document_from)
            .collect()
    }

    /// Sets the figures given, keeps the others. Changing a figure already set is a correction:
    /// it needs a reason, recorded in the audit log.
    pub(crate) async fn set_yearly_counts(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        update: YearlyCounts,
        reason: &str,
    ) -> Result<YearlyCounts> {
        for (label, v) in [
            ("行政许可", update.admin_licensing),
            ("行政处罚", update.admin_penalty),
            ("行政强制", update.admin_coercion),
        ] {
            if let Some(n) = v
                && !(0..=MAX_COUNT).contains(&n)
            {
                return Err(StoreError::Rule(format!("{label}数量 {n} 超出范围（0 至 {MAX_COUNT}）")));
            }
        }
        let fee = update.admin_fees_wan.as_deref().map(str::trim).map(str::to_string);
        if let Some(f) = &fee {
            check_fees_wan(f)?;
        }
        let mut tx = self.begin_write().await?;
        load_agency(&mut tx, agency).await?;
        let before = load_counts(&mut tx, agency, year).await?;
        let old = before.clone().unwrap_or_default();
        let after = YearlyCounts {
            admin_licensing: update.admin_licensing.or(old.admin_licensing),
            admin_penalty: update.admin_penalty.or(old.admin_penalty),
            admin_coercion: update.admin_coercion.or(old.admin_coercion),
            admin_fees_wan: fee.or(old.admin_fees_wan.clone()),
        };
        let overwrites = [
            (old.admin_licensing, after.admin_licensing),
            (old.admin_penalty, after.admin_penalty),
            (old.admin_coercion, after.admin_coercion),
        ]
        .iter()
        .any(|(o, n)| o.is_some() && o != n)
            || (old.admin_fees_wan.is_some() && old.admin_fees_wan != after.admin_fees_wan);
        if overwrites && reason.trim().is_empty() {
            return Err(StoreError::Rule(format!(
                "{year} 年度的数量已经填报过：修改已填报的数字是更正，须说明原因（--reason）"
            )));
        }
        if before.as_ref() == Some(&after) {
            return Ok(after);
        }
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
        .bind(after.admin_licensing)
        .bind(after.admin_penalty)
        .bind(after.admin_coercion)
        .bind(after.admin_fees_wan.clone())
        .execute(&mut *tx)
        .await?;
        let before_json = match &before {
            Some(b) => json(b)?,
            None => String::new(),
        };
        let action = if overwrites { "correct" } else { "set" };
        let change = Change::new(action, "yearly_counts", format!("{agency}/{year}"), before_json, json(&after)?);
        audit(&mut tx, ctx, change.of(agency).because(reason.trim())).await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn yearly_counts(&self, agency: AgencyId, year: i32) -> Result<Option<YearlyCounts>> {
        let mut tx = self.pool.begin().await?;
        let c = load_counts(&mut tx, agency, year).await?;
        tx.commit().await?;
        Ok(c)
    }
}

/// The largest count of decisions a year may record (a stored value never overflows a report).
const MAX_COUNT: i64 = 1_000_000_000;

/// 行政事业性收费 in 万元: a plain decimal, at most 4 decimals (1 元), below 10^10 万元.
fn check_fees_wan(s: &str) -> Result<()> {
    let bad = || StoreError::Rule(format!("行政事业性收费金额“{s}”不是有效的万元数（如 12.5）"));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || int.len() > 10 || frac.len() > 4 || (s.contains('.') && frac.is_empty()) {
        return Err(bad());
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(())
}

async fn load_counts(tx: &mut Tx, agency: AgencyId, year: i32) -> Result<Option<YearlyCounts>> {
    let r = sqlx::query(
        "SELECT admin_licensing, admin_penalty, admin_coercion, admin_fees_wan FROM yearly_counts \
         WHERE agency_id = $1 AND year = $2",
    )
    .bind(agency.0)
    .bind(i64::from(year))
    .fetch_optional(&mut **tx)
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
