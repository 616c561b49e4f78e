//! The static format specs in `report::spec` agree with `shared/domain/report-format.yaml`.
//! Reads ../shared in place: skips (with a message) where it is absent, fails where
//! GONGKAI_REQUIRE_SHARED=1 promises it.

#![expect(clippy::expect_used, reason = "test helpers")]

use std::path::PathBuf;

use gongkai_domain::report::spec::{FORMAT_2021, T3_COLUMNS, T4_COLUMNS, TableSpec};
use gongkai_domain::report::{CheckCode, TableId};
use serde_yaml::Value as Y;

fn shared_yaml() -> Option<Y> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/domain/report-format.yaml");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(serde_yaml::from_str(&s).expect("report-format.yaml parses")),
        Err(e) => {
            assert!(
                std::env::var("GONGKAI_REQUIRE_SHARED").as_deref() != Ok("1"),
                "GONGKAI_REQUIRE_SHARED=1 but {} is unreadable: {e}",
                path.display()
            );
            eprintln!("skipped: {} not found (../shared is absent in a plain clone)", path.display());
            None
        }
    }
}

fn s<'a>(v: &'a Y, key: &str) -> &'a Y {
    &v[key]
}

/// Flatten the yaml's nested t3 rows into (id, text, header_only) in printed order.
fn flatten_rows(rows: &Y, out: &mut Vec<(String, String, bool)>) {
    for r in rows.as_sequence().expect("rows are a list") {
        let id = r["id"].as_str().expect("row id").to_owned();
        let text = r["text"].as_str().expect("row text").to_owned();
        let header = r["header_only"].as_bool().unwrap_or(false);
        out.push((id, text, header));
        if let Some(children) = r.get("children") {
            flatten_rows(children, out);
        }
    }
}

fn spec_rows(t: &TableSpec) -> Vec<(String, String, bool)> {
    t.rows().map(|(_, r)| (r.id.to_owned(), r.text.to_owned(), r.header_only)).collect()
}

#[test]
fn t3_rows_and_columns_match_the_yaml() {
    let Some(y) = shared_yaml() else { return };
    let t3 = s(s(&y, "tables"), "t3");
    let mut rows = Vec::new();
    flatten_rows(&t3["rows"], &mut rows);
    assert_eq!(spec_rows(&FORMAT_2021.t3), rows);
    let cols: Vec<&str> =
        t3["data_columns"].as_sequence().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(T3_COLUMNS.iter().map(|c| c.id).collect::<Vec<_>>(), cols);
}

#[test]
fn t2_blocks_match_the_yaml() {
    let Some(y) = shared_yaml() else { return };
    let blocks = y["tables"]["t2"]["blocks"].as_sequence().unwrap();
    assert_eq!(blocks.len(), FORMAT_2021.t2.blocks.len());
    for (yb, sb) in blocks.iter().zip(FORMAT_2021.t2.blocks) {
        assert_eq!(yb["id"].as_str(), Some(sb.id));
        assert_eq!(yb["caption"].as_str(), sb.caption);
        let ycols: Vec<(&str, &str)> = yb["columns"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter(|c| c["id"].as_str() != Some("label"))
            .map(|c| (c["id"].as_str().unwrap(), c["text"].as_str().unwrap()))
            .collect();
        assert_eq!(sb.columns.iter().map(|c| (c.id, c.text)).collect::<Vec<_>>(), ycols);
        let yrows: Vec<(&str, &str)> =
            yb["rows"].as_sequence().unwrap().iter().map(|r| (r["id"].as_str().unwrap(), r["text"].as_str().unwrap())).collect();
        assert_eq!(sb.rows.iter().map(|r| (r.id, r.text)).collect::<Vec<_>>(), yrows);
    }
}

#[test]
fn t4_columns_match_the_yaml() {
    let Some(y) = shared_yaml() else { return };
    let t4 = &y["tables"]["t4"];
    let mut ids = Vec::new();
    for g in t4["column_groups"].as_sequence().unwrap() {
        if let Some(cols) = g.get("columns") {
            ids.extend(cols.as_sequence().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()));
        }
        if let Some(sub) = g.get("subgroups") {
            for sg in sub.as_sequence().unwrap() {
                ids.extend(sg["columns"].as_sequence().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()));
            }
        }
    }
    assert_eq!(T4_COLUMNS.iter().map(|c| c.id.to_owned()).collect::<Vec<_>>(), ids);
    assert_eq!(t4["column_count"].as_u64(), Some(15));
    assert_eq!(FORMAT_2021.table(TableId::T4).blocks[0].columns.len(), 15);
}

#[test]
fn check_codes_match_the_yaml_plus_ambiguous_cells_placeholders_and_ocr() {
    let Some(y) = shared_yaml() else { return };
    let mut from_yaml: Vec<(String, String)> = y["checks"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_owned(), c["severity"].as_str().unwrap().to_owned()))
        .collect();
    from_yaml.sort();
    let mut ours: Vec<(String, String)> = CheckCode::ALL
        .iter()
        .filter(|c| !matches!(c, CheckCode::AmbiguousCells | CheckCode::PlaceholderText | CheckCode::OcrRead | CheckCode::OcrUncertain))
        .map(|c| (c.code().to_owned(), serde_json::to_value(c.severity()).unwrap().as_str().unwrap().to_owned()))
        .collect();
    ours.sort();
    assert_eq!(ours, from_yaml);
}

#[test]
fn sections_match_the_yaml() {
    let Some(y) = shared_yaml() else { return };
    let secs: Vec<(&str, &str, &str)> = y["sections"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["number"].as_str().unwrap(), s["title"].as_str().unwrap()))
        .collect();
    let ours: Vec<_> = FORMAT_2021.sections.iter().map(|s| (s.id, s.number, s.title)).collect();
    assert_eq!(ours, secs);
}
