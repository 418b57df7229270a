//! RBM stages (Hinton's pretraining): CD-k as the training step records it against its plain-loop
//! twin, on the CPU and on WebGPU; CD's gradient against the exact log-likelihood gradient of a tiny
//! RBM, found by enumerating every state; the exact log-likelihood rising as CD-1 trains; and a whole
//! run of RBM stages, assembly and fine-tuning.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ae_playground::data::files;
use ae_playground::model::architecture::rbm_stage;
use ae_playground::model::config::{Config, PerLayer, Pretrain};
use ae_playground::model::layers::{Activation, Loss};
use ae_playground::model::net::Net;
use ae_playground::model::rbm::{self, Gradient, Rbm};
use ae_playground::rng::{Purpose, Rng};
use ae_playground::train::backend::cpu::CpuBackend;
use ae_playground::train::backend::gpu::GpuBackend;
use ae_playground::train::backend::Backend;
use ae_playground::train::engine::Engine;
use ae_playground::train::phase::{Phase, Task};
use ae_playground::Session;
use pollster::block_on;

/// An RBM stage of `visible` × `hidden` units as the session builds one, its weights spread wider
/// than the initial 0.01 so that the chain mixes slowly and CD-1 is visibly biased.
fn tiny(visible: usize, hidden: usize, hidden_act: Activation, visible_act: Activation, spread: f64) -> Net<f32> {
    let c = Config { hidden: vec![hidden], activation: PerLayer::All(hidden_act), ..Config::default() };
    let (mut net, _) = rbm_stage::<f32>(&c, visible, 0, visible_act);
    let s = Rng::new(9).stream(Purpose::Init, 3);
    for (i, p) in net.params.iter_mut().enumerate() {
        *p = (spread * s.normal(i as u32) as f64) as f32;
    }
    net
}

fn parts<T>(net: &Net<T>) -> (std::ops::Range<usize>, std::ops::Range<usize>, std::ops::Range<usize>)
where
    T: ae_playground::real::Real,
{
    let (enc, dec) = (net.dense(0).unwrap(), net.dense(1).unwrap());
    (enc.weight_range(), dec.bias_range(), enc.bias_range())
}

fn as_rbm<'a, T: ae_playground::real::Real>(net: &'a Net<T>, params: &'a [T]) -> Rbm<'a, T> {
    let (w, a, b) = parts(net);
    let (enc, dec) = (net.dense(0).unwrap(), net.dense(1).unwrap());
    Rbm { w: &params[w], a: &params[a], b: &params[b], visible: dec.activation, hidden: enc.activation }
}

/// Binary rows with a pattern to learn: the first half of the units copy one coin, the rest another.
fn binary_rows(rows: usize, width: usize, seed: u32) -> Vec<f32> {
    let s = Rng::new(seed).stream(Purpose::Sample, 0);
    (0..rows * width)
        .map(|i| {
            let (r, j) = (i / width, i % width);
            let coin = s.uniform((r * 2 + usize::from(j >= width / 2)) as u32) < 0.5;
            let flip = s.uniform((rows * 2 + i) as u32) < 0.1;
            f32::from(u8::from(coin != flip))
        })
        .collect()
}

fn phase(net: &Net<f32>, rows: usize, k: usize) -> Phase {
    let c = Config { batch_size: rows, ..Config::default() };
    Phase {
        task: Task::Reconstruct(Loss::SquaredError),
        cd_steps: k,
        ..Phase::reconstruction(net.clone(), 0, &c, vec![])
    }
}

/// The gradient the engine's step leaves, as (W, a, b).
fn engine_gradient<B: Backend>(backend: B, net: &Net<f32>, v: &[f32], rows: usize, k: usize, step: u32) -> Vec<f32> {
    let optimizer = rbm::optimizer(net.params.len(), Activation::Sigmoid, Activation::Sigmoid);
    let mut e = Engine::new(backend, &phase(net, rows, k), &optimizer).unwrap();
    let sample = Rng::new(2).stream(Purpose::Sample, step);
    e.gradients(v, &[], None, Some(sample)).unwrap();
    block_on(e.grads()).unwrap()
}

fn flat(g: &Gradient<f64>, net: &Net<f64>) -> Vec<f64> {
    let (w, a, b) = parts(net);
    let mut out = vec![0.0; net.params.len()];
    out[w].copy_from_slice(&g.w);
    out[a].copy_from_slice(&g.a);
    out[b].copy_from_slice(&g.b);
    out
}

