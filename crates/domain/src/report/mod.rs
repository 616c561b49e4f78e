//! The annual report (政府信息公开工作年度报告): the national formats as data ([`spec`]), the
//! report as typed values ([`model`], [`value`]), findings ([`finding`]), the JSON contract
//! ([`json`]) and the one-line verdict on a checked report ([`verdict`]). Readers and renderers
//! live in the `gongkai-report` crate; the checker is here, because it is a rule.

pub mod check;
pub mod finding;
pub mod json;
pub mod model;
pub mod spec;
pub mod value;
pub mod verdict;

pub use finding::{CheckCode, Finding, Location, Severity};
pub use model::{AgencyLevel, Report, Row, Section, Table};
pub use spec::{FormatVersion, TableId};
pub use value::{Decimal, Value};
