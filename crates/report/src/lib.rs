//! Annual reports in and out: readers for every way reports are published ([`read`]), renderers
//! for every format an office needs ([`render`]), and the county office's tools: [`compare`] two
//! years of one agency and [`aggregate`] many agencies into one report.
//!
//! The report model, the format specs and the checker are in `gongkai_domain::report`.

pub mod aggregate;
pub mod compare;
pub mod read;
pub mod render;
#[doc(hidden)]
pub mod testing;
