//! A network as a sequence of ops over one flat parameter buffer (layers are views into it, so the
//! optimizer is one loop and a checkpoint is one copy), with the plain-loop forward pass that views,
//! evaluation and gradient checks use (training runs the step recorded in engine/). Autoencoders,
//! their layer-wise stages and classifier heads are all built from this (see architecture.rs).
//! Shape letters: B = batch; each op maps [B, width in] to [B, width out].

use crate::model::layers::{linear_forward, Activation, WeightLayout};
use crate::model::penalties::{self, contractive, k_sparse_forward, reparameterize_forward};
use crate::real::Real;
use crate::rng::Stream;
use std::ops::Range;

/// A dense layer's place in the flat buffer: weight [C, OC] at `weight` (or, borrowed, another layer's
/// [OC, C] read transposed), bias [OC] at `bias`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    pub weight: usize,
    pub layout: WeightLayout,
    pub bias: usize,
    pub activation: Activation,
}

impl Dense {
    pub fn weight_range(&self) -> Range<usize> {
        self.weight..self.weight + self.inputs * self.outputs
    }
    pub fn bias_range(&self) -> Range<usize> {
        self.bias..self.bias + self.outputs
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Dense(Dense),
    /// Keeps each row's k largest values.
    KSparse {
        width: usize,
        k: usize,
    },
    /// (μ | ln σ²) [B, 2C] → z [B, C].
    Reparameterize {
        code: usize,
    },
}

impl Op {
    pub fn output_width(&self) -> usize {
        match self {
            Op::Dense(d) => d.outputs,
            Op::KSparse { width, .. } => *width,
            Op::Reparameterize { code } => *code,
        }
    }
}

/// Penalties applied at the code op (its output is the code), during training only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodePenalties {
    pub l1: f64,
    /// (target ρ, weight β) of the KL sparsity penalty.
    pub kl: Option<(f64, f64)>,
    /// λ of the contractive penalty (the code op must be a dense layer).
    pub contractive: f64,
    /// β of the VAE's KL term (the code op is `Reparameterize`).
    pub vae_beta: f64,
}

/// The values of the penalties on one batch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PenaltyValues {
    pub l1: f64,
    pub kl_sparsity: f64,
    pub contractive: f64,
    pub vae_kl: f64,
}

impl PenaltyValues {
    pub fn total(&self) -> f64 {
        self.l1 + self.kl_sparsity + self.contractive + self.vae_kl
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Net<T> {
    pub input: usize,
    pub ops: Vec<Op>,
    pub params: Vec<T>,
}

impl<T: Clone> Net<T> {
    /// The same network with other weights (the ops are copied; the weights are not).
    pub fn with_params(&self, params: Vec<T>) -> Net<T> {
        Net { input: self.input, ops: self.ops.clone(), params }
    }
}

/// What a forward pass keeps for the backward pass.
#[derive(Default)]
pub struct Trace<T> {
    /// outs[i]: op i's output [B, width].
    pub outs: Vec<Vec<T>>,
    /// The last dense layer's pre-activation, for cross-entropy from logits.
    pub logits: Vec<T>,
    /// The reparameterisation noise ε, [B, C].
    pub eps: Vec<T>,
}

impl<T: Real> Net<T> {
    pub fn output_width(&self) -> usize {
        self.ops.last().map_or(self.input, Op::output_width)
    }

    pub fn dense(&self, i: usize) -> Option<&Dense> {
        match &self.ops[i] {
            Op::Dense(d) => Some(d),
            _ => None,
        }
    }

    /// Runs x [B, input] through the ops; the output is `trace.outs.last()`. `noise` draws the VAE's ε;
    /// without it ε = 0 (the code is μ).
    pub fn forward(&self, tr: &mut Trace<T>, x: &[T], b: usize, noise: Option<Stream>) {
        self.forward_from(0, tr, x, b, noise);
    }

    /// Runs ops `start..` with x as op `start`'s input (e.g. the decoder alone on codes).
    pub fn forward_from(&self, start: usize, tr: &mut Trace<T>, x: &[T], b: usize, noise: Option<Stream>) {
        self.forward_span(start..self.ops.len(), tr, x, b, noise);
    }

    /// Runs ops `span` with x as the first one's input (e.g. the encoder alone: `0..code + 1`).
    pub fn forward_span(&self, span: Range<usize>, tr: &mut Trace<T>, x: &[T], b: usize, noise: Option<Stream>) {
        let start = span.start;
        tr.outs.resize_with(self.ops.len(), Vec::new);
        for (i, op) in self.ops.iter().enumerate().take(span.end).skip(start) {
            let (before, rest) = tr.outs.split_at_mut(i);
            let inp = if i == start { x } else { &before[i - 1] };
            let out = &mut rest[0];
            out.resize(b * op.output_width(), T::zero());
            match op {
                Op::Dense(d) => {
                    let (w, bias) = (&self.params[d.weight_range()], &self.params[d.bias_range()]);
                    linear_forward(out, inp, w, d.layout, bias, b, d.inputs, d.outputs);
                    if i + 1 == self.ops.len() {
                        tr.logits.clone_from(out);
                    }
                    d.activation.forward(out);
                }
                Op::KSparse { width, k } => k_sparse_forward(out, inp, b, *width, *k),
                Op::Reparameterize { code } => {
                    tr.eps.resize(b * code, T::zero());
                    for (j, e) in tr.eps.iter_mut().enumerate() {
                        *e = noise.map_or(T::zero(), |s| T::of(s.normal(j as u32) as f64));
                    }
                    reparameterize_forward(out, inp, &tr.eps, b, *code);
                }
            }
        }
    }

    /// The penalties' values on the batch in `tr` (as last run forward), with the code at op `code`.
    /// (Their gradients are the training step's: see backend/ and engine/.)
    pub fn penalty_values(&self, tr: &Trace<T>, b: usize, code: usize, p: &CodePenalties) -> PenaltyValues {
        let h = &tr.outs[code];
        let width = self.ops[code].output_width();
        let f = |v: T| v.to_f64().unwrap();
        let mut v = PenaltyValues::default();
        if p.l1 > 0.0 {
            v.l1 = f(penalties::l1(None, h, p.l1, b));
        }
        if let Some((rho, beta)) = p.kl {
            v.kl_sparsity = f(penalties::kl_sparsity(None, h, rho, beta, b, width));
        }
        if p.contractive > 0.0 {
            let d = self.dense(code).expect("contractive penalty on a dense code layer");
            let w = &self.params[d.weight_range()];
            v.contractive = f(contractive(None, h, w, d.activation, p.contractive, b, d.inputs, d.outputs));
        }
        if p.vae_beta > 0.0 {
            v.vae_kl = f(penalties::vae_kl(None, &tr.outs[code - 1], p.vae_beta, b, width));
        }
        v
    }
}
