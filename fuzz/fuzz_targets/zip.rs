//! ZIP archives of images: the directory, the local headers and the entries, stored or deflated. See ../targets.rs.
#![no_main]
#[path = "../targets.rs"]
#[allow(dead_code)] // each target calls one of them
mod targets;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = targets::zip(bytes);
});
