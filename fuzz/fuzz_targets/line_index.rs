//! `cargo fuzz run --sanitizer none line_index`: see `tests/fuzz_properties/line_index.rs` for the input
//! format and the properties.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oneonone_ls_fuzz::properties::line_index::check(data));
