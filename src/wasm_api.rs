//! The JavaScript boundary: thin `#[wasm_bindgen]` wrappers over the engine, taking and returning
//! plain data. Errors come back as `JsError` with the engine's message; nothing here panics on input.

use crate::data::pack;
use crate::{Config, Error, Trainer};
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

/// One model being trained on one dataset, on the CPU engine.
#[wasm_bindgen]
pub struct Playground {
    trainer: Trainer,
}

#[wasm_bindgen]
impl Playground {
    /// `config` is a (partial) settings object, missing fields taking their defaults; `dataset` is a
    /// packed `.aepk` file.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, dataset: &[u8]) -> Result<Playground, JsError> {
        let config = parse_config(&config)?;
        let data = pack::decode(dataset).map_err(js_error)?;
        Ok(Playground { trainer: Trainer::new(config, data).map_err(js_error)? })
    }

    /// The settings in force, every field filled in.
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(&self.trainer.config)
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
        let d = &self.trainer.data;
        to_js(&Info {
            name: &d.name,
            width: d.width,
            height: d.height,
            n_train: d.n_train,
            n_test: d.test_rows().len(),
        })
    }

    /// Runs `steps` optimisation steps and returns their mean batch loss. On divergence the weights
    /// of the last good step are kept and the error says so.
    pub fn train(&mut self, steps: u32) -> Result<f32, JsError> {
        let mut sum = 0.0f64;
        for _ in 0..steps {
            sum += self.trainer.train_step().map_err(js_error)? as f64;
        }
        Ok((sum / steps.max(1) as f64) as f32)
    }

    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.trainer.step as f64
    }

    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.trainer.epoch
    }

    /// Mean summed squared error per test sample.
    #[wasm_bindgen(js_name = testLoss)]
    pub fn test_loss(&self) -> f32 {
        self.trainer.test_loss()
    }

    /// For test samples `indices` (0-based within the test set): their inputs followed by their
    /// reconstructions, [2, indices.len(), height·width].
    pub fn reconstruct(&self, indices: &[u32]) -> Result<Vec<f32>, JsError> {
        let test = self.trainer.data.test_rows();
        let rows: Vec<usize> = indices.iter().map(|&i| test.start + i as usize).collect();
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= test.len()) {
            return Err(JsError::new(&format!("test sample {bad} does not exist (there are {})", test.len())));
        }
        let (mut inputs, outputs) = self.trainer.reconstruct(&rows);
        inputs.extend(outputs);
        Ok(inputs)
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
    let gpu = GpuMatmul::new(&ctx).run(&ctx, &a, &b, m, k, n).await.map_err(js_error)?;
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
