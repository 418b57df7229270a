//! f32 matrix product for wasm with SIMD128, C = A·B + β·C on strided matrices (either operand may be
//! transposed by its strides): blocked and packed as in BLIS, around a 4×8 micro-kernel written with
//! wasm's vector instructions. SIMD128 has no fused multiply-add, so each step is a multiply and an
//! add; built with relaxed SIMD (the threaded module) it is one `f32x4.relaxed_madd` (`madd`).
//! 8 accumulators, 2 vectors of B and one broadcast of A fit the 16 vector registers V8 uses on x86.

use core::arch::wasm32::*;

const MR: usize = 4; // rows of C per micro-tile
const NR: usize = 8; // columns of C per micro-tile (two vectors)
const KC: usize = 256; // depth of one packed slice: an A panel (4 KB) and a B panel (8 KB) stay in L1
const MC: usize = 64; // rows of A packed at once (64 KB)
const NC: usize = 1024; // columns of B packed at once (1 MB)

/// A strided matrix: element (i, j) at `ptr + i·rs + j·cs`.
#[derive(Clone, Copy)]
struct Strided {
    ptr: *const f32,
    rs: isize,
    cs: isize,
}

impl Strided {
    unsafe fn at(self, i: usize, j: usize) -> f32 {
        *self.ptr.offset(i as isize * self.rs + j as isize * self.cs)
    }

    fn transposed(self) -> Strided {
        Strided { rs: self.cs, cs: self.rs, ..self }
    }
}

/// Packs rows r0..r0+rows, columns p0..p0+kc of `x` into panels of `width` rows, column-major within
/// a panel (k-major), zero-padded past the last row. A packs its rows; B packs its columns (as the rows
/// of its transpose).
unsafe fn pack(out: &mut [f32], x: Strided, width: usize, r0: usize, rows: usize, p0: usize, kc: usize) {
    for (panel, first) in out.chunks_exact_mut(width * kc).zip((0..rows).step_by(width)) {
        for p in 0..kc {
            for r in 0..width {
                let i = first + r;
                panel[p * width + r] = if i < rows { x.at(r0 + i, p0 + p) } else { 0.0 };
            }
        }
    }
}

/// c + x·b: one fused multiply-add where the module is built with relaxed SIMD (rounded once, or
/// twice where the CPU has no FMA: relaxed SIMD leaves that to the engine), else a multiply and an add.
#[inline(always)]
fn madd(x: v128, b: v128, c: v128) -> v128 {
    #[cfg(target_feature = "relaxed-simd")]
    return f32x4_relaxed_madd(x, b, c);
    #[cfg(not(target_feature = "relaxed-simd"))]
    return f32x4_add(c, f32x4_mul(x, b));
}

/// The 4×8 product of one A panel and one B panel over `kc`, as 4 rows of 2 vectors.
#[inline(always)]
unsafe fn micro_kernel(kc: usize, a: *const f32, b: *const f32) -> [[v128; 2]; MR] {
    let zero = f32x4_splat(0.0);
    let (mut c00, mut c01, mut c10, mut c11) = (zero, zero, zero, zero);
    let (mut c20, mut c21, mut c30, mut c31) = (zero, zero, zero, zero);
    for p in 0..kc {
        let b0 = v128_load(b.add(p * NR) as *const v128);
        let b1 = v128_load(b.add(p * NR + 4) as *const v128);
        let a_p = a.add(p * MR);
        let x = f32x4_splat(*a_p);
        c00 = madd(x, b0, c00);
        c01 = madd(x, b1, c01);
        let x = f32x4_splat(*a_p.add(1));
        c10 = madd(x, b0, c10);
        c11 = madd(x, b1, c11);
        let x = f32x4_splat(*a_p.add(2));
        c20 = madd(x, b0, c20);
        c21 = madd(x, b1, c21);
        let x = f32x4_splat(*a_p.add(3));
        c30 = madd(x, b0, c30);
        c31 = madd(x, b1, c31);
    }
    [[c00, c01], [c10, c11], [c20, c21], [c30, c31]]
}

