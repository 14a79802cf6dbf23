//! `cargo fuzz run --sanitizer none next`: see `tests/fuzz_properties/next.rs` for the input
//! format and the properties.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oneonone_ls_fuzz::properties::next::check(data));
