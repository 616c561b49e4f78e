// Reconciling the records with the audit log's after-images (included by backend/common.rs; the
// rules and the normal form are in src/reconcile.rs).

/// The latest image of a record in the log.
#[derive(Debug)]
struct Trail {
    seq: i64,
    digest: [u8; 32],
    /// Written before migration 0003 (the entry names no agency): fields added since are absent.
    legacy: bool,
}

/// What the log says about one annual report.
#[derive(Debug, Default)]
struct ReportTrail {
    content: Option<(i64, [u8; 32])>,
    status: Option<String>,
    /// The actor of the last lock, and whether that entry predates migration 0003 (when the
    /// report row did not record its locker yet).
    locked_by: Option<(String, bool)>,
    corrections: Vec<CorrectionTrail>,
}

#[derive(Debug)]
struct CorrectionTrail {
    seq: i64,
    actor: String,
    at: String,
    reason: String,
    before: [u8; 32],
}

#[derive(Debug, Default)]
struct Reconciler {
    trails: HashMap<Key, Trail>,
    roles: HashSet<(i64, i64, String)>,
    reports: HashMap<(i64, i64), ReportTrail>,
    problems: Vec<String>,
    checked: u64,
}

/// Reads the whole log, then every reconciled table, in the transaction's snapshot. Returns how
/// many records were compared and what differs.
async fn reconcile(tx: &mut Tx) -> Result<(u64, Vec<String>)> {
    let mut rc = Reconciler::default();
    let mut after = 0_i64;
    loop {
        let batch = fetch_audit(tx, after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for e in &batch {
            rc.entry(e);
        }
    }
    rc.agencies(tx).await?;
    rc.users(tx).await?;
    rc.roles(tx).await?;
    rc.applications(tx).await?;
    rc.extensions(tx).await?;
    rc.appeals(tx).await?;
    rc.documents(tx).await?;
    rc.counts(tx).await?;
    rc.annual_reports(tx).await?;
    let mut gone: Vec<(Key, i64)> = rc.trails.iter().map(|(k, t)| (*k, t.seq)).collect();
    gone.sort_by_key(|(_, seq)| *seq);
    for (key, seq) in gone {
        rc.problems.push(format!("审计日志第 {seq} 条记下的{}在数据库中不存在：它在应用之外被删除", key.name(None)));
    }
    let mut roles: Vec<_> = rc.roles.drain().collect();
    roles.sort();
    for (u, a, role) in roles {
        rc.problems.push(format!(
            "审计日志授予用户 id {u} 在机关 id {a} 的角色 {role}，数据库中却没有：它在应用之外被删除"
        ));
    }
    let mut reports: Vec<_> = rc.reports.keys().copied().collect();
    reports.sort();
    for (a, y) in reports {
        rc.problems.push(format!("审计日志记下的机关 id {a} 的 {y} 年度报告在数据库中不存在：它在应用之外被删除"));
    }
    Ok((rc.checked, rc.problems))
}

impl Reconciler {
    /// Takes in one audit entry.
    fn entry(&mut self, e: &AuditEntry) {
        match e.entity.as_str() {
            "role" => {
                let grant = |text: &str| serde_json::from_str::<RoleGrant>(text).ok().map(|g| (g.user.0, g.agency.0, g.role.code()));
                match e.action.as_str() {
                    "grant" => self.roles.extend(grant(&e.after)),
                    "revoke" => {
                        if let Some(g) = grant(&e.before) {
                            self.roles.remove(&g);
                        }
                    }
                    _ => {}
                }
            }
            "annual_report" => {
                let Some(key) = crate::reconcile::agency_year(&e.entity_id) else { return };
                let t = self.reports.entry(key).or_default();
                match e.action.as_str() {
                    "save" | "correct" => {
                        let image = serde_json::from_str(&e.after).unwrap_or(serde_json::Value::Null);
                        t.content = Some((e.seq, crate::reconcile::digest(&image)));
                        if e.action == "correct" {
                            let before = serde_json::from_str(&e.before).unwrap_or(serde_json::Value::Null);
                            t.corrections.push(CorrectionTrail {
                                seq: e.seq,
                                actor: e.actor.clone(),
                                at: e.at.clone(),
                                reason: e.reason.clone(),
                                before: crate::reconcile::digest(&before),
                            });
                        }
                    }
                    "status" => {
                        if e.after == ReportStatus::Locked.code() {
                            t.locked_by = Some((e.actor.clone(), e.agency.is_none()));
                        }
                        t.status = Some(e.after.clone());
                    }
                    _ => {}
                }
            }
            entity => {
                let Some(key) = Key::of(entity, &e.entity_id) else { return };
                if e.after.is_empty() {
                    return;
                }
                let image = serde_json::from_str(&e.after).unwrap_or(serde_json::Value::Null);
                let legacy = e.agency.is_none() && matches!(key.0, Kind::Application | Kind::Appeal);
                self.trails.insert(key, Trail { seq: e.seq, digest: crate::reconcile::digest(&image), legacy });
            }
        }
    }

    /// Compares one record with its latest image.
    async fn compare(&mut self, tx: &mut Tx, key: Key, current: serde_json::Value) -> Result<()> {
        self.checked += 1;
        let Some(t) = self.trails.remove(&key) else {
            self.problems.push(format!("{}在审计日志中没有记录：它是在应用之外添加的", key.name(Some(&current))));
            return Ok(());
        };
        if t.digest == crate::reconcile::digest(&current) {
            return Ok(());
        }
        let image = fetch_audit(tx, t.seq - 1, 1)
            .await?
            .pop()
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.after).ok())
            .unwrap_or(serde_json::Value::Null);
        let skip = if t.legacy { key.legacy_fields() } else { &[] };
        let fields = crate::reconcile::differing_fields(&image, &current, skip);
        if !fields.is_empty() {
            self.problems.push(format!(
                "{}与审计日志第 {} 条记下的内容不符（{}）：它在应用之外被改动",
                key.name(Some(&current)),
                t.seq,
                fields.join("、")
            ));
        }
        Ok(())
    }

    /// A record that cannot even be read back is a finding too, not a failure of the check.
    fn unreadable(&mut self, what: String, e: &StoreError) {
        self.checked += 1;
        self.problems.push(format!("{what}的数据无法读取（{e}）：它在应用之外被改动"));
    }

    async fn agencies(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies ORDER BY id")).fetch_all(&mut **tx).await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            match agency_from(r) {
                Ok(a) => self.compare(tx, Key(Kind::Agency, id, 0), serde_json::to_value(&a).unwrap_or_default()).await?,
                Err(e) => self.unreadable(format!("机关（id {id}）"), &e),
            }
        }
        Ok(())
    }

    async fn users(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = sqlx::query(concat!("SELECT ", user_cols!(), " FROM users ORDER BY id")).fetch_all(&mut **tx).await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            match user_from(r) {
                // The password hash is not in the log (User leaves it out when serialised).
                Ok(u) => self.compare(tx, Key(Kind::User, id, 0), serde_json::to_value(&u).unwrap_or_default()).await?,
                Err(e) => self.unreadable(format!("用户（id {id}）"), &e),
            }
        }
        Ok(())
    }

    async fn roles(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = sqlx::query("SELECT user_id, agency_id, role FROM user_roles ORDER BY user_id, agency_id, role")
            .fetch_all(&mut **tx)
            .await?;
        for r in &rows {
            self.checked += 1;
            let grant: (i64, i64, String) = (r.try_get("user_id")?, r.try_get("agency_id")?, r.try_get("role")?);
            if !self.roles.remove(&grant) {
                self.problems.push(format!(
                    "用户 id {} 在机关 id {} 的角色 {} 在审计日志中没有授予记录：它是在应用之外添加的",
                    grant.0, grant.1, grant.2
                ));
            }
        }
        Ok(())
    }

    async fn applications(&mut self, tx: &mut Tx) -> Result<()> {
        let mut after = 0_i64;
        loop {
            let rows = sqlx::query(concat!(
                "SELECT ",
                app_select_cols!(),
                ", next_due_on FROM applications WHERE id > $1 ORDER BY id LIMIT 1000"
            ))
            .bind(after)
            .fetch_all(&mut **tx)
            .await?;
            let Some(last) = rows.last() else { break };
            let high: i64 = last.try_get("id")?;
            let event_rows = sqlx::query(
                "SELECT application_id, kind, on_date, actor_id, amount_yuan, note, detail FROM application_events \
                 WHERE application_id > $1 AND application_id <= $2 ORDER BY application_id, seq",
            )
            .bind(after)
            .bind(high)
            .fetch_all(&mut **tx)
            .await?;
            let mut events: HashMap<i64, Vec<Result<Event>>> = HashMap::new();
            for r in &event_rows {
                events.entry(r.try_get("application_id")?).or_default().push(event_from(r));
            }
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                let app = events
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .collect::<Result<Vec<Event>>>()
                    .and_then(|ev| application_from(r, ev));
                let app = match app {
                    Ok(a) => a,
                    Err(e) => {
                        self.unreadable(format!("申请（id {id}）"), &e);
                        continue;
                    }
                };
                // The reminder column is derived: a case taken off the reminders behind the app's back.
                let stored: Option<String> = r.try_get("next_due_on")?;
                let due = if app.voided.is_some() { None } else { next_due(app.state, app.due_on, app.pause_due_on) };
                if stored != opt_iso(due) {
                    self.problems.push(format!(
                        "申请 {}（id {id}）的提醒日期（next_due_on）为 {}，按其状态应为 {}：它在应用之外被改动",
                        app.number,
                        stored.as_deref().unwrap_or("空"),
                        opt_iso(due).as_deref().unwrap_or("空")
                    ));
                }
                self.compare(tx, Key(Kind::Application, id, 0), serde_json::to_value(&app).unwrap_or_default()).await?;
            }
            // Events of an application that does not exist are refused by the foreign key.
            after = high;
        }
        Ok(())
    }

    async fn extensions(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = sqlx::query(concat!("SELECT ", ext_cols!(), " FROM extension_requests ORDER BY id")).fetch_all(&mut **tx).await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            match extension_from(r) {
                Ok(x) => self.compare(tx, Key(Kind::Extension, id, 0), serde_json::to_value(&x).unwrap_or_default()).await?,
                Err(e) => self.unreadable(format!("延期申请（序号 {id}）"), &e),
            }
        }
        Ok(())
    }

    async fn appeals(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = sqlx::query(concat!("SELECT ", appeal_cols!(), " FROM appeals ORDER BY id")).fetch_all(&mut **tx).await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            match appeal_from(r) {
                Ok(a) => self.compare(tx, Key(Kind::Appeal, id, 0), serde_json::to_value(&a).unwrap_or_default()).await?,
                Err(e) => self.unreadable(format!("复议或诉讼案件（序号 {id}）"), &e),
            }
        }
        Ok(())
    }

    async fn documents(&mut self, tx: &mut Tx) -> Result<()> {
        let rows =
            sqlx::query(concat!("SELECT ", document_cols!(), " FROM register_documents ORDER BY id")).fetch_all(&mut **tx).await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            match document_from(r) {
                Ok(d) => self.compare(tx, Key(Kind::Document, id, 0), serde_json::to_value(&d).unwrap_or_default()).await?,
                Err(e) => self.unreadable(format!("文件（序号 {id}）"), &e),
            }
        }
        Ok(())
    }

    async fn counts(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = sqlx::query(
            "SELECT agency_id, year, admin_licensing, admin_penalty, admin_coercion, admin_fees_wan FROM yearly_counts \
             ORDER BY agency_id, year",
        )
        .fetch_all(&mut **tx)
        .await?;
        for r in &rows {
            let counts = YearlyCounts {
                admin_licensing: r.try_get("admin_licensing")?,
                admin_penalty: r.try_get("admin_penalty")?,
                admin_coercion: r.try_get("admin_coercion")?,
                admin_fees_wan: r.try_get("admin_fees_wan")?,
            };
            let key = Key(Kind::Counts, r.try_get("agency_id")?, r.try_get("year")?);
            self.compare(tx, key, serde_json::to_value(&counts).unwrap_or_default()).await?;
        }
        Ok(())
    }

    async fn annual_reports(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = sqlx::query("SELECT id, agency_id, year, status, content, locked_by FROM annual_reports ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
        let corrections = sqlx::query(
            "SELECT report_id, corrected_by, corrected_at, reason, before_json FROM report_corrections ORDER BY report_id, id",
        )
        .fetch_all(&mut **tx)
        .await?;
        let mut by_report: HashMap<i64, Vec<&DbRow>> = HashMap::new();
        for c in &corrections {
            by_report.entry(c.try_get("report_id")?).or_default().push(c);
        }
        for r in &rows {
            self.checked += 1;
            let (id, agency, year): (i64, i64, i64) = (r.try_get("id")?, r.try_get("agency_id")?, r.try_get("year")?);
            let name = format!("机关 id {agency} 的 {year} 年度报告");
            let Some(t) = self.reports.remove(&(agency, year)) else {
                self.problems.push(format!("{name}在审计日志中没有记录：它是在应用之外添加的"));
                continue;
            };
            let mut differs = Vec::new();
            let content: String = r.try_get("content")?;
            let content = serde_json::from_str(&content).unwrap_or(serde_json::Value::Null);
            if t.content.map(|c| c.1) != Some(crate::reconcile::digest(&content)) {
                differs.push("内容");
            }
            let status: String = r.try_get("status")?;
            if status != t.status.as_deref().unwrap_or(ReportStatus::Draft.code()) {
                differs.push("状态");
            }
            let locked_by: String = r.try_get("locked_by")?;
            let locker_ok = match &t.locked_by {
                // Reports locked before migration 0003 did not record who locked them.
                Some((actor, legacy)) => locked_by == *actor || (*legacy && locked_by.is_empty()),
                None => locked_by.is_empty(),
            };
            if !locker_ok {
                differs.push("锁定者");
            }
            let stored = by_report.remove(&id).unwrap_or_default();
            let same_corrections = stored.len() == t.corrections.len()
                && stored.iter().zip(&t.corrections).all(|(c, want)| {
                    let get = |col: &str| c.try_get::<String, _>(col).unwrap_or_default();
                    let before = serde_json::from_str(&get("before_json")).unwrap_or(serde_json::Value::Null);
                    get("corrected_by") == want.actor
                        && get("corrected_at") == want.at
                        && (want.reason.is_empty() || get("reason") == want.reason)
                        && crate::reconcile::digest(&before) == want.before
                });
            if !same_corrections {
                differs.push("更正记录");
            }
            if !differs.is_empty() {
                let seq = t.corrections.last().map(|c| c.seq).max(t.content.map(|c| c.0)).unwrap_or(0);
                self.problems.push(format!(
                    "{name}与审计日志（至第 {seq} 条）记下的不符（{}）：它在应用之外被改动",
                    differs.join("、")
                ));
            }
        }
        Ok(())
    }
}
