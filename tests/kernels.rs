//! Every GPU kernel beside its CPU twin: each op of the backend interface recorded alone on the
//! plain-loop reference backend and on WebGPU (lavapipe in CI), on random inputs at shapes off every
//! workgroup edge (37 rows of 300: no multiple of 4, 8, 16, 64 or 256), and each buffer it writes
//! compared within 1e-4 relative (the GPU's tanh, exp and log differ from the CPU's by up to about
//! 4e-5, and sums come in another order). A test names the WGSL entry points it runs
//! (elementwise.wgsl) and the function they mirror, so that a failure names the kernel rather than a
//! training configuration. The matmul kernels have theirs in gpu_matmul.rs.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ae_playground::kernels::matmul::Operand;
use ae_playground::model::conv::{Geometry, Pooling};
use ae_playground::model::corrupt::Noise;
use ae_playground::model::layers::{Activation, Loss, WeightLayout};
use ae_playground::model::net::Dense;
use ae_playground::model::optim::{Optimizer, OptimizerKind};
use ae_playground::model::rbm;
use ae_playground::rng::{Purpose, Rng};
use ae_playground::train::backend::cpu::CpuBackend;
use ae_playground::train::backend::gpu::GpuBackend;
use ae_playground::train::backend::{Backend, Convolutions, Program, StepValues, View, LOSS_SUM_SPAN};
use pollster::block_on;

const B: usize = 37;
const W: usize = 300;
const ACTIVATIONS: [Activation; 5] =
    [Activation::Sigmoid, Activation::Tanh, Activation::Relu, Activation::LeakyRelu, Activation::Linear];

/// `n` values drawn uniformly from lo..hi (stream `seed`).
fn random(n: usize, seed: u32, lo: f32, hi: f32) -> Vec<f32> {
    let s = Rng::new(77).stream(Purpose::Sample, seed);
    (0..n as u32).map(|i| lo + (hi - lo) * s.uniform(i)).collect()
}

/// The buffers after one op on `backend`: `inputs` uploaded, the op recorded, then run once.
fn after<Bk: Backend>(
    backend: &Bk,
    inputs: &[Vec<f32>],
    step: StepValues,
    record: impl FnOnce(&Bk, &mut Program<Bk>, &[Bk::Buffer]) -> ae_playground::Result<()>,
) -> Vec<Vec<f32>> {
    let buffers: Vec<_> = inputs.iter().map(|v| backend.upload("an input", v).unwrap()).collect();
    let mut program = Vec::new();
    record(backend, &mut program, &buffers).unwrap();
    let unused = backend.zeros("nothing to zero", 1).unwrap();
    backend.run(&unused, &[&program], step).unwrap();
    buffers.iter().zip(inputs).map(|(b, v)| block_on(backend.read(b, v.len())).unwrap()).collect()
}

/// Largest |gpu − cpu| / (|cpu| + floor), the floor a small share of the largest |cpu|.
fn worst(gpu: &[f32], cpu: &[f32]) -> f32 {
    let floor = 1e-3 * cpu.iter().fold(1e-30f32, |m, v| m.max(v.abs()));
    gpu.iter().zip(cpu).map(|(g, c)| (g - c).abs() / (c.abs() + floor)).fold(0.0, f32::max)
}

/// Runs one op on both backends and compares the buffers at `outputs`: `$record` is written once and
/// expanded for each backend (`|backend, program, buffers| …`). Returns the GPU's buffers.
macro_rules! parity {
    ($name:expr, $inputs:expr, $step:expr, $outputs:expr, |$b:ident, $p:ident, $x:ident| $record:expr) => {{
        let inputs: Vec<Vec<f32>> = $inputs;
        let cpu = after(&CpuBackend::<f32>::new(), &inputs, $step, |$b, $p, $x| $record);
        let gpu = common::gpu().map(|ctx| after(&GpuBackend::new(&ctx), &inputs, $step, |$b, $p, $x| $record));
        if let Some(gpu) = &gpu {
            for &i in $outputs.iter() {
                let w = worst(&gpu[i], &cpu[i]);
                println!("{}: buffer {i}, worst relative difference {w:.1e}", $name);
                assert!(w < 1e-4, "{}: buffer {i} differs by {w}", $name);
            }
        }
        (cpu, gpu)
    }};
}

fn dense(inputs: usize, outputs: usize, activation: Activation) -> Dense {
    Dense { inputs, outputs, weight: 3, layout: WeightLayout::Own, bias: 3 + inputs * outputs, activation }
}

