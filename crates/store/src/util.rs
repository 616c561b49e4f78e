//! Conversions shared by both backends.

use chrono::NaiveDate;

use crate::StoreError;

pub(crate) fn date(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("日期 {s}")))
}

pub(crate) fn opt_date(s: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    s.as_deref().map(date).transpose()
}

pub(crate) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn opt_iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(iso)
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn year_bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

/// Maps a unique-constraint violation to a Chinese conflict message; other errors pass through.
pub(crate) fn unique_or(e: sqlx::Error, msg: impl FnOnce() -> String) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(msg()),
        _ => StoreError::Db(e),
    }
}
