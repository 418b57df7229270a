//! Benchmarks for the bench page (www/bench/bench.html) and `npm run bench:gemm`: the CPU matmul, the WGSL
//! matmul and whole training steps on either engine, timed with `performance.now()` (std's clock
//! panics on wasm). GPU timings wait for the GPU at the end of every timed batch (a read-back), so
//! queued work is never counted as done.

use super::{js_error, Gpu};
use crate::kernels::gpu::matmul::{GpuMatmul, Product as GpuProduct, View};
use crate::kernels::gpu::GpuContext;
use crate::model::architecture::autoencoder;
use crate::model::config::Config;
use crate::model::optim::{Optimizer, OptimizerKind};
use crate::rng::{Purpose, Rng};
use crate::train::backend::cpu::CpuBackend;
use crate::train::backend::gpu::GpuBackend;
use crate::train::engine::Engine;
use crate::train::phase::Phase;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Seconds from `performance.now()` (Node and browsers), or `Date.now()` where there is none.
fn now() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok().filter(|p| p.is_object());
    let clock = performance.and_then(|p| {
        Some((p.clone(), js_sys::Reflect::get(&p, &"now".into()).ok()?.dyn_into::<js_sys::Function>().ok()?))
    });
    match clock {
        Some((p, now)) => now.call0(&p).ok().and_then(|t| t.as_f64()).unwrap_or_else(js_sys::Date::now) / 1e3,
        None => js_sys::Date::now() / 1e3,
    }
}

/// Times the CPU matmul for the benchmark page and `npm run bench:gemm`: `size`³ for `product`
/// "ab" (A·B), "atb" (Aᵀ·B) or "abt" (A·Bᵀ), median of 5 runs of at least `min_seconds` each.
/// Returns GFLOPS. Blocks the thread for about 5⅓·`min_seconds`: call it from a Worker or Node.
#[wasm_bindgen(js_name = benchMatmul)]
pub fn bench_matmul(size: usize, product: &str, min_seconds: f64) -> Result<f64, JsError> {
    use crate::bench::{measure, Product};
    let product =
        Product::parse(product).ok_or_else(|| JsError::new(&format!("benchMatmul: unknown product {product:?}")))?;
    if !(1..=2048).contains(&size) || min_seconds <= 0.0 || min_seconds.is_nan() || min_seconds > 60.0 {
        return Err(JsError::new("benchMatmul: size must be 1..=2048 and min_seconds in (0, 60]"));
    }
    Ok(measure(product, size, min_seconds, &now).gflops)
}

/// Runs `reps` products and waits for them: seconds per product.
async fn timed(
    ctx: &GpuContext,
    kernel: &GpuMatmul,
    product: &GpuProduct,
    c: &wgpu::Buffer,
    reps: usize,
) -> crate::Result<f64> {
    let start = now();
    let mut encoder = ctx.device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        for _ in 0..reps {
            kernel.dispatch(&mut pass, product);
        }
    }
    ctx.queue.submit([encoder.finish()]);
    ctx.read_f32(c, 1).await?;
    Ok((now() - start) / reps as f64)
}

/// GFLOPS of the WGSL matmul C = A·B at n³: best of 3 batches of about `min_seconds` each.
#[wasm_bindgen(js_name = benchGpuMatmul)]
pub fn bench_gpu_matmul(gpu: &Gpu, n: usize, min_seconds: f64) -> Result<js_sys::Promise, JsError> {
    let ctx = gpu.context()?.clone();
    Ok(future_to_promise(async move {
        if !(1..=8192).contains(&n) {
            return Err(JsError::new("benchGpuMatmul: size must be 1..=8192").into());
        }
        let kernel = GpuMatmul::new(&ctx);
        let (a, b, c) = (ctx.storage("a", n * n), ctx.storage("b", n * n), ctx.storage("c", n * n));
        let product = kernel.product(&ctx, View::whole(&c), View::whole(&a), View::whole(&b), (n, n, n), false);
        timed(&ctx, &kernel, &product, &c, 1).await.map_err(js_error)?; // warm-up and shader compilation
        let once = timed(&ctx, &kernel, &product, &c, 1).await.map_err(js_error)?;
        let reps = ((min_seconds / once.max(1e-6)) as usize).clamp(1, 1000);
        let mut best = f64::MAX;
        for _ in 0..3 {
            best = best.min(timed(&ctx, &kernel, &product, &c, reps).await.map_err(js_error)?);
        }
        for buffer in [a, b, c] {
            buffer.destroy();
        }
        Ok(JsValue::from(2.0 * (n as f64).powi(3) / best / 1e9))
    }))
}

/// A 784-input autoencoder with these hidden widths, and a batch of random inputs; the error says
/// what is wrong with the widths or the batch.
fn bench_setup(hidden: Vec<usize>, batch: usize) -> Result<(Config, crate::model::net::Net<f32>, Vec<f32>), JsError> {
    bench_net(Config { hidden, batch_size: batch, ..Config::default() })
}

/// The convolutional autoencoder of F10 on 28×28 images: two stride-2 3×3 convolutions of 16 and
/// 32 filters (ReLU), a linear code of 32, the mirror image back; and a batch of random inputs.
fn bench_conv_setup(batch: usize) -> Result<(Config, crate::model::net::Net<f32>, Vec<f32>), JsError> {
    use crate::model::config::{ConvLayer, PerLayer};
    use crate::model::layers::Activation;
    let layer = |filters| ConvLayer { filters, kernel: 3, stride: 2, pool: false };
    let conv = vec![layer(16), layer(32)];
    let linear = PerLayer::All(Activation::Linear);
    bench_net(Config { conv, hidden: vec![32], activation: linear, batch_size: batch, ..Config::default() })
}