#[test]
fn bias_activation_mirrors_add_bias_and_activation_forward() {
    // bias_activation; layers::add_bias then Activation::forward.
    for act in ACTIVATIONS {
        let d = dense(5, W, act);
        let inputs = vec![random(B * W, 1, -3.0, 3.0), random(B * W, 2, -1.0, 1.0), random(d.bias + W, 3, -1.0, 1.0)];
        parity!(format!("bias_activation {act:?}"), inputs, StepValues::default(), [0, 1], |b, p, x| {
            b.bias_activation(p, &x[0], &x[1], &x[2], d.bias_activation(), B)
        });
    }
}

#[test]
fn activation_backward_mirrors_activation_backward() {
    // activation_backward; Activation::backward (the slope written in y).
    for act in ACTIVATIONS {
        let mut y = random(B * W, 4, -2.0, 2.0);
        act.forward(&mut y);
        let inputs = vec![random(B * W, 5, -1.0, 1.0), y];
        parity!(format!("activation_backward {act:?}"), inputs, StepValues::default(), [0], |b, p, x| {
            b.activation_backward(p, &x[0], &x[1], act, B * W)
        });
    }
}

#[test]
fn column_sum_mirrors_bias_backward() {
    // column_sum; layers::bias_backward, into a view 7 values into the buffer.
    let inputs = vec![random(7 + W + 3, 6, -1.0, 1.0), random(B * W, 7, -1.0, 1.0)];
    parity!("column_sum", inputs, StepValues::default(), [0], |b, p, x| {
        b.column_sum(p, View::at(&x[0], 7, Operand::Plain), &x[1], B, W)
    });
}

#[test]
fn activation_and_bias_backward_mirrors_activation_backward_then_bias_backward() {
    // activation_bias_backward (one column an invocation); Activation::backward, then
    // layers::bias_backward into a view 7 values into the buffer.
    for act in ACTIVATIONS {
        let mut y = random(B * W, 4, -2.0, 2.0);
        act.forward(&mut y);
        let inputs = vec![random(7 + W + 3, 6, -1.0, 1.0), random(B * W, 5, -1.0, 1.0), y];
        parity!(format!("activation_and_bias_backward {act:?}"), inputs, StepValues::default(), [0, 1], |b, p, x| {
            b.activation_and_bias_backward(p, &x[1], &x[2], act, View::at(&x[0], 7, Operand::Plain), B, W)
        });
    }
}

#[test]
fn loss_sums_and_gradients_mirror_loss_forward_and_backward() {
    // loss (sums per workgroup of LOSS_SUM_SPAN and the gradient, in one pass); layers::loss_forward,
    // loss_backward.
    let sums = (B * W).div_ceil(LOSS_SUM_SPAN);
    for loss in [Loss::SquaredError, Loss::CrossEntropy] {
        let z = random(B * W, 8, -4.0, 4.0);
        let mut y = z.clone();
        Activation::Sigmoid.forward(&mut y);
        let inputs = vec![vec![0.0; sums], vec![0.0; B * W], y, z, random(B * W, 9, 0.0, 1.0)];
        let (cpu, gpu) =
            parity!(format!("reconstruction_loss {loss:?}"), inputs, StepValues::default(), [1], |b, p, x| {
                b.reconstruction_loss(p, &x[0], &x[1], &x[2], &x[3], &x[4], loss, B, W)
            });
        if let Some(gpu) = gpu {
            // The partial sums may split differently; their totals are the loss.
            let total = |s: &[f32]| s.iter().map(|&v| v as f64).sum::<f64>();
            let (g, c) = (total(&gpu[0]), total(&cpu[0]));
            assert!(((g - c) / c).abs() < 1e-5, "loss_sum {loss:?}: {g} vs {c}");
        }
    }
}

#[test]
fn softmax_cross_entropy_mirrors_its_twin() {
    // softmax_xent; layers::softmax_cross_entropy (per-row losses, gradient).
    let classes = 10;
    let labels: Vec<f32> = random(B, 10, 0.0, classes as f32).iter().map(|v| v.floor()).collect();
    let inputs = vec![vec![0.0; B], vec![0.0; B * classes], random(B * classes, 11, -5.0, 5.0), labels];
    let (cpu, gpu) = parity!("softmax_cross_entropy", inputs, StepValues::default(), [1], |b, p, x| {
        b.softmax_cross_entropy(p, &x[0], &x[1], &x[2], &x[3], B, classes)
    });
    if let Some(gpu) = gpu {
        let total = |s: &[f32]| s.iter().map(|&v| v as f64).sum::<f64>();
        assert!(((total(&gpu[0]) - total(&cpu[0])) / total(&cpu[0])).abs() < 1e-5, "the losses' total");
    }
}

