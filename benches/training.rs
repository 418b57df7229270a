//! Training throughput, CPU engine against the GPU engine, for the default net (784-32-784, batch 64),
//! the deep net (784-1000-500-250-30, batch 256) and the convolutional autoencoder of F10 (3×3
//! stride-2 convolutions of 16 and 32 filters, code 32, batch 64): samples per second over whole
//! training steps.
//! Run with `cargo bench --bench training`; the GPU side uses whatever Vulkan adapter wgpu finds
//! (a software one says nothing about speed, and the table says which it was).

use ae_playground::kernels::gpu::GpuContext;
use ae_playground::model::architecture::{autoencoder, Shape};
use ae_playground::model::config::{Config, ConvLayer, PerLayer};
use ae_playground::model::layers::Activation;
use ae_playground::model::optim::{Optimizer, OptimizerKind};
use ae_playground::rng::{Purpose, Rng};
use ae_playground::train::backend::cpu::CpuBackend;
use ae_playground::train::backend::gpu::GpuBackend;
use ae_playground::train::backend::Backend;
use ae_playground::train::engine::Engine;
use ae_playground::train::phase::Phase;
use std::time::Instant;

const MIN_SECONDS: f64 = 2.0;
/// Steps between loss read-backs on the GPU, as the page's worker reads them (trainOn, 8 at most).
const REPORT: usize = 8;

/// Runs `step` until MIN_SECONDS have passed (after two warm-up steps); returns steps per second.
fn rate(mut step: impl FnMut()) -> f64 {
    step();
    step();
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed().as_secs_f64() < MIN_SECONDS {
        step();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Steps per second of an engine (the same code on both backends), the loss read back every
/// `report` steps: REPORT as the page trains (queued work is never mistaken for done work), or 1 for
/// the read-back latency.
fn steps_per_second<B: Backend>(engine: &mut Engine<B>, x: &[f32], report: usize) -> f64 {
    rate(|| {
        for _ in 0..report {
            engine.step(x, &[], None, None).unwrap();
        }
        pollster::block_on(engine.loss()).unwrap();
    }) * report as f64
}

fn main() {
    let gpu = pollster::block_on(GpuContext::new());
    println!(
        "Training throughput, {} ({} threads available); GPU: {}\n",
        std::env::consts::ARCH,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        gpu.as_ref().map_or_else(|e| format!("none ({e})"), |g| g.adapter.clone())
    );
    println!("| net | batch | CPU samples/s | GPU samples/s | GPU, each step waited for |\n|---|---|---|---|---|");
    let layer = |filters| ConvLayer { filters, kernel: 3, stride: 2, pool: false };
    let nets = [
        ("784-32-…".to_string(), Config { hidden: vec![32], ..Config::default() }, 64),
        ("784-1000-500-250-30-…".to_string(), Config { hidden: vec![1000, 500, 250, 30], ..Config::default() }, 256),
        (
            "conv 16-32 (3×3, stride 2), code 32, mirrored".to_string(),
            Config {
                conv: vec![layer(16), layer(32)],
                hidden: vec![32],
                activation: PerLayer::All(Activation::Linear),
                ..Config::default()
            },
            64,
        ),
    ];
    for (name, c, b) in nets {
        let (net, _) = autoencoder::<f32>(&c, Shape { height: 28, width: 28, channels: 1 });
        let s = Rng::new(1).stream(Purpose::Sample, 0);
        let x: Vec<f32> = (0..(b * 784) as u32).map(|i| s.uniform(i)).collect();
        let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 1e-3, 0.9, 0.0);
        let phase = Phase::reconstruction(net, 0, &Config { batch_size: b, ..c.clone() }, vec![]);
        let gpu_rate = gpu.as_ref().ok().map(|ctx| {
            let mut engine = Engine::new(GpuBackend::new(ctx), &phase, &optimizer).unwrap();
            (steps_per_second(&mut engine, &x, REPORT), steps_per_second(&mut engine, &x, 1))
        });
        let mut cpu = Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap();
        let cpu_rate = steps_per_second(&mut cpu, &x, REPORT);
        let samples = |rate: Option<f64>| rate.map_or("–".into(), |r| format!("{:.0}", r * b as f64));
        let (queued, waited) = (samples(gpu_rate.map(|r| r.0)), samples(gpu_rate.map(|r| r.1)));
        println!("| {name} | {b} | {:.0} | {queued} | {waited} |", cpu_rate * b as f64);
    }
}
