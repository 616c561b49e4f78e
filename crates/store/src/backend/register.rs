// Appeals, the register of documents and the year's typed-in counts (included by backend/common.rs).

impl This {
    pub(crate) async fn create_appeal(&self, ctx: &Ctx, a: NewAppeal) -> Result<Appeal> {
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

    pub(crate) async fn appeals(&self, agency: AgencyId) -> Result<Vec<Appeal>> {
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

    pub(crate) async fn add_document(&self, ctx: &Ctx, d: Document) -> Result<Document> {
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

    pub(crate) async fn repeal_document(
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

    pub(crate) async fn documents(&self, agency: AgencyId) -> Result<Vec<Document>> {
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

    pub(crate) async fn set_yearly_counts(
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

    pub(crate) async fn yearly_counts(&self, agency: AgencyId, year: i32) -> Result<Option<YearlyCounts>> {
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
}
