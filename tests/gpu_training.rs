//! The training step on the WebGPU backend against the same step on the CPU reference backend (one
//! engine, written once, on both), on the same network, batch and settings: loss, gradients and
//! updated parameters within 1e-4 relative, and a 100-step run whose loss curve follows the CPU's
//! within 1e-3. Natively on whatever Vulkan adapter is present (lavapipe in CI).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ae_playground::data::{files, Dataset};
use ae_playground::model::architecture::{autoencoder, rbm_stage};
use ae_playground::model::config::{Config, ConvLayer, PerLayer};
use ae_playground::model::layers::{Activation, Loss};
use ae_playground::model::net::Net;
use ae_playground::model::optim::{Optimizer, OptimizerKind};
use ae_playground::model::rbm;
use ae_playground::rng::{Purpose, Rng, Stream};
use ae_playground::train::backend::cpu::CpuBackend;
use ae_playground::train::backend::gpu::GpuBackend;
use ae_playground::train::backend::Backend;
use ae_playground::train::engine::Engine;
use ae_playground::train::phase::{Phase, Task};

fn batch(data: &Dataset, step: usize, b: usize) -> Vec<f32> {
    let rows: Vec<usize> = (0..b).map(|i| (step * b + i) % data.n_train).collect();
    let mut x = vec![0.0; b * data.dim()];
    data.gather(&rows, &mut x);
    x
}

/// The phase of an autoencoder trained as config `c` says, on batches of `b`.
fn phase(net: &Net<f32>, code: usize, c: &Config, b: usize) -> Phase {
    Phase::reconstruction(net.clone(), code, &Config { batch_size: b, ..c.clone() }, vec![])
}

/// One step on an engine (the same code for both backends) and its loss.
fn step_loss<B: Backend>(e: &mut Engine<B>, x: &[f32], labels: &[u8], noise: (Stream, Stream)) -> f64 {
    e.step(x, labels, Some(noise.0), Some(noise.1)).unwrap();
    pollster::block_on(e.loss()).unwrap() as f64
}

/// One step's loss, its gradients and the parameters after its update.
fn one_step<B: Backend>(
    e: &mut Engine<B>,
    x: &[f32],
    labels: &[u8],
    noise: (Stream, Stream),
) -> (f64, Vec<f32>, Vec<f32>) {
    let loss = step_loss(e, x, labels, noise);
    (loss, pollster::block_on(e.grads()).unwrap(), pollster::block_on(e.params()).unwrap())
}

fn streams(step: usize) -> (Stream, Stream) {
    let rng = Rng::new(5);
    (rng.stream(Purpose::Corrupt, step as u32), rng.stream(Purpose::Sample, step as u32))
}

/// Largest |gpu − cpu| / (|cpu| + floor), the floor a small share of the largest |cpu|.
fn worst(gpu: &[f32], cpu: &[f32]) -> f32 {
    let floor = 1e-3 * cpu.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    gpu.iter().zip(cpu).map(|(g, c)| (g - c).abs() / (c.abs() + floor)).fold(0.0, f32::max)
}

