//! `cargo bench -p gongkai-report --bench check`: read + check a corpus of ~2,000 generated
//! reports (half plain text, half HTML as the renderers print them) on one thread for a few
//! seconds; prints reports/s and MB/s. The target (issue 2) is ≥ 10,000 reports/s on one core.
//!
//! `GONGKAI_BENCH_SECONDS` sets the duration (default 3); `GONGKAI_BENCH_PROFILE=1` also times
//! each flavour's reading and the checker separately, to show which is slow.

use std::time::{Duration, Instant};

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_report::read::read_bytes;
use gongkai_report::render::{OutputFormat, render};
use gongkai_report::testing::sample_report;

fn main() {
    let seconds: u64 = std::env::var("GONGKAI_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut corpus: Vec<(OutputFormat, Vec<u8>)> = Vec::with_capacity(2000);
    for seed in 0..2000u64 {
        let report = sample_report(seed);
        let format = if seed % 2 == 0 { OutputFormat::Txt } else { OutputFormat::Html };
        match render(&report, &[], format) {
            Ok(bytes) => corpus.push((format, bytes)),
            Err(e) => eprintln!("seed {seed}: cannot render: {e}"),
        }
    }
    let bytes_per_pass: usize = corpus.iter().map(|(_, b)| b.len()).sum();
    let opts = CheckOptions::default();
    println!("corpus: {} reports ({} txt, {} html), {:.1} MB", corpus.len(), corpus.len().div_ceil(2), corpus.len() / 2, mb(bytes_per_pass));

    // warm-up pass, also making sure every input reads
    let mut failures = 0;
    for (_, b) in &corpus {
        if read_bytes(b, None).is_err() {
            failures += 1;
        }
    }
    if failures > 0 {
        println!("warning: {failures} inputs could not be read");
    }

    let start = Instant::now();
    let (mut reports, mut bytes, mut findings) = (0usize, 0usize, 0usize);
    while start.elapsed() < Duration::from_secs(seconds) {
        for (_, b) in &corpus {
            if let Ok(r) = read_bytes(b, None) {
                findings += check(&r, None, &opts).len();
            }
            reports += 1;
            bytes += b.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "read + check, one thread: {reports} reports in {secs:.2} s = {:.0} reports/s, {:.1} MB/s ({findings} findings)",
        rate(reports, secs),
        mb(bytes) / secs
    );

    if std::env::var("GONGKAI_BENCH_PROFILE").is_ok_and(|v| v == "1") {
        for format in [OutputFormat::Txt, OutputFormat::Html] {
            let part: Vec<&Vec<u8>> = corpus.iter().filter(|(f, _)| *f == format).map(|(_, b)| b).collect();
            let t = Instant::now();
            let parsed: Vec<_> = part.iter().filter_map(|b| read_bytes(b, None).ok()).collect();
            let read_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let n: usize = parsed.iter().map(|r| check(r, None, &opts).len()).sum();
            let check_s = t.elapsed().as_secs_f64();
            let size: usize = part.iter().map(|b| b.len()).sum();
            println!(
                "  {format}: read {:.0} reports/s ({:.1} MB/s); check {:.0} reports/s ({n} findings)",
                rate(part.len(), read_s),
                mb(size) / read_s,
                rate(parsed.len(), check_s)
            );
        }
    }
}

#[expect(clippy::cast_precision_loss, reason = "display only")]
fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

#[expect(clippy::cast_precision_loss, reason = "display only")]
fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / secs
}
