//! Letters: templates (defaults, an administrator's own, validation, reset), issuing with the
//! agency's document numbers, and the actions that send them (补正, 征求意见, 收费, the reply
//! through the outcome guide, an approved extension).

use gongkai_app::cases;
use gongkai_app::error::ErrorKind;
use gongkai_app::handling::{self, FeeAmount, ReplyInput};
use gongkai_app::letters::{self, KINDS};
use gongkai_app::model::{CaseState, EventKind, Outcome, Party, Role};

use crate::helpers::*;

fn granted_answers() -> Vec<(String, String)> {
    [("kind", "normal"), ("clear", "yes"), ("info", "yes"), ("whose", "this"), ("exists", "yes"), ("disclose", "no"), ("reason", "process_info")]
        .iter()
        .map(|(q, a)| (q.to_string(), a.to_string()))
        .collect()
}

#[test]
fn every_default_template_is_valid_and_fills_with_the_sample() {
    let agency = gongkai_app::model::Agency {
        id: gongkai_app::model::AgencyId(1),
        name: "民主镇人民政府".into(),
        level: gongkai_app::model::AgencyLevel::Township,
        parent: None,
        region: String::new(),
        settings: Default::default(),
    };
    for k in KINDS {
        letters::validate(k, k.default).unwrap_or_else(|e| panic!("{}: {}", k.code, e.message()));
        let text = letters::preview(&agency, k, k.default).unwrap();
        assert!(!text.contains("{{"), "{}: {text}", k.code);
        if !k.setting {
            let l = letters::layout(&text);
            assert!(l.title.contains("书") || l.title.contains("函"), "{}: {}", k.code, l.title);
            assert_eq!(l.number, "信息公开〔2025〕1号");
            assert_eq!(l.signature, vec!["民主镇人民政府".to_string(), "2025年6月30日".to_string()]);
            assert!(!l.paragraphs.is_empty());
        }
    }
}

#[tokio::test]
async fn a_correction_notice_issues_a_numbered_letter_and_the_numbers_follow_each_other() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let case = add_case(&t.operator(), &t.town, "2025-06-23", Some("wang")).await;
    let (app, letter) =
        handling::request_correction(&officer, &case, d("2025-06-25"), "1.所需信息的名称或文号", d("2025-07-10"), Some(case.version))
            .await
            .unwrap();
    assert_eq!(app.events.last().unwrap().kind, EventKind::CorrectionRequested);
    assert_eq!(letter.doc_number, "信息公开〔2025〕1号");
    assert!(letter.body.contains("1.所需信息的名称或文号") && letter.body.contains("2025年7月10日前"), "{}", letter.body);
    assert!(letter.body.contains("视为放弃申请") && letter.body.contains("第三十条"));
    // Art. 30: once. The engine refuses the second notice; no letter is issued for it.
    let err = handling::request_correction(&officer, &app, d("2025-06-26"), "再补", d("2025-07-10"), Some(app.version))
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Invalid | ErrorKind::Conflict), "{err:?}");
    assert_eq!(letters::of_case(&officer, &app).await.unwrap().len(), 1);
    // A stale form: refused as a conflict, nothing recorded.
    let err = handling::request_correction(&officer, &app, d("2025-06-26"), "再补", d("2025-07-10"), Some(case.version))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    // The next letter takes the next number.
    let other = add_case(&t.operator(), &t.town, "2025-06-27", Some("wang")).await;
    let (_, l2) = handling::start_consultation(&officer, &other, d("2025-06-30"), Party::ThirdParty, "某某公司", "合同文本", None)
        .await
        .unwrap();
    assert_eq!(l2.doc_number, "信息公开〔2025〕2号");
    assert!(l2.body.contains("15个工作日") && l2.body.contains("某某公司："), "{}", l2.body);
}

