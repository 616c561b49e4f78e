//! gongkai-app (see the crate description).

pub mod clock;
pub mod auth;
pub mod engine;
pub mod ledger;
pub mod records;
