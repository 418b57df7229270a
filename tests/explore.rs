//! The diagram's and explorers' numbers: a test sample layer by layer agrees with the reconstructions,
//! codes and corruption the other views show (in every phase of a pretrained run), any input's code
//! is the encoder's, and a point of the projected latent plane maps back to the code it came from.
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::data::{files, Dataset};
use ae_playground::train::session::PhaseKind;
use ae_playground::{Config, Session};

fn digits() -> Dataset {
    files::repo("digits").unwrap_or_else(|e| panic!("{e}"))
}

fn trained(config: Config, steps: usize) -> Session {
    let mut s = Session::new(config, digits()).unwrap();
    for _ in 0..steps {
        s.train_step().unwrap();
    }
    s
}

fn close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: widths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= 1e-5 * (1.0 + y.abs()), "{what}[{i}]: {x} against {y}");
    }
}

#[test]
fn a_sample_layer_by_layer_matches_the_reconstructions_and_codes_in_every_phase() {
    let config = Config { hidden: vec![32, 8], epochs: 1, pretrain_epochs: 1, batch_size: 64, ..Config::default() };
    let mut s = trained(config, 3);
    let mut seen = Vec::new();
    while !s.finished() {
        let rows = s.test_rows_at(&[5]).unwrap();
        let a = s.activations(5).unwrap();
        assert_eq!(a.input, s.data_rows(&rows));
        assert!(a.corrupted.is_none(), "no noise, no corrupted input");
        let (inputs, outputs) = s.reconstruct(&rows);
        close(a.ops.last().unwrap(), &outputs, "the output");
        let (code, _) = s.codes(&rows);
        let stage = match s.phase() {
            PhaseKind::Stage(k) => k,
            _ => 0,
        };
        // While pretraining stage k the k frozen codes lead to the stage's input.
        assert_eq!(a.frozen.len(), stage);
        close(a.frozen.last().unwrap_or(&a.input), &inputs, "the net's input");
        // The code op: the first as wide as the code ([32, 8, 32, 64] fine-tuning; [32, 64], [8, 32] stages).
        let at = a.ops.iter().position(|o| o.len() == code.len()).unwrap();
        close(&a.ops[at], &code, "the code");
        seen.push(s.phase());
        for _ in 0..s.steps_left_in_epoch().max(1) {
            s.train_step().unwrap();
        }
    }
    assert_eq!(seen.first(), Some(&PhaseKind::Stage(0)));
    assert!(seen.contains(&PhaseKind::Stage(1)) && seen.contains(&PhaseKind::FineTune), "{seen:?}");
}

#[test]
fn with_noise_the_sample_is_corrupted_as_in_the_reconstructions_middle_row() {
    let s = trained(Config { hidden: vec![16], masking: 0.3, gaussian: 0.1, ..Config::default() }, 5);
    let rows = s.test_rows_at(&[0, 1, 2, 3]).unwrap();
    let (corrupted, outputs) = s.corrupted(&rows).unwrap();
    let a = s.activations(3).unwrap();
    let width = a.input.len();
    close(a.corrupted.as_ref().unwrap(), &corrupted[3 * width..], "the corrupted input");
    close(a.ops.last().unwrap(), &outputs[3 * width..], "what the net makes of it");
    assert_ne!(a.corrupted.unwrap(), a.input);
}

#[test]
fn any_input_is_encoded_by_the_encoder_and_decoded_by_the_decoder() {
    let s = trained(Config { hidden: vec![24, 4], ..Config::default() }, 10);
    let rows = s.test_rows_at(&[7]).unwrap();
    let (code, output) = s.encode(&s.data_rows(&rows)).unwrap();
    close(&code, &s.codes(&rows).0, "the code");
    close(&output, &s.reconstruct(&rows).1, "the output");
    // A drawn input: any values of the data's width.
    let drawn: Vec<f32> = (0..64).map(|i| (i % 7) as f32 / 7.0).collect();
    let (code, output) = s.encode(&drawn).unwrap();
    close(&output, &s.decode_codes(&code).unwrap(), "decoding the drawn code");
    let short = s.encode(&[0.5; 10]).unwrap_err().message;
    assert!(short.contains("10 values") && short.contains("64"), "{short}");
    assert!(s.encode(&[f32::NAN; 64]).unwrap_err().message.contains("finite"));
    assert!(s.activations(1_000_000).unwrap_err().message.contains("does not exist"));
}

#[test]
fn a_point_of_the_projected_plane_is_the_mean_code_plus_its_coordinates_along_the_directions() {
    let s = trained(Config { hidden: vec![16, 6], ..Config::default() }, 20);
    let latent = s.latent(50);
    assert!(latent.projected);
    let d = latent.width;
    let (mean, directions) = latent.basis.split_at(d);
    let (codes, _) = s.codes(&s.test_rows_at(&(0..50).collect::<Vec<_>>()).unwrap());
    for (i, code) in codes.chunks(d).enumerate() {
        for (axis, u) in directions.chunks(d).enumerate() {
            let along: f32 = code.iter().zip(mean).zip(u).map(|((c, m), u)| (c - m) * u).sum();
            assert!((along - latent.points[2 * i + axis]).abs() < 1e-4, "point {i}, axis {axis}");
        }
    }
    let unit: f32 = directions[..d].iter().map(|u| u * u).sum();
    assert!((unit - 1.0).abs() < 1e-5, "|u₁|² = {unit}");
    assert!(trained(Config { hidden: vec![2], ..Config::default() }, 1).latent(10).basis.is_empty());
}

#[test]
fn while_the_classifier_trains_the_sample_goes_through_its_encoder_and_head() {
    let config = Config { hidden: vec![16, 4], epochs: 1, classifier_epochs: 1, batch_size: 64, ..Config::default() };
    let mut s = Session::new(config, digits()).unwrap();
    while s.phase() != PhaseKind::Classifier {
        s.train_step().unwrap();
    }
    s.train_step().unwrap();
    let a = s.activations(2).unwrap();
    let widths: Vec<usize> = a.ops.iter().map(Vec::len).collect();
    assert_eq!(&widths[..2], &[16, 4], "the encoder it trains");
    assert_eq!(widths.last(), Some(&10), "then the head's scores for the ten digits");
}
