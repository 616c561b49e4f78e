//! 审计日志: filters, who sees which agency's entries, bad filters at their field, verification.

use axum::http::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn the_audit_log_shows_only_the_agencies_one_may_read_with_filters() {
    let t = TestWeb::new().await;
    // The office head of 民主镇 reads 民主镇's log: its case, not 堰门镇's.
    let head = t.login("head").await;
    let r = t.get("/audit", Some(&head)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&format!("application {}", t.case_town.id.0)), "{}", r.body);
    assert!(!r.body.contains(&format!("application {}<", t.case_other.id.0)), "{}", r.body);
    assert!(!r.body.contains("堰门镇人民政府</td>"), "{}", r.body);
    // Installation-wide entries (logins) are for those who read every agency's log.
    assert!(!r.body.contains("<td>login</td>"), "{}", r.body);
    // The administrator of the county reads everything, logins included.
    let admin = t.login("admin").await;
    let r = t.get("/audit?action=login", Some(&admin)).await;
    assert!(r.body.contains("<td>login</td>") && !r.body.contains("<td>create</td>"), "{}", r.body);
    let r = t.get(&format!("/audit?agency={}&action=application", t.other.id), Some(&admin)).await;
    assert!(r.body.contains(&format!("application {}", t.case_other.id.0)), "{}", r.body);
    assert!(!r.body.contains(&format!("application {}<", t.case_town.id.0)), "{}", r.body);
    // Dates are Beijing days; the fixture's entries are written today (real time), so a range in
    // the past finds nothing.
    let r = t.get("/audit?from=2000-01-01&to=2000-12-31", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("没有符合条件的记录"), "{}", r.body);
    let r = t.get("/audit?actor=nobody-at-all", Some(&admin)).await;
    assert!(r.body.contains("没有符合条件的记录"), "{}", r.body);
    // Bad filters: named at their field.
    let r = t.get("/audit?from=2025-13-01", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("起始日期“2025-13-01”不是有效日期"), "{}", r.body);
    let r = t.get("/audit?from=2025-06-02&to=2025-06-01", Some(&admin)).await;
    assert!(r.body.contains("截止日期早于起始日期"), "{}", r.body);
    // 民主镇's head may not filter on 堰门镇.
    let r = t.get(&format!("/audit?agency={}", t.other.id), Some(&head)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A registrar may not read the log at all.
    let registrar = t.login("registrar").await;
    assert_eq!(t.get("/audit", Some(&registrar)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_administrator_verifies_the_chain_from_the_page() {
    let t = TestWeb::new().await;
    let admin = t.login("admin").await;
    let r = t.get("/audit", Some(&admin)).await;
    assert!(r.body.contains("action=\"/audit/verify\""), "{}", r.body);
    let r = t.post("/audit/verify", Some(&admin), &[("csrf", &admin.csrf)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("审计日志完整") && r.body.contains("链尾回执"), "{}", r.body);
    // The office head reads the log but does not verify the whole installation.
    let head = t.login("head").await;
    assert!(!t.get("/audit", Some(&head)).await.body.contains("action=\"/audit/verify\""));
    assert_eq!(t.post("/audit/verify", Some(&head), &[("csrf", &head.csrf)]).await.status, StatusCode::FORBIDDEN);
}
