//! Reliability: `kill -9` in the middle of a stream of writes loses no acknowledged write and
//! leaves no half-written case; 16 concurrent writers neither corrupt nor duplicate; a large
//! import lets other writers in; a writer past the lock timeout gets a Chinese message.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gongkai_store::*;

use crate::helpers::*;
use crate::story;

const CHILD_URL: &str = "GONGKAI_TEST_CHILD_URL";
const CHILD_SCHEMA: &str = "GONGKAI_TEST_CHILD_SCHEMA";

/// A case with four events written in one call.
fn full_case(agency: AgencyId, i: usize) -> NewApplication {
    let mut a = new_app(agency, "2025-01-20");
    a.content = format!("第 {i} 件：{}", "某某项目环评批复及相关材料".repeat(20));
    let party = EventDetail { party: Some(Party::ThirdParty), ..EventDetail::default() };
    a.events.push(Event { detail: party.clone(), ..Event::new(EventKind::ConsultationStarted, d("2025-01-22")) });
    a.events.push(Event { detail: party, ..Event::new(EventKind::ConsultationAnswered, d("2025-02-05")) });
    a.events.push(replied("2025-02-10"));
    a.closing = Some(closing(Outcome::Granted));
    a
}

/// The child process of the kill -9 test: when started by it (the variable is set), writes cases
/// until killed, printing `ACK <id>` after each commit returns. Otherwise it does nothing.
#[tokio::test(flavor = "current_thread")]
async fn kill9_child_writer() {
    let Ok(url) = std::env::var(CHILD_URL) else { return };
    let schema = std::env::var(CHILD_SCHEMA).ok();
    let opts = OpenOptions { pg_schema: schema, migrate: false, ..OpenOptions::default() };
    let store = Store::open(&url, rules(), opts).await.unwrap();
    let agency = store.agencies().await.unwrap()[0].id;
    for i in 0.. {
        let a = store.create_application(&ctx(), full_case(agency, i)).await.unwrap();
        println!("ACK {}", a.id);
    }
}

async fn kill_minus_9_loses_no_acknowledged_write(db: &TestDb) {
    let agency = county(&db.store).await.id;
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "reliability::kill9_child_writer", "--nocapture", "--test-threads=1"])
        .env(CHILD_URL, &db.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match &db.schema {
        Some(s) => cmd.env(CHILD_SCHEMA, s),
        None => cmd.env_remove(CHILD_SCHEMA),
    };
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = Vec::new();
    let mut ack = |line: String| {
        if let Some(id) = line.strip_prefix("ACK ") {
            acked.push(ApplicationId(id.trim().parse().unwrap()));
        }
    };
    let start = Instant::now();
    let mut seen = 0;
    for line in lines.by_ref() {
        ack(line.unwrap());
        seen += 1;
        if seen >= 150 || start.elapsed() > Duration::from_secs(20) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Acknowledgements the child printed before it died but not yet read here are acknowledged
    // writes too (the pipe holds them): read them to the end.
    for line in lines.map_while(Result::ok) {
        ack(line);
    }
    assert!(acked.len() >= 20, "the child acknowledged only {} writes", acked.len());

    let store = db.reopen(2).await;
    for id in &acked {
        let a = store.application(*id).await.unwrap();
        assert_eq!(a.events.len(), 4);
    }
    // no half-written case: every stored case is whole, and the audit chain is intact
    let all = store.applications(agency).await.unwrap();
    assert!(all.len() >= acked.len());
    assert!(all.len() <= acked.len() + 1, "at most the one in flight may have committed unacknowledged");
    for a in &all {
        assert_eq!(a.events.len(), 4, "case {} is half-written", a.id);
        assert_eq!(a.state, CaseState::Closed);
    }
    let v = store.audit_verify().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.entries as usize, all.len() + 1);
    // and the database takes writes again
    store.create_application(&ctx(), full_case(agency, 9999)).await.unwrap();
    store.close().await;
}
story!(kill_minus_9_loses_no_acknowledged_write);

