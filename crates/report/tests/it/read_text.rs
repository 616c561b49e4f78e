//! The plain-text reader and the assembler, on hand-written fixtures and the real reports.

use std::path::{Path, PathBuf};

use gongkai_domain::report::json::report_json;
use gongkai_report::read;

fn shared(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports");
    let p = dir.join(name);
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var("GONGKAI_REQUIRE_SHARED").as_deref() != Ok("1"), "{} is missing and GONGKAI_REQUIRE_SHARED=1", p.display());
    println!("skipped: {} not present", p.display());
    None
}

#[test]
fn dump() {
    let Ok(f) = std::env::var("DUMP") else { return };
    let p = shared(&f).map_or_else(|| PathBuf::from(&f), |p| p);
    let r = read::read_path(&p).unwrap();
    println!("{}", serde_json::to_string_pretty(&report_json(&r, &r.reader_findings)).unwrap());
}
