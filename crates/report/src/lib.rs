//! gongkai-report (see the crate description).
