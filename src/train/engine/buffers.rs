//! An engine's buffers, made once per phase and freed together: the flat parameters, gradients and
//! optimizer moments; the batch (clean, and corrupted); each op's output, a layer's product, a
//! convolution's patches and a k-sparse op's mask; the VAE's noise; the pair of gradient buffers the
//! backward pass alternates between; the code's statistics; labels and loss sums.

use crate::error::{Error, Result};
use crate::model::net::Op;
use crate::model::optim::Optimizer;
use crate::train::backend::{Backend, LOSS_SUM_SPAN};
use crate::train::phase::{Phase, Task};

pub(super) struct Buffers<B: Backend> {
    pub params: B::Buffer,
    pub grads: B::Buffer,
    pub m: B::Buffer,
    pub v: B::Buffer,
    /// The corrupted batch (the net's input when there is noise).
    pub x: B::Buffer,
    /// The clean batch: the reconstruction's target, and the net's input when there is no noise.
    pub target: B::Buffer,
    pub outs: Vec<B::Buffer>,
    pub zs: Vec<B::Buffer>,
    /// A convolution's patches (forward), or its gradient's (backward).
    pub cols: Vec<B::Buffer>,
    pub masks: Vec<B::Buffer>,
    pub eps: B::Buffer,
    pub eps_len: usize,
    pub ds: [B::Buffer; 2],
    pub rho_hat: B::Buffer,
    pub col_s: B::Buffer,
    pub col_g: B::Buffer,
    pub labels: B::Buffer,
    /// Loss sums: partial sums of a reconstruction's, one per row of a classifier.
    pub sums: B::Buffer,
    pub sums_len: usize,
}

impl<B: Backend> Buffers<B> {
    /// Checks that the phase's net can train, then allocates; the optimizer's moments carry over
    /// (from another engine, or a previous phase) when they fit.
    pub fn new(backend: &B, phase: &Phase, optimizer: &Optimizer) -> Result<Self> {
        let (net, b) = (&phase.net, phase.batch_size);
        let classify = phase.task == Task::Classify;
        let (input, output) = (net.input, net.output_width());
        if !classify && input != output {
            return Err(Error::new("an autoencoder's output must be as wide as its input"));
        }
        if !net.ops.last().is_some_and(Op::is_layer) {
            return Err(Error::new("training needs an output layer with weights"));
        }
        // A gradient buffer holds ∂L/∂(an op's output) or ∂L/∂(its input): the widest of them.
        let widest = net.ops.iter().map(Op::output_width).chain([input]).max().unwrap_or(1);
        let len = net.params.len();
        let per_op = |wanted: fn(&Op) -> bool| -> Vec<usize> {
            net.ops.iter().map(|op| if wanted(op) { b * op.output_width() } else { 1 }).collect()
        };
        let (outs, zs) = (per_op(|_| true), per_op(Op::is_layer));
        // Patches: counted without wrapping (a 32-bit usize on wasm), refused below when too many.
        let cols: Vec<usize> = net
            .ops
            .iter()
            .map(|op| match op {
                Op::Conv(c) => c.geometry.positions().saturating_mul(c.geometry.patch()).saturating_mul(b),
                _ => 1,
            })
            .collect();
        let masks = per_op(|op| matches!(op, Op::KSparse { .. } | Op::MaxPool(_)));
        let eps_len = net.ops.iter().map(|op| if let Op::Reparameterize { code } = op { b * code } else { 0 }).sum();
        let code_width = phase.code.map_or(1, |c| net.ops[c].output_width());
        let sums_len = if classify { b } else { (b * output).div_ceil(LOSS_SUM_SPAN) };
        // Every size is checked before anything is allocated: a refused phase leaves no buffer behind.
        let sizes = [
            ("the weights, gradients and optimizer moments", len),
            ("the batch", b * input),
            ("a batch of gradients", b * widest),
            ("the VAE's noise", eps_len),
            ("the loss sums", sums_len),
        ];
        let ops = outs.iter().chain(&zs).chain(&masks).map(|&n| ("an op's outputs", n));
        let ops = ops.chain(cols.iter().map(|&n| ("a convolution's patches", n)));
        for (label, n) in sizes.into_iter().chain(ops) {
            backend.check_fits(label, n)?;
        }
        let moment = |label, values: &[f32]| {
            if values.len() == len {
                backend.upload(label, values)
            } else {
                backend.zeros(label, len)
            }
        };
        let many = |label, lens: Vec<usize>| -> Result<Vec<B::Buffer>> {
            lens.into_iter().map(|n| backend.zeros(label, n)).collect()
        };
        Ok(Buffers {
            params: backend.upload("the weights", &net.params)?,
            grads: backend.zeros("the gradients", len)?,
            m: moment("the optimizer's first moment", &optimizer.m)?,
            v: moment("the optimizer's second moment", &optimizer.v)?,
            x: backend.zeros("the corrupted batch", b * input)?,
            target: backend.zeros("the batch", b * input)?,
            outs: many("an op's outputs", outs)?,
            zs: many("a layer's products", zs)?,
            cols: many("a convolution's patches", cols)?,
            masks: many("a k-sparse mask", masks)?,
            eps: backend.zeros("the VAE's noise", eps_len)?,
            eps_len,
            ds: [
                backend.zeros("a batch of gradients", b * widest)?,
                backend.zeros("a batch of gradients", b * widest)?,
            ],
            rho_hat: backend.zeros("the mean code", code_width)?,
            col_s: backend.zeros("the contractive sums", code_width)?,
            col_g: backend.zeros("the contractive sums", code_width)?,
            labels: backend.zeros("the labels", if classify { b } else { 1 })?,
            sums: backend.zeros("the loss sums", sums_len)?,
            sums_len,
        })
    }

    /// Frees the memory now.
    pub fn free(&self, backend: &B) {
        let singles = [&self.params, &self.grads, &self.m, &self.v, &self.x, &self.target, &self.eps];
        let more = [&self.ds[0], &self.ds[1], &self.rho_hat, &self.col_s, &self.col_g, &self.labels, &self.sums];
        for buffer in
            singles.into_iter().chain(more).chain(&self.outs).chain(&self.zs).chain(&self.cols).chain(&self.masks)
        {
            backend.free(buffer);
        }
    }
}