fn bench_net(c: Config) -> Result<(Config, crate::model::net::Net<f32>, Vec<f32>), JsError> {
    let batch = c.batch_size;
    c.validate().map_err(js_error)?;
    c.validate_conv(true, (28, 28, 1)).map_err(js_error)?;
    let shape = crate::model::architecture::Shape { height: 28, width: 28, channels: 1 };
    let (net, _) = autoencoder::<f32>(&c, shape);
    let s = Rng::new(1).stream(Purpose::Sample, 0);
    let x = (0..(batch * 784) as u32).map(|i| s.uniform(i)).collect();
    Ok((c, net, x))
}

/// Training samples per second on the CPU engine (forward, backward, Adam), for about `seconds`.
#[wasm_bindgen(js_name = benchTrainingCpu)]
pub fn bench_training_cpu(hidden: Vec<usize>, batch: usize, seconds: f64) -> Result<f64, JsError> {
    cpu_samples_per_second(bench_setup(hidden, batch)?, seconds)
}

/// The conv AE's CPU step launch by launch: milliseconds of each launch in program order, the
/// median over `steps` steps (a profile for the bench page's console).
#[wasm_bindgen(js_name = profileConvStepCpu)]
pub fn profile_conv_step_cpu(steps: usize) -> Result<Vec<f64>, JsError> {
    let (c, net, x) = bench_conv_setup(64)?;
    let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 1e-3, 0.9, 0.0);
    let mut engine = Engine::new(CpuBackend::<f32>::new(), &Phase::reconstruction(net, 0, &c, Vec::new()), &optimizer)
        .map_err(js_error)?;
    let runs: Vec<Vec<f64>> =
        (0..steps.max(1)).map(|_| engine.step_timed(&x, &now)).collect::<crate::Result<_>>().map_err(js_error)?;
    Ok((0..runs[0].len())
        .map(|i| {
            let mut t: Vec<f64> = runs.iter().map(|r| r[i] * 1e3).collect();
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect())
}

/// As `benchTrainingCpu`, for the convolutional autoencoder of F10.
#[wasm_bindgen(js_name = benchConvTrainingCpu)]
pub fn bench_conv_training_cpu(batch: usize, seconds: f64) -> Result<f64, JsError> {
    cpu_samples_per_second(bench_conv_setup(batch)?, seconds)
}

fn cpu_samples_per_second(
    (c, net, x): (Config, crate::model::net::Net<f32>, Vec<f32>),
    seconds: f64,
) -> Result<f64, JsError> {
    let batch = c.batch_size;
    let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 1e-3, 0.9, 0.0);
    let phase = Phase::reconstruction(net, 0, &c, Vec::new());
    let mut engine = Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).map_err(js_error)?;
    let (start, mut steps) = (now(), 0);
    while steps < 2 || now() - start < seconds {
        engine.step(&x, &[], None, None).map_err(js_error)?;
        steps += 1;
    }
    Ok((steps * batch) as f64 / (now() - start))
}

/// Training samples per second on the GPU engine for about `seconds`, the steps queued and the loss
/// read back every 8 steps, as the page's worker reads it (a step waited for one by one measures the
/// browser's read-back latency instead: on an H100 in Chromium, about 4 ms a step).
#[wasm_bindgen(js_name = benchTrainingGpu)]
pub fn bench_training_gpu(
    gpu: &Gpu,
    hidden: Vec<usize>,
    batch: usize,
    seconds: f64,
) -> Result<js_sys::Promise, JsError> {
    gpu_samples_per_second(gpu, bench_setup(hidden, batch)?, seconds)
}

/// As `benchTrainingGpu`, for the convolutional autoencoder of F10.
#[wasm_bindgen(js_name = benchConvTrainingGpu)]
pub fn bench_conv_training_gpu(gpu: &Gpu, batch: usize, seconds: f64) -> Result<js_sys::Promise, JsError> {
    gpu_samples_per_second(gpu, bench_conv_setup(batch)?, seconds)
}

fn gpu_samples_per_second(
    gpu: &Gpu,
    (c, net, x): (Config, crate::model::net::Net<f32>, Vec<f32>),
    seconds: f64,
) -> Result<js_sys::Promise, JsError> {
    let ctx = gpu.context()?.clone();
    let batch = c.batch_size;
    Ok(future_to_promise(async move {
        let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 1e-3, 0.9, 0.0);
        let mut trainer =
            Engine::new(GpuBackend::new(&ctx), &Phase::reconstruction(net, 0, &c, Vec::new()), &optimizer)
                .map_err(js_error)?;
        trainer.step(&x, &[], None, None).map_err(js_error)?;
        trainer.loss().await.map_err(js_error)?; // warm-up and shader compilation
        let (start, mut steps) = (now(), 0);
        while steps < 8 || now() - start < seconds {
            for _ in 0..8 {
                trainer.step(&x, &[], None, None).map_err(js_error)?;
            }
            trainer.loss().await.map_err(js_error)?;
            steps += 8;
        }
        Ok(JsValue::from((steps * batch) as f64 / (now() - start)))
    }))
}
