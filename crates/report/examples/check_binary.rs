//! `cargo run --release -p gongkai-report --example check_binary`: `gongkai report check` end to
//! end, through the built binary, as a user runs it.
//!
//! Makes a directory of copies of the shared real reports in their text, HTML and Markdown
//! flavours (no PDF: `../shared/fixtures/reports`, every file not ending in `.pdf` or `.md` of
//! the manifest itself), `GONGKAI_BENCH_FILES` files in all (default 20,000), then times
//!
//! - `taskset -c 0 target/release/gongkai report check --format json DIR > /dev/null` (one core;
//!   the checker's worker threads follow the process's CPU affinity), and
//! - `taskset -c 0 cat DIR/* > /dev/null` for comparison (reading the same bytes),
//!
//! best of `GONGKAI_BENCH_RUNS` runs (default 3), and prints reports/s. The binary is
//! `target/release/gongkai` (build it first: `cargo build --release -p gongkai-cli`) or
//! `GONGKAI_BIN`. Exit status 1 when the figure is under 10,000 reports/s.

#![expect(clippy::panic, reason = "a benchmark harness: a failed setup step ends the run")]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared/fixtures/reports");
    let bin = std::env::var("GONGKAI_BIN").map_or_else(|_| root.join("target/release/gongkai"), PathBuf::from);
    let files: usize = std::env::var("GONGKAI_BENCH_FILES").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let runs: usize = std::env::var("GONGKAI_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    if !bin.is_file() {
        eprintln!("{} is missing: cargo build --release -p gongkai-cli", bin.display());
        std::process::exit(2);
    }
    let mut sources: Vec<(String, Vec<u8>)> = match std::fs::read_dir(&shared) {
        Ok(d) => d
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x != "pdf") && !p.ends_with("MANIFEST.md"))
            .map(|p| (p.file_name().unwrap_or_default().to_string_lossy().into_owned(), std::fs::read(&p).unwrap_or_default()))
            .collect(),
        Err(e) => {
            eprintln!("{}: {e} (the shared reports are needed)", shared.display());
            std::process::exit(2);
        }
    };
    sources.sort();
    let dir = std::env::temp_dir().join(format!("gongkai-check-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut bytes = 0usize;
    for i in 0..files {
        let (name, data) = &sources[i % sources.len()];
        bytes += data.len();
        std::fs::write(dir.join(format!("{i:06}-{name}")), data).unwrap_or_else(|e| panic!("{e}"));
    }
    println!("{files} files ({:.1} MB) from {} shared reports: {}", bytes as f64 / 1e6, sources.len(), sources.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(", "));
    let check = best(runs, || {
        let status = Command::new("taskset")
            .args(["-c", "0"])
            .arg(&bin)
            .args(["report", "check", "--format", "json"])
            .arg(&dir)
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("taskset: {e}"));
        // 0 = clean, 1 = error findings (real reports have some); 2 = unreadable input
        assert!(status.code().is_some_and(|c| c <= 1), "report check failed: {status}");
    });
    let cat = best(runs, || {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("taskset -c 0 cat {}/* > /dev/null", dir.display()))
            .status()
            .unwrap_or_else(|e| panic!("sh: {e}"));
        assert!(status.success());
    });
    let rate = |s: f64| files as f64 / s;
    println!("report check --format json, one core: {:.3} s = {:.0} reports/s ({:.0} MB/s)", check, rate(check), bytes as f64 / 1e6 / check);
    println!("cat of the same files, one core:      {:.3} s = {:.0} files/s", cat, rate(cat));
    let _ = std::fs::remove_dir_all(&dir);
    if rate(check) < 10_000.0 {
        println!("UNDER the 10,000 reports/s target");
        std::process::exit(1);
    }
}

fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

