//! The browser's own account of its WebGPU adapter. wgpu reports only the adapter's description,
//! which browsers usually leave empty; `GPUAdapterInfo` also has vendor and architecture.

use crate::error::{Error, Result};
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn text(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_default()
}

/// "google swiftshader (WebGPU, software)", or why there is no WebGPU adapter here.
pub async fn adapter_description() -> Result<String> {
    let gpu = get(&js_sys::global(), "navigator");
    let gpu = if gpu.is_undefined() { gpu } else { get(&gpu, "gpu") };
    if gpu.is_undefined() || gpu.is_null() {
        return Err(Error::new("this browser has no WebGPU (navigator.gpu is missing)"));
    }
    let request = get(&gpu, "requestAdapter")
        .dyn_into::<js_sys::Function>()
        .map_err(|_| Error::new("navigator.gpu.requestAdapter is missing"))?;
    // The same preference wgpu asks with, so that this describes the adapter training gets.
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"powerPreference".into(), &"high-performance".into())
        .map_err(|_| Error::new("could not build the adapter options"))?;
    let promise: Promise =
        request.call1(&gpu, &options).map_err(|e| Error::new(format!("requestAdapter threw {e:?}")))?.unchecked_into();
    let adapter = JsFuture::from(promise).await.map_err(|e| Error::new(format!("requestAdapter failed: {e:?}")))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err(Error::new("navigator.gpu offers no adapter (WebGPU may be disabled or blocklisted for this GPU)"));
    }
    let info = get(&adapter, "info");
    let parts: Vec<String> =
        ["vendor", "architecture", "description"].iter().map(|k| text(&info, k)).filter(|s| !s.is_empty()).collect();
    let name = if parts.is_empty() { "unnamed adapter".to_string() } else { parts.join(" ") };
    let fallback = get(&info, "isFallbackAdapter").as_bool().or_else(|| get(&adapter, "isFallbackAdapter").as_bool());
    let kind = if fallback == Some(true) { "software" } else { "hardware" };
    Ok(format!("{name} (WebGPU, {kind})"))
}
