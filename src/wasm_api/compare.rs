//! What compare mode asks of the engine: B's latent plane put in register with A's, and each model's
//! error on masked test samples.

use super::Playground;
use wasm_bindgen::prelude::*;

/// B's plane points ([n, 2]) turned, scaled and shifted onto A's (Procrustes).
#[wasm_bindgen(js_name = procrustes2d)]
pub fn procrustes_2d(a: &[f32], b: &[f32]) -> Result<Vec<f32>, JsError> {
    if a.len() != b.len() || !a.len().is_multiple_of(2) {
        return Err(JsError::new(&format!("Procrustes pairs points: {} and {} values", a.len(), b.len())));
    }
    Ok(crate::analysis::compare::procrustes_2d(a, b))
}

#[wasm_bindgen]
impl Playground {
    /// The squared error per sample of the outputs for the first `count` test samples with `fraction`
    /// of their values masked, against the clean ones; undefined where the outputs are not the data.
    #[wasm_bindgen(js_name = maskedTestLoss)]
    pub fn masked_test_loss(&self, fraction: f64, count: usize) -> Option<f64> {
        self.session.masked_test_error(fraction.clamp(0.0, 1.0), count)
    }
}
