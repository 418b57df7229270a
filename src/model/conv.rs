//! Convolutions over images stored channels-last, [B, H, W, C] (each pixel's channels side by side,
//! as datasets store colour): a layer's geometry, the im2col/col2im pair that the engine builds a
//! convolution and a transposed convolution from (each then one product with the weight), and the
//! direct plain-loop convolution and transposed convolution that check them (tests/conv.rs).
//! Padding is PyTorch's `padding = (k − 1)/2` for an odd kernel k: "same" size at stride 1, and
//! ⌈H/s⌉ at stride s. Shape letters: B = batch, K = kernel, F = filters.

use crate::real::Real;
use serde::{Deserialize, Serialize};

/// A convolution from the large map [H, W, C] to the small one [OH, OW, F] (a transposed convolution
/// runs it backwards: from the small map to the large one, which is why both share this).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geometry {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
    pub kernel: usize,
    pub stride: usize,
    pub filters: usize,
}

impl Geometry {
    /// Zeros around each side of the large map.
    pub fn pad(&self) -> usize {
        (self.kernel - 1) / 2
    }
    pub fn out_height(&self) -> usize {
        (self.height + 2 * self.pad() - self.kernel) / self.stride + 1
    }
    pub fn out_width(&self) -> usize {
        (self.width + 2 * self.pad() - self.kernel) / self.stride + 1
    }
    /// Output positions per sample: OH·OW.
    pub fn positions(&self) -> usize {
        self.out_height() * self.out_width()
    }
    /// Values of one patch: K·K·C.
    pub fn patch(&self) -> usize {
        self.kernel * self.kernel * self.channels
    }
    /// Values of the large map per sample: H·W·C.
    pub fn large(&self) -> usize {
        self.height * self.width * self.channels
    }
    /// Values of the small map per sample: OH·OW·F.
    pub fn small(&self) -> usize {
        self.positions() * self.filters
    }

    /// The large map's index of patch value (ky, kx) at output position (oy, ox), if inside the image
    /// (channel 0; the channels follow).
    fn source(&self, sample: usize, oy: usize, ox: usize, ky: usize, kx: usize) -> Option<usize> {
        let y = (oy * self.stride + ky).checked_sub(self.pad()).filter(|&y| y < self.height)?;
        let x = (ox * self.stride + kx).checked_sub(self.pad()).filter(|&x| x < self.width)?;
        Some(((sample * self.height + y) * self.width + x) * self.channels)
    }
}

/// cols [B·OH·OW, K·K·C]: row (b, oy, ox) holds the patch of x [B, H, W, C] under output position
/// (oy, ox), in (ky, kx, c) order, zero where the patch leaves the image.
pub fn im2col<T: Real>(cols: &mut [T], x: &[T], g: &Geometry, rows: usize) {
    let mut row = 0;
    for b in 0..rows {
        for oy in 0..g.out_height() {
            for ox in 0..g.out_width() {
                let patch = &mut cols[row * g.patch()..(row + 1) * g.patch()];
                // One channel (grey images) copied as a value: a slice copy is a call on wasm.
                for_window(g, b, oy, ox, |at, source| match (source, g.channels) {
                    (Some(from), 1) => patch[at] = x[from],
                    (Some(from), c) => patch[at..at + c].copy_from_slice(&x[from..from + c]),
                    (None, c) => patch[at..at + c].fill(T::zero()),
                });
                row += 1;
            }
        }
    }
}

/// im2col's adjoint: x [B, H, W, C] = for each pixel, the sum of the cols values that im2col would
/// have copied from it (overwrites x).
pub fn col2im<T: Real>(x: &mut [T], cols: &[T], g: &Geometry, rows: usize) {
    x[..rows * g.large()].fill(T::zero());
    let mut row = 0;
    for b in 0..rows {
        for oy in 0..g.out_height() {
            for ox in 0..g.out_width() {
                let patch = &cols[row * g.patch()..(row + 1) * g.patch()];
                for_window(g, b, oy, ox, |at, source| {
                    if let Some(to) = source {
                        for (v, &d) in x[to..to + g.channels].iter_mut().zip(&patch[at..at + g.channels]) {
                            *v += d;
                        }
                    }
                });
                row += 1;
            }
        }
    }
}

/// Calls `visit(offset in the patch, the large map's index)` for each pixel (ky, kx) of the window
/// under output position (oy, ox) of sample b, row by row (None: outside the image, a zero).
#[inline(always)]
fn for_window(g: &Geometry, b: usize, oy: usize, ox: usize, mut visit: impl FnMut(usize, Option<usize>)) {
    let (k, c) = (g.kernel, g.channels);
    for ky in 0..k {
        let y = (oy * g.stride + ky).checked_sub(g.pad()).filter(|&y| y < g.height);
        for kx in 0..k {
            let x = (ox * g.stride + kx).checked_sub(g.pad()).filter(|&x| x < g.width);
            let source = y.zip(x).map(|(y, x)| ((b * g.height + y) * g.width + x) * c);
            visit((ky * k + kx) * c, source);
        }
    }
}

