// Web sessions and letters (included by backend/common.rs).
//
// A session row holds the SHA-256 of the cookie's random token, never the token. Creating and
// ending a session are audited (a login, a logout); touching one is not.

fn session_from(r: &DbRow) -> Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.try_get("token_hash")?,
        user: UserId(r.try_get("user_id")?),
        csrf: r.try_get("csrf")?,
        created_at: r.try_get("created_at")?,
        last_seen: r.try_get("last_seen")?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn letter_from(r: &DbRow) -> Result<Letter> {
    Ok(Letter {
        id: r.try_get("id")?,
        application: ApplicationId(r.try_get("application_id")?),
        agency: AgencyId(r.try_get("agency_id")?),
        kind: r.try_get("kind")?,
        year: i32::try_from(r.try_get::<i64, _>("year")?).map_err(|_| StoreError::Corrupt("文书年度".into()))?,
        seq: r.try_get("seq")?,
        doc_number: r.try_get("doc_number")?,
        issued_on: date(&r.try_get::<String, _>("issued_on")?)?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
    })
}

impl This {
    pub(crate) async fn create_session(&self, ctx: &Ctx, s: SessionRow) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.token_hash.clone())
        .bind(s.user.0)
        .bind(s.csrf.clone())
        .bind(s.created_at.clone())
        .bind(s.last_seen.clone())
        .bind(s.expires_at.clone())
        .execute(&mut *tx)
        .await?;
        // The log names the session by the first characters of its hash only.
        let after = serde_json::json!({ "session": &s.token_hash[..s.token_hash.len().min(12)], "expires_at": s.expires_at });
        audit(&mut tx, ctx, Change::new("login", "user", s.user.to_string(), String::new(), after.to_string())).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        sqlx::query("SELECT token_hash, user_id, csrf, created_at, last_seen, expires_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(session_from)
            .transpose()
    }

    pub(crate) async fn touch_session(&self, token_hash: &str, last_seen: &str, expires_at: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(last_seen.to_string())
            .bind(expires_at.to_string())
            .bind(token_hash.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session (`Some`: logout, audited) or every session of a user (`None` with
    /// `user`: password changed or account disabled) and the expired ones.
    pub(crate) async fn end_sessions(&self, ctx: &Ctx, token_hash: Option<&str>, user: Option<UserId>, expired_before: &str) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        if let Some(h) = token_hash {
            let user: Option<i64> = sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1")
                .bind(h.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            n += sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(h.to_string()).execute(&mut *tx).await?.rows_affected();
            if let Some(u) = user {
                audit(&mut tx, ctx, Change::new("logout", "user", u.to_string(), String::new(), String::new())).await?;
            }
        }
        if let Some(u) = user {
            n += sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(u.0).execute(&mut *tx).await?.rows_affected();
        }
        n += sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(expired_before.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    pub(crate) async fn letter_template(&self, agency: AgencyId, kind: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT body FROM letter_templates WHERE agency_id = $1 AND kind = $2")
            .bind(agency.0)
            .bind(kind.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Sets (`Some`) or resets to the default (`None`) an agency's template for a kind of letter.
    pub(crate) async fn set_letter_template(&self, ctx: &Ctx, agency: AgencyId, kind: &str, body: Option<String>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        load_agency(&mut tx, agency).await?;
        let before: Option<String> = sqlx::query_scalar("SELECT body FROM letter_templates WHERE agency_id = $1 AND kind = $2")
            .bind(agency.0)
            .bind(kind.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM letter_templates WHERE agency_id = $1 AND kind = $2")
            .bind(agency.0)
            .bind(kind.to_string())
            .execute(&mut *tx)
            .await?;
        if let Some(b) = &body {
            sqlx::query("INSERT INTO letter_templates (agency_id, kind, body, updated_at) VALUES ($1, $2, $3, $4)")
                .bind(agency.0)
                .bind(kind.to_string())
                .bind(b.clone())
                .bind(ctx.at.to_rfc3339())
                .execute(&mut *tx)
                .await?;
        }
        let action = if body.is_some() { "set" } else { "reset" };
        let change = Change::new(action, "letter_template", format!("{agency}/{kind}"), before.unwrap_or_default(), body.unwrap_or_default());
        audit(&mut tx, ctx, change.of(agency)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issues a letter: takes the agency's next number of the year (never repeated, never skipped:
    /// the number and the letter are written in one transaction under the write lock), formats it
    /// as `{prefix}〔{year}〕{n}号`, puts it in place of [`DOC_NUMBER_MARK`] in the body, and stores
    /// the letter; a reply's letter gives its number to the concluded case (`reply_letter_ref`).
    pub(crate) async fn issue_letter(&self, ctx: &Ctx, l: NewLetter) -> Result<Letter> {
        let mut tx = self.begin_write().await?;
        let app = load_application(&mut tx, l.application).await?;
        let year = l.issued_on.year();
        let last: Option<i64> = sqlx::query_scalar("SELECT last FROM document_numbers WHERE agency_id = $1 AND year = $2")
            .bind(app.agency.0)
            .bind(i64::from(year))
            .fetch_optional(&mut *tx)
            .await?;
        let seq = last.unwrap_or(0) + 1;
        if last.is_some() {
            sqlx::query("UPDATE document_numbers SET last = $1 WHERE agency_id = $2 AND year = $3")
                .bind(seq)
                .bind(app.agency.0)
                .bind(i64::from(year))
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("INSERT INTO document_numbers (agency_id, year, last) VALUES ($1, $2, $3)")
                .bind(app.agency.0)
                .bind(i64::from(year))
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        let doc_number = format!("{}〔{year}〕{seq}号", l.prefix.trim());
        let body = l.body.replace(DOC_NUMBER_MARK, &doc_number);
        let id = next_id(&mut tx, "SELECT MAX(id) FROM letters").await?;
        let created_at = ctx.at.to_rfc3339();
        sqlx::query(
            "INSERT INTO letters (id, application_id, agency_id, kind, year, seq, doc_number, issued_on, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(app.id.0)
        .bind(app.agency.0)
        .bind(l.kind.clone())
        .bind(i64::from(year))
        .bind(seq)
        .bind(doc_number.clone())
        .bind(iso(l.issued_on))
        .bind(body.clone())
        .bind(created_at.clone())
        .execute(&mut *tx)
        .await?;
        let letter = Letter {
            id,
            application: app.id,
            agency: app.agency,
            kind: l.kind,
            year,
            seq,
            doc_number,
            issued_on: l.issued_on,
            body,
            created_at,
        };
        audit(&mut tx, ctx, Change::new("issue", "letter", id.to_string(), String::new(), json(&letter)?).of(app.agency)).await?;
        if l.reply
            && app.voided.is_none()
            && let Some(closing) = app.closing.as_ref().filter(|c| c.reply_letter_ref.is_empty())
        {
            // The reply's 告知书文号 (the ledger's column), from the number just taken.
            let closing = Closing { reply_letter_ref: letter.doc_number.clone(), ..closing.clone() };
            let after = Application { closing: Some(closing), ..app.clone() };
            save_case(self, &mut tx, ctx, &app, after, "letter_ref", "").await?;
        }
        self.commit_write(tx).await?;
        Ok(letter)
    }

    pub(crate) async fn letters(&self, application: ApplicationId) -> Result<Vec<Letter>> {
        sqlx::query(
            "SELECT id, application_id, agency_id, kind, year, seq, doc_number, issued_on, body, created_at \
             FROM letters WHERE application_id = $1 ORDER BY id",
        )
        .bind(application.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(letter_from)
        .collect()
    }

    pub(crate) async fn letter(&self, id: i64) -> Result<Letter> {
        let r = sqlx::query(
            "SELECT id, application_id, agency_id, kind, year, seq, doc_number, issued_on, body, created_at \
             FROM letters WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("文书（序号 {id}）")))?;
        letter_from(&r)
    }
}
