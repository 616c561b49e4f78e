// The year's tallies, drill-down and stored annual reports (included by backend/common.rs).

async fn load_report(tx: &mut Tx, agency: AgencyId, year: i32) -> Result<Option<StoredReport>> {
    let Some(r) = sqlx::query(
        "SELECT id, agency_id, year, status, content, locked_by FROM annual_reports WHERE agency_id = $1 AND year = $2",
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
        locked_by: r.try_get("locked_by")?,
        content: serde_json::from_str(&content).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        corrections,
    }))
}

fn add_count<K: Ord>(m: &mut BTreeMap<K, i64>, k: K, n: i64) {
    *m.entry(k).or_insert(0) += n;
}

impl This {
    pub(crate) async fn tallies(&self, agency: AgencyId, year: i32) -> Result<YearTallies> {
        let (start, end) = year_bounds(year);
        let mut tx = self.begin_snapshot().await?;
        // One scan of the covering index: every application that is open at some point of the year.
        let rows = sqlx::query(
            "SELECT applicant_kind, COALESCE(outcome, '') AS outcome, \
                    CAST(CASE WHEN received_on < $2 THEN 0 ELSE 1 END AS BIGINT) AS received_in_year, \
                    CAST(CASE WHEN closed_on IS NULL OR closed_on > $3 THEN 1 ELSE 0 END AS BIGINT) AS open_at_end, \
                    COUNT(*) AS n \
             FROM applications \
             WHERE agency_id = $1 AND voided_at IS NULL AND received_on <= $3 AND (closed_on IS NULL OR closed_on >= $2) \
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
             WHERE agency_id = $1 AND voided_at IS NULL AND filed_on <= $3 AND (closed_on IS NULL OR closed_on >= $2) \
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
             FROM register_documents WHERE agency_id = $1 AND voided_at IS NULL GROUP BY kind",
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
            // Only amounts in range count (a row stored before the bound was enforced must not
            // make the report overflow).
            "SELECT CAST(COALESCE(SUM(CASE WHEN e.amount_yuan BETWEEN 0 AND 10000000 THEN e.amount_yuan ELSE 0 END), 0) AS BIGINT) AS total, \
                    COUNT(DISTINCT e.application_id) AS cases \
             FROM application_events e JOIN applications a ON a.id = e.application_id \
             WHERE a.agency_id = $1 AND a.voided_at IS NULL AND e.kind = 'fee_paid' AND e.on_date >= $2 AND e.on_date <= $3",
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

    pub(crate) async fn cell_records(&self, agency: AgencyId, year: i32, cell: Cell) -> Result<CellRecords> {
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
                    "SELECT id FROM applications WHERE agency_id = $1 AND voided_at IS NULL \
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
                    "SELECT id FROM appeals WHERE agency_id = $1 AND voided_at IS NULL AND kind = $4 \
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
                    "SELECT id FROM register_documents WHERE agency_id = $1 AND voided_at IS NULL AND kind = $4 AND ( \
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

    pub(crate) async fn save_report(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        content: serde_json::Value,
        expected: Option<&str>,
    ) -> Result<StoredReport> {
        let mut tx = self.begin_write().await?;
        load_agency(&mut tx, agency).await?;
        let before = load_report(&mut tx, agency, year).await?;
        // The concurrency guard, in the transaction that writes: the draft the caller edited is
        // still the stored one.
        if let Some(seen) = expected {
            let now = before.as_ref().map(StoredReport::fingerprint).unwrap_or_default();
            if now != seen {
                return Err(StoreError::Conflict(format!(
                    "{year} 年度报告在您打开之后已被他人修改或保存，您的修改未保存（以免覆盖他人的修改）"
                )));
            }
        }
        let text = json(&content)?;
        let before_json = match &before {
            Some(r) if r.status != ReportStatus::Draft => {
                return Err(StoreError::Conflict(format!(
                    "{year} 年度报告{}，修改须作为更正并说明原因",
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
        audit(&mut tx, ctx, Change::new("save", "annual_report", format!("{agency}/{year}"), before_json, text).of(agency))
            .await?;
        let out = load_report(&mut tx, agency, year).await?;
        self.commit_write(tx).await?;
        out.ok_or_else(|| StoreError::NotFound("年度报告".into()))
    }

    pub(crate) async fn set_report_status(
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
        // Separation of duties, checked here so that no race between two sessions lets it through:
        // whoever locked the report does not publish it.
        if status == ReportStatus::Published && same_person(&r.locked_by, &ctx.actor) {
            return Err(StoreError::Forbidden(format!(
                "{year} 年度报告由 {} 锁定，锁定者不能自己发布（不得审批本人的工作）：请由该机关的另一位负责人发布",
                r.locked_by
            )));
        }
        let locked_by = if status == ReportStatus::Locked { ctx.actor.clone() } else { r.locked_by.clone() };
        sqlx::query("UPDATE annual_reports SET status = $1, updated_at = $2, locked_by = $3 WHERE id = $4")
            .bind(status.code())
            .bind(ctx.at.to_rfc3339())
            .bind(locked_by.clone())
            .bind(r.id.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::new(
            "status",
            "annual_report",
            format!("{agency}/{year}"),
            r.status.code().to_string(),
            status.code().to_string(),
        );
        audit(&mut tx, ctx, change.of(agency)).await?;
        self.commit_write(tx).await?;
        Ok(StoredReport { status, locked_by, ..r })
    }

    pub(crate) async fn correct_report(
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
        let change = Change::new("correct", "annual_report", format!("{agency}/{year}"), before, text);
        audit(&mut tx, ctx, change.of(agency).because(reason.trim())).await?;
        let out = load_report(&mut tx, agency, year).await?;
        self.commit_write(tx).await?;
        out.ok_or_else(|| StoreError::NotFound("年度报告".into()))
    }

    pub(crate) async fn report(&self, agency: AgencyId, year: i32) -> Result<Option<StoredReport>> {
        let mut tx = self.pool.begin().await?;
        let r = load_report(&mut tx, agency, year).await?;
        tx.commit().await?;
        Ok(r)
    }
}
