//! Model files (safetensors with our metadata) read and imported into a small model. See ../targets.rs.
#![no_main]
#[path = "../targets.rs"]
#[allow(dead_code)] // each target calls one of them
mod targets;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = targets::model_file(bytes);
});
