use gongkai_store::*;

use crate::helpers::*;
use crate::story;

async fn an_application_runs_from_receipt_to_reply(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let a = s.create_application(&ctx(), new_app(c.id, "2025-01-20")).await.unwrap();
    assert_eq!(a.number, "2025-000001");
    assert_eq!(a.state, CaseState::Open);
    // WeekdayRules: 20 working days after Monday 2025-01-20 = 2025-02-17
    assert_eq!(a.due_on, Some(d("2025-02-17")));
    assert_eq!(a.events.len(), 1);

    let a = s
        .add_event(&ctx(), a.id, None, Event::new(EventKind::ConsultationStarted, d("2025-01-27")), None)
        .await
        .unwrap();
    assert_eq!(a.state, CaseState::Paused);
    assert_eq!(a.due_on, None);
    let a = s
        .add_event(&ctx(), a.id, None, Event::new(EventKind::ConsultationAnswered, d("2025-02-03")), None)
        .await
        .unwrap();
    assert_eq!(a.state, CaseState::Open);
    // 5 working days used before the pause, 15 left from 2025-02-03
    assert_eq!(a.due_on, Some(d("2025-02-24")));

    let mut cl = closing(Outcome::Partial);
    cl.reply_letter_ref = "某政公开〔2025〕3号".into();
    let a = s.add_event(&ctx(), a.id, None, replied("2025-02-10"), Some(cl.clone())).await.unwrap();
    assert_eq!(a.state, CaseState::Closed);
    assert_eq!(a.closed_on, Some(d("2025-02-10")));
    let back = s.application(a.id).await.unwrap();
    assert_eq!(back, a);
    assert_eq!(back.closing, Some(cl));

    // nothing after the reply
    let err = s
        .add_event(&ctx(), a.id, None, Event::new(EventKind::ExtensionApproved, d("2025-02-11")), None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rule(_)), "{err}");
}
story!(an_application_runs_from_receipt_to_reply);

async fn a_reply_before_receipt_is_refused_at_the_storage_boundary(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let mut a = new_app(c.id, "2025-03-10");
    a.events.push(replied("2025-03-01"));
    a.closing = Some(closing(Outcome::Granted));
    let err = s.create_application(&ctx(), a).await.unwrap_err();
    assert!(err.to_string().contains("早于"), "{err}");
    assert!(s.list_cases(&CaseFilter::default()).await.unwrap().is_empty());

    // and the schema refuses it even when the application layer is bypassed
    let ok = s.create_application(&ctx(), new_app(c.id, "2025-03-10")).await.unwrap();
    let sql = format!(
        "UPDATE applications SET closed_on = '2025-03-01', outcome = 'granted', state = 'closed' WHERE id = {}",
        ok.id
    );
    assert!(db.raw(&[&sql]).await.is_err());
}
story!(a_reply_before_receipt_is_refused_at_the_storage_boundary);

async fn an_extension_is_approved_by_an_office_head_who_is_not_the_case_officer(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let u = |login: &str| NewUser { login: login.into(), name: login.into(), password_hash: "h".into() };
    let head = s.create_user(&ctx(), u("head")).await.unwrap();
    let officer = s.create_user(&ctx(), u("officer")).await.unwrap();
    s.grant_role(&ctx(), head.id, c.id, Role::OfficeHead).await.unwrap();
    s.grant_role(&ctx(), officer.id, c.id, Role::OfficeHead).await.unwrap();
    s.grant_role(&ctx(), officer.id, c.id, Role::CaseOfficer).await.unwrap();
    let mut a = new_app(c.id, "2025-01-20");
    a.case_officer = Some(officer.id);
    let a = s.create_application(&ctx(), a).await.unwrap();

    let ext = |by| Event { by: Some(by), ..Event::new(EventKind::ExtensionApproved, d("2025-02-10")) };
    let err = s.add_event(&ctx(), a.id, None, ext(officer.id), None).await.unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    let a = s.add_event(&ctx(), a.id, None, ext(head.id), None).await.unwrap();
    assert_eq!(a.due_on, Some(d("2025-03-17")));
}
story!(an_extension_is_approved_by_an_office_head_who_is_not_the_case_officer);

