//! The arithmetic kernels: the CPU matmul and its plain-loop reference (`matmul`), split over threads
//! by rows of its output where there are threads (`threads`), the wasm SIMD128
//! GEMM the browser's CPU engine uses (`wasm_gemm`), and the WGSL kernels with the wgpu context that
//! drives them (`gpu/`).

pub mod matmul;
pub mod crew;
pub mod threads;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod wasm_gemm;

#[cfg(feature = "gpu")]
pub mod gpu;
