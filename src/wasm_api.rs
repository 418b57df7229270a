//! The JavaScript boundary: thin `#[wasm_bindgen]` wrappers over the engine, taking and returning
//! plain data. Errors come back as `JsError` with the engine's message; nothing here panics on input.

use crate::data::pack;
use crate::{Config, Error, Session};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn js_error(e: Error) -> JsError {
    JsError::new(&e.message)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// Settings come in through JSON rather than serde-wasm-bindgen, which reads only the fields it
/// knows: a misspelt setting must be refused, not silently ignored.
fn parse_config(value: &JsValue) -> Result<Config, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Config::default());
    }
    let json = js_sys::JSON::stringify(value).map_err(|_| JsError::new("settings: not a plain object"))?;
    serde_json::from_str(&String::from(json)).map_err(|e| JsError::new(&format!("settings: {e}")))
}

/// Every setting with its default, as a plain object.
#[wasm_bindgen(js_name = defaultConfig)]
pub fn default_config() -> Result<JsValue, JsError> {
    to_js(&Config::default())
}

/// One training session (every phase of it) on one dataset, on the CPU engine.
#[wasm_bindgen]
pub struct Playground {
    session: Session,
}

#[wasm_bindgen]
impl Playground {
    /// `config` is a (partial) settings object, missing fields taking their defaults; `dataset` is a
    /// packed `.aepk` file.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, dataset: &[u8]) -> Result<Playground, JsError> {
        let config = parse_config(&config)?;
        let data = pack::decode(dataset).map_err(js_error)?;
        Ok(Playground { session: Session::new(config, data).map_err(js_error)? })
    }

    /// The settings in force, every field filled in.
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(&self.session.config)
    }

    /// Name, image size and split of the dataset.
    pub fn dataset(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Info<'a> {
            name: &'a str,
            width: usize,
            height: usize,
            n_train: usize,
            n_test: usize,
        }
        let d = &self.session.data;
        to_js(&Info {
            name: &d.name,
            width: d.width,
            height: d.height,
            n_train: d.n_train,
            n_test: d.test_rows().len(),
        })
    }

    /// Runs up to `steps` optimisation steps, fewer when training finishes, and returns their mean
    /// batch loss. On divergence the last good weights come back and the error says so.
    pub fn train(&mut self, steps: u32) -> Result<f32, JsError> {
        let (mut sum, mut taken) = (0.0f64, 0u32);
        while taken < steps && !self.session.finished() {
            sum += self.session.train_step().map_err(js_error)?.loss;
            taken += 1;
        }
        Ok((sum / taken.max(1) as f64) as f32)
    }

    /// Steps over all phases.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.session.step as f64
    }

    /// Epoch of the current phase.
    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.session.trainer.epoch
    }

    /// Whether the last phase has run its epochs.
    #[wasm_bindgen(getter)]
    pub fn finished(&self) -> bool {
        self.session.finished()
    }

    /// The current phase: `{name, index, count, width}` (width of what it reconstructs).
    pub fn phase(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Phase {
            name: String,
            index: usize,
            count: usize,
            width: usize,
        }
        let s = &self.session;
        to_js(&Phase {
            name: s.phase().name(),
            index: s.current,
            count: s.phases.len(),
            width: s.trainer.phase.net.input,
        })
    }

    /// The current phase's loss per test sample (its own loss: squared error or cross-entropy).
    #[wasm_bindgen(js_name = testLoss)]
    pub fn test_loss(&self) -> f32 {
        self.session.evaluate_test().loss as f32
    }

    /// The current phase measured on the test rows: `{loss, squaredError, penalties, meanCode, jacobianNorm}`.
    pub fn evaluate(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Report {
            loss: f64,
            squared_error: f64,
            l1: f64,
            kl_sparsity: f64,
            contractive: f64,
            vae_kl: f64,
            mean_code: Vec<f64>,
            jacobian_norm: Option<f64>,
        }
        let e = self.session.evaluate_test();
        let p = e.penalties;
        to_js(&Report {
            loss: e.loss,
            squared_error: e.squared_error,
            l1: p.l1,
            kl_sparsity: p.kl_sparsity,
            contractive: p.contractive,
            vae_kl: p.vae_kl,
            mean_code: e.mean_code,
            jacobian_norm: e.jacobian_norm,
        })
    }

    /// For test samples `indices` (0-based within the test set): the current phase's inputs followed
    /// by its reconstructions, [2, indices.len(), width] (images, or codes for a later stage).
    pub fn reconstruct(&self, indices: &[u32]) -> Result<Vec<f32>, JsError> {
        let test = self.session.data.test_rows();
        let rows: Vec<usize> = indices.iter().map(|&i| test.start + i as usize).collect();
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= test.len()) {
            return Err(JsError::new(&format!("test sample {bad} does not exist (there are {})", test.len())));
        }
        let (mut inputs, outputs) = self.session.reconstruct(&rows);
        inputs.extend(outputs);
        Ok(inputs)
    }
}

