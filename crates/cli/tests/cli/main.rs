//! The CLI's one integration-test binary: runs the built `gongkai` with a fresh data directory.
mod clock;
mod errors;
mod frame;
mod integrity;
mod ledger;
mod limits;
mod people;
mod progress;
mod records;
mod report;
mod writers;
