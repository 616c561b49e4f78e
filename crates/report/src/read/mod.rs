//! Readers: bytes in any published flavour → one `Report`.

pub mod doc;
