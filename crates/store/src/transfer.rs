//! The whole-database JSON-lines format (docs/STORAGE.md, "Export and import").
//!
//! Line 1 is a header `{"gongkai_export":3,"migrations":[...]}`; then one line per row:
//! `{"table":"applications","row":{"id":1,...}}`, tables in the order of [`TABLES`] (parents
//! before children), rows in key order; the last line is the trailer with the rows per table. Values are JSON numbers, strings or null, exactly as
//! stored (dates as `YYYY-MM-DD`), so an export from SQLite loads into PostgreSQL and back
//! unchanged, audit chain included.

/// Column type in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Int,
    IntNull,
    Text,
    TextNull,
}

/// One exported table.
#[derive(Debug)]
pub(crate) struct TableSpec {
    pub name: &'static str,
    pub order_by: &'static str,
    /// An integer column to read the table in ranges of, so that an export of a large database
    /// never holds a whole table in memory.
    pub page_key: Option<&'static str>,
    pub cols: &'static [(&'static str, Col)],
}

use Col::*;

/// Export version written in the header. Version 3 ends with a trailer line
/// `{"gongkai_export_end":{"agencies":2,…}}` (rows per table). Versions 1 and 2 (no trailer) are
/// read too — their last line is always the chain's head, so a truncated one is still refused —
/// and version 1 (before migration 0003) gets the columns added since ([`ADDED_IN_V2`]).
pub(crate) const FORMAT_VERSION: i64 = 3;

/// The key of the trailer line.
pub(crate) const TRAILER: &str = "gongkai_export_end";

/// Columns added by migration 0003, absent from version-1 exports, with the value they take.
pub(crate) const ADDED_IN_V2: &[(&str, &str, Added)] = &[
    ("users", "disabled", Added::Zero),
    ("users", "failed_logins", Added::Zero),
    ("users", "locked_until", Added::Null),
    ("applications", "voided_at", Added::Null),
    ("applications", "void_reason", Added::Text("")),
    ("applications", "pause_due_on", Added::Null),
    ("applications", "next_due_on", Added::CopyOf("due_on")),
    ("applications", "query_code", Added::Null),
    ("appeals", "voided_at", Added::Null),
    ("appeals", "void_reason", Added::Text("")),
    ("appeals", "ground", Added::Text("decision")),
    ("register_documents", "voided_at", Added::Null),
    ("register_documents", "void_reason", Added::Text("")),
    ("annual_reports", "locked_by", Added::Text("")),
    ("audit_log", "agency_id", Added::Null),
    ("audit_log", "reason", Added::Text("")),
];