#[test]
fn k_sparse_forward_and_backward_mirror_theirs() {
    // k_sparse_forward, k_sparse_backward; penalties::k_sparse_forward, k_sparse_backward.
    let (width, k) = (45, 6);
    let inputs = vec![vec![0.0; B * width], random(B * width, 12, -1.0, 1.0), vec![0.0; B * width]];
    let (_, gpu) = parity!("k_sparse_forward", inputs.clone(), StepValues::default(), [0], |b, p, x| {
        b.k_sparse_forward(p, &x[0], &x[1], &x[2], B, width, k)
    });
    let mask = gpu.map_or_else(|| vec![0.0; B * width], |g| g[2].clone()); // the GPU's forward keeps a mask
    let inputs = vec![vec![0.0; B * width], random(B * width, 13, -1.0, 1.0), inputs[1].clone(), mask];
    parity!("k_sparse_backward", inputs, StepValues::default(), [0], |b, p, x| {
        b.k_sparse_backward(p, &x[0], &x[1], &x[2], &x[3], B, width, k)
    });
}

#[test]
fn reparameterization_mirrors_its_forward_and_backward_with_the_kl() {
    // reparam_forward, reparam_backward; penalties::reparameterize_forward, reparameterize_backward + vae_kl.
    let code = 33;
    let heads = random(B * 2 * code, 14, -2.0, 2.0);
    let eps = random(B * code, 15, -2.0, 2.0);
    parity!(
        "reparameterize_forward",
        vec![vec![0.0; B * code], heads.clone(), eps.clone()],
        StepValues::default(),
        [0],
        |b, p, x| { b.reparameterize_forward(p, &x[0], &x[1], &x[2], B, code) }
    );
    let inputs = vec![vec![0.0; B * 2 * code], random(B * code, 16, -1.0, 1.0), heads, eps];
    parity!("reparameterize_backward", inputs, StepValues::default(), [0], |b, p, x| {
        b.reparameterize_backward(p, &x[0], &x[1], &x[2], &x[3], 1.5, B, code)
    });
}

#[test]
fn l1_and_kl_sparsity_gradients_mirror_theirs() {
    // l1_gradient; penalties::l1. column_mean then kl_gradient; penalties::mean_activation, kl_sparsity.
    let inputs = vec![random(B * W, 17, -1.0, 1.0), random(B * W, 18, -1.0, 1.0)];
    parity!("l1", inputs, StepValues::default(), [0], |b, p, x| b.l1(p, &x[0], &x[1], 0.3, B, W));
    let h = random(B * W, 19, 0.01, 0.99);
    let inputs = vec![random(B * W, 20, -1.0, 1.0), h.clone(), vec![0.0; W]];
    let (_, gpu) = parity!("kl_sparsity", inputs, StepValues::default(), [0], |b, p, x| {
        b.kl_sparsity(p, &x[0], &x[1], &x[2], 0.1, 0.7, B, W)
    });
    if let Some(gpu) = gpu {
        let mean = ae_playground::model::penalties::mean_activation(&h, B, W);
        let w = worst(&gpu[2], &mean);
        println!("column_mean: worst relative difference {w:.1e}");
        assert!(w < 1e-5, "column_mean differs by {w}");
    }
}

#[test]
fn contractive_gradients_mirror_the_contractive_penalty() {
    // contractive_sums, contractive_dz, contractive_dw; penalties::contractive.
    for act in [Activation::Sigmoid, Activation::Tanh] {
        let d = dense(40, 33, act);
        let mut h = random(B * d.outputs, 21, -2.0, 2.0);
        act.forward(&mut h);
        let params = random(d.bias + d.outputs, 22, -0.5, 0.5);
        let inputs = vec![
            random(B * d.outputs, 23, -1.0, 1.0),
            random(params.len(), 24, -1.0, 1.0),
            params.clone(),
            h.clone(),
            vec![0.0; d.outputs],
            vec![0.0; d.outputs],
        ];
        let (_, gpu) = parity!(format!("contractive {act:?}"), inputs, StepValues::default(), [0, 1], |b, p, x| {
            b.contractive(p, &x[0], &x[1], &x[2], &x[3], [&x[4], &x[5]], &d, 0.4, B)
        });
        if let Some(gpu) = gpu {
            // contractive_sums alone: S_j = Σ_i W_ij², G_j = Σ_rows f'(z_rj)².
            let w = &params[d.weight_range()];
            let s: Vec<f32> =
                (0..d.outputs).map(|j| (0..d.inputs).map(|i| w[i * d.outputs + j].powi(2)).sum()).collect();
            let g: Vec<f32> =
                (0..d.outputs).map(|j| (0..B).map(|r| act.slope(h[r * d.outputs + j]).powi(2)).sum()).collect();
            let (ws, wg) = (worst(&gpu[4], &s), worst(&gpu[5], &g));
            println!("contractive_sums {act:?}: S {ws:.1e}, G {wg:.1e}");
            assert!(ws < 1e-5 && wg < 1e-5, "contractive_sums {act:?}: S {ws}, G {wg}");
        }
    }
}

