//! The hash chain of the audit log, and the anchors that pin it from outside the database.
//!
//! Entry `n` stores `prev_hash` = hash of entry `n-1` (64 zeros for the first) and
//! `hash` = SHA-256 over its own fields and `prev_hash`, each field length-prefixed so that no two
//! different entries serialise alike. The table `audit_head` holds the last sequence number and
//! hash, updated in the same transaction as every append. Triggers refuse UPDATE and DELETE on the
//! log and moving the head back; `verify` catches whatever gets past them (an edit with the
//! triggers dropped, a restored file, a hand-made import).
//!
//! Whoever can write the database file can also rebuild a consistent chain and head. What they
//! cannot rewrite is a [`Receipt`] kept elsewhere: the anchor file beside the database (or in the
//! data directory for PostgreSQL), advanced after every commit, and the receipts `audit verify`
//! prints. The [`Verifier`] checks that the chain still holds every receipt it is given.
//!
//! Entries written since migration 0003 may name their agency and carry the reason of a
//! correction; both are hashed after `prev_hash` when present, so entries written before keep
//! their hashes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{AuditEntry, AuditVerification};

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the chain as `SEQ:HASH`: printed by `audit verify` and kept in the anchor file.
/// A chain that no longer holds entry `seq` with this hash was rewritten or cut back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Receipt {
    /// Sequence number (0: the empty chain).
    pub seq: i64,
    /// The entry's hash (64 lowercase hex digits; [`GENESIS`] for seq 0).
    pub hash: String,
}

impl Receipt {
    /// The receipt of the empty chain.
    pub fn genesis() -> Receipt {
        Receipt { seq: 0, hash: GENESIS.to_string() }
    }

    /// The first 12 hex digits, for messages.
    pub fn short(&self) -> &str {
        self.hash.get(..12).unwrap_or(&self.hash)
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl FromStr for Receipt {
    type Err = String;

    /// Parses `SEQ:HASH`.
    fn from_str(s: &str) -> Result<Receipt, String> {
        let bad = || format!("回执“{s}”的格式不对：应为 序号:哈希值（如 42:3f5a…，共 64 位十六进制数字）");
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.trim().parse().map_err(|_| bad())?;
        let hash = hash.trim().to_ascii_lowercase();
        if seq < 0 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Receipt { seq, hash })
    }
}

/// A receipt the chain must still hold, and where it came from (for the message).
#[derive(Debug, Clone)]
pub(crate) struct Checkpoint {
    pub receipt: Receipt,
    /// `锚点文件 …` or `回执`.
    pub source: String,
}

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
    /// Receipts to find, by descending seq (the next one to meet is last).
    checkpoints: Vec<Checkpoint>,
    out: AuditVerification,
}

impl Verifier {
    pub fn new() -> Self {
        Verifier::with_checkpoints(Vec::new())
    }

    /// A verifier that also checks that the chain holds each receipt.
    pub fn with_checkpoints(mut checkpoints: Vec<Checkpoint>) -> Self {
        checkpoints.sort_by_key(|c| std::cmp::Reverse(c.receipt.seq));
        Verifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            checkpoints,
            out: AuditVerification::default(),
        }
    }

    /// How many problems were found so far.
    pub fn problems(&self) -> usize {
        self.out.problems.len()
    }

    pub fn feed(&mut self, e: &AuditEntry) {
        self.out.entries += 1;
        while let Some(c) = self.checkpoints.last() {
            if c.receipt.seq > e.seq {
                break;
            }
            if let Some(c) = self.checkpoints.pop() {
                self.check_receipt(&c, e.seq, &e.hash);
            }
        }
        let p = &mut self.out.problems;
        if p.len() > 100 {
            self.expected_seq = e.seq + 1;
            self.prev_hash = e.hash.clone();
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

    /// `seq`/`hash`: the entry met at (or first after) the receipt's position.
    fn check_receipt(&mut self, c: &Checkpoint, seq: i64, hash: &str) {
        let r = &c.receipt;
        if r.seq == 0 {
            if r.hash != GENESIS {
                self.out.problems.push(format!("{}的第 0 条应为空链（{}…）：{} 不是有效的回执", c.source, &GENESIS[..12], r));
            }
        } else if seq != r.seq {
            self.out.problems.push(format!(
                "{}记下的第 {} 条记录在日志中已不存在：该条记录被删除",
                c.source, r.seq
            ));
        } else if hash != r.hash {
            self.out.problems.push(format!(
                "{}记下的第 {} 条记录哈希值为 {}…，日志中该条为 {}…：该条记录（或它之前的记录）被改写，或数据库被换成了另一个",
                c.source,
                r.seq,
                r.short(),
                hash.get(..12).unwrap_or(hash)
            ));
        }
    }

    pub fn finish(mut self, head: Option<(i64, String)>) -> AuditVerification {
        let last = self.expected_seq - 1;
        for c in std::mem::take(&mut self.checkpoints) {
            if c.receipt.seq == 0 {
                self.check_receipt(&c, 0, GENESIS);
            } else {
                self.out.problems.push(format!(
                    "{}记下日志已有第 {} 条记录，而日志现在只到第 {last} 条：最新的记录被删除（或数据库被换成了旧的副本）",
                    c.source, c.receipt.seq
                ));
            }
        }
        let (seq, hash) = head.unwrap_or((0, GENESIS.to_string()));
        if seq != last || hash != self.prev_hash {
            self.out.problems.push(format!(
                "日志末尾与记录的链头不符（链头序号 {seq}，日志最后序号 {last}）：最新的记录被删除或被替换"
            ));
        }
        self.out.head = Some(Receipt { seq: last, hash: self.prev_hash.clone() });
        self.out
    }
}
