//! `import`: every row is validated and the chain verified before anything is committed; a
//! truncated or edited export is refused whole, naming the line.

use gongkai_store::*;
use serde_json::Value;

use crate::helpers::*;
use crate::records::every_kind_of_write;
use crate::story;

/// An empty database of the same backend.
async fn target(db: &TestDb) -> TestDb {
    if db.is_pg() { TestDb::postgres("import_target").await.unwrap() } else { TestDb::sqlite().await }
}

async fn dump(s: &Store) -> Vec<String> {
    let mut out = Vec::new();
    s.export_jsonl(&mut out).await.unwrap();
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

/// The lines with the first row of `table` matching `pick` changed by `edit`.
fn edit_row(lines: &[String], table: &str, pick: impl Fn(&Value) -> bool, edit: impl Fn(&mut serde_json::Map<String, Value>)) -> Vec<String> {
    let mut done = false;
    let out = lines
        .iter()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            if !done && v["table"] == table && pick(&v["row"]) {
                edit(v["row"].as_object_mut().unwrap());
                done = true;
                return v.to_string();
            }
            l.clone()
        })
        .collect();
    assert!(done, "no {table} row to edit");
    out
}

fn any(_: &Value) -> bool {
    true
}

async fn import(target: &TestDb, lines: &[String]) -> Result<TransferSummary, StoreError> {
    let text = lines.join("\n") + "\n";
    target.store.import_jsonl(&mut text.as_bytes()).await
}

async fn a_bad_export_is_refused_whole_naming_the_line(db: &TestDb) {
    let seeded = every_kind_of_write(&db.store).await;
    let good = dump(&db.store).await;
    let t = target(db).await;
    let approval = |r: &Value| r["kind"] == "extension_approved";
    let (officer, clerk) = (seeded.officer.0, seeded.clerk.0);
    let last_audit = good.iter().rposition(|l| l.contains("\"table\":\"audit_log\"")).unwrap();
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        ("a code", edit_row(&good, "applications", any, |r| { r.insert("applicant_kind".into(), "alien".into()); }), "applicant_kind"),
        ("a date", edit_row(&good, "applications", any, |r| { r.insert("received_on".into(), "2025-02-30".into()); }), "received_on"),
        ("a timestamp", edit_row(&good, "users", any, |r| { r.insert("created_at".into(), "昨天".into()); }), "created_at"),
        ("JSON", edit_row(&good, "application_events", |r| r["detail"] != "", |r| { r.insert("detail".into(), "{\"party\":".into()); }), "detail"),
        ("settings", edit_row(&good, "agencies", any, |r| { r.insert("settings".into(), "{\"color\":1}".into()); }), "settings"),
        ("a type", edit_row(&good, "appeals", any, |r| { r.insert("filed_on".into(), 20250220.into()); }), "应为文本"),
        ("a reference", edit_row(&good, "appeals", any, |r| { r.insert("application_id".into(), 999.into()); }), "不存在"),
        ("an officer", edit_row(&good, "applications", any, |r| { r.insert("case_officer_id".into(), 999.into()); }), "case_officer_id"),
        ("no approver", edit_row(&good, "application_events", approval, |r| { r.insert("actor_id".into(), Value::Null); }), "没有批准人"),
        ("the officer approves", edit_row(&good, "application_events", approval, |r| { r.insert("actor_id".into(), officer.into()); }), "承办人"),
        ("not an office head", edit_row(&good, "application_events", approval, |r| { r.insert("actor_id".into(), clerk.into()); }), "不是该机关的办公室负责人"),
        ("a timeline", edit_row(&good, "application_events", |r| r["kind"] == "replied", |r| { r.insert("on_date".into(), "2025-01-01".into()); }), "时间线"),
        ("an audit entry", edit_row(&good, "audit_log", |r| r["seq"] == 5, |r| { r.insert("actor".into(), "someone".into()); }), "哈希链"),
        (
            "a record edited with its trail left",
            edit_row(&good, "applications", any, |r| { r.insert("applicant_name".into(), "王五".into()); }),
            "与其审计日志不符",
        ),
        ("a row removed", good.iter().filter(|l| !l.contains("\"table\":\"yearly_counts\"")).cloned().collect(), "导出文件不完整"),
        ("cut after the log", good[..good.len() - 2].to_vec(), "缺少结尾"),
        ("cut inside the log", good[..last_audit].to_vec(), "缺少结尾"),
        ("cut mid-line", { let mut c = good.clone(); let n = c.len() - 1; c[n].truncate(20); c }, "不完整"),
        ("after the end", { let mut c = good.clone(); c.push(good[3].clone()); c }, "结尾之后"),
    ];
    for (what, lines, want) in &cases {
        let Err(err) = import(&t, lines).await else { panic!("{what}: imported") };
        let err = err.to_string();
        assert!(err.contains(want), "{what}: {err}");
        assert!(err.contains('行') || err.contains("不完整") || err.contains("不符"), "{what}: names no line: {err}");
        // nothing was committed: the target is still empty
        assert!(t.store.agencies().await.unwrap().is_empty(), "{what} left rows behind");
        assert!(t.store.audit_entries(0, 1).await.unwrap().is_empty(), "{what} left audit entries behind");
    }
    // and the file as exported still loads, whole
    let summary = import(&t, &good).await.unwrap();
    assert_eq!(summary.head, db.store.audit_verify().await.unwrap().head);
    let v = t.store.audit_check(&AuditCheck { records: true, ..AuditCheck::default() }).await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    t.finish().await;
}
story!(a_bad_export_is_refused_whole_naming_the_line);

/// Files of version 2 (before the trailer) still load: their last line is always the chain's
/// head, so a truncated one is refused all the same.
async fn an_export_without_trailer_loads_only_whole(db: &TestDb) {
    every_kind_of_write(&db.store).await;
    let mut v2 = dump(&db.store).await;
    v2.pop();
    v2[0] = v2[0].replace("\"gongkai_export\":3", "\"gongkai_export\":2");
    let t = target(db).await;
    let err = import(&t, &v2[..v2.len() - 1]).await.unwrap_err().to_string();
    assert!(err.contains("导出文件不完整"), "{err}");
    let err = import(&t, &v2[..v2.len() - 30]).await.unwrap_err().to_string();
    assert!(err.contains("导出文件不完整") || err.contains("哈希链"), "{err}");
    assert!(t.store.agencies().await.unwrap().is_empty());
    // a version-3 file must have its trailer
    let mut v3 = dump(&db.store).await;
    v3.pop();
    let err = import(&t, &v3).await.unwrap_err().to_string();
    assert!(err.contains("缺少结尾"), "{err}");
    import(&t, &v2).await.unwrap();
    assert!(t.store.audit_verify().await.unwrap().problems.is_empty());
    t.finish().await;
}
story!(an_export_without_trailer_loads_only_whole);
