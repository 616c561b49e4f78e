//! The CLI's one integration-test binary: runs the built `gongkai` with a fresh data directory.
mod clock;
mod integrity;
mod ledger;
mod limits;
mod records;
mod report;
