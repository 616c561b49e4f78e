//! gongkai-app (see the crate description).
