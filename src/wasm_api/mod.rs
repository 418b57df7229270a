//! The JavaScript boundary: thin `#[wasm_bindgen]` wrappers over the engine, taking and returning
//! plain data. Errors come back as `JsError` with the engine's message; nothing here panics on input.

use crate::gpu::trainer::GpuTrainer;
use crate::gpu::GpuContext;
use crate::{Config, Error, Session};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod bench;
mod data;
mod model;
mod views;

pub use data::{Data, UploadReader};

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

/// One training session (every phase of it) on one dataset; steps run on the CPU engine, or on the
/// GPU while one is attached.
#[wasm_bindgen]
pub struct Playground {
    session: Session,
    gpu: Option<(GpuContext, GpuTrainer)>,
    /// PCA of the dataset, fitted when a panel first asks for it.
    pca: Option<crate::pca::Pca>,
}

/// A WebGPU device for training.
#[wasm_bindgen]
pub struct Gpu {
    ctx: GpuContext,
}

#[wasm_bindgen]
impl Gpu {
    /// Finds a WebGPU adapter and device; the error says why there is none.
    pub async fn create() -> Result<Gpu, JsError> {
        Ok(Gpu { ctx: GpuContext::new().await.map_err(js_error)? })
    }

    #[wasm_bindgen(getter)]
    pub fn adapter(&self) -> String {
        self.ctx.adapter.clone()
    }

    /// A software adapter (SwiftShader): correct, but slower than the CPU engine.
    #[wasm_bindgen(getter)]
    pub fn software(&self) -> bool {
        self.ctx.software
    }

    /// Why the device stopped working (lost, or a GPU error), once it has.
    #[wasm_bindgen(getter)]
    pub fn failure(&self) -> Option<String> {
        self.ctx.failure()
    }

    /// Loses the device on purpose, to test the fallback to the CPU.
    pub fn destroy(&self) {
        self.ctx.destroy();
    }
}