#[tokio::test]
async fn the_reply_through_the_guide_closes_the_case_with_its_leaf_and_the_refusal_remedies() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let case = add_case(&t.operator(), &t.town, "2025-06-23", Some("wang")).await;
    // An unfinished guide is refused.
    let half = ReplyInput { on: d("2025-06-30"), answers: granted_answers()[..3].to_vec(), text: String::new(), delivery: None };
    assert_eq!(handling::reply(&officer, &case, half, None).await.unwrap_err().kind(), ErrorKind::Invalid);
    let input = ReplyInput { on: d("2025-06-30"), answers: granted_answers(), text: String::new(), delivery: None };
    let (app, letter) = handling::reply(&officer, &case, input, Some(case.version)).await.unwrap();
    assert_eq!(app.state, CaseState::Closed);
    let closing = app.closing.unwrap();
    assert_eq!(closing.outcome, Outcome::DeniedProcessInfo);
    assert!(closing.legal_basis.contains("第十六条第二款"), "{}", closing.legal_basis);
    assert_eq!(letter.kind, "reply_denied");
    // A township's reconsideration body is the county government (行政复议法 Art. 24), first.
    assert!(letter.body.contains("六十日内向岚皋县人民政府申请行政复议") && !letter.body.contains("六个月"), "{}", letter.body);
}

#[tokio::test]
async fn a_fee_notice_is_priced_by_the_calculator_and_an_approved_extension_sends_its_letter() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let head = t.user("li", &t.town, &[Role::OfficeHead]).await;
    let case = add_case(&t.operator(), &t.town, "2025-06-23", Some("wang")).await;
    let free = FeeAmount::PerPage { pages: 30 };
    assert_eq!(handling::send_fee_notice(&officer, &case, d("2025-06-24"), free, "现金", None).await.unwrap_err().kind(), ErrorKind::Invalid);
    let (app, letter) = handling::send_fee_notice(&officer, &case, d("2025-06-24"), FeeAmount::PerPage { pages: 40 }, "到财务室缴纳", None)
        .await
        .unwrap();
    assert_eq!(app.events.last().unwrap().amount_yuan, Some(100));
    assert!(letter.body.contains("人民币100元") && letter.body.contains("按量计收") && letter.body.contains("到财务室缴纳"), "{}", letter.body);

    let other = add_case(&t.operator(), &t.town, "2025-06-02", Some("wang")).await;
    let req = cases::request_extension(&officer, &other, 20, "需要调取档案", d("2025-06-27")).await.unwrap();
    assert_eq!(handling::decide_extension(&officer, req.id, true, d("2025-06-30")).await.unwrap_err().kind(), ErrorKind::Forbidden);
    let (_, app, letter) = handling::decide_extension(&head, req.id, true, d("2025-06-30")).await.unwrap();
    let letter = letter.unwrap();
    assert_eq!(letter.kind, "extension");
    let due = app.due_on.unwrap();
    assert!(letter.body.contains(&letters::date_zh(due)) && letter.body.contains("需要调取档案") && letter.body.contains("延长20个工作日"), "{}", letter.body);
}

#[tokio::test]
async fn only_an_administrator_changes_templates_and_a_bad_template_is_refused_whole() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let admin = t.login("admin").await;
    let kind = letters::kind("correction").unwrap();
    let mine = kind.default.replace("特此告知。", "特此告知，请予配合。");
    assert_eq!(letters::set_template(&officer, &t.town, kind, &mine).await.unwrap_err().kind(), ErrorKind::Forbidden);
    let bad = kind.default.replace("{{补正事项}}", "{{不存在}}");
    let err = letters::set_template(&admin, &t.town, kind, &bad).await.unwrap_err();
    assert!(err.message().contains("不存在"), "{}", err.message());
    assert!(letters::set_template(&admin, &t.town, kind, "太短").await.is_err());
    assert!(!letters::template(&admin, &t.town, kind).await.unwrap().1);
    letters::set_template(&admin, &t.town, kind, &mine).await.unwrap();
    let mut update = agency_update(&t.town);
    update.settings.document_prefix = "民政信公".into();
    admin.update_agency(&t.town, update).await.unwrap();
    let case = add_case(&t.operator(), &t.town, "2025-06-23", Some("wang")).await;
    let (_, letter) = handling::request_correction(&officer, &case, d("2025-06-25"), "写明文号", d("2025-07-10"), None).await.unwrap();
    assert!(letter.body.contains("请予配合"));
    assert_eq!(letter.doc_number, "民政信公〔2025〕1号");
    // Back to the default.
    letters::reset_template(&admin, &t.town, kind).await.unwrap();
    assert_eq!(letters::template(&admin, &t.town, kind).await.unwrap(), (kind.default.to_string(), false));
    // Letters of another agency are not found.
    let county_officer = t.user("zhao", &t.county, &[Role::CaseOfficer]).await;
    assert_eq!(letters::get(&county_officer, letter.id).await.unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(letters::get(&officer, letter.id).await.unwrap().id, letter.id);
}

