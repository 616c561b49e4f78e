//! SQLite backend: an embedded file in WAL mode, created and migrated on first use.
//!
//! Writers take the database lock up front (`BEGIN IMMEDIATE`) so that two writers never both
//! read and then fail to upgrade (SQLITE_BUSY inside a transaction); a writer that finds the lock
//! taken waits up to `busy_timeout` (30 s). `synchronous = FULL`: a commit that returned is on disk.

use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::timeline::DeadlineRules;
use crate::OpenOptions;

type Db = sqlx::Sqlite;
type This = SqliteStore;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    rules: Arc<dyn DeadlineRules>,
}

impl SqliteStore {
    pub(crate) async fn open(
        path: &Path,
        rules: Arc<dyn DeadlineRules>,
        opts: &OpenOptions,
    ) -> Result<SqliteStore> {
        if opts.create {
            if let Some(dir) = path.parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)?;
            }
        } else if !path.is_file() {
            return Err(StoreError::Missing(if path.exists() {
                format!("{} 不是数据库文件", path.display())
            } else {
                format!("数据库文件 {} 不存在：先用 gongkai init 创建（或检查 --database 的路径）", path.display())
            }));
        }
        let mut options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(opts.create)
            .read_only(opts.read_only)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        if !opts.read_only {
            options = options.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Full);
        }
        let options = options
            // 32 MB page cache per connection: a large import stays in memory until commit.
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool, rules })
    }

    async fn begin_write(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A read transaction: in WAL mode it sees one snapshot from its first read on.
    async fn begin_snapshot(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    async fn backup_impl(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(StoreError::Conflict(format!("备份文件 {} 已存在", to.display())));
        }
        // VACUUM INTO writes a consistent, compacted copy while readers and writers go on.
        sqlx::query("VACUUM INTO $1")
            .bind(to.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

include!("backend/common.rs");