async fn a_batch_with_one_bad_application_imports_nothing(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let mut batch: Vec<NewApplication> = (0..10)
        .map(|i| {
            let mut a = new_app(c.id, "2025-01-20");
            a.number = Some(format!("L{i}"));
            a
        })
        .collect();
    batch[7].events.push(replied("2025-01-10"));
    batch[7].closing = Some(closing(Outcome::Granted));
    let err = s.import_applications(&ctx(), batch.clone()).await.unwrap_err();
    assert!(err.to_string().contains("第 8 条"), "{err}");
    assert!(s.list_cases(&CaseFilter::default()).await.unwrap().is_empty());
    assert_eq!(s.audit_entries(0, 100).await.unwrap().len(), 1);

    batch[7].events.clear();
    batch[7].closing = None;
    batch[9].number = Some("L0".into());
    let err = s.import_applications(&ctx(), batch.clone()).await.unwrap_err();
    assert!(err.to_string().contains("L0"), "{err}");

    batch[9].number = Some("L9".into());
    let ids = s.import_applications(&ctx(), batch).await.unwrap();
    assert_eq!(ids.len(), 10);
    assert_eq!(s.applications(c.id).await.unwrap().len(), 10);
    assert!(s.audit_verify().await.unwrap().problems.is_empty());
}
story!(a_batch_with_one_bad_application_imports_nothing);

async fn case_lists_find_the_nearest_deadlines(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    for day in ["2025-01-06", "2025-01-03", "2025-01-08", "2025-01-02"] {
        s.create_application(&ctx(), new_app(c.id, day)).await.unwrap();
    }
    let mut closed = new_app(c.id, "2025-01-01");
    closed.events.push(replied("2025-01-05"));
    closed.closing = Some(closing(Outcome::Granted));
    s.create_application(&ctx(), closed).await.unwrap();

    let f = CaseFilter { open_only: true, by_due_date: true, limit: 3, ..CaseFilter::default() };
    let list = s.list_cases(&f).await.unwrap();
    let received: Vec<String> = list.iter().map(|c| c.received_on.to_string()).collect();
    assert_eq!(received, ["2025-01-02", "2025-01-03", "2025-01-06"]);
    let due = CaseFilter { due_on_or_before: Some(d("2025-01-31")), ..CaseFilter::default() };
    assert_eq!(s.list_cases(&due).await.unwrap().len(), 2);
    assert_eq!(s.list_cases(&CaseFilter::default()).await.unwrap().len(), 5);
}
story!(case_lists_find_the_nearest_deadlines);

async fn appeals_follow_a_decision_or_an_overdue_silence(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let open = s.create_application(&ctx(), new_app(c.id, "2025-01-20")).await.unwrap();
    let appeal = |app, filed: &str| NewAppeal {
        application: app,
        kind: AppealKind::Reconsideration,
        filed_on: d(filed),
        result: AppealResult::Pending,
        closed_on: None,
        note: String::new(),
    };
    // Unanswered but not yet due (WeekdayRules: due 2025-02-17): nothing to appeal yet.
    let err = s.create_appeal(&ctx(), appeal(open.id, "2025-02-10")).await.unwrap_err();
    assert!(err.to_string().contains("答复期限（2025-02-17）未到"), "{err}");
    // Overdue and unanswered: an appeal against inaction.
    let inaction = s.create_appeal(&ctx(), appeal(open.id, "2025-02-20")).await.unwrap();
    assert_eq!(inaction.ground, AppealGround::Inaction);
    let a = s.add_event(&ctx(), open.id, None, replied("2025-02-24"), Some(closing(Outcome::UnableNotHeld))).await.unwrap();
    let ap = s.create_appeal(&ctx(), appeal(a.id, "2025-03-01")).await.unwrap();
    assert_eq!(ap.ground, AppealGround::Decision);
    assert_eq!(ap.agency, c.id);
    assert!(s.close_appeal(&ctx(), ap.id, AppealResult::Upheld, d("2025-02-01")).await.is_err());
    let ap = s.close_appeal(&ctx(), ap.id, AppealResult::Corrected, d("2025-05-01")).await.unwrap();
    // Closing twice is refused: a change of result is a correction with a reason.
    let err = s.close_appeal(&ctx(), ap.id, AppealResult::Upheld, d("2025-05-02")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let fixed = NewAppeal { result: AppealResult::Upheld, closed_on: Some(d("2025-05-01")), ..appeal(a.id, "2025-03-01") };
    assert!(s.correct_appeal(&ctx(), ap.id, Some(fixed.clone()), " ").await.is_err());
    let ap = s.correct_appeal(&ctx(), ap.id, Some(fixed), "复议决定书载明为维持").await.unwrap();
    assert_eq!(ap.result, AppealResult::Upheld);
    let log = s.audit_entries(0, 100).await.unwrap();
    assert!(log.iter().any(|e| e.action == "correct" && e.entity == "appeal" && e.reason == "复议决定书载明为维持"));
    assert_eq!(s.appeals(c.id).await.unwrap(), vec![inaction, ap]);
}
story!(appeals_follow_a_decision_or_an_overdue_silence);
