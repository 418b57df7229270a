//! The training engine's behaviour, each test written once and run on every backend: the plain-loop
//! reference, and WebGPU natively on whatever Vulkan adapter is present (lavapipe in CI). Every variant
//! learns, and each has its own effect (KL pulls ρ̂ toward ρ, k-sparse codes keep k units, masking
//! zeroes a share of the input, the contractive penalty lowers ‖J‖); the same seed gives the same losses, bit for bit; a state written in reads back as written;
//! changed optimizer settings take effect; bad batches are refused with the state untouched.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ae_playground::data::{files, Dataset};
use ae_playground::model::architecture::{autoencoder, classifier};
use ae_playground::model::config::{Config, PerLayer};
use ae_playground::model::layers::{Activation, Loss};
use ae_playground::model::net::{Net, Trace};
use ae_playground::model::optim::{Optimizer, OptimizerKind};
use ae_playground::model::penalties::jacobian_norm;
use ae_playground::rng::{Purpose, Rng};
use ae_playground::train::backend::cpu::CpuBackend;
use ae_playground::train::backend::gpu::GpuBackend;
use ae_playground::train::backend::Backend;
use ae_playground::train::engine::Engine;
use ae_playground::train::phase::{Phase, Task};
use pollster::block_on;

/// Generates, for each test `fn name<B: Backend>(make: impl Fn() -> B)`, one test per backend.
macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {
        mod cpu {
            $(#[test]
            fn $test() {
                super::$test(ae_playground::train::backend::cpu::CpuBackend::<f32>::new);
            })*
        }
        mod webgpu {
            $(#[test]
            fn $test() {
                if let Some(ctx) = super::common::gpu() {
                    super::$test(|| ae_playground::train::backend::gpu::GpuBackend::new(&ctx));
                }
            })*
        }
    };
}

on_every_backend!(
    every_variant_learns,
    each_variant_has_its_own_effect,
    the_same_seed_gives_the_same_losses,
    a_state_written_in_reads_back_as_written,
    changed_optimizer_settings_take_effect,
    bad_batches_are_refused_and_change_nothing,
);

const B: usize = 50;

fn digits() -> Dataset {
    files::repo("digits").unwrap()
}

/// Batch `step` of the digits and its labels.
fn batch(data: &Dataset, step: usize) -> (Vec<f32>, Vec<u8>) {
    let rows: Vec<usize> = (0..B).map(|i| (step * B + i) % data.n_train).collect();
    let mut x = vec![0.0; B * data.dim()];
    data.gather(&rows, &mut x);
    (x, rows.iter().map(|&r| data.labels[r]).collect())
}

/// Every variant's phase on the digits, with its optimizer.
fn phases(data: &Dataset) -> Vec<(&'static str, Phase, Optimizer)> {
    let base = Config { hidden: vec![32, 16], seed: 3, batch_size: B, learning_rate: 0.01, ..Config::default() };
    let tanh = PerLayer::All(Activation::Tanh);
    let variants = [
        ("plain", base.clone()),
        ("cross-entropy, SGD", Config { loss: Loss::CrossEntropy, optimizer: OptimizerKind::Sgd, ..base.clone() }),
        ("tied ReLU", Config { activation: PerLayer::All(Activation::Relu), tied: true, ..base.clone() }),
        ("L1 and KL sparsity", Config { l1: 0.01, kl_weight: 0.1, kl_target: 0.1, ..base.clone() }),
        ("k-sparse", Config { k_sparse: 4, ..base.clone() }),
        ("denoising", Config { masking: 0.25, salt_pepper: 0.05, gaussian: 0.1, ..base.clone() }),
        ("contractive", Config { hidden: vec![24], contractive: 0.1, activation: tanh, ..base.clone() }),
        ("variational", Config { variational: true, loss: Loss::CrossEntropy, ..base.clone() }),
    ];
    let optimizer = |c: &Config, len| Optimizer::new(c.optimizer, len, c.learning_rate, c.momentum, c.weight_decay);
    let mut all: Vec<_> = variants
        .into_iter()
        .map(|(name, c)| {
            let (net, code) = autoencoder::<f32>(&c, data.dim());
            let o = optimizer(&c, net.params.len());
            (name, Phase::reconstruction(net, code, &c, Vec::new()), o)
        })
        .collect();
    let head = classifier(None, data.dim(), 16, 10, 3);
    let o = optimizer(&base, head.params.len());
    let phase = Phase { task: Task::Classify, code: None, ..Phase::reconstruction(head, 0, &base, Vec::new()) };
    all.push(("classifier head", phase, o));
    all
}

fn streams(step: usize) -> (Option<ae_playground::rng::Stream>, Option<ae_playground::rng::Stream>) {
    let rng = Rng::new(9);
    (Some(rng.stream(Purpose::Corrupt, step as u32)), Some(rng.stream(Purpose::Sample, step as u32)))
}