#[test]
fn the_training_step_takes_cd_k_as_its_plain_loop_twin_on_the_cpu_and_the_gpu() {
    // Off every workgroup edge: 37 rows of 45 visible and 29 hidden units; CD-1 and CD-3; binary
    // units, Gaussian visible ones, and linear (Gaussian) hidden ones as the code stage has.
    let rows = 37;
    let kinds = [
        (Activation::Sigmoid, Activation::Sigmoid),
        (Activation::Linear, Activation::Sigmoid),
        (Activation::Sigmoid, Activation::Linear),
    ];
    for (visible, hidden) in kinds {
        for k in [1, 3] {
            let net = tiny(45, 29, hidden, visible, 0.1);
            let v = binary_rows(rows, 45, 4);
            // In f64 on both sides: the same draws, the sums in another order.
            let net64 =
                Net { input: net.input, ops: net.ops.clone(), params: net.params.iter().map(|&p| p as f64).collect() };
            let v64: Vec<f64> = v.iter().map(|&x| x as f64).collect();
            let stream = Rng::new(2).stream(Purpose::Sample, 7);
            let reference = as_rbm(&net64, &net64.params).cd_gradient(&v64, rows, k, stream);
            let expected: Vec<f32> = flat(&reference, &net64).into_iter().map(|x| x as f32).collect();
            let optimizer = rbm::optimizer(net.params.len(), visible, hidden);
            let mut e = Engine::new(CpuBackend::<f64>::new(), &phase(&net, rows, k), &optimizer).unwrap();
            e.set_params(&net64.params);
            e.gradients(&v, &[], None, Some(stream)).unwrap();
            let cpu: Vec<f32> = e.grads_now().into_iter().map(|x| x as f32).collect();
            let off = worst(&cpu, &expected);
            assert!(off < 1e-6, "{visible:?}-{hidden:?} CD-{k}: the CPU step is {off:e} off its twin");
            if let Some(ctx) = common::gpu() {
                let gpu = engine_gradient(GpuBackend::new(&ctx), &net, &v, rows, k, 7);
                let off = worst(&gpu, &expected);
                println!("{visible:?}-{hidden:?} CD-{k}: GPU within {off:.1e} of the plain loop");
                assert!(off < 1e-3, "{visible:?}-{hidden:?} CD-{k}: the GPU step is {off:e} off");
            }
        }
    }
}

/// Largest |x − y| / (|y| + floor), the floor a small share of the largest |y|.
fn worst(x: &[f32], y: &[f32]) -> f32 {
    let floor = 1e-3 * y.iter().fold(1e-30f32, |m, v| m.max(v.abs()));
    x.iter().zip(y).map(|(a, b)| (a - b).abs() / (b.abs() + floor)).fold(0.0, f32::max)
}

/// CD-k's gradient averaged over `chains` runs of the batch, in f64.
fn mean_cd(r: &Rbm<f64>, v: &[f64], rows: usize, k: usize, chains: u32) -> Vec<f64> {
    let mut sum: Vec<f64> = Vec::new();
    for c in 0..chains {
        let g = r.cd_gradient(v, rows, k, Rng::new(11).stream(Purpose::Sample, c));
        let all: Vec<f64> = g.w.into_iter().chain(g.a).chain(g.b).collect();
        if sum.is_empty() {
            sum = vec![0.0; all.len()];
        }
        sum.iter_mut().zip(all).for_each(|(s, x)| *s += x / chains as f64);
    }
    sum
}

fn distance(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt()
}

#[test]
fn cd_k_approaches_the_exact_gradient_of_a_tiny_rbm_as_k_grows() {
    // 6 visible and 4 hidden binary units: 64 visible states, enumerated for ln Z and the model's
    // expectations. Weights of spread 1.5 make a chain that mixes slowly, so CD-1's bias shows.
    let net = tiny(6, 4, Activation::Sigmoid, Activation::Sigmoid, 1.5);
    let params: Vec<f64> = net.params.iter().map(|&p| p as f64).collect();
    let net64 = Net { input: net.input, ops: net.ops.clone(), params: params.clone() };
    let r = as_rbm(&net64, &params);
    let rows = 20;
    let v: Vec<f64> = binary_rows(rows, 6, 5).into_iter().map(f64::from).collect();
    let exact = r.exact_gradient(&v, rows);
    let exact: Vec<f64> = exact.w.into_iter().chain(exact.a).chain(exact.b).collect();
    let norm = exact.iter().map(|x| x * x).sum::<f64>().sqrt();
    let errors: Vec<(usize, f64)> =
        [1, 5, 100].iter().map(|&k| (k, distance(&mean_cd(&r, &v, rows, k, 400), &exact) / norm)).collect();
    println!("CD-k's distance from the exact gradient, relative to its norm: {errors:?}");
    assert!(errors[2].1 < 0.05, "CD-100 is {:.3} of the gradient's norm away", errors[2].1);
    assert!(
        errors[0].1 > 2.0 * errors[2].1,
        "CD-1 ({:.3}) should be further than CD-100 ({:.3})",
        errors[0].1,
        errors[2].1
    );
}

