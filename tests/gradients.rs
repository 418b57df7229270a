//! Finite-difference checks of every backward pass: each parameter's analytic gradient against the
//! central difference (L(p + ε) − L(p − ε)) / 2ε of the loss, on a small net for each activation.

use ae_playground::layers::{squared_error_backward, squared_error_forward, Activation};
use ae_playground::model::{Activations, Autoencoder};
use ae_playground::rng::{Purpose, Rng};

const B: usize = 3;
const INPUT: usize = 6;

fn inputs() -> Vec<f32> {
    let s = Rng::new(11).stream(Purpose::Sample, 0);
    (0..(B * INPUT) as u32).map(|i| s.uniform(i)).collect()
}

fn loss(model: &Autoencoder, x: &[f32]) -> f32 {
    let mut acts = Activations::default();
    model.forward(&mut acts, x, B);
    squared_error_forward(acts.outputs.last().unwrap(), x, B)
}

fn analytic(model: &Autoencoder, x: &[f32]) -> Vec<f32> {
    let mut acts = Activations::default();
    model.forward(&mut acts, x, B);
    let out = acts.outputs.last().unwrap();
    let mut dout = vec![0.0; out.len()];
    squared_error_backward(&mut dout, out, x, B);
    let mut grads = vec![0.0; model.params.len()];
    model.backward(&mut grads, &mut dout, &acts, x, B);
    grads
}

fn check(activation: Activation, eps: f32) {
    let x = inputs();
    let mut model = Autoencoder::new(INPUT, &[5, 3], activation, 4);
    // Non-zero biases, so every bias gradient is exercised away from zero.
    for layer in model.layers.clone() {
        for (i, b) in model.params[layer.bias_range()].iter_mut().enumerate() {
            *b = 0.1 * (i as f32 - 1.0);
        }
    }
    let grads = analytic(&model, &x);
    let mut worst = 0.0f32;
    for (i, &analytic) in grads.iter().enumerate() {
        let keep = model.params[i];
        model.params[i] = keep + eps;
        let up = loss(&model, &x);
        model.params[i] = keep - eps;
        let down = loss(&model, &x);
        model.params[i] = keep;
        let numeric = (up - down) / (2.0 * eps);
        let error = (numeric - analytic).abs() / (numeric.abs() + analytic.abs()).max(1e-2);
        worst = worst.max(error);
        assert!(error < 1e-2, "{activation:?} parameter {i}: analytic {analytic} vs numeric {numeric}");
    }
    println!("{activation:?}: worst relative error {worst:.2e} over {} parameters", model.params.len());
}

#[test]
fn sigmoid_autoencoder_gradients() {
    check(Activation::Sigmoid, 1e-2);
}

#[test]
fn tanh_autoencoder_gradients() {
    check(Activation::Tanh, 1e-2);
}

#[test]
fn relu_autoencoder_gradients() {
    check(Activation::Relu, 1e-3);
}

#[test]
fn linear_autoencoder_gradients() {
    check(Activation::Linear, 1e-2);
}
