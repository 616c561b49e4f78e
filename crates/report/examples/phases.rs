//! `cargo run --release -p gongkai-report --example phases`: where `report check` spends its time,
//! per shared real report and per phase (read, check, JSON), in process.
//!
//! Each report of `../shared/fixtures/reports` (not the PDFs) is read, checked and serialised `N`
//! times (default 300) and the mean of each phase printed; `ONLY=text` keeps the reports whose
//! path contains `text`. Made for profiling one reader (`perf record`, `valgrind --tool=callgrind`
//! with a small `N`); the end-to-end figure is `check_binary`'s.

#![expect(clippy::panic, clippy::print_stdout, reason = "a profiling harness")]

use std::time::Instant;

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::ReportJson;

fn main() {
    let shared = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    let mut paths: Vec<_> = std::fs::read_dir(&shared)
        .unwrap_or_else(|e| panic!("{}: {e}", shared.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "pdf") && !p.ends_with("MANIFEST.md"))
        .collect();
    paths.sort();
    if let Ok(only) = std::env::var("ONLY") {
        paths.retain(|p| p.to_string_lossy().contains(&only));
    }
    let n: u32 = std::env::var("N").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let opts = CheckOptions::default();
    let mut total = [0.0f64; 3];
    for p in &paths {
        let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let name = p.display().to_string();
        let read = || gongkai_report::read::read_bytes(&bytes, Some(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = read();
        let findings = check(&report, None, &opts);
        let each = [
            time(n, || drop(std::hint::black_box(read()))),
            time(n, || drop(std::hint::black_box(check(&report, None, &opts)))),
            time(n, || {
                let mut json = Vec::with_capacity(32 * 1024);
                serde_json::to_writer_pretty(&mut json, &ReportJson { report: &report, findings: &findings })
                    .unwrap_or_else(|e| panic!("{e}"));
                drop(std::hint::black_box(json));
            }),
        ];
        for (t, e) in total.iter_mut().zip(each) {
            *t += e;
        }
        let file = p.file_name().unwrap_or_default().to_string_lossy();
        println!("{file:40} {:>7} B  read {:7.1} µs  check {:6.1} µs  json {:6.1} µs", bytes.len(), each[0], each[1], each[2]);
    }
    let k = paths.len().max(1) as f64;
    let mean = total.iter().sum::<f64>() / k;
    println!(
        "mean per report: read {:.1} µs, check {:.1} µs, json {:.1} µs = {mean:.1} µs ({:.0} reports/s)",
        total[0] / k,
        total[1] / k,
        total[2] / k,
        1e6 / mean
    );
}

/// Mean µs of `n` runs of `f`.
fn time(n: u32, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1))
}
