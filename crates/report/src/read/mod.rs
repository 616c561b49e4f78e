//! Readers: bytes in any published flavour → one `Report`.

pub mod assemble;
pub mod crawl;
pub mod decode;
pub mod doc;
pub mod docx;
pub mod html;
pub mod label;
pub mod layout;
pub mod markdown;
pub mod pdf;
pub mod text;
