//! gongkai-store (see the crate description).
