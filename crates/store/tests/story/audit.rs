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

/// The problems of a verification with `--expect` receipts.
async fn check(db: &TestDb, expect: &[&audit::Receipt]) -> Vec<String> {
    let check = AuditCheck { expect: expect.iter().map(|r| (*r).clone()).collect(), records: false };
    db.store.audit_check(&check).await.unwrap().problems
}

async fn head(db: &TestDb) -> audit::Receipt {
    let v = db.store.audit_verify().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    v.head.unwrap()
}

async fn the_chain_refuses_a_head_moved_back_and_a_replaced_entry(db: &TestDb) {
    seed(db).await;
    let back = "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)";
    assert!(db.raw(&[back]).await.is_err());
    assert!(db.raw(&["UPDATE audit_head SET hash = 'x'"]).await.is_err());
    assert!(db.raw(&["DELETE FROM audit_head"]).await.is_err());
    let replace = if db.is_pg() {
        "INSERT INTO audit_log SELECT * FROM audit_log WHERE seq = 3 ON CONFLICT (seq) DO UPDATE SET actor = 'x'"
    } else {
        "INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq = 3"
    };
    assert!(db.raw(&[replace]).await.is_err());
    // an entry that does not follow the last one
    let stray = "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, reason) \
                 VALUES (8, 'x', 'x', 'x', 'x', 'x', '', '', 'x', 'x', '')";
    assert!(db.raw(&[stray]).await.is_err());
    if db.is_pg() {
        assert!(db.raw(&["TRUNCATE audit_log"]).await.is_err());
        assert!(db.raw(&["TRUNCATE audit_head"]).await.is_err());
    }
    assert_eq!(head(db).await.seq, 6);
}
story!(the_chain_refuses_a_head_moved_back_and_a_replaced_entry);

async fn verify_detects_newest_entries_removed_and_the_head_moved_back(db: &TestDb) {
    seed(db).await;
    let mut sql = db.unlock_chain().to_vec();
    sql.extend([
        "DELETE FROM audit_log WHERE seq > 4",
        "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)",
    ]);
    db.raw(&sql).await.unwrap();
    let v = db.store.audit_verify().await.unwrap();
    assert_eq!(v.entries, 4);
    assert!(
        v.problems.iter().any(|p| p.contains("锚点文件") && p.contains("第 6 条") && p.contains("最新的记录被删除")),
        "{:?}",
        v.problems
    );
}
story!(verify_detects_newest_entries_removed_and_the_head_moved_back);

