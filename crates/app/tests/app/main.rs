//! The app layer's own tests: principals, the rights table, the rules of the records through the
//! use cases, with a fixed clock and a fresh SQLite database per test (PostgreSQL when
//! `GONGKAI_TEST_POSTGRES_URL` is set, for the tests that say so).
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod clock_rules;
mod demo;
mod helpers;
mod intake;
mod letters;
mod principals;
mod records;
