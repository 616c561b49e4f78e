//! The annual report page with 100,000 cases (not a timed test: figures are printed,
//! docs/REPORT.md records them).
//!
//!     cargo bench -p gongkai-web --bench report_page
//!     GONGKAI_BENCH_ROWS=20000 cargo bench -p gongkai-web --bench report_page
//!
//! 100,000 applications of one township over 2025 go in through the app's ledger import (the
//! same all-or-nothing path as `gongkai case import`: parsing, timeline validation by the
//! deadline engine, the store's import with its audit log). Then, logged in through the login
//! form, the page `GET /reports/{agency}/2025` is requested in process through the whole router
//! (session, guard, use cases, askama): before any draft is saved, after `POST …/generate` saved
//! one, and the drill-down of the largest cell. Target: the page in < 1 s.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark that fails may panic")]

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use gongkai_app::clock::FixedClock;
use gongkai_app::model::{AgencyLevel, ApplicantKind, Channel, Outcome, Role};
use gongkai_app::office::{Office, OpenMode};
use gongkai_app::people::{self, InitRequest};
use gongkai_web::{AppState, WebConfig};
use tower::ServiceExt as _;

const PASSWORD: &str = "bench-password-1";

/// The store bench's ledger (crates/store/benches/records.rs `ledger_case`): received over 300
/// days of 2025, one in five with a correction, nine in ten replied 15 days later, every outcome
/// and applicant kind.
fn write_ledger(path: &std::path::Path, n: u64) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "编号,申请人,申请人类型,申请方式,收到日期,申请内容,补正通知日期,补正收到日期,征求意见开始日期,征求意见结束日期,延期日期,答复日期,办理结果,备注").unwrap();
    for i in 1..=n {
        let received = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap() + chrono::Days::new(i % 300);
        let (cr, cg) = if i % 5 == 0 {
            ((received + chrono::Days::new(3)).to_string(), (received + chrono::Days::new(8)).to_string())
        } else {
            (String::new(), String::new())
        };
        let (replied, outcome) = if i % 10 == 0 {
            (String::new(), "")
        } else {
            ((received + chrono::Days::new(15)).to_string(), Outcome::ALL[(i % 21) as usize].label())
        };
        writeln!(
            out,
            "2025-{i:06},申请人{i},{},{},{received},关于某某事项（第{i}号）的政府信息,{cr},{cg},,,,{replied},{outcome},",
            ApplicantKind::ALL[(i % 6) as usize].label(),
            Channel::Online.label(),
        )
        .unwrap();
    }
}

fn fmt(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

async fn get(app: &axum::Router, path: &str, cookie: &str) -> (StatusCode, usize, Duration) {
    let start = Instant::now();
    let req = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 64 << 20).await.unwrap();
    (status, body.len(), start.elapsed())
}

fn main() {
    let n: u64 = std::env::var("GONGKAI_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("bench.db").display());
        let clock = Arc::new(FixedClock(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()));
        let office = Office::open_at(&url, dir.path(), OpenMode::Create, clock).await.unwrap();
        let init = InitRequest {
            agency: "民主镇人民政府".into(),
            level: AgencyLevel::Township,
            parent: None,
            region: None,
            admin: "admin".into(),
            password: Some(PASSWORD.into()),
        };
        people::bootstrap(&office, init, "bench").await.unwrap();
        let op = office.operator("bench");
        let town = op.agency("民主镇人民政府").await.unwrap();
        people::add_user(&op, "head", "负责人", PASSWORD).await.unwrap();
        people::grant(&op, "head", &town, Role::OfficeHead).await.unwrap();

        let ledger = dir.path().join("ledger.csv");
        write_ledger(&ledger, n);
        let start = Instant::now();
        let outcome = gongkai_app::ledger::import_ledger(&op, &ledger, &town, false).await.expect("the ledger imports");
        assert_eq!(outcome.imported as u64, n);
        println!("imported {n} applications through the ledger import: {}", fmt(start.elapsed()));

        let app = gongkai_web::app(AppState { office: office.clone(), config: WebConfig { secure_cookies: false } });
        let login = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("login=head&password={PASSWORD}")))
            .unwrap();
        let res = app.clone().oneshot(login).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let cookie = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let page = format!("/reports/{}/2025", town.id.0);

        let report = |label: &'static str, runs: Vec<(StatusCode, usize, Duration)>| {
            let mut times: Vec<Duration> = runs.iter().map(|r| r.2).collect();
            assert!(runs.iter().all(|r| r.0 == StatusCode::OK), "{label}: {:?}", runs.iter().map(|r| r.0).collect::<Vec<_>>());
            times.sort();
            println!(
                "{label} ({n} cases, {} KB): first {}, median {}, max {} of {}",
                runs[0].1 / 1024,
                fmt(runs[0].2),
                fmt(times[times.len() / 2]),
                fmt(*times.last().unwrap()),
                times.len()
            );
        };
        let mut runs = Vec::new();
        for _ in 0..5 {
            runs.push(get(&app, &page, &cookie).await);
        }
        report("GET report page, nothing saved", runs);

        // Save the draft the way the page's button does (the CSRF token read off the page).
        let body = String::from_utf8(to_bytes(app.clone().oneshot(Request::get(&page).header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await.unwrap().into_body(), 64 << 20).await.unwrap().to_vec()).unwrap();
        let key = "name=\"csrf\" value=\"";
        let at = body.find(key).unwrap() + key.len();
        let csrf = body[at..].split('"').next().unwrap().to_string();
        let start = Instant::now();
        let req = Request::post(format!("{page}/generate"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}")))
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        println!("POST generate (tables from records, saved as the draft): {}", fmt(start.elapsed()));

        let mut runs = Vec::new();
        for _ in 0..5 {
            runs.push(get(&app, &page, &cookie).await);
        }
        report("GET report page, draft saved", runs);

        let mut runs = Vec::new();
        for _ in 0..3 {
            runs.push(get(&app, &format!("{page}/drill?cell=t3:new_received:total"), &cookie).await);
        }
        report("GET drill-down of 本年新收 总计", runs);
    });
}
