//! `.npy` arrays: the header's dict, dtype and shape, then the whole upload path. See ../targets.rs.
#![no_main]
#[path = "../targets.rs"]
#[allow(dead_code)] // each target calls one of them
mod targets;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = targets::npy(bytes);
});
