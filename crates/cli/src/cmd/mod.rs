//! One module per command family; each owns its clap definitions and its `run`.

pub mod clock;
pub mod records;
pub mod report;
pub mod serve;
