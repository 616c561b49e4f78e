//! 登记 in the browser: the preview with the Art. 31 receipt date, saving, the 回执, bad input
//! shown at its field with nothing saved, the repeat warning; the 台账 export of the filtered list
//! and the upload (all rows or none, the error table).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gongkai_app::cases::{self, CaseQuery, NewCase};

use crate::helpers::*;

async fn count(t: &TestWeb) -> i64 {
    cases::count(&t.office.operator("tester"), &CaseQuery::default()).await.unwrap()
}

fn form<'a>(t: &TestWeb, s: &'a Session, step: &'a str, agency: &'a str) -> Vec<(&'a str, &'a str)> {
    let _ = t;
    vec![
        ("csrf", s.csrf.as_str()),
        ("agency", agency),
        ("channel", "wechat"),
        ("received_on", "2025-06-03"),
        ("confirmed_on", "2025-06-04"),
        ("kind", "commercial"),
        ("name", "岚皋某某建材有限公司"),
        ("id_document", "91610926MA0000000X"),
        ("contact", "13800000000"),
        ("address", ""),
        ("content", "2024年民主镇道路硬化工程招标文件"),
        ("requested_form", "电子数据"),
        ("delivery", "电子邮件"),
        ("remarks", ""),
        ("step", step),
    ]
}

fn with<'a>(mut f: Vec<(&'a str, &'a str)>, key: &str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    for kv in &mut f {
        if kv.0 == key {
            kv.1 = value;
        }
    }
    f
}

