//! F10 of the report: a convolutional autoencoder against a dense one of about the same number of
//! weights and the same code, each trained to early stopping, beside PCA at the code's width and
//! the same two models in PyTorch on the same split (../shared/data/README.md, 2026-12-06).

use super::{epochs, train, values, Row};
use ae_playground::analysis::pca::Pca;
use ae_playground::data::Dataset;
use ae_playground::model::config::{ConvLayer, PerLayer};
use ae_playground::model::layers::Activation;
use ae_playground::Config;
use std::time::Instant;

/// PyTorch's test errors (conv, dense) for the two models, and the goal for conv / dense.
fn reference(data: &Dataset) -> Option<(f64, f64, f64)> {
    match (data.name.as_str(), data.n_train) {
        ("mnist", 8000) => Some((4.48, 6.97, 0.70)),
        ("fashion", 60000) => Some((5.61, 7.96, 0.75)),
        _ => None,
    }
}

/// The two models: two stride-2 3×3 convolutions of 16 and 32 filters, a linear code of 32 and the
/// mirror image (111,521 weights); the dense 784-68-32-68-784 (111,928). ReLU between layers, a
/// sigmoid output, squared error, Adam 1e-3, batch 64, early stopping (patience 8) on the last 10%
/// of the training rows.
pub(super) fn f10(data: &Dataset, scale: f64) -> Row {
    let t = Instant::now();
    let base = Config {
        activation: PerLayer::Each(vec![Activation::Relu, Activation::Linear]),
        learning_rate: 0.001,
        batch_size: 64,
        validation: 0.1,
        patience: 8,
        epochs: epochs(200, scale),
        hidden: vec![68, 32],
        ..Config::default()
    };
    let layer = |filters| ConvLayer { filters, kernel: 3, stride: 2, pool: false };
    let conv = Config {
        conv: vec![layer(16), layer(32)],
        conv_activation: Activation::Relu,
        hidden: vec![32],
        activation: PerLayer::All(Activation::Linear),
        ..base.clone()
    };
    let run = |c: Config, what: &str| {
        let t = Instant::now();
        let s = train(c, data);
        let error = s.evaluate_test().squared_error;
        let weights = s.trainer.net().params.len();
        eprintln!(
            "  {what} ({weights} weights): {error:.3}, {} epochs, {:.0} s",
            s.trainer.epoch,
            t.elapsed().as_secs_f64()
        );
        (error, weights, s.trainer.epoch)
    };
    let (conv_error, conv_weights, conv_epochs) = run(conv, "conv");
    let (dense_error, dense_weights, dense_epochs) = run(base, "dense");
    let fit = (data.n_train as f64 * 0.9).round() as usize;
    let pca = Pca::fit(&values(data, 0..fit), fit, data.dim()).unwrap();
    let pca32 = pca.reconstruction_error(&values(data, data.test_rows()), data.test_rows().len(), 32).unwrap();
    let ratio = conv_error / dense_error;
    let (goal, met, torch) = match reference(data) {
        Some((torch_conv, torch_dense, most)) => {
            let near = (conv_error / torch_conv - 1.0).abs() <= 0.05;
            (
                format!("≤ {most:.2} ×, conv within 5% of PyTorch's {torch_conv}"),
                ratio <= most && near,
                format!("; PyTorch {torch_conv} against {torch_dense} ({:.3} ×)", torch_conv / torch_dense),
            )
        }
        None => ("conv below dense".into(), ratio < 1.0, String::new()),
    };
    Row {
        id: "F10",
        claim: format!("a conv AE ({conv_weights} weights) beats a dense AE of about as many ({dense_weights}) at code 32"),
        measured: format!(
            "conv {conv_error:.2} against dense {dense_error:.2} ({ratio:.3} ×; {conv_epochs} and {dense_epochs} epochs); PCA-32 {pca32:.2}{torch}"
        ),
        goal,
        met,
        seconds: t.elapsed().as_secs_f64(),
    }
}
