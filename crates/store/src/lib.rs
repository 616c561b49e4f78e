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
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

pub mod audit;
pub mod model;
pub mod report;
pub mod timeline;

mod postgres;
mod util;
mod sqlite;
mod transfer;

pub use model::*;
pub use timeline::{DeadlineRules, Evaluation, WeekdayRules};

/// Failures of the store. `Display` is the Chinese message shown to users.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("数据库错误：{0}")]
    Db(sqlx::Error),
    /// A migration failed.
    #[error("数据库迁移失败：{0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// The database has not been migrated to this version of gongkai.
    #[error("数据库尚未迁移到当前版本（缺少 {0}）：请先运行 gongkai migrate --database …")]
    NotMigrated(String),
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
    #[error("读写文件失败：{0}")]
    Io(std::io::Error),
    /// An export file is not in the expected format.
    #[error("导入文件格式错误：{0}")]
    Format(String),
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

/// The storage interface, in domain terms. Every write takes a [`Ctx`] (who, when) and is recorded
/// in the audit log in the same transaction; every write either happens whole or not at all.
pub trait Storage: Send + Sync {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// Applies pending migrations.
    fn migrate(&self) -> impl Future<Output = Result<()>> + Send;

    /// Adds an agency to the tree.
    fn create_agency(&self, ctx: &Ctx, agency: NewAgency)
    -> impl Future<Output = Result<Agency>> + Send;
    /// Replaces an agency's settings.
    fn update_agency_settings(
        &self,
        ctx: &Ctx,
        id: AgencyId,
        settings: AgencySettings,
    ) -> impl Future<Output = Result<Agency>> + Send;
    /// One agency.
    fn agency(&self, id: AgencyId) -> impl Future<Output = Result<Agency>> + Send;
    /// An agency by its exact name.
    fn agency_by_name(&self, name: &str) -> impl Future<Output = Result<Option<Agency>>> + Send;
    /// All agencies, by id (parents before children).
    fn agencies(&self) -> impl Future<Output = Result<Vec<Agency>>> + Send;