/// `steps` steps from the start; the loss of each step in `read` (the others are not waited for).
fn train<B: Backend>(e: &mut Engine<B>, data: &Dataset, steps: usize, read: impl Fn(usize) -> bool) -> Vec<f32> {
    let mut losses = Vec::new();
    for step in 0..steps {
        let (x, labels) = batch(data, step);
        let (corrupt, sample) = streams(step);
        e.step(&x, &labels, corrupt, sample).unwrap();
        if read(step) {
            losses.push(block_on(e.loss()).unwrap());
        }
    }
    losses
}

fn every_variant_learns<B: Backend>(make: impl Fn() -> B) {
    let data = digits();
    for (name, phase, optimizer) in phases(&data) {
        let mut e = Engine::new(make(), &phase, &optimizer).unwrap();
        let losses = train(&mut e, &data, 150, |s| s == 0 || s >= 140);
        let last = losses[1..].iter().sum::<f32>() / (losses.len() - 1) as f32;
        println!("{name}: loss {:.3} → {last:.3} over 150 steps", losses[0]);
        assert!(last < 0.8 * losses[0], "{name}: the loss went from {} to {last}", losses[0]);
    }
}

/// The trained weights of `phase` after `steps` steps, and the code op's output on batch 0 as the
/// engine computes it (on its own backend: the GPU's kernels on WebGPU).
fn trained_code<B: Backend>(make: impl Fn() -> B, phase: &Phase, o: &Optimizer, steps: usize) -> (Net<f32>, Vec<f32>) {
    let data = digits();
    let mut e = Engine::new(make(), phase, o).unwrap();
    train(&mut e, &data, steps, |_| false);
    let (x, labels) = batch(&data, 0);
    e.gradients(&x, &labels, None, None).unwrap();
    let code = block_on(e.op_output(phase.code.unwrap())).unwrap();
    (phase.net.with_params(block_on(e.params()).unwrap()), code)
}

fn each_variant_has_its_own_effect<B: Backend>(make: impl Fn() -> B) {
    let data = digits();
    let all = phases(&data);
    let find = |name: &str| all.iter().find(|(n, _, _)| *n == name).unwrap();

    // KL sparsity pulls the code units' mean activation ρ̂ toward ρ = 0.1 (from about 0.5).
    let (_, kl, o) = find("L1 and KL sparsity");
    let mean = |code: &[f32]| code.iter().sum::<f32>() / code.len() as f32;
    let (_, before) = trained_code(&make, kl, o, 0);
    let (_, after) = trained_code(&make, kl, o, 150);
    println!("KL sparsity: mean ρ̂ {:.3} → {:.3} (ρ = 0.1)", mean(&before), mean(&after));
    assert!((mean(&after) - 0.1).abs() < 0.5 * (mean(&before) - 0.1).abs(), "ρ̂ did not move toward ρ");

    // A k-sparse code has exactly k = 4 active units in every row.
    let (_, ks, o) = find("k-sparse");
    let (_, code) = trained_code(&make, ks, o, 20);
    let active: Vec<usize> = code.chunks(16).map(|row| row.iter().filter(|&&v| v != 0.0).count()).collect();
    assert!(active.iter().all(|&n| n == 4), "active units per row: {active:?}");

    // Masking zeroes about a quarter of the input the net sees, and nothing without a stream.
    let c = Config { hidden: vec![16], masking: 0.25, batch_size: B, ..Config::default() };
    let (net, code) = autoencoder::<f32>(&c, data.dim());
    let o = Optimizer::new(c.optimizer, net.params.len(), 0.01, 0.9, 0.0);
    let mut e = Engine::new(make(), &Phase::reconstruction(net, code, &c, Vec::new()), &o).unwrap();
    let (x, _) = batch(&data, 0);
    e.step(&x, &[], streams(0).0, None).unwrap();
    let seen = block_on(e.input()).unwrap();
    let inked = x.iter().filter(|&&v| v > 0.0).count() as f32;
    let masked = x.iter().zip(&seen).filter(|(&c, &s)| c > 0.0 && s == 0.0).count() as f32 / inked;
    println!("masking 0.25: {:.1}% of the inked values zeroed", 100.0 * masked);
    assert!((0.2..0.3).contains(&masked), "masked {masked}");
    assert!(x.iter().zip(&seen).all(|(&c, &s)| s == c || s == 0.0), "masking only zeroes");
    e.step(&x, &[], None, None).unwrap();
    assert_eq!(block_on(e.input()).unwrap(), x, "without a stream the net sees the clean batch");

    // The contractive penalty lowers the encoder's ‖J‖_F against the same net trained without it.
    let (_, cae, o) = find("contractive");
    let plain = Phase { penalties: Default::default(), ..cae.clone() };
    let norm = |phase: &Phase| {
        let (net, code) = trained_code(&make, phase, o, 150);
        let d = net.dense(phase.code.unwrap()).unwrap();
        jacobian_norm(&code, &net.params[d.weight_range()], d.activation, B, d.inputs, d.outputs)
    };
    let (with, without) = (norm(cae), norm(&plain));
    println!("contractive: ‖J‖_F {without:.3} without the penalty, {with:.3} with it");
    assert!(with < 0.8 * without, "‖J‖ {with} with the penalty, {without} without");
}

