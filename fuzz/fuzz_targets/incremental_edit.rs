//! `cargo fuzz run --sanitizer none incremental_edit`: see `tests/fuzz_properties/incremental_edit.rs` for the input
//! format and the properties.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oneonone_ls_fuzz::properties::incremental_edit::check(data));
