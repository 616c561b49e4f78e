//! 登记: the Art. 31 receipt date per channel in the preview, the repeat warning, and intake's
//! own checks (nothing saved when they fail).

use gongkai_app::cases::{self, CaseQuery, NewCase};
use gongkai_app::error::ErrorKind;
use gongkai_app::intake::{self, similarity};
use gongkai_app::model::{Channel, Role};

use crate::helpers::*;

fn by(channel: Channel, received: &str, confirmed: Option<&str>) -> NewCase {
    NewCase { channel, confirmed_on: confirmed.map(d), ..new_case(received, None) }
}

#[tokio::test]
async fn the_preview_gives_the_article_31_receipt_date_of_every_channel() {
    let t = TestOffice::new("2025-06-30").await;
    let registrar = t.user("clerk", &t.town, &[Role::Registrar]).await;
    // (channel, arrived, signed/confirmed, same-day contact failed, receipt date that counts)
    let table: &[(Channel, &str, Option<&str>, bool, &str)] = &[
        (Channel::InPerson, "2025-06-03", None, false, "2025-06-03"),
        (Channel::Oral, "2025-06-03", None, false, "2025-06-03"),
        (Channel::RegisteredPost, "2025-06-03", Some("2025-06-05"), false, "2025-06-05"),
        (Channel::RegisteredPost, "2025-06-03", None, false, "2025-06-03"),
        (Channel::Online, "2025-06-03", Some("2025-06-04"), false, "2025-06-04"),
        (Channel::WeChat, "2025-06-03", Some("2025-06-04"), false, "2025-06-04"),
        (Channel::WeChat, "2025-06-03", None, false, "2025-06-03"),
        (Channel::Fax, "2025-06-03", Some("2025-06-06"), false, "2025-06-06"),
        // Ordinary letters and e-mail: confirmed later counts from arrival unless the failed
        // same-day contact is on record.
        (Channel::OrdinaryLetter, "2025-06-03", Some("2025-06-05"), false, "2025-06-03"),
        (Channel::OrdinaryLetter, "2025-06-03", Some("2025-06-05"), true, "2025-06-05"),
        (Channel::Email, "2025-06-03", Some("2025-06-04"), true, "2025-06-04"),
        (Channel::Other, "2025-06-03", None, false, "2025-06-03"),
    ];
    for (channel, arrived, confirmed, failed, expected) in table {
        let c = NewCase { same_day_contact_failed: *failed, ..by(*channel, arrived, *confirmed) };
        let p = intake::preview(&registrar, &t.town, &c).await.unwrap();
        assert_eq!(p.receipt_date, d(expected), "{channel:?} {arrived} {confirmed:?}: {:?}", p.explanation);
        assert!(p.due_on.is_some_and(|due| due > p.receipt_date), "{channel:?}");
        assert!(p.explanation.iter().any(|l| l.contains("收到申请")), "{:?}", p.explanation);
    }
    // 2025-06-03 + 20 working days (the day of receipt not counted; no holiday in June after
    // the Dragon Boat Festival) = 2025-07-01.
    let p = intake::preview(&registrar, &t.town, &by(Channel::InPerson, "2025-06-03", None)).await.unwrap();
    assert_eq!(p.due_on, Some(d("2025-07-01")));
    // The oral application's explanation names the rule it follows.
    let p = intake::preview(&registrar, &t.town, &by(Channel::Oral, "2025-06-03", None)).await.unwrap();
    assert!(p.explanation.iter().any(|l| l.contains("代为填写")), "{:?}", p.explanation);
    // A late confirmation of an ordinary letter warns.
    let p = intake::preview(&registrar, &t.town, &by(Channel::OrdinaryLetter, "2025-06-03", Some("2025-06-05"))).await.unwrap();
    assert!(p.warnings.iter().any(|w| w.contains("第三十一条")), "{:?}", p.warnings);
    // Nothing was saved by any preview.
    assert_eq!(cases::count(&t.operator(), &CaseQuery::default()).await.unwrap(), 0);
}

#[tokio::test]
async fn wechat_and_oral_applications_are_stored_and_read_back() {
    let t = TestOffice::new("2025-06-30").await;
    let registrar = t.user("clerk", &t.town, &[Role::Registrar]).await;
    let a = intake::register(&registrar, &t.town, by(Channel::WeChat, "2025-06-03", Some("2025-06-04"))).await.unwrap();
    let b = intake::register(&registrar, &t.town, by(Channel::Oral, "2025-06-05", None)).await.unwrap();
    let a = cases::get(&registrar, a.id).await.unwrap();
    let b = cases::get(&registrar, b.id).await.unwrap();
    assert_eq!((a.channel, b.channel), (Channel::WeChat, Channel::Oral));
    assert_eq!(a.due_on, Some(d("2025-07-02")));
    let r = intake::receipt(&registrar, a.id).await.unwrap();
    assert_eq!(r.receipt_date, d("2025-06-04"));
    assert!(r.app.query_code.as_deref().is_some_and(|c| !c.is_empty()));
}

