//! The web layer's one integration-test binary: handlers and routes in process (no browser), the
//! authorization table generated from the route registry, and (in `browser.rs`) the stories in a
//! real Chromium.
#![expect(clippy::unwrap_used, clippy::panic, reason = "tests: a failed unwrap or expectation is a failed test")]

mod account;
mod admin;
mod audit;
mod authz;
mod browser;
mod case_actions;
mod helpers;
mod intake;
mod pages;
mod registers;
mod reports;
mod snapshot;
mod text;
mod webdriver;
