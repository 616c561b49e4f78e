//! PostgreSQL backend. Writers serialise on the single row of `audit_head` (`SELECT … FOR UPDATE`
//! at the start of every write transaction), which keeps the audit chain linear; readers never
//! wait. A writer waits for the lock at most `lock_timeout` ([`OpenOptions::lock_timeout`]), then
//! fails with a Chinese message. Exports and backups read one REPEATABLE READ snapshot. The audit
//! anchor is a file in the app's data directory, named after the server, database and schema.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::anchor::AnchorFile;
use crate::timeline::DeadlineRules;
use crate::OpenOptions;

type Db = sqlx::Postgres;
type This = PgStore;

/// How long a first connection to the server may take before the address is reported
/// unreachable (the whole command answers within 5 seconds).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
    rules: Arc<dyn DeadlineRules>,
    pub(crate) anchor: Option<AnchorFile>,
}

fn connect_options(url: &str, schema: Option<&str>) -> Result<PgConnectOptions> {
    let mut o = PgConnectOptions::from_str(url)?;
    if let Some(s) = schema {
        o = o.options([("search_path", s)]);
    }
    Ok(o)
}

/// The anchor file of a database: one per server, database and schema, in `dir`. The name is
/// readable, with a hash that keeps two places apart whatever characters their names hold.
fn anchor_file(dir: &std::path::Path, o: &PgConnectOptions, database: &str, schema: &str) -> AnchorFile {
    use sha2::{Digest, Sha256};
    let place = format!("{}\0{}\0{database}\0{schema}", o.get_host(), o.get_port());
    let digest = Sha256::digest(place.as_bytes());
    let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let readable: String = format!("{}-{}-{database}-{schema}", o.get_host(), o.get_port())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_' { c } else { '_' })
        .take(100)
        .collect();
    AnchorFile::new(dir.join(format!("pg-{readable}-{short}.audit-anchor")))
}

fn valid_schema(schema: &str) -> Result<()> {
    if schema.is_empty() || !schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(StoreError::Rule(format!("模式名 {schema} 只能包含字母、数字和下划线")));
    }
    Ok(())
}

/// The SQL that gives the application's database role what it needs and no more on the audit
/// log: it may read and append, and move the head forward, but not UPDATE, DELETE or TRUNCATE the
/// log, nor change the migration history. Run by the owner of the tables (who ran `gongkai
/// migrate`) after every migration; the application then connects as `role`, which must not own
/// the tables (an owner can disable triggers and grant itself anything back; a superuser can do
/// anything: the audit anchor and kept receipts are what catch that).
pub fn app_role_sql(role: &str, schema: &str) -> Result<String> {
    let ident = |s: &str| -> Result<String> {
        if s.is_empty() || s.len() > 63 || s.contains('\0') {
            return Err(StoreError::Rule(format!("“{s}”不是有效的 PostgreSQL 名称")));
        }
        Ok(format!("\"{}\"", s.replace('"', "\"\"")))
    };
    let (r, s) = (ident(role)?, ident(schema)?);
    Ok(format!(
        "-- gongkai：应用角色 {r} 的权限（由表的所有者在每次 gongkai migrate 之后执行）\n\
         GRANT USAGE ON SCHEMA {s} TO {r};\n\
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r};\n\
         REVOKE UPDATE, DELETE, TRUNCATE ON {s}.audit_log FROM {r};\n\
         REVOKE INSERT, DELETE, TRUNCATE ON {s}.audit_head FROM {r};\n\
         REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {s}._sqlx_migrations FROM {r};\n"
    ))
}

pub(crate) async fn create_schema(url: &str, schema: &str) -> Result<()> {
    valid_schema(schema)?;
    let pool = PgPoolOptions::new().max_connections(1).connect_with(connect_options(url, None)?).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {schema}")))
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}

pub(crate) async fn drop_schema(url: &str, schema: &str) -> Result<()> {
    valid_schema(schema)?;
    let pool = PgPoolOptions::new().max_connections(1).connect_with(connect_options(url, None)?).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}

impl PgStore {
    pub(crate) async fn open(
        url: &str,
        rules: Arc<dyn DeadlineRules>,
        opts: &OpenOptions,
    ) -> Result<PgStore> {
        if let Some(s) = &opts.pg_schema {
            valid_schema(s)?;
        }
        // A writer waiting for another's lock gives up after `lock_timeout` (SQLSTATE 55P03).
        let lock_ms = opts.lock_timeout.as_millis().max(1).to_string();
        let options = connect_options(url, opts.pg_schema.as_deref())?.options([("lock_timeout", lock_ms.as_str())]);
        // An unreachable server fails within 5 seconds with its own reason (the caller names the
        // address): one connection is tried first, because the pool retries a refused connection
        // until its acquire timeout and then reports only that it timed out.
        match tokio::time::timeout(CONNECT_TIMEOUT, <sqlx::PgConnection as sqlx::Connection>::connect_with(&options)).await {
            Err(_) => return Err(StoreError::Db(sqlx::Error::Io(std::io::ErrorKind::TimedOut.into()))),
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(probe)) => {
                let _ = sqlx::Connection::close(probe).await;
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options.clone())
            .await?;
        let anchor = match &opts.anchor_dir {
            Some(dir) => {
                let (database, schema): (String, Option<String>) =
                    sqlx::query_as("SELECT current_database(), current_schema()").fetch_one(&pool).await?;
                Some(anchor_file(dir, &options, &database, schema.as_deref().unwrap_or("")))
            }
            None => None,
        };
        Ok(PgStore { pool, rules, anchor })
    }

    async fn begin_write(&self) -> Result<Tx> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").execute(&mut *tx).await?;
        Ok(tx)
    }

    async fn begin_snapshot(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?)
    }

    /// A JSONL export from one snapshot, written as an [`OutputFile`].
    async fn backup_impl(&self, to: &Path, overwrite: bool) -> Result<Receipt> {
        let opts = OutputOptions { overwrite, protect: Store::Postgres(self.clone()).files() };
        let mut out = OutputFile::create(to, &opts)?;
        let summary = self.export_jsonl(&mut out).await?;
        out.finish()?;
        Ok(summary.head.unwrap_or_else(Receipt::genesis))
    }
}

include!("backend/common.rs");