/// Each letter's DOCX, read back: the text is the letter's, line by line, in the GB/T 9704
/// styles (title, centred 文号, flush-left addressee, indented body, right-aligned 落款).
#[test]
fn every_letter_kind_reads_back_from_its_docx_line_by_line() {
    use gongkai_report::read::doc::Block;
    use gongkai_report::render::docx::{LetterDoc, letter_document_xml, render_letter};
    let agency = gongkai_app::model::Agency {
        id: gongkai_app::model::AgencyId(1),
        name: "民主镇人民政府".into(),
        level: gongkai_app::model::AgencyLevel::Township,
        parent: None,
        region: String::new(),
        settings: Default::default(),
    };
    for k in KINDS.iter().filter(|k| !k.setting) {
        let text = letters::preview(&agency, k, k.default).unwrap();
        let l = letters::layout(&text);
        let doc = LetterDoc {
            title: &l.title,
            number: &l.number,
            addressee: &l.addressee,
            paragraphs: &l.paragraphs,
            signature: &l.signature,
            agency: &agency.name,
        };
        let bytes = render_letter(&doc).unwrap();
        let read = gongkai_report::read::docx::to_doc(&bytes).unwrap();
        let paras: Vec<String> = read
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para { text, .. } => Some(text.to_string()),
                Block::Table { .. } => None,
            })
            .collect();
        let expected: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        assert_eq!(paras, expected, "{}", k.code);
        let xml = letter_document_xml(&doc);
        assert!(xml.contains("<w:pStyle w:val=\"Title\"/>"), "{}", k.code);
        assert!(xml.contains("<w:jc w:val=\"center\"/></w:pPr><w:r><w:t xml:space=\"preserve\">信息公开〔2025〕1号"), "{}", k.code);
        assert_eq!(xml.matches("<w:pStyle w:val=\"Signature\"/>").count(), 2, "{}", k.code);
        // A4, margins 37/35/28/26 mm.
        assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>") && xml.contains("w:top=\"2098\""), "{}", k.code);
    }
}

fn agency_update(a: &gongkai_app::model::Agency) -> gongkai_app::model::AgencyUpdate {
    gongkai_app::model::AgencyUpdate { name: a.name.clone(), region: a.region.clone(), settings: a.settings.clone() }
}

/// The 机关代字 is the agency's setting `document_prefix` (the letter templates no longer keep
/// one); empty, the default 信息公开; the year's bracket or digits refused.
#[tokio::test]
async fn letters_are_numbered_with_the_agencys_document_prefix_and_the_default_without_one() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let admin = t.login("admin").await;
    assert!(letters::kind("doc_prefix").is_err(), "the prefix is no longer a template");
    let case = add_case(&t.operator(), &t.town, "2025-06-23", Some("wang")).await;
    let (app, l1) = handling::request_correction(&officer, &case, d("2025-06-24"), "写明文号", d("2025-07-10"), None).await.unwrap();
    assert_eq!(l1.doc_number, "信息公开〔2025〕1号");
    for bad in ["民政〔2025〕", "民政2025", "民政(字)"] {
        let mut update = agency_update(&t.town);
        update.settings.document_prefix = bad.into();
        let err = admin.update_agency(&t.town, update).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{bad}");
        assert!(err.message().contains("年份和序号由系统生成"), "{}", err.message());
    }
    let mut update = agency_update(&t.town);
    update.settings.document_prefix = " 民主信公 ".into();
    let town = admin.update_agency(&t.town, update).await.unwrap();
    assert_eq!(town.settings.document_prefix, "民主信公");
    let (_, l2) = handling::start_consultation(&officer, &app, d("2025-06-30"), gongkai_app::model::Party::ThirdParty, "某公司", "合同", None)
        .await
        .unwrap();
    // The sequence is the agency's, whatever the prefix: 2 follows 1.
    assert_eq!(l2.doc_number, "民主信公〔2025〕2号");
    assert!(l2.body.contains("民主信公〔2025〕2号"), "{}", l2.body);
    // The county keeps the default.
    let county_officer = t.user("zhao", &t.county, &[Role::CaseOfficer]).await;
    let other = add_case(&t.operator(), &t.county, "2025-06-23", Some("zhao")).await;
    let (_, l3) = handling::request_correction(&county_officer, &other, d("2025-06-24"), "写明文号", d("2025-07-10"), None).await.unwrap();
    assert_eq!(l3.doc_number, "信息公开〔2025〕1号");
}

