//! The JavaScript boundary: thin `#[wasm_bindgen]` wrappers over the engine, taking and returning
//! plain data. Errors come back as `JsError` with the engine's message; nothing here panics on input.

use crate::{Config, Error, Session};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "bench")]
mod bench;
mod compare;
mod data;
mod explore;
mod gpu;
mod model;
mod panels;
mod segment;

pub use data::{Data, UploadReader};
pub use gpu::Gpu;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

// The threaded build's pool: `initThreadPool(n)` starts n Web Workers sharing this module's memory.
#[cfg(target_feature = "atomics")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Whether this build runs threads (the threaded build: wasm atomics and a pool of Web Workers).
#[wasm_bindgen(js_name = threadedBuild)]
pub fn threaded_build() -> bool {
    crate::kernels::threads::THREADED
}

/// Sets how many threads the CPU engine's products split over (after `initThreadPool` in the threaded
/// build; 1 in the other); returns the number in force.
#[wasm_bindgen(js_name = setThreads)]
pub fn set_threads(n: usize) -> usize {
    crate::kernels::threads::set_threads(n)
}

/// The CPU products of this build against the plain-loop reference, for the tests: plain and either
/// operand transposed, with and without accumulation, at shapes off the micro-tiles. Returns `{fused, worst}`: whether
/// the build multiplies and adds in one instruction (relaxed SIMD's), and the largest
/// |fast − reference| / (|reference| + 1e-3·max |reference|).
#[wasm_bindgen(js_name = productCheck)]
pub fn product_check() -> Result<JsValue, JsError> {
    use crate::kernels::matmul::{matmul, matmul_reference, Operand};
    #[derive(Serialize)]
    struct Check {
        fused: bool,
        worst: f64,
    }
    let values = |len: usize, seed: u32| -> Vec<f32> {
        (0..len as u32).map(|i| (i.wrapping_mul(2654435761).wrapping_add(seed) % 2001) as f32 / 1000.0 - 1.0).collect()
    };
    let mut worst = 0.0f64;
    for (m, k, n) in [(37, 300, 41), (64, 784, 32), (5, 1000, 7)] {
        for (op_a, op_b) in [
            (Operand::Plain, Operand::Plain),
            (Operand::Transposed, Operand::Plain),
            (Operand::Plain, Operand::Transposed),
        ] {
            for accumulate in [false, true] {
                let (a, b, start) = (values(m * k, 1), values(k * n, 2), values(m * n, 3));
                let (mut fast, mut reference) = (start.clone(), start);
                matmul(&mut fast, &a, op_a, &b, op_b, m, k, n, accumulate);
                matmul_reference(&mut reference, &a, op_a, &b, op_b, m, k, n, accumulate);
                let floor = 1e-3 * reference.iter().fold(0.0f32, |x, v| x.max(v.abs())) as f64;
                for (f, r) in fast.iter().zip(&reference) {
                    worst = worst.max((f - r).abs() as f64 / (r.abs() as f64 + floor));
                }
            }
        }
    }
    to_js(&Check { fused: cfg!(target_feature = "relaxed-simd"), worst })
}

