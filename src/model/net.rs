//! A network as a sequence of ops over one flat parameter buffer (layers are views into it, so the
//! optimizer is one loop and a checkpoint is one copy), and its penalties' values. Its forward pass is
//! the training step's, run on the reference backend (train/engine/forward.rs). Autoencoders,
//! their layer-wise stages and classifier heads are all built from this (see architecture.rs).
//! Shape letters: B = batch; each op maps [B, width in] to [B, width out].

use crate::model::conv::{Geometry, Pooling};
use crate::model::layers::{Activation, WeightLayout};
use crate::model::penalties::{self, contractive};
use crate::real::Real;
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
    /// What `Backend::bias_activation` takes: the bias's offset and width, and the activation.
    pub fn bias_activation(&self) -> (usize, usize, Activation) {
        (self.bias, self.outputs, self.activation)
    }
}

/// A convolution (large map → small, an encoder layer) or a transposed convolution (small → large, a
/// decoder layer), on channels-last maps (see conv.rs). Its weight is one matrix: a convolution's
/// [K·K·C, F], a transposed convolution's [F, K·K·C] (or, borrowed, another layer's read transposed:
/// a tied decoder). Its bias has one value per output channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Conv {
    pub geometry: Geometry,
    pub transposed: bool,
    pub weight: usize,
    pub layout: WeightLayout,
    pub bias: usize,
    pub activation: Activation,
}

impl Conv {
    pub fn inputs(&self) -> usize {
        if self.transposed {
            self.geometry.small()
        } else {
            self.geometry.large()
        }
    }
    pub fn outputs(&self) -> usize {
        if self.transposed {
            self.geometry.large()
        } else {
            self.geometry.small()
        }
    }
    /// Output channels: the bias's length.
    pub fn channels_out(&self) -> usize {
        if self.transposed {
            self.geometry.channels
        } else {
            self.geometry.filters
        }
    }
    /// The weight as stored, [rows, columns].
    pub fn weight_shape(&self) -> (usize, usize) {
        let (patch, filters) = (self.geometry.patch(), self.geometry.filters);
        match (self.transposed, self.layout) {
            (false, WeightLayout::Own) | (true, WeightLayout::TransposeOf) => (patch, filters),
            _ => (filters, patch),
        }
    }
    pub fn weight_range(&self) -> Range<usize> {
        self.weight..self.weight + self.geometry.patch() * self.geometry.filters
    }
    pub fn bias_range(&self) -> Range<usize> {
        self.bias..self.bias + self.channels_out()
    }
    /// What `Backend::bias_activation` takes, over rows of one pixel's channels.
    pub fn bias_activation(&self) -> (usize, usize, Activation) {
        (self.bias, self.channels_out(), self.activation)
    }
    /// Output pixels per sample: the rows each sample adds to the bias's pass.
    pub fn pixels_out(&self) -> usize {
        self.outputs() / self.channels_out()
    }
}

/// Where a layer's parameters sit (see `Op::layer_params`). A borrowed weight's shape is its owner's.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerParams {
    pub weight: Range<usize>,
    pub shape: (usize, usize),
    pub layout: WeightLayout,
    pub bias: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Dense(Dense),
    Conv(Conv),
    /// 2×2 max pooling of a convolution's maps (keeps which value won, in a mask).
    MaxPool(Pooling),
    /// Nearest-neighbour upsampling ×2: max pooling's mirror in the decoder.
    Upsample(Pooling),
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
            Op::Conv(c) => c.outputs(),
            Op::MaxPool(p) => p.small(),
            Op::Upsample(p) => p.large(),
            Op::KSparse { width, .. } => *width,
            Op::Reparameterize { code } => *code,
        }
    }

    /// Whether the op has weights: a product, then a bias and an activation.
    pub fn is_layer(&self) -> bool {
        matches!(self, Op::Dense(_) | Op::Conv(_))
    }

    /// A layer's parameters: its weight (range, shape as stored, and whether it is its own or another
    /// layer's read transposed) and its bias's range.
    pub fn layer_params(&self) -> Option<LayerParams> {
        match self {
            Op::Dense(d) => Some(LayerParams {
                weight: d.weight_range(),
                shape: if d.layout == WeightLayout::Own { (d.inputs, d.outputs) } else { (d.outputs, d.inputs) },
                layout: d.layout,
                bias: d.bias_range(),
            }),
            Op::Conv(c) => Some(LayerParams {
                weight: c.weight_range(),
                shape: c.weight_shape(),
                layout: c.layout,
                bias: c.bias_range(),
            }),
            _ => None,
        }
    }

    /// Where the op's parameters end in the flat buffer (0 without any).
    pub fn params_end(&self) -> usize {
        self.layer_params().map_or(0, |l| {
            let own = if l.layout == WeightLayout::Own { l.weight.end } else { 0 };
            l.bias.end.max(own)
        })
    }

    /// The op's activation, when it is a layer.
    pub fn activation(&self) -> Option<Activation> {
        match self {
            Op::Dense(d) => Some(d.activation),
            Op::Conv(c) => Some(c.activation),
            _ => None,
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

    /// Op i's input width.
    pub fn input_width_of(&self, i: usize) -> usize {
        if i == 0 {
            self.input
        } else {
            self.ops[i - 1].output_width()
        }
    }

    pub fn dense(&self, i: usize) -> Option<&Dense> {
        match &self.ops[i] {
            Op::Dense(d) => Some(d),
            _ => None,
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
