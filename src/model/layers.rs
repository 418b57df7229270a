//! Forward/backward pairs for the pieces of every network here, on flat row-major slices with the
//! output first. Shape letters: B = batch, C = input features, OC = output features.
//! Every backward has a finite-difference check in tests/gradients.rs.

use crate::kernels::matmul::Operand;
use crate::real::Real;
use serde::{Deserialize, Serialize};

/// How a dense layer holds its weight: its own [C, OC], or the transpose of another layer's [OC, C]
/// (a tied decoder reusing its encoder's weight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightLayout {
    Own,
    TransposeOf,
}

impl WeightLayout {
    /// How the forward pass reads the stored weight: as stored, or transposed.
    pub fn op(self) -> Operand {
        match self {
            WeightLayout::Own => Operand::Plain,
            WeightLayout::TransposeOf => Operand::Transposed,
        }
    }
}

/// z[B, OC] += bias[OC] on every row.
pub fn add_bias<T: Real>(z: &mut [T], bias: &[T]) {
    for row in z.chunks_exact_mut(bias.len()) {
        row.iter_mut().zip(bias).for_each(|(v, &b)| *v += b);
    }
}

/// A bias's gradient: dbias[OC] += Σ_rows dout[B, OC].
pub fn bias_backward<T: Real>(dbias: &mut [T], dout: &[T], b: usize, oc: usize) {
    for row in dout[..b * oc].chunks_exact(oc) {
        dbias[..oc].iter_mut().zip(row).for_each(|(db, &d)| *db += d);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Linear,
}

/// Slope of leaky ReLU for negative inputs.
pub const LEAK: f64 = 0.01;

impl Activation {
    /// Applied in place: x ← f(x).
    pub fn forward<T: Real>(self, x: &mut [T]) {
        let leak = T::of(LEAK);
        match self {
            Activation::Sigmoid => x.iter_mut().for_each(|v| *v = sigmoid(*v)),
            Activation::Tanh => x.iter_mut().for_each(|v| *v = v.tanh()),
            // A comparison, not `max`: on wasm, f32::max is a call (IEEE maxNum), several times slower.
            Activation::Relu => x.iter_mut().for_each(|v| *v = if *v > T::zero() { *v } else { T::zero() }),
            Activation::LeakyRelu => x.iter_mut().for_each(|v| *v = if *v > T::zero() { *v } else { leak * *v }),
            Activation::Linear => {}
        }
    }

    /// f'(z) written in the output y = f(z).
    pub fn slope<T: Real>(self, y: T) -> T {
        match self {
            Activation::Sigmoid => y * (T::one() - y), // σ' = σ(1 − σ)
            Activation::Tanh => T::one() - y * y,      // tanh' = 1 − tanh²
            Activation::Relu => {
                if y > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::LeakyRelu => {
                if y > T::zero() {
                    T::one()
                } else {
                    T::of(LEAK)
                }
            }
            Activation::Linear => T::one(),
        }
    }

    /// d(f'(z))/dz written in y, for the contractive penalty: σ'' = σ'(1 − 2σ), tanh'' = −2·tanh·tanh';
    /// zero for the piecewise-linear units.
    pub fn curvature<T: Real>(self, y: T) -> T {
        match self {
            Activation::Sigmoid => y * (T::one() - y) * (T::one() - T::of(2.0) * y),
            Activation::Tanh => -T::of(2.0) * y * (T::one() - y * y),
            _ => T::zero(),
        }
    }

    /// In place, from y = f(z): d ← d · f'(z).
    pub fn backward<T: Real>(self, d: &mut [T], y: &[T]) {
        if self != Activation::Linear {
            d.iter_mut().zip(y).for_each(|(d, &y)| *d *= self.slope(y));
        }
    }

    /// Scale of the Glorot-uniform initial weights. Sigmoid's slope at 0 is 1/4, so its layers need 4×
    /// the range to pass signal and gradient at the same strength (Glorot & Bengio 2010); with 1× a
    /// sigmoid autoencoder sits on the mean image for about a thousand steps. ReLU zeroes half its
    /// inputs: √2 (He et al. 2015).
    pub fn init_gain(self) -> f64 {
        match self {
            Activation::Sigmoid => 4.0,
            Activation::Relu | Activation::LeakyRelu => std::f64::consts::SQRT_2,
            Activation::Tanh | Activation::Linear => 1.0,
        }
    }

    /// Whether outputs stay inside [0, 1] (needed for cross-entropy targets and KL sparsity).
    pub fn is_unit_interval(self) -> bool {
        self == Activation::Sigmoid
    }
}

pub fn sigmoid<T: Real>(z: T) -> T {
    T::one() / (T::one() + (-z).exp())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Loss {
    /// Σ (y − x)² per sample.
    SquaredError,
    /// −Σ [x ln y + (1 − x) ln(1 − y)] per sample, in nats; needs a sigmoid output.
    CrossEntropy,
}

/// Reconstruction loss summed over each sample's values and averaged over the batch. `logits` are
/// the output layer's pre-activations z (y = σ(z)); cross-entropy is computed from them for stability:
/// −[x ln σ(z) + (1 − x) ln(1 − σ(z))] = softplus(z) − x·z.
pub fn loss_forward<T: Real>(loss: Loss, out: &[T], logits: &[T], target: &[T], b: usize) -> T {
    let sum: f64 = match loss {
        Loss::SquaredError => out.iter().zip(target).map(|(&y, &x)| (y - x).to_f64().unwrap().powi(2)).sum(),
        Loss::CrossEntropy => logits
            .iter()
            .zip(target)
            .map(|(&z, &x)| {
                let (z, x) = (z.to_f64().unwrap(), x.to_f64().unwrap());
                softplus(z) - x * z
            })
            .sum(),
    };
    T::of(sum / b as f64)
}

/// ln(1 + eᶻ) without overflow.
pub fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The gradient the output layer's backward starts from. Squared error: ∂L/∂y = 2(y − x)/B, still to
/// pass through the activation. Cross-entropy with a sigmoid: ∂L/∂z = (y − x)/B directly (returns
/// true: the activation's slope is already in it).
pub fn loss_backward<T: Real>(loss: Loss, dout: &mut [T], out: &[T], target: &[T], b: usize) -> bool {
    let scale = match loss {
        Loss::SquaredError => T::of(2.0 / b as f64),
        Loss::CrossEntropy => T::of(1.0 / b as f64),
    };
    for ((d, &y), &x) in dout.iter_mut().zip(out).zip(target) {
        *d = scale * (y - x);
    }
    loss == Loss::CrossEntropy
}

/// Softmax cross-entropy of logits [B, K] against integer labels, averaged over the batch; writes
/// dlogits = (softmax − onehot)/B. Returns (loss, number of correct argmax predictions).
pub fn softmax_cross_entropy<T: Real>(
    dlogits: &mut [T],
    logits: &[T],
    labels: &[u8],
    b: usize,
    k: usize,
) -> (T, usize) {
    let mut loss = 0.0f64;
    let mut correct = 0;
    for (i, (row, drow)) in logits[..b * k].chunks_exact(k).zip(dlogits.chunks_exact_mut(k)).enumerate() {
        let label = labels[i] as usize;
        let max = row.iter().fold(T::neg_infinity(), |m, &v| m.max(v));
        let argmax = row.iter().position(|&v| v == max).unwrap_or(0);
        correct += usize::from(argmax == label);
        let sum: T = row.iter().map(|&v| (v - max).exp()).sum();
        loss += (sum.ln() + max - row[label]).to_f64().unwrap(); // −ln softmax_label
        for (j, (d, &v)) in drow.iter_mut().zip(row).enumerate() {
            let p = (v - max).exp() / sum;
            *d = (p - if j == label { T::one() } else { T::zero() }) / T::of(b as f64);
        }
    }
    (T::of(loss / b as f64), correct)
}
