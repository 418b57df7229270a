//! Optimizers over the flat parameter buffer: one loop, state kept outside the model.

use serde::{Deserialize, Serialize};

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

    /// One step. With g = grad + decay·p:
    /// SGD: m ← μ·m + g;  p ← p − lr·m.
    /// Adam: m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr·m̂/(√v̂ + ε).
    pub fn update(&mut self, params: &mut [f32], grads: &[f32]) {
        self.t += 1;
        let (lr, wd) = (self.learning_rate, self.weight_decay);
        match self.kind {
            OptimizerKind::Sgd => {
                for ((p, &g), m) in params.iter_mut().zip(grads).zip(&mut self.m) {
                    *m = self.momentum * *m + g + wd * *p;
                    *p -= lr * *m;
                }
            }
            OptimizerKind::Adam => {
                let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
                let c1 = 1.0 - b1.powi(self.t as i32);
                let c2 = 1.0 - b2.powi(self.t as i32);
                for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(&mut self.m).zip(&mut self.v) {
                    let g = g + wd * *p;
                    *m = b1 * *m + (1.0 - b1) * g;
                    *v = b2 * *v + (1.0 - b2) * g * g;
                    *p -= lr / c1 * *m / ((*v / c2).sqrt() + eps);
                }
            }
        }
    }
}
