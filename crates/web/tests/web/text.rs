//! Control characters (a NUL above all: PostgreSQL refuses it in text, SQLite stores it) typed or
//! pasted into the console's text fields: every form answers 422 with the form again, nothing
//! saved, on both backends — never a 500, never an event recorded without its letter.

use axum::http::StatusCode;

use crate::helpers::*;

const NUL: &str = "有\u{0}控制字符";

/// A form to post: what it is, who posts it, where, its fields.
type Post<'a> = (&'a str, &'a Session, String, Vec<(&'a str, String)>);

async fn on(db: Db) {
    let Some(t) = TestWeb::on(db, "control_characters").await else { return };
    let (officer, head, admin, reg) = (t.login("officer").await, t.login("head").await, t.login("admin").await, t.login("registrar").await);
    let case = format!("/cases/{}", t.case_town.id.0);
    let seen = || async { hidden(&t.get(&case, Some(&officer)).await.body, "seen").unwrap() };
    let before = seen().await;
    let town = t.town.id.0;
    let forms: Vec<Post> = vec![
        ("correction", &officer, format!("{case}/correction"), vec![("on", "2025-06-04".into()), ("items", NUL.into()), ("correct_by", "2025-06-20".into())]),
        ("consultation", &officer, format!("{case}/consultation"), vec![("on", "2025-06-04".into()), ("party", "third_party".into()), ("addressee", NUL.into()), ("matter", "合同".into())]),
        ("fee", &officer, format!("{case}/fee"), vec![("on", "2025-06-05".into()), ("method", "per_page".into()), ("pages", "40".into()), ("how_to_pay", NUL.into())]),
        ("event", &officer, format!("{case}/events"), vec![("kind", "withdrawn".into()), ("on", "2025-06-20".into()), ("note", NUL.into())]),
        ("extension", &officer, format!("{case}/extension"), vec![("on", "2025-06-27".into()), ("days", "10".into()), ("reason", NUL.into())]),
        ("reply", &officer, format!("{case}/reply"), ["kind=normal", "clear=yes", "info=yes", "whose=this", "exists=yes", "disclose=yes", "provide=paper"]
            .iter()
            .map(|a| ("answer", a.to_string()))
            .chain([("record", "1".into()), ("on", "2025-06-30".into()), ("delivery", "post".into()), ("text", NUL.into())])
            .collect()),
        ("appeal", &reg, format!("/registers/{town}/appeals"), vec![("year", "2025".into()), ("a_case", t.case_town.number.clone()), ("a_kind", "reconsideration".into()), ("a_filed", "2025-06-20".into()), ("a_result", "pending".into()), ("a_note", NUL.into())]),
        ("document", &reg, format!("/registers/{town}/documents"), vec![("year", "2025".into()), ("d_kind", "normative_document".into()), ("d_number", "民政发〔2025〕1号".into()), ("d_title", NUL.into()), ("d_made", "2025-06-01".into())]),
        ("user", &admin, "/admin/users".into(), vec![("u_login", "newuser".into()), ("u_name", NUL.into()), ("u_password", "a-good-password-2".into())]),
        ("settings", &admin, format!("/admin/agencies/{town}"), vec![("name", "民主镇人民政府".into()), ("address", NUL.into()), ("phone", "".into()), ("office_hours", "".into()), ("region", "".into()), ("document_prefix", "".into())]),
        ("template", &admin, format!("/agencies/{town}/letters/correction"), vec![("action", "save".into()), ("body", gongkai_app::letters::kind("correction").unwrap().default.replace("特此告知。", NUL))]),
        ("report", &head, format!("/reports/{town}/2025/draft"), vec![("version", "".into()), ("s5", NUL.into())]),
    ];
    let agency = town.to_string();
    let intake = |name: &str, content: &str, step: &str| -> Vec<(&'static str, String)> {
        vec![
            ("agency", agency.clone()),
            ("channel", "in_person".into()),
            ("received_on", "2025-06-03".into()),
            ("kind", "natural_person".into()),
            ("name", name.into()),
            ("content", content.into()),
            ("step", step.into()),
        ]
    };
    let forms: Vec<Post> = forms
        .into_iter()
        .chain([
            ("intake name", &reg, "/intake".to_string(), intake(NUL, "村道资金", "preview")),
            ("intake content", &reg, "/intake".to_string(), intake("张三", NUL, "preview")),
        ])
        .collect();
    for (what, s, path, fields) in &forms {
        let seen_now = seen().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", s.csrf.as_str()), ("seen", seen_now.as_str())];
        form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        let r = t.post(path, Some(s), &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what} ({db:?}): {}", r.body);
        assert!(r.body.contains("控制字符") && r.body.contains("<form"), "{what} ({db:?}): {}", r.body);
    }
    // In a search, a filter or a login: an answer, not a database error.
    for path in ["/cases?q=%00", "/cases?officer=%00", "/audit?actor=%00", "/registers?q=%00", "/cases/export?q=%00&format=csv"] {
        let r = t.get(path, Some(&admin)).await;
        assert!(r.status != StatusCode::INTERNAL_SERVER_ERROR && r.status != StatusCode::SERVICE_UNAVAILABLE, "{path} ({db:?}): {}", r.body);
    }
    let r = t.post("/login", None, &[("login", "off\u{0}icer"), ("password", PASSWORD)]).await;
    assert!(r.status.is_client_error(), "login ({db:?}): {} {}", r.status, r.body);
    // Nothing was saved on the case: its version is the one before.
    assert_eq!(seen().await, before, "({db:?})");
    assert!(!t.get("/admin", Some(&admin)).await.body.contains("newuser"));
    t.finish().await;
}

#[tokio::test]
async fn control_characters_in_any_text_field_are_refused_at_the_form_on_sqlite() {
    on(Db::Sqlite).await;
}

#[tokio::test]
async fn control_characters_in_any_text_field_are_refused_at_the_form_on_postgres() {
    on(Db::Postgres).await;
}
