//! What the network diagram and the explorers ask for: one test sample layer by layer, and any
//! input's code and output (the digit a student draws), an RBM stage's dreams, the schedule's rate.

use super::{js_error, Playground};
use wasm_bindgen::prelude::*;

fn set(object: &js_sys::Object, key: &str, value: JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(object, &key.into(), &value).map(|_| ()).map_err(|_| JsError::new("could not build an object"))
}

fn arrays(values: &[Vec<f32>]) -> js_sys::Array {
    values.iter().map(|v| JsValue::from(js_sys::Float32Array::from(&v[..]))).collect()
}

#[wasm_bindgen]
impl Playground {
    /// Test sample `index` through the model: `{input, corrupted, frozen, ops}`: its values, with
    /// noise on the net's input corrupted as in training (else null), while pretraining the codes
    /// of the frozen stages below (lowest first), and each op's output of the current phase's net
    /// (the ops `layers()` lists), all Float32Arrays.
    pub fn activations(&self, index: u32) -> Result<js_sys::Object, JsError> {
        let a = self.session.activations(index).map_err(js_error)?;
        let result = js_sys::Object::new();
        set(&result, "input", js_sys::Float32Array::from(&a.input[..]).into())?;
        let corrupted = a.corrupted.map_or(JsValue::NULL, |c| js_sys::Float32Array::from(&c[..]).into());
        set(&result, "corrupted", corrupted)?;
        set(&result, "frozen", arrays(&a.frozen).into())?;
        set(&result, "ops", arrays(&a.ops).into())?;
        Ok(result)
    }

    /// While an RBM stage trains: `{pixels, steps}`, `count` dream chains run `steps` Gibbs steps
    /// further (from noise when the stage is new), their visible means in the data's space, and the
    /// steps they have run in all; null in any other phase.
    pub fn dream(&mut self, count: usize, steps: usize) -> Result<JsValue, JsError> {
        let Some((pixels, done)) = self.session.dream(count.min(64), steps.min(1000)) else { return Ok(JsValue::NULL) };
        let result = js_sys::Object::new();
        set(&result, "pixels", js_sys::Float32Array::from(&pixels[..]).into())?;
        set(&result, "steps", done.into())?;
        Ok(result.into())
    }

    /// The learning rate of the next step (the schedule's, within the current phase).
    #[wasm_bindgen(getter, js_name = learningRate)]
    pub fn learning_rate(&self) -> f64 {
        let t = &self.session.trainer;
        t.learning_rate_at(t.step)
    }

    /// Any input `x` (one sample's values): `{code, output}`, its code and the model's output for it.
    pub fn encode(&self, x: &[f32]) -> Result<js_sys::Object, JsError> {
        let (code, output) = self.session.encode(x).map_err(js_error)?;
        let result = js_sys::Object::new();
        set(&result, "code", js_sys::Float32Array::from(&code[..]).into())?;
        set(&result, "output", js_sys::Float32Array::from(&output[..]).into())?;
        Ok(result)
    }
}
