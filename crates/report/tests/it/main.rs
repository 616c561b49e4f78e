//! The report crate's one integration-test binary; one module per area.
mod render;
mod read_crawl;
mod read_core;
mod read_text;
mod read_layout;
mod read_html;
mod round_trip;
mod compare;
mod aggregate;
mod shared_manifest;
mod read_md;
mod check_fixtures;
mod fuzz;
mod read_docx;
mod read_pdf;
mod read_layouts;
