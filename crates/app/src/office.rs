//! The office's database as the app layer opens it, and the only ways to act on it.
//!
//! An [`Office`] is an open database with the deadline engine plugged in. By itself it does
//! nothing to the records: [`Office::login`] (a password), [`Office::session`] (a web session,
//! see [`crate::session`]) or [`Office::operator`] (the local operator, asked for by name) turn it
//! into [`Records`] for a [`Principal`], and every use case runs on those.
//!
//! Only `gongkai init` and `gongkai import` create a database ([`Office::create`]); everything
//! else opens an existing one ([`Office::open`]) and names the path or URL when it is missing. A
//! SQLite file without write permission opens read-only: reads work, writes are refused with a
//! message.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use gongkai_store::{AccountChange, Backend, Ctx, OpenOptions, Storage, Store, StoreError, User};

use crate::auth::{Principal, verify_password};
use crate::clock::{CalendarStore, Clock, data_dir, load_settings};
use crate::engine::EngineRules;
use crate::error::{AppError, ErrorKind, Result};
use crate::records::Records;

/// Failed logins after which an account is locked.
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// How to open a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// An existing database; SQLite is upgraded in place, PostgreSQL must be migrated already.
    Existing,
    /// An existing database, migrated to this version (`gongkai migrate`).
    Migrate,
    /// Created when missing, and migrated (`gongkai init`, `gongkai import`).
    Create,
}

/// An open database.
#[derive(Debug, Clone)]
pub struct Office {
    pub(crate) store: Store,
    pub(crate) engine: Arc<EngineRules>,
    pub(crate) clock: Arc<dyn Clock>,
    location: String,
    read_only: bool,
}

/// The default database: the embedded SQLite file in the data directory.
pub fn default_database_url() -> Result<String> {
    Ok(format!("sqlite:{}", data_dir()?.join("gongkai.db").display()))
}

/// The wall-clock time for the audit log and sessions ("when"); dates for the rules come from
/// [`Clock`].
#[expect(clippy::disallowed_methods, reason = "audit timestamps are read in the app layer")]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Hides the password in a database URL, and drops a query string (it may carry one too). The
/// credentials end at the last `@` before the path: a password may hold `?`, `#`, `/` or `@`.
pub fn redact(url: &str) -> String {
    let Some(s) = url.find("://") else {
        return url.split_once('?').map_or(url, |(u, _)| u).to_string();
    };
    let (scheme, rest) = url.split_at(s + 3);
    // The host part ends at the first `/` after the credentials; the credentials end at the last
    // `@` (an unencoded `@`, `/` or `?` in a password comes before it).
    let (creds, host) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at..]),
        None => (None, rest),
    };
    let host = host.split_once('?').map_or(host, |(h, _)| h);
    let host = host.split_once('#').map_or(host, |(h, _)| h);
    match creds {
        Some(c) => match c.split_once(':') {
            Some((user, _)) => format!("{scheme}{user}:***{host}"),
            None => format!("{scheme}{c}{host}"),
        },
        None => format!("{scheme}{host}"),
    }
}

/// The SQLite path of a `sqlite:` URL.
pub fn sqlite_path(url: &str) -> Option<&Path> {
    url.strip_prefix("sqlite:").map(|p| Path::new(p.strip_prefix("//").unwrap_or(p)))
}

impl Office {
    /// Opens `database` (default: the embedded SQLite file), with the calendars and settings of
    /// the data directory.
    pub async fn open(database: Option<&str>, mode: OpenMode, clock: Arc<dyn Clock>) -> Result<Office> {
        let url = match database.map(str::trim) {
            Some("") => return Err(AppError::invalid("数据库地址为空（--database 或 GONGKAI_DATABASE）")),
            Some(u) => u.to_string(),
            None => default_database_url()?,
        };
        Office::open_at(&url, &data_dir()?, mode, clock).await
    }

    /// Opens the database at `url` with the calendars and settings of `dir` (tests, servers with
    /// their own data directory).
    pub async fn open_at(url: &str, dir: &Path, mode: OpenMode, clock: Arc<dyn Clock>) -> Result<Office> {
        Office::open_in_schema(url, None, dir, mode, clock).await
    }