/// C[m, n] = A[m, k]·B[k, n] + β·C; β = 0 overwrites C without reading it.
///
/// # Safety
/// Every element the shapes and strides reach must lie inside its allocation, and C must not overlap
/// A or B.
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm(
    m: usize,
    k: usize,
    n: usize,
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
    let (a, b) = (Strided { ptr: a, rs: rsa, cs: csa }, Strided { ptr: b, rs: rsb, cs: csb });
    let c_at = |i: usize, j: usize| c.offset(i as isize * rsc + j as isize * csc);
    if k == 0 {
        for i in 0..m {
            for j in 0..n {
                *c_at(i, j) = if beta == 0.0 { 0.0 } else { beta * *c_at(i, j) };
            }
        }
        return;
    }
    // Sized to this product's blocks (training's layers are often far smaller than a whole block),
    // and kept from one product to the next: a training step makes dozens, and zeroing fresh panels
    // of up to a megabyte each time cost more than some of the products.
    let kc_max = KC.min(k);
    let (a_len, b_len) = (MC.min(m).div_ceil(MR) * MR * kc_max, NC.min(n).div_ceil(NR) * NR * kc_max);
    PANELS.with_borrow_mut(|(packed_a, packed_b)| {
        for (panel, len) in [(&mut *packed_a, a_len), (&mut *packed_b, b_len)] {
            if panel.len() < len {
                panel.resize(len, 0.0);
            }
        }
        blocked(m, k, n, a, b, beta, c, rsc, csc, packed_a, packed_b);
    });
}

thread_local! {
    /// The packed panels of A and B, grown to the largest product so far (pack overwrites what it uses).
    static PANELS: std::cell::RefCell<(Vec<f32>, Vec<f32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// The blocked product over the packed panels.
#[allow(clippy::too_many_arguments)]
unsafe fn blocked(
    m: usize,
    k: usize,
    n: usize,
    a: Strided,
    b: Strided,
    beta: f32,
    c: *mut f32,
    rsc: isize,
    csc: isize,
    packed_a: &mut [f32],
    packed_b: &mut [f32],
) {
    let c_at = |i: usize, j: usize| c.offset(i as isize * rsc + j as isize * csc);
    for j0 in (0..n).step_by(NC) {
        let nc = NC.min(n - j0);
        for p0 in (0..k).step_by(KC) {
            let kc = KC.min(k - p0);
            // The first slice applies β; the later ones add to what it wrote.
            let beta = if p0 == 0 { beta } else { 1.0 };
            pack(&mut packed_b[..nc.div_ceil(NR) * NR * kc], b.transposed(), NR, j0, nc, p0, kc);
            for i0 in (0..m).step_by(MC) {
                let mc = MC.min(m - i0);
                pack(&mut packed_a[..mc.div_ceil(MR) * MR * kc], a, MR, i0, mc, p0, kc);
                for (jp, jr) in (0..nc).step_by(NR).enumerate() {
                    let b_panel = packed_b.as_ptr().add(jp * NR * kc);
                    for (ip, ir) in (0..mc).step_by(MR).enumerate() {
                        let tile = micro_kernel(kc, packed_a.as_ptr().add(ip * MR * kc), b_panel);
                        if csc == 1 && ir + MR <= mc && jr + NR <= nc && (beta == 0.0 || beta == 1.0) {
                            // A whole tile of contiguous rows: vector stores.
                            for (r, vectors) in tile.iter().enumerate() {
                                let out = c_at(i0 + ir + r, j0 + jr) as *mut v128;
                                for (h, &v) in vectors.iter().enumerate() {
                                    let at = out.add(h);
                                    v128_store(at, if beta == 0.0 { v } else { f32x4_add(v, v128_load(at)) });
                                }
                            }
                            continue;
                        }
                        let mut values = [[0.0f32; NR]; MR];
                        for (row, vectors) in values.iter_mut().zip(tile) {
                            v128_store(row.as_mut_ptr() as *mut v128, vectors[0]);
                            v128_store(row.as_mut_ptr().add(4) as *mut v128, vectors[1]);
                        }
                        for (r, row) in values.iter().enumerate().take(mc - ir) {
                            for (q, &v) in row.iter().enumerate().take(nc - jr) {
                                let out = c_at(i0 + ir + r, j0 + jr + q);
                                *out = if beta == 0.0 { v } else { v + beta * *out };
                            }
                        }
                    }
                }
            }
        }
    }
}
