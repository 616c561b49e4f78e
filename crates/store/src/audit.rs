//! The hash chain of the audit log.
//!
//! Entry `n` stores `prev_hash` = hash of entry `n-1` (64 zeros for the first) and
//! `hash` = SHA-256 over its own fields and `prev_hash`, each field length-prefixed so that no two
//! different entries serialise alike. The table `audit_head` holds the last sequence number and
//! hash, updated in the same transaction as every append, so that deleting the newest entries is
//! detected too. Triggers refuse UPDATE and DELETE on the log; `verify` catches whatever gets past
//! them (an edit with the triggers dropped, a restored file, a hand-made import).
//!
//! Entries written since migration 0003 may name their agency and carry the reason of a
//! correction; both are hashed after `prev_hash` when present, so entries written before keep
//! their hashes.

use sha2::{Digest, Sha256};

use crate::model::{AuditEntry, AuditVerification};

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry, from its fields and the previous hash.
#[expect(clippy::too_many_arguments, reason = "one argument per hashed field keeps the order visible")]
pub fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: &str,
    after: &str,
    prev_hash: &str,
    agency: Option<i64>,
    reason: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    let agency = agency.map(|a| a.to_string());
    let extra: [&str; 2] = [agency.as_deref().unwrap_or(""), reason];
    let extended = extra.iter().any(|f| !f.is_empty());
    let fields = [seq.as_str(), at, actor, action, entity, entity_id, before, after, prev_hash];
    for field in fields.iter().chain(extended.then_some(extra.iter()).into_iter().flatten()) {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// What an audit entry says about a change (the chain adds sequence, time and hashes).
#[derive(Debug, Clone, Default)]
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: String,
    pub after: String,
    /// The agency whose records changed (`None` for users and installation-wide changes).
    pub agency: Option<i64>,
    /// Why (corrections, voids, revocations).
    pub reason: &'a str,
}

impl<'a> Change<'a> {
    /// A change without agency or reason.
    pub fn new(action: &'a str, entity: &'a str, entity_id: String, before: String, after: String) -> Self {
        Change { action, entity, entity_id, before, after, agency: None, reason: "" }
    }

    /// The agency whose records changed.
    pub fn of(mut self, agency: crate::model::AgencyId) -> Self {
        self.agency = Some(agency.0);
        self
    }

    /// Why.
    pub fn because(mut self, reason: &'a str) -> Self {
        self.reason = reason;
        self
    }
}

/// The next entry of the chain, before it is stored.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    pub seq: i64,
    pub hash: String,
}

impl Chain {
    /// Builds the next entry and advances the chain.
    pub fn append(&mut self, at: String, actor: &str, c: Change<'_>) -> AuditEntry {
        let seq = self.seq + 1;
        let hash = entry_hash(
            seq, &at, actor, c.action, c.entity, &c.entity_id, &c.before, &c.after, &self.hash, c.agency, c.reason,
        );
        let entry = AuditEntry {
            seq,
            at,
            actor: actor.to_string(),
            action: c.action.to_string(),
            entity: c.entity.to_string(),
            entity_id: c.entity_id,
            before: c.before,
            after: c.after,
            prev_hash: std::mem::replace(&mut self.hash, hash.clone()),
            hash,
            agency: c.agency.map(crate::model::AgencyId),
            reason: c.reason.to_string(),
        };
        self.seq = seq;
        entry
    }
}

/// Incremental verifier: feed entries in stored order, then `finish` with the head.
#[derive(Debug)]
pub(crate) struct Verifier {
    expected_seq: i64,
    prev_hash: String,
    out: AuditVerification,
}

impl Verifier {
    pub fn new() -> Self {
        Verifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            out: AuditVerification { entries: 0, problems: Vec::new() },
        }
    }

    pub fn feed(&mut self, e: &AuditEntry) {
        self.out.entries += 1;
        let p = &mut self.out.problems;
        if p.len() > 100 {
            return;
        }
        if e.seq != self.expected_seq {
            p.push(format!(
                "第 {} 条记录的序号为 {}：有记录被删除或顺序被调换",
                self.expected_seq, e.seq
            ));
        }
        if e.prev_hash != self.prev_hash {
            p.push(format!("第 {} 条记录与前一条记录的链接不符：有记录被删除、插入或调换", e.seq));
        }
        let h = entry_hash(
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            &e.entity,
            &e.entity_id,
            &e.before,
            &e.after,
            &e.prev_hash,
            e.agency.map(|a| a.0),
            &e.reason,
        );
        if h != e.hash {
            p.push(format!("第 {} 条记录的内容与其哈希值不符：记录被篡改", e.seq));
        }
        self.expected_seq = e.seq + 1;
        self.prev_hash = e.hash.clone();
    }

    pub fn finish(mut self, head: Option<(i64, String)>) -> AuditVerification {
        let (seq, hash) = head.unwrap_or((0, GENESIS.to_string()));
        if seq != self.expected_seq - 1 || hash != self.prev_hash {
            self.out.problems.push(format!(
                "日志末尾与记录的链头不符（链头序号 {seq}，日志最后序号 {}）：最新的记录被删除或被替换",
                self.expected_seq - 1
            ));
        }
        self.out
    }
}
