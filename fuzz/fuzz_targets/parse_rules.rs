//! `cargo fuzz run --sanitizer none parse_rules`: see `tests/fuzz_properties/parse_rules.rs` for the input
//! format and the properties.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oneonone_ls_fuzz::properties::parse_rules::check(data));
