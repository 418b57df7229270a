//! CPU matrix products: a fast one (natively `matrixmultiply`, with AVX/AVX-512; on wasm our own
//! SIMD128 kernel in wasm_gemm.rs) and a plain-loop reference that tests hold every other kernel against, the GPU's included.
//!
//! Shapes: out is [M, N]; op(a) is [M, K] and op(b) is [K, N], where op transposes when asked, by
//! strides only (no copies). All matrices are row-major, f32 or f64.

use super::threads::{for_each_part, split, Split};
use crate::real::Real;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    Plain,
    Transposed,
}

/// Row and column strides of op(x) for x stored row-major as [rows, cols] before op.
fn strides(op: Operand, stored_cols: usize) -> (isize, isize) {
    match op {
        Operand::Plain => (stored_cols as isize, 1),
        Operand::Transposed => (1, stored_cols as isize),
    }
}

/// out = op(a)·op(b), or out += op(a)·op(b) when `accumulate`.
#[allow(clippy::too_many_arguments)]
pub fn matmul<T: Real>(
    out: &mut [T],
    a: &[T],
    op_a: Operand,
    b: &[T],
    op_b: Operand,
    m: usize,
    k: usize,
    n: usize,
    accumulate: bool,
) {
    assert!(a.len() >= m * k && b.len() >= k * n && out.len() >= m * n, "matmul: operand smaller than its shape");
    let (rsa, csa) = strides(op_a, if op_a == Operand::Plain { k } else { m });
    let (rsb, csb) = strides(op_b, if op_b == Operand::Plain { n } else { k });
    let beta = if accumulate { T::one() } else { T::zero() };
    let (a, b, c) = (a.as_ptr() as usize, b.as_ptr() as usize, out.as_mut_ptr() as usize);
    // The product of rows `r` of op(a) and columns `cols` of op(b), into that block of out.
    let block = |r: Range<usize>, cols: Range<usize>| {
        let (a, b, c) = (a as *const T, b as *const T, c as *mut T);
        // SAFETY: the assert above guarantees every element the strides reach lies inside its slice;
        // a block starts at row r.start of op(a) and of out, and at column cols.start of op(b) and of
        // out, and the blocks of one product do not overlap in out.
        unsafe {
            T::gemm(
                r.len(),
                k,
                cols.len(),
                T::one(),
                a.offset(r.start as isize * rsa),
                rsa,
                csa,
                b.offset(cols.start as isize * csb),
                rsb,
                csb,
                beta,
                c.add(r.start * n + cols.start),
                n as isize,
                1,
            )
        }
    };
    // Split among the threads (threads.rs) along the longer side of out: each block packs only its
    // share of that side's operand.
    match split(m, k, n) {
        None => block(0..m, 0..n),
        Some(Split::Rows(rows)) => for_each_part(m, rows, |r| block(r, 0..n)),
        Some(Split::Columns(cols)) => for_each_part(n, cols, |c| block(0..m, c)),
    }
}

/// The reference: three plain loops, accumulated in f64.
#[allow(clippy::too_many_arguments)]
pub fn matmul_reference<T: Real>(
    out: &mut [T],
    a: &[T],
    op_a: Operand,
    b: &[T],
    op_b: Operand,
    m: usize,
    k: usize,
    n: usize,
    accumulate: bool,
) {
    let at = |i: usize, p: usize| if op_a == Operand::Plain { a[i * k + p] } else { a[p * m + i] };
    let bt = |p: usize, j: usize| if op_b == Operand::Plain { b[p * n + j] } else { b[j * k + p] };
    for i in 0..m {
        for j in 0..n {
            let mut sum = 0.0f64;
            for p in 0..k {
                sum += at(i, p).to_f64().unwrap() * bt(p, j).to_f64().unwrap();
            }
            let prev = if accumulate { out[i * n + j] } else { T::zero() };
            out[i * n + j] = prev + T::of(sum);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Rng};

    fn random(len: usize, counter: u32) -> Vec<f32> {
        let s = Rng::new(3).stream(Purpose::Sample, counter);
        (0..len as u32).map(|i| s.uniform(i) * 2.0 - 1.0).collect()
    }

    #[test]
    fn fast_matches_reference_for_every_transpose_and_odd_shapes() {
        let (m, k, n) = (37, 53, 29);
        for op_a in [Operand::Plain, Operand::Transposed] {
            for op_b in [Operand::Plain, Operand::Transposed] {
                for accumulate in [false, true] {
                    let (a, b) = (random(m * k, 1), random(k * n, 2));
                    let mut fast = random(m * n, 3);
                    let mut slow = fast.clone();
                    matmul(&mut fast, &a, op_a, &b, op_b, m, k, n, accumulate);
                    matmul_reference(&mut slow, &a, op_a, &b, op_b, m, k, n, accumulate);
                    for (x, y) in fast.iter().zip(&slow) {
                        assert!((x - y).abs() <= 1e-5 * (1.0 + y.abs()), "{op_a:?} {op_b:?} {accumulate}: {x} vs {y}");
                    }
                }
            }
        }
    }
}
