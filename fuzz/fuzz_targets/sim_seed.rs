//! Fuzz target `sim_seed`: see `tests/fuzz_support/mod.rs` for what it checks.
#![no_main]

#[path = "../../tests/fuzz_support/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::sim_seed(data));
