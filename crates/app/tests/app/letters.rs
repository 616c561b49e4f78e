//! Letters: templates (defaults, an administrator's own, validation, reset), issuing with the
//! agency's document numbers, and the actions that send them (补正, 征求意见, 收费, the reply
//! through the outcome guide, an approved extension).

use gongkai_app::cases;
use gongkai_app::error::ErrorKind;
use gongkai_app::handling::{self, FeeAmount, ReplyInput};
use gongkai_app::letters::{self, KINDS};
use gongkai_app::model::{CaseState, EventKind, Outcome, Party, Role};
use gongkai_domain::fee::FeeMethod;

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
    let free = FeeAmount::Quote(FeeMethod::PerPage { pages: 30 });
    assert_eq!(handling::send_fee_notice(&officer, &case, d("2025-06-24"), free, "现金", None).await.unwrap_err().kind(), ErrorKind::Invalid);
    let (app, letter) = handling::send_fee_notice(&officer, &case, d("2025-06-24"), FeeAmount::Quote(FeeMethod::PerPage { pages: 40 }), "到财务室缴纳", None)
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
    letters::set_template(&admin, &t.town, letters::kind("doc_prefix").unwrap(), "民政信公").await.unwrap();
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