async fn sixteen_concurrent_writers_neither_corrupt_nor_duplicate(db: &TestDb) {
    let agency = county(&db.store).await.id;
    let mut tasks = Vec::new();
    for w in 0..16 {
        // one pool per writer, as if 16 processes wrote at once
        let store = db.reopen(1).await;
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..12 {
                let mut a = new_app(agency, "2025-03-03");
                a.applicant.name = format!("写入者{w}-{i}");
                let a = store.create_application(&ctx(), a).await.unwrap();
                let a = store
                    .add_event(&ctx(), a.id, None, replied("2025-03-10"), Some(closing(Outcome::Granted)))
                    .await
                    .unwrap();
                ids.push(a.id);
            }
            store.close().await;
            ids
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 16 * 12);
    let all = db.store.applications(agency).await.unwrap();
    assert_eq!(all.len(), 16 * 12);
    let mut numbers: Vec<&str> = all.iter().map(|a| a.number.as_str()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 16 * 12, "auto-numbering handed out a number twice");
    assert!(all.iter().all(|a| a.events.len() == 2 && a.state == CaseState::Closed));
    let v = db.store.audit_verify().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.entries, 1 + 2 * 16 * 12);
}
story!(sixteen_concurrent_writers_neither_corrupt_nor_duplicate);

/// A writer that finds another writer's lock held past its lock timeout fails with a Chinese
/// message — never "database is locked", and never waits forever (PostgreSQL had no timeout).
async fn a_writer_waiting_past_the_lock_timeout_gets_a_chinese_message(db: &TestDb) {
    let agency = county(&db.store).await.id;
    let opts = OpenOptions { lock_timeout: Duration::from_millis(500), ..db.options(1) };
    let waiting = Store::open(&db.url, rules(), opts).await.unwrap();
    // Another writer holds the write lock (as a long import does) in its own connection.
    let guard = db.hold_write_lock().await;
    let started = Instant::now();
    let c = ctx();
    let write = waiting.create_application(&c, new_app(agency, "2025-03-03"));
    let Ok(result) = tokio::time::timeout(Duration::from_secs(20), write).await else {
        panic!("the writer waited on past its lock timeout");
    };
    let err = result.unwrap_err().to_string();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.contains("数据库正被其他操作写入，等待超时"), "{err}");
    assert!(!err.to_lowercase().contains("lock"), "{err}");
    drop(guard);
    // once the lock is free the same write goes through
    waiting.create_application(&ctx(), new_app(agency, "2025-03-03")).await.unwrap();
    waiting.close().await;
}
story!(a_writer_waiting_past_the_lock_timeout_gets_a_chinese_message);

/// Deadline rules that take their time, as the real engine does over a big ledger.
#[derive(Debug)]
struct SlowRules;

impl DeadlineRules for SlowRules {
    fn evaluate(&self, agency: &Agency, channel: Channel, events: &[Event]) -> Result<Evaluation, String> {
        std::thread::sleep(Duration::from_micros(400));
        WeekdayRules.evaluate(agency, channel, events)
    }
}

/// Another writer gets its writes in while a large import is still being checked: the import
/// takes the write lock only to insert. (The importer runs on a thread and runtime of its own, as
/// another process would.)
async fn a_large_import_lets_other_writers_in_before_it_is_done(db: &TestDb) {
    let agency = county(&db.store).await.id;
    let (url, opts) = (db.url.clone(), db.options(2));
    let import = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let importer = Store::open(&url, Arc::new(SlowRules), opts).await.unwrap();
            let apps: Vec<NewApplication> = (0..4000)
                .map(|i| {
                    let mut a = new_app(agency, "2025-01-20");
                    a.number = Some(format!("L{i}"));
                    a
                })
                .collect();
            let ids = importer.import_applications(&ctx(), apps).await.unwrap();
            importer.close().await;
            (ids.len(), Instant::now())
        })
    });
    let writer = db.reopen(1).await;
    let mut written = Vec::new();
    while !import.is_finished() {
        writer.create_application(&ctx(), new_app(agency, "2025-01-21")).await.unwrap();
        written.push(Instant::now());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (imported, done) = import.join().unwrap();
    assert_eq!(imported, 4000);
    let before = written.iter().filter(|t| **t < done).count();
    // Writes every ~10 ms over the 1.6 s of checking; an import holding the lock throughout
    // would let in only those made while it was still opening.
    assert!(before >= 20, "only {before} writes got in while the import ran");
    assert!(db.store.audit_verify().await.unwrap().problems.is_empty());
    writer.close().await;
}
story!(a_large_import_lets_other_writers_in_before_it_is_done);
