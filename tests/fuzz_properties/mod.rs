//! The properties the fuzz targets check, shared by the `cargo fuzz` crate (`fuzz/`, which
//! includes this folder with `#[path]`) and by `tests/fuzz_regressions.rs`, which runs them
//! on every stored input under `tests/data/fuzz/<target>/` in the normal test suite.
//!
//! Each target is one function from raw bytes: it decodes its input, runs the code under
//! test and panics (assert) when a property does not hold. The input formats are documented
//! per module and in `docs/fuzzing.md`.

#![allow(dead_code)]

pub mod actions;
pub mod check;
pub mod incremental_edit;
pub mod input;
pub mod line_index;
pub mod next;
pub mod parse_rules;

/// A target's check: panics when a property does not hold for the input.
pub type Check = fn(&[u8]);

/// Every target: its name (the fuzz target, and the folder of its stored inputs) and its
/// check.
pub const TARGETS: &[(&str, Check)] = &[
    ("parse_rules", parse_rules::check),
    ("line_index", line_index::check),
    ("incremental_edit", incremental_edit::check),
    ("actions", actions::check),
    ("next", next::check),
];
