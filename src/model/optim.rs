//! Optimizers over the flat parameter buffer: one loop, state kept outside the model.

use crate::kernels::threads;
use crate::real::Real;
use serde::{Deserialize, Serialize};

/// Adam's decay rates and ε (Kingma & Ba 2015).
pub const ADAM_BETA1: f32 = 0.9;
pub const ADAM_BETA2: f32 = 0.999;
pub const ADAM_EPS: f32 = 1e-8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OptimizerKind {
    /// SGD with momentum.
    Sgd,
    /// Adam (Kingma & Ba 2015), with bias correction.
    Adam,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer {
    pub kind: OptimizerKind,
    pub learning_rate: f32,
    pub momentum: f32,
    pub weight_decay: f32,
    /// Momentum buffer (SGD) or first moment (Adam).
    pub m: Vec<f32>,
    /// Second moment (Adam).
    pub v: Vec<f32>,
    pub t: u32,
}

impl Optimizer {
    pub fn new(kind: OptimizerKind, n_params: usize, learning_rate: f64, momentum: f64, weight_decay: f64) -> Self {
        let v = if kind == OptimizerKind::Adam { vec![0.0; n_params] } else { Vec::new() };
        Optimizer {
            kind,
            learning_rate: learning_rate as f32,
            momentum: momentum as f32,
            weight_decay: weight_decay as f32,
            m: vec![0.0; n_params],
            v,
            t: 0,
        }
    }

    /// `apply`, over parts of the buffers shared among the CPU threads (kernels/threads.rs): each value
    /// is updated alone, so the result is the same on any number of threads.
    pub fn apply_shared<T: Real>(&self, t: u32, params: &mut [T], grads: &[T], m: &mut [T], v: &mut [T]) {
        let n = params.len();
        let Some(size) = threads::elementwise_part(n) else {
            return self.apply(t, params, grads, m, v);
        };
        assert!(
            grads.len() >= n && m.len() >= n && (v.is_empty() || v.len() >= n),
            "optimizer buffers shorter than the parameters"
        );
        let (p, g, m, v, has_v) = (
            params.as_mut_ptr() as usize,
            grads.as_ptr() as usize,
            m.as_mut_ptr() as usize,
            v.as_mut_ptr() as usize,
            !v.is_empty(),
        );
        threads::for_each_part(n, size, |r| {
            let (p, g, m, v) = (p as *mut T, g as *const T, m as *mut T, v as *mut T);
            // SAFETY: the assert above keeps every range inside each buffer, and the parts' ranges do
            // not overlap, so no value is reached from two threads.
            unsafe {
                let part = |x: *mut T| std::slice::from_raw_parts_mut(x.add(r.start), r.len());
                let v: &mut [T] = if has_v { part(v) } else { &mut [] };
                self.apply(t, part(p), std::slice::from_raw_parts(g.add(r.start), r.len()), part(m), v);
            }
        });
    }

    /// One step at step count `t` (from 1) over flat buffers, with m and v this optimizer's moments
    /// (v unused by SGD). With g = grad + decay·p:
    /// SGD: m ← μ·m + g;  p ← p − lr·m.
    /// Adam: m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr·m̂/(√v̂ + ε).
    pub fn apply<T: Real>(&self, t: u32, params: &mut [T], grads: &[T], m: &mut [T], v: &mut [T]) {
        let (lr, wd) = (T::of(self.learning_rate as f64), T::of(self.weight_decay as f64));
        match self.kind {
            OptimizerKind::Sgd => {
                let momentum = T::of(self.momentum as f64);
                for ((p, &g), m) in params.iter_mut().zip(grads).zip(m) {
                    *m = momentum * *m + g + wd * *p;
                    *p -= lr * *m;
                }
            }
            OptimizerKind::Adam => {
                let (b1, b2, eps) = (T::of(ADAM_BETA1 as f64), T::of(ADAM_BETA2 as f64), T::of(ADAM_EPS as f64));
                let c1 = T::one() - b1.powi(t as i32);
                let c2 = T::one() - b2.powi(t as i32);
                for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(m).zip(v) {
                    let g = g + wd * *p;
                    *m = b1 * *m + (T::one() - b1) * g;
                    *v = b2 * *v + (T::one() - b2) * g * g;
                    *p -= lr / c1 * *m / ((*v / c2).sqrt() + eps);
                }
            }
        }
    }
}
