//! The packed dataset format the page loads (`.aepk`), and the dataset checks after it.
#![no_main]
use ae_playground::data::pack;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(data) = pack::decode(bytes) {
        let _ = data.validate();
    }
});