#[test]
fn corruption_draws_the_same_noise_as_noise_apply() {
    // corrupt; Noise::apply, from the step's stream (pcg_hash, the uniform and normal draws).
    let noise = Noise { masking: 0.3, salt_pepper: 0.1, gaussian: 0.2 };
    let step = StepValues { corrupt: Some(Rng::new(3).stream(Purpose::Corrupt, 9)), ..StepValues::default() };
    let inputs = vec![vec![0.0; B * W], random(B * W, 25, 0.0, 1.0)];
    let (cpu, gpu) = parity!("corrupt", inputs.clone(), step, [0], |b, p, x| b.corrupt(p, &x[0], &x[1], noise, B * W));
    let changed = cpu[0].iter().zip(&inputs[1]).filter(|(a, b)| a != b).count();
    assert!(changed > B * W / 2, "the noise changed {changed} of {} values", B * W);
    if let Some(gpu) = gpu {
        let zeroed = |x: &[f32]| x.iter().map(|&v| v == 0.0).collect::<Vec<_>>();
        assert_eq!(zeroed(&gpu[0]), zeroed(&cpu[0]), "the same values masked");
    }
    // No stream: the clean batch, unchanged.
    let (cpu, _) = parity!("corrupt without a stream", inputs.clone(), StepValues::default(), [0], |b, p, x| {
        b.corrupt(p, &x[0], &x[1], noise, B * W)
    });
    assert_eq!(cpu[0], inputs[1]);
}

#[test]
fn the_optimizers_mirror_optimizer_apply() {
    // adam, sgd; Optimizer::apply (weight decay, momentum, Adam's bias correction at t = 3).
    let n = 1000;
    for kind in [OptimizerKind::Adam, OptimizerKind::Sgd] {
        let o = Optimizer::new(kind, n, 0.01, 0.9, 0.05);
        let inputs = vec![
            random(n, 26, -1.0, 1.0),
            random(n, 27, -1.0, 1.0),
            random(n, 28, -0.1, 0.1),
            random(n, 29, 0.0, 0.01),
        ];
        // The step's rate (a schedule's), not the recorded optimizer's, moves the weights.
        let step = StepValues { t: 3, learning_rate: 0.004, ..StepValues::default() };
        let outputs: &[usize] = if kind == OptimizerKind::Adam { &[0, 2, 3] } else { &[0, 2] };
        let (cpu, _) = parity!(format!("optimizer_update {kind:?}"), inputs.clone(), step, outputs, |b, p, x| {
            b.optimizer_update(p, &x[0], &x[1], &x[2], &x[3], &o, n)
        });
        let (mut params, mut m, mut v) = (inputs[0].clone(), inputs[2].clone(), inputs[3].clone());
        Optimizer { learning_rate: 0.004, ..o.clone() }.apply(3, &mut params, &inputs[1], &mut m, &mut v);
        let off = worst(&cpu[0], &params);
        // Within rounding (the loops vectorise differently); the recorded rate, 0.01, would be 1e-3 off.
        assert!(off < 1e-4, "{kind:?} steps at the step's rate: {off:e} off");
    }
}