fn the_same_seed_gives_the_same_losses<B: Backend>(make: impl Fn() -> B) {
    let data = digits();
    for (name, phase, optimizer) in phases(&data) {
        let run = || {
            let mut e = Engine::new(make(), &phase, &optimizer).unwrap();
            let losses = train(&mut e, &data, 5, |_| true);
            (losses, block_on(e.params()).unwrap())
        };
        let (first, second) = (run(), run());
        assert_eq!(first.0, second.0, "{name}: losses differ between identical runs");
        assert_eq!(first.1, second.1, "{name}: weights differ between identical runs");
    }
}

fn a_state_written_in_reads_back_as_written<B: Backend>(make: impl Fn() -> B) {
    let data = digits();
    let (_, phase, optimizer) = phases(&data).swap_remove(0);
    let len = phase.net.params.len();
    let mut e = Engine::new(make(), &phase, &optimizer).unwrap();
    let values = |k: f32| (0..len).map(|i| k * (i % 7) as f32).collect::<Vec<f32>>();
    let written = Optimizer { m: values(0.5), v: values(0.25), t: 17, ..optimizer.clone() };
    e.upload_state(&values(1.0), &written).unwrap();
    let state = block_on(e.read_state()).unwrap();
    assert_eq!(state.params, values(1.0));
    assert_eq!((state.optimizer.m, state.optimizer.v, state.optimizer.t), (written.m, written.v, 17));
}

fn changed_optimizer_settings_take_effect<B: Backend>(make: impl Fn() -> B) {
    let data = digits();
    let (_, phase, optimizer) = phases(&data).swap_remove(1); // SGD
    let mut e = Engine::new(make(), &phase, &optimizer).unwrap();
    train(&mut e, &data, 3, |_| false);
    let state = block_on(e.read_state()).unwrap();
    // A learning rate of 0: the next step moves nothing.
    let stopped = Optimizer { learning_rate: 0.0, ..state.optimizer.clone() };
    e.upload_state(&state.params, &stopped).unwrap();
    train(&mut e, &data, 1, |_| false);
    assert_eq!(block_on(e.params()).unwrap(), state.params, "the step ran at the old learning rate");
    let adam = Optimizer { kind: OptimizerKind::Adam, ..stopped };
    let error = e.upload_state(&state.params, &adam).unwrap_err();
    assert!(error.message.contains("cannot change"), "{}", error.message);
}

fn bad_batches_are_refused_and_change_nothing<B: Backend>(make: impl Fn() -> B) {
    let data = digits();
    let all = phases(&data);
    let (_, ae, optimizer) = &all[0];
    let (x, labels) = batch(&data, 0);
    let mut e = Engine::new(make(), ae, optimizer).unwrap();
    let before = block_on(e.params()).unwrap();
    let error = e.step(&x[1..], &[], None, None).unwrap_err();
    assert!(error.message.contains("do not fit a batch of 50"), "{}", error.message);
    let (_, head, optimizer) = all.last().unwrap();
    let mut h = Engine::new(make(), head, optimizer).unwrap();
    let error = h.step(&x, &labels[1..], None, None).unwrap_err();
    assert!(error.message.contains("49 labels for a batch of 50"), "{}", error.message);
    assert_eq!(block_on(e.params()).unwrap(), before);
}

#[test]
fn an_engine_without_an_output_layer_with_weights_is_refused() {
    let data = digits();
    let (_, mut phase, optimizer) = phases(&data).swap_remove(4); // k-sparse code
    let code = phase.net.ops.iter().position(|op| matches!(op, ae_playground::model::net::Op::KSparse { .. })).unwrap();
    phase.net.ops.truncate(code + 1); // the encoder alone, ending in the k-sparse code
    phase.task = Task::Classify;
    let error = Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).err().unwrap();
    assert!(error.message.contains("output layer with weights"), "{}", error.message);
    if let Some(ctx) = common::gpu() {
        assert!(Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).is_err());
    }
}

/// One forward pass: `Net::forward` (what evaluation and the views run) gives the training step's
/// output for the same batch, bit for bit on the reference backend, for every variant with no noise.
#[test]
fn the_nets_forward_pass_gives_the_engines_output() {
    let data = digits();
    for (name, phase, optimizer) in phases(&data) {
        if !phase.noise.is_none()
            || phase.net.ops.iter().any(|op| matches!(op, ae_playground::model::net::Op::Reparameterize { .. }))
        {
            continue; // noise is drawn differently outside a training step
        }
        let mut e = Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap();
        let (x, labels) = batch(&data, 0);
        e.gradients(&x, &labels, None, None).unwrap();
        let mut tr = Trace::default();
        phase.net.forward(&mut tr, &x, B, None);
        let last = phase.net.ops.len() - 1;
        assert_eq!(tr.outs.last().unwrap(), &block_on(e.op_output(last)).unwrap(), "{name}");
    }
}
