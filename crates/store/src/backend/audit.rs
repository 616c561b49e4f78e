// The audit log: verification and reading (included by backend/common.rs).

impl This {
    pub(crate) async fn audit_verify(&self) -> Result<AuditVerification> {
        self.audit_check(&AuditCheck::default()).await
    }

    pub(crate) async fn audit_check(&self, check: &AuditCheck) -> Result<AuditVerification> {
        // The anchor is read before the snapshot starts: it is advanced only after a commit, so
        // the snapshot holds every entry it can name.
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        let mut checkpoints: Vec<Checkpoint> = check
            .expect
            .iter()
            .map(|r| Checkpoint { receipt: r.clone(), source: format!("回执 {}…", r.to_string().get(..24).unwrap_or("")) })
            .collect();
        let anchored = match &self.anchor {
            Some(a) => match a.read() {
                Ok(Some(r)) => {
                    checkpoints.push(Checkpoint { receipt: r.clone(), source: format!("锚点文件 {}", a.path().display()) });
                    Some(r)
                }
                Ok(None) => {
                    problems.push(format!(
                        "锚点文件 {} 不存在：无法确认最新的记录没有被删除或改写。若数据库是从别处复制、从备份恢复的，或在另一台机器上访问 PostgreSQL，请先用保存的回执核对（gongkai audit verify --expect 序号:哈希值），再运行 gongkai audit anchor 重建锚点",
                        a.path().display()
                    ));
                    None
                }
                Err(e) => {
                    problems.push(format!("锚点文件 {} 无法读取（{}）：它被改动过或已损坏", a.path().display(), describe_io(&e)));
                    None
                }
            },
            None => {
                notes.push("没有锚点文件（PostgreSQL 未指定数据目录）：删除或改写最新的记录只能用保存的回执发现".into());
                None
            }
        };
        let mut tx = self.begin_snapshot().await?;
        let mut v = verify_chain(&mut tx, Verifier::with_checkpoints(checkpoints)).await?;
        if check.records {
            let (count, mut found) = reconcile(&mut tx).await?;
            v.records = Some(count);
            v.problems.append(&mut found);
        }
        tx.commit().await?;
        if let (Some(r), Some(a)) = (&anchored, &self.anchor) {
            notes.push(format!("锚点文件 {} 记下第 {} 条（{}…）", a.path().display(), r.seq, r.short()));
        }
        problems.append(&mut v.problems);
        v.problems = problems;
        notes.append(&mut v.notes);
        v.notes = notes;
        Ok(v)
    }

    pub(crate) async fn audit_anchor(&self, ctx: &Ctx) -> Result<AnchorReset> {
        let Some(anchor) = &self.anchor else {
            return Err(StoreError::Conflict(
                "这个数据库没有锚点文件的位置（PostgreSQL 须由应用指定数据目录）".into(),
            ));
        };
        let previous = anchor.read().ok().flatten();
        let mut tx = self.begin_write().await?;
        let v = verify_chain(&mut tx, Verifier::new()).await?;
        if !v.problems.is_empty() {
            return Err(StoreError::Conflict(format!(
                "审计日志的哈希链校验未通过，不能重建锚点：{}",
                v.problems.join("；")
            )));
        }
        let change = Change::new(
            "anchor",
            "audit_anchor",
            anchor.path().display().to_string(),
            previous.as_ref().map(Receipt::to_string).unwrap_or_default(),
            v.head.as_ref().map(Receipt::to_string).unwrap_or_default(),
        );
        audit(&mut tx, ctx, change).await?;
        let head = tx_head(&mut tx).await?;
        tx.commit().await?;
        anchor.reset(&head)?;
        Ok(AnchorReset { path: anchor.path().to_path_buf(), previous, receipt: head })
    }

    pub(crate) async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut tx = self.pool.begin().await?;
        let out = fetch_audit(&mut tx, after_seq, limit).await?;
        tx.commit().await?;
        Ok(out)
    }
}

async fn fetch_audit(tx: &mut Tx, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
    sqlx::query(
        "SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, \
                agency_id, reason FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
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
            agency: r.try_get::<Option<i64>, _>("agency_id")?.map(AgencyId),
            reason: r.try_get("reason")?,
        })
    })
    .collect()
}

/// Verifies the whole chain as the transaction sees it, against its head.
async fn verify_chain(tx: &mut Tx, mut v: Verifier) -> Result<AuditVerification> {
    let mut after = 0_i64;
    loop {
        let batch = fetch_audit(tx, after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for e in &batch {
            v.feed(e);
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| -> Result<(i64, String)> { Ok((r.try_get("seq")?, r.try_get("hash")?)) })
        .transpose()?;
    Ok(v.finish(head))
}
