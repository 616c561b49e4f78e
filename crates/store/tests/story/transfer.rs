use gongkai_store::*;

use crate::helpers::*;
use crate::story;

async fn seed(s: &Store) -> AgencyId {
    let c = county(s).await;
    let mut a = new_app(c.id, "2025-01-20");
    a.events.push(Event { amount_yuan: Some(100), ..Event::new(EventKind::FeeNoticeSent, d("2025-01-22")) });
    a.events.push(Event { amount_yuan: Some(100), ..Event::new(EventKind::FeePaid, d("2025-01-24")) });
    a.events.push(replied("2025-02-05"));
    a.closing = Some(closing(Outcome::Granted));
    let a = s.create_application(&ctx(), a).await.unwrap();
    s.create_application(&ctx(), new_app(c.id, "2025-02-01")).await.unwrap();
    s.create_appeal(
        &ctx(),
        NewAppeal { application: a.id, kind: AppealKind::LitigationDirect, filed_on: d("2025-03-01"), result: AppealResult::Pending, closed_on: None, note: "（2025）某行初1号".into() },
    )
    .await
    .unwrap();
    s.set_yearly_counts(&ctx(), c.id, 2025, YearlyCounts { admin_licensing: Some(1), admin_penalty: Some(2), admin_coercion: Some(3), admin_fees_wan: Some("0.5".into()) }, "")
        .await
        .unwrap();
    s.save_report(&ctx(), c.id, 2025, serde_json::json!({"标题": "年报"}), None).await.unwrap();
    s.set_letter_template(&ctx(), c.id, "reply", Some("答复：{{ outcome }}".into())).await.unwrap();
    for on in ["2025-02-05", "2025-02-06"] {
        let l = NewLetter {
            application: a.id,
            kind: "reply".into(),
            issued_on: d(on),
            prefix: "某政公开".into(),
            body: format!("文号：{DOC_NUMBER_MARK}"),
            reply: true,
        };
        s.issue_letter(&ctx(), l).await.unwrap();
    }
    c.id
}

async fn letters_are_numbered_per_agency_and_year_without_gaps(db: &TestDb) {
    let s = &db.store;
    seed(s).await;
    let apps = s.list_cases(&CaseFilter::default()).await.unwrap();
    let letters = s.letters(apps[0].id).await.unwrap();
    let numbers: Vec<&str> = letters.iter().map(|l| l.doc_number.as_str()).collect();
    assert_eq!(numbers, ["某政公开〔2025〕1号", "某政公开〔2025〕2号"]);
    assert_eq!(letters[1].body, "文号：某政公开〔2025〕2号");
    // The reply's first letter gave the concluded case its 告知书文号; the second did not replace it.
    let replied = s.application(apps[0].id).await.unwrap();
    assert_eq!(replied.closing.unwrap().reply_letter_ref, "某政公开〔2025〕1号");
    let next_year = NewLetter {
        application: apps[0].id,
        kind: "reply".into(),
        issued_on: d("2026-01-05"),
        prefix: "某政公开".into(),
        body: DOC_NUMBER_MARK.into(),
        reply: true,
    };
    assert_eq!(s.issue_letter(&ctx(), next_year).await.unwrap().doc_number, "某政公开〔2026〕1号");
    // Eight writers at once: every number taken once, none skipped.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = s.clone();
        let app = apps[1].id;
        tasks.push(tokio::spawn(async move {
            let l = NewLetter { application: app, kind: "correction".into(), issued_on: d("2025-03-01"), prefix: "某政公开".into(), body: String::new(), reply: false };
            s.issue_letter(&ctx(), l).await.unwrap().seq
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort();
    assert_eq!(seqs, (3..=10).collect::<Vec<i64>>());
    assert_eq!(s.letter_template(apps[0].agency, "reply").await.unwrap().as_deref(), Some("答复：{{ outcome }}"));
    s.set_letter_template(&ctx(), apps[0].agency, "reply", None).await.unwrap();
    assert_eq!(s.letter_template(apps[0].agency, "reply").await.unwrap(), None);
}
story!(letters_are_numbered_per_agency_and_year_without_gaps);

async fn export_then_import_is_lossless_across_backends(db: &TestDb) {
    let agency = seed(&db.store).await;
    let mut dump = Vec::new();
    let summary = db.store.export_jsonl(&mut dump).await.unwrap();
    assert!(summary.tables.iter().any(|(t, n)| t == "applications" && *n == 2));

    // into a fresh SQLite database, and (when available) a fresh PostgreSQL schema
    let mut targets = vec![TestDb::sqlite().await];
    if let Some(pg) = TestDb::postgres("transfer_target").await {
        targets.push(pg);
    }
    for target in targets {
        let got = target.store.import_jsonl(&mut dump.as_slice()).await.unwrap();
        assert_eq!(got, summary);
        let mut again = Vec::new();
        target.store.export_jsonl(&mut again).await.unwrap();
        assert_eq!(String::from_utf8(again).unwrap(), String::from_utf8(dump.clone()).unwrap());
        assert!(target.store.audit_verify().await.unwrap().problems.is_empty());
        assert_eq!(target.store.applications(agency).await.unwrap(), db.store.applications(agency).await.unwrap());
        // importing twice is refused
        assert!(target.store.import_jsonl(&mut dump.as_slice()).await.is_err());
        // and the copy takes new writes with fresh ids
        let a = target.store.create_application(&ctx(), new_app(agency, "2025-03-01")).await.unwrap();
        assert_eq!(a.id, ApplicationId(3));
        target.finish().await;
    }
}
story!(export_then_import_is_lossless_across_backends);

async fn backup_makes_a_consistent_copy(db: &TestDb) {
    seed(&db.store).await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("backup.db");
    db.store.backup(&to, false).await.unwrap();
    assert!(to.exists());
    assert!(db.store.backup(&to, false).await.is_err());
    if !db.is_pg() {
        let url = format!("sqlite:{}", to.display());
        let copy = Store::open(&url, rules(), OpenOptions::default()).await.unwrap();
        assert_eq!(copy.list_cases(&CaseFilter::default()).await.unwrap().len(), 2);
        assert!(copy.audit_verify().await.unwrap().problems.is_empty());
    }
}
story!(backup_makes_a_consistent_copy);

async fn export_reads_large_tables_in_ranges_without_losing_a_row(db: &TestDb) {
    let c = county(&db.store).await;
    let apps: Vec<NewApplication> = (0..10_050)
        .map(|i| {
            let mut a = new_app(c.id, "2025-01-20");
            a.number = Some(format!("N{i}"));
            a
        })
        .collect();
    db.store.import_applications(&ctx(), apps).await.unwrap();
    let mut dump = Vec::new();
    let summary = db.store.export_jsonl(&mut dump).await.unwrap();
    let count = |t: &str| summary.tables.iter().find(|(n, _)| n == t).map(|x| x.1);
    assert_eq!(count("applications"), Some(10_050));
    assert_eq!(count("application_events"), Some(10_050));
    assert_eq!(count("audit_log"), Some(10_051));
    let target = TestDb::sqlite().await;
    target.store.import_jsonl(&mut dump.as_slice()).await.unwrap();
    assert!(target.store.audit_verify().await.unwrap().problems.is_empty());
    assert_eq!(target.store.applications(c.id).await.unwrap().len(), 10_050);
    target.finish().await;
}
story!(export_reads_large_tables_in_ranges_without_losing_a_row);
