//! Inputs the fuzzers (fuzz/, `npm run fuzz`) found to crash a parser, kept in tests/fuzzed/ as
//! `<target>-<what>.bin` and run through exactly what their fuzz target runs (fuzz/targets.rs): none
//! may panic, and each must now be refused with a message.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

/// What fuzz target `target` makes of `bytes`.
fn run(target: &str, bytes: &[u8]) -> Option<String> {
    match target {
        "table" => targets::table(bytes),
        "npy" => targets::npy(bytes),
        "idx" => targets::idx(bytes),
        "packed" => targets::packed(bytes),
        "model_file" => targets::model_file(bytes),
        "saved_run" => targets::saved_run(bytes),
        "zip" => targets::zip(bytes),
        other => panic!("tests/fuzzed: no fuzz target {other}"),
    }
}

#[test]
fn every_input_the_fuzzers_found_is_refused_with_a_message() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzzed");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let target = name.split('-').next().unwrap();
        let refusal = run(target, &std::fs::read(&path).unwrap()).unwrap_or_else(|| panic!("{name} was accepted"));
        println!("{name}: {refusal}");
        seen += 1;
    }
    assert!(seen >= 1, "no inputs in {}", dir.display());
}

#[test]
fn a_packed_header_whose_sizes_overflow_is_refused() {
    let read = |name: &str| std::fs::read(format!("{}/tests/fuzzed/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let message = run("packed", &read("packed-header-overflows.bin")).unwrap();
    assert!(message.contains("describes more bytes than any file holds"), "{message}");
    let message = run("packed", &read("packed-shape-overflows.bin")).unwrap();
    assert!(message.contains("too large to hold"), "{message}");
}