#[test]
fn the_exact_log_likelihood_rises_as_cd_1_trains_a_tiny_rbm() {
    let net = tiny(6, 4, Activation::Sigmoid, Activation::Sigmoid, 0.01);
    let rows = 40;
    let v = binary_rows(rows, 6, 6);
    let v64: Vec<f64> = v.iter().map(|&x| x as f64).collect();
    let log_likelihood = |params: &[f32]| {
        let p64: Vec<f64> = params.iter().map(|&p| p as f64).collect();
        let net64 = Net { input: net.input, ops: net.ops.clone(), params: p64.clone() };
        as_rbm(&net64, &p64).log_likelihood(&v64, rows)
    };
    let optimizer = rbm::optimizer(net.params.len(), Activation::Sigmoid, Activation::Sigmoid);
    let mut e = Engine::new(CpuBackend::<f32>::new(), &phase(&net, rows, 1), &optimizer).unwrap();
    let before = log_likelihood(&net.params);
    for step in 0..500 {
        e.step(&v, &[], None, Some(Rng::new(3).stream(Purpose::Sample, step))).unwrap();
    }
    let after = log_likelihood(&block_on(e.params()).unwrap());
    println!("exact mean log-likelihood: {before:.4} before, {after:.4} after 500 steps of CD-1");
    // Uniform over 64 states is ln(1/64) = −4.16; the two coins with 10% noise allow far better.
    assert!(after > before + 0.5, "the log-likelihood went from {before} to {after}");
}

#[test]
fn rbm_stages_pretrain_a_deep_net_that_is_then_fine_tuned() {
    let data = files::uci_digits(std::path::Path::new("data/uci-digits.csv.gz")).unwrap();
    let c = Config {
        hidden: vec![48, 16],
        activation: PerLayer::Each(vec![Activation::Sigmoid, Activation::Linear]),
        pretrain: Pretrain::Rbm,
        pretrain_epochs: 3,
        epochs: 1,
        ..Config::default()
    };
    let mut s = Session::new(c, data).unwrap();
    assert_eq!(s.phase_name(s.phase()), "RBM 1");
    while s.current == 0 {
        s.train_step().unwrap();
    }
    let stage = &s.stages[0];
    assert_eq!(stage.dense(1).unwrap().activation, Activation::Sigmoid, "digits in 0..1 take binary visible units");
    let losses: Vec<f32> = s.history[0].iter().map(|&(_, l)| l).collect();
    let mean = |l: &[f32]| l.iter().sum::<f32>() / l.len() as f32;
    let (first, last) = (mean(&losses[..5]), mean(&losses[losses.len() - 5..]));
    println!("RBM 1's one-step reconstruction error: {first:.2} at the start, {last:.2} after 3 epochs");
    assert!(last < 0.75 * first, "RBM 1 reconstructs at {last}, from {first}");
    assert_eq!(s.phase_name(s.phase()), "RBM 2");
    // RBM 2 dreams in its own input space (RBM 1's codes), carried down to the data's by RBM 1.
    let (dreams, steps) = s.dream(8, 200).expect("an RBM stage dreams");
    assert_eq!((dreams.len(), steps), (8 * 64, 200));
    assert!(dreams.iter().all(|v| (0.0..=1.0).contains(v)), "probabilities of binary pixels");
    assert_eq!(s.dream(8, 50).unwrap().1, 250, "the chains run on from where they were");
    while !s.finished() {
        s.train_step().unwrap();
    }
    assert!(s.evaluate_test().loss.is_finite());
    assert!(s.dream(8, 10).is_none(), "fine-tuning has no RBM to dream");
}

