//! The WebGPU device the page finds (or why there is none), and the choice of engine for a
//! `Playground`: conversions only; the session decides and moves the weights (stepping.rs).

use super::{js_error, Playground};
use crate::kernels::gpu::GpuContext;
use crate::train::stepping::EngineChoice;
use wasm_bindgen::prelude::*;

/// A WebGPU device for training, or the reason there is none.
#[wasm_bindgen]
pub struct Gpu {
    found: Result<GpuContext, String>,
}

#[wasm_bindgen]
impl Gpu {
    /// Looks for a WebGPU adapter and device; `why` says why none was found.
    pub async fn find() -> Gpu {
        Gpu { found: GpuContext::new().await.map_err(|e| e.message) }
    }

    /// The adapter, or null without one.
    #[wasm_bindgen(getter)]
    pub fn adapter(&self) -> Option<String> {
        self.found.as_ref().ok().map(|ctx| ctx.adapter.clone())
    }

    /// A software adapter (SwiftShader): correct, but slower than the CPU engine.
    #[wasm_bindgen(getter)]
    pub fn software(&self) -> bool {
        self.found.as_ref().is_ok_and(|ctx| ctx.software)
    }

    /// Why there is no device, or why it stopped working (lost, or a GPU error); null while it works.
    #[wasm_bindgen(getter)]
    pub fn failure(&self) -> Option<String> {
        match &self.found {
            Ok(ctx) => ctx.failure(),
            Err(why) => Some(why.clone()),
        }
    }

    /// The device, or an error saying why there is none.
    #[cfg(feature = "bench")]
    pub(super) fn context(&self) -> Result<&GpuContext, JsError> {
        self.found.as_ref().map_err(|why| JsError::new(why))
    }

    /// Loses the device on purpose, to test the fallback to the CPU.
    pub fn destroy(&self) {
        if let Ok(ctx) = &self.found {
            ctx.destroy();
        }
    }
}

#[wasm_bindgen]
impl Playground {
    /// Trains on the engine `choice` asks for ('auto', 'cpu' or 'webgpu') where `gpu` allows;
    /// `backend()` says which and why.
    #[wasm_bindgen(js_name = useEngine)]
    pub fn use_engine(&mut self, choice: &str, gpu: &Gpu) -> Result<(), JsError> {
        let choice: EngineChoice = serde_json::from_value(choice.into())
            .map_err(|_| JsError::new(&format!("engine {choice:?} must be auto, cpu or webgpu")))?;
        self.session.use_engine(choice, gpu.found.as_ref().map_err(String::as_str)).map_err(js_error)
    }

    /// The engine in use and why: `{name: 'CPU' | 'WebGPU', reason}`.
    pub fn backend(&self) -> Result<JsValue, JsError> {
        super::to_js(self.session.backend())
    }

    /// Resolves once the GPU's weights and optimizer state are read back for evaluation, the views
    /// and files (at once on the CPU); rejects after a divergence, with the last good state back.
    pub async fn sync(&mut self) -> Result<(), JsError> {
        self.session.sync().await.map_err(js_error)
    }
}
