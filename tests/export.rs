//! Model files: export → import gives the same model and optimizer state, tied layers included, and
//! training goes on; files that do not fit are refused with what does not fit.
#![cfg(not(target_arch = "wasm32"))] // reads the bundled data from disk

use ae_playground::data::files;
use ae_playground::{Config, Session};

fn trained(config: &Config, steps: usize) -> Session {
    let mut s = Session::new(config.clone(), files::repo("digits").unwrap()).unwrap();
    for _ in 0..steps {
        s.train_step().unwrap();
    }
    s
}

#[test]
fn export_then_import_gives_the_same_model_and_training_goes_on() {
    for tied in [false, true] {
        let config = Config { hidden: vec![16, 8], tied, ..Config::default() };
        let source = trained(&config, 40);
        let file = source.export_model();
        let mut copy = trained(&Config { seed: 9, ..config.clone() }, 0);
        assert_ne!(copy.trainer.net().params, source.trainer.net().params);
        copy.import_model(&file).unwrap();
        assert_eq!(copy.trainer.net().params, source.trainer.net().params, "tied {tied}");
        assert_eq!(copy.trainer.state().optimizer.m, source.trainer.state().optimizer.m);
        assert_eq!(copy.trainer.state().optimizer.v, source.trainer.state().optimizer.v);
        assert_eq!(copy.trainer.optimizer().t, 40);
        let rows: Vec<usize> = copy.data.test_rows().take(5).collect();
        assert_eq!(copy.reconstruct(&rows), source.reconstruct(&rows));
        let before = copy.evaluate_test().loss;
        for _ in 0..40 {
            copy.train_step().unwrap();
        }
        let after = copy.evaluate_test().loss;
        println!("tied {tied}: {} bytes; test loss {before:.3} at import → {after:.3} 40 steps on", file.len());
        assert!(after < before, "training went on from the imported state: {before} → {after}");
    }
}

#[test]
fn files_that_do_not_fit_are_refused_with_what_does_not_fit() {
    let file = trained(&Config { hidden: vec![16], ..Config::default() }, 5).export_model();
    let mut other = trained(&Config { hidden: vec![12], ..Config::default() }, 0);
    let m = other.import_model(&file).unwrap_err().message;
    assert!(m.contains("layers.0.bias is [16], but this model's is [12]"), "{m}");
    let mut staged = trained(&Config { hidden: vec![16], pretrain_epochs: 1, ..Config::default() }, 0);
    let m = staged.import_model(&file).unwrap_err().message;
    assert!(m.contains("holds phase \"end to end\", but this model is in phase \"AE 1\""), "{m}");
    for (bytes, expected) in [
        // The safetensors crate's own checks, each said through our refusal.
        (b"abc".to_vec(), "header too small"),
        (vec![200, 0, 0, 0, 0, 0, 0, 0, b'{'], "invalid header length"),
        ([16u64.to_le_bytes().to_vec(), b"{\"x\": 1}        ".to_vec()].concat(), "invalid JSON in header"),
        ([8u64.to_le_bytes().to_vec(), b"{}      ".to_vec()].concat(), "no metadata"),
    ] {
        let m = other.import_model(&bytes).unwrap_err().message;
        assert!(m.contains(expected), "{m}");
    }
    let mut truncated = file.clone();
    truncated.truncate(file.len() - 4);
    let m = other.import_model(&truncated).unwrap_err().message;
    assert!(m.contains("the safetensors reader refused it: incomplete metadata, file not fully covered"), "{m}");
}

#[test]
fn a_tensor_entry_without_two_offsets_or_with_a_huge_shape_is_refused() {
    let mut session = trained(&Config { hidden: vec![4], ..Config::default() }, 0);
    let file = |tensor: &str| {
        let header = format!(
            "{{\"__metadata__\": {{\"format\": \"ae-playground 1\", \"config\": \"{{}}\", \"phase\": \"end to end\", \"step\": \"0\", \"optimizer.t\": \"0\", \"layers\": \"[]\"}}, \"layers.0.bias\": {tensor}}}"
        );
        [(header.len() as u64).to_le_bytes().to_vec(), header.into_bytes()].concat()
    };
    let m =
        session.import_model(&file("{\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": []}")).unwrap_err().message;
    assert!(m.contains("expected a tuple of size 2"), "{m}");
    let huge = "{\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4294967296], \"data_offsets\": [0, 0]}";
    let m = session.import_model(&file(huge)).unwrap_err().message;
    assert!(m.contains("overflow computing buffer size"), "{m}");
}

/// A file exported in the classifier phase holds the encoder and the head; a model that starts in
/// an autoencoder phase refuses it with the phases named, and keeps its own weights.
#[test]
fn a_classifier_file_is_refused_by_an_autoencoder() {
    let config = Config { hidden: vec![16], epochs: 1, classifier_epochs: 2, ..Config::default() };
    let source = trained(&config, 30); // 23 steps of the autoencoder, then the classifier
    assert_eq!(source.phase().name(), "classifier");
    let file = source.export_model();
    let mut other = trained(&config, 0);
    let before = other.trainer.net().params;
    let err = other.import_model(&file).unwrap_err();
    assert!(err.message.contains("holds phase \"classifier\""), "{err}");
    assert_eq!(other.trainer.net().params, before);
}

/// A file names its phase by kind (JSON); a file written before that, naming its phase by its display
/// name, still reads to the same kind.
#[test]
fn a_file_names_its_phase_by_kind_and_old_display_names_still_read() {
    use ae_playground::io::model_file::read;
    use ae_playground::train::session::PhaseKind;
    let c = Config { hidden: vec![16, 8], pretrain_epochs: 1, ..Config::default() };
    let file = trained(&c, 3).export_model();
    assert_eq!(read(&file).unwrap().phase, PhaseKind::Stage(0));
    let json = br#""phase":"{\"kind\":\"stage\",\"stage\":0}""#;
    let at = file.windows(json.len()).position(|w| w == json).expect("the phase's kind in the metadata");
    // The same file with the display name instead (a header of the same length: padded with spaces).
    let mut old = file.clone();
    let name = br#""phase":"AE 1""#;
    old[at..at + json.len()].copy_from_slice(&[name.as_slice(), &vec![b' '; json.len() - name.len()]].concat());
    assert_eq!(read(&old).unwrap().phase, PhaseKind::Stage(0));
}
