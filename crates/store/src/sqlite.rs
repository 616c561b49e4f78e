//! SQLite backend: an embedded file in WAL mode, created and migrated on first use.
//!
//! Writers take the database lock up front (`BEGIN IMMEDIATE`) so that two writers never both
//! read and then fail to upgrade (SQLITE_BUSY inside a transaction); a writer that finds the lock
//! taken waits up to `busy_timeout` ([`OpenOptions::lock_timeout`], 30 s), then fails with a
//! Chinese message. `synchronous = FULL`: a commit that returned is on disk. The audit anchor is
//! the file beside the database (`anchor.rs`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::anchor::AnchorFile;
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
    pub(crate) path: PathBuf,
    pub(crate) anchor: Option<AnchorFile>,
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
            .busy_timeout(opts.lock_timeout);
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
        let anchor = Some(AnchorFile::beside(path));
        Ok(SqliteStore { pool, rules, path: path.to_path_buf(), anchor })
    }

    async fn begin_write(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A read transaction: in WAL mode it sees one snapshot from its first read on.
    async fn begin_snapshot(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    /// `VACUUM INTO` a temporary file beside the destination (it writes a consistent, compacted
    /// copy while readers and writers go on), synced and renamed; then the copy's anchor beside
    /// it.
    async fn backup_impl(&self, to: &Path, overwrite: bool) -> Result<Receipt> {
        let opts = OutputOptions { overwrite, protect: Store::Sqlite(self.clone()).files() };
        let tmp = OutputFile::prepare(to, &opts)?;
        let copied = async {
            // Created empty with mode 0600 first: the copy holds personal data.
            crate::file::create_private_empty(&tmp)?;
            sqlx::query("VACUUM INTO $1").bind(tmp.to_string_lossy().into_owned()).execute(&self.pool).await?;
            let copy = SqliteConnectOptions::new().filename(&tmp).read_only(true);
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&copy).await?;
            let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut conn).await?;
            let head = Receipt { seq: r.try_get("seq")?, hash: r.try_get("hash")? };
            sqlx::Connection::close(conn).await?;
            std::fs::File::open(&tmp)?.sync_all()?;
            Ok::<_, StoreError>(head)
        }
        .await;
        let head = match copied {
            Ok(h) => h,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        crate::file::place(&tmp, to, overwrite)?;
        AnchorFile::beside(to).reset(&head)?;
        Ok(head)
    }
}

include!("backend/common.rs");
