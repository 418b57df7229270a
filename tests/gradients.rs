//! Finite-difference checks, in f64, of every gradient training computes: each parameter's analytic
//! derivative of loss + penalties, as the training step computes it (the engine on the reference
//! backend, run in f64), against (J(p + ε) − J(p − ε)) / 2ε, with J computed forward only by the
//! plain-loop functions; relative error < 1e-4.

use ae_playground::model::architecture::{autoencoder, classifier, Shape};
use ae_playground::model::config::{Config, ConvLayer, PerLayer};
use ae_playground::model::layers::{Activation, Loss};
use ae_playground::model::net::{CodePenalties, Net};
use ae_playground::model::optim::{Optimizer, OptimizerKind};
use ae_playground::rng::{Purpose, Rng, Stream};
use ae_playground::train::backend::cpu::CpuBackend;
use ae_playground::train::engine::Engine;
use ae_playground::train::evaluation::{objective, Batch};
use ae_playground::train::phase::{Phase, Task};

const B: usize = 4;
const INPUT: usize = 7;
const LABELS: [u8; B] = [0, 2, 1, 2];

/// A batch the f32 interface carries exactly.
fn inputs() -> Vec<f32> {
    inputs_of(INPUT)
}

fn inputs_of(width: usize) -> Vec<f32> {
    let s = Rng::new(11).stream(Purpose::Sample, 0);
    (0..(B * width) as u32).map(|i| 0.05 + 0.9 * s.uniform(i)).collect()
}

/// The VAE's noise.
fn sample() -> Stream {
    Rng::new(5).stream(Purpose::Sample, 0)
}

struct Case {
    net: Net<f64>,
    code: Option<usize>,
    penalties: CodePenalties,
    task: Task,
}

/// J(params): the objective forward only.
fn value(case: &Case, params: &[f64], x: &[f64]) -> f64 {
    let net = Net { params: params.to_vec(), ..case.net.clone() };
    let batch = Batch { x, clean: x, labels: &LABELS, b: B, noise: Some(sample()) };
    objective(&net, &batch, &case.task, case.code, &case.penalties)
}

/// ∂J/∂params as the training step computes them.
fn analytic(case: &Case, x: &[f32]) -> Vec<f64> {
    let params: Vec<f32> = case.net.params.iter().map(|&v| v as f32).collect();
    let phase = Phase {
        net: Net { input: case.net.input, ops: case.net.ops.clone(), params },
        code: case.code,
        penalties: case.penalties.clone(),
        noise: Default::default(),
        task: case.task.clone(),
        frozen: None,
        rows: Vec::new(),
        batch_size: B,
        seed: 0,
        schedule: Default::default(),
        cd_steps: 0,
    };
    let optimizer = Optimizer::new(OptimizerKind::Adam, case.net.params.len(), 0.001, 0.9, 0.0);
    let mut engine = Engine::new(CpuBackend::<f64>::new(), &phase, &optimizer).unwrap();
    engine.set_params(&case.net.params);
    engine.gradients(x, &LABELS, None, Some(sample())).unwrap();
    engine.grads_now()
}

fn check(name: &str, case: Case) {
    let x32 = inputs_of(case.net.input);
    let x: Vec<f64> = x32.iter().map(|&v| v as f64).collect();
    let analytic = analytic(&case, &x32);
    // ε = 1e-5: below it, rounding in J (a sum over every pixel of the batch) swamps small gradients.
    let eps = 1e-5;
    let mut worst = 0.0f64;
    let mut p = case.net.params.clone();
    for i in 0..p.len() {
        let keep = p[i];
        p[i] = keep + eps;
        let up = value(&case, &p, &x);
        p[i] = keep - eps;
        let down = value(&case, &p, &x);
        p[i] = keep;
        let numeric = (up - down) / (2.0 * eps);
        let error = (numeric - analytic[i]).abs() / (numeric.abs() + analytic[i].abs()).max(1e-6);
        worst = worst.max(error);
        assert!(
            error < 1e-4,
            "{name}: parameter {i}: analytic {} vs numeric {numeric} (relative error {error:.2e})",
            analytic[i]
        );
    }
    println!("{name}: worst relative error {worst:.1e} over {} parameters", p.len());
}

fn ae(config: Config) -> Case {
    ae_on(config, INPUT.into())
}

