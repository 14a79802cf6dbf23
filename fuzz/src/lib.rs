//! The fuzz targets' properties: the same module `tests/fuzz_regressions.rs` runs on the
//! stored inputs, so a target and its regression test cannot drift apart.

#[path = "../../tests/fuzz_properties/mod.rs"]
pub mod properties;