/// The entries from `from` on rewritten (entry `from` with another actor) with fresh hashes, so
/// that the chain and its head are consistent again: what someone holding the file could do.
fn rewritten_tail(log: &[AuditEntry], from: i64) -> Vec<AuditEntry> {
    let mut prev = log.iter().find(|e| e.seq == from - 1).map_or(audit::GENESIS.to_string(), |e| e.hash.clone());
    let mut out = Vec::new();
    for e in log.iter().filter(|e| e.seq >= from) {
        let mut e = e.clone();
        if e.seq == from {
            e.actor = "someone-else".into();
        }
        e.prev_hash = prev.clone();
        e.hash = audit::entry_hash(
            e.seq, &e.at, &e.actor, &e.action, &e.entity, &e.entity_id, &e.before, &e.after, &e.prev_hash,
            e.agency.map(|a| a.0), &e.reason,
        );
        prev = e.hash.clone();
        out.push(e);
    }
    out
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn verify_detects_a_tail_rewritten_with_fresh_hashes(db: &TestDb) {
    seed(db).await;
    let receipt = head(db).await;
    let log = db.store.audit_entries(0, 100).await.unwrap();
    let tail = rewritten_tail(&log, 3);
    let mut sql: Vec<String> = db.unlock_chain().iter().map(|s| s.to_string()).collect();
    for e in &tail {
        let values = format!(
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            e.seq,
            quoted(&e.at),
            quoted(&e.actor),
            quoted(&e.action),
            quoted(&e.entity),
            quoted(&e.entity_id),
            quoted(&e.before),
            quoted(&e.after),
            quoted(&e.prev_hash),
            quoted(&e.hash),
            e.agency.map_or("NULL".into(), |a| a.0.to_string()),
            quoted(&e.reason)
        );
        let cols = "(seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, agency_id, reason)";
        sql.push(if db.is_pg() {
            format!(
                "INSERT INTO audit_log {cols} VALUES {values} ON CONFLICT (seq) DO UPDATE SET actor = EXCLUDED.actor, \
                 prev_hash = EXCLUDED.prev_hash, hash = EXCLUDED.hash"
            )
        } else {
            format!("INSERT OR REPLACE INTO audit_log {cols} VALUES {values}")
        });
    }
    let last = tail.last().unwrap();
    sql.push(format!("UPDATE audit_head SET seq = {}, hash = {}", last.seq, quoted(&last.hash)));
    let sql: Vec<&str> = sql.iter().map(String::as_str).collect();
    db.raw(&sql).await.unwrap();
    assert_eq!(db.store.audit_entries(2, 1).await.unwrap()[0].actor, "someone-else");

    let v = db.store.audit_verify().await.unwrap();
    assert!(
        v.problems.iter().any(|p| p.contains("锚点文件") && p.contains("第 6 条") && p.contains("改写")),
        "{:?}",
        v.problems
    );
    // Whoever also rewrites the anchor file is caught by a receipt kept elsewhere.
    let anchor = db.store.anchor_path().unwrap().to_path_buf();
    std::fs::write(&anchor, format!("gongkai audit anchor 1\n{:>20}:{}\n", last.seq, last.hash)).unwrap();
    assert!(db.store.audit_verify().await.unwrap().problems.is_empty(), "the chain is consistent again");
    let problems = check(db, &[&receipt]).await;
    assert!(problems.iter().any(|p| p.contains("回执") && p.contains("改写")), "{problems:?}");
}
story!(verify_detects_a_tail_rewritten_with_fresh_hashes);

async fn verify_detects_a_truncated_log(db: &TestDb) {
    seed(db).await;
    let mut sql = db.unlock_chain().to_vec();
    // TRUNCATE on PostgreSQL (refused by a statement trigger until the owner disables it);
    // SQLite has none, DELETE is the same thing there.
    sql.push(if db.is_pg() { "TRUNCATE audit_log" } else { "DELETE FROM audit_log" });
    sql.push("UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000'");
    db.raw(&sql).await.unwrap();
    let v = db.store.audit_verify().await.unwrap();
    assert_eq!(v.entries, 0);
    assert!(v.problems.iter().any(|p| p.contains("锚点文件") && p.contains("只到第 0 条")), "{:?}", v.problems);
}
story!(verify_detects_a_truncated_log);

async fn a_missing_anchor_is_reported_until_audit_anchor_restores_it(db: &TestDb) {
    seed(db).await;
    let anchor = db.store.anchor_path().unwrap().to_path_buf();
    assert!(anchor.exists());
    std::fs::remove_file(&anchor).unwrap();
    let problems = db.store.audit_verify().await.unwrap().problems;
    assert!(problems.iter().any(|p| p.contains("不存在") && p.contains("gongkai audit anchor")), "{problems:?}");
    // an ordinary write does not bring it back
    db.store.create_application(&ctx(), new_app(AgencyId(1), "2025-02-03")).await.unwrap();
    assert!(!anchor.exists());
    let r = db.store.audit_anchor(&ctx()).await.unwrap();
    assert_eq!(r.previous, None);
    assert_eq!(r.receipt.seq, 8, "after an entry recording the re-anchoring");
    assert_eq!(head(db).await, r.receipt);
    let log = db.store.audit_entries(7, 1).await.unwrap();
    assert_eq!((log[0].action.as_str(), log[0].entity.as_str()), ("anchor", "audit_anchor"));
    // a chain that does not verify is not anchored
    let mut sql = db.unlock_audit().to_vec();
    sql.push("UPDATE audit_log SET actor = 'x' WHERE seq = 2");
    db.raw(&sql).await.unwrap();
    let err = db.store.audit_anchor(&ctx()).await.unwrap_err();
    assert!(err.to_string().contains("不能重建锚点"), "{err}");
}
story!(a_missing_anchor_is_reported_until_audit_anchor_restores_it);

async fn receipts_must_still_be_in_the_chain(db: &TestDb) {
    seed(db).await;
    let early = head(db).await;
    db.store.create_application(&ctx(), new_app(AgencyId(1), "2025-02-03")).await.unwrap();
    let now = head(db).await;
    assert_eq!(now.seq, early.seq + 1);
    assert!(check(db, &[&early, &now]).await.is_empty());
    assert!(check(db, &[&audit::Receipt::genesis()]).await.is_empty());
    let forged = audit::Receipt { seq: early.seq, hash: "ab".repeat(32) };
    assert!(check(db, &[&forged]).await.iter().any(|p| p.contains("回执") && p.contains("改写")));
    let ahead = audit::Receipt { seq: now.seq + 5, hash: now.hash.clone() };
    assert!(check(db, &[&ahead]).await.iter().any(|p| p.contains("回执") && p.contains("最新的记录被删除")));
    assert_eq!(format!("{now}").parse::<audit::Receipt>().unwrap(), now);
    assert!("12:xyz".parse::<audit::Receipt>().is_err());
}
story!(receipts_must_still_be_in_the_chain);

/// PostgreSQL: with the grants `gongkai audit grants` prints, the application's role appends to
/// the log but cannot UPDATE, DELETE or TRUNCATE it, even with the triggers disabled. (Tested on
/// the test role itself: an owner's privileges can be revoked too, which is all a test without
/// CREATEROLE can do.)
async fn the_app_role_cannot_change_the_log(db: &TestDb) {
    if !db.is_pg() {
        return;
    }
    seed(db).await;
    let role: String = {
        let o: sqlx::postgres::PgConnectOptions = db.url.parse().unwrap();
        o.get_username().to_string()
    };
    let sql = postgres_app_role_sql(&role, db.schema.as_deref().unwrap()).unwrap();
    let statements: Vec<&str> = sql.lines().filter(|l| !l.starts_with("--") && !l.trim().is_empty()).collect();
    db.raw(&statements).await.unwrap();
    db.raw(&["ALTER TABLE audit_log DISABLE TRIGGER USER"]).await.unwrap();
    for forbidden in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log", "DELETE FROM audit_head"] {
        let err = db.raw(&[forbidden]).await.unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{forbidden}: {err}");
    }
    db.raw(&["ALTER TABLE audit_log ENABLE TRIGGER USER"]).await.unwrap();
    // and the application still writes
    db.store.create_application(&ctx(), new_app(AgencyId(1), "2025-02-03")).await.unwrap();
    assert_eq!(head(db).await.seq, 7);
    assert!(postgres_app_role_sql("x\0y", "public").is_err());
}
story!(the_app_role_cannot_change_the_log);

