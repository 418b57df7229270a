//! The classic texts' claims, checked on UCI digits (small enough for a test): a linear autoencoder
//! finds PCA's subspace, layer-wise pretraining beats random initialisation at equal epochs,
//! denoising beats a plain autoencoder on corrupted inputs, and the sparsity targets are met.
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::analysis::pca::{principal_angles_degrees, Pca};
use ae_playground::data::files;
use ae_playground::data::Dataset;
use ae_playground::model::config::PerLayer;
use ae_playground::model::layers::Activation;
use ae_playground::model::net::Trace;
use ae_playground::{Config, Session};

fn digits() -> Dataset {
    files::repo("digits").unwrap_or_else(|e| panic!("{e}"))
}

fn values(data: &Dataset, rows: std::ops::Range<usize>) -> Vec<f32> {
    let rows: Vec<usize> = rows.collect();
    let mut x = vec![0.0; rows.len() * data.dim()];
    data.gather(&rows, &mut x);
    x
}

fn train(config: Config, data: &Dataset) -> Session {
    let mut s = Session::new(config, data.clone()).unwrap();
    while !s.finished() {
        s.train_step().unwrap();
    }
    s
}

#[test]
fn linear_autoencoder_matches_pca() {
    let data = digits();
    let k = 8;
    let train_x = values(&data, data.train_rows());
    let test_x = values(&data, data.test_rows());
    let pca = Pca::fit(&train_x, data.n_train, 64).unwrap();
    let pca_error = pca.reconstruction_error(&test_x, data.test_rows().len(), k).unwrap();
    let linear = PerLayer::All(Activation::Linear);
    let c = Config {
        hidden: vec![k],
        activation: linear,
        output_activation: Activation::Linear,
        learning_rate: 0.01,
        batch_size: 128,
        epochs: 800,
        ..Config::default()
    };
    let s = train(c, &data);
    let ae_error = s.evaluate_test().squared_error;
    // The decoder's weight rows span the subspace the autoencoder reconstructs in.
    let net = &s.trainer.net();
    let dec = net.dense(net.ops.len() - 1).unwrap();
    let basis: Vec<f64> = net.params[dec.weight_range()].iter().map(|&v| v as f64).collect();
    let angles = principal_angles_degrees(&basis, k, pca.basis(k), k, 64).unwrap();
    let largest = angles.iter().cloned().fold(0.0, f64::max);
    println!(
        "linear AE-{k} {ae_error:.4} vs PCA-{k} {pca_error:.4} (ratio {:.4}); largest principal angle {largest:.2}°",
        ae_error / pca_error
    );
    assert!(ae_error <= 1.01 * pca_error, "linear AE {ae_error} vs PCA {pca_error}");
    assert!(largest < 5.0, "principal angles {angles:?}");
}

/// The texts' setting: SGD with momentum and tied stages, so that the decoder assembled from
/// transposed encoders is exactly what each stage learned. (With Adam and the activation-scaled
/// initialisation, random initialisation ends lower on this small data: see docs/claims.md, "Findings".)
#[test]
fn layer_wise_pretraining_beats_random_initialisation_at_equal_epochs() {
    let data = digits();
    let sgd = ae_playground::model::optim::OptimizerKind::Sgd;
    let base = Config {
        hidden: vec![48, 32, 16, 8],
        optimizer: sgd,
        learning_rate: 0.1,
        tied: true,
        batch_size: 32,
        ..Config::default()
    };
    for seed in [1, 2, 3] {
        // 4 stages × 5 epochs + 20 epochs of fine-tuning = 40 epochs, as many as end to end.
        let pretrained =
            train(Config { seed, pretrain_epochs: 5, epochs: 20, ..base.clone() }, &data).evaluate_test().loss;
        let random = train(Config { seed, epochs: 40, ..base.clone() }, &data).evaluate_test().loss;
        println!("seed {seed}: pretrained + fine-tuned {pretrained:.3}, random init {random:.3}");
        assert!(pretrained < random, "seed {seed}: pretrained {pretrained} vs random {random}");
    }
}

#[test]
fn denoising_beats_plain_on_masked_inputs() {
    let data = digits();
    let base = Config { hidden: vec![32], learning_rate: 0.003, batch_size: 32, epochs: 40, ..Config::default() };
    let plain = train(base.clone(), &data);
    let denoising = train(Config { masking: 0.25, ..base }, &data);
    let masked = |s: &Session| s.masked_test_error(0.25, usize::MAX).expect("the outputs are images");
    let (p, d) = (masked(&plain), masked(&denoising));
    println!("25% masked test inputs, error against the clean images: plain {p:.3}, denoising {d:.3}");
    assert!(d < p, "denoising {d} vs plain {p}");
}

#[test]
fn sparsity_targets_are_met() {
    let data = digits();
    let rho = 0.1;
    let c = Config {
        hidden: vec![32],
        kl_target: rho,
        kl_weight: 3.0,
        learning_rate: 0.003,
        batch_size: 32,
        epochs: 40,
        ..Config::default()
    };
    let mean_code = train(c, &data).evaluate_test().mean_code;
    let overall = mean_code.iter().sum::<f64>() / mean_code.len() as f64;
    println!(
        "KL sparsity: target ρ {rho}, mean ρ̂ {overall:.4} (units {:.3}..{:.3})",
        mean_code.iter().cloned().fold(1.0, f64::min),
        mean_code.iter().cloned().fold(0.0, f64::max)
    );
    assert!((overall - rho).abs() <= 0.1 * rho, "mean activation {overall} vs target {rho}");

    let k = 5;
    let s = train(
        Config {
            hidden: vec![32],
            k_sparse: k,
            activation: PerLayer::All(Activation::Linear),
            learning_rate: 0.003,
            batch_size: 32,
            epochs: 5,
            ..Config::default()
        },
        &data,
    );
    let mut tr = Trace::default();
    let x = values(&data, data.test_rows());
    let n = data.test_rows().len();
    s.trainer.net().forward(&mut tr, &x, n, None);
    let code = &tr.outs[s.trainer.phase.code.unwrap()];
    for row in code.chunks_exact(32) {
        assert_eq!(row.iter().filter(|&&v| v != 0.0).count(), k, "active units in {row:?}");
    }
}
