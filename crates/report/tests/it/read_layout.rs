//! The pdftotext-layout reader.

use std::path::PathBuf;

use gongkai_domain::report::json::report_json;
use gongkai_report::read::layout::read_layout;

fn shared(name: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/reports").join(name);
    std::fs::read_to_string(p).ok()
}

#[test]
fn dump_shared() {
    for f in ["2024-huaian-city.pdftotext.txt", "2023-hongze-district.pdftotext.txt", "2024-hongze-district.pdftotext.txt"] {
        let Some(t) = shared(f) else { continue };
        let r = read_layout(&t, Some(f));
        let mut j = report_json(&r, &r.reader_findings);
        j["sections"] = serde_json::Value::Null;
        println!("{f}\n{}", serde_json::to_string(&j).unwrap());
        for s in &r.sections { println!("  {:?} {:?} {}", s.id, s.title, s.text.chars().take(60).collect::<String>()); }
        for t in &r.tables { for row in &t.rows { println!("  {} {:?} {:?} {:?}", row.id, row.label, row.cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(), row.line); } }
    }
}
