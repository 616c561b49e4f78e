//! gongkai-domain (see the crate description).

pub mod report;
pub mod deadline;
pub mod fee;
pub mod guide;
pub mod settings;