/// An agency that set its 机关代字 as the old `doc_prefix` template keeps its numbering; the
/// next save of its settings moves the prefix into the settings and drops the old row.
#[tokio::test]
async fn an_old_doc_prefix_template_still_numbers_and_moves_into_the_settings_when_they_are_saved() {
    use std::sync::Arc;
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let admin = t.login("admin").await;
    // The row an earlier version wrote, through a second connection to the same database.
    let clock: Arc<dyn gongkai_app::clock::Clock> = Arc::new(gongkai_app::clock::FixedClock(d("2025-06-30")));
    let engine = gongkai_app::engine::EngineRules::new(
        gongkai_app::clock::CalendarStore::new(t.dir.path()),
        gongkai_domain::settings::Settings::default(),
        clock,
    )
    .unwrap();
    let url = format!("sqlite:{}", t.dir.path().join("gongkai.db").display());
    let opts = gongkai_store::OpenOptions { migrate: false, create: false, ..Default::default() };
    let raw = gongkai_store::Store::open(&url, Arc::new(engine), opts).await.unwrap();
    let ctx = gongkai_store::Ctx { actor: "operator:test".into(), user: None, at: chrono::DateTime::from_timestamp(1_751_270_400, 0).unwrap() };
    gongkai_store::Storage::set_letter_template(&raw, &ctx, t.town.id, "doc_prefix", Some("民政信公".into())).await.unwrap();

    assert_eq!(letters::document_prefix(&admin, &t.town).await.unwrap(), "民政信公");
    let case = add_case(&t.operator(), &t.town, "2025-06-23", Some("wang")).await;
    let (_, l1) = handling::request_correction(&officer, &case, d("2025-06-24"), "写明文号", d("2025-07-10"), None).await.unwrap();
    assert_eq!(l1.doc_number, "民政信公〔2025〕1号");
    // Saving the settings (the phone changed, no prefix given) carries the old prefix over.
    let mut update = agency_update(&t.town);
    update.settings.phone = "0915-2512345".into();
    let town = admin.update_agency(&t.town, update).await.unwrap();
    assert_eq!(town.settings.document_prefix, "民政信公");
    assert_eq!(gongkai_store::Storage::letter_template(&raw, t.town.id, "doc_prefix").await.unwrap(), None);
    // From now on the setting alone decides: cleared, the default.
    let mut update = agency_update(&town);
    update.settings.document_prefix = String::new();
    let town = admin.update_agency(&town, update).await.unwrap();
    assert_eq!(letters::document_prefix(&admin, &town).await.unwrap(), "信息公开");
}

