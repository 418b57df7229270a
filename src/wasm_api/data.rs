//! Datasets made in the page: the synthetic manifolds, packed in the same format as the bundled files
//! so the worker treats every dataset alike.

use super::js_error;
use crate::data::{pack, synthetic};
use wasm_bindgen::prelude::*;

/// The synthetic dataset `name` (swissRoll, circles, sines) generated from `seed`, packed.
#[wasm_bindgen(js_name = syntheticDataset)]
pub fn synthetic_dataset(name: &str, seed: u32) -> Result<Vec<u8>, JsError> {
    Ok(pack::encode(&synthetic::generate(name, seed).map_err(js_error)?))
}