    /// [`Office::open_at`] in a PostgreSQL schema of its own (side-by-side installations on one
    /// database, and tests); [`OpenMode::Create`] creates the schema. `None`: the server's default.
    pub async fn open_in_schema(
        url: &str,
        schema: Option<&str>,
        dir: &Path,
        mode: OpenMode,
        clock: Arc<dyn Clock>,
    ) -> Result<Office> {
        if let (Some(s), OpenMode::Create) = (schema, mode) {
            Store::create_pg_schema(url, s).await?;
        }
        let url = url.to_string();
        let location = redact(&url);
        let settings = load_settings(dir, None)?;
        let engine = Arc::new(EngineRules::new(CalendarStore::new(dir), settings, clock.clone())?);
        let sqlite = sqlite_path(&url);
        // A file without write permission (for anyone) is opened read-only, even by root.
        let read_only = mode == OpenMode::Existing
            && sqlite.is_some_and(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().readonly()));
        let opts = OpenOptions {
            migrate: match mode {
                OpenMode::Create | OpenMode::Migrate => true,
                OpenMode::Existing => sqlite.is_some() && !read_only,
            },
            create: mode == OpenMode::Create,
            read_only,
            // PostgreSQL's audit anchors live on this machine, out of the database's reach.
            anchor_dir: Some(dir.join("anchors")),
            pg_schema: schema.map(str::to_string),
            ..OpenOptions::default()
        };
        let store = Store::open(&url, engine.clone(), opts).await.map_err(|e| match e {
            StoreError::Missing(m) => AppError::not_found(format!("{m}（{location}）")),
            other => AppError::from(other).context(format!("无法打开数据库 {location}")),
        })?;
        Ok(Office { store, engine, clock, location, read_only })
    }

    /// The files of the live database (SQLite's file and companions, the audit anchor): never a
    /// destination for an output file.
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        self.store.files()
    }

    /// Where the database is (password hidden).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Whether writes are refused (a read-only SQLite file).
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Which backend.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.backend() == Backend::Postgres
    }

    /// Today in Beijing (from the clock).
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The migrations this build knows, for `gongkai migrate`'s message.
    pub fn migration_names(&self) -> Vec<String> {
        Store::migration_names(self.backend())
    }

    /// How many agencies the database holds (0: `init` sets up the first one).
    pub async fn agency_count(&self) -> Result<usize> {
        Ok(self.store.agencies().await?.len())
    }

    /// Whether a login is taken (`init` asks a password only for a new administrator).
    pub async fn user_exists(&self, login: &str) -> Result<bool> {
        Ok(crate::records::user_by_login(&self.store, login).await?.is_some())
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Drops a PostgreSQL schema and everything in it (the end of a side-by-side installation or
    /// a test).
    pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
        Ok(Store::drop_pg_schema(url, schema).await?)
    }

    /// The local operator, asked for by name (`--operator`): the audit log names the system
    /// user.
    pub fn operator(&self, system_user: &str) -> Records {
        Records::new(self.clone(), Principal::operator(system_user))
    }

    /// Logs in with a password. A wrong password counts against the account (locked for
    /// [`LOCK_MINUTES`] after [`LOCK_AFTER_FAILURES`] failures, in the audit log); an unknown
    /// login, a wrong password and a locked account answer alike until the password is right.
    pub async fn login(&self, login: &str, password: &str) -> Result<Records> {
        let user = self.authenticate(login, password).await?;
        self.principal_for(user).await
    }

    /// The principal of a user who has already proven who they are (a session).
    pub(crate) async fn principal_for(&self, user: User) -> Result<Records> {
        if user.disabled {
            return Err(AppError::unauthenticated(format!("用户“{}”已停用", user.login)));
        }
        let grants = self.store.roles(user.id).await?;
        Ok(Records::new(self.clone(), Principal::user(user, grants)))
    }

    async fn authenticate(&self, login: &str, password: &str) -> Result<User> {
        let login = login.trim();
        if login.is_empty() {
            return Err(AppError::unauthenticated("登录名为空：请用 --as 登录名（或 GONGKAI_USER）指定操作用户"));
        }
        let wrong = || AppError::unauthenticated("登录名或密码错误");
        let user = crate::records::user_by_login(&self.store, login).await?;
        // Verify even for an unknown login, so that timing does not tell which logins exist.
        let hash = match &user {
            Some(u) => u.password_hash.clone(),
            None => dummy_hash(),
        };
        let pw = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .map_err(|_| AppError::new(ErrorKind::Internal, "密码校验失败"))?;
        let Some(user) = user else { return Err(wrong()) };
        let now = now();
        let locked = user
            .locked_until
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .is_some_and(|t| t.to_utc() > now);
        let ctx = Ctx { actor: format!("login:{}", user.login), user: Some(user.id), at: now };
        if !ok || locked {
            if !locked {
                let lock_until = (user.failed_logins + 1 >= LOCK_AFTER_FAILURES)
                    .then(|| (now + Duration::minutes(LOCK_MINUTES)).to_rfc3339());
                if !self.read_only {
                    self.store.change_account(&ctx, user.id, AccountChange::LoginFailed { lock_until }).await?;
                }
            }
            if locked || user.failed_logins + 1 >= LOCK_AFTER_FAILURES {
                return Err(AppError::unauthenticated(format!(
                    "连续登录失败次数过多，账户已锁定 {LOCK_MINUTES} 分钟；请稍后再试，或请系统管理员重置密码"
                )));
            }
            return Err(wrong());
        }
        if user.disabled {
            return Err(AppError::unauthenticated(format!("用户“{}”已停用", user.login)));
        }
        if !self.read_only && (user.failed_logins > 0 || user.locked_until.is_some()) {
            return Ok(self.store.change_account(&ctx, user.id, AccountChange::LoginSucceeded).await?);
        }
        Ok(user)
    }
}

/// A real argon2id hash (of a string nobody types), verified against when the login is unknown so
/// that it costs the same time as a known one.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| crate::auth::hash_password("\u{0}no-such-user\u{0}").unwrap_or_default()).clone()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_every_password_of_a_url() {
        for (url, shown) in [
            ("postgres://gk:secret@db.local:5432/office", "postgres://gk:***@db.local:5432/office"),
            // a `?`, `@` or `/` in the password, unencoded
            ("postgres://gk:se?cret@db.local/office", "postgres://gk:***@db.local/office"),
            ("postgres://gk:s@e/cret@db.local/office", "postgres://gk:***@db.local/office"),
            // a password in the query string, with or without user information
            ("postgres://db.local/office?user=gk&password=secret", "postgres://db.local/office"),
            ("postgres://gk@db.local/office?password=secret#x", "postgres://gk@db.local/office"),
            ("sqlite:/srv/gongkai.db?mode=rwc", "sqlite:/srv/gongkai.db"),
            ("sqlite:///home/a@b/gongkai.db", "sqlite:///home/a@b/gongkai.db"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
            assert!(!redact(url).contains("secret") && !redact(url).contains("cret"), "{url}");
        }
    }
}
