//! The panels' numbers: first-layer filters are the weights, decoding codes gives the
//! reconstructions, PCA's error falls with k and matches its reconstructions, and a few labels train
//! classifiers well above chance (on UCI digits, small enough for a test).
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::analysis::inspect::pca_reconstruct;
use ae_playground::data::{files, Dataset};
use ae_playground::model::config::PerLayer;
use ae_playground::model::layers::Activation;
use ae_playground::model::net::Op;
use ae_playground::{Config, Session};

fn digits() -> Dataset {
    files::repo("digits").unwrap_or_else(|e| panic!("{e}"))
}

fn config() -> Config {
    Config { hidden: vec![32, 8], epochs: 3, pretrain_epochs: 1, batch_size: 32, ..Config::default() }
}

fn trained(config: Config, steps: usize) -> Session {
    let mut s = Session::new(config, digits()).unwrap();
    for _ in 0..steps {
        s.train_step().unwrap();
    }
    s
}

#[test]
fn filters_are_the_first_layers_weight_columns_in_every_phase() {
    let mut s = Session::new(config(), digits()).unwrap();
    let check = |s: &Session, net: &ae_playground::model::net::Net<f32>| {
        let Some(Op::Dense(d)) = net.ops.first() else { panic!("no dense layer") };
        let (values, count) = s.filters(5);
        assert_eq!((count, values.len()), (5, 5 * 64));
        let w = &net.params[d.weight_range()];
        for (j, filter) in values.chunks(64).enumerate() {
            for (i, &v) in filter.iter().enumerate() {
                assert_eq!(v, w[i * d.outputs + j], "unit {j}, input {i}");
            }
        }
    };
    check(&s, &s.trainer.net());
    while s.phase().name() == "AE 1" {
        s.train_step().unwrap();
    }
    assert_eq!(s.phase().name(), "AE 2");
    check(&s, &s.stages[0].clone()); // stage 2 reads codes: the filters stay stage 1's
    assert_eq!(s.filters(1000).1, 32, "no more filters than units");
}

#[test]
fn decoding_the_codes_gives_the_reconstructions() {
    let s = trained(Config { pretrain_epochs: 0, ..config() }, 50);
    let rows: Vec<usize> = s.data.test_rows().take(6).collect();
    let (codes, width) = s.codes(&rows);
    assert_eq!(width, 8);
    let decoded = s.decode_codes(&codes).unwrap();
    let (_, outputs) = s.reconstruct(&rows);
    assert_eq!(decoded, outputs);
    for bad in [vec![0.0; 7], Vec::new(), vec![f32::NAN; 8]] {
        assert!(s.decode_codes(&bad).unwrap_err().message.contains("decode"), "{bad:?}");
    }
}

#[test]
fn pca_error_falls_with_k_and_matches_its_reconstructions() {
    let s = Session::new(config(), digits()).unwrap();
    let pca = s.fit_pca().unwrap();
    let ks = [1, 2, 4, 8, 16, 32, 64];
    let errors = s.pca_errors(&pca, &ks).unwrap();
    assert!(errors.windows(2).all(|w| w[1] < w[0]), "{errors:?}");
    assert!(errors[6] < 1e-6, "all 64 components reconstruct exactly: {}", errors[6]);
    let rows: Vec<usize> = s.data.test_rows().take(1000).collect();
    let x = s.data_rows(&rows);
    let y = pca_reconstruct(&pca, &x, 8);
    let error: f64 = x.iter().zip(&y).map(|(&a, &b)| ((a - b) as f64).powi(2)).sum::<f64>() / rows.len() as f64;
    assert!((error - errors[3]).abs() < 1e-4 * errors[3], "{error} vs {}", errors[3]);
}

#[test]
fn a_few_labels_train_classifiers_well_above_chance() {
    let linear = Config {
        hidden: vec![16],
        activation: PerLayer::All(Activation::Sigmoid),
        pretrain_epochs: 0,
        epochs: 20,
        ..config()
    };
    let s = trained(linear.clone(), 400);
    let pca = s.fit_pca().unwrap();
    let result = s.few_labels(100, 1, &pca).unwrap();
    assert_eq!(result.labels, 100);
    println!("{result:?}");
    // Ten classes: chance is 10%. Digits are easy: 10 labels per class already give far more.
    let (n, sp) = (&result.nearest, &result.spread);
    for (what, accuracy) in [
        ("raw", result.raw),
        ("frozen", result.frozen_code),
        ("fine-tuned", result.fine_tuned),
        ("1-NN pixels", n.raw.unwrap()),
        ("1-NN PCA", n.pca),
        ("1-NN code", n.code),
        ("spread PCA", sp.pca),
        ("spread code", sp.code),
    ] {
        assert!((0.6..=1.0).contains(&accuracy), "{what}: {accuracy}");
    }
    assert_eq!(result.pca_width, 16, "PCA as wide as the code");
    assert_eq!(s.few_labels(100, 1, &pca).unwrap(), result, "seeded: the same every time");
    for bad in [0, 9, 1001] {
        assert!(s.few_labels(bad, 1, &pca).unwrap_err().message.contains("labels"), "{bad}");
    }
    // A code wider than the data (128 units for 64 pixels): PCA gives what it has, 64 components.
    let wide = trained(Config { hidden: vec![128], ..linear }, 50);
    assert_eq!(wide.few_labels(100, 1, &wide.fit_pca().unwrap()).unwrap().pca_width, 64);
}
