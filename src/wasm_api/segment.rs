//! Segmentation across the boundary: an image's patches as a dataset, the seeded images with their
//! truth, and the maps of the three methods (classes as bytes, scores as numbers).

use super::{data::Data, js_error, Playground};
use crate::analysis::segment::{Map, Scribble};
use crate::data::{patches, scenes};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn set(object: &js_sys::Object, key: &str, value: JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(object, &key.into(), &value).map(|_| ()).map_err(|_| JsError::new("could not build an object"))
}

fn scene_object(scene: scenes::Scene) -> Result<JsValue, JsError> {
    let o = js_sys::Object::new();
    set(&o, "pixels", js_sys::Uint8Array::from(&scene.pixels[..]).into())?;
    set(&o, "truth", js_sys::Uint8Array::from(&scene.truth[..]).into())?;
    set(&o, "width", scene.width.into())?;
    set(&o, "height", scene.height.into())?;
    set(&o, "channels", 1.into())?;
    set(&o, "classNames", super::to_js(&scene.class_names)?)?;
    Ok(o.into())
}

/// The patch dataset of an image (`pixels` row-major, `channels` bytes a pixel), with an optional
/// class per pixel, patches of `patch`×`patch`, shuffled from `seed`.
#[wasm_bindgen(js_name = segmentationData)]
#[allow(clippy::too_many_arguments)]
pub fn segmentation_data(
    name: &str,
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    truth: Option<Vec<u8>>,
    patch: usize,
    seed: u32,
) -> Result<Data, JsError> {
    let data =
        patches::dataset(name, (pixels, width, height, channels), truth.as_deref(), patch, seed).map_err(js_error)?;
    Ok(Data(Rc::new(data)))
}

/// A texture mosaic: `{pixels, truth, width, height, channels, classNames}`.
#[wasm_bindgen(js_name = mosaicScene)]
pub fn mosaic_scene(seed: u32, size: usize, regions: usize) -> Result<JsValue, JsError> {
    scene_object(scenes::mosaic(seed, size, regions).map_err(js_error)?)
}

/// MNIST digits (from `digits`) on stripes, `grid`×`grid` of them: the same object.
#[wasm_bindgen(js_name = digitsScene)]
pub fn digits_scene(seed: u32, digits: &Data, grid: usize) -> Result<JsValue, JsError> {
    scene_object(scenes::digits_on_stripes(seed, &digits.0, grid).map_err(js_error)?)
}

fn map_object(map: &Map) -> Result<JsValue, JsError> {
    let o = js_sys::Object::new();
    set(&o, "classes", js_sys::Uint8Array::from(&map.classes[..]).into())?;
    set(&o, "accuracy", map.accuracy.map_or(JsValue::NULL, JsValue::from))?;
    set(&o, "meanIoU", map.mean_iou.map_or(JsValue::NULL, JsValue::from))?;
    Ok(o.into())
}

#[wasm_bindgen]
impl Playground {
    /// The maps from labelled pixels (`scribbles`: x, y, label, x, y, label, …), each pixel's features
    /// averaged over a `window`×`window` window, the encoder fine-tuned `fineTune` steps through a
    /// classifier first (0: not): `{width, height, classCount, code, rawPixels, pca}`,
    /// each map `{classes (Uint8Array, row-major), accuracy, meanIoU}` (null without a truth).
    pub fn segment(&self, scribbles: &[u32], window: usize, fine_tune: usize) -> Result<JsValue, JsError> {
        let scribbles: Vec<Scribble> =
            scribbles.chunks_exact(3).map(|s| Scribble { x: s[0], y: s[1], label: s[2].min(255) as u8 }).collect();
        let seg = self.session.segment(&scribbles, window, fine_tune).map_err(js_error)?;
        let o = js_sys::Object::new();
        set(&o, "width", seg.width.into())?;
        set(&o, "height", seg.height.into())?;
        set(&o, "classCount", seg.class_count.into())?;
        set(&o, "code", map_object(&seg.code)?)?;
        set(&o, "rawPixels", map_object(&seg.raw_pixels)?)?;
        set(&o, "pca", map_object(&seg.pca)?)?;
        Ok(o.into())
    }
}