#[tokio::test]
async fn a_registrar_previews_the_receipt_date_saves_and_prints_the_receipt() {
    let t = TestWeb::new().await;
    let s = t.login("registrar").await;
    let r = t.get("/intake", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    for channel in ["微信", "口头申请", "邮寄", "平信", "传真", "电子邮件", "网络", "当面提交"] {
        assert!(r.body.contains(channel), "{channel}");
    }
    let before = count(&t).await;
    let agency = t.town.id.to_string();
    // Preview: the Art. 31 date (both sides confirmed the next day), the deadline; nothing saved.
    let r = t.post("/intake", Some(&s), &form(&t, &s, "preview", &agency)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("收到申请之日</dt><dd><strong>2025-06-04"), "{}", r.body);
    assert!(r.body.contains("2025-07-02") && r.body.contains("确认登记"), "{}", r.body);
    assert_eq!(count(&t).await, before);
    let previewed = hidden(&r.body, "previewed").unwrap();
    // Saving without the preview, or after changing a field, shows the preview again.
    let r2 = t.post("/intake", Some(&s), &form(&t, &s, "save", &agency)).await;
    assert_eq!(r2.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r2.body);
    assert!(r2.body.contains("请核对") && r2.body.contains("2025-07-02"), "{}", r2.body);
    let mut changed = with(form(&t, &s, "save", &agency), "confirmed_on", "2025-06-05");
    changed.push(("previewed", &previewed));
    let r2 = t.post("/intake", Some(&s), &changed).await;
    assert_eq!(r2.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r2.body);
    assert!(r2.body.contains("收到申请之日</dt><dd><strong>2025-06-05"), "{}", r2.body);
    assert_eq!(count(&t).await, before);
    // Save what was previewed: the 回执 with its query code.
    let mut save = form(&t, &s, "save", &agency);
    save.push(("previewed", &previewed));
    let r = t.post("/intake", Some(&s), &save).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers.get("location").unwrap().to_str().unwrap().to_string();
    assert!(to.starts_with("/receipts/"), "{to}");
    assert_eq!(count(&t).await, before + 1);
    let id: i64 = to.trim_start_matches("/receipts/").parse().unwrap();
    let app = cases::get(&t.office.operator("tester"), gongkai_app::model::ApplicationId(id)).await.unwrap();
    assert_eq!(app.channel, gongkai_app::model::Channel::WeChat);
    assert_eq!(app.applicant.kind, gongkai_app::model::ApplicantKind::Commercial);
    let r = t.get(&to, Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("回执") && r.body.contains(&app.number), "{}", r.body);
    assert!(r.body.contains(app.query_code.as_deref().unwrap()), "{}", r.body);
    assert!(r.body.contains("2025-06-04") && r.body.contains("双方确认之日"), "{}", r.body);
    // Another township's registrar-less user cannot open it: not found.
    let other = t.get(&format!("/receipts/{}", t.case_other.id.0), Some(&s)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_intake_input_comes_back_named_at_its_field_and_nothing_is_saved() {
    let t = TestWeb::new().await;
    let s = t.login("registrar").await;
    let agency = t.town.id.to_string();
    let other = t.other.id.to_string();
    let before = count(&t).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (with(form(&t, &s, "save", &agency), "name", "  "), "请填写申请人姓名或名称"),
        (with(form(&t, &s, "save", &agency), "content", ""), "请填写申请公开的政府信息"),
        (with(form(&t, &s, "save", &agency), "contact", ""), "请填写联系方式"),
        (with(form(&t, &s, "save", &agency), "received_on", "2025-02-30"), "收到日期“2025-02-30”不是有效日期"),
        (with(form(&t, &s, "save", &agency), "received_on", "2025-07-01"), "晚于今天"),
        (with(form(&t, &s, "save", &agency), "confirmed_on", "2025-06-01"), "早于到达日期"),
        (with(with(form(&t, &s, "save", &agency), "channel", "in_person"), "confirmed_on", "2025-06-04"), "不填写签收或确认日期"),
        (with(form(&t, &s, "save", &agency), "channel", "pigeon"), "请选择申请方式"),
        (with(form(&t, &s, "save", &agency), "kind", "alien"), "请选择申请人类型"),
        // An agency the registrar may not register at is not offered and not accepted.
        (form(&t, &s, "save", &other), "请选择受理机关"),
    ];
    for (f, message) in cases {
        let r = t.post("/intake", Some(&s), &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}: {}", r.body);
        assert!(r.body.contains("class=\"field-error\"") && r.body.contains(message), "{message}: {}", r.body);
        // The form comes back filled in.
        assert!(r.body.contains("2024年民主镇道路硬化工程招标文件") || message.contains("申请公开"), "{}", r.body);
    }
    assert_eq!(count(&t).await, before);
}

#[tokio::test]
async fn the_preview_warns_of_a_possible_repeat_application() {
    let t = TestWeb::new().await;
    let s = t.login("registrar").await;
    let agency = t.town.id.to_string();
    // 张三 asked for 村道修建资金的使用情况 (the fixture's case); he asks again.
    let f = with(with(with(with(form(&t, &s, "preview", &agency), "name", "张三"), "kind", "natural_person"), "id_document", ""), "content", "村道修建资金使用情况");
    let r = t.post("/intake", Some(&s), &f).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("可能是重复申请") && r.body.contains(&t.case_town.number), "{}", r.body);
    assert!(r.body.contains("相似度"), "{}", r.body);
    // Someone else asking: no warning.
    let f = with(with(form(&t, &s, "preview", &agency), "name", "李四"), "content", "村道修建资金使用情况");
    let r = t.post("/intake", Some(&s), &f).await;
    assert!(!r.body.contains("可能是重复申请"), "{}", r.body);
}

#[tokio::test]
async fn the_filtered_list_exports_as_the_ledger_in_csv_and_xlsx() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let r = t.get("/cases", Some(&s)).await;
    assert!(r.body.contains("/cases/export?format=csv"), "{}", r.body);
    let r = t.get("/cases/export?format=csv", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
    assert!(r.headers.get("content-disposition").unwrap().to_str().unwrap().contains("attachment"));
    let header_line = gongkai_app::ledger::HEADERS.join(",");
    assert!(r.body.trim_start_matches('\u{feff}').starts_with(&header_line), "{}", r.body);
    assert!(r.body.contains(&t.case_town.number) && !r.body.contains(&t.case_other.number), "{}", r.body);
    // The filters apply: no closed case.
    let r = t.get("/cases/export?state=closed&format=csv", Some(&s)).await;
    assert!(!r.body.contains(&t.case_town.number), "{}", r.body);
    // XLSX: a workbook that reads back with the same rows.
    let res = t.send(Request::get("/cases/export?format=xlsx").header(header::COOKIE, &s.cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(res.status, StatusCode::OK);
    let r = t.get_bytes("/cases/export?format=xlsx", &s).await;
    let (_, table) = gongkai_app::ledger::read_table_bytes(&r).unwrap();
    assert_eq!(table[0], gongkai_app::ledger::HEADERS.map(str::to_string).to_vec());
    assert_eq!(table.len(), 2);
    assert_eq!(table[1][0], t.case_town.number);
    // A bad format or filter answers 422.
    assert_eq!(t.get("/cases/export?format=pdf", Some(&s)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.get("/cases/export?year=abc&format=csv", Some(&s)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

const GOOD: &str = "编号,申请人,申请人类型,申请方式,收到日期,申请内容\n民主-2025-101,王五,自然人,微信,2025-06-03,镇政府2024年预算\n民主-2025-102,赵六,商业企业,当面提交,2025-06-04,道路工程合同\n";
const BAD: &str = "编号,申请人,申请人类型,申请方式,收到日期,申请内容\n民主-2025-201,王五,自然人,当面提交,2025-06-03,镇政府2024年预算\n民主-2025-202,赵六,外星人,当面提交,2025-13-04,道路工程合同\n";

#[tokio::test]
async fn a_ledger_upload_imports_every_row_or_none_with_an_error_table() {
    let t = TestWeb::new().await;
    let s = t.login("registrar").await;
    let agency = t.town.id.to_string();
    assert_eq!(t.get("/intake/ledger", Some(&s)).await.status, StatusCode::OK);
    let before = count(&t).await;
    let r = t.upload("/intake/ledger", &s, &[("csrf", &s.csrf), ("agency", &agency)], "台账.csv", BAD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("未导入任何记录") && r.body.contains("第 3 行"), "{}", r.body);
    assert!(r.body.contains("<td>申请人类型</td>") && r.body.contains("<td>收到日期</td>"), "{}", r.body);
    assert_eq!(count(&t).await, before, "nothing imported from a file with an error");
    let r = t.upload("/intake/ledger", &s, &[("csrf", &s.csrf), ("agency", &agency)], "台账.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已导入 2 件"), "{}", r.body);
    assert_eq!(count(&t).await, before + 2);
    let r = t.get("/cases?q=民主-2025-101", Some(&s)).await;
    assert!(r.body.contains("王五"), "{}", r.body);
    // No file, no agency: the form again.
    let r = t.upload("/intake/ledger", &s, &[("csrf", &s.csrf), ("agency", "")], "台账.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择导入到哪个机关"), "{}", r.body);
    // Without the token first, nothing is read.
    let r = t.upload("/intake/ledger", &s, &[("agency", &agency), ("csrf", &s.csrf)], "台账.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.upload("/intake/ledger", &s, &[("csrf", &"0".repeat(64)), ("agency", &agency)], "台账.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&t).await, before + 2);
    // Another agency's registrar cannot import here: the agency is not among theirs.
    let officer = t.login("reviewer").await;
    let r = t.upload("/intake/ledger", &officer, &[("csrf", &officer.csrf), ("agency", &agency)], "台账.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused() {
    let t = TestWeb::new().await;
    let s = t.login("registrar").await;
    let agency = t.town.id.to_string();
    let big = vec![b'a'; gongkai_web::security::UPLOAD_LIMIT + 1024];
    let r = t.upload("/intake/ledger", &s, &[("csrf", &s.csrf), ("agency", &agency)], "big.csv", &big).await;
    assert!(matches!(r.status, StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNPROCESSABLE_ENTITY), "{}", r.status);
    assert!(r.body.contains("文件过大"), "{}", r.body);
}

#[tokio::test]
async fn the_case_list_sorts_by_the_nearest_deadline_and_refuses_an_unknown_sort() {
    let t = TestWeb::new().await;
    let op = t.office.operator("tester");
    // A later-received case with an earlier deadline is impossible for one channel; a closed one
    // drops out of the deadline order.
    let late = cases::add(&op, &t.town, NewCase { number: Some("民主-2025-002".into()), ..new_case("2025-06-20") }).await.unwrap();
    let s = t.login("officer").await;
    let r = t.get("/cases?sort=due", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    let first = r.body.find(&t.case_town.number).unwrap();
    let second = r.body.find(&late.number).unwrap();
    assert!(first < second, "the nearer deadline first");
    let r = t.get("/cases", Some(&s)).await;
    assert!(r.body.find(&late.number).unwrap() < r.body.find(&t.case_town.number).unwrap(), "newest received first");
    assert_eq!(t.get("/cases?sort=random", Some(&s)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_receipt_shows_the_agencys_contact_details() {
    let t = TestWeb::new().await;
    let admin = t.login("admin").await;
    let path = format!("/admin/agencies/{}", t.town.id);
    let r = t
        .post(&path, Some(&admin), &[("csrf", &admin.csrf), ("name", "民主镇人民政府"), ("phone", "0915-2512345"), ("office_hours", "工作日 8:30-17:30"), ("address", "民主镇政府街 1 号")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let s = t.login("registrar").await;
    let r = t.get(&format!("/receipts/{}", t.case_town.id.0), Some(&s)).await;
    assert!(r.body.contains("0915-2512345") && r.body.contains("工作日 8:30-17:30") && r.body.contains("民主镇政府街 1 号"), "{}", r.body);
}

/// An unreadable ledger (a damaged Excel file, a type the ledger does not take, text in an
/// unknown encoding) is a page that says why, nothing imported.
#[tokio::test]
async fn an_unreadable_ledger_upload_is_a_clear_page_and_nothing_is_imported() {
    let t = TestWeb::new().await;
    let s = t.login("registrar").await;
    let agency = t.town.id.to_string();
    let before = count(&t).await;
    for (name, bytes, says) in [
        ("台账.xlsx", &b"PK\x03\x04 not really a workbook"[..], "Excel"),
        ("台账.pdf", &b"%PDF-1.7"[..], "无法识别台账文件类型"),
        ("台账.csv", &b"\x00\x01\x02\xff\xfe\x00garbage"[..], "含有二进制内容"),
        ("台账.csv", &b"%PDF-1.7 renamed"[..], "是 PDF 文件"),
        ("台账.xls", &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"[..], "无法识别台账文件类型"),
        ("台账", &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"[..], "另存为"),
    ] {
        let r = t.upload("/intake/ledger", &s, &[("csrf", &s.csrf), ("agency", &agency)], name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
        assert!(r.body.contains("<html") && r.body.contains(says) && r.body.contains("name=\"file\""), "{name}: {}", r.body);
    }
    assert_eq!(count(&t).await, before);
}
