//! The float type the engine computes in: f32 for training, f64 for gradient checks that f32 cannot
//! resolve. Everything numeric is generic over `Real`; only the matrix product differs per type.

use num_traits::Float;
use std::fmt::Debug;
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

pub trait Real:
    Float + Default + Debug + Sum + AddAssign + SubAssign + MulAssign + DivAssign + Send + Sync + 'static
{
    /// Converts from f64 (rounding for f32).
    fn of(x: f64) -> Self;

    /// C = α·A·B + β·C on strided matrices (`matrixmultiply`'s sgemm or dgemm).
    ///
    /// # Safety
    /// Every element the shapes and strides address must lie inside the allocations behind the pointers.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
}

impl Real for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f32,
        a: *const f32,
        rsa: isize,
        csa: isize,
        b: *const f32,
        rsb: isize,
        csb: isize,
        beta: f32,
        c: *mut f32,
        rsc: isize,
        csc: isize,
    ) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if alpha == 1.0 {
            return crate::kernels::wasm_gemm::sgemm(m, k, n, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
        }
        matrixmultiply::sgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc)
    }
}

impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f64,
        a: *const f64,
        rsa: isize,
        csa: isize,
        b: *const f64,
        rsb: isize,
        csb: isize,
        beta: f64,
        c: *mut f64,
        rsc: isize,
        csc: isize,
    ) {
        matrixmultiply::dgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc)
    }
}
