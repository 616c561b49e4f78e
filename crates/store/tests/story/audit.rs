use gongkai_store::*;

use crate::helpers::*;
use crate::story;

async fn seed(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    for i in 0..5 {
        let mut a = new_app(c.id, "2025-01-20");
        a.number = Some(format!("A{i}"));
        s.create_application(&ctx(), a).await.unwrap();
    }
}

async fn every_change_is_logged_and_the_chain_verifies(db: &TestDb) {
    seed(db).await;
    let s = &db.store;
    let log = s.audit_entries(0, 100).await.unwrap();
    assert_eq!(log.len(), 6);
    assert_eq!(log[0].entity, "agency");
    assert_eq!(log[1].action, "create");
    assert_eq!(log[1].prev_hash, log[0].hash);
    let v = s.audit_verify().await.unwrap();
    assert_eq!(v.entries, 6);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}
story!(every_change_is_logged_and_the_chain_verifies);

async fn the_log_refuses_updates_and_deletes(db: &TestDb) {
    seed(db).await;
    assert!(db.raw(&["UPDATE audit_log SET actor = 'x' WHERE seq = 2"]).await.is_err());
    assert!(db.raw(&["DELETE FROM audit_log WHERE seq = 2"]).await.is_err());
}
story!(the_log_refuses_updates_and_deletes);

async fn verify_detects_an_edited_entry(db: &TestDb) {
    seed(db).await;
    let mut sql = db.unlock_audit().to_vec();
    sql.push("UPDATE audit_log SET after_json = REPLACE(after_json, '张三', '王五') WHERE seq = 3");
    db.raw(&sql).await.unwrap();
    let v = db.store.audit_verify().await.unwrap();
    assert!(v.problems.iter().any(|p| p.contains("第 3 条") && p.contains("篡改")), "{:?}", v.problems);
}
story!(verify_detects_an_edited_entry);

async fn verify_detects_a_deleted_entry(db: &TestDb) {
    seed(db).await;
    let mut sql = db.unlock_audit().to_vec();
    sql.push("DELETE FROM audit_log WHERE seq = 4");
    db.raw(&sql).await.unwrap();
    let v = db.store.audit_verify().await.unwrap();
    assert!(!v.problems.is_empty());
    assert!(v.problems.iter().any(|p| p.contains("删除")), "{:?}", v.problems);
}
story!(verify_detects_a_deleted_entry);

async fn verify_detects_a_deleted_last_entry(db: &TestDb) {
    seed(db).await;
    let mut sql = db.unlock_audit().to_vec();
    sql.push("DELETE FROM audit_log WHERE seq = 6");
    db.raw(&sql).await.unwrap();
    let v = db.store.audit_verify().await.unwrap();
    assert!(v.problems.iter().any(|p| p.contains("链头")), "{:?}", v.problems);
}
story!(verify_detects_a_deleted_last_entry);

async fn verify_detects_reordered_entries(db: &TestDb) {
    seed(db).await;
    let mut sql = db.unlock_audit().to_vec();
    // swap the contents of entries 2 and 3 (keeping their sequence numbers)
    sql.extend([
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    ]);
    db.raw(&sql).await.unwrap();
    let v = db.store.audit_verify().await.unwrap();
    assert!(!v.problems.is_empty());
}
story!(verify_detects_reordered_entries);
