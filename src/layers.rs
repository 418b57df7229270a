//! Forward/backward pairs for the pieces of an autoencoder, written on flat slices with the output
//! first. Shape letters: B = batch, C = input channels (features), OC = output channels.
//! Every backward here has a finite-difference check in tests/gradients.rs.

use crate::matmul::{matmul, Op};
use serde::{Deserialize, Serialize};

/// out[B, OC] = inp[B, C] · weight[C, OC] + bias[OC]
pub fn linear_forward(out: &mut [f32], inp: &[f32], weight: &[f32], bias: &[f32], b: usize, c: usize, oc: usize) {
    for row in out[..b * oc].chunks_exact_mut(oc) {
        row.copy_from_slice(&bias[..oc]);
    }
    matmul(out, inp, Op::Plain, weight, Op::Plain, b, c, oc, true);
}

/// Given dout = ∂L/∂out, accumulates dweight += inpᵀ·dout and dbias += Σ_rows dout, and, when asked,
/// writes dinp = dout·weightᵀ.
#[allow(clippy::too_many_arguments)]
pub fn linear_backward(
    dinp: Option<&mut [f32]>,
    dweight: &mut [f32],
    dbias: &mut [f32],
    dout: &[f32],
    inp: &[f32],
    weight: &[f32],
    b: usize,
    c: usize,
    oc: usize,
) {
    matmul(dweight, inp, Op::Transposed, dout, Op::Plain, c, b, oc, true);
    for row in dout[..b * oc].chunks_exact(oc) {
        for (db, d) in dbias.iter_mut().zip(row) {
            *db += d;
        }
    }
    if let Some(dinp) = dinp {
        matmul(dinp, dout, Op::Plain, weight, Op::Transposed, b, oc, c, false);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    Linear,
}

impl Activation {
    /// Scale of the Glorot-uniform initial weights. Sigmoid's slope at 0 is 1/4, so its layers need 4×
    /// the range to pass signal and gradient at the same strength (Glorot & Bengio 2010, §4.2);
    /// with 1× a sigmoid autoencoder sits on the mean image for about a thousand steps. ReLU zeroes
    /// half its inputs: √2 (He et al. 2015).
    pub fn init_gain(self) -> f32 {
        match self {
            Activation::Sigmoid => 4.0,
            Activation::Relu => std::f32::consts::SQRT_2,
            Activation::Tanh | Activation::Linear => 1.0,
        }
    }

    /// Applied in place: x ← f(x).
    pub fn forward(self, x: &mut [f32]) {
        match self {
            Activation::Sigmoid => x.iter_mut().for_each(|v| *v = 1.0 / (1.0 + (-*v).exp())),
            Activation::Tanh => x.iter_mut().for_each(|v| *v = v.tanh()),
            Activation::Relu => x.iter_mut().for_each(|v| *v = v.max(0.0)),
            Activation::Linear => {}
        }
    }

    /// In place, from the activation's output y = f(z): d ← d · f'(z), with f' written in y.
    pub fn backward(self, d: &mut [f32], y: &[f32]) {
        match self {
            // σ'(z) = σ(z)(1 − σ(z))
            Activation::Sigmoid => d.iter_mut().zip(y).for_each(|(d, y)| *d *= y * (1.0 - y)),
            // tanh'(z) = 1 − tanh²(z)
            Activation::Tanh => d.iter_mut().zip(y).for_each(|(d, y)| *d *= 1.0 - y * y),
            // relu'(z) = 1 where z > 0 (y > 0), else 0
            Activation::Relu => d.iter_mut().zip(y).for_each(|(d, y)| *d = if *y > 0.0 { *d } else { 0.0 }),
            Activation::Linear => {}
        }
    }
}

/// Squared error summed over each sample's values, averaged over the batch:
/// L = (1/B) Σ_b Σ_j (out − target)². Returns L.
pub fn squared_error_forward(out: &[f32], target: &[f32], b: usize) -> f32 {
    let sum: f64 = out.iter().zip(target).map(|(o, t)| ((o - t) as f64).powi(2)).sum();
    (sum / b as f64) as f32
}

/// dout = ∂L/∂out = 2(out − target)/B
pub fn squared_error_backward(dout: &mut [f32], out: &[f32], target: &[f32], b: usize) {
    let scale = 2.0 / b as f32;
    for ((d, o), t) in dout.iter_mut().zip(out).zip(target) {
        *d = scale * (o - t);
    }
}
