//! gongkai-domain (see the crate description).

pub mod report;
