//! How many GPU dispatches one training step takes, counted by the GPU backend on whatever adapter
//! there is (lavapipe here): at these sizes a step waits on launches and barriers, not arithmetic.
//! 784-32-784 and 784-1000-500-250-30, plain, denoising and as a VAE, batch 64. A dense layer costs
//! 3 products (forward, weight gradient, input gradient; the first layer needs no input gradient)
//! and 2 elementwise passes (bias and activation; their backward with the bias gradient), the step
//! 2 more (the loss with its gradient; the optimizer over the flat parameters), corruption 1 and the
//! VAE's sampling 2: 11 for 784-32-784, 41 for the deep net.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ae_playground::data::files;
use ae_playground::model::architecture::autoencoder;
use ae_playground::model::config::Config;
use ae_playground::model::optim::{Optimizer, OptimizerKind};
use ae_playground::rng::{Purpose, Rng};
use ae_playground::train::backend::gpu::GpuBackend;
use ae_playground::train::engine::Engine;
use ae_playground::train::phase::Phase;

#[test]
fn a_training_step_takes_few_dispatches() {
    let Some(ctx) = common::gpu() else { return };
    let data = files::repo("mnist").unwrap();
    let b = 64;
    let x = {
        let mut x = vec![0.0; b * data.dim()];
        data.gather(&(0..b).collect::<Vec<_>>(), &mut x);
        x
    };
    let rng = Rng::new(1);
    for (hidden, name) in [(vec![32], "784-32-784"), (vec![1000, 500, 250, 30], "784-1000-500-250-30")] {
        for variant in ["plain", "denoising", "VAE"] {
            let c = Config {
                hidden: hidden.clone(),
                batch_size: b,
                masking: if variant == "denoising" { 0.25 } else { 0.0 },
                variational: variant == "VAE",
                ..Config::default()
            };
            let (net, code) = autoencoder::<f32>(&c, data.shape());
            let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 0.001, 0.9, 0.0);
            let phase = Phase::reconstruction(net, code, &c, vec![]);
            let mut engine = Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).unwrap();
            let before = engine.backend.dispatches.get();
            engine.step(&x, &[], Some(rng.stream(Purpose::Corrupt, 0)), Some(rng.stream(Purpose::Sample, 0))).unwrap();
            let after = engine.backend.dispatches.get();
            assert_eq!(ctx.failure(), None, "{name} {variant}: the GPU reported an error");
            let (matmul, elementwise) = (after.matmul - before.matmul, after.elementwise - before.elementwise);
            println!(
                "{name} {variant}: {} dispatches a step ({matmul} products, {elementwise} elementwise)",
                matmul + elementwise
            );
            let layers = 2 * hidden.len();
            let extra = match variant {
                "denoising" => 1,
                "VAE" => 2,
                _ => 0,
            };
            assert_eq!(matmul, 3 * layers - 1, "{name} {variant}: products");
            assert!(elementwise <= 2 * layers + 2 + extra, "{name} {variant}: {elementwise} elementwise dispatches");
            if name == "784-32-784" && variant == "plain" {
                assert!(matmul + elementwise <= 15, "{name}: {} dispatches", matmul + elementwise);
            }
        }
    }
}
