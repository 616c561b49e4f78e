//! The case page's actions, the outcome guide, letters (HTML and DOCX) and the letter templates,
//! through the router in process.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use gongkai_report::read::doc::Block;
use tower::ServiceExt as _;

use crate::helpers::*;

fn case_path(t: &TestWeb) -> String {
    format!("/cases/{}", t.case_town.id.0)
}

async fn version(t: &TestWeb, s: &Session) -> String {
    let page = t.get(&case_path(t), Some(s)).await;
    hidden(&page.body, "seen").unwrap_or_else(|| panic!("the case page's forms carry the version"))
}

/// The body's raw bytes (a DOCX).
async fn bytes(t: &TestWeb, path: &str, s: &Session) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path).header(header::COOKIE, &s.cookie).body(Body::empty()).unwrap();
    let res = t.app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, to_bytes(res.into_body(), 16 << 20).await.unwrap().to_vec())
}

fn letter_links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/letters/")
        .map(|(i, _)| html[i + 6..].split('"').next().unwrap().to_string())
        .filter(|h| !h.ends_with("/docx"))
        .collect()
}

#[tokio::test]
async fn a_correction_notice_is_sent_once_and_a_stale_form_is_refused_with_nothing_lost() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let path = case_path(&t);
    let seen = version(&t, &s).await;
    let form = |seen: &str, items: &str| {
        vec![("csrf", s.csrf.clone()), ("seen", seen.to_string()), ("on", "2025-06-04".into()), ("items", items.to_string()), ("correct_by", "2025-06-20".into())]
    };
    let f = form(&seen, "1.请写明所需信息的名称或文号");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/correction"), Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&path, Some(&s)).await;
    assert!(page.body.contains("发出补正通知") && page.body.contains("补正告知书"), "{}", page.body);
    assert_eq!(letter_links(&page.body).len(), 2, "the fixture's letter and the notice's");

    // A stale form (the version before the notice): 409, the message, what was typed kept.
    let f = form(&seen, "再补一项：身份证明");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/correction"), Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("再补一项：身份证明") && r.body.contains("保留"), "{}", r.body);

    // Art. 30: once. With the current version the engine refuses it, its reason at the form.
    let seen = version(&t, &s).await;
    let f = form(&seen, "再补一项：身份证明");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/correction"), Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("field-error") && r.body.contains("再补一项：身份证明"), "{}", r.body);
    assert_eq!(letter_links(&t.get(&path, Some(&s)).await.body).len(), 2, "nothing issued");

    // Bad input: a date that is no date, named.
    let mut f = form(&seen, "x");
    f[2].1 = "明天".into();
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/correction"), Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("通知日期“明天”不是日期"), "{}", r.body);
}

