//! The model on WebGPU: the device the page finds, and a `Playground`'s steps moved to it and back
//! (the step that starts an epoch runs on the CPU, where early stopping and phase changes live; the
//! state read back from the GPU becomes the CPU engine's own).

use super::{js_error, Playground};
use crate::gpu::backend::{GpuBackend, GpuTrainer};
use crate::gpu::GpuContext;
use wasm_bindgen::prelude::*;

/// A WebGPU device for training.
#[wasm_bindgen]
pub struct Gpu {
    pub(super) ctx: GpuContext,
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
    /// Moves training of the current phase to the GPU, starting from the current weights and
    /// optimizer state; the error says why this phase cannot run there.
    #[wasm_bindgen(js_name = attachGpu)]
    pub fn attach_gpu(&mut self, gpu: &Gpu) -> Result<(), JsError> {
        if let Some(why) = gpu.ctx.failure() {
            return Err(JsError::new(&why));
        }
        let t = &self.session.trainer;
        let trainer = GpuTrainer::new(GpuBackend::new(&gpu.ctx), &t.phase, &t.optimizer).map_err(js_error)?;
        self.gpu = Some(trainer);
        Ok(())
    }

    /// The step that starts an epoch, on the CPU (early stopping and phase changes live there), with
    /// the GPU attached: the GPU takes the new state, or a new trainer when the phase changed. Sync
    /// the GPU's state first (`gpuSnapshot`, `adoptGpuState`). Returns the step's loss.
    #[wasm_bindgen(js_name = cpuStep)]
    pub fn cpu_step(&mut self) -> Result<f32, JsError> {
        let Some(mut trainer) = self.gpu.take() else { return self.train(1) };
        let phase = self.session.current;
        let step = self.session.train_step();
        let t = &self.session.trainer;
        if let Err(e) = step {
            // The CPU rolled back to its last good state: the GPU continues from there too.
            trainer.upload_state(&t.phase.net.params, &t.optimizer).map_err(js_error)?;
            self.gpu = Some(trainer);
            return Err(js_error(e));
        }
        let loss = step.map(|s| s.loss as f32).unwrap_or(f32::NAN);
        if self.session.current == phase {
            trainer.upload_state(&t.phase.net.params, &t.optimizer).map_err(js_error)?;
        } else {
            let ctx = trainer.backend.ctx.clone();
            drop(trainer);
            trainer = GpuTrainer::new(GpuBackend::new(&ctx), &t.phase, &t.optimizer).map_err(js_error)?;
        }
        self.gpu = Some(trainer);
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
        let trainer = self.gpu.as_ref().ok_or_else(|| JsError::new("no GPU attached"))?;
        let future = trainer.loss_future();
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            future.await.map(JsValue::from).map_err(|e| JsError::new(&e.message).into())
        }))
    }

    /// Resolves with the GPU's training state `{loss, params, m, v, t}`, to `adoptGpuState`.
    #[wasm_bindgen(js_name = gpuSnapshot)]
    pub fn gpu_snapshot(&self) -> Result<js_sys::Promise, JsError> {
        let trainer = self.gpu.as_ref().ok_or_else(|| JsError::new("no GPU attached"))?;
        let future = trainer.snapshot();
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
}
