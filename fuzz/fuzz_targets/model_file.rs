//! Model files (safetensors with our metadata) imported into a small model on the circles dataset:
//! the header, the tensors' shapes and the ops, checked against the model in hand.
#![no_main]
use ae_playground::data::synthetic;
use ae_playground::{Config, Session};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(
        Session::new(Config { hidden: vec![6, 2], ..Config::default() }, synthetic::generate("circles", 1).unwrap())
            .unwrap(),
    );
}

fuzz_target!(|bytes: &[u8]| {
    let _ = ae_playground::io::model_file::read(bytes);
    SESSION.with(|s| {
        let _ = s.borrow_mut().import_model(bytes);
    });
});
