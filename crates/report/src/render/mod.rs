//! Renderers: a `Report` out as txt, md, html, docx, xlsx or json.

pub mod docx;
pub mod html;
pub mod json;
pub mod md;
pub mod txt;
pub mod xlsx;
