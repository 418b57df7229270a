//! The Γ-model (model/ladder.rs, train/gamma.rs) with 100 labels on MNIST-10k, from the encoder of
//! the Few labels lesson's 784-128-32 autoencoder: the denoising cost on the unlabelled images is
//! what it adds, so it must beat the same net trained with λ = 0 (the noisy classifier alone), and
//! the pixels' softmax. Its gradients are checked in tests/gradients.rs.

use ae_playground::data::files;
use ae_playground::train::few_labels::{labelled_subset, train_head, Features, HeadConfig};
use ae_playground::train::gamma::{GammaClassifier, GammaConfig};
use ae_playground::{Config, Session};

#[test]
fn on_mnist_the_unlabelled_images_add_to_the_gamma_model() {
    let data = files::repo("mnist").unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::new(Config { hidden: vec![128, 32], ..Config::default() }, data.clone()).unwrap();
    for _ in 0..3000 {
        s.train_step().unwrap();
    }
    let encoder = s.encoder();
    let labelled = labelled_subset(&data, 10, 1).unwrap();
    let test: Vec<usize> = data.test_rows().collect();
    let gamma = |lambda| {
        let config = GammaConfig { lambda, ..GammaConfig::default() };
        GammaClassifier::train(&data, &encoder, &labelled, &config).unwrap().accuracy(&data, &test)
    };
    let (joint, alone) = (gamma(1.0), gamma(0.0));
    let head = HeadConfig {
        labels_per_class: 10,
        hidden: 0,
        epochs: 200,
        learning_rate: 0.003,
        weight_decay: 1e-4,
        batch_size: 32,
        seed: 1,
    };
    let pixels = train_head(&data, Features::Raw, &head).unwrap().accuracy.unwrap();
    println!("MNIST, 100 labels: Γ-model {joint:.3}, the same with λ = 0 {alone:.3}, pixels' softmax {pixels:.3}");
    assert!(joint >= alone + 0.02, "the denoising cost adds under 2 points: {joint:.3} against {alone:.3}");
    assert!(joint >= pixels + 0.03, "the Γ-model {joint:.3} against the pixels' softmax {pixels:.3}");
}
