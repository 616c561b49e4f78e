//! The crawl reader: run-together cells recovered from the tables' arithmetic.

use std::path::PathBuf;

use gongkai_domain::report::json::report_json;
use gongkai_report::read::crawl::read_crawl;

fn shared(name: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports").join(name);
    std::fs::read_to_string(p).ok()
}

#[test]
fn dump_shared() {
    for f in ["2019-pingtan.txt", "2020-pingtan.txt", "2021-pingtan.txt", "2024-pingtan.txt"] {
        let Some(t) = shared(f) else { continue };
        let r = read_crawl(&t, Some(f));
        let mut j = report_json(&r, &r.reader_findings);
        j["sections"] = serde_json::Value::Null;
        println!("{f}\n{}", serde_json::to_string(&j).unwrap());
    }
}
