//! The autoencoder playground's engine, in folders by concept:
//! - `model/`: what is trained: layers and losses, penalties, corruption, the network over one flat
//!   parameter buffer, architectures built from the settings, the optimizers;
//! - `train/`: training it: the backend interface and its CPU and WebGPU backends, the training step
//!   written once over it (`engine/`), one phase's trainer, a whole session of phases, the steps on a
//!   device, few-label classifiers;
//! - `analysis/`: what the panels show: PCA, the latent projection, reconstructions and codes, filters;
//! - `data/`: datasets, and the files people upload; `io/`: model files and saved runs;
//! - `kernels/`: the CPU matmul, the wasm SIMD GEMM and the WGSL kernels with their drivers;
//! - `wasm_api/` (wasm32 only): the thin JavaScript boundary.

pub mod analysis;
pub mod data;
pub mod error;
pub mod io;
pub mod kernels;
pub mod model;
pub mod real;
pub mod rng;
pub mod train;

/// The GEMM benchmark (natively always; in wasm only in the bench pages' module).
#[cfg(any(feature = "bench", not(target_arch = "wasm32")))]
pub mod bench;

/// The JavaScript API (wasm32 only); public so browser tests can call it from Rust.
#[cfg(target_arch = "wasm32")]
pub mod wasm_api;

pub use data::Dataset;
pub use error::{Error, Result};
pub use model::config::Config;
pub use train::session::Session;
pub use train::trainer::Trainer;
