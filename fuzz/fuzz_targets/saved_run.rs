//! Saved runs (the whole run kept for a reload) restored on the circles dataset.
#![no_main]
use ae_playground::data::synthetic;
use ae_playground::{Dataset, Session};
use libfuzzer_sys::fuzz_target;
use std::rc::Rc;

thread_local! {
    static DATA: Rc<Dataset> = Rc::new(synthetic::generate("circles", 1).unwrap());
}

fuzz_target!(|bytes: &[u8]| {
    DATA.with(|data| {
        let _ = Session::restore_run(data.clone(), bytes);
    });
});
