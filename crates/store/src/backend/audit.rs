// The audit log: verification and reading (included by backend/common.rs).

impl This {
    pub(crate) async fn audit_verify(&self) -> Result<AuditVerification> {
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