fn configs() -> Vec<(&'static str, Config, OptimizerKind)> {
    let conv = |filters, kernel, stride| ConvLayer { filters, kernel, stride, pool: false };
    let base = Config { hidden: vec![32, 16], seed: 3, ..Config::default() };
    vec![
        ("sigmoid, squared error, Adam", base.clone(), OptimizerKind::Adam),
        (
            "tanh + linear code, cross-entropy, SGD",
            Config {
                activation: PerLayer::Each(vec![Activation::Tanh, Activation::Linear]),
                loss: Loss::CrossEntropy,
                ..base.clone()
            },
            OptimizerKind::Sgd,
        ),
        (
            "relu, tied, linear output, Adam",
            Config {
                activation: PerLayer::All(Activation::Relu),
                tied: true,
                output_activation: Activation::Linear,
                ..base.clone()
            },
            OptimizerKind::Adam,
        ),
        (
            "leaky relu, weight decay, SGD",
            Config { activation: PerLayer::All(Activation::LeakyRelu), weight_decay: 0.01, ..base.clone() },
            OptimizerKind::Sgd,
        ),
        ("L1 and KL sparsity", Config { l1: 0.1, kl_weight: 0.5, kl_target: 0.1, ..base.clone() }, OptimizerKind::Adam),
        (
            "k-sparse linear code",
            Config {
                k_sparse: 4,
                activation: PerLayer::Each(vec![Activation::Sigmoid, Activation::Linear]),
                ..base.clone()
            },
            OptimizerKind::Adam,
        ),
        (
            "denoising: masking, salt-and-pepper, Gaussian",
            Config { masking: 0.25, salt_pepper: 0.1, gaussian: 0.1, ..base.clone() },
            OptimizerKind::Adam,
        ),
        (
            "contractive (one tanh layer)",
            Config { hidden: vec![24], contractive: 0.5, activation: PerLayer::All(Activation::Tanh), ..base.clone() },
            OptimizerKind::Adam,
        ),
        (
            "variational, cross-entropy",
            Config {
                variational: true,
                beta: 1.5,
                loss: Loss::CrossEntropy,
                activation: PerLayer::All(Activation::Relu),
                ..base.clone()
            },
            OptimizerKind::Adam,
        ),
        (
            "convolutions (strides 2 and 1), Adam",
            Config { conv: vec![conv(8, 3, 2), conv(6, 3, 1)], ..base.clone() },
            OptimizerKind::Adam,
        ),
        (
            "tied convolutions, tanh, cross-entropy, masking, SGD",
            Config {
                conv: vec![conv(4, 5, 2)],
                conv_activation: Activation::Tanh,
                tied: true,
                loss: Loss::CrossEntropy,
                masking: 0.2,
                ..base.clone()
            },
            OptimizerKind::Sgd,
        ),
        (
            "convolutional VAE",
            Config { conv: vec![conv(4, 3, 2)], variational: true, ..base.clone() },
            OptimizerKind::Adam,
        ),
        (
            "a convolution with 2×2 max pooling",
            Config { conv: vec![ConvLayer { filters: 6, kernel: 3, stride: 1, pool: true }], ..base },
            OptimizerKind::Adam,
        ),
    ]
}

#[test]
fn one_step_matches_the_cpu_for_each_kind_of_layer_loss_and_optimizer() {
    let Some(ctx) = common::gpu() else { return };
    let data = files::repo("digits").unwrap();
    let b = 100; // not a multiple of any workgroup size: every kernel's bounds are exercised
    for (name, c, kind) in configs() {
        let (net, code) = autoencoder::<f32>(&c, data.shape());
        let (x, noise) = (batch(&data, 0, b), streams(0));
        let optimizer = Optimizer::new(kind, net.params.len(), 0.01, 0.9, c.weight_decay);
        let phase = phase(&net, code, &c, b);
        let cpu = one_step(&mut Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap(), &x, &[], noise);
        let gpu = one_step(&mut Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).unwrap(), &x, &[], noise);
        assert_eq!(ctx.failure(), None, "{name}: the GPU reported an error");
        let (dl, dg, dp) = (((gpu.0 - cpu.0) / cpu.0).abs(), worst(&gpu.1, &cpu.1), worst(&gpu.2, &cpu.2));
        println!(
            "{name}: loss {:.5} vs {:.5} (relative {dl:.1e}); gradients {dg:.1e}; parameters after the step {dp:.1e}",
            cpu.0, gpu.0
        );
        assert!(dl < 1e-4 && dg < 1e-4 && dp < 1e-4, "{name}: loss {dl}, gradients {dg}, parameters {dp}");
    }
}