#[tokio::test]
async fn the_officer_asks_for_an_extension_and_only_another_office_head_approves_it() {
    let t = TestWeb::new().await;
    let head = t.login("head").await;
    let officer = t.login("officer").await;
    let path = case_path(&t);
    // The head assigns the officer.
    let seen = version(&t, &head).await;
    let r = t.post(&format!("{path}/assign"), Some(&head), &[("csrf", &head.csrf), ("seen", &seen), ("officer", "officer")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An empty choice is refused at the form.
    let seen = version(&t, &head).await;
    let r = t.post(&format!("{path}/assign"), Some(&head), &[("csrf", &head.csrf), ("seen", &seen), ("officer", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择承办人"));

    let r = t
        .post(&format!("{path}/extension"), Some(&officer), &[("csrf", &officer.csrf), ("on", "2025-06-27"), ("days", "10"), ("reason", "需要调取档案")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&path, Some(&officer)).await;
    assert!(page.body.contains("需要调取档案") && page.body.contains("待审批"));
    assert!(!page.body.contains("/extension/decide"), "the officer sees no approval form");
    let request = hidden(&t.get(&path, Some(&head)).await.body, "request").unwrap_or_else(|| panic!("the head sees the approval form"));
    let decide = |s: &Session| vec![("csrf", s.csrf.clone()), ("request", request.clone()), ("decision", "approve".into()), ("on", "2025-06-30".into())];
    let f = decide(&officer);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(t.post(&format!("{path}/extension/decide"), Some(&officer), &f).await.status, StatusCode::FORBIDDEN);
    let f = decide(&head);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/extension/decide"), Some(&head), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&path, Some(&officer)).await;
    assert!(page.body.contains("批准延期答复") && page.body.contains("延期答复告知书"), "{}", page.body);
}

#[tokio::test]
async fn the_guide_leads_step_by_step_to_the_reply_and_its_letter_in_html_and_docx() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let path = format!("{}/reply", case_path(&t));
    let first = t.get(&path, Some(&s)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("这件申请属于哪种情形") && first.body.contains("value=\"kind=normal\""), "{}", first.body);
    let seen = hidden(&first.body, "seen").unwrap();
    let steps = ["kind=normal", "clear=yes", "info=yes", "whose=this", "exists=yes", "disclose=partly", "reason=third_party", "provide=paper"];
    let mut answers: Vec<(&str, &str)> = vec![("csrf", &s.csrf), ("seen", &seen)];
    let mut last = String::new();
    for step in steps {
        answers.push(("answer", step));
        let r = t.post(&path, Some(&s), &answers).await;
        assert_eq!(r.status, StatusCode::OK, "{step}: {}", r.body);
        last = r.body;
    }
    assert!(last.contains("部分公开") && last.contains("第三十七条、第十五条") && last.contains("行政复议"), "{last}");
    assert!(last.contains("name=\"record\""));
    // An answer the guide does not offer: refused, back to the start.
    let r = t.post(&path, Some(&s), &[("csrf", &s.csrf), ("seen", &seen), ("answer", "kind=whatever")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("没有选项"), "{}", r.body);

    answers.extend([("record", "1"), ("on", "2025-06-30"), ("delivery", "post"), ("text", "")]);
    let r = t.post(&path, Some(&s), &answers).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let letter = r.headers.get("location").unwrap().to_str().unwrap().to_string();
    assert!(letter.starts_with("/letters/"));
    let case = t.get(&case_path(&t), Some(&s)).await;
    assert!(case.body.contains("部分公开") && !case.body.contains("id=\"actions\""), "closed: no actions");
    // The reply's letter number is the case's 告知书文号, shown and in the 台账 export.
    assert!(case.body.contains("<dt>告知书文号</dt><dd>信息公开〔2025〕2号</dd>"), "{}", case.body);
    let export = t.get("/cases/export?format=csv", Some(&s)).await;
    assert_eq!(export.status, StatusCode::OK);
    let mut lines = export.body.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "告知书文号").expect("the 台账 has the column");
    let row = lines.find(|l| l.starts_with("民主-2025-001,")).unwrap();
    assert_eq!(row.split(',').nth(col), Some("信息公开〔2025〕2号"), "{row}");

    let html = t.get(&letter, Some(&s)).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("政府信息部分公开告知书") && html.body.contains("信息公开〔2025〕2号"), "{}", html.body);
    let (status, headers, docx) = bytes(&t, &format!("{letter}/docx"), &s).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().contains("wordprocessingml"));
    let doc = gongkai_report::read::docx::to_doc(&docx).unwrap();
    let paras: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para { text, .. } => Some(text.to_string()),
            Block::Table { .. } => None,
        })
        .collect();
    assert_eq!(paras[0], "政府信息部分公开告知书");
    assert_eq!(paras[1], "信息公开〔2025〕2号");
    assert_eq!(paras[2], "张三：");
    assert!(paras.iter().any(|p| p.contains("第三十七条") && p.contains("不予公开")), "{paras:?}");
    assert!(paras.iter().any(|p| p.contains("六十日内向岚皋县人民政府申请行政复议")), "{paras:?}");
    assert_eq!(&paras[paras.len() - 2..], ["民主镇人民政府", "2025年6月30日"]);
    // Another township's user: not found.
    assert_eq!(t.get(&format!("/letters/{}", t.letter_other.id), Some(&s)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_fee_notice_takes_the_calculators_amount_and_bad_numbers_are_named() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let path = case_path(&t);
    let seen = version(&t, &s).await;
    let fee = |pages: &'static str| {
        vec![("csrf", s.csrf.clone()), ("seen", seen.clone()), ("on", "2025-06-05".into()), ("method", "per_page".into()), ("pages", pages.into()), ("how_to_pay", "到财务室缴纳".into())]
    };
    let f = fee("很多");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/fee"), Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("页数“很多”不是有效的数字") && r.body.contains("到财务室缴纳"), "{}", r.body);
    // An amount typed instead of calculated (an old form, a crafted request): refused, nothing
    // sent — the notice must state the method and the standard (国办函〔2020〕109号).
    let typed = [("csrf", s.csrf.as_str()), ("seen", seen.as_str()), ("on", "2025-06-05"), ("method", "typed"), ("amount", "500"), ("how_to_pay", "到财务室缴纳")];
    let r = t.post(&format!("{path}/fee"), Some(&s), &typed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("请选择计收方式（按量或按件）") && !r.body.contains("value=\"typed\""), "{}", r.body);
    let f = fee("40");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(t.post(&format!("{path}/fee"), Some(&s), &f).await.status, StatusCode::SEE_OTHER);
    let page = t.get(&path, Some(&s)).await;
    assert!(page.body.contains("100 元") && page.body.contains("收费通知书"), "{}", page.body);
    // The payment through the events form.
    let seen = version(&t, &s).await;
    let r = t.post(&format!("{path}/events"), Some(&s), &[("csrf", &s.csrf), ("seen", &seen), ("kind", "fee_paid"), ("on", "2025-06-10")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.get(&path, Some(&s)).await.body.contains("缴纳信息处理费"));
    // A kind the form does not offer.
    let seen = version(&t, &s).await;
    let r = t.post(&format!("{path}/events"), Some(&s), &[("csrf", &s.csrf), ("seen", &seen), ("kind", "replied"), ("on", "2025-06-10")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// 按件: the form asks only how many items; the applicant's count this month is the records'.
/// A typed ordinal (an old form, a crafted request) changes nothing.
#[tokio::test]
async fn a_per_item_fee_counts_the_applicants_month_from_the_records_not_the_form() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let op = t.office.operator("tester");
    let page = t.get(&case_path(&t), Some(&s)).await;
    assert!(!page.body.contains("name=\"ordinal\"") && page.body.contains("由系统按登记记录计算"), "{}", page.body);
    // The fixture's case is 张三's first in June: free, whatever the form says.
    let seen = version(&t, &s).await;
    let per_item = |seen: &str| {
        vec![("csrf", s.csrf.clone()), ("seen", seen.to_string()), ("on", "2025-06-20".into()), ("method", "per_item".into()), ("ordinal", "25".into()), ("items", "1".into()), ("how_to_pay", "到财务室缴纳".into())]
    };
    let f = per_item(&seen);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/fee", path = case_path(&t)), Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不需要收费") && r.body.contains("本件为申请人本月第1件"), "{}", r.body);
    // Ten more of 张三's in June: the eleventh (the last registered) costs 100 yuan.
    let mut last = None;
    for day in 3..=12 {
        last = Some(gongkai_app::cases::add(&op, &t.town, new_case(&format!("2025-06-{day:02}"))).await.unwrap());
    }
    let last = last.unwrap();
    let path = format!("/cases/{}", last.id.0);
    let seen = hidden(&t.get(&path, Some(&s)).await.body, "seen").unwrap();
    let f = per_item(&seen);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post(&format!("{path}/fee"), Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&path, Some(&s)).await;
    assert!(page.body.contains("100 元"), "{}", page.body);
    let letter = letter_links(&page.body).pop().unwrap();
    let html = t.get(&letter, Some(&s)).await.body;
    assert!(html.contains("本件为申请人本月第11件") && html.contains("人民币100元"), "{html}");
}

#[tokio::test]
async fn an_administrator_edits_previews_and_resets_a_letter_template() {
    let t = TestWeb::new().await;
    let s = t.login("admin").await;
    let base = format!("/agencies/{}/letters", t.town.id.0);
    // The way there: the case page links an administrator to the agency's templates.
    assert!(t.get(&case_path(&t), Some(&s)).await.body.contains(&format!("href=\"{base}\"")));
    let list = t.get(&base, Some(&s)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("补正告知书") && list.body.contains("默认模板"));
    // The 机关代字 is an agency setting, linked from here; no longer a template.
    assert!(list.body.contains(&format!("href=\"/admin/agencies/{}\"", t.town.id.0)) && !list.body.contains("doc_prefix"), "{}", list.body);
    assert_eq!(t.get(&format!("{base}/doc_prefix"), Some(&s)).await.status, StatusCode::NOT_FOUND);
    let page = t.get(&format!("{base}/correction"), Some(&s)).await;
    assert!(page.body.contains("预览") && page.body.contains("政府信息公开申请补正告知书"));
    let body = gongkai_app::letters::kind("correction").unwrap().default.replace("特此告知。", "特此告知，谢谢配合。");
    let r = t.post(&format!("{base}/correction"), Some(&s), &[("csrf", &s.csrf), ("action", "preview"), ("body", &body)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("谢谢配合") && r.body.contains("民主镇人民政府"));
    let bad = body.replace("{{补正事项}}", "{{无此项}}");
    let r = t.post(&format!("{base}/correction"), Some(&s), &[("csrf", &s.csrf), ("action", "save"), ("body", &bad)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("无此项"), "{}", r.body);
    let r = t.post(&format!("{base}/correction"), Some(&s), &[("csrf", &s.csrf), ("action", "save"), ("body", &body)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.get(&base, Some(&s)).await.body.contains("本机关模板"));
    let r = t.post(&format!("{base}/correction"), Some(&s), &[("csrf", &s.csrf), ("action", "reset")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!t.get(&base, Some(&s)).await.body.contains("本机关模板"));
    // The officer may not.
    let o = t.login("officer").await;
    assert_eq!(t.get(&base, Some(&o)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_late_correction_notice_is_recorded_as_late_on_the_clock_card_and_a_withdrawal_closes_the_case() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let path = case_path(&t);
    let seen = version(&t, &s).await;
    // Received 2025-06-02: the notice was due within 7 working days (by 2025-06-11). A late one is
    // a fact to record, not to hide: the engine accepts it and the clock card says it was late
    // (docs/CLOCK.md, "a passed deadline stays passed").
    let r = t
        .post(
            &format!("{path}/correction"),
            Some(&s),
            &[("csrf", &s.csrf), ("seen", &seen), ("on", "2025-06-20"), ("items", "写明文号"), ("correct_by", "2025-06-30")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&path, Some(&s)).await;
    assert!(page.body.contains("补正通知本身逾期"), "{}", page.body);
    let seen = version(&t, &s).await;
    let r = t
        .post(&format!("{path}/events"), Some(&s), &[("csrf", &s.csrf), ("seen", &seen), ("kind", "withdrawn"), ("on", "2025-06-20"), ("note", "申请人书面撤回")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&path, Some(&s)).await;
    assert!(page.body.contains("撤回申请") && page.body.contains("申请人书面撤回") && !page.body.contains("id=\"actions\""), "{}", page.body);
    // The guide is closed to a closed case.
    assert_eq!(t.get(&format!("{path}/reply"), Some(&s)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Two office heads open the case page; the first assigns an officer, the second's assignment
/// from the page it saw is refused with a message (409), not saved over the first.
#[tokio::test]
async fn a_second_assignment_from_a_stale_page_is_refused_not_saved_over_the_first() {
    let t = TestWeb::new().await;
    let op = t.office.operator("tester");
    gongkai_app::people::add_user(&op, "head2", "第二位主任", PASSWORD).await.unwrap();
    gongkai_app::people::grant(&op, "head2", &t.town, gongkai_app::model::Role::OfficeHead).await.unwrap();
    let (a, b) = (t.login("head").await, t.login("head2").await);
    let path = case_path(&t);
    let (seen_a, seen_b) = (version(&t, &a).await, version(&t, &b).await);
    assert_eq!(seen_a, seen_b);
    let r = t.post(&format!("{path}/assign"), Some(&a), &[("csrf", &a.csrf), ("seen", &seen_a), ("officer", "officer")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = t.post(&format!("{path}/assign"), Some(&b), &[("csrf", &b.csrf), ("seen", &seen_b), ("officer", "head2")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("已被他人修改") && r.body.contains("刷新"), "{}", r.body);
    let app = gongkai_app::cases::get(&op, t.case_town.id).await.unwrap();
    let officer = gongkai_app::people::user_by_id(&op, app.case_officer.unwrap()).await.unwrap();
    assert_eq!(officer.login, "officer");
    // A form without its version is refused too (nothing to compare with).
    let r = t.post(&format!("{path}/assign"), Some(&b), &[("csrf", &b.csrf), ("officer", "head2")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // From the fresh page it saves.
    let seen = version(&t, &b).await;
    let r = t.post(&format!("{path}/assign"), Some(&b), &[("csrf", &b.csrf), ("seen", &seen), ("officer", "head2")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