#[test]
fn a_trained_rbm_dreams_nearer_the_data_than_noise() {
    // Mean squared distance from each dream to its nearest training image, against uniform noise's.
    let data = files::uci_digits(std::path::Path::new("data/uci-digits.csv.gz")).unwrap();
    let c =
        Config { hidden: vec![32, 8], pretrain: Pretrain::Rbm, pretrain_epochs: 20, epochs: 1, ..Config::default() };
    let mut s = Session::new(c, data.clone()).unwrap();
    while s.trainer.epoch < 19 {
        s.train_step().unwrap();
    }
    let (dreams, _) = s.dream(16, 300).unwrap();
    let rows: Vec<usize> = data.train_rows().collect();
    let mut train = vec![0.0; rows.len() * 64];
    data.gather(&rows, &mut train);
    let nearest = |x: &[f32]| {
        train.chunks(64).map(|t| t.iter().zip(x).map(|(a, b)| (a - b).powi(2)).sum::<f32>()).fold(f32::MAX, f32::min)
    };
    let mean = |images: &[f32]| images.chunks(64).map(nearest).sum::<f32>() / (images.len() / 64) as f32;
    let noise: Vec<f32> = (0..16 * 64).map(|i| Rng::new(1).stream(Purpose::Sample, 5).uniform(i)).collect();
    let (dreamt, random) = (mean(&dreams), mean(&noise));
    println!("squared distance to the nearest training image: dreams {dreamt:.2}, noise {random:.2}");
    assert!(dreamt < 0.5 * random, "dreams {dreamt} against noise {random}");
}

#[test]
fn settings_rbm_stages_and_schedules_cannot_take_are_refused_by_name() {
    use ae_playground::model::schedule::ScheduleKind;
    let rbm = Config { pretrain: Pretrain::Rbm, pretrain_epochs: 2, ..Config::default() };
    let refused = |c: Config| c.validate().unwrap_err().message;
    let relu = Config { hidden: vec![32, 8], activation: PerLayer::All(Activation::Relu), ..rbm.clone() };
    assert!(refused(relu).contains("hidden layer 1 is relu, but an RBM stage's hidden units must be sigmoid"));
    assert!(refused(Config { pretrain_epochs: 0, ..rbm.clone() }).contains("pretrain rbm: set pretrainEpochs"));
    assert!(refused(Config { cd_steps: 0, ..rbm.clone() }).contains("cdSteps 0 must be from 1 to 1000"));
    assert!(refused(Config { k_sparse: 4, ..rbm.clone() }).contains("kSparse does not combine with RBM stages"));
    let linear_code = Config {
        hidden: vec![32, 8],
        activation: PerLayer::Each(vec![Activation::Sigmoid, Activation::Linear]),
        ..rbm
    };
    assert!(linear_code.validate().is_ok(), "a linear code stage is Gaussian hidden units");
    let cosine = Config { schedule: ScheduleKind::Cosine, ..Config::default() };
    assert!(refused(cosine.clone()).contains("schedule cosine takes the rate to zero over the phase"));
    assert!(refused(Config { epochs: 4, warmup_epochs: 4, ..cosine })
        .contains("warmupEpochs 4 must be fewer than epochs 4"));
    let plateau = Config { schedule: ScheduleKind::Plateau, ..Config::default() };
    assert!(refused(plateau).contains("schedule plateau watches the validation loss: set validation"));
    assert!(
        refused(Config { decay_factor: 1.5, ..Config::default() }).contains("decayFactor 1.5 must be between 0 and 1")
    );
}

#[test]
fn data_outside_0_to_1_takes_gaussian_visible_units() {
    // The digits at four times their brightness: values from 0 to 4.
    let mut data = files::uci_digits(std::path::Path::new("data/uci-digits.csv.gz")).unwrap();
    data.scale *= 4.0;
    let (min, max) = data.value_range();
    assert!(min < 0.0 || max > 1.0, "the values run from {min} to {max}");
    let c = Config {
        hidden: vec![16, 4],
        pretrain: Pretrain::Rbm,
        pretrain_epochs: 2,
        epochs: 1,
        output_activation: Activation::Linear,
        ..Config::default()
    };
    let mut s = Session::new(c.clone(), data.clone()).unwrap();
    assert_eq!(s.trainer.phase.net.dense(1).unwrap().activation, Activation::Linear, "Gaussian visible units");
    assert_eq!(s.trainer.optimizer().learning_rate, rbm::LEARNING_RATE_GAUSSIAN as f32);
    while !s.finished() {
        s.train_step().unwrap();
    }
    assert!(s.evaluate_test().loss.is_finite());
    // Gaussian units on both sides have no proper distribution: refused, saying why.
    let both = Config { hidden: vec![4], activation: PerLayer::All(Activation::Linear), ..c };
    let e = Session::new(both, data).err().unwrap().message;
    assert!(e.contains("Gaussian on both sides"), "{e}");
}
