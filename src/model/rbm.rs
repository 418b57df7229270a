//! Restricted Boltzmann machines as Hinton's pretraining uses them (Hinton & Salakhutdinov 2006):
//! binary (sigmoid) or Gaussian (linear, unit variance) units on each side of one weight matrix.
//! A stage's RBM is stored as a tied autoencoder stage: the encoder's weight W [V, H] and hidden bias
//! b, the decoder reading Wᵀ with the visible bias a, so that its forward pass is one mean-field
//! Gibbs step v → p(h|v) → E[v|h]. Here: sampling, a plain-loop CD-k gradient that the training
//! step (train/engine/rbm.rs) is held to, the exact log-likelihood and its gradient of a tiny binary
//! RBM by enumeration, and Gibbs chains (train/dreams.rs runs them from noise).

use crate::kernels::matmul::{matmul, Operand};
use crate::model::layers::{add_bias, Activation};
use crate::model::optim::{Optimizer, OptimizerKind};
use crate::real::Real;
use crate::rng::Stream;

/// Hinton's recipe for training an RBM stage, from the Science paper's code (rbm.m, rbmhidlinear.m)
/// and his practical guide (UTML TR 2010-003): SGD on mini-batches with learning rate 0.1 between
/// binary units and 0.001 where one side is Gaussian (linear) — the guide's one to two orders of
/// magnitude smaller, as the paper's code takes for its linear code layer; momentum 0.5 for the first
/// 5 epochs, while the weights change fastest, then 0.9; weight cost 0.0002 (the paper's and the
/// guide's value). The engine's weight decay reaches the biases too, where the paper's code spares
/// them; at 0.0002 a step that changes little. One departure: the chain samples the visible units at
/// every step, where the paper's code and the guide take the last reconstruction's probabilities to
/// cut the noise; sampled, CD-k is a Gibbs chain whose large-k limit is the exact gradient, which
/// tests/rbm.rs checks by enumeration.
pub const LEARNING_RATE_BINARY: f64 = 0.1;
pub const LEARNING_RATE_GAUSSIAN: f64 = 0.001;
pub const MOMENTUM_START: f64 = 0.5;
pub const MOMENTUM_FINAL: f64 = 0.9;
pub const MOMENTUM_SWITCH_EPOCH: u32 = 5;
pub const WEIGHT_COST: f64 = 0.0002;
/// σ of the initial weights (the guide's 0.01).
pub const INITIAL_SPREAD: f64 = 0.01;

/// The optimizer an RBM stage starts with, between units of kinds `visible` and `hidden`.
pub fn optimizer(n_params: usize, visible: Activation, hidden: Activation) -> Optimizer {
    let binary = visible != Activation::Linear && hidden != Activation::Linear;
    let rate = if binary { LEARNING_RATE_BINARY } else { LEARNING_RATE_GAUSSIAN };
    Optimizer::new(OptimizerKind::Sgd, n_params, rate, MOMENTUM_START, WEIGHT_COST)
}

/// Replaces unit means by a sample: binary units (sigmoid means) are 1 where u < mean; linear
/// (Gaussian, unit variance) units get N(0, 1) noise added. Value i draws index i of `stream`.
pub fn sample<T: Real>(values: &mut [T], act: Activation, stream: Stream) {
    for (i, v) in values.iter_mut().enumerate() {
        *v = if act == Activation::Linear {
            *v + T::of(stream.normal(i as u32) as f64)
        } else {
            T::of(if (stream.uniform(i as u32) as f64) < v.to_f64().unwrap() { 1.0 } else { 0.0 })
        };
    }
}

/// An RBM's parameters and unit kinds: W [V, H] row-major, visible bias a [V], hidden bias b [H].
pub struct Rbm<'a, T> {
    pub w: &'a [T],
    pub a: &'a [T],
    pub b: &'a [T],
    pub visible: Activation,
    pub hidden: Activation,
}

/// The gradient of the negative log-likelihood as CD-k estimates it, ∂W [V, H], ∂a [V], ∂b [H].
pub struct Gradient<T> {
    pub w: Vec<T>,
    pub a: Vec<T>,
    pub b: Vec<T>,
}

