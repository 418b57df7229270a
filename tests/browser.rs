//! Browser tests (wasm-bindgen-test in headless Chromium): the WGSL matmul against the CPU reference
//! on the browser's WebGPU adapter, and the exported API round-tripping settings and a training step.
#![cfg(target_arch = "wasm32")]

use ae_playground::data::{pack, Dataset};
use ae_playground::kernels::gpu::matmul::{GpuMatmul, Tiles};
use ae_playground::kernels::gpu::GpuContext;
use ae_playground::kernels::matmul::{matmul_reference, Operand};
use ae_playground::rng::{Purpose, Rng};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn random(len: usize, counter: u32) -> Vec<f32> {
    let s = Rng::new(9).stream(Purpose::Sample, counter);
    (0..len as u32).map(|i| s.uniform(i) * 2.0 - 1.0).collect()
}

#[wasm_bindgen_test]
async fn webgpu_matmul_matches_cpu_reference() {
    let ctx = GpuContext::new().await.unwrap_or_else(|why| panic!("WebGPU is required here: {why}"));
    console_log!("WebGPU adapter: {}", ctx.adapter);
    let kernel = GpuMatmul::new(&ctx);
    let shapes = [(64, 64, 64), (37, 53, 29), (130, 17, 65), (256, 784, 32), (300, 50, 260), (260, 48, 132)];
    for (tiles, (m, k, n)) in Tiles::ALL.into_iter().flat_map(|t| shapes.map(|s| (t, s))) {
        if tiles == Tiles::LargeVectors && [m, k, n].iter().any(|x| x % 4 != 0) {
            continue; // the vector kernel takes shapes that are multiples of 4
        }
        let (a, b) = (random(m * k, 1), random(k * n, 2));
        let gpu = kernel.run(tiles, &ctx, &a, Operand::Plain, &b, Operand::Plain, m, k, n).await.unwrap();
        let mut cpu = vec![0.0; m * n];
        matmul_reference(&mut cpu, &a, Operand::Plain, &b, Operand::Plain, m, k, n, false);
        let worst = gpu.iter().zip(&cpu).map(|(g, c)| (g - c).abs() / (1.0 + c.abs())).fold(0.0f32, f32::max);
        console_log!("{tiles:?} {m}×{k}·{k}×{n}: worst relative difference {worst:.2e}");
        assert!(worst < 1e-4, "{tiles:?} {m}×{k}×{n}: WebGPU and CPU differ by {worst}");
    }
}