fn ae_on(config: Config, input: Shape) -> Case {
    let (mut net, code) = autoencoder::<f64>(&config, input);
    // Non-zero biases, so every bias gradient is exercised away from zero.
    let len = net.params.len();
    for (i, v) in net.params.iter_mut().enumerate().filter(|(_, v)| **v == 0.0) {
        *v = 0.05 * ((i * 7 % 11) as f64 - 5.0) / len as f64 * 10.0;
    }
    Case { net, code: Some(code), penalties: config.code_penalties(), task: Task::Reconstruct(config.loss) }
}

fn base() -> Config {
    Config { hidden: vec![5, 3], seed: 4, ..Config::default() }
}

#[test]
fn every_activation_with_squared_error() {
    for act in [Activation::Sigmoid, Activation::Tanh, Activation::Relu, Activation::LeakyRelu, Activation::Linear] {
        check(&format!("{act:?}"), ae(Config { activation: PerLayer::All(act), ..base() }));
    }
}

#[test]
fn linear_output_and_mixed_activations() {
    let act = PerLayer::Each(vec![Activation::Tanh, Activation::Linear]);
    check(
        "tanh-linear code, linear output",
        ae(Config { activation: act, output_activation: Activation::Linear, ..base() }),
    );
}

#[test]
fn cross_entropy_from_logits() {
    check("cross-entropy", ae(Config { loss: Loss::CrossEntropy, ..base() }));
}

#[test]
fn tied_weights_collect_both_gradients() {
    check("tied", ae(Config { tied: true, ..base() }));
}

#[test]
fn l1_and_kl_sparsity() {
    check("l1", ae(Config { l1: 0.3, ..base() }));
    check("kl", ae(Config { kl_weight: 0.5, kl_target: 0.1, ..base() }));
}

#[test]
fn k_sparse_on_its_active_set() {
    check(
        "k-sparse",
        ae(Config {
            k_sparse: 2,
            hidden: vec![5, 4],
            activation: PerLayer::Each(vec![Activation::Sigmoid, Activation::Linear]),
            ..base()
        }),
    );
}

#[test]
fn contractive_sigmoid_and_tanh() {
    check("contractive sigmoid", ae(Config { hidden: vec![4], contractive: 0.7, ..base() }));
    check(
        "contractive tanh",
        ae(Config { hidden: vec![4], contractive: 0.7, activation: PerLayer::All(Activation::Tanh), ..base() }),
    );
}

#[test]
fn variational_reparameterisation_and_kl() {
    check(
        "vae",
        ae(Config {
            variational: true,
            beta: 1.5,
            loss: Loss::CrossEntropy,
            activation: PerLayer::All(Activation::Relu),
            ..base()
        }),
    );
}

#[test]
fn classifier_heads() {
    let (enc, _) = autoencoder::<f64>(&base(), INPUT);
    let encoder = ae_playground::model::architecture::encoder(&enc, 1);
    let to_f64 = |n: Net<f32>| Net { input: n.input, ops: n.ops, params: n.params.iter().map(|&v| v as f64).collect() };
    let linear = to_f64(classifier(None, INPUT, 0, 3, 2));
    let hidden = to_f64(classifier(None, INPUT, 6, 3, 2));
    let enc32 = Net {
        input: encoder.input,
        ops: encoder.ops.clone(),
        params: encoder.params.iter().map(|&v| v as f32).collect(),
    };
    let joint = to_f64(classifier(Some(&enc32), INPUT, 0, 3, 2));
    for (name, net) in [("softmax head", linear), ("hidden + softmax head", hidden), ("encoder + head", joint)] {
        check(name, Case { net, code: None, penalties: CodePenalties::default(), task: Task::Classify });
    }
}

