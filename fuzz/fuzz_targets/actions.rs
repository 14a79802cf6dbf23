//! `cargo fuzz run --sanitizer none actions`: see `tests/fuzz_properties/actions.rs` for the input
//! format and the properties.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oneonone_ls_fuzz::properties::actions::check(data));
