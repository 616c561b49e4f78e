//! The console under load, measured as a user meets it: the built `gongkai serve` binary over
//! loopback HTTP, on an embedded SQLite database holding 100,000 applications.
//!
//!     cargo build --release -p gongkai-cli
//!     cargo bench -p gongkai-web --bench console [-- --binary target/release/gongkai --rows 100000]
//!
//! It builds the database through the app layer (a 台账 import, as an office would), starts the
//! binary on it, logs in through the form, then measures (1) the latency of the desk, the case
//! list and a case page over 300 sequential requests each (p50, p99), and (2) the throughput of
//! the case page at 32 concurrent connections with `wrk` (Debian package `wrk`; skipped with a
//! message when absent). The report page's generation time is measured the same way.

#![expect(clippy::unwrap_used, clippy::panic, clippy::print_stdout, reason = "a bench binary")]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike as _, Duration as Days, NaiveDate};
use gongkai_app::clock::SystemClock;
use gongkai_app::model::{AgencyLevel, Role};
use gongkai_app::office::{Office, OpenMode};
use gongkai_app::people::{self, InitRequest};

const PASSWORD: &str = "bench-password-1";

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// A ledger of `n` applications received over the year before `today`: most answered with one of
/// the table-三 outcomes, the most recent still open (some due soon, some overdue).
fn write_ledger(path: &Path, n: usize, today: NaiveDate) {
    const OUTCOMES: [&str; 6] = ["予以公开", "部分公开", "本机关不掌握相关政府信息", "属于四类过程性信息", "重复申请", "予以公开"];
    const CHANNELS: [&str; 5] = ["当面提交", "邮寄", "网络", "电子邮件", "平信"];
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "编号,申请人,申请人类型,申请方式,收到日期,申请内容,答复日期,办理结果").unwrap();
    for i in 0..n {
        // Spread over the 330 days before today, newest last.
        let back = 330 - (i * 330 / n) as i64;
        let received = today - Days::days(back);
        let open = back < 40 && i % 3 != 0;
        let (replied, outcome) = if open {
            (String::new(), "")
        } else {
            (received.checked_add_signed(Days::days(12)).unwrap().min(today).to_string(), OUTCOMES[i % OUTCOMES.len()])
        };
        let kind = if i % 7 == 0 { "商业企业" } else { "自然人" };
        writeln!(
            out,
            "民主-{}-{:06},申请人{},{kind},{},{received},关于{}村道路建设资金使用情况的申请（第{i}件）,{replied},{outcome}",
            received.year(),
            i + 1,
            i % 5000,
            CHANNELS[i % CHANNELS.len()],
            i % 40,
        )
        .unwrap();
    }
}

/// Builds the office: a township with a registrar, and `n` applications imported from a ledger.
fn build(dir: &Path, n: usize) -> String {
    let url = format!("sqlite:{}", dir.join("gongkai.db").display());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let office = Office::open_at(&url, dir, OpenMode::Create, Arc::new(SystemClock)).await.unwrap();
        let req = InitRequest {
            agency: "民主镇人民政府".into(),
            level: AgencyLevel::Township,
            parent: None,
            region: None,
            admin: "admin".into(),
            password: Some(PASSWORD.into()),
        };
        people::bootstrap(&office, req, "bench").await.unwrap();
        let op = office.operator("bench");
        let town = op.agency("民主镇人民政府").await.unwrap();
        people::add_user(&op, "clerk", "登记员", PASSWORD).await.unwrap();
        for role in [Role::Registrar, Role::CaseOfficer, Role::OfficeHead] {
            people::grant(&op, "clerk", &town, role).await.unwrap();
        }
        let ledger = dir.join("ledger.csv");
        write_ledger(&ledger, n, office.today());
        let t = Instant::now();
        let done = gongkai_app::ledger::import_ledger(&op, &ledger, &town, false).await.unwrap();
        println!("imported {} applications in {:.1} s", done.imported, t.elapsed().as_secs_f64());
        office.close().await;
    });
    url
}

/// One HTTP/1.1 exchange on a kept-alive connection; returns the status and the body's length.
fn exchange(stream: &mut BufReader<TcpStream>, request: &str) -> (u16, usize) {
    stream.get_mut().write_all(request.as_bytes()).unwrap();
    let mut line = String::new();
    stream.read_line(&mut line).unwrap();
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0usize;
    loop {
        line.clear();
        stream.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    (status, length)
}

fn login(addr: &str) -> String {
    let form = format!("login=clerk&password={PASSWORD}");
    let req = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let cookie = answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .unwrap_or_else(|| panic!("no session cookie: {answer}"));
    cookie.split(';').next().unwrap().to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn latency(addr: &str, cookie: &str, path: &str, n: usize) {
    let mut s = BufReader::new(TcpStream::connect(addr).unwrap());
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n");
    let (status, bytes) = exchange(&mut s, &req);
    assert_eq!(status, 200, "{path}");
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        exchange(&mut s, &req);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{path:<28} {bytes:>7} B  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0)
    );
}

fn main() {
    let binary = PathBuf::from(arg("--binary").unwrap_or_else(|| "target/release/gongkai".into()));
    let binary = if binary.is_file() { binary } else { PathBuf::from("../..").join(binary) };
    assert!(binary.is_file(), "build it first: cargo build --release -p gongkai-cli");
    let rows: usize = arg("--rows").and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let url = build(dir.path(), rows);

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(&binary)
        .args(["serve", "--database", &url, "--listen", &addr])
        .env("GONGKAI_DATA_DIR", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let cookie = login(&addr);
    let case = format!("/cases/{}", rows / 2);
    println!("{rows} applications in SQLite; `gongkai serve` at {addr}; 300 sequential requests each:");
    for path in ["/", "/cases", "/cases?page=400", case.as_str()] {
        latency(&addr, &cookie, path, 300);
    }
    let year = gongkai_app::office::now().year();
    for path in [format!("/reports/1/{year}"), format!("/reports/1/{}", year - 1)] {
        let mut s = BufReader::new(TcpStream::connect(&addr).unwrap());
        let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n");
        let t = Instant::now();
        let (status, _) = exchange(&mut s, &req);
        if status == 200 {
            println!("{path:<28} first view {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    match Command::new("wrk")
        .args(["-t2", "-c32", "-d10s", "-H", &format!("Cookie: {cookie}"), &format!("http://{addr}{case}")])
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            println!("wrk, case page, 32 connections, 10 s:");
            for l in text.lines().filter(|l| l.contains("Latency") || l.contains("Requests/sec") || l.contains("Non-2xx")) {
                println!("  {}", l.trim());
            }
        }
        Err(_) => println!("wrk not found (apt-get install wrk): throughput not measured"),
    }
    let _ = server.kill();
    let _ = server.wait();
}
