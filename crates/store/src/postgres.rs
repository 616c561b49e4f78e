//! PostgreSQL backend. Writers serialise on the single row of `audit_head` (`SELECT … FOR UPDATE`
//! at the start of every write transaction), which keeps the audit chain linear; readers never
//! wait. Exports and backups read one REPEATABLE READ snapshot.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::timeline::DeadlineRules;
use crate::OpenOptions;

type Db = sqlx::Postgres;
type This = PgStore;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
    rules: Arc<dyn DeadlineRules>,
}

fn connect_options(url: &str, schema: Option<&str>) -> Result<PgConnectOptions> {
    let mut o = PgConnectOptions::from_str(url)?;
    if let Some(s) = schema {
        o = o.options([("search_path", s)]);
    }
    Ok(o)
}

fn valid_schema(schema: &str) -> Result<()> {
    if schema.is_empty() || !schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(StoreError::Rule(format!("模式名 {schema} 只能包含字母、数字和下划线")));
    }
    Ok(())
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
        // An unreachable server fails within 5 seconds (the caller names the address).
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(connect_options(url, opts.pg_schema.as_deref())?)
            .await?;
        Ok(PgStore { pool, rules })
    }

    async fn begin_write(&self) -> Result<Tx> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").execute(&mut *tx).await?;
        Ok(tx)
    }

    async fn begin_snapshot(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?)
    }

    async fn backup_impl(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(StoreError::Conflict(format!("备份文件 {} 已存在", to.display())));
        }
        let tmp = to.with_extension("partial");
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::new(file);
        self.export_jsonl(&mut w).await?;
        let file = w.into_inner().map_err(|e| StoreError::Io(e.into_error()))?;
        file.sync_all()?;
        std::fs::rename(&tmp, to)?;
        Ok(())
    }
}

include!("backend/common.rs");