#[wasm_bindgen]
impl Playground {
    /// `n` new samples from a VAE's prior, [n, width], reproducible by `seed`.
    pub fn sample(&self, n: usize, seed: u32) -> Result<Vec<f32>, JsError> {
        self.session.sample(n, seed).map_err(js_error)
    }

    /// `steps` decoded points on the line between the codes of test samples `a` and `b`, [steps, width].
    pub fn interpolate(&self, a: u32, b: u32, steps: usize) -> Result<Vec<f32>, JsError> {
        let test = self.session.data.test_rows();
        if a as usize >= test.len() || b as usize >= test.len() {
            return Err(JsError::new(&format!("interpolate: test samples {a} and {b} must be below {}", test.len())));
        }
        self.session.interpolate(test.start + a as usize, test.start + b as usize, steps).map_err(js_error)
    }
}

/// Finds a WebGPU adapter and checks the WGSL matmul against the CPU reference on it. Returns the
/// adapter's description and the largest relative difference; errors say why WebGPU is unusable.
#[wasm_bindgen(js_name = gpuCheck)]
pub async fn gpu_check() -> Result<JsValue, JsError> {
    use crate::gpu::{matmul::GpuMatmul, GpuContext};
    use crate::matmul::{matmul_reference, Op};
    use crate::rng::{Purpose, Rng};
    let ctx = GpuContext::new().await.map_err(js_error)?;
    let (m, k, n) = (67, 129, 33);
    let s = Rng::new(1).stream(Purpose::Sample, 0);
    let a: Vec<f32> = (0..(m * k) as u32).map(|i| s.uniform(i) - 0.5).collect();
    let b: Vec<f32> = (0..(k * n) as u32).map(|i| s.uniform(i + 1_000_000) - 0.5).collect();
    let gpu = GpuMatmul::new(&ctx).run(&ctx, &a, Op::Plain, &b, Op::Plain, m, k, n).await.map_err(js_error)?;
    let mut cpu = vec![0.0; m * n];
    matmul_reference(&mut cpu, &a, Op::Plain, &b, Op::Plain, m, k, n, false);
    let worst = gpu.iter().zip(&cpu).map(|(g, c)| (g - c).abs() / (1.0 + c.abs())).fold(0.0f32, f32::max);
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Check {
        adapter: String,
        max_relative_difference: f32,
    }
    to_js(&Check { adapter: ctx.adapter, max_relative_difference: worst })
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
    // performance.now() (Node and browsers), or Date.now() where there is none; in seconds.
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok().filter(|p| p.is_object());
    let clock: Option<(JsValue, js_sys::Function)> =
        performance.and_then(|p| Some((p.clone(), js_sys::Reflect::get(&p, &"now".into()).ok()?.dyn_into().ok()?)));
    let now = || match &clock {
        Some((p, now)) => now.call0(p).ok().and_then(|t| t.as_f64()).unwrap_or_else(js_sys::Date::now) / 1e3,
        None => js_sys::Date::now() / 1e3,
    };
    Ok(measure(product, size, min_seconds, &now).gflops)
}
