//! Reconciling the records with the audit log (`audit verify --records`): every record must equal
//! the after-image of the last audit entry that wrote it, and every record must have one. The
//! hash chain proves the log was not changed; this proves the tables were not changed behind it
//! (a case row edited with a database tool, an event inserted, a role granted by SQL).
//!
//! Images are compared as JSON values in a normal form where an empty value (`null`, `""`,
//! `false`, `0`, `[]`, `{}`) is the same as an absent key: the store omits some empty fields when
//! it serialises, and fields added by later versions are absent from older images. The log is
//! read once, keeping a digest of each record's latest image (not the image), so memory grows with
//! the number of records, not with their size.

use std::collections::BTreeMap;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The kinds of records reconciled one by one (roles and annual reports have rules of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Agency,
    User,
    Application,
    Extension,
    Appeal,
    Document,
    Counts,
}

/// A record: its kind and key (an id, or agency and year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Key(pub Kind, pub i64, pub i64);

impl Key {
    /// The record an audit entry is about, for the kinds reconciled by image.
    pub fn of(entity: &str, entity_id: &str) -> Option<Key> {
        let id = || entity_id.parse::<i64>().ok();
        let kind = match entity {
            "agency" => Kind::Agency,
            "user" => Kind::User,
            "application" => Kind::Application,
            "extension" => Kind::Extension,
            "appeal" => Kind::Appeal,
            "document" => Kind::Document,
            "yearly_counts" => {
                let (a, y) = agency_year(entity_id)?;
                return Some(Key(Kind::Counts, a, y));
            }
            _ => return None,
        };
        Some(Key(kind, id()?, 0))
    }

    /// The fields that entries written before migration 0003 (which name no agency) lack while
    /// the current image always has them: left out of the comparison with such an image.
    pub fn legacy_fields(self) -> &'static [&'static str] {
        match self.0 {
            Kind::Application => &["version"],
            Kind::Appeal => &["ground"],
            _ => &[],
        }
    }

    /// How a message names the record, given its current value (or the image).
    pub fn name(self, v: Option<&Value>) -> String {
        let field = |f: &str| v.and_then(|v| v.get(f)).and_then(Value::as_str).map(str::to_string);
        let Key(kind, id, year) = self;
        match kind {
            Kind::Agency => format!("机关“{}”（id {id}）", field("name").unwrap_or_default()),
            Kind::User => format!("用户“{}”（id {id}）", field("login").unwrap_or_default()),
            Kind::Application => match field("number") {
                Some(n) => format!("申请 {n}（id {id}）"),
                None => format!("申请（id {id}）"),
            },
            Kind::Extension => format!("延期申请（序号 {id}）"),
            Kind::Appeal => format!("复议或诉讼案件（序号 {id}）"),
            Kind::Document => match field("doc_number") {
                Some(n) => format!("文件 {n}（序号 {id}）"),
                None => format!("文件（序号 {id}）"),
            },
            Kind::Counts => format!("机关 id {id} 的 {year} 年度数量"),
        }
    }
}

/// `agency/year`, as the log names yearly counts and annual reports.
pub(crate) fn agency_year(entity_id: &str) -> Option<(i64, i64)> {
    let (a, y) = entity_id.split_once('/')?;
    Some((a.parse().ok()?, y.parse().ok()?))
}

/// The normal form: empty values dropped (recursively), objects with sorted keys.
pub(crate) fn normal(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Bool(false) => None,
        Value::String(s) if s.is_empty() => None,
        Value::Number(n) if n.as_i64() == Some(0) || n.as_u64() == Some(0) => None,
        Value::Array(a) if a.is_empty() => None,
        Value::Array(a) => Some(Value::Array(a.iter().map(|x| normal(x).unwrap_or(Value::Null)).collect())),
        Value::Object(o) => {
            let m: serde_json::Map<String, Value> =
                o.iter().filter_map(|(k, x)| normal(x).map(|x| (k.clone(), x))).collect();
            (!m.is_empty()).then_some(Value::Object(m))
        }
        other => Some(other.clone()),
    }
}

/// The digest of a value's normal form.
pub(crate) fn digest(v: &Value) -> [u8; 32] {
    let mut h = Sha256::new();
    if let Some(n) = normal(v) {
        feed(&mut h, &n);
    }
    h.finalize().into()
}

/// Feeds a normal-form value with sorted keys, whatever order the map keeps.
fn feed(h: &mut Sha256, v: &Value) {
    match v {
        Value::Object(o) => {
            let sorted: BTreeMap<&String, &Value> = o.iter().collect();
            h.update(b"{");
            for (k, x) in sorted {
                h.update((k.len() as u64).to_le_bytes());
                h.update(k.as_bytes());
                feed(h, x);
            }
            h.update(b"}");
        }
        Value::Array(a) => {
            h.update(b"[");
            for x in a {
                feed(h, x);
            }
            h.update(b"]");
        }
        other => {
            let s = other.to_string();
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
    }
}

/// The top-level fields in which the current value differs from the image; `skip`: fields left
/// out (see [`Key::legacy_fields`]).
pub(crate) fn differing_fields(image: &Value, current: &Value, skip: &[&str]) -> Vec<String> {
    let strip = |v: &Value| -> BTreeMap<String, Value> {
        match normal(v) {
            Some(Value::Object(o)) => o.into_iter().filter(|(k, _)| !skip.contains(&k.as_str())).collect(),
            Some(other) => BTreeMap::from([(String::new(), other)]),
            None => BTreeMap::new(),
        }
    };
    let (a, b) = (strip(image), strip(current));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_values_are_absent_and_key_order_does_not_matter() {
        let a = json!({"a": 1, "b": "", "c": null, "d": [], "e": {"x": false}, "f": "x"});
        let b = json!({"f": "x", "a": 1});
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&json!({"a": 2})), digest(&b));
        assert_ne!(digest(&json!({"by": 5})), digest(&json!({})));
        // numbers keep their type: "1" is not 1
        assert_ne!(digest(&json!({"a": "1"})), digest(&json!({"a": 1})));
    }

    #[test]
    fn differing_fields_name_what_changed_and_skip_what_old_images_lack() {
        let image = json!({"number": "A1", "applicant": {"name": "张三"}, "remarks": ""});
        let current = json!({"number": "A1", "applicant": {"name": "王五"}, "version": 3, "remarks": "x"});
        assert_eq!(differing_fields(&image, &current, &[]), ["applicant", "remarks", "version"]);
        assert_eq!(differing_fields(&image, &current, &["version"]), ["applicant", "remarks"]);
    }

    #[test]
    fn keys_of_the_log() {
        assert_eq!(Key::of("application", "12"), Some(Key(Kind::Application, 12, 0)));
        assert_eq!(Key::of("yearly_counts", "3/2025"), Some(Key(Kind::Counts, 3, 2025)));
        assert_eq!(Key::of("annual_report", "3/2025"), None);
        assert_eq!(Key::of("application", "x"), None);
    }
}
