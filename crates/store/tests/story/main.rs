//! The store's one integration-test binary: the same stories run on SQLite in every `cargo test`
//! and on PostgreSQL when `GONGKAI_TEST_POSTGRES_URL` is set (then they must pass; a connection
//! failure is a failure, not a skip).
#![expect(clippy::unwrap_used, clippy::panic, reason = "tests: a failed unwrap is a failed test")]

mod helpers;

mod agencies;
mod applications;
mod audit;
mod import;
mod migrations;
mod records;
mod register;
mod reliability;
mod report;
mod transfer;
