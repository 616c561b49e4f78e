use gongkai_store::*;

use crate::helpers::*;
use crate::story;

fn sum<K>(v: &[(K, i64)]) -> i64 {
    v.iter().map(|x| x.1).sum()
}

async fn tallies_balance_across_the_year_boundaries(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let mk = |recv: &str, reply: Option<(&str, Outcome)>| {
        let mut a = new_app(c.id, recv);
        if let Some((on, o)) = reply {
            a.events.push(replied(on));
            a.closing = Some(closing(o));
        }
        a
    };
    let apps = vec![
        mk("2023-12-20", Some(("2024-01-10", Outcome::Granted))), // not in 2025 at all
        mk("2024-12-20", Some(("2025-01-10", Outcome::Granted))), // carried over, concluded
        mk("2023-11-20", None),                                  // carried over from two years back, still open
        mk("2025-03-01", Some(("2025-03-20", Outcome::Partial))),
        mk("2025-12-25", None),                                  // carried forward
        mk("2025-12-30", Some(("2026-01-05", Outcome::Granted))), // carried forward, closed next year
        mk("2026-01-02", None),                                  // next year
    ];
    let ids = s.import_applications(&ctx(), apps).await.unwrap();
    let t = s.tallies(c.id, 2025).await.unwrap();
    assert_eq!(sum(&t.new_received), 3);
    assert_eq!(sum(&t.carried_over), 2);
    assert_eq!(t.concluded.iter().map(|x| x.2).sum::<i64>(), 2);
    assert_eq!(sum(&t.carried_forward), 3);
    assert_eq!(sum(&t.new_received) + sum(&t.carried_over), 2 + sum(&t.carried_forward));

    let cell = |row| Cell::T3 { row, column: None };
    let ids_of = |r: CellRecords| match r {
        CellRecords::Applications(v) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(ids_of(s.cell_records(c.id, 2025, cell(T3Row::CarriedOver)).await.unwrap()), vec![ids[1], ids[2]]);
    assert_eq!(ids_of(s.cell_records(c.id, 2025, cell(T3Row::CarriedForward)).await.unwrap()), vec![ids[2], ids[4], ids[5]]);
    assert_eq!(ids_of(s.cell_records(c.id, 2025, cell(T3Row::Result(Outcome::Partial))).await.unwrap()), vec![ids[3]]);
    let col = Cell::T3 { row: T3Row::NewReceived, column: Some(ApplicantKind::Commercial) };
    assert!(ids_of(s.cell_records(c.id, 2025, col).await.unwrap()).is_empty());
}
story!(tallies_balance_across_the_year_boundaries);

async fn reports_lock_and_corrections_are_recorded(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let v1 = serde_json::json!({"n": 1});
    s.save_report(&ctx(), c.id, 2025, v1.clone()).await.unwrap();
    s.save_report(&ctx(), c.id, 2025, serde_json::json!({"n": 2})).await.unwrap();
    s.set_report_status(&ctx(), c.id, 2025, ReportStatus::Locked).await.unwrap();
    let err = s.save_report(&ctx(), c.id, 2025, v1.clone()).await.unwrap_err();
    assert!(err.to_string().contains("更正"), "{err}");
    assert!(s.correct_report(&ctx(), c.id, 2025, v1.clone(), " ").await.is_err());
    let r = s.correct_report(&ctx(), c.id, 2025, v1.clone(), "表三合计有误").await.unwrap();
    assert_eq!(r.content, v1);
    assert_eq!(r.corrections.len(), 1);
    assert_eq!(r.corrections[0].reason, "表三合计有误");
    assert_eq!(r.corrections[0].before, serde_json::json!({"n": 2}));
    assert_eq!(r.corrections[0].by, "tester");
    assert!(s.set_report_status(&ctx(), c.id, 2025, ReportStatus::Draft).await.is_err());
    let r = s.set_report_status(&ctx(), c.id, 2025, ReportStatus::Published).await.unwrap();
    assert_eq!(r.status, ReportStatus::Published);
}
story!(reports_lock_and_corrections_are_recorded);
