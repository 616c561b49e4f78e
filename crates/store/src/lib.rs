//! gongkai-store: the office's system of record behind one storage interface, [`Storage`], with two
//! implementations: SQLite (embedded, the default) and PostgreSQL. The backend is picked from the
//! URL scheme by [`Store::open`].
//!
//! Both backends run the same SQL text (`backend/common.rs` and one file per aggregate beside it,
//! compiled once per backend with its sqlx types); what differs lives in `sqlite.rs` /
//! `postgres.rs` (connection set-up, write locking, sequences, backup) and in the migrations,
//! which have identical names in `migrations/sqlite` and `migrations/postgres`.
//!
//! Storage decisions (docs/STORAGE.md): dates are ISO `YYYY-MM-DD` TEXT and timestamps RFC 3339
//! TEXT in both backends, so the SQL and the JSONL export are the same everywhere; ids are 64-bit
//! integers. Every write runs in one transaction that also appends to the hash-chained audit log.
//! Writers are serialised (SQLite `BEGIN IMMEDIATE`, PostgreSQL a transaction-scoped advisory
//! lock), which keeps the audit chain linear and makes concurrent writers safe.
//!
//! Error policy: every failure is a [`StoreError`] whose `Display` is a Chinese message fit for
//! the user; database errors keep their cause.

use std::future::Future;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

mod anchor;
pub mod audit;
mod errors;
pub use errors::describe_io;
pub mod file;
mod import_check;
pub mod model;
mod reconcile;
pub mod report;
pub mod timeline;

mod postgres;
mod util;
mod sqlite;
mod transfer;

pub use model::*;
pub use postgres::app_role_sql as postgres_app_role_sql;
pub use timeline::{DeadlineRules, Evaluation, WeekdayRules};

/// Failures of the store. `Display` is the Chinese message shown to users.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("数据库错误：{}", errors::describe_db(.0))]
    Db(sqlx::Error),
    /// A migration failed.
    #[error("数据库迁移失败：{}", describe_migrate(.0))]
    Migrate(sqlx::migrate::MigrateError),
    /// The database has not been migrated to this version of gongkai.
    #[error("数据库尚未迁移到当前版本（缺少 {0}）：请先运行 gongkai migrate --database …")]
    NotMigrated(String),
    /// The database does not exist, or holds no gongkai records.
    #[error("{0}")]
    Missing(String),
    /// The URL is not `sqlite:` or `postgres://`.
    #[error("无法识别的数据库地址：{0}（应为 sqlite:路径 或 postgres://…）")]
    BadUrl(String),
    /// A record was not found.
    #[error("未找到{0}")]
    NotFound(String),
    /// A unique value is already taken.
    #[error("{0}")]
    Conflict(String),
    /// The record would break a rule (reply before receipt, …).
    #[error("记录不符合规则：{0}")]
    Rule(String),
    /// Not allowed for this user.
    #[error("无权操作：{0}")]
    Forbidden(String),
    /// Stored data could not be read back (unknown code, bad date).
    #[error("数据库中的数据无法解析：{0}")]
    Corrupt(String),
    /// Reading or writing an export file failed.
    #[error("读写文件失败：{}", errors::describe_io(.0))]
    Io(std::io::Error),
    /// An export file is not in the expected format.
    #[error("导入文件格式错误：{0}")]
    Format(String),
}

fn describe_migrate(e: &sqlx::migrate::MigrateError) -> String {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::Execute(db) | M::ExecuteMigration(db, _) => errors::describe_db(db),
        M::VersionMissing(v) => format!("数据库中有本程序不认识的迁移 {v}（数据库由更新版本的 gongkai 创建？）"),
        M::VersionMismatch(v) => format!("迁移 {v} 与数据库中记录的不一致（迁移文件被修改过？）"),
        M::Dirty(v) => format!("迁移 {v} 上次未完成，数据库处于不一致状态"),
        _ => "迁移无法执行".into(),
    }
}

