//! ZIP archives of images: the directory, the local headers and the entries, stored or deflated,
//! unpacked to at most 16 MiB.
#![no_main]
use ae_playground::data::zip::{entries, is_image};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = entries("fuzz.zip", bytes, is_image, 16 << 20);
    let _ = entries("fuzz.zip", bytes, |_| true, 16 << 20);
});