#[tokio::test]
async fn intake_refuses_impossible_dates_and_saves_nothing() {
    let t = TestOffice::new("2025-06-30").await;
    let registrar = t.user("clerk", &t.town, &[Role::Registrar]).await;
    let bad: &[(NewCase, &str)] = &[
        (by(Channel::InPerson, "2025-07-01", None), "received_on"),
        (by(Channel::InPerson, "2025-06-03", Some("2025-06-04")), "confirmed_on"),
        (by(Channel::Oral, "2025-06-03", Some("2025-06-04")), "confirmed_on"),
        (by(Channel::Online, "2025-06-03", Some("2025-06-02")), "confirmed_on"),
        (by(Channel::Online, "2025-06-03", Some("2025-07-02")), "confirmed_on"),
        (NewCase { same_day_contact_failed: true, ..by(Channel::Fax, "2025-06-03", Some("2025-06-04")) }, "same_day_contact_failed"),
        (NewCase { same_day_contact_failed: true, ..by(Channel::Email, "2025-06-03", None) }, "same_day_contact_failed"),
    ];
    for (c, field) in bad {
        assert_eq!(intake::check(c, d("2025-06-30")).unwrap_err().0, *field, "{c:?}");
        let e = intake::preview(&registrar, &t.town, c).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{c:?}");
        let e = intake::register(&registrar, &t.town, c.clone()).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{c:?}");
    }
    assert_eq!(cases::count(&t.operator(), &CaseQuery::default()).await.unwrap(), 0);
}

#[tokio::test]
async fn only_a_registrar_of_the_agency_may_preview_or_register() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::Leader, Role::Reviewer(1)]).await;
    let county_clerk = t.user("clerk", &t.county, &[Role::Registrar]).await;
    let c = by(Channel::InPerson, "2025-06-03", None);
    assert_eq!(intake::preview(&officer, &t.town, &c).await.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(intake::register(&officer, &t.town, c.clone()).await.unwrap_err().kind(), ErrorKind::Forbidden);
    // A county registrar does not register for a township below.
    let e = intake::register(&county_clerk, &t.town, c).await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Forbidden | ErrorKind::NotFound), "{e:?}");
    assert_eq!(cases::count(&t.operator(), &CaseQuery::default()).await.unwrap(), 0);
}

#[test]
fn similarity_is_the_dice_coefficient_of_character_bigrams() {
    assert_eq!(similarity("村道修建资金", "村道修建资金"), (1.0, 5));
    // Punctuation and spaces do not count.
    assert_eq!(similarity("村道修建，资金。", "村道 修建资金").0, 1.0);
    assert_eq!(similarity("村道修建资金", "教育经费预算").0, 0.0);
    assert_eq!(similarity("", "村道").0, 0.0);
    // 村道/道修/修建 shared of 5 + 4 bigrams: 2*3/9.
    let (s, shared) = similarity("村道修建资金", "村道修建年份");
    assert_eq!(shared, 3);
    assert!((s - 6.0 / 10.0).abs() < 1e-9, "{s}");
}

#[tokio::test]
async fn a_similar_earlier_application_of_the_same_applicant_is_shown_as_a_possible_repeat() {
    let t = TestOffice::new("2025-06-30").await;
    let registrar = t.user("clerk", &t.town, &[Role::Registrar]).await;
    let first = intake::register(&registrar, &t.town, by(Channel::InPerson, "2025-06-03", None)).await.unwrap();
    // Someone else asking the same thing is not a repeat.
    let mut other = by(Channel::InPerson, "2025-06-04", None);
    other.applicant.name = "李四".into();
    intake::register(&registrar, &t.town, other).await.unwrap();
    // The same applicant, different content: not a repeat.
    let mut unrelated = by(Channel::InPerson, "2025-06-05", None);
    unrelated.content = "2024年教育经费预算执行情况".into();
    intake::register(&registrar, &t.town, unrelated).await.unwrap();

    let mut again = by(Channel::Online, "2025-06-20", None);
    again.content = "请公开村道修建资金使用情况".into();
    let p = intake::preview(&registrar, &t.town, &again).await.unwrap();
    assert_eq!(p.repeats.len(), 1, "{:?}", p.repeats);
    let r = &p.repeats[0];
    assert_eq!(r.id, first.id);
    assert!(r.percent() >= 50 && r.open, "{r:?}");
    assert!(r.explanation().contains(&first.number) && r.explanation().contains("相似度"), "{}", r.explanation());

    // The same ID document under a differently written name is the same applicant; a different
    // ID under the same name is not.
    let op = t.operator();
    let mut with_id = by(Channel::InPerson, "2025-06-06", None);
    with_id.applicant.id_document = "610926199001011234".into();
    let with_id = intake::register(&op, &t.town, with_id).await.unwrap();
    let found = intake::possible_repeats(&registrar, &t.town, "张 三", "610926199001011234", "村道修建资金的使用情况", None)
        .await
        .unwrap();
    assert!(found.iter().any(|r| r.id == with_id.id), "{found:?}");
    let found = intake::possible_repeats(&registrar, &t.town, "张三", "610926199912319999", "村道修建资金的使用情况", None)
        .await
        .unwrap();
    assert!(!found.iter().any(|r| r.id == with_id.id), "{found:?}");
}