/// 40 random 4×4 "images", 30 train and 10 test.
fn tiny_pack() -> ae_playground::wasm_api::Data {
    let s = Rng::new(2).stream(Purpose::Sample, 0);
    let bytes = (0..40 * 16).map(|i| (s.uniform(i) * 255.0) as u8).collect();
    let data = Dataset {
        name: "tiny".into(),
        height: 4,
        width: 4,
        bytes,
        scale: 1.0 / 255.0,
        labels: vec![],
        classes: 0,
        n_train: 30,
        ..Dataset::default()
    };
    ae_playground::wasm_api::Data::from_packed(&pack::encode(&data)).unwrap()
}

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
async fn exported_api_round_trips_settings_and_trains() {
    use ae_playground::wasm_api::Playground;
    let mut pg = Playground::new(js(r#"{"hidden": [3], "batchSize": 8, "seed": 5}"#), &tiny_pack()).unwrap();
    let json = |v: &JsValue| js_sys::JSON::stringify(v).unwrap().as_string().unwrap();
    let back = json(&pg.config().unwrap());
    for field in
        [r#""hidden":[3]"#, r#""batchSize":8"#, r#""seed":5"#, r#""learningRate":0.003,"#, r#""activation":"sigmoid""#]
    {
        assert!(back.contains(field), "{field} missing from {back}");
    }
    let again = Playground::new(pg.config().unwrap(), &tiny_pack()).unwrap();
    assert_eq!(json(&again.config().unwrap()), back, "settings must round-trip unchanged");
    let before = pg.test_loss();
    let trained = pg.train(1).await.unwrap();
    let loss = js_sys::Reflect::get(&trained, &"loss".into()).unwrap().as_f64().unwrap();
    assert!(loss.is_finite() && pg.step() == 1.0, "one step: loss {loss}, step {}", pg.step());
    pg.train(200).await.unwrap();
    assert!(pg.test_loss() < before, "test loss {before} → {}", pg.test_loss());
    let rec = pg.reconstruct(&[0, 9]).unwrap();
    assert_eq!(rec.len(), 2 * 2 * 16);
    assert!(rec.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[wasm_bindgen_test]
fn exported_api_refuses_bad_input_with_messages() {
    use ae_playground::wasm_api::Playground;
    let text = |e: wasm_bindgen::JsError| {
        js_sys::Reflect::get(&JsValue::from(e), &"message".into()).unwrap().as_string().unwrap()
    };
    let message = |r: Result<Playground, wasm_bindgen::JsError>| text(r.err().expect("refused"));
    assert!(message(Playground::new(js(r#"{"hidden": [0]}"#), &tiny_pack())).contains("width 0"));
    let misspelt = message(Playground::new(js(r#"{"hiden": [3]}"#), &tiny_pack()));
    assert_eq!(misspelt, "settings: hiden is not known here (did you mean hidden?)");
    let negative = message(Playground::new(js(r#"{"batchSize": -64}"#), &tiny_pack()));
    assert_eq!(negative, "settings: batchSize: -64 is not a whole number ≥ 0");
    let nonsense = ae_playground::wasm_api::Data::from_packed(b"nonsense").err().expect("refused");
    assert!(text(nonsense).contains("not a packed dataset"));
    let pg = Playground::new(js(r#"{"batchSize": 8}"#), &tiny_pack()).unwrap();
    let err = JsValue::from(pg.reconstruct(&[10]).unwrap_err());
    assert!(js_sys::Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap().contains("does not exist"));
}

/// One training step on an engine, the same code for both backends: its loss and the parameters
/// after its update.
async fn step_on<B: ae_playground::train::backend::Backend>(
    engine: &mut ae_playground::train::engine::Engine<B>,
    x: &[f32],
) -> (f32, Vec<f32>) {
    engine.step(x, &[], None, None).unwrap();
    (engine.loss().await.unwrap(), engine.params().await.unwrap())
}

#[wasm_bindgen_test]
async fn webgpu_training_step_matches_the_cpu() {
    use ae_playground::model::architecture::{autoencoder, Shape};
    use ae_playground::model::config::{Config, ConvLayer};
    use ae_playground::model::optim::{Optimizer, OptimizerKind};
    use ae_playground::train::backend::cpu::CpuBackend;
    use ae_playground::train::backend::gpu::GpuBackend;
    use ae_playground::train::engine::Engine;
    use ae_playground::train::phase::Phase;
    let ctx = GpuContext::new().await.unwrap_or_else(|why| panic!("WebGPU is required here: {why}"));
    let (b, dim) = (32, 64);
    // A dense net, and a convolutional one on 8×8 images (the im2col and col2im kernels in the browser).
    let dense = Config { hidden: vec![24, 8], seed: 2, ..Config::default() };
    let conv = Config {
        conv: vec![ConvLayer { filters: 4, kernel: 3, stride: 2, pool: false }],
        hidden: vec![8],
        ..dense.clone()
    };
    for (name, c) in [("dense", dense), ("conv", conv)] {
        let (net, _) = autoencoder::<f32>(&c, Shape { height: 8, width: 8, channels: 1 });
        let x: Vec<f32> = random(b * dim, 5).iter().map(|v| 0.5 + 0.5 * v).collect();
        let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), 0.01, 0.9, 0.0);
        let phase = Phase::reconstruction(net, 0, &Config { batch_size: b, ..c }, vec![]);
        let (cpu_loss, params) =
            step_on(&mut Engine::new(CpuBackend::<f32>::new(), &phase, &optimizer).unwrap(), &x).await;
        let (gpu_loss, gpu_params) =
            step_on(&mut Engine::new(GpuBackend::new(&ctx), &phase, &optimizer).unwrap(), &x).await;
        let floor = 1e-3 * params.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let worst =
            gpu_params.iter().zip(&params).map(|(g, c)| (g - c).abs() / (c.abs() + floor)).fold(0.0f32, f32::max);
        console_log!(
            "WebGPU training step, {name}: loss {cpu_loss:.5} vs {gpu_loss:.5}; parameters after Adam differ by {worst:.1e}"
        );
        assert!(((gpu_loss - cpu_loss) / cpu_loss).abs() < 1e-4, "{name}: loss {cpu_loss} vs {gpu_loss}");
        assert!(worst < 1e-4, "{name}: parameters differ by {worst}");
    }
}

#[wasm_bindgen_test]
fn wasm_simd_matmul_matches_the_reference_for_every_transpose_and_block_edge() {
    use ae_playground::kernels::matmul::matmul;
    // Shapes off every block size (4×8 tiles, 64 rows, depth 256, 1024 columns) and one tiny one.
    for (m, k, n) in [(37, 53, 29), (70, 300, 1030), (1, 1, 1)] {
        for op_a in [Operand::Plain, Operand::Transposed] {
            for op_b in [Operand::Plain, Operand::Transposed] {
                for accumulate in [false, true] {
                    let (a, b) = (random(m * k, 1), random(k * n, 2));
                    // Without accumulation the output must be overwritten, NaN or not.
                    let mut fast = if accumulate { random(m * n, 3) } else { vec![f32::NAN; m * n] };
                    let mut slow = random(m * n, 3);
                    matmul(&mut fast, &a, op_a, &b, op_b, m, k, n, accumulate);
                    matmul_reference(&mut slow, &a, op_a, &b, op_b, m, k, n, accumulate);
                    for (x, y) in fast.iter().zip(&slow) {
                        assert!(
                            (x - y).abs() <= 1e-5 * (k as f32).sqrt() * (1.0 + y.abs()),
                            "{m}×{k}×{n} {op_a:?} {op_b:?} {accumulate}: {x} vs {y}"
                        );
                    }
                }
            }
        }
    }
}