#[test]
fn a_hundred_steps_follow_the_cpu_loss_curve() {
    let Some(ctx) = common::gpu() else { return };
    let data = files::repo("digits").unwrap();
    let b = 100; // not a multiple of any workgroup size: every kernel's bounds are exercised
    for (name, c, kind) in configs() {
        let (net, code) = autoencoder::<f32>(&c, data.shape());
        let optimizer = Optimizer::new(kind, net.params.len(), 0.003, 0.9, c.weight_decay);
        let phase = phase(&net, code, &c, b);
        let mut cpu = Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap();
        let mut gpu = Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).unwrap();
        let mut worst_step = 0.0f64;
        for step in 0..100 {
            // A schedule's rate, changed every step (written into the GPU's update each step).
            let factor = 0.55 + 0.45 * (step as f64 / 7.0).cos();
            cpu.set_rate_factor(factor);
            gpu.set_rate_factor(factor);
            let (x, noise) = (batch(&data, step, b), streams(step));
            let (cpu_loss, gpu_loss) = (step_loss(&mut cpu, &x, &[], noise), step_loss(&mut gpu, &x, &[], noise));
            assert_eq!(ctx.failure(), None, "{name}: the GPU reported an error");
            worst_step = worst_step.max(((gpu_loss - cpu_loss) / cpu_loss).abs());
        }
        println!("{name}: 100 steps, worst relative loss difference {worst_step:.1e}");
        assert!(worst_step < 1e-3, "{name}: loss curves differ by {worst_step}");
    }
}

#[test]
fn rbm_stages_follow_the_cpu_for_a_hundred_steps() {
    // CD-1 between binary units, and CD-2 with the code stage's linear hidden units; the chains
    // draw the same numbers on both (the batch's loss is the one-step reconstruction's).
    let Some(ctx) = common::gpu() else { return };
    let data = files::repo("digits").unwrap();
    let b = 100;
    for (hidden, k) in [(Activation::Sigmoid, 1), (Activation::Linear, 2)] {
        let c = Config { hidden: vec![24], activation: PerLayer::All(hidden), batch_size: b, ..Config::default() };
        let (net, code) = rbm_stage::<f32>(&c, data.dim(), 0, Activation::Sigmoid);
        let phase = Phase { cd_steps: k, ..Phase::reconstruction(net.clone(), code, &c, vec![]) };
        let optimizer = rbm::optimizer(net.params.len(), Activation::Sigmoid, hidden);
        let mut cpu = Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap();
        let mut gpu = Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).unwrap();
        let mut worst_step = 0.0f64;
        for step in 0..100 {
            let (x, noise) = (batch(&data, step, b), streams(step));
            let (cpu_loss, gpu_loss) = (step_loss(&mut cpu, &x, &[], noise), step_loss(&mut gpu, &x, &[], noise));
            assert_eq!(ctx.failure(), None, "{hidden:?}: the GPU reported an error");
            worst_step = worst_step.max(((gpu_loss - cpu_loss) / cpu_loss).abs());
        }
        let params = worst(&pollster::block_on(gpu.params()).unwrap(), &pollster::block_on(cpu.params()).unwrap());
        println!("RBM, {hidden:?} hidden units, CD-{k}: 100 steps, worst relative loss difference {worst_step:.1e}, weights {params:.1e}");
        assert!(worst_step < 1e-3 && params < 1e-3, "{hidden:?}: losses differ by {worst_step}, weights by {params}");
    }
}

