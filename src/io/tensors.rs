//! Safetensors files of F32 tensors with string metadata, packed and unpacked by the `safetensors`
//! crate, and what a model file holds once read. Model files (`model_file`), the PyTorch hand-off
//! (`pytorch`) and saved runs (`saved_run`) all sit on this.

use crate::error::{Error, Result};
use crate::fail;
use crate::model::config::Config;
use crate::train::session::PhaseKind;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What a model file holds, read back.
#[derive(Clone, Debug)]
pub struct ModelFile {
    pub config: Config,
    pub phase: PhaseKind,
    pub step: u64,
    /// Name, shape and values of each tensor.
    pub tensors: Vec<(String, Vec<usize>, Vec<f32>)>,
    pub optimizer_t: u32,
    /// A PyTorch checkpoint of a classifier: the autoencoder's tensors (the classifier phase's are
    /// `tensors`), for the phase before it.
    pub autoencoder: Option<Tensors>,
    /// A PyTorch checkpoint's values a sample (the playground's own files say it by their shapes).
    pub inputs: Option<usize>,
}

impl ModelFile {
    pub(crate) fn tensor(&self, name: &str) -> Option<&(String, Vec<usize>, Vec<f32>)> {
        self.tensors.iter().find(|(n, _, _)| n == name)
    }
}

/// A safetensors file of F32 tensors [(name, shape, values)] with `metadata` (string values), written
/// by the `safetensors` crate.
pub fn pack(metadata: Value, tensors: &[(String, Vec<usize>, &[f32])]) -> Vec<u8> {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let info: HashMap<String, String> =
        metadata.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect()).unwrap_or_default();
    let bytes: Vec<Vec<u8>> =
        tensors.iter().map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect()).collect();
    let views = tensors.iter().zip(&bytes).map(|((name, shape, _), data)| {
        (name.as_str(), TensorView::new(Dtype::F32, shape.clone(), data).expect("a tensor's shape fits its values"))
    });
    safetensors::serialize(views, Some(info)).expect("F32 tensors and string metadata always serialize")
}

pub type Tensors = Vec<(String, Vec<usize>, Vec<f32>)>;

fn bad(what: String) -> Error {
    Error::new(format!("not a file of this playground: {what}"))
}

/// A metadata entry as text.
pub(crate) fn meta_text<'a>(meta: &'a Map<String, Value>, key: &str) -> Result<&'a str> {
    meta.get(key).and_then(Value::as_str).ok_or_else(|| bad(format!("no {key} in its metadata")))
}

/// A safetensors file's metadata and F32 tensors (by name), read by the `safetensors` crate, which
/// checks the header, every size and offset.
pub fn unpack(bytes: &[u8]) -> Result<(Map<String, Value>, Tensors)> {
    let refused = |e: safetensors::SafeTensorError| bad(format!("the safetensors reader refused it: {e}"));
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(refused)?;
    let Some(info) = header.metadata() else { return Err(bad("no metadata".into())) };
    let meta = info.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let file = SafeTensors::deserialize(bytes).map_err(refused)?;
    let mut tensors = Vec::new();
    for (name, view) in file.tensors() {
        if view.dtype() != Dtype::F32 {
            fail!("model file: tensor {name} is {:?}, not F32", view.dtype());
        }
        let values = view.data().chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
        tensors.push((name, view.shape().to_vec(), values));
    }
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((meta, tensors))
}
