//! `cargo bench -p gongkai-report --bench check`: the speed of `gongkai report check` on one core.
//!
//! Every report is read from its bytes (sniffing, decoding, the reader, the assembler) and checked
//! (`check(&report, None, …)`), on one thread, repeatedly for a few seconds; the figure is reports
//! per second and MB per second of input. Corpora:
//!
//! - **mixed** (the target, ≥ 10,000 reports/s on one core): 2,000 generated reports, half
//!   tab-separated plain text, half HTML pages, as the renderers print them;
//! - **crawl**: 200 generated reports as a crawler copies them (the whole report on one line, cells
//!   run together), which the crawl reader splits by the tables' arithmetic;
//! - **shared**: the real published reports of `../shared/fixtures/reports` that need no external
//!   tool (plain text, `pdftotext` text, crawler text, saved HTML pages, Markdown), when present.
//!
//! `GONGKAI_BENCH_SECONDS` sets the duration per corpus (default 3); `GONGKAI_BENCH_PASSES=n` runs
//! exactly n passes instead (for instruction counts under `valgrind --tool=callgrind`);
//! `GONGKAI_BENCH_PROFILE=1` also times each flavour's reading and the checker apart;
//! `GONGKAI_BENCH_CORPUS=mixed` (or `crawl`, `shared`, comma-separated) runs only those corpora.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_report::read::read_bytes;
use gongkai_report::render::{OutputFormat, render};
use gongkai_report::testing::{SampleOptions, sample_report, sample_report_with};

type MakeCorpus = fn() -> Corpus;

struct Corpus {
    name: &'static str,
    inputs: Vec<(&'static str, Vec<u8>)>,
}

fn main() {
    let seconds: u64 = std::env::var("GONGKAI_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let passes: Option<usize> = std::env::var("GONGKAI_BENCH_PASSES").ok().and_then(|s| s.parse().ok());
    let opts = CheckOptions::default();
    let only = std::env::var("GONGKAI_BENCH_CORPUS").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|w| name.starts_with(w.trim()));
    let corpora: [(&str, MakeCorpus); 3] = [("mixed", mixed), ("crawl", crawl), ("shared", shared)];
    for (name, make) in corpora {
        if !wanted(name) {
            continue;
        }
        let corpus = make();
        if corpus.inputs.is_empty() {
            println!("{}: no inputs (skipped)", corpus.name);
            continue;
        }
        run(&corpus, seconds, passes, &opts);
    }
}

fn mixed() -> Corpus {
    let mut inputs = Vec::with_capacity(2000);
    for seed in 0..2000u64 {
        let report = sample_report(seed);
        let (label, format) = if seed % 2 == 0 { ("txt", OutputFormat::Txt) } else { ("html", OutputFormat::Html) };
        match render(&report, &[], format) {
            Ok(bytes) => inputs.push((label, bytes)),
            Err(e) => eprintln!("seed {seed}: cannot render: {e}"),
        }
    }
    Corpus { name: "mixed txt/html (target)", inputs }
}

fn crawl() -> Corpus {
    let mut inputs = Vec::with_capacity(200);
    for seed in 0..200u64 {
        // A crawler's copy loses blank cells; copies of reports without blanks read back exactly.
        let options = SampleOptions { blanks: false, ..SampleOptions::for_seed(seed) };
        let Ok(txt) = render(&sample_report_with(seed, options), &[], OutputFormat::Txt) else { continue };
        let one_line: Vec<u8> = txt.into_iter().filter(|b| !matches!(b, b'\t' | b'\n')).collect();
        inputs.push(("crawl", one_line));
    }
    Corpus { name: "crawl", inputs }
}

fn shared() -> Corpus {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    let mut inputs = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else { return Corpus { name: "shared", inputs } };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let label = match p.extension().and_then(|e| e.to_str()) {
            Some("txt") => "txt",
            Some("html") => "html",
            Some("md") if name != "MANIFEST.md" => "md",
            _ => continue, // PDFs run pdftotext, a separate process: not the reader's speed
        };
        if let Ok(bytes) = std::fs::read(&p) {
            inputs.push((label, bytes));
        }
    }
    Corpus { name: "shared", inputs }
}

/// One pass over the corpus: read and check every input. Not inlined, so that a profiler can
/// count exactly this.
#[inline(never)]
fn pass(inputs: &[(&'static str, Vec<u8>)], opts: &CheckOptions) -> (usize, usize) {
    let (mut findings, mut failures) = (0, 0);
    for (_, b) in inputs {
        match read_bytes(b, None) {
            Ok(r) => findings += check(&r, None, opts).len(),
            Err(_) => failures += 1,
        }
    }
    (findings, failures)
}

fn run(corpus: &Corpus, seconds: u64, passes: Option<usize>, opts: &CheckOptions) {
    let inputs = &corpus.inputs;
    let bytes_per_pass: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let mut kinds: Vec<&str> = inputs.iter().map(|(k, _)| *k).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mix: Vec<String> = kinds.iter().map(|k| format!("{} {k}", inputs.iter().filter(|(x, _)| x == k).count())).collect();
    println!("{}: {} reports ({}), {:.2} MB", corpus.name, inputs.len(), mix.join(", "), mb(bytes_per_pass));

    let (_, failures) = pass(inputs, opts); // warm-up, and every input must read
    if failures > 0 {
        println!("  warning: {failures} inputs could not be read");
    }
    let start = Instant::now();
    let (mut n, mut findings) = (0usize, 0usize);
    loop {
        let done = match passes {
            Some(p) => n >= p,
            None => start.elapsed() >= Duration::from_secs(seconds) && n > 0,
        };
        if done {
            break;
        }
        findings += pass(inputs, opts).0;
        n += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "  read + check, one thread: {} reports in {secs:.2} s = {:.0} reports/s, {:.1} MB/s ({findings} findings)",
        n * inputs.len(),
        rate(n * inputs.len(), secs),
        mb(n * bytes_per_pass) / secs
    );

    if std::env::var("GONGKAI_BENCH_PROFILE").is_ok_and(|v| v == "1") {
        for kind in kinds {
            let part: Vec<&Vec<u8>> = inputs.iter().filter(|(k, _)| *k == kind).map(|(_, b)| b).collect();
            let t = Instant::now();
            let parsed: Vec<_> = part.iter().filter_map(|b| read_bytes(b, None).ok()).collect();
            let read_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let found: usize = parsed.iter().map(|r| check(r, None, opts).len()).sum();
            let check_s = t.elapsed().as_secs_f64();
            let size: usize = part.iter().map(|b| b.len()).sum();
            println!(
                "    {kind}: read {:.0} reports/s ({:.1} MB/s); check {:.0} reports/s ({found} findings)",
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
