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

/// Reads uploaded files into a dataset. `files` is `[{name, bytes: Uint8Array}]`; `options` is
/// `{labelColumn, normalise: 'minMax' | 'standardise' | 'none', testFraction, seed}` (all optional).
/// Returns `{packed, summary: {name, n, nTrain, nTest, height, width, classes, min, max}}`; the error
/// names the file and the place.
#[wasm_bindgen(js_name = readUpload)]
pub fn read_upload(files: js_sys::Array, options: JsValue) -> Result<js_sys::Object, JsError> {
    use crate::data::upload::{from_files, File, UploadOptions};
    let options: UploadOptions = if options.is_undefined() || options.is_null() {
        UploadOptions::default()
    } else {
        let json = js_sys::JSON::stringify(&options).map_err(|_| JsError::new("upload options: not a plain object"))?;
        serde_json::from_str(&String::from(json)).map_err(|e| JsError::new(&format!("upload options: {e}")))?
    };
    let mut contents = Vec::new();
    for file in files.iter() {
        let get = |key: &str| js_sys::Reflect::get(&file, &key.into()).unwrap_or(JsValue::UNDEFINED);
        let name = get("name").as_string().ok_or_else(|| JsError::new("an uploaded file has no name"))?;
        let bytes =
            get("bytes").dyn_into::<js_sys::Uint8Array>().map_err(|_| JsError::new(&format!("{name}: no bytes")))?;
        contents.push((name, bytes.to_vec()));
    }
    let files: Vec<File> = contents.iter().map(|(name, bytes)| File { name, bytes }).collect();
    let data = from_files(&files, &options).map_err(js_error)?;
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Summary<'a> {
        name: &'a str,
        n: usize,
        n_train: usize,
        n_test: usize,
        height: usize,
        width: usize,
        classes: usize,
        min: f32,
        max: f32,
    }
    let (min, max) = data.value_range();
    let summary = Summary {
        name: &data.name,
        n: data.len(),
        n_train: data.n_train,
        n_test: data.len() - data.n_train,
        height: data.height,
        width: data.width,
        classes: data.classes,
        min,
        max,
    };
    let result = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&result, &k.into(), &v).map(|_| ());
    set("summary", super::to_js(&summary)?).map_err(|_| JsError::new("could not build the summary"))?;
    set("packed", js_sys::Uint8Array::from(&pack::encode(&data)[..]).into())
        .map_err(|_| JsError::new("could not build the summary"))?;
    Ok(result)
}
