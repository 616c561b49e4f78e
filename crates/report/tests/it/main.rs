//! The report crate's one integration-test binary; one module per area.
mod render;
