//! Storage benchmarks (not timed tests): figures are printed, docs/STORAGE.md records them.
//!
//!     cargo bench -p gongkai-store --bench records                 # SQLite
//!     GONGKAI_BENCH_POSTGRES_URL=postgres://… cargo bench -p gongkai-store --bench records
//!     cargo bench -p gongkai-store --bench records -- --write-ledger /tmp/ledger-100k.csv
//!
//! 1. The annual report of one agency with 1,000,000 applications over four years (tallies →
//!    report model → checker → JSON), target < 2 s.
//! 2. Importing 100,000 applications with their timelines in one all-or-nothing batch (what
//!    `gongkai case import` does after parsing), target < 10 s; and how long another writer
//!    waits meanwhile (the import's time under the write lock).
//! 3. The 100 nearest deadlines among 1,000,000 open cases, target < 50 ms.
//!
//! The 1,000,000-row tables are generated with one SQL statement (they bypass the audit log,
//! which these reads never touch); the import goes through the public API, audit log included.
#![expect(clippy::unwrap_used, reason = "a benchmark that fails may panic")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_report::render::{OutputFormat, render};
use gongkai_store::report::build;
use gongkai_store::*;

const OUTCOMES: &str = "(0,'granted'),(1,'partial'),(2,'denied_state_secret'),(3,'denied_law_forbidden'),\
(4,'denied_security_stability'),(5,'denied_third_party'),(6,'denied_internal_affairs'),(7,'denied_process_info'),\
(8,'denied_enforcement_file'),(9,'denied_admin_query'),(10,'unable_not_held'),(11,'unable_needs_creation'),\
(12,'unable_unclear_after_correction'),(13,'np_petition_complaint'),(14,'np_repeat'),(15,'np_publication'),\
(16,'np_mass_repeat'),(17,'np_confirm_or_reissue'),(18,'oh_no_correction'),(19,'oh_fee_unpaid'),(20,'oh_other')";

const KIND: &str = "CASE i % 7 WHEN 0 THEN 'commercial' WHEN 1 THEN 'research' WHEN 2 THEN 'public_welfare' \
WHEN 3 THEN 'legal_service' WHEN 4 THEN 'other_org' ELSE 'natural_person' END";

fn ctx() -> Ctx {
    Ctx { actor: "bench".into(), user: None, at: Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap() }
}

fn agency(i: usize) -> NewAgency {
    NewAgency {
        name: format!("测试县第{i}机关"),
        level: AgencyLevel::Department,
        parent: None,
        region: String::new(),
        settings: AgencySettings::default(),
    }
}

struct Target {
    name: &'static str,
    url: String,
    schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Target {
    fn sqlite() -> Target {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("bench.db").display());
        Target { name: "SQLite", url, schema: None, _dir: Some(dir) }
    }

    fn postgres(url: &str, tag: &str) -> Target {
        Target { name: "PostgreSQL", url: url.to_string(), schema: Some(format!("bench_{tag}_{}", std::process::id())), _dir: None }
    }

    async fn open(&self) -> Store {
        if let Some(s) = &self.schema {
            Store::drop_pg_schema(&self.url, s).await.unwrap();
            Store::create_pg_schema(&self.url, s).await.unwrap();
        }
        let opts = OpenOptions { pg_schema: self.schema.clone(), max_connections: 2, ..OpenOptions::default() };
        Store::open(&self.url, Arc::new(WeekdayRules), opts).await.unwrap()
    }

    /// Another pool on the database `open` made.
    async fn reopen(&self) -> Store {
        let opts = OpenOptions { pg_schema: self.schema.clone(), max_connections: 1, ..OpenOptions::default() };
        Store::open(&self.url, Arc::new(WeekdayRules), opts).await.unwrap()
    }

    async fn finish(&self, store: Store) {
        store.close().await;
        if let Some(s) = &self.schema {
            Store::drop_pg_schema(&self.url, s).await.unwrap();
        }
    }