/// The value a column added since version 1 takes in a version-1 file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Added {
    Zero,
    Null,
    Text(&'static str),
    /// The value of another column of the row.
    CopyOf(&'static str),
}

impl Added {
    pub(crate) fn value(self, row: &serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
        match self {
            Added::Zero => serde_json::Value::from(0),
            Added::Null => serde_json::Value::Null,
            Added::Text(t) => serde_json::Value::from(t),
            Added::CopyOf(col) => row.get(col).cloned().unwrap_or(serde_json::Value::Null),
        }
    }
}

pub(crate) const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "agencies",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("name", Text),
            ("level", Text),
            ("parent_id", IntNull),
            ("region", Text),
            ("settings", Text),
            ("created_at", Text),
        ],
    },
    TableSpec {
        name: "users",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("login", Text),
            ("name", Text),
            ("password_hash", Text),
            ("created_at", Text),
            ("disabled", Int),
            ("failed_logins", Int),
            ("locked_until", TextNull),
        ],
    },
    TableSpec {
        name: "user_roles",
        page_key: None,
        order_by: "user_id, agency_id, role",
        cols: &[("user_id", Int), ("agency_id", Int), ("role", Text)],
    },
    TableSpec {
        name: "applications",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("agency_id", Int),
            ("number", Text),
            ("applicant_kind", Text),
            ("applicant_name", Text),
            ("applicant_id_doc", Text),
            ("applicant_contact", Text),
            ("applicant_address", Text),
            ("channel", Text),
            ("content", Text),
            ("requested_form", Text),
            ("delivery", Text),
            ("case_officer_id", IntNull),
            ("received_on", Text),
            ("state", Text),
            ("due_on", TextNull),
            ("closed_on", TextNull),
            ("outcome", TextNull),
            ("reply_type", Text),
            ("legal_basis", Text),
            ("reply_letter_ref", Text),
            ("remarks", Text),
            ("version", Int),
            ("created_at", Text),
            ("updated_at", Text),
            ("voided_at", TextNull),
            ("void_reason", Text),
            ("pause_due_on", TextNull),
            ("next_due_on", TextNull),
            ("query_code", TextNull),
        ],
    },
    TableSpec {
        name: "application_events",
        page_key: Some("application_id"),
        order_by: "application_id, seq",
        cols: &[
            ("application_id", Int),
            ("seq", Int),
            ("kind", Text),
            ("on_date", Text),
            ("actor_id", IntNull),
            ("amount_yuan", IntNull),
            ("note", Text),
            ("detail", Text),
        ],
    },
    TableSpec {
        name: "extension_requests",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("application_id", Int),
            ("days", Int),
            ("reason", Text),
            ("requested_by", Int),
            ("requested_on", Text),
            ("status", Text),
            ("decided_by", IntNull),
            ("decided_on", TextNull),
        ],
    },
    TableSpec {
        name: "appeals",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("application_id", Int),
            ("agency_id", Int),
            ("kind", Text),
            ("filed_on", Text),
            ("result", Text),
            ("closed_on", TextNull),
            ("note", Text),
            ("voided_at", TextNull),
            ("void_reason", Text),
            ("ground", Text),
        ],
    },
    TableSpec {
        name: "register_documents",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("agency_id", Int),
            ("kind", Text),
            ("doc_number", Text),
            ("title", Text),
            ("made_on", Text),
            ("repealed_on", TextNull),
            ("validity", Text),
            ("voided_at", TextNull),
            ("void_reason", Text),
        ],
    },
    TableSpec {
        name: "yearly_counts",
        page_key: None,
        order_by: "agency_id, year",
        cols: &[
            ("agency_id", Int),
            ("year", Int),
            ("admin_licensing", IntNull),
            ("admin_penalty", IntNull),
            ("admin_coercion", IntNull),
            ("admin_fees_wan", TextNull),
        ],
    },
    TableSpec {
        name: "annual_reports",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("agency_id", Int),
            ("year", Int),
            ("status", Text),
            ("content", Text),
            ("updated_at", Text),
            ("locked_by", Text),
        ],
    },
    TableSpec {
        name: "report_corrections",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("report_id", Int),
            ("corrected_by", Text),
            ("corrected_at", Text),
            ("reason", Text),
            ("before_json", Text),
        ],
    },
    TableSpec {
        name: "letter_templates",
        page_key: None,
        order_by: "agency_id, kind",
        cols: &[("agency_id", Int), ("kind", Text), ("body", Text), ("updated_at", Text)],
    },
    TableSpec {
        name: "document_numbers",
        page_key: None,
        order_by: "agency_id, year",
        cols: &[("agency_id", Int), ("year", Int), ("last", Int)],
    },
    TableSpec {
        name: "letters",
        page_key: Some("id"),
        order_by: "id",
        cols: &[
            ("id", Int),
            ("application_id", Int),
            ("agency_id", Int),
            ("kind", Text),
            ("year", Int),
            ("seq", Int),
            ("doc_number", Text),
            ("issued_on", Text),
            ("body", Text),
            ("created_at", Text),
        ],
    },
    TableSpec {
        name: "audit_log",
        page_key: Some("seq"),
        order_by: "seq",
        cols: &[
            ("seq", Int),
            ("at", Text),
            ("actor", Text),
            ("action", Text),
            ("entity", Text),
            ("entity_id", Text),
            ("before_json", Text),
            ("after_json", Text),
            ("prev_hash", Text),
            ("hash", Text),
            ("agency_id", IntNull),
            ("reason", Text),
        ],
    },
    // Imported with an UPDATE of its single row (the migration creates it).
    TableSpec { name: "audit_head", page_key: None, order_by: "id", cols: &[("id", Int), ("seq", Int), ("hash", Text)] },
];

pub(crate) fn spec(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}

/// Rows read per range of `page_key`.
pub(crate) const PAGE: i64 = 10_000;

/// The SELECT of a table; with a page key, of the range `$1 < key <= $2`.
pub(crate) fn select_sql(t: &TableSpec) -> String {
    let cols: Vec<&str> = t.cols.iter().map(|c| c.0).collect();
    match t.page_key {
        Some(k) => format!(
            "SELECT {} FROM {} WHERE {k} > $1 AND {k} <= $2 ORDER BY {}",
            cols.join(", "),
            t.name,
            t.order_by
        ),
        None => format!("SELECT {} FROM {} ORDER BY {}", cols.join(", "), t.name, t.order_by),
    }
}

pub(crate) fn insert_prefix(t: &TableSpec) -> String {
    let cols: Vec<&str> = t.cols.iter().map(|c| c.0).collect();
    format!("INSERT INTO {} ({}) ", t.name, cols.join(", "))
}
