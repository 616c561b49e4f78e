//! gongkai-calendar (see the crate description).