    /// Raw SQL on the same database, for generating bulk data.
    async fn raw(&self, sql: &str) {
        match &self.schema {
            None => {
                let path = self.url.trim_start_matches("sqlite:");
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{path}")).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Some(schema) => {
                use std::str::FromStr;
                let o = sqlx::postgres::PgConnectOptions::from_str(&self.url)
                    .unwrap()
                    .options([("search_path", schema.as_str())]);
                let pool = sqlx::PgPool::connect_with(o).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    /// `n` applications for agencies `1..=agencies`, received over 2022-2025. With `all_open`,
    /// none is concluded; otherwise 1 in 50 is still open and the others concluded 0-39 days later.
    async fn generate(&self, n: u64, agencies: u64, all_open: bool) {
        let open = if all_open { "TRUE" } else { "i % 50 = 0" };
        let sql = match &self.schema {
            None => format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}), \
                 o(k, code) AS (VALUES {OUTCOMES}) \
                 INSERT INTO applications (id, agency_id, number, applicant_kind, applicant_name, channel, content, \
                   received_on, state, due_on, closed_on, outcome, created_at, updated_at) \
                 SELECT i, 1 + i % {agencies}, 'B' || i, {KIND}, '申请人' || i, 'online', '关于某某事项的政府信息', \
                   date('2022-01-01', '+' || (i % 1461) || ' days'), \
                   CASE WHEN {open} THEN 'open' ELSE 'closed' END, \
                   CASE WHEN {open} THEN date('2022-01-01', '+' || (i % 1461 + 28 + i % 13) || ' days') END, \
                   CASE WHEN {open} THEN NULL ELSE date('2022-01-01', '+' || (i % 1461 + i % 40) || ' days') END, \
                   CASE WHEN {open} THEN NULL ELSE o.code END, '', '' \
                 FROM n JOIN o ON o.k = n.i % 21; ANALYZE;"
            ),
            Some(_) => format!(
                "WITH o(k, code) AS (VALUES {OUTCOMES}) \
                 INSERT INTO applications (id, agency_id, number, applicant_kind, applicant_name, channel, content, \
                   received_on, state, due_on, closed_on, outcome, created_at, updated_at) \
                 SELECT i, 1 + i % {agencies}, 'B' || i, {KIND}, '申请人' || i, 'online', '关于某某事项的政府信息', \
                   to_char(DATE '2022-01-01' + (i % 1461)::int, 'YYYY-MM-DD'), \
                   CASE WHEN {open} THEN 'open' ELSE 'closed' END, \
                   CASE WHEN {open} THEN to_char(DATE '2022-01-01' + (i % 1461 + 28 + i % 13)::int, 'YYYY-MM-DD') END, \
                   CASE WHEN {open} THEN NULL ELSE to_char(DATE '2022-01-01' + (i % 1461 + i % 40)::int, 'YYYY-MM-DD') END, \
                   CASE WHEN {open} THEN NULL ELSE o.code END, '', '' \
                 FROM generate_series(1, {n}) AS i JOIN o ON o.k = i % 21; ANALYZE;"
            ),
        };
        self.raw(&sql).await;
    }
}

fn fmt(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 { format!("{:.2} s", d.as_secs_f64()) } else { format!("{:.1} ms", d.as_secs_f64() * 1000.0) }
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    format!("median {} (min {}, max {}, {} runs)", fmt(v[v.len() / 2]), fmt(v[0]), fmt(v[v.len() - 1]), v.len())
}

async fn bench_report(t: &Target, n: u64) {
    let store = t.open().await;
    let a = store.create_agency(&ctx(), agency(1)).await.unwrap();
    let g = Instant::now();
    t.generate(n, 1, false).await;
    println!("[{}] generated {n} applications in {}", t.name, fmt(g.elapsed()));
    let mut runs = Vec::new();
    let mut cells = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let tallies = store.tallies(a.id, 2024).await.unwrap();
        let report = build(&a, 2024, &tallies, &Vec::new());
        let findings = check(&report, None, &CheckOptions::default());
        let json = render(&report, &findings, OutputFormat::Json).unwrap();
        runs.push(start.elapsed());
        assert!(findings.iter().all(|f| f.severity != gongkai_domain::report::Severity::Error), "{findings:?}");
        cells = json.len();
    }
    println!("[{}] annual report from {n} applications (tallies + build + check + JSON, {cells} bytes): {}", t.name, stats(runs));
    t.finish(store).await;
}

async fn bench_deadlines(t: &Target, n: u64) {
    let store = t.open().await;
    for i in 1..=20 {
        store.create_agency(&ctx(), agency(i)).await.unwrap();
    }
    let g = Instant::now();
    t.generate(n, 20, true).await;
    println!("[{}] generated {n} open applications in {}", t.name, fmt(g.elapsed()));
    for (label, agencies) in [("all agencies", vec![]), ("one agency", vec![AgencyId(3)])] {
        let f = CaseFilter { agencies, open_only: true, by_due_date: true, limit: 100, ..CaseFilter::default() };
        let mut runs = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            let list = store.list_cases(&f).await.unwrap();
            runs.push(start.elapsed());
            assert_eq!(list.len(), 100);
        }
        println!("[{}] 100 nearest deadlines among {n} open cases ({label}): {}", t.name, stats(runs));
    }
    t.finish(store).await;
}

