//! The office's records as use cases shared by the CLI and (later) the web layer: opening the
//! database, setting up agencies and administrators, case lists, whole-database transfer.
//!
//! Everything here is async over [`gongkai_store::Store`]; the CLI drives it with [`runtime`].

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Days, Utc};
use gongkai_store::{
    Agency, AgencyId, AgencyLevel, AgencySettings, Application, ApplicationId, CaseFilter,
    CaseSummary, Ctx, NewAgency, NewUser, OpenOptions, Role, Storage, Store, User,
};

use crate::auth::{Acting, administered_agencies, may_write, readable_agencies};

use crate::clock::{CalendarStore, Clock, data_dir, load_settings};
use crate::engine::EngineRules;

/// A single-threaded tokio runtime for the synchronous CLI.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")
}

/// The default database: the embedded SQLite file in the data directory.
pub fn default_database_url() -> anyhow::Result<String> {
    Ok(format!("sqlite:{}", data_dir()?.join("gongkai.db").display()))
}

/// The wall-clock time for the audit log ("when"); dates for the rules come from [`Clock`].
#[expect(clippy::disallowed_methods, reason = "audit timestamps are read in the app layer")]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The user named by `$GONGKAI_USER` (unset or blank: none, i.e. the local operator).
pub fn cli_user() -> Option<String> {
    std::env::var("GONGKAI_USER").ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Who is acting on the command line: `$GONGKAI_USER`, else the system user, prefixed `cli:`.
pub fn cli_actor() -> String {
    let name = cli_user().or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "unknown".into());
    format!("cli:{}", name.trim())
}

/// The person behind an audit actor (`cli:wang` and `web:wang` are the same person).
fn person_of(actor: &str) -> &str {
    actor.split_once(':').map_or(actor, |(_, who)| who)
}

/// An open database with the deadline engine plugged in.
#[derive(Debug, Clone)]
pub struct Records {
    /// The store.
    pub store: Store,
    /// The deadline engine the store validates with.
    pub engine: Arc<EngineRules>,
    /// Who acts.
    pub actor: String,
    /// Today (from the clock).
    pub today: chrono::NaiveDate,
    /// Whose rights are checked (see [`Acting`]).
    pub acting: Acting,
}

impl Records {
    /// Opens `database` (default: the embedded SQLite file). SQLite is created and migrated on
    /// first use; PostgreSQL is migrated only when `migrate` is set (`gongkai migrate`, `init`).
    pub async fn open(
        database: Option<&str>,
        migrate: bool,
        clock: &dyn Clock,
    ) -> anyhow::Result<Records> {
        let url = match database {
            Some(u) => u.to_string(),
            None => default_database_url()?,
        };
        let dir = data_dir()?;
        let settings = load_settings(&dir, None)?;
        let today = clock.today();
        let engine = Arc::new(EngineRules::new(CalendarStore::new(&dir), settings, today)?);
        let migrate = migrate || url.starts_with("sqlite:");
        let store = Store::open(&url, engine.clone(), OpenOptions { migrate, ..OpenOptions::default() })
            .await
            .with_context(|| format!("无法打开数据库 {}", redact(&url)))?;
        let mut rec = Records { store, engine, actor: cli_actor(), today, acting: Acting::Operator };
        if let Some(login) = cli_user() {
            rec.act_as(&login).await?;
        }
        Ok(rec)
    }

    /// Acts as the user `login` from now on (their roles are checked); a clear error if there is
    /// no such user.
    pub async fn act_as(&mut self, login: &str) -> anyhow::Result<()> {
        let Some(user) = self.store.user_by_login(login).await? else {
            bail!("GONGKAI_USER 指定的用户“{login}”不存在（用 gongkai user add 添加，或不设置 GONGKAI_USER 以本机操作员身份运行）");
        };
        let grants = self.store.roles(user.id).await?;
        self.acting = Acting::User { user, grants };
        Ok(())
    }

    /// The agencies the acting user may read (`None`: all, for the local operator).
    pub async fn readable(&self) -> anyhow::Result<Option<Vec<AgencyId>>> {
        match &self.acting {
            Acting::Operator => Ok(None),
            Acting::User { grants, .. } => Ok(Some(readable_agencies(grants, &self.store.agencies().await?))),
        }
    }

    /// Refuses unless the acting user may read the agency's records.
    pub async fn require_read(&self, agency: &Agency) -> anyhow::Result<()> {
        match self.readable().await? {
            Some(ids) if !ids.contains(&agency.id) => {
                bail!("{}无权查看“{}”的记录", self.acting.name(), agency.name)
            }
            _ => Ok(()),
        }
    }

    /// Refuses unless the acting user may change the agency's records (`auth::may_write`).
    pub async fn require_write(&self, agency: &Agency) -> anyhow::Result<()> {
        let Acting::User { grants, .. } = &self.acting else { return Ok(()) };
        if may_write(grants, agency.id) {
            return Ok(());
        }
        let who = self.acting.name();
        let readable = readable_agencies(grants, &self.store.agencies().await?);
        if readable.contains(&agency.id) && grants.iter().any(|g| g.role == Role::CountySupervisor) {
            bail!("{who}无权修改“{}”的记录：县级监督角色只能查看", agency.name);
        }
        bail!("{who}无权修改“{}”的记录（需要在该机关担任登记员、承办人等角色）", agency.name)
    }