fn js_error(e: Error) -> JsError {
    JsError::new(&e.message)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// Settings and options come in through JSON rather than serde-wasm-bindgen, which reads only the
/// fields it knows: a misspelt setting must be refused, not silently ignored. Undefined or null gives
/// the defaults; `what` names the object in an error.
fn parse_json<T: serde::de::DeserializeOwned + Default>(value: &JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let json = js_sys::JSON::stringify(value).map_err(|_| JsError::new(&format!("{what}: not a plain object")))?;
    crate::io::json::from_json(&String::from(json), what).map_err(js_error)
}

/// Every setting with its default, as a plain object.
#[wasm_bindgen(js_name = defaultConfig)]
pub fn default_config() -> Result<JsValue, JsError> {
    to_js(&Config::default())
}

/// One training session (every phase of it) on one dataset, on the CPU engine or the GPU (`useEngine`).
#[wasm_bindgen]
pub struct Playground {
    session: Session,
    /// PCA of the dataset, fitted when a panel first asks for it.
    pca: Option<crate::analysis::pca::Pca>,
}

#[wasm_bindgen]
impl Playground {
    /// `config` is a (partial) settings object, missing fields taking their defaults; the model
    /// shares `dataset` (nothing is copied).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, dataset: &Data) -> Result<Playground, JsError> {
        let config = parse_json::<Config>(&config, "settings")?;
        Ok(Playground { session: Session::new(config, dataset.0.clone()).map_err(js_error)?, pca: None })
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

    /// Runs up to `steps` optimisation steps (fewer when training finishes or a phase ends) and
    /// resolves with `{steps, read, loss}`: the steps taken, how many of them had their loss read, and
    /// the mean of those (null when none could be read). On divergence the last good weights come back and the error says so.
    pub async fn train(&mut self, steps: u32) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Trained {
            steps: u32,
            read: u32,
            loss: Option<f64>,
        }
        let t = self.session.train(steps).await.map_err(js_error)?;
        to_js(&Trained { steps: t.steps, read: t.read, loss: t.loss })
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

    /// The current phase's number from 0 (cheap: the training loop asks for it often).
    #[wasm_bindgen(getter, js_name = phaseIndex)]
    pub fn phase_index(&self) -> usize {
        self.session.current
    }

    /// The current phase: `{kind, stage (a stage's, from 0), name, rbm, index, count, width (of what it
    /// reconstructs), kinds, names, steps, epochs, stepsPerEpoch, doneSteps}`; `kind` is 'stage',
    /// 'fineTune', 'endToEnd' or 'classifier' (`kinds`: each phase's `{kind, stage}`); names are for
    /// display only.
    pub fn phase(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Phase {
            #[serde(flatten)]
            kind: crate::train::session::PhaseKind,
            name: String,
            /// An RBM stage (trained by contrastive divergence), drawn as one.
            rbm: bool,
            index: usize,
            count: usize,
            width: usize,
            /// Every phase's kind and name, in order.
            kinds: Vec<crate::train::session::PhaseKind>,
            names: Vec<String>,
            /// Steps taken in this phase, and the epochs it trains for (0: no end).
            steps: u64,
            epochs: usize,
            steps_per_epoch: usize,
            /// Steps each phase has taken (the current one's so far).
            done_steps: Vec<u64>,
        }
        let s = &self.session;
        let t = &s.trainer;
        to_js(&Phase {
            kind: s.phase(),
            name: s.phase_name(s.phase()),
            rbm: t.phase.cd_steps > 0,
            index: s.current,
            count: s.phases.len(),
            width: t.phase.net.input,
            kinds: s.phases.clone(),
            names: s.phases.iter().map(|&p| s.phase_name(p)).collect(),
            steps: t.step,
            epochs: s.epochs_of(s.phase()),
            steps_per_epoch: t.phase.rows.len() / t.phase.batch_size,
            done_steps: s.steps_per_phase(),
        })
    }

    /// Phase `index`'s batch losses as [step, loss] pairs, at most `points` of them (means of equal
    /// runs of steps when there are more).
    #[wasm_bindgen(js_name = phaseLosses)]
    pub fn phase_losses(&self, index: usize, points: usize) -> Vec<f32> {
        self.session.phase_losses(index, points).into_iter().flat_map(|(step, loss)| [step as f32, loss]).collect()
    }

    /// The current phase's loss per test sample (its own loss: squared error or cross-entropy).
    #[wasm_bindgen(js_name = testLoss)]
    pub fn test_loss(&self) -> f32 {
        self.session.evaluate_test().loss as f32
    }

    /// The current phase measured on the test rows: `{loss, squaredError, l1, klSparsity,
    /// contractive, vaeKl, meanCode, jacobianNorm, accuracy}` (per sample; accuracy for the
    /// classifier phase, else null).
    pub fn evaluate(&self) -> Result<JsValue, JsError> {
        report(self.session.evaluate_test())
    }

    /// The same measured on the phase's first `count` training rows (the train side of the loss
    /// terms chart).
    #[wasm_bindgen(js_name = evaluateTrain)]
    pub fn evaluate_train(&self, count: usize) -> Result<JsValue, JsError> {
        report(self.session.evaluate_train(count))
    }

    /// For test samples `indices` (0-based within the test set): the current phase's inputs followed
    /// by its reconstructions, [2, indices.len(), width] (images, or codes for a later stage).
    pub fn reconstruct(&self, indices: &[u32]) -> Result<Vec<f32>, JsError> {
        let rows = self.test_rows(indices)?;
        let (mut inputs, outputs) = self.session.reconstruct(&rows);
        inputs.extend(outputs);
        Ok(inputs)
    }

    /// With corruption on: test samples `indices` corrupted as in training, then what the model makes
    /// of them, [2, indices.len(), width]; empty without noise.
    pub fn corrupted(&self, indices: &[u32]) -> Result<Vec<f32>, JsError> {
        let rows = self.test_rows(indices)?;
        Ok(self
            .session
            .corrupted(&rows)
            .map(|(mut x, out)| {
                x.extend(out);
                x
            })
            .unwrap_or_default())
    }
}

impl Playground {
    fn test_rows(&self, indices: &[u32]) -> Result<Vec<usize>, JsError> {
        self.session.test_rows_at(indices).map_err(js_error)
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
        let rows = self.test_rows(&[a, b])?;
        self.session.interpolate(rows[0], rows[1], steps).map_err(js_error)
    }
}

/// An evaluation as the page reads it.
fn report(e: crate::train::evaluation::Evaluation) -> Result<JsValue, JsError> {
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
        accuracy: Option<f64>,
    }
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
        accuracy: e.accuracy,
    })
}