impl<T: Real> Rbm<'_, T> {
    fn sizes(&self) -> (usize, usize) {
        (self.a.len(), self.b.len())
    }

    /// Hidden means for visible rows v [B, V]: f(vW + b).
    pub fn hidden_means(&self, v: &[T], rows: usize) -> Vec<T> {
        self.means(v, rows, Operand::Plain, self.b, self.hidden)
    }

    /// Visible means for hidden rows h [B, H]: f(hWᵀ + a).
    pub fn visible_means(&self, h: &[T], rows: usize) -> Vec<T> {
        self.means(h, rows, Operand::Transposed, self.a, self.visible)
    }

    /// One side's means from the other's rows x: f(x·op(W) + bias).
    fn means(&self, x: &[T], rows: usize, op: Operand, bias: &[T], act: Activation) -> Vec<T> {
        let (from, to) = (x.len() / rows.max(1), bias.len());
        let mut y = vec![T::zero(); rows * to];
        matmul(&mut y, x, Operand::Plain, self.w, op, rows, from, to, false);
        add_bias(&mut y, bias);
        act.forward(&mut y);
        y
    }

    /// CD-k on a batch v0 [B, V]: h0 = p(h|v0) sampled (draw 0), then k steps of v ~ p(v|h) (draw
    /// 2i − 1) and p(h|v) (sampled for the next step with draw 2i); the gradient is
    /// (v_k ⊗ p(h|v_k) − v0 ⊗ p(h|v0)) / B, the negative of the log-likelihood's as CD estimates it.
    pub fn cd_gradient(&self, v0: &[T], rows: usize, k: usize, stream: Stream) -> Gradient<T> {
        let (nv, nh) = self.sizes();
        let h0 = self.hidden_means(v0, rows);
        let (mut hs, mut v, mut h) = (h0.clone(), Vec::new(), Vec::new());
        sample(&mut hs, self.hidden, stream.substream(0));
        for i in 1..=k as u32 {
            v = self.visible_means(&hs, rows);
            sample(&mut v, self.visible, stream.substream(2 * i - 1));
            h = self.hidden_means(&v, rows);
            if i < k as u32 {
                hs = h.clone();
                sample(&mut hs, self.hidden, stream.substream(2 * i));
            }
        }
        let scale = T::one() / T::of(rows as f64);
        let mut g = Gradient { w: vec![T::zero(); nv * nh], a: vec![T::zero(); nv], b: vec![T::zero(); nh] };
        for r in 0..rows {
            for i in 0..nv {
                let (x0, xk) = (v0[r * nv + i], v[r * nv + i]);
                g.a[i] += (xk - x0) * scale;
                for j in 0..nh {
                    g.w[i * nh + j] += (xk * h[r * nh + j] - x0 * h0[r * nh + j]) * scale;
                }
            }
            for j in 0..nh {
                g.b[j] += (h[r * nh + j] - h0[r * nh + j]) * scale;
            }
        }
        g
    }

    /// A binary RBM's free energy F(v) = −a·v − Σ_j softplus(b_j + (vW)_j); p(v) ∝ exp(−F(v)).
    pub fn free_energy(&self, v: &[f64]) -> f64 {
        let (nv, nh) = self.sizes();
        let f = |x: T| x.to_f64().unwrap();
        let visible: f64 = (0..nv).map(|i| f(self.a[i]) * v[i]).sum();
        let hidden: f64 = (0..nh)
            .map(|j| {
                crate::model::layers::softplus(
                    f(self.b[j]) + (0..nv).map(|i| v[i] * f(self.w[i * nh + j])).sum::<f64>(),
                )
            })
            .sum();
        -visible - hidden
    }

    /// Every binary visible state of a small RBM (V ≤ 20).
    fn states(&self) -> impl Iterator<Item = Vec<f64>> {
        let nv = self.a.len();
        assert!(nv <= 20, "enumeration is for tiny RBMs");
        (0u32..1 << nv).map(move |s| (0..nv).map(|i| ((s >> i) & 1) as f64).collect())
    }

    /// ln Z of a tiny binary RBM, by enumerating every visible state.
    pub fn log_partition(&self) -> f64 {
        let energies: Vec<f64> = self.states().map(|v| -self.free_energy(&v)).collect();
        let max = energies.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        max + energies.iter().map(|e| (e - max).exp()).sum::<f64>().ln()
    }

    /// The mean log-likelihood of binary rows v [B, V] under a tiny binary RBM, exactly.
    pub fn log_likelihood(&self, v: &[f64], rows: usize) -> f64 {
        let (nv, ln_z) = (self.a.len(), self.log_partition());
        (0..rows).map(|r| -self.free_energy(&v[r * nv..(r + 1) * nv]) - ln_z).sum::<f64>() / rows as f64
    }

    /// The exact gradient of the negative mean log-likelihood of rows v [B, V] (CD's target):
    /// ⟨v ⊗ p(h|v)⟩ under the model minus under the data, and the same for the biases.
    pub fn exact_gradient(&self, v: &[f64], rows: usize) -> Gradient<f64> {
        let (nv, nh) = self.sizes();
        let ln_z = self.log_partition();
        let mut g = Gradient { w: vec![0.0; nv * nh], a: vec![0.0; nv], b: vec![0.0; nh] };
        let mut add = |x: &[f64], weight: f64| {
            let h: Vec<f64> = self
                .hidden_means(&x.iter().map(|&x| T::of(x)).collect::<Vec<_>>(), 1)
                .iter()
                .map(|v| v.to_f64().unwrap())
                .collect();
            for (i, &xi) in x.iter().enumerate() {
                g.a[i] += weight * xi;
                for (gw, &hj) in g.w[i * nh..(i + 1) * nh].iter_mut().zip(&h) {
                    *gw += weight * xi * hj;
                }
            }
            for (gb, &hj) in g.b.iter_mut().zip(&h) {
                *gb += weight * hj;
            }
        };
        for state in self.states() {
            add(&state, (-self.free_energy(&state) - ln_z).exp());
        }
        for r in 0..rows {
            add(&v[r * nv..(r + 1) * nv], -1.0 / rows as f64);
        }
        g
    }

    /// Runs `count` chains whose visible samples are `v` [count, V] `steps` Gibbs steps on (h ~
    /// p(h|v), then v ~ p(v|h), with draws 2s and 2s + 1 of `stream` at step s); returns the last
    /// step's visible means (what the RBM "dreams"), v left at its samples.
    pub fn gibbs(&self, v: &mut Vec<T>, count: usize, steps: usize, stream: Stream) -> Vec<T> {
        let mut means = v.clone();
        for s in 0..steps as u32 {
            let mut h = self.hidden_means(v, count);
            sample(&mut h, self.hidden, stream.substream(2 * s));
            means = self.visible_means(&h, count);
            *v = means.clone();
            sample(v, self.visible, stream.substream(2 * s + 1));
        }
        means
    }
}
