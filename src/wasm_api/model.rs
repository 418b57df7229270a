//! The model and its data as plain arrays, so that another implementation can repeat a run exactly
//! (the TF.js side-by-side bench starts from these weights and trains on these batches): the current
//! phase's dense layers, the rows of each epoch's batches, and the values of dataset rows.

use super::Playground;
use crate::model::layers::WeightLayout;
use crate::model::net::Op;
use wasm_bindgen::prelude::*;

fn set(object: &js_sys::Object, key: &str, value: JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(object, &key.into(), &value).map(|_| ()).map_err(|_| JsError::new("could not build an object"))
}

#[wasm_bindgen]
impl Playground {
    /// The current phase's layers in order, a dense one `{inputs, outputs, activation, weight, bias,
    /// transposed}`: `weight` row-major [inputs, outputs] (or, when `transposed`, another layer's
    /// [outputs, inputs] read transposed), `bias` [outputs]. A convolution is `{op: "conv" or
    /// "convTranspose", inputs, outputs, activation, kernel, stride, filters}`. Other ops (2×2 max
    /// pooling, upsampling, k-sparse, sampling) are listed as `{op}`.
    pub fn layers(&self) -> Result<js_sys::Array, JsError> {
        let net = &self.session.trainer.net();
        let list = js_sys::Array::new();
        for op in &net.ops {
            let layer = js_sys::Object::new();
            match op {
                Op::Dense(d) => {
                    set(&layer, "op", "dense".into())?;
                    set(&layer, "inputs", d.inputs.into())?;
                    set(&layer, "outputs", d.outputs.into())?;
                    let activation = serde_json::to_value(d.activation).map_err(|e| JsError::new(&e.to_string()))?;
                    set(&layer, "activation", activation.as_str().unwrap_or("?").into())?;
                    set(&layer, "weight", js_sys::Float32Array::from(&net.params[d.weight_range()]).into())?;
                    set(&layer, "bias", js_sys::Float32Array::from(&net.params[d.bias_range()]).into())?;
                    set(&layer, "transposed", (d.layout == WeightLayout::TransposeOf).into())?;
                }
                Op::Conv(c) => {
                    set(&layer, "op", if c.transposed { "convTranspose" } else { "conv" }.into())?;
                    set(&layer, "inputs", c.inputs().into())?;
                    set(&layer, "outputs", c.outputs().into())?;
                    let activation = serde_json::to_value(c.activation).map_err(|e| JsError::new(&e.to_string()))?;
                    set(&layer, "activation", activation.as_str().unwrap_or("?").into())?;
                    let g = &c.geometry;
                    for (key, v) in [("kernel", g.kernel), ("stride", g.stride), ("filters", g.filters)] {
                        set(&layer, key, v.into())?;
                    }
                }
                Op::MaxPool(_) => set(&layer, "op", "maxPool".into())?,
                Op::Upsample(_) => set(&layer, "op", "upsample".into())?,
                Op::KSparse { .. } => set(&layer, "op", "kSparse".into())?,
                Op::Reparameterize { .. } => set(&layer, "op", "reparameterize".into())?,
            }
            list.push(&layer);
        }
        Ok(list)
    }

    /// The dataset rows of the current phase's epoch `epoch`, in batch order: batch s is entries
    /// s·batchSize .. (s+1)·batchSize.
    #[wasm_bindgen(js_name = epochRows)]
    pub fn epoch_rows(&self, epoch: u32) -> Vec<u32> {
        self.session.trainer.epoch_rows(epoch).into_iter().map(|r| r as u32).collect()
    }

    /// The values of dataset rows (0-based over the whole dataset), [rows.len(), width] as the
    /// engine sees them (pixels scaled to 0..1).
    pub fn rows(&self, rows: &[u32]) -> Result<Vec<f32>, JsError> {
        let data = &self.session.data;
        if let Some(&bad) = rows.iter().find(|&&r| r as usize >= data.len()) {
            return Err(JsError::new(&format!("row {bad} does not exist (there are {})", data.len())));
        }
        let rows: Vec<usize> = rows.iter().map(|&r| r as usize).collect();
        Ok(self.session.data_rows(&rows))
    }
}

#[wasm_bindgen]
impl Playground {
    /// The latent scatter of the first `count` test samples: `{points, labels, width, projected}`,
    /// points [count, 2] (the code itself when it has 2 units, else its top two principal
    /// coordinates), labels [count] (empty for unlabeled data), width the code's units, and for a
    /// projection `basis` [3, width]: the mean code and the two directions (the point (a, b) is the
    /// code mean + a·u₁ + b·u₂), else empty.
    pub fn latent(&self, count: usize) -> Result<js_sys::Object, JsError> {
        let latent = self.session.latent(count);
        let result = js_sys::Object::new();
        set(&result, "points", js_sys::Float32Array::from(&latent.points[..]).into())?;
        set(&result, "labels", js_sys::Uint8Array::from(&latent.labels[..]).into())?;
        set(&result, "width", latent.width.into())?;
        set(&result, "projected", latent.projected.into())?;
        set(&result, "basis", js_sys::Float32Array::from(&latent.basis[..]).into())?;
        Ok(result)
    }
}

#[wasm_bindgen]
impl Playground {
    /// The current phase's model as a safetensors file (tensor names in docs/practitioners.md).
    #[wasm_bindgen(js_name = exportWeights)]
    pub fn export_weights(&self) -> Vec<u8> {
        self.session.export_model()
    }

    /// "Export for PyTorch": a ZIP of model.safetensors (PyTorch's names and layout), model.py,
    /// train.py, README.md and requirements.txt.
    #[wasm_bindgen(js_name = exportPyTorch)]
    pub fn export_pytorch(&self) -> Vec<u8> {
        self.session.export_pytorch()
    }

    /// The whole run (every stage, weights, optimizer state, position, loss series) as bytes, for
    /// `Playground.restoreRun` after a reload.
    #[wasm_bindgen(js_name = saveRun)]
    pub fn save_run(&self) -> Vec<u8> {
        self.session.save_run()
    }

    /// The run saved by `saveRun`, on the dataset it was saved with; the error says what does not fit.
    #[wasm_bindgen(js_name = restoreRun)]
    pub fn restore_run(dataset: &super::Data, run: &[u8]) -> Result<Playground, JsError> {
        let session = crate::Session::restore_run(dataset.0.clone(), run).map_err(super::js_error)?;
        Ok(Playground { session, pca: None })
    }

    /// Takes a model file's weights and optimizer state; the error says what does not fit.
    #[wasm_bindgen(js_name = importWeights)]
    pub fn import_weights(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        self.session.import_model(bytes).map_err(super::js_error)
    }

    /// The codes of every test sample as CSV: a header `label,z1,z2,…` (no label column for unlabeled
    /// data), then one row per sample.
    #[wasm_bindgen(js_name = exportCodes)]
    pub fn export_codes(&self) -> String {
        self.session.codes_csv()
    }
}

/// The settings and phase a model file was saved with, `{config, phase, step}`, so that the page can
/// build the model it fits before importing it.
#[wasm_bindgen(js_name = modelFileSettings)]
pub fn model_file_settings(bytes: &[u8]) -> Result<JsValue, JsError> {
    #[derive(serde::Serialize)]
    struct Settings {
        config: crate::Config,
        phase: crate::train::session::PhaseKind,
        step: u64,
    }
    let file = crate::io::model_file::read(bytes).map_err(super::js_error)?;
    super::to_js(&Settings { config: file.config, phase: file.phase, step: file.step })
}
