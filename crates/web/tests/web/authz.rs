//! The authorization table, generated from the route registry: every route × every role ×
//! (the user's own agency, another) → allowed, 403 or 404, exactly as the route's declared right
//! and the rights table say; plus no session → login, and no CSRF token → 403.

use axum::http::{Method, StatusCode};
use gongkai_app::model::Agency;
use gongkai_web::routes::{Access, Scope, routes};

use crate::helpers::*;

/// A route's path with its parameters filled in for the given target agency.
fn fill(path: &str, t: &TestWeb, other: bool) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        let value = match &rest[start + 1..end] {
            "id" => if other { t.case_other.id.0 } else { t.case_town.id.0 }.to_string(),
            "agency" => if other { t.other.id.0 } else { t.town.id.0 }.to_string(),
            "name" => "app.css".to_string(),
            "letter" => if other { t.letter_other.id } else { t.letter_town.id }.to_string(),
            "kind" => "correction".to_string(),
            "year" => "2025".to_string(),
            "format" => "txt".to_string(),
            p => panic!("the authorization table has no fixture for the path parameter {{{p}}} of {path}: add one"),
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn refused(s: StatusCode) -> bool {
    matches!(s, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::SEE_OTHER)
        && s != StatusCode::SEE_OTHER
}

#[tokio::test]
async fn every_route_allows_exactly_the_roles_the_rights_table_gives_at_that_agency() {
    let t = TestWeb::new().await;
    let mut checked = 0;
    for (login, _, _) in USERS {
        let session = t.login(login).await;
        let rec = t.office.login(login, PASSWORD).await.unwrap();
        for spec in routes() {
            let Access::Staff(right, scope) = spec.access else { continue };
            if spec.path == "/logout" {
                continue; // would end the session the rest of the table uses (tested below)
            }
            let targets: &[bool] = if scope == Scope::Own { &[false] } else { &[false, true] };
            for &other in targets {
                let path = fill(spec.path, &t, other);
                let agency: &Agency = if other { &t.other } else { &t.town };
                let expected = match scope {
                    Scope::Own => {
                        if right == gongkai_app::auth::Right::Read || !rec.agencies_with(right).await.unwrap().is_empty() {
                            None
                        } else {
                            Some(StatusCode::FORBIDDEN)
                        }
                    }
                    Scope::Case | Scope::Agency | Scope::Letter => {
                        if !rec.can(gongkai_app::auth::Right::Read, agency).await.unwrap() {
                            Some(StatusCode::NOT_FOUND)
                        } else if !rec.can(right, agency).await.unwrap() {
                            Some(StatusCode::FORBIDDEN)
                        } else {
                            None
                        }
                    }
                };
                let reply = if spec.method == Method::GET {
                    t.get(&path, Some(&session)).await
                } else {
                    t.post(&path, Some(&session), &[("csrf", &session.csrf)]).await
                };
                match expected {
                    Some(status) => assert_eq!(reply.status, status, "{login} {} {path}: {}", spec.method, reply.body),
                    None => assert!(
                        !refused(reply.status),
                        "{login} {} {path} should be allowed, got {}: {}",
                        spec.method,
                        reply.status,
                        reply.body
                    ),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[tokio::test]
async fn without_a_session_every_staff_route_sends_to_the_login_page() {
    let t = TestWeb::new().await;
    for spec in routes() {
        let path = fill(spec.path, &t, false);
        let reply = if spec.method == Method::GET { t.get(&path, None).await } else { t.post(&path, None, &[]).await };
        match spec.access {
            Access::Public => assert!(!refused(reply.status), "{} {path}: {}", spec.method, reply.status),
            Access::Staff(..) => {
                assert_eq!(reply.status, StatusCode::SEE_OTHER, "{} {path}", spec.method);
                let to = reply.headers.get("location").unwrap().to_str().unwrap();
                assert!(to.starts_with("/login?next="), "{to}");
            }
        }
    }
}

#[tokio::test]
async fn every_form_without_the_sessions_csrf_token_is_refused() {
    let t = TestWeb::new().await;
    let head = t.login("head").await;
    for spec in routes().into_iter().filter(|s| s.method == Method::POST) {
        if matches!(spec.access, Access::Public) {
            continue;
        }
        let path = fill(spec.path, &t, false);
        for form in [vec![], vec![("csrf", "0".repeat(64))]] {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let reply = t.post(&path, Some(&head), &form).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "POST {path} with {form:?}: {}", reply.body);
        }
    }
}

/// Every route, for every role, given a malformed request — a query of wrong types, a form with
/// missing and wrong fields — answers a refusal as a Chinese HTML page (never the extractors'
/// English text, never a 500).
#[tokio::test]
async fn every_route_answers_a_malformed_request_with_a_chinese_page() {
    let t = TestWeb::new().await;
    let junk_query = "?page=x&year=x&cell=x&done=x&after=x&before=x&q=%25&sort=x&limit=x&state=x&due=x&kind=x&format=x&agency=x&officer=x&outcome=x";
    let junk_form: &[(&str, &str)] = &[("page", "x"), ("version", "x"), ("seen", "x"), ("year", "x"), ("days", "x"), ("on", "x"), ("request", "x"), ("answer", "x")];
    let edge_query = "?page=18446744073709551616&year=2147483647&due=4294967296&after=9223372036854775807&before=9999-12-31&cell=t3:new_received:natural_person";
    let edge_form: &[(&str, &str)] = &[
        ("on", "2025-06-30"),
        ("days", "4294967295"),
        ("pages", "4294967295"),
        ("items", "4294967295"),
        ("year", "2147483647"),
        ("request", "9223372036854775807"),
        ("seen", "9223372036854775807"),
        ("method", "per_page"),
        ("how_to_pay", "现金"),
        ("correct_by", "9999-12-31"),
        ("items", "事项"),
        ("reason", "理由"),
        ("kind", "received"),
        ("a_filed", "0001-01-01"),
        ("d_made", "0001-01-01"),
    ];
    let mut checked = 0;
    for (login, _, _) in USERS {
        let session = t.login(login).await;
        for spec in routes() {
            if spec.path == "/logout" || spec.path == "/login" {
                continue;
            }
            let path = fill(spec.path, &t, false);
            let reply = if spec.method == Method::GET {
                t.get(&format!("{path}{junk_query}"), Some(&session)).await
            } else {
                let mut form = vec![("csrf", session.csrf.as_str())];
                form.extend_from_slice(junk_form);
                t.post(&path, Some(&session), &form).await
            };
            assert!(reply.status != StatusCode::INTERNAL_SERVER_ERROR, "{login} {} {path}: {}", spec.method, reply.body);
            // Numbers and dates at the edge of their types.
            let reply = if spec.method == Method::GET {
                t.get(&format!("{path}{edge_query}"), Some(&session)).await
            } else {
                let mut form = vec![("csrf", session.csrf.as_str())];
                form.extend_from_slice(edge_form);
                t.post(&path, Some(&session), &form).await
            };
            assert!(reply.status != StatusCode::INTERNAL_SERVER_ERROR, "{login} {} {path} (edge values): {}", spec.method, reply.body);
            if reply.status.is_client_error() {
                let ct = reply.headers.get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
                assert!(
                    ct.starts_with("text/html") && reply.body.contains("lang=\"zh-CN\""),
                    "{login} {} {path} → {} {ct}: {}",
                    spec.method,
                    reply.status,
                    reply.body
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
    // Path parameters that are no id, year, kind or format: a Chinese page too.
    let admin = t.login("admin").await;
    for spec in routes() {
        if spec.path == "/logout" || !spec.path.contains('{') {
            continue;
        }
        let mut path = spec.path.to_string();
        for (p, junk) in [("{id}", "abc"), ("{agency}", "-1"), ("{letter}", "x1"), ("{kind}", "nope"), ("{year}", "20x5"), ("{format}", "exe"), ("{name}", "nope.js")] {
            path = path.replace(p, junk);
        }
        let reply = if spec.method == Method::GET {
            t.get(&path, Some(&admin)).await
        } else {
            t.post(&path, Some(&admin), &[("csrf", &admin.csrf)]).await
        };
        assert!(reply.status.is_client_error(), "{} {path}: {}", spec.method, reply.status);
        let ct = reply.headers.get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        assert!(ct.starts_with("text/html") && reply.body.contains("lang=\"zh-CN\""), "{} {path} → {} {ct}: {}", spec.method, reply.status, reply.body);
    }
}