/// The direct convolution, as its definition reads: y[b, oy, ox, f] = bias[f] +
/// Σ_{ky, kx, c} x[b, oy·s − p + ky, ox·s − p + kx, c] · w[(ky·K + kx)·C + c, f], with w [K·K·C, F].
pub fn conv_direct<T: Real>(y: &mut [T], x: &[T], w: &[T], bias: &[T], g: &Geometry, rows: usize) {
    let (f_count, c, k) = (g.filters, g.channels, g.kernel);
    for b in 0..rows {
        for oy in 0..g.out_height() {
            for ox in 0..g.out_width() {
                for f in 0..f_count {
                    let mut sum = bias[f];
                    for ky in 0..k {
                        for kx in 0..k {
                            let Some(at) = g.source(b, oy, ox, ky, kx) else { continue };
                            for ch in 0..c {
                                sum += x[at + ch] * w[((ky * k + kx) * c + ch) * f_count + f];
                            }
                        }
                    }
                    y[((b * g.out_height() + oy) * g.out_width() + ox) * f_count + f] = sum;
                }
            }
        }
    }
}

/// The direct transposed convolution (PyTorch's `ConvTranspose2d` with the same padding, sized back
/// to the large map): each small-map value x[b, oy, ox, f] adds x · w[f, (ky·K + kx)·C + c] to
/// y[b, oy·s − p + ky, ox·s − p + kx, c], with w [F, K·K·C]; then y += bias[c].
pub fn conv_transpose_direct<T: Real>(y: &mut [T], x: &[T], w: &[T], bias: &[T], g: &Geometry, rows: usize) {
    let (f_count, c, k) = (g.filters, g.channels, g.kernel);
    for (v, i) in y[..rows * g.large()].iter_mut().zip(0..) {
        *v = bias[i % c];
    }
    for b in 0..rows {
        for oy in 0..g.out_height() {
            for ox in 0..g.out_width() {
                for f in 0..f_count {
                    let value = x[((b * g.out_height() + oy) * g.out_width() + ox) * f_count + f];
                    for ky in 0..k {
                        for kx in 0..k {
                            let Some(at) = g.source(b, oy, ox, ky, kx) else { continue };
                            for ch in 0..c {
                                y[at + ch] += value * w[f * g.patch() + (ky * k + kx) * c + ch];
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 2×2 max pooling of a map [B, H, W, C] (H and W even) into [B, H/2, W/2, C], and its mirror in
/// the decoder, nearest-neighbour upsampling back to [B, H, W, C]. `height`, `width`, `channels`
/// are the large map's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pooling {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
}

impl Pooling {
    pub fn large(&self) -> usize {
        self.height * self.width * self.channels
    }
    pub fn small(&self) -> usize {
        self.large() / 4
    }
    /// The large map's index of window value `k` (0..4, row by row) over small-map value `i`.
    fn source(&self, i: usize, k: usize) -> usize {
        let c = self.channels;
        let (half_w, half_h) = (self.width / 2, self.height / 2);
        let (ch, x, y, b) = (i % c, (i / c) % half_w, (i / (c * half_w)) % half_h, i / (c * half_w * half_h));
        ((b * self.height + 2 * y + k / 2) * self.width + 2 * x + k % 2) * c + ch
    }
}

/// y [B, H/2, W/2, C] = each 2×2 window's largest value of x; `which` keeps the window position it
/// came from (0..4, row by row; the first of equal values), for the backward pass.
pub fn max_pool<T: Real>(y: &mut [T], which: &mut [T], x: &[T], p: &Pooling, rows: usize) {
    for i in 0..rows * p.small() {
        let mut best = 0;
        for k in 1..4 {
            if x[p.source(i, k)] > x[p.source(i, best)] {
                best = k;
            }
        }
        y[i] = x[p.source(i, best)];
        which[i] = T::of(best as f64);
    }
}

/// dx [B, H, W, C] = dy at each window's largest value, 0 elsewhere (overwrites dx).
pub fn max_pool_backward<T: Real>(dx: &mut [T], dy: &[T], which: &[T], p: &Pooling, rows: usize) {
    dx[..rows * p.large()].fill(T::zero());
    for i in 0..rows * p.small() {
        dx[p.source(i, which[i].to_usize().unwrap_or(0))] = dy[i];
    }
}

/// y [B, H, W, C] = x [B, H/2, W/2, C] with each value copied to its 2×2 window.
pub fn upsample<T: Real>(y: &mut [T], x: &[T], p: &Pooling, rows: usize) {
    for (i, &v) in x[..rows * p.small()].iter().enumerate() {
        (0..4).for_each(|k| y[p.source(i, k)] = v);
    }
}

/// dx [B, H/2, W/2, C] = the sum of dy over each 2×2 window (upsample's adjoint).
pub fn upsample_backward<T: Real>(dx: &mut [T], dy: &[T], p: &Pooling, rows: usize) {
    for (i, d) in dx[..rows * p.small()].iter_mut().enumerate() {
        *d = (0..4).map(|k| dy[p.source(i, k)]).fold(T::zero(), |a, b| a + b);
    }
}