    /// Refuses unless the acting user administers the agency (administrator there or above).
    pub async fn require_admin(&self, agency: &Agency, what: &str) -> anyhow::Result<()> {
        let Acting::User { grants, .. } = &self.acting else { return Ok(()) };
        if administered_agencies(grants, &self.store.agencies().await?).contains(&agency.id) {
            return Ok(());
        }
        bail!("{}不是“{}”的系统管理员，不能{what}", self.acting.name(), agency.name)
    }

    /// Refuses unless the acting user is an administrator of some agency.
    pub fn require_any_admin(&self, what: &str) -> anyhow::Result<()> {
        match &self.acting {
            Acting::User { grants, .. } if !grants.iter().any(|g| g.role == Role::Administrator) => {
                bail!("{}不是系统管理员，不能{what}", self.acting.name())
            }
            _ => Ok(()),
        }
    }

    /// Refuses whole-database operations (export, import, backup) unless the acting user
    /// administers every agency.
    pub async fn require_whole_database(&self, what: &str) -> anyhow::Result<()> {
        let Acting::User { grants, .. } = &self.acting else { return Ok(()) };
        let all = self.store.agencies().await?;
        let admin = administered_agencies(grants, &all);
        if all.iter().all(|a| admin.contains(&a.id)) {
            return Ok(());
        }
        bail!("{}不是全部机关的系统管理员，不能{what}（本机操作员可不设置 GONGKAI_USER 运行）", self.acting.name())
    }

    /// Whether the audit actor `actor` is the acting person.
    pub fn is_me(&self, actor: &str) -> bool {
        person_of(actor) == person_of(&self.actor)
    }

    /// `gongkai user add` (administrators only).
    pub async fn add_user(&self, login: String, name: String, password: &str) -> anyhow::Result<User> {
        self.require_any_admin("添加用户")?;
        let hash = crate::auth::hash_password(password)?;
        Ok(self.store.create_user(&self.ctx(), NewUser { login, name, password_hash: hash }).await?)
    }

    /// `gongkai user grant` (administrators of the agency only).
    pub async fn grant(&self, login: &str, agency: &Agency, role: Role) -> anyhow::Result<User> {
        self.require_admin(agency, "授予角色").await?;
        let Some(u) = self.store.user_by_login(login).await? else {
            bail!("未找到用户“{login}”");
        };
        self.store.grant_role(&self.ctx(), u.id, agency.id, role).await?;
        Ok(u)
    }

    /// Who and when, for a write.
    pub fn ctx(&self) -> Ctx {
        Ctx { actor: self.actor.clone(), at: now() }
    }

    /// The agency with this exact name, or a clear error.
    pub async fn agency_named(&self, name: &str) -> anyhow::Result<Agency> {
        match self.store.agency_by_name(name).await? {
            Some(a) => Ok(a),
            None => bail!("未找到机关“{name}”（先用 gongkai init --agency 添加）"),
        }
    }

    /// `gongkai init`: adds the agency (if new) and the administrator (if new), and makes them
    /// administrator of the agency. Returns what was created, in Chinese.
    pub async fn init(&self, req: InitRequest) -> anyhow::Result<Vec<String>> {
        let mut done = Vec::new();
        let parent = match &req.parent {
            Some(p) => Some(self.agency_named(p).await?.id),
            None => None,
        };
        let existing = self.store.agency_by_name(&req.agency).await?;
        match (&existing, &req.parent) {
            (Some(a), _) => self.require_admin(a, "为其设置系统管理员").await?,
            (None, Some(p)) => self.require_admin(&self.agency_named(p).await?, "在其下添加机关").await?,
            (None, None) => {
                if self.acting != Acting::Operator {
                    bail!("{}不能添加没有上级的机关：只有本机操作员（不设置 GONGKAI_USER）可以", self.acting.name());
                }
            }
        }
        let agency = match existing {
            Some(a) => {
                if a.level != req.level || a.parent != parent {
                    bail!("机关“{}”已存在，但级别或上级机关与本次指定的不同", a.name);
                }
                done.push(format!("机关“{}”已存在", a.name));
                a
            }
            None => {
                let a = self
                    .store
                    .create_agency(
                        &self.ctx(),
                        NewAgency {
                            name: req.agency.clone(),
                            level: req.level,
                            parent,
                            region: req.region.clone().unwrap_or_default(),
                            settings: AgencySettings::default(),
                        },
                    )
                    .await?;
                done.push(format!("已添加机关“{}”（{}）", a.name, a.level.label()));
                a
            }
        };
        let user = match self.store.user_by_login(&req.admin).await? {
            Some(u) => {
                done.push(format!("用户“{}”已存在，沿用其原密码", u.login));
                u
            }
            None => {
                let Some(password) = &req.password else {
                    bail!("新建管理员需要密码：请设置环境变量 GONGKAI_ADMIN_PASSWORD");
                };
                let hash = crate::auth::hash_password(password)?;
                let u = self
                    .store
                    .create_user(
                        &self.ctx(),
                        NewUser { login: req.admin.clone(), name: req.admin.clone(), password_hash: hash },
                    )
                    .await?;
                done.push(format!("已添加用户“{}”", u.login));
                u
            }
        };
        self.store.grant_role(&self.ctx(), user.id, agency.id, Role::Administrator).await?;
        done.push(format!("“{}”为“{}”的系统管理员", user.login, agency.name));
        Ok(done)
    }

