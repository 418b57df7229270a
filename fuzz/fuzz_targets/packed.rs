//! The packed dataset format the page loads (`.aepk`), and the dataset checks after it. See ../targets.rs.
#![no_main]
#[path = "../targets.rs"]
#[allow(dead_code)] // each target calls one of them
mod targets;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = targets::packed(bytes);
});
