//! The web layer's one integration-test binary: handlers and routes in process (no browser), the
//! authorization table generated from the route registry, and (in `browser.rs`) the stories in a
//! real Chromium.
#![expect(clippy::unwrap_used, clippy::panic, reason = "tests: a failed unwrap or expectation is a failed test")]

mod authz;
mod helpers;
mod pages;
mod reports;
