//! The arithmetic kernels: the CPU matmul and its plain-loop reference (`matmul`), split over threads
//! where there are threads (`threads`, with the helper threads in `crew`), the wasm SIMD128
//! GEMM the browser's CPU engine uses (`wasm_gemm`), and the WGSL kernels with the wgpu context that
//! drives them (`gpu/`).

pub mod crew;
pub mod matmul;
pub mod threads;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod wasm_gemm;

#[cfg(feature = "gpu")]
pub mod gpu;