#[test]
fn classifier_heads_match_the_cpu() {
    use ae_playground::model::architecture::{classifier, encoder};
    let Some(ctx) = common::gpu() else { return };
    let data = files::repo("digits").unwrap();
    let b = 100;
    let (ae, code) = autoencoder::<f32>(&Config { hidden: vec![32, 16], seed: 3, ..Config::default() }, data.dim());
    let enc = encoder(&ae, code);
    let heads = [
        ("softmax head", classifier(None, 64, 0, 10, 2)),
        ("hidden + softmax head", classifier(None, 64, 24, 10, 2)),
        ("encoder + softmax head", classifier(Some(&enc), 64, 0, 10, 2)),
    ];
    for (name, net) in heads {
        let x = batch(&data, 0, b);
        let labels: Vec<u8> = (0..b).map(|i| data.labels[i]).collect();
        let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 0.01, 0.9, 0.0);
        let phase = Phase {
            net: net.clone(),
            code: None,
            penalties: Default::default(),
            noise: Default::default(),
            task: Task::Classify,
            frozen: None,
            rows: Vec::new(),
            batch_size: b,
            seed: 0,
            schedule: Default::default(),
            cd_steps: 0,
        };
        let cpu =
            one_step(&mut Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap(), &x, &labels, streams(0));
        let gpu =
            one_step(&mut Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).unwrap(), &x, &labels, streams(0));
        assert_eq!(ctx.failure(), None, "{name}: the GPU reported an error");
        let (dl, dg, dp) = (((gpu.0 - cpu.0) / cpu.0).abs(), worst(&gpu.1, &cpu.1), worst(&gpu.2, &cpu.2));
        println!(
            "{name}: loss {:.5} vs {:.5} (relative {dl:.1e}); gradients {dg:.1e}; parameters {dp:.1e}",
            cpu.0, gpu.0
        );
        assert!(dl < 1e-4 && dg < 1e-4 && dp < 1e-4, "{name}: loss {dl}, gradients {dg}, parameters {dp}");
    }
}

#[test]
fn a_model_larger_than_the_gpu_binds_is_refused_with_a_message() {
    let Some(ctx) = common::gpu() else { return };
    let most = ctx.device.limits().max_storage_buffer_binding_size.min(ctx.device.limits().max_buffer_size) as usize;
    // A batch whose activations need one value more than the largest buffer the device binds.
    let c = Config { hidden: vec![8], ..Config::default() };
    let (net, code) = autoencoder::<f32>(&c, 64);
    let b = most / 4 / 64 + 1; // the widest op (the 64-wide input and output) needs b·64 values
    let phase = Phase::reconstruction(net.clone(), code, &Config { batch_size: b, ..c }, vec![]);
    let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 0.001, 0.9, 0.0);
    let backend = GpuBackend::new(&ctx);
    let before = ctx.buffers_made();
    let error = Engine::new(backend, &phase, &optimizer).err().expect("the oversized batch was accepted");
    println!("refused: {}", error.message);
    assert!(error.message.contains("at most"), "{}", error.message);
    assert_eq!(ctx.buffers_made(), before, "the refusal must come before any GPU allocation");
    assert_eq!(ctx.failure(), None);
    assert!(ctx.check_fits("the weights", net.params.len()).is_ok());
}

/// A denoising net's gradients taken with no corruption stream (after a corrupted step): the CPU
/// passes the batch through clean, and so must the GPU, not reuse the last step's noise.
#[test]
fn with_no_corruption_stream_the_batch_passes_through_clean_on_both() {
    let Some(ctx) = common::gpu() else { return };
    let data = files::repo("digits").unwrap();
    let c = Config { hidden: vec![16], masking: 0.5, seed: 3, ..Config::default() };
    let (net, code) = autoencoder::<f32>(&c, data.shape());
    let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 0.01, 0.9, 0.0);
    let phase = phase(&net, code, &c, 50);
    let mut cpu = Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap();
    let mut gpu = Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).unwrap();
    let (x, noise) = (batch(&data, 0, 50), streams(0));
    step_loss(&mut cpu, &x, &[], noise);
    step_loss(&mut gpu, &x, &[], noise);
    let x = batch(&data, 1, 50);
    cpu.gradients(&x, &[], None, None).unwrap();
    gpu.gradients(&x, &[], None, None).unwrap();
    let (cpu_loss, gpu_loss) = (pollster::block_on(cpu.loss()).unwrap(), pollster::block_on(gpu.loss()).unwrap());
    let (dg, dl) = (
        worst(&pollster::block_on(gpu.grads()).unwrap(), &pollster::block_on(cpu.grads()).unwrap()),
        ((gpu_loss - cpu_loss) / cpu_loss).abs(),
    );
    println!("no corruption stream: loss {cpu_loss:.5} vs {gpu_loss:.5}; gradients {dg:.1e}");
    assert!(dl < 1e-4 && dg < 1e-4, "loss {dl}, gradients {dg}");
}
