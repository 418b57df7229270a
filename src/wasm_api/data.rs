//! Datasets in the engine, as the page holds them: a `Data` handle shared by every model built on it
//! (a new model copies nothing), made from a bundled packed file, a synthetic manifold, or uploaded
//! files streamed in piece by piece through an `UploadReader`; and the images in an uploaded ZIP.

use super::{js_error, to_js};
use crate::data::reader::Reader;
use crate::data::upload::{UploadOptions, MAX_UNPACKED};
use crate::data::{pack, synthetic, zip, Dataset};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A dataset held in the engine.
#[wasm_bindgen]
pub struct Data(pub(crate) Rc<Dataset>);

#[wasm_bindgen]
impl Data {
    /// A packed `.aepk` file (the bundled datasets).
    #[wasm_bindgen(js_name = fromPacked)]
    pub fn from_packed(bytes: &[u8]) -> Result<Data, JsError> {
        Ok(Data(Rc::new(pack::decode(bytes).map_err(js_error)?)))
    }

    /// `{name, n, nTrain, nTest, height, width, channels, classes, classNames, min, max, table}`; `table`
    /// for a table: `{names (every column's), label (its index, or null), labelWhy}`, else null.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Summary<'a> {
            name: &'a str,
            n: usize,
            n_train: usize,
            n_test: usize,
            height: usize,
            width: usize,
            channels: usize,
            classes: usize,
            class_names: &'a [String],
            min: f32,
            max: f32,
            table: Option<&'a crate::data::TableColumns>,
        }
        let d = &self.0;
        let (min, max) = d.value_range();
        to_js(&Summary {
            name: &d.name,
            n: d.len(),
            n_train: d.n_train,
            n_test: d.len() - d.n_train,
            height: d.height,
            width: d.width,
            channels: d.channels,
            classes: d.classes,
            class_names: &d.class_names,
            min,
            max,
            table: d.table.as_ref(),
        })
    }
}

/// The synthetic dataset `name` (swissRoll, circles, sines) generated from `seed`.
#[wasm_bindgen(js_name = syntheticDataset)]
pub fn synthetic_dataset(name: &str, seed: u32) -> Result<Data, JsError> {
    Ok(Data(Rc::new(synthetic::generate(name, seed).map_err(js_error)?)))
}

/// Uploaded files read into a dataset a piece at a time: `begin` each file, `push` its bytes in
/// order, then `finish`. Every error names the file and the place.
#[wasm_bindgen]
pub struct UploadReader(Reader);

#[wasm_bindgen]
impl UploadReader {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> UploadReader {
        UploadReader(Reader::default())
    }

    /// Starts the file `name`: `gzip` when its first bytes are gzip's, `size` the bytes it holds
    /// unpacked (for gzip, the number in its last four bytes).
    pub fn begin(&mut self, name: &str, gzip: bool, size: f64) -> Result<(), JsError> {
        self.0.begin(name, gzip, size as usize).map_err(js_error)
    }

    /// The next bytes of the current file.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        self.0.push(bytes).map_err(js_error)
    }

    /// The dataset. `options` is `{labelColumn, normalise: 'minMax' | 'standardise' | 'none',
    /// testFraction, seed, classNames}` (all optional).
    pub fn finish(self, options: JsValue) -> Result<Data, JsError> {
        let options: UploadOptions = super::parse_json(&options, "upload options")?;
        Ok(Data(Rc::new(self.0.finish(&options).map_err(js_error)?)))
    }
}

/// The images in ZIP archive `name`, as `[{path, bytes}]` (stored and deflated entries); the error
/// names the archive and the byte where it is damaged.
#[wasm_bindgen(js_name = zipImages)]
pub fn zip_images(name: &str, bytes: &[u8]) -> Result<js_sys::Array, JsError> {
    let entries = zip::entries(name, bytes, zip::is_image, MAX_UNPACKED).map_err(js_error)?;
    let out = js_sys::Array::new();
    for e in entries {
        let entry = js_sys::Object::new();
        js_sys::Reflect::set(&entry, &"path".into(), &e.path.into()).map_err(|_| JsError::new("zipImages"))?;
        let bytes = js_sys::Uint8Array::from(&e.bytes[..]);
        js_sys::Reflect::set(&entry, &"bytes".into(), &bytes.into()).map_err(|_| JsError::new("zipImages"))?;
        out.push(&entry);
    }
    Ok(out)
}