// Conversions without `source`, so that a message chain does not repeat the cause.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(e)
    }
}
impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(e)
    }
}
impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Declares the storage interface once: the [`Storage`] trait, and its implementation by [`Store`],
/// which dispatches each method to the backend's method of the same name.
macro_rules! storage_api {
    ($(
        $(#[$doc:meta])*
        fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $out:ty;
    )*) => {
        /// The storage interface, in domain terms. Every write takes a [`Ctx`] (who, when) and is
        /// recorded in the audit log in the same transaction; every write either happens whole or
        /// not at all.
        pub trait Storage: Send + Sync {
            /// Which backend this is.
            fn backend(&self) -> Backend;
            $(
                $(#[$doc])*
                fn $name(&self $(, $arg: $ty)*) -> impl Future<Output = Result<$out>> + Send;
            )*
        }

        impl Storage for Store {
            fn backend(&self) -> Backend {
                match self {
                    Store::Sqlite(_) => Backend::Sqlite,
                    Store::Postgres(_) => Backend::Postgres,
                }
            }
            $(
                async fn $name(&self $(, $arg: $ty)*) -> Result<$out> {
                    match self {
                        Store::Sqlite(s) => s.$name($($arg),*).await,
                        Store::Postgres(s) => s.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

storage_api! {
    /// Applies pending migrations.
    fn migrate(&self) -> ();

    /// Adds an agency to the tree.
    fn create_agency(&self, ctx: &Ctx, agency: NewAgency) -> Agency;
    /// Adds an agency with its administrator (an existing user or a new one) in one transaction.
    fn establish_agency(&self, ctx: &Ctx, agency: NewAgency, admin: AdminAccount) -> (Agency, User);
    /// Replaces an agency's settings.
    fn update_agency_settings(&self, ctx: &Ctx, id: AgencyId, settings: AgencySettings) -> Agency;
    /// Renames an agency, sets its calendar region and replaces its settings.
    fn update_agency(&self, ctx: &Ctx, id: AgencyId, update: AgencyUpdate) -> Agency;
    /// One agency.
    fn agency(&self, id: AgencyId) -> Agency;
    /// An agency by its exact name.
    fn agency_by_name(&self, name: &str) -> Option<Agency>;
    /// All agencies, by id (parents before children).
    fn agencies(&self) -> Vec<Agency>;

    /// Adds a user.
    fn create_user(&self, ctx: &Ctx, user: NewUser) -> User;
    /// A user by login.
    fn user_by_login(&self, login: &str) -> Option<User>;
    /// A user by id.
    fn user(&self, id: UserId) -> User;
    /// Every user, by id.
    fn users(&self) -> Vec<User>;
    /// Changes an account: password, disabled, login failures and lock.
    fn change_account(&self, ctx: &Ctx, id: UserId, change: AccountChange) -> User;
    /// Grants a role at an agency (idempotent).
    fn grant_role(&self, ctx: &Ctx, user: UserId, agency: AgencyId, role: Role) -> ();
    /// Takes a role away; `false` if the user did not hold it.
    fn revoke_role(&self, ctx: &Ctx, user: UserId, agency: AgencyId, role: Role) -> bool;
    /// The roles a user holds.
    fn roles(&self, user: UserId) -> Vec<RoleGrant>;

    /// Registers an application with its known events; refused if the timeline breaks a rule.
    fn create_application(&self, ctx: &Ctx, application: NewApplication) -> Application;
    /// Registers many applications in one transaction: all or none (ledger import). Each error
    /// names the position in the input.
    fn import_applications(&self, ctx: &Ctx, applications: Vec<NewApplication>) -> Vec<ApplicationId>;
    /// Appends an event (with the decision when the event concludes the case). `seen`: the
    /// version the caller saw, refused if the case changed since.
    fn add_event(&self, ctx: &Ctx, id: ApplicationId, seen: Option<i64>, event: Event, closing: Option<Closing>) -> Application;
    /// Sets (or clears) the case officer, who must be a case officer or office head there.
    /// `seen`: the version the caller saw, refused if the case changed since.
    fn assign_officer(&self, ctx: &Ctx, id: ApplicationId, seen: Option<i64>, officer: Option<UserId>) -> Application;
    /// Corrects a case (fields, timeline or decision) or voids it, with a reason in the audit log.
    fn correct_case(&self, ctx: &Ctx, id: ApplicationId, seen: Option<i64>, correction: CaseCorrection, reason: &str) -> Application;
    /// The case officer (the acting user) asks for an extension.
    fn request_extension(&self, ctx: &Ctx, id: ApplicationId, days: u32, reason: &str, on: NaiveDate) -> ExtensionRequest;
    /// An office head (the acting user) approves or refuses a pending extension request.
    fn decide_extension(&self, ctx: &Ctx, request: i64, approve: bool, on: NaiveDate) -> (ExtensionRequest, Application);
    /// Extension requests.
    fn extension_requests(&self, filter: &ExtensionFilter) -> Vec<ExtensionRequest>;
    /// One application with its timeline.
    fn application(&self, id: ApplicationId) -> Application;
    /// An application by agency and 编号.
    fn application_by_number(&self, agency: AgencyId, number: &str) -> Option<Application>;
    /// All applications of an agency with timelines, by id (ledger export).
    fn applications(&self, agency: AgencyId) -> Vec<Application>;
    /// A case list.
    fn list_cases(&self, filter: &CaseFilter) -> Vec<CaseSummary>;
    /// How many cases a list would have without its limit and offset.
    fn count_cases(&self, filter: &CaseFilter) -> i64;

    /// Records an appeal against a decision, or against inaction.
    fn create_appeal(&self, ctx: &Ctx, appeal: NewAppeal) -> Appeal;
    /// Records an appeal's result (once; a change afterwards is a correction).
    fn close_appeal(&self, ctx: &Ctx, id: AppealId, result: AppealResult, closed_on: NaiveDate) -> Appeal;
    /// Corrects (`Some`) or voids (`None`) an appeal, with a reason.
    fn correct_appeal(&self, ctx: &Ctx, id: AppealId, correction: Option<NewAppeal>, reason: &str) -> Appeal;
    /// One appeal.
    fn appeal(&self, id: AppealId) -> Appeal;
    /// Appeals against an agency's decisions.
    fn appeals(&self, agency: AgencyId) -> Vec<Appeal>;

    /// Adds a 规章 / 行政规范性文件 to the register.
    fn add_document(&self, ctx: &Ctx, doc: Document) -> Document;
    /// Marks a document repealed (or amended) on a date.
    fn repeal_document(&self, ctx: &Ctx, id: DocumentId, on: NaiveDate, validity: Validity) -> Document;
    /// Corrects (`Some`) or voids (`None`) a registered document, with a reason.
    fn correct_document(&self, ctx: &Ctx, id: DocumentId, correction: Option<Document>, reason: &str) -> Document;
    /// An agency's register.
    fn documents(&self, agency: AgencyId) -> Vec<Document>;
    /// Sets the figures given of the year's typed-in counts for table 二 (changing one already
    /// set needs a reason).
    fn set_yearly_counts(&self, ctx: &Ctx, agency: AgencyId, year: i32, counts: YearlyCounts, reason: &str) -> YearlyCounts;
    /// The year's typed-in counts.
    fn yearly_counts(&self, agency: AgencyId, year: i32) -> Option<YearlyCounts>;

    /// The raw counts behind tables 二, 三 and 四 for an agency's year.
    fn tallies(&self, agency: AgencyId, year: i32) -> YearTallies;
    /// The records behind one cell.
    fn cell_records(&self, agency: AgencyId, year: i32, cell: Cell) -> CellRecords;
    /// Saves a draft report (refused once locked: use [`Storage::correct_report`]). With
    /// `expected` (the [`StoredReport::fingerprint`] of the draft the caller edited, or `""` when
    /// there was none), refused as a conflict when the stored draft is no longer that one.
    fn save_report(&self, ctx: &Ctx, agency: AgencyId, year: i32, content: serde_json::Value, expected: Option<&str>) -> StoredReport;
    /// Moves a report forward: draft → locked → published (not by whoever locked it).
    fn set_report_status(&self, ctx: &Ctx, agency: AgencyId, year: i32, status: ReportStatus) -> StoredReport;
    /// Changes a locked or published report, recording who, when and why.
    fn correct_report(&self, ctx: &Ctx, agency: AgencyId, year: i32, content: serde_json::Value, reason: &str) -> StoredReport;
    /// A stored report.
    fn report(&self, agency: AgencyId, year: i32) -> Option<StoredReport>;

    /// Starts a web session (audited as a login).
    fn create_session(&self, ctx: &Ctx, session: SessionRow) -> ();
    /// A session by its token's hash.
    fn session(&self, token_hash: &str) -> Option<SessionRow>;
    /// Records activity on a session and moves its expiry.
    fn touch_session(&self, token_hash: &str, last_seen: &str, expires_at: &str) -> ();
    /// Ends one session (a logout), or all of a user's, and drops the expired ones.
    fn end_sessions(&self, ctx: &Ctx, token_hash: Option<&str>, user: Option<UserId>, expired_before: &str) -> u64;

    /// An agency's own template for a kind of letter (`None`: the default applies).
    fn letter_template(&self, agency: AgencyId, kind: &str) -> Option<String>;
    /// Sets or resets an agency's template for a kind of letter.
    fn set_letter_template(&self, ctx: &Ctx, agency: AgencyId, kind: &str, body: Option<String>) -> ();
    /// Issues a letter with the agency's next document number of the year.
    fn issue_letter(&self, ctx: &Ctx, letter: NewLetter) -> Letter;
    /// The letters issued on a case.
    fn letters(&self, application: ApplicationId) -> Vec<Letter>;
    /// One letter.
    fn letter(&self, id: i64) -> Letter;

    /// Checks the audit chain and the anchor file (see [`Storage::audit_check`]).
    fn audit_verify(&self) -> AuditVerification;
    /// Checks the audit chain, that it still holds the entry of the anchor file and of every
    /// receipt given, and (when asked) that every record equals its latest after-image in the
    /// log; all in one consistent snapshot.
    fn audit_check(&self, check: &AuditCheck) -> AuditVerification;
    /// Writes the anchor file at the head of a chain that verifies, with an audit entry saying
    /// so (a database copied or restored from a backup, a PostgreSQL database on a new machine).
    fn audit_anchor(&self, ctx: &Ctx) -> AnchorReset;
    /// Audit entries after `after_seq`, at most `limit`.
    fn audit_entries(&self, after_seq: i64, limit: i64) -> Vec<AuditEntry>;

    /// Writes the whole database as JSON lines from one consistent snapshot.
    fn export_jsonl(&self, out: &mut (dyn Write + Send)) -> TransferSummary;
    /// Loads a JSON-lines export into this (empty, migrated) database, in one transaction that
    /// commits only when every row is valid, the file is complete, the audit chain verifies and
    /// every record matches its audit trail.
    fn import_jsonl(&self, input: &mut (dyn BufRead + Send)) -> TransferSummary;
    /// Makes a consistent online copy: a SQLite file (`VACUUM INTO`, with its anchor file
    /// beside it) or, on PostgreSQL, a JSONL export taken in one repeatable-read snapshot;
    /// written as an [`file::OutputFile`] (never over the database, never over a file unless
    /// `overwrite`). Returns the receipt of the copy's last audit entry.
    fn backup(&self, to: &Path, overwrite: bool) -> audit::Receipt;
}

/// A store on either backend.
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite.
    Sqlite(sqlite::SqliteStore),
    /// PostgreSQL.
    Postgres(postgres::PgStore),
}

/// Options for [`Store::open`].
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Apply pending migrations (the embedded default, `init`, `import`, `migrate`).
    pub migrate: bool,
    /// Create the SQLite file when it does not exist (only `init` and `import`); otherwise a
    /// missing file is an error that names it.
    pub create: bool,
    /// Open read-only (a SQLite file without write permission): reads work, writes are refused.
    pub read_only: bool,
    /// PostgreSQL schema to use (tests: one per test); `None` = the server's default.
    pub pg_schema: Option<String>,
    /// Maximum pool size.
    pub max_connections: u32,
    /// How long a writer waits for another writer's lock before it gives up with
    /// 数据库正被其他操作写入 (SQLite `busy_timeout`, PostgreSQL `lock_timeout`).
    pub lock_timeout: Duration,
    /// Where PostgreSQL audit anchors are kept (the app's data directory); `None`: no anchor.
    /// A SQLite database always has its anchor beside the file.
    pub anchor_dir: Option<PathBuf>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            migrate: true,
            create: true,
            read_only: false,
            pg_schema: None,
            max_connections: 4,
            lock_timeout: Duration::from_secs(30),
            anchor_dir: None,
        }
    }
}

/// The migration from which on databases have an audit anchor: applying it to an existing
/// database anchors the chain where it stands.
const ANCHOR_MIGRATION: i64 = 5;

impl Store {
    /// Opens the database at `url` (`sqlite:PATH` or `postgres://…`) with the given deadline rules.
    pub async fn open(url: &str, rules: Arc<dyn DeadlineRules>, opts: OpenOptions) -> Result<Store> {
        let store = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            Store::Sqlite(sqlite::SqliteStore::open(Path::new(path), rules, &opts).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Store::Postgres(postgres::PgStore::open(url, rules, &opts).await?)
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let fresh = !store.initialised().await?;
        if !opts.create && fresh {
            store.close().await;
            return Err(StoreError::Missing("数据库中没有 gongkai 的记录（尚未初始化）：先运行 gongkai init 创建，或用 gongkai import 导入".into()));
        }
        if opts.migrate && !opts.read_only {
            let upgrading = !fresh && !store.applied_migrations().await?.contains(&ANCHOR_MIGRATION);
            store.migrate().await?;
            if fresh || upgrading {
                store.anchor_at_open(fresh).await?;
            }
        } else {
            store.check_migrated().await?;
        }
        Ok(store)
    }

    /// Whether the database holds gongkai's tables (a migration table with applied migrations).
    async fn initialised(&self) -> Result<bool> {
        let n: std::result::Result<i64, sqlx::Error> = match self {
            Store::Sqlite(s) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success").fetch_one(&s.pool).await
            }
            Store::Postgres(s) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success").fetch_one(&s.pool).await
            }
        };
        match n {
            Ok(n) => Ok(n > 0),
            // No migration table: a database that gongkai never initialised.
            Err(sqlx::Error::Database(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The versions of the migrations applied.
    async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let applied: std::result::Result<Vec<i64>, sqlx::Error> = match self {
            Store::Sqlite(s) => {
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(&s.pool).await
            }
            Store::Postgres(s) => {
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(&s.pool).await
            }
        };
        Ok(applied.unwrap_or_default())
    }

    /// Fails with [`StoreError::NotMigrated`] unless every migration compiled in is applied.
    pub async fn check_migrated(&self) -> Result<()> {
        let names = Store::migration_names(self.backend());
        let applied = self.applied_migrations().await?;
        let m = match self {
            Store::Sqlite(_) => &sqlite::MIGRATOR,
            Store::Postgres(_) => &postgres::MIGRATOR,
        };
        for (mig, name) in m.iter().zip(names) {
            if !applied.contains(&mig.version) {
                return Err(StoreError::NotMigrated(name));
            }
        }
        Ok(())
    }

    /// Anchors the chain where it stands: a new database (any stale anchor of an earlier one at
    /// the same place is replaced), or one that gets its first anchor with migration 0005.
    async fn anchor_at_open(&self, fresh: bool) -> Result<()> {
        let (anchor, head) = match self {
            Store::Sqlite(s) => (s.anchor.as_ref(), s.head().await?),
            Store::Postgres(s) => (s.anchor.as_ref(), s.head().await?),
        };
        let Some(anchor) = anchor else { return Ok(()) };
        let written = if fresh { anchor.reset(&head) } else { anchor.ensure(&head) };
        written.map_err(|e| {
            StoreError::Conflict(format!("无法写入审计日志的锚点文件 {}：{}", anchor.path().display(), describe_io(&e)))
        })
    }

    /// The files of this database that nothing may be written over: a SQLite file with its
    /// journal, WAL and shared-memory files, and the audit anchor.
    pub fn files(&self) -> Vec<PathBuf> {
        let (db, anchor) = match self {
            Store::Sqlite(s) => (Some(&s.path), s.anchor.as_ref()),
            Store::Postgres(s) => (None, s.anchor.as_ref()),
        };
        let mut out = Vec::new();
        if let Some(db) = db {
            out.push(db.clone());
            for suffix in ["-wal", "-shm", "-journal"] {
                let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
                name.push(suffix);
                out.push(db.with_file_name(name));
            }
        }
        out.extend(anchor.map(|a| a.path().to_path_buf()));
        out
    }

    /// Where the audit anchor of this database is kept, if it has one.
    pub fn anchor_path(&self) -> Option<&Path> {
        match self {
            Store::Sqlite(s) => s.anchor.as_ref().map(|a| a.path()),
            Store::Postgres(s) => s.anchor.as_ref().map(|a| a.path()),
        }
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(s) => s.pool.close().await,
            Store::Postgres(s) => s.pool.close().await,
        }
    }

    /// Creates a PostgreSQL schema (for tests and for side-by-side installations).
    pub async fn create_pg_schema(url: &str, schema: &str) -> Result<()> {
        postgres::create_schema(url, schema).await
    }

    /// Drops a PostgreSQL schema and everything in it.
    pub async fn drop_pg_schema(url: &str, schema: &str) -> Result<()> {
        postgres::drop_schema(url, schema).await
    }

    /// The names of the migrations compiled in for each backend (they must be identical).
    pub fn migration_names(backend: Backend) -> Vec<String> {
        let m = match backend {
            Backend::Sqlite => &sqlite::MIGRATOR,
            Backend::Postgres => &postgres::MIGRATOR,
        };
        m.iter().map(|m| format!("{}_{}", m.version, m.description)).collect()
    }
}
