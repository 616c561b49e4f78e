//! gongkai-app (see the crate description).

pub mod clock;
pub mod annual;
pub mod auth;
pub mod engine;
pub mod entry;
pub mod ledger;
pub mod records;