/// A database from before migration 0005 gets its anchor, at its head, when it is upgraded.
async fn an_upgraded_database_is_anchored_where_its_chain_stands(db: &TestDb) {
    seed(db).await;
    let anchor = db.store.anchor_path().unwrap().to_path_buf();
    std::fs::remove_file(&anchor).unwrap();
    let undo: &[&str] = if db.is_pg() {
        &[
            "DROP TRIGGER audit_log_linked ON audit_log",
            "DROP TRIGGER audit_head_forward_only ON audit_head",
            "DROP TRIGGER audit_head_no_truncate ON audit_head",
            "DROP FUNCTION audit_log_linked()",
            "DROP FUNCTION audit_head_forward_only()",
            "DELETE FROM _sqlx_migrations WHERE version = 5",
        ]
    } else {
        &[
            "DROP TRIGGER audit_log_linked",
            "DROP TRIGGER audit_head_forward_only",
            "DROP TRIGGER audit_head_no_insert",
            "DROP TRIGGER audit_head_no_delete",
            "DELETE FROM _sqlx_migrations WHERE version = 5",
        ]
    };
    db.raw(undo).await.unwrap();
    let upgraded = db.reopen(1).await;
    assert!(anchor.exists());
    let v = upgraded.audit_verify().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert!(v.notes.iter().any(|n| n.contains("第 6 条")), "{:?}", v.notes);
    // and the triggers are back
    assert!(db.raw(&["UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)"]).await.is_err());
    upgraded.close().await;
}
story!(an_upgraded_database_is_anchored_where_its_chain_stands);