/// The reply's 告知书 gives its number to the case (告知书文号), which the 台账 exports in its
/// column and imports back.
#[tokio::test]
async fn the_replys_letter_number_is_the_cases_letter_reference_and_the_ledgers_column() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let admin = t.login("admin").await;
    let mut update = agency_update(&t.town);
    update.settings.document_prefix = "民主信公".into();
    admin.update_agency(&t.town, update).await.unwrap();
    let case = add_case(&t.operator(), &t.town, "2025-06-23", Some("wang")).await;
    let (case, _) = handling::request_correction(&officer, &case, d("2025-06-24"), "写明文号", d("2025-07-10"), None).await.unwrap();
    let input = ReplyInput { on: d("2025-06-30"), answers: granted_answers(), text: String::new(), delivery: None };
    let (app, letter) = handling::reply(&officer, &case, input, Some(case.version)).await.unwrap();
    assert_eq!(letter.doc_number, "民主信公〔2025〕2号");
    assert_eq!(app.closing.as_ref().unwrap().reply_letter_ref, "民主信公〔2025〕2号");
    // The version the caller gets back is the stored one (a form built on it saves).
    let stored = cases::get(&officer, app.id).await.unwrap();
    assert_eq!((stored.version, stored.closing.clone()), (app.version, app.closing.clone()));
    // The 补正告知书 did not set it (only a reply's letter does).
    let people = gongkai_app::ledger::People::of(&officer, &t.town).await.unwrap();
    let row = gongkai_app::ledger::row_of(&stored, &people);
    let col = gongkai_app::ledger::HEADERS.iter().position(|h| *h == "告知书文号").unwrap();
    assert_eq!(row[col], "民主信公〔2025〕2号");
    // Imported back: the column fills the closing; without an outcome it is refused at its cell.
    let header: Vec<String> = gongkai_app::ledger::HEADERS.iter().map(|h| h.to_string()).collect();
    let mut good = row.to_vec();
    good[0] = "B1".into();
    let mut bad = good.clone();
    bad[0] = "B2".into();
    let outcome_col = gongkai_app::ledger::HEADERS.iter().position(|h| *h == "办理结果").unwrap();
    let replied_col = gongkai_app::ledger::HEADERS.iter().position(|h| *h == "答复日期").unwrap();
    bad[outcome_col] = String::new();
    bad[replied_col] = String::new();
    let err = gongkai_app::ledger::import_table(&officer, &[header.clone(), good.clone(), bad], &t.town, false).await;
    let errors = match err {
        Ok(Err(errors)) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].row, errors[0].column.as_deref()), (3, Some("告知书文号")));
    let registrar = t.user("reg", &t.town, &[Role::Registrar]).await;
    let done = gongkai_app::ledger::import_table(&registrar, &[header, good], &t.town, false).await.unwrap().unwrap();
    assert_eq!(done.imported, 1);
    let b1 = cases::list(&officer, &cases::CaseQuery { text: Some("B1".into()), ..Default::default() }).await.unwrap();
    let b1 = cases::get(&officer, b1[0].id).await.unwrap();
    assert_eq!(b1.closing.unwrap().reply_letter_ref, "民主信公〔2025〕2号");
}

/// 按件 (国办函〔2020〕109号): the application's position in its applicant's calendar month comes
/// from the records — earlier ones that month, whatever their outcome, voided ones not — never
/// from the form.
#[tokio::test]
async fn a_per_item_fee_counts_the_applicants_month_from_the_records() {
    let t = TestOffice::new("2025-06-30").await;
    let officer = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let op = t.operator();
    // Ten of 张三's applications in June, one in May, one of 李四's in June, one at the county.
    let mut june = Vec::new();
    for day in 2..=11 {
        june.push(add_case(&op, &t.town, &format!("2025-06-{day:02}"), Some("wang")).await);
    }
    add_case(&op, &t.town, "2025-05-30", Some("wang")).await;
    let mut other = new_case("2025-06-12", Some("wang"));
    other.applicant.name = "李四".into();
    cases::add(&op, &t.town, other).await.unwrap();
    add_case(&op, &t.county, "2025-06-12", None).await;
    assert_eq!(gongkai_app::intake::month_ordinal(&officer, &june[0]).await.unwrap(), 1);
    assert_eq!(gongkai_app::intake::month_ordinal(&officer, &june[9]).await.unwrap(), 10);
    // The tenth is free: no notice, and the refusal says which one it is.
    let err = handling::send_fee_notice(&officer, &june[9], d("2025-06-20"), FeeAmount::PerItem { items: 1 }, "到财务室缴纳", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(err.message().contains("本件为申请人本月第10件"), "{}", err.message());
    // The eleventh (same day as the tenth, registered after it) costs 100 yuan.
    let eleventh = add_case(&op, &t.town, "2025-06-11", Some("wang")).await;
    assert_eq!(gongkai_app::intake::month_ordinal(&officer, &eleventh).await.unwrap(), 11);
    let (app, letter) = handling::send_fee_notice(&officer, &eleventh, d("2025-06-20"), FeeAmount::PerItem { items: 1 }, "到财务室缴纳", None)
        .await
        .unwrap();
    assert_eq!(app.events.last().unwrap().amount_yuan, Some(100));
    assert!(letter.body.contains("本件为申请人本月第11件") && letter.body.contains("人民币100元"), "{}", letter.body);
    // Two items from the twelfth: 100 + 100.
    let twelfth = add_case(&op, &t.town, "2025-06-13", Some("wang")).await;
    let (app, letter) = handling::send_fee_notice(&officer, &twelfth, d("2025-06-20"), FeeAmount::PerItem { items: 2 }, "到财务室缴纳", None)
        .await
        .unwrap();
    assert_eq!(app.events.last().unwrap().amount_yuan, Some(200));
    assert!(letter.body.contains("第12至第13件"), "{}", letter.body);
}
