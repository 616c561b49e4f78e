//! 登记簿: appeals linked to their case (add, close, correct, void), documents (add, repeal,
//! correct), the year's counts (a change needs a reason); bad input at its field, nothing saved.

use axum::http::StatusCode;
use gongkai_app::registers;

use crate::helpers::*;

#[tokio::test]
async fn appeals_are_linked_to_their_case_closed_and_corrected_with_a_reason() {
    let t = TestWeb::new().await;
    let s = t.login("head").await;
    let base = format!("/registers/{}", t.town.id);
    assert_eq!(t.get(&base, Some(&s)).await.status, StatusCode::OK);
    let op = t.office.operator("tester");
    let count = || async { registers::appeals(&op, &t.town).await.unwrap().len() };

    // Bad input: each at its field; nothing saved.
    let bad: &[(&[(&str, &str)], &str)] = &[
        (&[("a_case", ""), ("a_kind", "reconsideration"), ("a_filed", "2025-06-20")], "请填写所涉申请的编号"),
        (&[("a_case", "没有这个编号"), ("a_kind", "reconsideration"), ("a_filed", "2025-06-20")], "未找到编号为“没有这个编号”的申请"),
        // Another township's case is not found from here either.
        (&[("a_case", "堰门-2025-001"), ("a_kind", "reconsideration"), ("a_filed", "2025-06-20")], "未找到编号"),
        (&[("a_case", "民主-2025-001"), ("a_kind", "duel"), ("a_filed", "2025-06-20")], "请选择类别"),
        (&[("a_case", "民主-2025-001"), ("a_kind", "reconsideration"), ("a_filed", "2025-07-20")], "立案日期晚于今天"),
        (&[("a_case", "民主-2025-001"), ("a_kind", "reconsideration"), ("a_filed", "2025-06-20"), ("a_result", "upheld")], "请填写审结日期"),
    ];
    for (fields, message) in bad {
        let mut form = vec![("csrf", s.csrf.as_str())];
        form.extend_from_slice(fields);
        let r = t.post(&format!("{base}/appeals"), Some(&s), &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}: {}", r.body);
        assert!(r.body.contains("field-error") && r.body.contains(message), "{message}: {}", r.body);
    }
    assert_eq!(count().await, 0);

    // The case is open and not overdue: an appeal over inaction is refused by the records' rule.
    let r = t
        .post(&format!("{base}/appeals"), Some(&s), &[("csrf", &s.csrf), ("a_case", "民主-2025-001"), ("a_kind", "reconsideration"), ("a_filed", "2025-06-20")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(count().await, 0);

    // Replied: now it may be appealed.
    let head = t.office.login("head", PASSWORD).await.unwrap();
    let reply = gongkai_app::cases::EventInput {
        outcome: Some(gongkai_app::model::Outcome::Granted),
        ..gongkai_app::cases::EventInput::new(gongkai_app::model::EventKind::Replied, chrono::NaiveDate::from_ymd_opt(2025, 6, 10).unwrap())
    };
    gongkai_app::cases::record_event(&head, &t.case_town, reply, None).await.unwrap();
    let r = t
        .post(&format!("{base}/appeals"), Some(&s), &[("csrf", &s.csrf), ("a_case", "民主-2025-001"), ("a_kind", "reconsideration"), ("a_filed", "2025-06-20"), ("a_note", "岚皋县人民政府复议〔2025〕3号")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let appeals = registers::appeals(&op, &t.town).await.unwrap();
    assert_eq!(appeals.len(), 1);
    assert_eq!(appeals[0].application, t.case_town.id);
    let id = appeals[0].id.0.to_string();
    let page = t.get(&base, Some(&s)).await;
    assert!(page.body.contains(&format!("/cases/{}", t.case_town.id.0)) && page.body.contains("岚皋县人民政府复议〔2025〕3号"), "{}", page.body);

    // Close it.
    let r = t.post(&format!("{base}/appeals/close"), Some(&s), &[("csrf", &s.csrf), ("c_id", &id), ("c_result", "pending"), ("c_on", "2025-06-25")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择审结结果"), "{}", r.body);
    let r = t.post(&format!("{base}/appeals/close"), Some(&s), &[("csrf", &s.csrf), ("c_id", &id), ("c_result", "upheld"), ("c_on", "2025-06-25")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(registers::appeals(&op, &t.town).await.unwrap()[0].result, gongkai_app::model::AppealResult::Upheld);

    // Correct without a reason: refused at the field. With one: corrected.
    let fields = |reason: &'static str| {
        vec![("x_id", id.clone()), ("x_kind", "reconsideration".into()), ("x_filed", "2025-06-19".into()), ("x_result", "corrected".into()), ("x_closed", "2025-06-25".into()), ("x_reason", reason.into())]
    };
    let mut form: Vec<(&str, String)> = vec![("csrf", s.csrf.clone())];
    form.extend(fields(""));
    let form_ref: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{base}/appeals/correct"), Some(&s), &form_ref).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写更正原因"), "{}", r.body);
    let mut form: Vec<(&str, String)> = vec![("csrf", s.csrf.clone())];
    form.extend(fields("复议决定书载明为纠正"));
    let form_ref: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{base}/appeals/correct"), Some(&s), &form_ref).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = &registers::appeals(&op, &t.town).await.unwrap()[0];
    assert_eq!((a.result, a.filed_on.to_string()), (gongkai_app::model::AppealResult::Corrected, "2025-06-19".to_string()));
    // Void it.
    let r = t.post(&format!("{base}/appeals/correct"), Some(&s), &[("csrf", &s.csrf), ("x_id", &id), ("x_void", "1"), ("x_reason", "重复登记")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(registers::appeals(&op, &t.town).await.unwrap()[0].voided.is_some());
    // An appeal of this agency cannot be reached through another agency's path.
    let other = t.login("admin").await;
    let r = t.post(&format!("/registers/{}/appeals/close", t.other.id), Some(&other), &[("csrf", &other.csrf), ("c_id", &id), ("c_result", "upheld"), ("c_on", "2025-06-25")]).await;
    assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.status);
}

#[tokio::test]
async fn documents_are_registered_repealed_and_corrected() {
    let t = TestWeb::new().await;
    let s = t.login("head").await;
    let base = format!("/registers/{}", t.town.id);
    let op = t.office.operator("tester");
    let r = t.post(&format!("{base}/documents"), Some(&s), &[("csrf", &s.csrf), ("d_kind", "normative_document"), ("d_number", ""), ("d_title", "x"), ("d_made", "2025-13-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写文号") && r.body.contains("制发日期“2025-13-01”不是有效日期"), "{}", r.body);
    assert!(registers::documents(&op, &t.town).await.unwrap().is_empty());
    let r = t
        .post(&format!("{base}/documents"), Some(&s), &[("csrf", &s.csrf), ("d_kind", "normative_document"), ("d_number", "民政发〔2025〕6号"), ("d_title", "民主镇村道养护管理办法"), ("d_made", "2025-03-01")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.get(&base, Some(&s)).await.body.contains("民主镇村道养护管理办法"));
    let r = t.post(&format!("{base}/documents/repeal"), Some(&s), &[("csrf", &s.csrf), ("r_number", "民政发〔2025〕9号"), ("r_validity", "repealed"), ("r_on", "2025-06-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("没有文号"), "{}", r.body);
    let r = t.post(&format!("{base}/documents/repeal"), Some(&s), &[("csrf", &s.csrf), ("r_number", "民政发〔2025〕6号"), ("r_validity", "repealed"), ("r_on", "2025-06-01")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = t
        .post(&format!("{base}/documents/correct"), Some(&s), &[("csrf", &s.csrf), ("y_target", "民政发〔2025〕6号"), ("y_kind", "normative_document"), ("y_number", "民政发〔2025〕7号"), ("y_title", "民主镇村道养护管理办法"), ("y_made", "2025-03-01"), ("y_reason", "文号录入错误")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let docs = registers::documents(&op, &t.town).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].doc_number, "民政发〔2025〕7号");
    // A reviewer reads the register but may not change it.
    let reviewer = t.login("reviewer").await;
    assert_eq!(t.get(&base, Some(&reviewer)).await.status, StatusCode::OK);
    assert!(!t.get(&base, Some(&reviewer)).await.body.contains("登记文件</summary>"));
}

#[tokio::test]
async fn the_years_counts_are_set_and_a_change_needs_a_reason() {
    let t = TestWeb::new().await;
    let s = t.login("registrar").await;
    let base = format!("/registers/{}", t.town.id);
    let op = t.office.operator("tester");
    let r = t.post(&format!("{base}/counts"), Some(&s), &[("csrf", &s.csrf), ("year", "2024"), ("n_licensing", "-3"), ("n_fees", "abc")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("行政许可数量应为不小于 0 的整数") && r.body.contains("万元"), "{}", r.body);
    assert_eq!(registers::counts(&op, &t.town, 2024).await.unwrap(), None);
    let r = t.post(&format!("{base}/counts"), Some(&s), &[("csrf", &s.csrf), ("year", "2024"), ("n_licensing", "12"), ("n_fees", "3.5")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = t.post(&format!("{base}/counts"), Some(&s), &[("csrf", &s.csrf), ("year", "2024"), ("n_licensing", "13")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("须说明原因"), "{}", r.body);
    assert_eq!(registers::counts(&op, &t.town, 2024).await.unwrap().unwrap().admin_licensing, Some(12));
    let r = t.post(&format!("{base}/counts"), Some(&s), &[("csrf", &s.csrf), ("year", "2024"), ("n_licensing", "13"), ("n_reason", "漏报一件")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let c = registers::counts(&op, &t.town, 2024).await.unwrap().unwrap();
    assert_eq!((c.admin_licensing, c.admin_fees_wan.as_deref()), (Some(13), Some("3.5")));
    let page = t.get(&format!("{base}?year=2024"), Some(&s)).await;
    assert!(page.body.contains("<dd>13</dd>"), "{}", page.body);
    assert_eq!(t.get(&format!("{base}?year=1999"), Some(&s)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}
