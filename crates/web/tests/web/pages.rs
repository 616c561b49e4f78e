//! Pages rendered in process: login, logout, desk, case list and case page, errors, headers.

use axum::http::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn health_answers_ok_once_the_database_is_open() {
    let t = TestWeb::new().await;
    let r = t.get("/healthz", None).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_the_login_kept() {
    let t = TestWeb::new().await;
    let r = t.post("/login", None, &[("login", "officer"), ("password", "nope-nope"), ("next", "/cases")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("登录名或密码错误") && r.body.contains("value=\"officer\""), "{}", r.body);
    assert!(!r.body.contains("nope-nope"));
    // An outside address is never where a login returns to.
    let r = t.post("/login", None, &[("login", "officer"), ("password", PASSWORD), ("next", "//evil.example/")]).await;
    assert_eq!(r.headers.get("location").unwrap(), "/");
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    for path in ["/", "/cases", "/login", "/no-such-page"] {
        let r = t.get(path, Some(&s)).await;
        let h = |n: &str| r.headers.get(n).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        assert!(h("content-security-policy").contains("script-src 'self'") && !h("content-security-policy").contains("unsafe-inline"), "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
    assert_eq!(t.get("/no-such-page", Some(&s)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_case_list_filters_and_the_case_page_explains_the_clock() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let r = t.get("/cases", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&t.case_town.number) && !r.body.contains(&t.case_other.number), "{}", r.body);
    let r = t.get("/cases?state=closed", Some(&s)).await;
    assert!(!r.body.contains(&format!(">{}<", t.case_town.number)), "{}", r.body);
    let r = t.get("/cases?year=abc", Some(&s)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("年度"), "{}", r.body);
    let r = t.get(&format!("/cases/{}", t.case_town.id.0), Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("计算说明") && r.body.contains("《条例》第三十三条"), "{}", r.body);
    // Another township's case is not found, exactly like a missing one.
    let theirs = t.get(&format!("/cases/{}", t.case_other.id.0), Some(&s)).await;
    let missing = t.get("/cases/999999", Some(&s)).await;
    assert_eq!((theirs.status, missing.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let r = t.post("/logout", Some(&s), &[("csrf", &s.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.get("/", Some(&s)).await.status, StatusCode::SEE_OTHER);
}

/// Request size limits: a form over the form limit, an upload over the upload limit (ledger and
/// checker), and a file sent to a route that takes none: each a Chinese page, nothing done.
#[tokio::test]
async fn requests_over_their_size_limit_are_refused_with_a_chinese_page() {
    let t = TestWeb::new().await;
    let s = t.login("officer").await;
    let path = format!("/cases/{}", t.case_town.id.0);
    let seen = hidden(&t.get(&path, Some(&s)).await.body, "seen").unwrap();
    let big = "很".repeat(gongkai_web::security::FORM_LIMIT / 3 + 10);
    let r = t.post(&format!("{path}/events"), Some(&s), &[("csrf", &s.csrf), ("seen", &seen), ("kind", "withdrawn"), ("on", "2025-06-20"), ("note", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("表单过大") && r.body.contains("<html"), "{}", r.body);
    assert_eq!(hidden(&t.get(&path, Some(&s)).await.body, "seen").unwrap(), seen, "nothing recorded");
    // The checker's upload over its limit.
    let huge = vec![b' '; gongkai_web::security::UPLOAD_LIMIT + 1024];
    let r = t.post_multipart("/checker", &s, &[("csrf", None, s.csrf.as_bytes()), ("report", Some("大.txt"), &huge)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("文件过大") && r.body.contains("<html"), "{}", r.body);
    // A file sent where no upload is taken.
    let r = t.post_multipart(&format!("{path}/events"), &s, &[("csrf", None, s.csrf.as_bytes()), ("note", Some("x.txt"), b"x")]).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(r.body.contains("<html") && r.body.contains("不接受文件上传"), "{}", r.body);
    // The login form, posted as something else.
    let req = axum::http::Request::post("/login")
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from("{\"login\":\"officer\"}"))
        .unwrap();
    let r = t.send(req).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(r.body.contains("无法读取表单"), "{}", r.body);
}

/// The CSP forbids inline script and style: no template has a `<script>` without `src`, a
/// `<style>` element, a `style=` attribute or an event-handler attribute (`onclick=` …), which
/// the browser would refuse silently.
#[test]
fn no_template_holds_inline_script_or_style() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let html = std::fs::read_to_string(&path).unwrap().to_ascii_lowercase();
        seen += 1;
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(tag.contains(" src="), "{}: inline script", path.display());
        }
        assert!(!html.contains("<style"), "{}: a <style> element", path.display());
        assert!(!html.contains(" style="), "{}: a style attribute", path.display());
        for (i, _) in html.match_indices(" on") {
            let word: String = html[i + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            assert!(!(html[i + 1 + word.len()..].starts_with('=') && word.len() > 2), "{}: an event handler {word}=", path.display());
        }
    }
    assert!(seen > 20);
}