#[wasm_bindgen]
impl Playground {
    /// `config` is a (partial) settings object, missing fields taking their defaults; the model
    /// shares `dataset` (nothing is copied).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, dataset: &Data) -> Result<Playground, JsError> {
        let config = parse_config(&config)?;
        Ok(Playground { session: Session::new(config, dataset.0.clone()).map_err(js_error)?, gpu: None, pca: None })
    }

    /// The settings in force, every field filled in.
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(&self.session.config)
    }

    /// Name, image size (and channels: 1 grey, 3 colour) and split of the dataset, and its class names
    /// (empty when numbered).
    pub fn dataset(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Info<'a> {
            name: &'a str,
            width: usize,
            channels: usize,
            height: usize,
            n_train: usize,
            n_test: usize,
            class_names: &'a [String],
        }
        let d = &self.session.data;
        to_js(&Info {
            name: &d.name,
            width: d.width,
            channels: d.channels,
            height: d.height,
            n_train: d.n_train,
            n_test: d.test_rows().len(),
            class_names: &d.class_names,
        })
    }

    /// Runs up to `steps` optimisation steps, fewer when training finishes, and returns their mean
    /// batch loss. On divergence the last good weights come back and the error says so.
    pub fn train(&mut self, steps: u32) -> Result<f32, JsError> {
        if let Some((ctx, trainer)) = &mut self.gpu {
            // On the GPU: submit only (the loss arrives with `gpuLoss`); never across an epoch's start.
            for _ in 0..steps.min(self.session.steps_left_in_epoch() as u32) {
                let (clean, corrupt, sample) = self.session.external_step().map_err(js_error)?;
                trainer.step(ctx, &clean, Some(corrupt), Some(sample)).map_err(js_error)?;
            }
            return Ok(f32::NAN);
        }
        let (mut sum, mut taken) = (0.0f64, 0u32);
        while taken < steps && !self.session.finished() {
            sum += self.session.train_step().map_err(js_error)?.loss;
            taken += 1;
        }
        Ok((sum / taken.max(1) as f64) as f32)
    }

    /// Moves training of the current phase to the GPU, starting from the current weights and
    /// optimizer state; the error says why this phase cannot run there.
    #[wasm_bindgen(js_name = attachGpu)]
    pub fn attach_gpu(&mut self, gpu: &Gpu) -> Result<(), JsError> {
        if let Some(why) = gpu.ctx.failure() {
            return Err(JsError::new(&why));
        }
        let t = &self.session.trainer;
        let trainer = GpuTrainer::new(&gpu.ctx, &t.phase, &t.optimizer).map_err(js_error)?;
        self.gpu = Some((gpu.ctx.clone(), trainer));
        Ok(())
    }

    /// The step that starts an epoch, on the CPU (early stopping and phase changes live there), with
    /// the GPU attached: the GPU takes the new state, or a new trainer when the phase changed. Sync
    /// the GPU's state first (`gpuSnapshot`, `adoptGpuState`). Returns the step's loss.
    #[wasm_bindgen(js_name = cpuStep)]
    pub fn cpu_step(&mut self) -> Result<f32, JsError> {
        let Some((ctx, mut trainer)) = self.gpu.take() else { return self.train(1) };
        let phase = self.session.current;
        let step = self.session.train_step();
        let t = &self.session.trainer;
        if let Err(e) = step {
            // The CPU rolled back to its last good state: the GPU continues from there too.
            trainer.upload_state(&ctx, &t.phase.net.params, &t.optimizer).map_err(js_error)?;
            self.gpu = Some((ctx, trainer));
            return Err(js_error(e));
        }
        let loss = step.map(|s| s.loss as f32).unwrap_or(f32::NAN);
        if self.session.current == phase {
            trainer.upload_state(&ctx, &t.phase.net.params, &t.optimizer).map_err(js_error)?;
        } else {
            drop(trainer);
            trainer = GpuTrainer::new(&ctx, &t.phase, &t.optimizer).map_err(js_error)?;
        }
        self.gpu = Some((ctx, trainer));
        Ok(loss)
    }

    /// Back to the CPU engine (with the state last adopted from the GPU).
    #[wasm_bindgen(js_name = detachGpu)]
    pub fn detach_gpu(&mut self) {
        self.gpu = None;
    }

    #[wasm_bindgen(getter, js_name = onGpu)]
    pub fn on_gpu(&self) -> bool {
        self.gpu.is_some()
    }

    /// Steps `train` may take on the GPU before the step that starts the next epoch, which runs on the CPU.
    #[wasm_bindgen(getter, js_name = stepsLeftInEpoch)]
    pub fn steps_left_in_epoch(&self) -> u32 {
        self.session.steps_left_in_epoch() as u32
    }

    /// Resolves, once the GPU has done the steps submitted so far, with the last step's loss.
    #[wasm_bindgen(js_name = gpuLoss)]
    pub fn gpu_loss(&self) -> Result<js_sys::Promise, JsError> {
        let (ctx, trainer) = self.gpu.as_ref().ok_or_else(|| JsError::new("no GPU attached"))?;
        let future = trainer.loss_future(ctx);
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            future.await.map(JsValue::from).map_err(|e| JsError::new(&e.message).into())
        }))
    }

    /// Resolves with the GPU's training state `{loss, params, m, v, t}`, to `adoptGpuState`.
    #[wasm_bindgen(js_name = gpuSnapshot)]
    pub fn gpu_snapshot(&self) -> Result<js_sys::Promise, JsError> {
        let (ctx, trainer) = self.gpu.as_ref().ok_or_else(|| JsError::new("no GPU attached"))?;
        let future = trainer.snapshot(ctx);
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let s = future.await.map_err(|e| JsValue::from(JsError::new(&e.message)))?;
            let state = js_sys::Object::new();
            let set = |k: &str, v: JsValue| js_sys::Reflect::set(&state, &k.into(), &v).map(|_| ());
            set("loss", s.loss.into())?;
            set("params", js_sys::Float32Array::from(&s.params[..]).into())?;
            set("m", js_sys::Float32Array::from(&s.optimizer.m[..]).into())?;
            set("v", js_sys::Float32Array::from(&s.optimizer.v[..]).into())?;
            set("t", s.optimizer.t.into())?;
            Ok(state.into())
        }))
    }

    /// Takes weights and optimizer state read back from the GPU as the CPU engine's own.
    #[wasm_bindgen(js_name = adoptGpuState)]
    pub fn adopt_gpu_state(&mut self, params: Vec<f32>, m: Vec<f32>, v: Vec<f32>, t: u32) -> Result<(), JsError> {
        let trainer = &mut self.session.trainer;
        let len = trainer.phase.net.params.len();
        let v_len = if trainer.optimizer.v.is_empty() { 0 } else { len };
        if params.len() != len || m.len() != len || v.len() != v_len {
            return Err(JsError::new("adoptGpuState: the state belongs to another model"));
        }
        if !params.iter().chain(&m).chain(&v).all(|x| x.is_finite()) {
            return Err(JsError::new("training diverged on the GPU (a weight became NaN or infinite); the state last read back is kept: lower the learning rate and continue"));
        }
        let optimizer = crate::optim::Optimizer { m, v, t, ..trainer.optimizer.clone() };
        trainer.adopt(params, optimizer);
        Ok(())
    }

    /// Adds a loss read back from the GPU to the current phase's series.
    #[wasm_bindgen(js_name = recordLoss)]
    pub fn record_loss(&mut self, loss: f32) {
        self.session.record_loss(loss);
    }

    /// Every phase's loss series: `[{phase, steps: [...], losses: [...]}]`.
    pub fn history(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Series {
            phase: String,
            steps: Vec<u64>,
            losses: Vec<f32>,
        }
        let s = &self.session;
        let series: Vec<Series> = s
            .phases
            .iter()
            .zip(&s.history)
            .map(|(p, h)| Series {
                phase: p.name(),
                steps: h.iter().map(|&(s, _)| s).collect(),
                losses: h.iter().map(|&(_, l)| l).collect(),
            })
            .collect();
        to_js(&series)
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
        #[serde(rename_all = "camelCase")]
        struct Phase {
            name: String,
            index: usize,
            count: usize,
            width: usize,
            /// Every phase's name, in order.
            names: Vec<String>,
            /// Steps taken in this phase, and its epochs so far and in all (0: no end).
            steps: u64,
            epoch: u32,
            epochs: usize,
            steps_per_epoch: usize,
            /// Steps each phase has taken (the current one's so far).
            done_steps: Vec<usize>,
        }
        let s = &self.session;
        let t = &s.trainer;
        to_js(&Phase {
            name: s.phase().name(),
            index: s.current,
            count: s.phases.len(),
            width: t.phase.net.input,
            names: s.phases.iter().map(|p| p.name()).collect(),
            steps: t.step,
            epoch: t.epoch,
            epochs: s.epochs_of(s.phase()),
            steps_per_epoch: t.phase.rows.len() / t.phase.batch_size,
            done_steps: s.history.iter().map(Vec::len).collect(),
        })
    }

    /// Phase `index`'s batch losses as [step, loss] pairs, at most `points` of them (means of equal
    /// runs of steps when there are more).
    #[wasm_bindgen(js_name = phaseLosses)]
    pub fn phase_losses(&self, index: usize, points: usize) -> Vec<f32> {
        let Some(series) = self.session.history.get(index) else { return Vec::new() };
        let run = series.len().div_ceil(points.max(1)).max(1);
        series
            .chunks(run)
            .flat_map(|c| {
                let mean = c.iter().map(|&(_, l)| l as f64).sum::<f64>() / c.len() as f64;
                [c[c.len() - 1].0 as f32, mean as f32]
            })
            .collect()
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
        let rows = self.test_rows(indices)?;
        let (mut inputs, outputs) = self.session.reconstruct(&rows);
        inputs.extend(outputs);
        Ok(inputs)
    }
}

impl Playground {
    /// Dataset rows of test samples `indices` (0-based within the test set), each checked.
    fn test_rows(&self, indices: &[u32]) -> Result<Vec<usize>, JsError> {
        let test = self.session.data.test_rows();
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= test.len()) {
            return Err(JsError::new(&format!("test sample {bad} does not exist (there are {})", test.len())));
        }
        Ok(indices.iter().map(|&i| test.start + i as usize).collect())
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