/// The Γ-model's joint cost (model/ladder.rs): cross-entropy of the noisy path on labelled rows and
/// the top denoiser's error against the clean path on unlabelled rows, through both paths, the
/// batch normalisations, the softmax and the denoiser's ten parameters a class (set away from
/// their starting values so that every term is live), with the noise held fixed.
#[test]
fn gamma_model_joint_cost() {
    use ae_playground::model::ladder::{GammaBatch, GammaModel, GammaNoise};
    for act in [Activation::Sigmoid, Activation::Tanh] {
        let config = Config { activation: PerLayer::All(act), ..base() };
        let (ae, code) = autoencoder::<f32>(&config, INPUT);
        let encoder = ae_playground::model::architecture::encoder(&ae, code);
        let net = classifier(Some(&encoder), INPUT, 0, 3, 2);
        let to_f64 = |v: &[f32]| v.iter().map(|&v| v as f64).collect::<Vec<_>>();
        let mut model = GammaModel::new(Net { input: net.input, ops: net.ops.clone(), params: to_f64(&net.params) });
        let s = Rng::new(8).stream(Purpose::Sample, 1);
        model.top.iter_mut().enumerate().for_each(|(i, v)| *v += 0.8 * s.uniform(i as u32) as f64 - 0.4);
        let x = to_f64(&inputs());
        let unlabelled: Vec<f64> = x.iter().rev().map(|v| 1.0 - v).chain(x.iter().take(INPUT).copied()).collect();
        let batch = GammaBatch { labelled: &x, labels: &LABELS, unlabelled: &unlabelled };
        let spreads = model.spreads(&unlabelled, B + 1);
        let noise = GammaNoise { sigma: 0.3, spreads: &spreads, stream: Rng::new(9).stream(Purpose::Corrupt, 0) };
        let (_, dnet, dtop, _) = model.gradients(&batch, &noise, 0.7);
        let eps = 1e-6;
        let mut worst = 0.0f64;
        for (part, analytic) in [(0, dnet), (1, dtop)] {
            for i in 0..analytic.len() {
                let cost = |delta: f64| {
                    let mut m = model.clone();
                    let p = if part == 0 { &mut m.net.params } else { &mut m.top };
                    p[i] += delta;
                    m.gradients(&batch, &noise, 0.7).0
                };
                let numeric = (cost(eps) - cost(-eps)) / (2.0 * eps);
                // The head's bias has no gradient (the normalisation takes the mean out): both sides
                // are then round-off, below 1e-8.
                let gap = (numeric - analytic[i]).abs();
                let error = gap / (numeric.abs() + analytic[i].abs()).max(1e-12);
                if gap > 1e-8 || numeric.abs() > 1e-6 {
                    worst = worst.max(error);
                }
                assert!(
                    gap < 1e-8 || error < 1e-4,
                    "Γ-model {act:?}: {} {i}: analytic {} vs numeric {numeric}",
                    ["net", "top"][part],
                    analytic[i]
                );
            }
        }
        println!("Γ-model {act:?}: worst relative error {worst:.1e}");
    }
}

/// Convolutional autoencoders: a convolution and its transposed twin at strides 1 and 2, on odd and
/// even map sizes, with 1 and 3 channels, kernels 1, 3 and 5, tied and untied, each through a dense
/// code and back.
#[test]
fn convolutions_and_transposed_convolutions() {
    let conv = |filters, kernel, stride| ConvLayer { filters, kernel, stride, pool: false };
    let image = |height, width, channels| Shape { height, width, channels };
    let cases = [
        ("stride 2, 6×6 grey", image(6, 6, 1), vec![conv(3, 3, 2)], false),
        ("stride 1, 5×5 grey", image(5, 5, 1), vec![conv(2, 3, 1)], false),
        ("stride 2, 5×4 colour", image(5, 4, 3), vec![conv(2, 3, 2)], false),
        ("two layers, 7×7, kernels 5 and 1", image(7, 7, 1), vec![conv(2, 5, 2), conv(3, 1, 1)], false),
        ("tied, stride 2, 6×5 colour", image(6, 5, 3), vec![conv(2, 3, 2)], true),
    ];
    for (name, shape, layers, tied) in cases {
        let config = Config { conv: layers, conv_activation: Activation::Tanh, tied, ..base() };
        check(&format!("conv {name}"), ae_on(config, shape));
    }
    // 2×2 max pooling after a convolution, and upsampling before its mirror.
    let pooled = |filters, kernel, stride| ConvLayer { filters, kernel, stride, pool: true };
    let pooling = [
        ("pooled, stride 1, 8×8 grey", image(8, 8, 1), vec![pooled(3, 3, 1)], false),
        ("pooled then stride 2, 8×8 colour, tied", image(8, 8, 3), vec![pooled(2, 3, 1), conv(3, 3, 2)], true),
    ];
    for (name, shape, layers, tied) in pooling {
        let config = Config { conv: layers, conv_activation: Activation::Tanh, tied, ..base() };
        check(&format!("conv {name}"), ae_on(config, shape));
    }
    let relu = Config { conv: vec![conv(2, 3, 2)], loss: Loss::CrossEntropy, ..base() };
    check("conv relu, cross-entropy", ae_on(relu, image(6, 6, 1)));
}
