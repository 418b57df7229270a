//! What the panels draw beyond losses and reconstructions: first-layer filters, decoded codes (a
//! VAE's samples and manifold grid), PCA against the linear autoencoder, and few-label accuracy.

use super::{js_error, to_js, Playground};
use crate::analysis::inspect::{pca_reconstruct, MAX_LABELS};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Playground {
    /// The weights into the first `count` units of the encoder's first layer, one row per unit:
    /// [count, input] for a dense layer (an image per unit when the input is an image), [count, K·K·C]
    /// for a convolution (a K × K filter per unit). Fewer when the layer has fewer units.
    pub fn filters(&self, count: usize) -> Vec<f32> {
        self.session.filters(count).0
    }

    /// One filter's [height, width, channels]: the image's, or a convolution's K, K and C.
    #[wasm_bindgen(js_name = filterShape)]
    pub fn filter_shape(&self) -> Vec<u32> {
        let (height, width, channels) = self.session.filter_shape();
        vec![height as u32, width as u32, channels as u32]
    }

    /// Units of the current phase's code.
    #[wasm_bindgen(getter, js_name = codeWidth)]
    pub fn code_width(&self) -> usize {
        self.session.code_width()
    }

    /// Decodes codes [n, codeWidth] with the current phase's decoder, [n, width].
    pub fn decode(&self, codes: &[f32]) -> Result<Vec<f32>, JsError> {
        self.session.decode_codes(codes).map_err(js_error)
    }

    /// Test accuracy with `labels` labels (an equal share per class, `classes` to 1,000): a softmax
    /// on raw inputs, on the frozen code, and fine-tuned with the encoder; the nearest labelled
    /// neighbour on the pixels, PCA (as wide as the code) and the code; label spreading on PCA and
    /// the code. `{labels, raw, frozenCode, fineTuned, nearest: {raw, pca, code}, spread: {raw
    /// (null), pca, code}, pcaWidth}`; a few seconds.
    #[wasm_bindgen(js_name = fewLabels)]
    pub fn few_labels(&mut self, labels: usize, seed: u32) -> Result<JsValue, JsError> {
        self.fit_pca()?;
        let pca = self.pca.as_ref().ok_or_else(|| JsError::new("no PCA"))?;
        to_js(&self.session.few_labels(labels.min(MAX_LABELS), seed, pca).map_err(js_error)?)
    }

    /// PCA's mean squared error per test sample for each k (fitted once per model, on up to 2,000
    /// training rows).
    #[wasm_bindgen(js_name = pcaErrors)]
    pub fn pca_errors(&mut self, ks: Vec<u32>) -> Result<Vec<f64>, JsError> {
        let ks: Vec<usize> = ks.into_iter().map(|k| k as usize).collect();
        self.fit_pca()?;
        let pca = self.pca.as_ref().ok_or_else(|| JsError::new("no PCA"))?;
        self.session.pca_errors(pca, &ks).map_err(js_error)
    }

    /// PCA's reconstructions from k components of test samples `indices`, [indices.len(), width].
    #[wasm_bindgen(js_name = pcaReconstruct)]
    pub fn pca_reconstruct(&mut self, indices: &[u32], k: usize) -> Result<Vec<f32>, JsError> {
        let x = self.session.data_rows(&self.test_rows(indices)?);
        self.fit_pca()?;
        let pca = self.pca.as_ref().ok_or_else(|| JsError::new("no PCA"))?;
        Ok(pca_reconstruct(pca, &x, k))
    }
}

impl Playground {
    fn fit_pca(&mut self) -> Result<(), JsError> {
        if self.pca.is_none() {
            self.pca = Some(self.session.fit_pca().map_err(js_error)?);
        }
        Ok(())
    }
}