fn ledger_case(agency: AgencyId, i: u64) -> NewApplication {
    let day = |o: u64| NaiveDate::from_ymd_opt(2025, 1, 2).unwrap() + chrono::Days::new(o % 300);
    let received = day(i);
    let mut events = Vec::new();
    if i.is_multiple_of(5) {
        events.push(Event::new(EventKind::CorrectionRequested, received + chrono::Days::new(3)));
        events.push(Event::new(EventKind::CorrectionReceived, received + chrono::Days::new(8)));
    }
    let closing = (!i.is_multiple_of(10)).then(|| {
        events.push(Event::new(EventKind::Replied, received + chrono::Days::new(15)));
        Closing { outcome: Outcome::ALL[(i % 21) as usize], reply_type: String::new(), legal_basis: String::new(), reply_letter_ref: String::new() }
    });
    NewApplication {
        agency,
        number: Some(format!("2025-{i:06}")),
        applicant: Applicant {
            kind: ApplicantKind::ALL[(i % 6) as usize],
            name: format!("申请人{i}"),
            id_document: String::new(),
            contact: String::new(),
            address: String::new(),
        },
        channel: Channel::Online,
        content: format!("关于某某事项（第{i}号）的政府信息"),
        requested_form: String::new(),
        delivery: String::new(),
        case_officer: None,
        received_on: received,
        receipt: EventDetail::default(),
        query_code: None,
        events,
        closing,
        remarks: String::new(),
    }
}

async fn bench_import(t: &Target, n: u64) {
    let store = t.open().await;
    let a = store.create_agency(&ctx(), agency(1)).await.unwrap();
    let apps: Vec<NewApplication> = (1..=n).map(|i| ledger_case(a.id, i)).collect();
    // Another writer (its own pool) registers a case every 20 ms meanwhile: its longest wait is
    // how long the import holds the write lock.
    let other = t.reopen().await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut waits = Vec::new();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                i += 1;
                let mut case = ledger_case(a.id, n + i);
                case.number = Some(format!("W{i}"));
                let start = Instant::now();
                other.create_application(&ctx(), case).await.unwrap();
                waits.push(start.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other.close().await;
            waits
        })
    };
    let start = Instant::now();
    let ids = store.import_applications(&ctx(), apps).await.unwrap();
    let took = start.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let waits = writer.await.unwrap();
    assert_eq!(ids.len() as u64, n);
    println!("[{}] import {n} applications in one batch (validation, timelines, audit log): {}", t.name, fmt(took));
    println!(
        "[{}]   meanwhile another writer registered {} cases; its longest wait {} (the import's time under the write lock)",
        t.name,
        waits.len(),
        fmt(waits.iter().max().copied().unwrap_or_default())
    );
    let v = store.audit_verify().await.unwrap();
    assert!(v.problems.is_empty());
    t.finish(store).await;
}

fn write_ledger(path: &str, n: u64) {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "编号,申请人,申请人类型,申请方式,收到日期,申请内容,补正通知日期,补正收到日期,征求意见开始日期,征求意见结束日期,延期日期,答复日期,办理结果,备注").unwrap();
    for i in 1..=n {
        let a = ledger_case(AgencyId(1), i);
        let ev = |k: EventKind| a.events.iter().find(|e| e.kind == k).map(|e| e.on.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},,,,{},{},",
            a.number.as_deref().unwrap_or(""),
            a.applicant.name,
            a.applicant.kind.label(),
            a.channel.label(),
            a.received_on,
            a.content,
            ev(EventKind::CorrectionRequested),
            ev(EventKind::CorrectionReceived),
            ev(EventKind::Replied),
            a.closing.as_ref().map(|c| c.outcome.label()).unwrap_or(""),
        )
        .unwrap();
    }
    println!("wrote a {n}-row ledger to {path}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write-ledger") {
        write_ledger(args.get(i + 1).map(String::as_str).unwrap_or("ledger-100k.csv"), 100_000);
        return;
    }
    let n: u64 = std::env::var("GONGKAI_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let mut targets = vec![("sqlite", None)];
        if let Ok(url) = std::env::var("GONGKAI_BENCH_POSTGRES_URL") {
            targets.push(("postgres", Some(url)));
        }
        for (_, pg) in &targets {
            let make = |tag: &str| match pg {
                None => Target::sqlite(),
                Some(url) => Target::postgres(url, tag),
            };
            let only = std::env::var("GONGKAI_BENCH_ONLY").unwrap_or_default();
            if only.is_empty() || only == "import" {
                bench_import(&make("import"), 100_000).await;
            }
            if only.is_empty() || only == "report" {
                bench_report(&make("report"), n).await;
            }
            if only.is_empty() || only == "deadlines" {
                bench_deadlines(&make("deadlines"), n).await;
            }
        }
    });
}
