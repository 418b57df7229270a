//! MNIST IDX images with an optional labels file, raw or gzip: the input is split at its first byte's
//! position into the two files; gzip unpacks to at most 16 MiB (the page's own cap is 1 GiB).
#![no_main]
use ae_playground::data::idx::unpacked;
use ae_playground::data::upload::{from_unpacked, Unpacked, UploadOptions};
use libfuzzer_sys::fuzz_target;

const CAP: usize = 16 << 20;

fuzz_target!(|bytes: &[u8]| {
    let Some((&cut, rest)) = bytes.split_first() else { return };
    let cut = (cut as usize * rest.len() / 255).min(rest.len());
    let (images, labels) = rest.split_at(cut);
    let mut files = Vec::new();
    for (name, b) in [("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)] {
        if b.is_empty() {
            continue;
        }
        match unpacked(name, b, CAP) {
            Ok(b) => files.push(Unpacked { name: name.into(), bytes: b.into_owned() }),
            Err(_) => return,
        }
    }
    let _ = from_unpacked(files, &UploadOptions::default());
});
