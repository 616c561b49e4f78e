// Agencies, users and their roles (included by backend/common.rs).

impl This {
    pub(crate) async fn create_agency(&self, ctx: &Ctx, a: NewAgency) -> Result<Agency> {
        let name = a.name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::Rule("机关名称不能为空".into()));
        }
        let mut tx = self.begin_write().await?;
        if let Some(p) = a.parent {
            load_agency(&mut tx, p).await?;
        }
        let id = next_id(&mut tx, "SELECT MAX(id) FROM agencies").await?;
        sqlx::query(
            "INSERT INTO agencies (id, name, level, parent_id, region, settings, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(name.clone())
        .bind(a.level.code())
        .bind(a.parent.map(|p| p.0))
        .bind(a.region.clone())
        .bind(json(&a.settings)?)
        .bind(ctx.at.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("机关“{name}”已存在")))?;
        let agency = Agency {
            id: AgencyId(id),
            name,
            level: a.level,
            parent: a.parent,
            region: a.region,
            settings: a.settings,
        };
        audit(&mut tx, ctx, Change::new("create", "agency", id.to_string(), String::new(), json(&agency)?).of(AgencyId(id)))
            .await?;
        self.commit_write(tx).await?;
        Ok(agency)
    }

    pub(crate) async fn update_agency_settings(
        &self,
        ctx: &Ctx,
        id: AgencyId,
        settings: AgencySettings,
    ) -> Result<Agency> {
        let mut tx = self.begin_write().await?;
        let before = load_agency(&mut tx, id).await?;
        sqlx::query("UPDATE agencies SET settings = $1 WHERE id = $2")
            .bind(json(&settings)?)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = Agency { settings, ..before.clone() };
        audit(&mut tx, ctx, Change::new("update", "agency", id.to_string(), json(&before)?, json(&after)?).of(id))
            .await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn update_agency(&self, ctx: &Ctx, id: AgencyId, update: AgencyUpdate) -> Result<Agency> {
        let name = update.name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::Rule("机关名称不能为空".into()));
        }
        let region = update.region.trim().to_string();
        let mut tx = self.begin_write().await?;
        let before = load_agency(&mut tx, id).await?;
        sqlx::query("UPDATE agencies SET name = $1, region = $2, settings = $3 WHERE id = $4")
            .bind(name.clone())
            .bind(region.clone())
            .bind(json(&update.settings)?)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_or(e, || format!("机关“{name}”已存在")))?;
        let after = Agency { name, region, settings: update.settings, ..before.clone() };
        if after == before {
            return Ok(after);
        }
        audit(&mut tx, ctx, Change::new("update", "agency", id.to_string(), json(&before)?, json(&after)?).of(id))
            .await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn agency(&self, id: AgencyId) -> Result<Agency> {
        let r = sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关（编号 {id}）")))?;
        agency_from(&r)
    }

    pub(crate) async fn agency_by_name(&self, name: &str) -> Result<Option<Agency>> {
        sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies WHERE name = $1"))
            .bind(name.trim().to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(agency_from)
            .transpose()
    }

    pub(crate) async fn agencies(&self) -> Result<Vec<Agency>> {
        sqlx::query(concat!("SELECT ", agency_cols!(), " FROM agencies ORDER BY id"))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(agency_from)
            .collect()
    }

    pub(crate) async fn create_user(&self, ctx: &Ctx, u: NewUser) -> Result<User> {
        let login = u.login.trim().to_string();
        if login.is_empty() {
            return Err(StoreError::Rule("登录名不能为空".into()));
        }
        let mut tx = self.begin_write().await?;
        let id = next_id(&mut tx, "SELECT MAX(id) FROM users").await?;
        sqlx::query(
            "INSERT INTO users (id, login, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(login.clone())
        .bind(u.name.clone())
        .bind(u.password_hash.clone())
        .bind(ctx.at.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("登录名“{login}”已存在")))?;
        let user = User {
            id: UserId(id),
            login,
            name: u.name,
            password_hash: u.password_hash,
            disabled: false,
            failed_logins: 0,
            locked_until: None,
        };
        // The hash itself stays out of the log (User skips it when serialised).
        audit(&mut tx, ctx, Change::new("create", "user", id.to_string(), String::new(), json(&user)?))
            .await?;
        self.commit_write(tx).await?;
        Ok(user)
    }

    pub(crate) async fn user_by_login(&self, login: &str) -> Result<Option<User>> {
        sqlx::query(concat!("SELECT ", user_cols!(), " FROM users WHERE login = $1"))
            .bind(login.trim().to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    pub(crate) async fn user(&self, id: UserId) -> Result<User> {
        let r = sqlx::query(concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户（编号 {id}）")))?;
        user_from(&r)
    }

    pub(crate) async fn grant_role(&self, ctx: &Ctx, user: UserId, agency: AgencyId, role: Role) -> Result<()> {
        let mut tx = self.begin_write().await?;
        load_agency(&mut tx, agency).await?;
        if has_role(&mut tx, user, agency, role).await? {
            return Ok(());
        }
        sqlx::query("INSERT INTO user_roles (user_id, agency_id, role) VALUES ($1, $2, $3)")
            .bind(user.0)
            .bind(agency.0)
            .bind(role.code())
            .execute(&mut *tx)
            .await?;
        let grant = RoleGrant { user, agency, role };
        audit(&mut tx, ctx, Change::new("grant", "role", user.to_string(), String::new(), json(&grant)?).of(agency))
            .await?;
        self.commit_write(tx).await?;
        Ok(())
    }

    pub(crate) async fn roles(&self, user: UserId) -> Result<Vec<RoleGrant>> {
        sqlx::query("SELECT agency_id, role FROM user_roles WHERE user_id = $1 ORDER BY agency_id, role")
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| -> Result<RoleGrant> {
                let code: String = r.try_get("role")?;
                Ok(RoleGrant {
                    user,
                    agency: AgencyId(r.try_get("agency_id")?),
                    role: Role::from_code(&code)
                        .ok_or_else(|| StoreError::Corrupt(format!("角色 {code}")))?,
                })
            })
            .collect()
    }

    pub(crate) async fn users(&self) -> Result<Vec<User>> {
        sqlx::query(concat!("SELECT ", user_cols!(), " FROM users ORDER BY id"))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(user_from)
            .collect()
    }

    pub(crate) async fn change_account(&self, ctx: &Ctx, id: UserId, change: AccountChange) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户（编号 {id}）")))?;
        let before = user_from(&r)?;
        let mut after = before.clone();
        let action = match &change {
            AccountChange::Password(hash) => {
                after.password_hash = hash.clone();
                after.failed_logins = 0;
                after.locked_until = None;
                "password"
            }
            AccountChange::Disabled(d) => {
                after.disabled = *d;
                if *d { "disable" } else { "enable" }
            }
            AccountChange::LoginFailed { lock_until } => {
                after.failed_logins += 1;
                if lock_until.is_some() {
                    after.locked_until = lock_until.clone();
                    "lock"
                } else {
                    "login_failed"
                }
            }
            AccountChange::LoginSucceeded => {
                if before.failed_logins == 0 && before.locked_until.is_none() {
                    return Ok(before);
                }
                after.failed_logins = 0;
                after.locked_until = None;
                "login"
            }
        };
        sqlx::query(
            "UPDATE users SET password_hash = $1, disabled = $2, failed_logins = $3, locked_until = $4 WHERE id = $5",
        )
        .bind(after.password_hash.clone())
        .bind(i64::from(after.disabled))
        .bind(after.failed_logins)
        .bind(after.locked_until.clone())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        // The hash itself stays out of the log (User skips it when serialised).
        audit(&mut tx, ctx, Change::new(action, "user", id.to_string(), json(&before)?, json(&after)?)).await?;
        self.commit_write(tx).await?;
        Ok(after)
    }

    pub(crate) async fn revoke_role(&self, ctx: &Ctx, user: UserId, agency: AgencyId, role: Role) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if !has_role(&mut tx, user, agency, role).await? {
            return Ok(false);
        }
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND agency_id = $2 AND role = $3")
            .bind(user.0)
            .bind(agency.0)
            .bind(role.code())
            .execute(&mut *tx)
            .await?;
        let grant = RoleGrant { user, agency, role };
        audit(&mut tx, ctx, Change::new("revoke", "role", user.to_string(), json(&grant)?, String::new()).of(agency))
            .await?;
        self.commit_write(tx).await?;
        Ok(true)
    }

    /// Adds an agency with its administrator in one transaction: either both are there
    /// afterwards, or neither (`gongkai init`).
    pub(crate) async fn establish_agency(&self, ctx: &Ctx, a: NewAgency, admin: AdminAccount) -> Result<(Agency, User)> {
        let name = a.name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::Rule("机关名称不能为空".into()));
        }
        let mut tx = self.begin_write().await?;
        if let Some(p) = a.parent {
            load_agency(&mut tx, p).await?;
        }
        let id = next_id(&mut tx, "SELECT MAX(id) FROM agencies").await?;
        sqlx::query(
            "INSERT INTO agencies (id, name, level, parent_id, region, settings, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(name.clone())
        .bind(a.level.code())
        .bind(a.parent.map(|p| p.0))
        .bind(a.region.clone())
        .bind(json(&a.settings)?)
        .bind(ctx.at.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("机关“{name}”已存在")))?;
        let agency = Agency { id: AgencyId(id), name, level: a.level, parent: a.parent, region: a.region, settings: a.settings };
        audit(&mut tx, ctx, Change::new("create", "agency", id.to_string(), String::new(), json(&agency)?).of(agency.id))
            .await?;
        let user = match admin {
            AdminAccount::Existing(uid) => {
                let r = sqlx::query(concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1"))
                    .bind(uid.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("用户（编号 {uid}）")))?;
                user_from(&r)?
            }
            AdminAccount::New(u) => {
                let login = u.login.trim().to_string();
                if login.is_empty() {
                    return Err(StoreError::Rule("登录名不能为空".into()));
                }
                let uid = next_id(&mut tx, "SELECT MAX(id) FROM users").await?;
                sqlx::query("INSERT INTO users (id, login, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(uid)
                    .bind(login.clone())
                    .bind(u.name.clone())
                    .bind(u.password_hash.clone())
                    .bind(ctx.at.to_rfc3339())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| unique_or(e, || format!("登录名“{login}”已存在")))?;
                let user = User {
                    id: UserId(uid),
                    login,
                    name: u.name,
                    password_hash: u.password_hash,
                    disabled: false,
                    failed_logins: 0,
                    locked_until: None,
                };
                audit(&mut tx, ctx, Change::new("create", "user", uid.to_string(), String::new(), json(&user)?)).await?;
                user
            }
        };
        sqlx::query("INSERT INTO user_roles (user_id, agency_id, role) VALUES ($1, $2, $3)")
            .bind(user.id.0)
            .bind(id)
            .bind(Role::Administrator.code())
            .execute(&mut *tx)
            .await?;
        let grant = RoleGrant { user: user.id, agency: agency.id, role: Role::Administrator };
        audit(&mut tx, ctx, Change::new("grant", "role", user.id.to_string(), String::new(), json(&grant)?).of(agency.id))
            .await?;
        self.commit_write(tx).await?;
        Ok((agency, user))
    }
}
