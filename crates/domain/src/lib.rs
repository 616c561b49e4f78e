//! gongkai-domain (see the crate description).
