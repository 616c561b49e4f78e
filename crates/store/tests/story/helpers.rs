//! `TestDb`: a fresh database per test (a SQLite file in a temporary directory, or a fresh
//! PostgreSQL schema), so tests run in parallel.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{NaiveDate, TimeZone, Utc};
use gongkai_store::*;

pub struct TestDb {
    pub store: Store,
    pub url: String,
    pub schema: Option<String>,
    /// The SQLite file's directory, or (PostgreSQL) the directory of the audit anchors.
    pub dir: tempfile::TempDir,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn pg_url() -> Option<String> {
    std::env::var("GONGKAI_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

pub fn rules() -> Arc<dyn DeadlineRules> {
    Arc::new(WeekdayRules)
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("gongkai.db").display());
        let store = Store::open(&url, rules(), OpenOptions::default()).await.unwrap();
        TestDb { store, url, schema: None, dir }
    }

    /// A fresh schema in the test database; `None` (with a message) when the URL is not set.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let Some(url) = pg_url() else {
            eprintln!("跳过 PostgreSQL 测试 {test}：未设置 GONGKAI_TEST_POSTGRES_URL");
            return None;
        };
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            test.chars().filter(|c| c.is_ascii_alphanumeric()).take(30).collect::<String>()
        )
        .to_lowercase();
        Store::create_pg_schema(&url, &schema).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let opts = OpenOptions {
            pg_schema: Some(schema.clone()),
            anchor_dir: Some(dir.path().to_path_buf()),
            ..OpenOptions::default()
        };
        let store = Store::open(&url, rules(), opts).await.unwrap();
        Some(TestDb { store, url, schema: Some(schema), dir })
    }

    /// Another connection pool on the same database.
    pub async fn reopen(&self, max_connections: u32) -> Store {
        Store::open(&self.url, rules(), self.options(max_connections)).await.unwrap()
    }

    /// The options this database was opened with, for another pool on it.
    pub fn options(&self, max_connections: u32) -> OpenOptions {
        OpenOptions {
            pg_schema: self.schema.clone(),
            max_connections,
            anchor_dir: self.schema.as_ref().map(|_| self.dir.path().to_path_buf()),
            ..OpenOptions::default()
        }
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Some(s) = &self.schema {
            Store::drop_pg_schema(&self.url, s).await.unwrap();
        }
    }
}

/// Runs a story on both backends: `story!(name)` expects `async fn name(db: &TestDb)`.
#[macro_export]
macro_rules! story {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::helpers::TestDb::sqlite().await;
                super::$name(&db).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::helpers::TestDb::postgres(stringify!($name)).await {
                    super::$name(&db).await;
                    db.finish().await;
                }
            }
        }
    };
}

pub fn ctx() -> Ctx {
    Ctx { actor: "tester".into(), user: None, at: Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap() }
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub async fn county(store: &Store) -> Agency {
    store
        .create_agency(
            &ctx(),
            NewAgency {
                name: "某某县人民政府".into(),
                level: AgencyLevel::County,
                parent: None,
                region: String::new(),
                settings: AgencySettings::default(),
            },
        )
        .await
        .unwrap()
}

pub fn new_app(agency: AgencyId, received: &str) -> NewApplication {
    NewApplication {
        agency,
        number: None,
        applicant: Applicant {
            kind: ApplicantKind::NaturalPerson,
            name: "张三".into(),
            id_document: "身份证 110101199001011234".into(),
            contact: "13800000000".into(),
            address: "某某县某某路1号".into(),
        },
        channel: Channel::Online,
        content: "某某项目环评批复".into(),
        requested_form: "电子".into(),
        delivery: "电子邮件".into(),
        case_officer: None,
        received_on: d(received),
        receipt: EventDetail::default(),
        query_code: None,
        events: vec![],
        closing: None,
        remarks: String::new(),
    }
}

pub fn closing(outcome: Outcome) -> Closing {
    Closing {
        outcome,
        reply_type: String::new(),
        legal_basis: String::new(),
        reply_letter_ref: String::new(),
    }
}

pub fn replied(on: &str) -> Event {
    Event::new(EventKind::Replied, d(on))
}

impl TestDb {
    /// Runs raw SQL statements behind the store's back (to simulate tampering or a bypassed UI).
    pub async fn raw(&self, statements: &[&str]) -> Result<(), sqlx::Error> {
        match &self.schema {
            None => {
                let path = self.url.trim_start_matches("sqlite:");
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{path}")).await?;
                for s in statements {
                    sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&pool).await?;
                }
                pool.close().await;
            }
            Some(schema) => {
                use std::str::FromStr;
                let o = sqlx::postgres::PgConnectOptions::from_str(&self.url)?
                    .options([("search_path", schema.as_str())]);
                let pool = sqlx::PgPool::connect_with(o).await?;
                for s in statements {
                    sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&pool).await?;
                }
                pool.close().await;
            }
        }
        Ok(())
    }

    pub fn is_pg(&self) -> bool {
        self.schema.is_some()
    }

    /// SQL that lets the test edit the append-only log.
    pub fn unlock_audit(&self) -> &'static [&'static str] {
        if self.is_pg() {
            &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"]
        } else {
            &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
        }
    }

    /// SQL that lets the test do anything to the log and its head: what whoever holds the file
    /// (SQLite) or owns the tables (PostgreSQL) can do.
    pub fn unlock_chain(&self) -> &'static [&'static str] {
        if self.is_pg() {
            &["ALTER TABLE audit_log DISABLE TRIGGER USER", "ALTER TABLE audit_head DISABLE TRIGGER USER"]
        } else {
            &[
                "DROP TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_delete",
                "DROP TRIGGER audit_log_append_at_end",
                "DROP TRIGGER audit_log_linked",
                "DROP TRIGGER audit_head_forward_only",
                "DROP TRIGGER audit_head_no_insert",
                "DROP TRIGGER audit_head_no_delete",
            ]
        }
    }

    /// Takes the write lock in a connection of its own, as another writer would, until the
    /// returned connection is dropped.
    pub async fn hold_write_lock(&self) -> LockHolder {
        use sqlx::Connection as _;
        match &self.schema {
            None => {
                let path = self.url.trim_start_matches("sqlite:");
                let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{path}")).await.unwrap();
                sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut c).await.unwrap();
                LockHolder::Sqlite(c)
            }
            Some(schema) => {
                use std::str::FromStr;
                let o = sqlx::postgres::PgConnectOptions::from_str(&self.url).unwrap().options([("search_path", schema.as_str())]);
                let mut c = sqlx::PgConnection::connect_with(&o).await.unwrap();
                sqlx::raw_sql("BEGIN; SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").execute(&mut c).await.unwrap();
                LockHolder::Postgres(c)
            }
        }
    }
}

/// A connection holding the write lock (see [`TestDb::hold_write_lock`]).
pub enum LockHolder {
    Sqlite(#[expect(dead_code, reason = "held, not read")] sqlx::SqliteConnection),
    Postgres(#[expect(dead_code, reason = "held, not read")] sqlx::PgConnection),
}
