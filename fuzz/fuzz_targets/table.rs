//! CSV/TSV tables through the whole upload path, with and without a label column. See ../targets.rs.
#![no_main]
#[path = "../targets.rs"]
#[allow(dead_code)] // each target calls one of them
mod targets;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = targets::table(bytes);
});
