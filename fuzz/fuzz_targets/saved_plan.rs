//! Fuzz target `saved_plan`: see `tests/fuzz_support/mod.rs` for what it checks.
#![no_main]

#[path = "../../tests/fuzz_support/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::saved_plan(data));
