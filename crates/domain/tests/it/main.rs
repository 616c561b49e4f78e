//! The domain crate's one integration-test binary; one module per area.
mod report_spec;
mod calendar;
mod deadline;
mod deadline_oracle;
mod deadline_rules;
mod fee;
mod guide;
mod report_check;
