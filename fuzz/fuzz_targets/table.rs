//! CSV/TSV tables: any bytes read as an uploaded table, with no label column and with one named by
//! the first byte (by name or by number), through normalisation and the split.
#![no_main]
use ae_playground::data::upload::{from_files, File, Normalise, UploadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Some((&choice, rest)) = bytes.split_first() else { return };
    let label_column = match choice % 4 {
        0 => String::new(),
        1 => "label".into(),
        2 => (choice / 4 % 8).to_string(),
        _ => "diagnosis".into(),
    };
    let normalise = [Normalise::MinMax, Normalise::Standardise, Normalise::None][choice as usize % 3];
    let options = UploadOptions { label_column, normalise, ..UploadOptions::default() };
    let _ = from_files(&[File { name: "fuzz.csv", bytes: rest }], &options);
});