    /// `gongkai case list`.
    pub async fn case_list(&self, q: &CaseQuery) -> anyhow::Result<Vec<CaseSummary>> {
        let agencies = match (&q.agency, self.readable().await?) {
            (Some(name), _) => {
                let a = self.agency_named(name).await?;
                self.require_read(&a).await?;
                vec![a.id]
            }
            (None, None) => Vec::new(),
            (None, Some(ids)) if ids.is_empty() => return Ok(Vec::new()),
            (None, Some(ids)) => ids,
        };
        let mut f = CaseFilter { agencies, limit: q.limit, ..CaseFilter::default() };
        if q.overdue {
            // Overdue: open and due before today.
            f.open_only = true;
            f.by_due_date = true;
            f.due_on_or_before = self.today.checked_sub_days(Days::new(1));
        } else if let Some(n) = q.due_within_days {
            f.open_only = true;
            f.by_due_date = true;
            f.due_on_or_before = self.today.checked_add_days(Days::new(u64::from(n)));
        } else if q.open_only {
            f.open_only = true;
        }
        Ok(self.store.list_cases(&f).await?)
    }

    /// Finds an application by id or by 编号 (within `agency` when given, else among the agencies
    /// the acting user may read); refused if the acting user may not read it.
    pub async fn find_case(&self, key: &str, agency: Option<&str>) -> anyhow::Result<Application> {
        let app = self.find_case_unchecked(key, agency).await?;
        self.require_read(&self.store.agency(app.agency).await?).await?;
        Ok(app)
    }

    async fn find_case_unchecked(&self, key: &str, agency: Option<&str>) -> anyhow::Result<Application> {
        let agency_id = match agency {
            Some(a) => Some(self.agency_named(a).await?.id),
            None => None,
        };
        if let Some(a) = agency_id
            && let Some(app) = self.store.application_by_number(a, key).await?
        {
            return Ok(app);
        }
        if agency_id.is_none() {
            let readable = self.readable().await?;
            for a in self.store.agencies().await? {
                if readable.as_ref().is_some_and(|ids| !ids.contains(&a.id)) {
                    continue;
                }
                if let Some(app) = self.store.application_by_number(a.id, key).await? {
                    return Ok(app);
                }
            }
        }
        match key.parse::<i64>() {
            Ok(id) => Ok(self.store.application(ApplicationId(id)).await?),
            Err(_) => bail!("未找到编号为“{key}”的申请"),
        }
    }

    /// The clock's explanation for a case, in Chinese.
    pub async fn explain(&self, app: &Application) -> anyhow::Result<Vec<String>> {
        let agency = self.store.agency(app.agency).await?;
        Ok(match self.engine.explain_report(&agency, app.channel, &app.events) {
            Ok(r) => {
                let mut lines = r.explanation;
                if lines.is_empty() {
                    lines.push(format!("状态：{}", r.state.name_zh()));
                }
                lines
            }
            Err(m) => vec![m],
        })
    }

    /// Agency names by id (for listings).
    pub async fn agency_names(&self) -> anyhow::Result<Vec<(AgencyId, String)>> {
        Ok(self.store.agencies().await?.into_iter().map(|a| (a.id, a.name)).collect())
    }
}

/// Arguments of `gongkai init`.
#[derive(Debug, Clone)]
pub struct InitRequest {
    /// Agency name.
    pub agency: String,
    /// Level.
    pub level: AgencyLevel,
    /// Parent agency name.
    pub parent: Option<String>,
    /// Region for the calendar.
    pub region: Option<String>,
    /// Administrator login.
    pub admin: String,
    /// Administrator password (needed only for a new user).
    pub password: Option<String>,
}

/// A case-list query.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Only this agency.
    pub agency: Option<String>,
    /// Open cases due within N days from today.
    pub due_within_days: Option<u32>,
    /// Open cases already past their due date.
    pub overdue: bool,
    /// Only open cases.
    pub open_only: bool,
    /// At most this many (0 = all).
    pub limit: u32,
}

/// Hides the password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Where `gongkai backup` writes by default: `<data dir>/backups/gongkai-<timestamp>.db`.
pub fn default_backup_path(postgres: bool) -> anyhow::Result<PathBuf> {
    let stamp = now().format("%Y%m%d-%H%M%S");
    let ext = if postgres { "jsonl" } else { "db" };
    Ok(data_dir()?.join("backups").join(format!("gongkai-{stamp}.{ext}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            super::redact("postgres://gongkai:secret@127.0.0.1:5432/db"),
            "postgres://gongkai:***@127.0.0.1:5432/db"
        );
        assert_eq!(super::redact("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }
}
