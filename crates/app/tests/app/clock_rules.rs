//! The deadline engine's rules hold in the records (issue 8 item 8): a refusal refuses the event
//! and stores nothing, and a case made overdue by a decision after its deadline, or by a fee wait
//! past the payment deadline, is listed as overdue.

use gongkai_app::cases::{self, CaseQuery, EventInput};
use gongkai_app::model::{CaseState, EventKind, Party, Role};

use crate::helpers::*;

/// The worked vectors of regulation.md §1, through the records with the real calendar.
#[tokio::test]
async fn the_records_derive_due_dates_with_the_real_calendar() {
    let t = TestOffice::new("2025-06-30").await;
    let op = t.operator();
    for (received, due) in [("2025-01-20", "2025-02-21"), ("2024-12-30", "2025-01-27")] {
        let a = add_case(&op, &t.county, received, None).await;
        assert_eq!(a.due_on, Some(d(due)), "received {received}");
    }
    let head = t.user("li", &t.county, &[Role::OfficeHead]).await;
    let a = add_case(&op, &t.county, "2025-01-20", None).await;
    let ext = EventInput { days: Some(20), ..EventInput::new(EventKind::ExtensionApproved, d("2025-02-10")) };
    let a = cases::record_event(&head, &a, ext, None).await.unwrap();
    assert_eq!(a.due_on, Some(d("2025-03-21")));
    // The engine refuses what the structural checks let through: a second correction notice.
    let officer = t.user("wang", &t.county, &[Role::CaseOfficer]).await;
    let a = add_case(&op, &t.county, "2025-01-20", None).await;
    let a = cases::record_event(&officer, &a, EventInput::new(EventKind::CorrectionRequested, d("2025-01-21")), None).await.unwrap();
    let a = cases::record_event(&officer, &a, EventInput::new(EventKind::CorrectionReceived, d("2025-01-23")), None).await.unwrap();
    let err = cases::record_event(&officer, &a, EventInput::new(EventKind::CorrectionRequested, d("2025-01-24")), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), gongkai_app::error::ErrorKind::Invalid, "{err}");
}

#[tokio::test]
async fn the_records_follow_the_deadline_rules() {
    let t = TestOffice::new("2025-06-30").await;
    let op = t.operator();
    let head = t.user("li", &t.county, &[Role::OfficeHead]).await;
    let officer = t.user("wang", &t.county, &[Role::CaseOfficer]).await;
    let overdue = CaseQuery { overdue: true, ..CaseQuery::default() };

    // An extension approved two working days after the reply deadline (2025-03-31) does not move
    // the stored deadline: the case is overdue from 03-31.
    let late = add_case(&op, &t.county, "2025-03-03", None).await;
    let ext = EventInput { days: Some(20), ..EventInput::new(EventKind::ExtensionApproved, d("2025-04-02")) };
    let late = cases::record_event(&head, &late, ext, None).await.unwrap();
    assert_eq!(late.due_on, Some(d("2025-03-31")));
    // An unpaid fee wait ends at the payment deadline (04-09): the due date stops moving (04-29).
    let unpaid = add_case(&op, &t.county, "2025-03-03", None).await;
    let notice = EventInput { amount_yuan: Some(200), ..EventInput::new(EventKind::FeeNoticeSent, d("2025-03-10")) };
    let unpaid = cases::record_event(&officer, &unpaid, notice, None).await.unwrap();
    let unpaid = cases::record_event(&officer, &unpaid, EventInput::new(EventKind::FeeNoticeReceived, d("2025-03-11")), None)
        .await
        .unwrap();
    assert_eq!((unpaid.state, unpaid.due_on), (CaseState::Open, Some(d("2025-04-29"))));
    let listed: Vec<_> = cases::list(&officer, &overdue).await.unwrap().into_iter().map(|c| c.id).collect();
    assert!(listed.contains(&late.id) && listed.contains(&unpaid.id), "{listed:?}");

    // 视为放弃 before the payment period ran out: refused, nothing stored.
    let err = cases::record_event(&officer, &unpaid, EventInput::new(EventKind::FeeExpired, d("2025-04-09")), None)
        .await
        .unwrap_err();
    assert!(err.message().contains("至 2025-04-09 届满"), "{err}");
    assert_eq!(cases::get(&officer, unpaid.id).await.unwrap().events.len(), 3);
    cases::record_event(&officer, &unpaid, EventInput::new(EventKind::FeeExpired, d("2025-04-10")), None).await.unwrap();
    // A consultation closed as expired within the party's 15 working days: refused.
    let c = add_case(&op, &t.county, "2025-03-03", None).await;
    let start = EventInput { party: Some(Party::ThirdParty), ..EventInput::new(EventKind::ConsultationStarted, d("2025-03-10")) };
    let c = cases::record_event(&officer, &c, start, None).await.unwrap();
    let early = EventInput { party: Some(Party::ThirdParty), ..EventInput::new(EventKind::ConsultationExpired, d("2025-03-20")) };
    let err = cases::record_event(&officer, &c, early, None).await.unwrap_err();
    assert!(err.message().contains("第三十二条"), "{err}");
    // Before the revised regulation: refused.
    let err = cases::add(&op, &t.county, new_case("2019-05-14", None)).await.unwrap_err();
    assert!(err.message().contains("2008年"), "{err}");
}
