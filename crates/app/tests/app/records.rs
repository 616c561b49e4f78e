//! Issue 7 items 3, 4, 6-10 and 13 through the use cases.

use gongkai_app::annual;
use gongkai_app::cases::{self, CaseQuery, EventInput};
use gongkai_app::error::ErrorKind;
use gongkai_app::model::{
    AppealGround, AppealKind, AppealResult, CaseFields, CaseState, EventKind, NewAppeal, Outcome, ReportStatus, Role,
    YearlyCounts,
};
use gongkai_app::registers;
use gongkai_app::transfer;

use crate::helpers::*;

fn reply(on: &str, outcome: Outcome) -> EventInput {
    EventInput { outcome: Some(outcome), ..EventInput::new(EventKind::Replied, d(on)) }
}

#[tokio::test]
async fn an_extension_is_asked_by_the_officer_and_approved_by_another_office_head() {
    let t = TestOffice::new("2025-04-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    // An office head who is also this case's officer may not approve it.
    let head_officer = t.user("zhou", &t.town, &[Role::OfficeHead]).await;
    let head = t.user("li", &t.town, &[Role::OfficeHead]).await;
    let case = add_case(&t.operator(), &t.town, "2025-03-03", Some("wang")).await;

    // Recording the event directly is approving it: the officer cannot.
    let direct = EventInput { days: Some(10), ..EventInput::new(EventKind::ExtensionApproved, d("2025-03-20")) };
    let err = cases::record_event(&officer, &case, direct.clone(), None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    // Nor the operator: an extension needs a named office head.
    let err = cases::record_event(&t.operator(), &case, direct, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);

    let req = cases::request_extension(&officer, &case, 10, "需要调取档案", d("2025-03-20")).await.unwrap();
    let err = cases::decide_extension(&officer, req.id, true, d("2025-03-21")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    // A second request while one waits: refused.
    assert_eq!(
        cases::request_extension(&officer, &case, 5, "另一理由", d("2025-03-20")).await.unwrap_err().kind(),
        ErrorKind::Conflict
    );
    let (decided, app) = cases::decide_extension(&head, req.id, true, d("2025-03-21")).await.unwrap();
    assert_eq!(decided.decided_by, head.principal().user_id());
    let ext = app.events.iter().find(|e| e.kind == EventKind::ExtensionApproved).unwrap();
    assert_eq!(ext.by, head.principal().user_id());
    assert_eq!(ext.detail.days, Some(10));
    // Reply due 2025-03-31 plus 10 working days (清明 2025-04-04 is a holiday).
    assert_eq!(app.due_on, Some(d("2025-04-15")));
    // Deciding twice: refused.
    assert_eq!(cases::decide_extension(&head, req.id, false, d("2025-03-21")).await.unwrap_err().kind(), ErrorKind::Conflict);

    // The office head who handles a case does not approve it either.
    let own = add_case(&t.operator(), &t.town, "2025-03-03", None).await;
    let own = cases::assign(&t.operator(), &own, Some("zhou")).await.unwrap();
    let req = cases::request_extension(&head_officer, &own, 5, "情况复杂", d("2025-03-20")).await.unwrap();
    assert_eq!(cases::decide_extension(&head_officer, req.id, true, d("2025-03-21")).await.unwrap_err().kind(), ErrorKind::Forbidden);
    let direct = EventInput { days: Some(5), ..EventInput::new(EventKind::ExtensionApproved, d("2025-03-20")) };
    assert_eq!(cases::record_event(&head_officer, &own, direct.clone(), None).await.unwrap_err().kind(), ErrorKind::Forbidden);
    // …but another office head records it directly (approving as themselves).
    let app = cases::record_event(&head, &own, direct, None).await.unwrap();
    assert_eq!(app.events.last().unwrap().by, head.principal().user_id());
}

#[tokio::test]
async fn two_people_editing_one_case_the_second_save_is_refused() {
    let t = TestOffice::new("2025-04-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let case = add_case(&t.operator(), &t.town, "2025-03-03", None).await;
    let seen = case.version;
    cases::record_event(&officer, &case, EventInput::new(EventKind::CorrectionRequested, d("2025-03-05")), Some(seen))
        .await
        .unwrap();
    let err = cases::record_event(&officer, &case, EventInput::new(EventKind::Withdrawn, d("2025-03-06")), Some(seen))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.message().contains("已被他人修改"), "{err}");
}

#[tokio::test]
async fn corrections_and_voids_carry_their_reason_into_the_audit_log() {
    let t = TestOffice::new("2025-04-30").await;
    let head = t.user("li", &t.town, &[Role::OfficeHead]).await;
    let case = add_case(&t.operator(), &t.town, "2025-03-03", None).await;
    let mut f = CaseFields::of(&case);
    f.applicant.name = "张珊".into();
    assert_eq!(cases::correct_fields(&head, &case, f.clone(), "  ", None).await.unwrap_err().kind(), ErrorKind::Invalid);
    let case = cases::correct_fields(&head, &case, f, "申请人姓名录入错误", None).await.unwrap();
    assert_eq!(case.applicant.name, "张珊");
    // An event corrected: the reply date was typed wrong.
    let case = cases::record_event(&head, &case, reply("2025-03-20", Outcome::Granted), None).await.unwrap();
    let case = cases::correct_event(&head, &case, 1, Some(reply("2025-03-19", Outcome::Granted)), "答复日期以送达回证为准", None)
        .await
        .unwrap();
    assert_eq!(case.closed_on, Some(d("2025-03-19")));
    // Removing the conclusion reopens the case.
    let reopened = cases::correct_event(&head, &case, 1, None, "误将另一件的答复记在本件", None).await.unwrap();
    assert_eq!(reopened.state, CaseState::Open);
    assert!(reopened.closing.is_none());
    // Voided: it counts nowhere.
    let voided = cases::void(&head, &reopened, "重复登记").await.unwrap();
    assert!(voided.voided.is_some());
    assert!(cases::list(&head, &CaseQuery::default()).await.unwrap().is_empty());
    let g = annual::generate(&head, &t.town, 2025, None, false).await.unwrap();
    assert_eq!(g.report.value(gongkai_domain::report::spec::TableId::T3, "new_received", "total").unwrap().to_string(), "0");
    assert_eq!(
        cases::record_event(&head, &voided, EventInput::new(EventKind::Withdrawn, d("2025-04-01")), None).await.unwrap_err().kind(),
        ErrorKind::Invalid
    );
    let log = transfer::audit_entries(&head, 0, 1000).await.unwrap();
    let reasons: Vec<(&str, &str)> =
        log.iter().filter(|e| !e.reason.is_empty()).map(|e| (e.action.as_str(), e.reason.as_str())).collect();
    assert_eq!(
        reasons,
        vec![
            ("correct", "申请人姓名录入错误"),
            ("correct_timeline", "答复日期以送达回证为准"),
            ("correct_timeline", "误将另一件的答复记在本件"),
            ("void", "重复登记"),
        ]
    );
}

#[tokio::test]
async fn a_fee_notice_carries_its_amount_and_the_payment_matches_it() {
    let t = TestOffice::new("2025-04-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let case = add_case(&t.operator(), &t.town, "2025-03-03", None).await;
    let notice = |amount| EventInput { amount_yuan: amount, ..EventInput::new(EventKind::FeeNoticeSent, d("2025-03-10")) };
    let err = cases::record_event(&officer, &case, notice(None), None).await.unwrap_err();
    assert!(err.message().contains("须载明金额"), "{err}");
    let err = cases::record_event(&officer, &case, notice(Some(i64::MAX)), None).await.unwrap_err();
    assert!(err.message().contains("超出范围"), "{err}");
    let case = cases::record_event(&officer, &case, notice(Some(700)), None).await.unwrap();
    let case = cases::record_event(&officer, &case, EventInput::new(EventKind::FeeNoticeReceived, d("2025-03-11")), None)
        .await
        .unwrap();
    let paid = |amount| EventInput { amount_yuan: amount, ..EventInput::new(EventKind::FeePaid, d("2025-03-14")) };
    let err = cases::record_event(&officer, &case, paid(Some(500)), None).await.unwrap_err();
    assert!(err.message().contains("与收费通知的 700 元不符"), "{err}");
    // Without an amount the payment is the notice's.
    let case = cases::record_event(&officer, &case, paid(None), None).await.unwrap();
    assert_eq!(case.events.last().unwrap().amount_yuan, Some(700));
    let case = cases::record_event(&officer, &case, reply("2025-03-20", Outcome::Granted), None).await.unwrap();
    let g = annual::generate(&officer, &t.town, 2025, None, false).await.unwrap();
    let s6 = &g.report.section("s6").unwrap().text;
    assert!(s6.contains("对1件申请收取信息处理费700元"), "{s6}");
    assert!(case.closed_on.is_some());
}

#[tokio::test]
async fn counts_change_only_the_figures_given_and_a_change_needs_a_reason() {
    let t = TestOffice::new("2025-04-30").await;
    let reg = t.user("zhao", &t.town, &[Role::Registrar]).await;
    let some = |l: Option<i64>, p: Option<i64>| YearlyCounts { admin_licensing: l, admin_penalty: p, ..YearlyCounts::default() };
    registers::set_counts(&reg, &t.town, 2025, some(Some(12), None), "").await.unwrap();
    let c = registers::set_counts(&reg, &t.town, 2025, some(None, Some(3)), "").await.unwrap();
    assert_eq!((c.admin_licensing, c.admin_penalty, c.admin_coercion), (Some(12), Some(3), None));
    let err = registers::set_counts(&reg, &t.town, 2025, some(Some(13), None), "").await.unwrap_err();
    assert!(err.message().contains("须说明原因"), "{err}");
    let c = registers::set_counts(&reg, &t.town, 2025, some(Some(13), None), "漏计一件").await.unwrap();
    assert_eq!(c.admin_licensing, Some(13));
    assert_eq!(registers::counts(&reg, &t.town, 2025).await.unwrap(), Some(c));
    // A figure never given stays blank in the report, not 0.
    let g = annual::generate(&reg, &t.town, 2025, None, false).await.unwrap();
    let t2 = gongkai_domain::report::spec::TableId::T2;
    assert!(g.report.value(t2, "admin_coercion", "decisions").unwrap().is_blank());
}

#[tokio::test]
async fn an_overdue_unanswered_application_can_be_appealed_and_an_appeal_closes_once() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let case = add_case(&t.operator(), &t.town, "2025-03-03", None).await;
    // Due 2025-03-31; filed 2025-04-10 while unanswered: against inaction.
    let ap = registers::add_appeal(&officer, &case, AppealKind::Reconsideration, d("2025-04-10"), None, "岚皋县人民政府".into())
        .await
        .unwrap();
    assert_eq!(ap.ground, AppealGround::Inaction);
    let ap = registers::close_appeal(&officer, ap.id.0, AppealResult::Corrected, d("2025-05-20")).await.unwrap();
    let err = registers::close_appeal(&officer, ap.id.0, AppealResult::Upheld, d("2025-05-21")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    // A correction is for the one who may correct, with a reason.
    let fixed = NewAppeal {
        application: case.id,
        kind: AppealKind::Reconsideration,
        filed_on: d("2025-04-10"),
        result: AppealResult::Other,
        closed_on: Some(d("2025-05-20")),
        note: String::new(),
    };
    let ap = registers::correct_appeal(&officer, ap.id.0, Some(fixed), "复议决定为确认违法").await.unwrap();
    assert_eq!(ap.result, AppealResult::Other);
}

#[tokio::test]
async fn whoever_locks_the_report_does_not_publish_it_and_a_changed_record_shows_in_the_status() {
    let t = TestOffice::new("2026-01-20").await;
    let head = t.user("li", &t.town, &[Role::OfficeHead]).await;
    let leader = t.user("chen", &t.town, &[Role::Leader]).await;
    let case = add_case(&t.operator(), &t.town, "2025-03-03", None).await;
    cases::record_event(&head, &case, reply("2025-03-20", Outcome::Granted), None).await.unwrap();
    let narrative = vec![("s5".to_string(), "一是答复文书不够规范。二是主动公开的及时性有待提高。".to_string())];
    let g = annual::generate(&head, &t.town, 2025, Some(narrative), false).await.unwrap();
    assert_eq!(g.report.date, Some(d("2026-01-20")));
    assert_eq!(g.report.agency.as_deref(), Some("民主镇人民政府"));
    annual::save_draft(&head, &t.town, 2025, &g.report).await.unwrap();
    annual::lock(&head, &t.town, 2025).await.unwrap();
    let err = annual::publish(&head, &t.town, 2025).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.message().contains("锁定者不能自己发布"), "{err}");
    annual::publish(&leader, &t.town, 2025).await.unwrap();
    let s = annual::status(&leader, &t.town, 2025).await.unwrap();
    assert_eq!(s.stored.as_ref().unwrap().status, ReportStatus::Published);
    assert!(s.differences.is_empty());
    // A case of 2025 registered late changes published cells: the status names them.
    add_case(&t.operator(), &t.town, "2025-12-30", None).await;
    let s = annual::status(&leader, &t.town, 2025).await.unwrap();
    let cells: Vec<&str> = s.differences.iter().map(|c| c.cell.as_str()).collect();
    assert!(cells.contains(&"t3:new_received:natural_person"), "{cells:?}");
    assert!(cells.contains(&"t3:carried_forward:total"), "{cells:?}");
    let drill = annual::drill(&leader, &t.town, 2025, "t3:carried_forward:total").await.unwrap();
    assert_eq!(drill.len(), 1);
}

#[tokio::test]
async fn reminders_count_working_days_and_include_paused_cases_by_their_own_deadline() {
    // Friday 2025-03-21.
    let t = TestOffice::new("2025-03-21").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let op = t.operator();
    // Received 2025-02-24: due 2025-03-24 (Monday), one working day from today.
    let soon = add_case(&op, &t.town, "2025-02-24", None).await;
    // Received 2025-03-03: due 2025-03-31, six working days from today.
    let later = add_case(&op, &t.town, "2025-03-03", None).await;
    // Paused for a consultation started 2025-03-04: the third party's 15 working days end 2025-03-25.
    let paused = add_case(&op, &t.town, "2025-03-03", None).await;
    let consult = EventInput::new(EventKind::ConsultationStarted, d("2025-03-04"));
    let paused = cases::record_event(&officer, &paused, consult, None).await.unwrap();
    assert_eq!(paused.state, CaseState::Paused);
    assert_eq!(paused.pause_due_on, Some(d("2025-03-25")));
    // Awaiting a correction asked for on 2025-03-12: the reasonable period (10 working days)
    // ends 2025-03-26, the day a reminder looks at.
    let correcting = add_case(&op, &t.town, "2025-03-10", None).await;
    let notice = EventInput::new(EventKind::CorrectionRequested, d("2025-03-12"));
    let correcting = cases::record_event(&officer, &correcting, notice, None).await.unwrap();
    assert_eq!((correcting.state, correcting.pause_due_on), (CaseState::Paused, Some(d("2025-03-26"))));
    let within = |n| CaseQuery { due_within_working_days: Some(n), ..CaseQuery::default() };
    let ids = |v: Vec<gongkai_app::model::CaseSummary>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    // One working day reaches Monday (a calendar day count would stop on Saturday).
    assert_eq!(ids(cases::list(&officer, &within(1)).await.unwrap()), vec![soon.id]);
    assert_eq!(ids(cases::list(&officer, &within(2)).await.unwrap()), vec![soon.id, paused.id]);
    assert_eq!(ids(cases::list(&officer, &within(3)).await.unwrap()), vec![soon.id, paused.id, correcting.id]);
    assert_eq!(
        ids(cases::list(&officer, &within(6)).await.unwrap()),
        vec![soon.id, paused.id, correcting.id, later.id]
    );
}
