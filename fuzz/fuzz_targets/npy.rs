//! `.npy` arrays: the header's dict, dtype and shape, then the whole upload path.
#![no_main]
use ae_playground::data::npy;
use ae_playground::data::upload::{from_files, File, UploadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = npy::parse("fuzz.npy", bytes);
    let _ = from_files(&[File { name: "fuzz.npy", bytes }], &UploadOptions::default());
});
