//! The autoencoder playground's engine: data, models, and training written once over a backend
//! interface (`backend`, `engine`) with a plain-loop CPU reference backend and a WebGPU backend on
//! wgpu (`gpu`), and (on wasm32) the thin JavaScript boundary in `wasm_api`.

pub mod architecture;
pub mod backend;
pub mod bench;
pub mod classify;
pub mod config;
pub mod corrupt;
pub mod data;
pub mod engine;
pub mod error;
pub mod export;
pub mod inspect;
pub mod layers;
pub mod matmul;
pub mod net;
pub mod optim;
pub mod pca;
pub mod penalties;
pub mod projection;
pub mod real;
pub mod rng;
pub mod session;
pub mod snapshot;
pub mod stepping;
pub mod train;
pub mod views;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm_gemm;

#[cfg(feature = "gpu")]
pub mod gpu;

/// The JavaScript API (wasm32 only); public so browser tests can call it from Rust.
#[cfg(target_arch = "wasm32")]
pub mod wasm_api;

pub use config::Config;
pub use data::Dataset;
pub use error::{Error, Result};
pub use session::Session;
pub use train::Trainer;
