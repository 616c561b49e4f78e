//! `audit verify --records`: every record equals the after-image of the last audit entry that
//! wrote it — after every kind of write the store makes — and a record changed behind the
//! store's back is found and named.

use chrono::{TimeZone, Utc};
use gongkai_store::*;

use crate::helpers::*;
use crate::story;

/// What [`every_kind_of_write`] made.
pub struct Seeded {
    pub dept: AgencyId,
    pub officer: UserId,
    pub head: UserId,
    pub clerk: UserId,
}

fn as_user(login: &str, id: UserId) -> Ctx {
    Ctx { actor: login.into(), user: Some(id), at: Utc.with_ymd_and_hms(2025, 3, 1, 10, 0, 0).unwrap() }
}

fn document(agency: AgencyId, number: &str, made: &str) -> Document {
    Document {
        id: DocumentId(0),
        agency,
        kind: DocumentKind::NormativeDocument,
        doc_number: number.into(),
        title: format!("关于{number}的通知"),
        made_on: d(made),
        repealed_on: None,
        validity: Validity::Valid,
        voided: None,
    }
}

/// One of every write the store makes (each audited), on an office: a county with a department,
/// its staff, cases through their lives (import, events, assignment, an extension asked for and
/// approved, corrections, a void that refuses a pending extension), appeals, the register, the
/// year's counts and the annual report from draft to a correction after publication.
pub async fn every_kind_of_write(s: &Store) -> Seeded {
    let c = county(s).await;
    let user = |login: &str| NewUser { login: login.into(), name: format!("{login} 同志"), password_hash: format!("$argon2id${login}") };
    let dept = NewAgency {
        name: "某某县民政局".into(),
        level: AgencyLevel::Department,
        parent: Some(c.id),
        region: String::new(),
        settings: AgencySettings::default(),
    };
    let (dept, _admin) = s.establish_agency(&ctx(), dept, AdminAccount::New(user("admin"))).await.unwrap();
    let settings = AgencySettings { review_chain: vec!["办公室主任".into(), "分管领导".into()], report_deadline: Some("01-31".into()), ..AgencySettings::default() };
    s.update_agency_settings(&ctx(), dept.id, settings).await.unwrap();
    let officer = s.create_user(&ctx(), user("officer")).await.unwrap().id;
    let head = s.create_user(&ctx(), user("head")).await.unwrap().id;
    let clerk = s.create_user(&ctx(), user("clerk")).await.unwrap().id;
    s.grant_role(&ctx(), officer, dept.id, Role::CaseOfficer).await.unwrap();
    s.grant_role(&ctx(), head, dept.id, Role::OfficeHead).await.unwrap();
    s.grant_role(&ctx(), clerk, dept.id, Role::Registrar).await.unwrap();
    s.grant_role(&ctx(), clerk, dept.id, Role::Reviewer(2)).await.unwrap();
    assert!(s.revoke_role(&ctx(), clerk, dept.id, Role::Reviewer(2)).await.unwrap());
    for change in [
        AccountChange::Disabled(true),
        AccountChange::Disabled(false),
        AccountChange::LoginFailed { lock_until: None },
        AccountChange::LoginFailed { lock_until: Some("2025-03-01T10:15:00+00:00".into()) },
        AccountChange::LoginSucceeded,
        AccountChange::Password("$argon2id$new".into()),
    ] {
        s.change_account(&ctx(), clerk, change).await.unwrap();
    }

    // A1: registered, answered, then its fields corrected.
    let mut a1 = new_app(dept.id, "2025-01-20");
    a1.number = Some("A1".into());
    a1.case_officer = Some(officer);
    a1.receipt.confirmed = Some(d("2025-01-20"));
    let a1 = s.create_application(&ctx(), a1).await.unwrap();
    let mut reply = replied("2025-02-10");
    reply.detail.delivery = Some(DeliveryMode::Post);
    reply.note = "邮寄".into();
    let a1 = s.add_event(&ctx(), a1.id, Some(a1.version), reply, Some(closing(Outcome::Granted))).await.unwrap();
    let mut fields = CaseFields::of(&a1);
    fields.applicant.address = "某某县新华路2号".into();
    fields.remarks = "地址更正".into();
    let a1 = s.correct_case(&ctx(), a1.id, None, CaseCorrection::Fields(fields), "申请人更正地址").await.unwrap();
    let mut cl = closing(Outcome::Partial);
    cl.reply_letter_ref = "某民公开〔2025〕1号".into();
    s.correct_case(&ctx(), a1.id, None, CaseCorrection::Closing(cl), "结果录错").await.unwrap();

    // A2, A3 from a ledger; A2 with a consultation and a fee, A3 open.
    let mut a2 = new_app(dept.id, "2025-01-22");
    a2.number = Some("A2".into());
    a2.applicant.kind = ApplicantKind::Commercial;
    let party = EventDetail { party: Some(Party::ThirdParty), ..EventDetail::default() };
    a2.events.push(Event { detail: party.clone(), ..Event::new(EventKind::ConsultationStarted, d("2025-01-24")) });
    a2.events.push(Event { detail: party, ..Event::new(EventKind::ConsultationAnswered, d("2025-02-05")) });
    a2.events.push(Event { amount_yuan: Some(100), ..Event::new(EventKind::FeeNoticeSent, d("2025-02-06")) });
    a2.events.push(Event { amount_yuan: Some(100), ..Event::new(EventKind::FeePaid, d("2025-02-07")) });
    let mut a3 = new_app(dept.id, "2025-02-03");
    a3.number = Some("A3".into());
    let ids = s.import_applications(&ctx(), vec![a2, a3]).await.unwrap();
    let (a2, a3) = (ids[0], ids[1]);
    s.add_event(&ctx(), a2, None, replied("2025-02-12"), Some(closing(Outcome::Granted))).await.unwrap();
    s.assign_officer(&ctx(), a3, None, Some(officer)).await.unwrap();
    let req = s.request_extension(&as_user("officer", officer), a3, 10, "材料较多", d("2025-02-20")).await.unwrap();
    s.decide_extension(&as_user("head", head), req.id, true, d("2025-02-21")).await.unwrap();
    let a3 = s.application(a3).await.unwrap();
    let mut events: Vec<Event> = a3.events[1..].to_vec();
    events.insert(0, Event::new(EventKind::CorrectionRequested, d("2025-02-04")));
    events.insert(1, Event::new(EventKind::CorrectionReceived, d("2025-02-06")));
    s.correct_case(&ctx(), a3.id, None, CaseCorrection::Timeline { events, closing: None }, "漏录补正").await.unwrap();

    // A4: an extension asked for, then the case voided (the request is refused with it).
    let mut a4 = new_app(dept.id, "2025-02-10");
    a4.number = Some("A4".into());
    a4.case_officer = Some(officer);
    let a4 = s.create_application(&ctx(), a4).await.unwrap();
    s.request_extension(&as_user("officer", officer), a4.id, 5, "需会商", d("2025-02-25")).await.unwrap();
    s.correct_case(&ctx(), a4.id, None, CaseCorrection::Void, "重复登记").await.unwrap();

    // Appeals: one filed, closed and corrected; one voided.
    let appeal = NewAppeal {
        application: a1.id,
        kind: AppealKind::Reconsideration,
        filed_on: d("2025-02-20"),
        result: AppealResult::Pending,
        closed_on: None,
        note: "某复字〔2025〕1号".into(),
    };
    let ap = s.create_appeal(&ctx(), appeal.clone()).await.unwrap();
    s.close_appeal(&ctx(), ap.id, AppealResult::Upheld, d("2025-02-27")).await.unwrap();
    let corrected = NewAppeal { result: AppealResult::Corrected, closed_on: Some(d("2025-02-27")), ..appeal.clone() };
    s.correct_appeal(&ctx(), ap.id, Some(corrected), "结果录错").await.unwrap();
    let ap2 = s.create_appeal(&ctx(), NewAppeal { kind: AppealKind::LitigationDirect, ..appeal }).await.unwrap();
    s.correct_appeal(&ctx(), ap2.id, None, "重复登记").await.unwrap();

    // The register.
    let d1 = s.add_document(&ctx(), document(dept.id, "某民规〔2024〕1号", "2024-05-01")).await.unwrap();
    s.repeal_document(&ctx(), d1.id, d("2025-01-15"), Validity::Repealed).await.unwrap();
    let d2 = s.add_document(&ctx(), document(dept.id, "某民规〔2025〕1号", "2025-01-10")).await.unwrap();
    s.correct_document(&ctx(), d2.id, Some(document(dept.id, "某民规〔2025〕2号", "2025-01-10")), "文号录错").await.unwrap();
    let d3 = s.add_document(&ctx(), document(dept.id, "某民规〔2025〕3号", "2025-01-12")).await.unwrap();
    s.correct_document(&ctx(), d3.id, None, "并非规范性文件").await.unwrap();

    // The year's counts, set then corrected.
    let counts = YearlyCounts { admin_licensing: Some(12), admin_penalty: Some(3), admin_coercion: None, admin_fees_wan: Some("0.5".into()) };
    s.set_yearly_counts(&ctx(), dept.id, 2025, counts, "").await.unwrap();
    let fix = YearlyCounts { admin_penalty: Some(4), admin_coercion: Some(0), ..YearlyCounts::default() };
    s.set_yearly_counts(&ctx(), dept.id, 2025, fix, "漏报一件").await.unwrap();

    // The annual report: draft, saved again, locked, published by another, corrected.
    s.save_report(&ctx(), dept.id, 2024, serde_json::json!({"标题": "年报", "正文": "草稿"}), None).await.unwrap();
    s.save_report(&ctx(), dept.id, 2024, serde_json::json!({"标题": "年报", "正文": "定稿", "表": [1, 0, null]}), None).await.unwrap();
    s.set_report_status(&as_user("head", head), dept.id, 2024, ReportStatus::Locked).await.unwrap();
    s.set_report_status(&as_user("officer", officer), dept.id, 2024, ReportStatus::Published).await.unwrap();
    s.correct_report(&as_user("head", head), dept.id, 2024, serde_json::json!({"标题": "年报", "正文": "更正"}), "数字有误")
        .await
        .unwrap();
    Seeded { dept: dept.id, officer, head, clerk }
}