    /// Adds a user.
    fn create_user(&self, ctx: &Ctx, user: NewUser) -> impl Future<Output = Result<User>> + Send;
    /// A user by login.
    fn user_by_login(&self, login: &str) -> impl Future<Output = Result<Option<User>>> + Send;
    /// A user by id.
    fn user(&self, id: UserId) -> impl Future<Output = Result<User>> + Send;
    /// Grants a role at an agency (idempotent).
    fn grant_role(
        &self,
        ctx: &Ctx,
        user: UserId,
        agency: AgencyId,
        role: Role,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The roles a user holds.
    fn roles(&self, user: UserId) -> impl Future<Output = Result<Vec<RoleGrant>>> + Send;

    /// Registers an application with its known events; refused if the timeline breaks a rule.
    fn create_application(
        &self,
        ctx: &Ctx,
        application: NewApplication,
    ) -> impl Future<Output = Result<Application>> + Send;
    /// Registers many applications in one transaction: all or none (ledger import). Each error
    /// names the position in the input (0-based).
    fn import_applications(
        &self,
        ctx: &Ctx,
        applications: Vec<NewApplication>,
    ) -> impl Future<Output = Result<Vec<ApplicationId>>> + Send;
    /// Appends an event (with the closing when the event is the reply).
    fn add_event(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        event: Event,
        closing: Option<Closing>,
    ) -> impl Future<Output = Result<Application>> + Send;
    /// One application with its timeline.
    fn application(&self, id: ApplicationId) -> impl Future<Output = Result<Application>> + Send;
    /// An application by agency and 编号.
    fn application_by_number(
        &self,
        agency: AgencyId,
        number: &str,
    ) -> impl Future<Output = Result<Option<Application>>> + Send;
    /// All applications of an agency with timelines, by id (ledger export).
    fn applications(
        &self,
        agency: AgencyId,
    ) -> impl Future<Output = Result<Vec<Application>>> + Send;
    /// A case list.
    fn list_cases(
        &self,
        filter: &CaseFilter,
    ) -> impl Future<Output = Result<Vec<CaseSummary>>> + Send;

    /// Records an appeal against a decision.
    fn create_appeal(&self, ctx: &Ctx, appeal: NewAppeal)
    -> impl Future<Output = Result<Appeal>> + Send;
    /// Records an appeal's result.
    fn close_appeal(
        &self,
        ctx: &Ctx,
        id: AppealId,
        result: AppealResult,
        closed_on: NaiveDate,
    ) -> impl Future<Output = Result<Appeal>> + Send;
    /// Appeals against an agency's decisions.
    fn appeals(&self, agency: AgencyId) -> impl Future<Output = Result<Vec<Appeal>>> + Send;

    /// Adds a 规章 / 行政规范性文件 to the register.
    fn add_document(&self, ctx: &Ctx, doc: Document)
    -> impl Future<Output = Result<Document>> + Send;
    /// Marks a document repealed (or amended) on a date.
    fn repeal_document(
        &self,
        ctx: &Ctx,
        id: DocumentId,
        on: NaiveDate,
        validity: Validity,
    ) -> impl Future<Output = Result<Document>> + Send;
    /// An agency's register.
    fn documents(&self, agency: AgencyId) -> impl Future<Output = Result<Vec<Document>>> + Send;
    /// Sets the year's typed-in counts for table 二.
    fn set_yearly_counts(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        counts: YearlyCounts,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The year's typed-in counts.
    fn yearly_counts(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> impl Future<Output = Result<Option<YearlyCounts>>> + Send;

    /// The raw counts behind tables 二, 三 and 四 for an agency's year.
    fn tallies(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> impl Future<Output = Result<YearTallies>> + Send;
    /// The records behind one cell.
    fn cell_records(
        &self,
        agency: AgencyId,
        year: i32,
        cell: Cell,
    ) -> impl Future<Output = Result<CellRecords>> + Send;
    /// Saves a draft report (refused once locked: use [`Storage::correct_report`]).
    fn save_report(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        content: serde_json::Value,
    ) -> impl Future<Output = Result<StoredReport>> + Send;
    /// Moves a report forward: draft → locked → published.
    fn set_report_status(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        status: ReportStatus,
    ) -> impl Future<Output = Result<StoredReport>> + Send;
    /// Changes a locked or published report, recording who, when and why.
    fn correct_report(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        content: serde_json::Value,
        reason: &str,
    ) -> impl Future<Output = Result<StoredReport>> + Send;
    /// A stored report.
    fn report(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> impl Future<Output = Result<Option<StoredReport>>> + Send;

    /// Checks the audit chain.
    fn audit_verify(&self) -> impl Future<Output = Result<AuditVerification>> + Send;
    /// Audit entries after `after_seq`, at most `limit`.
    fn audit_entries(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<AuditEntry>>> + Send;

    /// Writes the whole database as JSON lines from one consistent snapshot.
    fn export_jsonl(
        &self,
        out: &mut (dyn Write + Send),
    ) -> impl Future<Output = Result<TransferSummary>> + Send;
    /// Loads a JSON-lines export into this (empty, migrated) database, in one transaction.
    fn import_jsonl(
        &self,
        input: &mut (dyn BufRead + Send),
    ) -> impl Future<Output = Result<TransferSummary>> + Send;
    /// Makes a consistent online copy: a SQLite file (`VACUUM INTO`) or, on PostgreSQL, a JSONL
    /// export taken in one repeatable-read snapshot.
    fn backup(&self, to: &Path) -> impl Future<Output = Result<()>> + Send;
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
    /// Create the SQLite file if missing and apply migrations (the embedded default). PostgreSQL
    /// databases are migrated by `gongkai migrate` (or this flag).
    pub migrate: bool,
    /// PostgreSQL schema to use (tests: one per test); `None` = the server's default.
    pub pg_schema: Option<String>,
    /// Maximum pool size.
    pub max_connections: u32,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { migrate: true, pg_schema: None, max_connections: 4 }
    }
}

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
        if opts.migrate {
            store.migrate().await?;
        } else {
            store.check_migrated().await?;
        }
        Ok(store)
    }

    /// Fails with [`StoreError::NotMigrated`] unless every migration compiled in is applied.
    pub async fn check_migrated(&self) -> Result<()> {
        let names = Store::migration_names(self.backend());
        let applied: Vec<i64> = match self {
            Store::Sqlite(s) => {
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(&s.pool)
                    .await
            }
            Store::Postgres(s) => {
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(&s.pool)
                    .await
            }
        }
        .unwrap_or_default();
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

macro_rules! dispatch {
    ($self:ident . $m:ident ( $($a:expr),* )) => {
        match $self {
            Store::Sqlite(s) => s.$m($($a),*).await,
            Store::Postgres(s) => s.$m($($a),*).await,
        }
    };
}

impl Storage for Store {
    fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }
    async fn migrate(&self) -> Result<()> {
        dispatch!(self.migrate())
    }
    async fn create_agency(&self, ctx: &Ctx, agency: NewAgency) -> Result<Agency> {
        dispatch!(self.create_agency(ctx, agency))
    }
    async fn update_agency_settings(
        &self,
        ctx: &Ctx,
        id: AgencyId,
        settings: AgencySettings,
    ) -> Result<Agency> {
        dispatch!(self.update_agency_settings(ctx, id, settings))
    }
    async fn agency(&self, id: AgencyId) -> Result<Agency> {
        dispatch!(self.agency(id))
    }
    async fn agency_by_name(&self, name: &str) -> Result<Option<Agency>> {
        dispatch!(self.agency_by_name(name))
    }
    async fn agencies(&self) -> Result<Vec<Agency>> {
        dispatch!(self.agencies())
    }
    async fn create_user(&self, ctx: &Ctx, user: NewUser) -> Result<User> {
        dispatch!(self.create_user(ctx, user))
    }
    async fn user_by_login(&self, login: &str) -> Result<Option<User>> {
        dispatch!(self.user_by_login(login))
    }
    async fn user(&self, id: UserId) -> Result<User> {
        dispatch!(self.user(id))
    }
    async fn grant_role(&self, ctx: &Ctx, user: UserId, agency: AgencyId, role: Role) -> Result<()> {
        dispatch!(self.grant_role(ctx, user, agency, role))
    }
    async fn roles(&self, user: UserId) -> Result<Vec<RoleGrant>> {
        dispatch!(self.roles(user))
    }
    async fn create_application(&self, ctx: &Ctx, application: NewApplication) -> Result<Application> {
        dispatch!(self.create_application(ctx, application))
    }
    async fn import_applications(
        &self,
        ctx: &Ctx,
        applications: Vec<NewApplication>,
    ) -> Result<Vec<ApplicationId>> {
        dispatch!(self.import_applications(ctx, applications))
    }
    async fn add_event(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        event: Event,
        closing: Option<Closing>,
    ) -> Result<Application> {
        dispatch!(self.add_event(ctx, id, event, closing))
    }
    async fn application(&self, id: ApplicationId) -> Result<Application> {
        dispatch!(self.application(id))
    }
    async fn application_by_number(
        &self,
        agency: AgencyId,
        number: &str,
    ) -> Result<Option<Application>> {
        dispatch!(self.application_by_number(agency, number))
    }
    async fn applications(&self, agency: AgencyId) -> Result<Vec<Application>> {
        dispatch!(self.applications(agency))
    }
    async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        dispatch!(self.list_cases(filter))
    }
    async fn create_appeal(&self, ctx: &Ctx, appeal: NewAppeal) -> Result<Appeal> {
        dispatch!(self.create_appeal(ctx, appeal))
    }
    async fn close_appeal(
        &self,
        ctx: &Ctx,
        id: AppealId,
        result: AppealResult,
        closed_on: NaiveDate,
    ) -> Result<Appeal> {
        dispatch!(self.close_appeal(ctx, id, result, closed_on))
    }
    async fn appeals(&self, agency: AgencyId) -> Result<Vec<Appeal>> {
        dispatch!(self.appeals(agency))
    }
    async fn add_document(&self, ctx: &Ctx, doc: Document) -> Result<Document> {
        dispatch!(self.add_document(ctx, doc))
    }
    async fn repeal_document(
        &self,
        ctx: &Ctx,
        id: DocumentId,
        on: NaiveDate,
        validity: Validity,
    ) -> Result<Document> {
        dispatch!(self.repeal_document(ctx, id, on, validity))
    }
    async fn documents(&self, agency: AgencyId) -> Result<Vec<Document>> {
        dispatch!(self.documents(agency))
    }
    async fn set_yearly_counts(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        counts: YearlyCounts,
    ) -> Result<()> {
        dispatch!(self.set_yearly_counts(ctx, agency, year, counts))
    }
    async fn yearly_counts(&self, agency: AgencyId, year: i32) -> Result<Option<YearlyCounts>> {
        dispatch!(self.yearly_counts(agency, year))
    }
    async fn tallies(&self, agency: AgencyId, year: i32) -> Result<YearTallies> {
        dispatch!(self.tallies(agency, year))
    }
    async fn cell_records(&self, agency: AgencyId, year: i32, cell: Cell) -> Result<CellRecords> {
        dispatch!(self.cell_records(agency, year, cell))
    }
    async fn save_report(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        content: serde_json::Value,
    ) -> Result<StoredReport> {
        dispatch!(self.save_report(ctx, agency, year, content))
    }
    async fn set_report_status(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        status: ReportStatus,
    ) -> Result<StoredReport> {
        dispatch!(self.set_report_status(ctx, agency, year, status))
    }
    async fn correct_report(
        &self,
        ctx: &Ctx,
        agency: AgencyId,
        year: i32,
        content: serde_json::Value,
        reason: &str,
    ) -> Result<StoredReport> {
        dispatch!(self.correct_report(ctx, agency, year, content, reason))
    }
    async fn report(&self, agency: AgencyId, year: i32) -> Result<Option<StoredReport>> {
        dispatch!(self.report(agency, year))
    }
    async fn audit_verify(&self) -> Result<AuditVerification> {
        dispatch!(self.audit_verify())
    }
    async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        dispatch!(self.audit_entries(after_seq, limit))
    }
    async fn export_jsonl(&self, out: &mut (dyn Write + Send)) -> Result<TransferSummary> {
        dispatch!(self.export_jsonl(out))
    }
    async fn import_jsonl(&self, input: &mut (dyn BufRead + Send)) -> Result<TransferSummary> {
        dispatch!(self.import_jsonl(input))
    }
    async fn backup(&self, to: &Path) -> Result<()> {
        dispatch!(self.backup(to))
    }
}
