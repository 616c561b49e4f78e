//! Aggregate (汇总) many reports into one.
