//! gongkai-app (see the crate description).

pub mod clock;