fn records() -> AuditCheck {
    AuditCheck { records: true, ..AuditCheck::default() }
}

async fn every_write_leaves_its_record_equal_to_its_after_image(db: &TestDb) {
    every_kind_of_write(&db.store).await;
    let v = db.store.audit_check(&records()).await.unwrap();
    assert!(v.problems.is_empty(), "{:#?}", v.problems);
    // 2 agencies, 4 users, 4 roles, 4 cases, 2 extension requests, 2 appeals, 3 documents,
    // 1 year's counts, 1 report
    assert_eq!(v.records, Some(23));
}
story!(every_write_leaves_its_record_equal_to_its_after_image);

async fn records_changed_behind_the_stores_back_are_found_and_named(db: &TestDb) {
    let seeded = every_kind_of_write(&db.store).await;
    let clean = db.store.audit_check(&records()).await.unwrap();
    assert!(clean.problems.is_empty(), "{:#?}", clean.problems);
    let (officer, dept) = (seeded.officer.0, seeded.dept.0);
    // (SQL run with a database tool, what the finding must say)
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("UPDATE applications SET applicant_name = '王五' WHERE number = 'A1'".into(), vec!["申请 A1", "applicant", "应用之外被改动"]),
        (
            "UPDATE application_events SET on_date = '2025-02-11' WHERE kind = 'replied' AND application_id = \
             (SELECT id FROM applications WHERE number = 'A2')"
                .into(),
            vec!["申请 A2", "events"],
        ),
        ("UPDATE applications SET next_due_on = NULL WHERE number = 'A3'".into(), vec!["申请 A3", "next_due_on"]),
        (format!("UPDATE applications SET case_officer_id = NULL WHERE number = 'A3' AND case_officer_id = {officer}"), vec!["申请 A3", "case_officer"]),
        ("DELETE FROM appeals WHERE kind = 'litigation_direct'".into(), vec!["复议或诉讼案件", "应用之外被删除"]),
        (
            format!(
                "INSERT INTO register_documents (id, agency_id, kind, doc_number, title, made_on, validity) \
                 VALUES (99, {dept}, 'normative_document', '某民规〔2025〕9号', '补登', '2025-01-01', 'valid')"
            ),
            vec!["文件 某民规〔2025〕9号", "没有记录"],
        ),
        ("UPDATE yearly_counts SET admin_penalty = 99".into(), vec!["年度数量", "admin_penalty"]),
        ("UPDATE annual_reports SET content = '{\"标题\":\"年报\",\"正文\":\"改过\"}'".into(), vec!["年度报告", "内容"]),
        ("UPDATE report_corrections SET reason = '无'".into(), vec!["年度报告", "更正记录"]),
        (format!("INSERT INTO user_roles (user_id, agency_id, role) VALUES ({officer}, {dept}, 'office_head')"), vec!["角色 office_head", "没有授予记录"]),
        (format!("UPDATE users SET disabled = 1 WHERE id = {}", seeded.head.0), vec!["用户“head”", "disabled"]),
        ("UPDATE agencies SET region = '440000' WHERE name = '某某县民政局'".into(), vec!["机关“某某县民政局”", "region"]),
        ("UPDATE extension_requests SET status = 'approved' WHERE days = 5".into(), vec!["延期申请", "status"]),
    ];
    let sql: Vec<&str> = cases.iter().map(|(s, _)| s.as_str()).collect();
    db.raw(&sql).await.unwrap();
    let v = db.store.audit_check(&records()).await.unwrap();
    for (sql, wants) in &cases {
        assert!(
            v.problems.iter().any(|p| wants.iter().all(|w| p.contains(w))),
            "nothing found for {sql} (want {wants:?}) in {:#?}",
            v.problems
        );
    }
    // The chain itself is intact: only --records sees these.
    assert!(db.store.audit_verify().await.unwrap().problems.is_empty());
    let _ = seeded.clerk;
}
story!(records_changed_behind_the_stores_back_are_found_and_named);
