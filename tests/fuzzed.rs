//! Inputs the fuzzers (fuzz/, `npm run fuzz`) found to crash a parser, kept in tests/fuzzed/ as
//! `<target>-<what>.bin` and run through the same call as their fuzz target: each must now be refused
//! with a message, never panic.
#![cfg(not(target_arch = "wasm32"))]

use ae_playground::data::{pack, synthetic, zip};
use ae_playground::Session;

/// The error the parser of fuzz target `target` gives for `bytes`.
fn refusal(target: &str, bytes: &[u8]) -> String {
    let result = match target {
        "packed" => pack::decode(bytes).map(drop),
        "zip" => zip::entries("fuzz.zip", bytes, zip::is_image, 16 << 20).map(drop),
        "saved_run" => Session::restore_run(synthetic::generate("circles", 1).unwrap(), bytes).map(drop),
        "model_file" => ae_playground::io::model_file::read(bytes).map(drop),
        other => panic!("tests/fuzzed: no parser for target {other}"),
    };
    result.expect_err("the input was accepted").message
}

#[test]
fn every_input_the_fuzzers_found_is_refused_with_a_message() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzzed");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let target = name.split('-').next().unwrap();
        let message = refusal(target, &std::fs::read(&path).unwrap());
        println!("{name}: {message}");
        assert!(!message.is_empty());
        seen += 1;
    }
    assert!(seen >= 1, "no inputs in {}", dir.display());
}

#[test]
fn a_packed_header_whose_sizes_overflow_is_refused() {
    let bytes =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzzed/packed-header-overflows.bin")).unwrap();
    let message = refusal("packed", &bytes);
    assert!(message.contains("describes more bytes than any file holds"), "{message}");
}
