// Whole-database export/import and backup (included by backend/common.rs).

impl This {
    pub(crate) async fn export_jsonl(&self, out: &mut (dyn Write + Send)) -> Result<TransferSummary> {
        let mut tx = self.begin_snapshot().await?;
        let migrations: Vec<String> = MIGRATOR
            .iter()
            .map(|m| format!("{}_{}", m.version, m.description))
            .collect();
        let header = serde_json::json!({ "gongkai_export": transfer::FORMAT_VERSION, "migrations": migrations });
        writeln!(out, "{header}")?;
        let mut summary = TransferSummary::default();
        let mut rows_per_table = serde_json::Map::new();
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
            rows_per_table.insert(t.name.to_string(), serde_json::Value::from(count));
        }
        // The trailer: an import refuses a file that does not end with it, or whose tables hold
        // other numbers of rows (a truncated or spliced file).
        let trailer = serde_json::json!({ transfer::TRAILER: rows_per_table });
        writeln!(out, "{trailer}")?;
        out.flush()?;
        summary.head = Some(tx_head(&mut tx).await?);
        tx.commit().await?;
        Ok(summary)
    }

    pub(crate) async fn import_jsonl(&self, input: &mut (dyn BufRead + Send)) -> Result<TransferSummary> {
        // The lock is held throughout: the target must stay empty until the whole file is in (a
        // write meanwhile would take the imported ids), and nobody can act in it anyway before
        // its users are imported.
        let mut tx = self.begin_write().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies").fetch_one(&mut *tx).await?;
        let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&mut *tx).await?;
        if existing > 0 || audited > 0 {
            return Err(StoreError::Conflict(
                "目标数据库不是空库：整库导入只能导入到新建的空数据库".into(),
            ));
        }
        let mut lines = input.lines();
        let header = lines
            .next()
            .transpose()
            .map_err(|e| StoreError::Format(format!("第 1 行：{}", crate::errors::describe_io(&e))))?
            .unwrap_or_default();
        let header: serde_json::Value = serde_json::from_str(&header)
            .map_err(|_| StoreError::Format("第 1 行不是 gongkai 导出文件头（文件为空，或不是 gongkai export 导出的文件）".into()))?;
        let version = header.get("gongkai_export").and_then(serde_json::Value::as_i64);
        let Some(version @ 1..=transfer::FORMAT_VERSION) = version else {
            return Err(StoreError::Format("第 1 行不是 gongkai 导出文件头（或由更新版本的 gongkai 导出）".into()));
        };
        let mut check = crate::import_check::ImportCheck::new();
        let mut summary = TransferSummary::default();
        let mut pending: Vec<serde_json::Map<String, serde_json::Value>> = Vec::new();
        let mut current: Option<&'static transfer::TableSpec> = None;
        let mut trailer: Option<serde_json::Map<String, serde_json::Value>> = None;
        let mut order = 0usize;
        let mut lineno = 1;
        for line in lines {
            lineno += 1;
            let line = line.map_err(|e| StoreError::Format(format!("第 {lineno} 行：{}", crate::errors::describe_io(&e))))?;
            if line.trim().is_empty() {
                continue;
            }
            if trailer.is_some() {
                return Err(StoreError::Format(format!("第 {lineno} 行：导出文件的结尾之后还有内容")));
            }
            let mut v: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
                StoreError::Format(if e.is_eof() {
                    format!("第 {lineno} 行不完整（文件被截断？）")
                } else {
                    format!("第 {lineno} 行不是有效的 JSON（第 {} 列附近）", e.column())
                })
            })?;
            if let Some(end) = v.get_mut(transfer::TRAILER).map(serde_json::Value::take) {
                let serde_json::Value::Object(end) = end else {
                    return Err(StoreError::Format(format!("第 {lineno} 行：导出文件的结尾格式不对")));
                };
                trailer = Some(end);
                continue;
            }
            let table = v.get("table").and_then(serde_json::Value::as_str).unwrap_or("").to_string();
            let spec = transfer::spec(&table)
                .ok_or_else(|| StoreError::Format(format!("第 {lineno} 行：未知的表 {table}")))?;
            let Some(serde_json::Value::Object(mut row)) = v.get_mut("row").map(serde_json::Value::take)
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
            if version == 1 {
                for (_, col, added) in transfer::ADDED_IN_V2.iter().filter(|(t, _, _)| *t == spec.name) {
                    if !row.contains_key(*col) {
                        let v = added.value(&row);
                        row.insert((*col).to_string(), v);
                    }
                }
            }
            check.row(spec, &row, lineno)?;
            pending.push(row);
            if pending.len() >= 500 {
                flush_rows(&mut tx, spec, &mut pending, &mut summary).await?;
            }
        }
        if version >= 3 && trailer.is_none() {
            return Err(StoreError::Format(
                "导出文件不完整：缺少结尾的行数记录（文件被截断，或不是 gongkai export 导出的完整文件）".into(),
            ));
        }
        // Versions 1 and 2 wrote no trailer; their last line is always the chain's head, which
        // `finish` requires, and a cut inside the log breaks the chain: a truncation shows.
        check.finish(trailer.as_ref(), current.map(|c| c.name), lineno)?;
        if let Some(c) = current {
            flush_rows(&mut tx, c, &mut pending, &mut summary).await?;
        }
        // Every record as loaded against its audit trail, before anything is committed.
        let (_, problems) = reconcile(&mut tx).await?;
        if !problems.is_empty() {
            let shown: Vec<&str> = problems.iter().take(20).map(String::as_str).collect();
            return Err(StoreError::Format(format!(
                "导出文件中的记录与其审计日志不符（共 {} 处）：{}",
                problems.len(),
                shown.join("；")
            )));
        }
        let head = tx_head(&mut tx).await?;
        summary.head = Some(head.clone());
        tx.commit().await?;
        // A new database's anchor starts at the imported head.
        if let Some(anchor) = &self.anchor {
            anchor.reset(&head)?;
        }
        Ok(summary)
    }

    pub(crate) async fn backup(&self, to: &Path, overwrite: bool) -> Result<Receipt> {
        self.backup_impl(to, overwrite).await
    }
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