#[test]
fn rbm_sampling_draws_the_same_units_as_rbm_sample() {
    // sample_units; rbm::sample: binary units where u < mean, Gaussian ones mean + N(0, 1), from
    // substream `draw` of the step's sample stream.
    let stream = Rng::new(4).stream(Purpose::Sample, 11);
    let step = StepValues { sample: Some(stream), ..StepValues::default() };
    for (act, lo, hi) in [(Activation::Sigmoid, 0.0, 1.0), (Activation::Linear, -2.0, 2.0)] {
        let inputs = vec![vec![0.0; B * W], random(B * W, 30, lo, hi)];
        let (cpu, gpu) = parity!(format!("sample_units {act:?}"), inputs.clone(), step, [0], |b, p, x| {
            b.sample_units(p, &x[0], &x[1], act, 3, B * W)
        });
        let mut expected = inputs[1].clone();
        rbm::sample(&mut expected, act, stream.substream(3));
        assert_eq!(cpu[0], expected, "{act:?}: the CPU draws rbm::sample's numbers");
        if act == Activation::Sigmoid {
            let ones = cpu[0].iter().filter(|&&v| v == 1.0).count() as f64 / (B * W) as f64;
            assert!((ones - 0.5).abs() < 0.02, "a mean of 0.5 on average gives half ones, not {ones}");
            if let Some(gpu) = gpu {
                assert_eq!(gpu[0], cpu[0], "the same binary units on the GPU");
            }
        }
    }
    // No stream: the means pass unchanged.
    let inputs = vec![vec![0.0; B * W], random(B * W, 31, 0.0, 1.0)];
    let (cpu, _) = parity!("sample_units without a stream", inputs.clone(), StepValues::default(), [0], |b, p, x| {
        b.sample_units(p, &x[0], &x[1], Activation::Sigmoid, 0, B * W)
    });
    assert_eq!(cpu[0], inputs[1]);
}

#[test]
fn scaled_copy_mirrors_its_loop() {
    // scaled_copy: out[offset + i] = scale · inp[i], the rest of out untouched.
    let n = B * W;
    let inputs = vec![random(2 * n, 32, -1.0, 1.0), random(n, 33, -1.0, 1.0)];
    let (cpu, _) = parity!("scaled_copy", inputs.clone(), StepValues::default(), [0], |b, p, x| {
        b.scaled_copy(p, View::at(&x[0], n, Operand::Plain), &x[1], -0.25, n)
    });
    assert_eq!(cpu[0][..n], inputs[0][..n]);
    assert!(cpu[0][n..].iter().zip(&inputs[1]).all(|(&y, &x)| y == -0.25 * x));
}

#[test]
fn im2col_and_col2im_mirror_theirs() {
    // im2col and col2im (conv.wgsl); conv::im2col and conv::col2im. Odd sizes, three channels,
    // strides 1 and 2, kernels 1, 3 and 5; 37 samples.
    for (height, width, channels, kernel, stride) in [(9, 7, 3, 3, 2), (8, 8, 1, 5, 1), (5, 6, 2, 1, 2)] {
        let g = Geometry { height, width, channels, kernel, stride, filters: 4 };
        let (large, cols) = (B * g.large(), B * g.positions() * g.patch());
        let name = format!("{height}×{width}×{channels}, kernel {kernel}, stride {stride}");
        let inputs = vec![vec![0.0; cols], random(large, 21, -1.0, 1.0)];
        parity!(format!("im2col {name}"), inputs, StepValues::default(), [0], |b, p, x| {
            b.im2col(p, &x[0], &x[1], &g, B)
        });
        let inputs = vec![random(cols, 22, -1.0, 1.0), vec![0.0; large]];
        parity!(format!("col2im {name}"), inputs, StepValues::default(), [1], |b, p, x| {
            b.col2im(p, &x[1], &x[0], &g, B)
        });
    }
}

#[test]
fn pooling_and_upsampling_mirror_theirs() {
    // max_pool, max_pool_backward, upsample, upsample_backward (conv.wgsl); their twins in conv.rs.
    // A 10×6 map of 3 channels, 37 samples.
    let pool = Pooling { height: 10, width: 6, channels: 3 };
    let (large, small) = (B * pool.large(), B * pool.small());
    let inputs = vec![vec![0.0; small], vec![0.0; small], random(large, 23, -1.0, 1.0)];
    let (cpu, _) = parity!("max_pool", inputs, StepValues::default(), [0, 1], |b, p, x| {
        b.max_pool(p, &x[0], &x[1], &x[2], &pool, B)
    });
    let inputs = vec![vec![0.0; large], random(small, 24, -1.0, 1.0), cpu[1].clone()];
    parity!("max_pool_backward", inputs, StepValues::default(), [0], |b, p, x| {
        b.max_pool_backward(p, &x[0], &x[1], &x[2], &pool, B)
    });
    let inputs = vec![vec![0.0; large], random(small, 25, -1.0, 1.0)];
    parity!("upsample", inputs, StepValues::default(), [0], |b, p, x| b.upsample(p, &x[0], &x[1], &pool, B));
    let inputs = vec![vec![0.0; small], random(large, 26, -1.0, 1.0)];
    parity!("upsample_backward", inputs, StepValues::default(), [0], |b, p, x| {
        b.upsample_backward(p, &x[0], &x[1], &pool, B)
    });
}
