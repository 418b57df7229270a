//! The GPU trainer's buffers, made once per phase and freed together: the flat parameters, gradients
//! and optimizer moments; the batch (clean, and corrupted); each op's output, a dense op's
//! pre-activation and a k-sparse op's mask; the VAE's noise; the pair of gradient buffers the backward
//! pass alternates between; the code's statistics; labels and loss sums.

use crate::error::{Error, Result};
use crate::gpu::GpuContext;
use crate::net::Op;
use crate::optim::Optimizer;
use crate::train::{Phase, Task};

pub(super) struct Buffers {
    pub params: wgpu::Buffer,
    pub grads: wgpu::Buffer,
    pub m: wgpu::Buffer,
    pub v: wgpu::Buffer,
    /// The corrupted batch (the net's input when there is noise).
    pub x: wgpu::Buffer,
    /// The clean batch: the reconstruction's target, and the net's input when there is no noise.
    pub target: wgpu::Buffer,
    pub outs: Vec<wgpu::Buffer>,
    pub zs: Vec<wgpu::Buffer>,
    pub masks: Vec<wgpu::Buffer>,
    pub eps: wgpu::Buffer,
    pub eps_len: usize,
    pub ds: [wgpu::Buffer; 2],
    pub rho_hat: wgpu::Buffer,
    pub col_s: wgpu::Buffer,
    pub col_g: wgpu::Buffer,
    pub labels: wgpu::Buffer,
    /// Loss sums: one per workgroup of a reconstruction, one per row of a classifier.
    pub sums: wgpu::Buffer,
    pub sums_len: usize,
}

impl Buffers {
    /// Checks that the phase's net can train here, then allocates; the optimizer's moments carry over
    /// (from the CPU engine, or a previous GPU phase) when they fit.
    pub fn new(ctx: &GpuContext, phase: &Phase, optimizer: &Optimizer) -> Result<Self> {
        let (net, b) = (&phase.net, phase.batch_size);
        let classify = phase.task == Task::Classify;
        let (input, output) = (net.input, net.output_width());
        if !classify && input != output {
            return Err(Error::new("an autoencoder's output must be as wide as its input"));
        }
        if !matches!(net.ops.last(), Some(Op::Dense(_))) {
            return Err(Error::new("the GPU engine needs a dense output layer"));
        }
        // A gradient buffer holds ∂L/∂(an op's output) or ∂L/∂(its input): the widest of them.
        let widest = net.ops.iter().map(Op::output_width).chain([input]).max().unwrap_or(1);
        ctx.check_fits("the weights", net.params.len())?;
        ctx.check_fits("a batch of activations", b * widest)?;
        let len = net.params.len();
        let moment = |label, values: &[f32]| {
            if values.len() == len {
                ctx.upload(label, values)
            } else {
                ctx.storage(label, len)
            }
        };
        let per_op = |label, wanted: fn(&Op) -> bool| -> Vec<wgpu::Buffer> {
            net.ops.iter().map(|op| ctx.storage(label, if wanted(op) { b * op.output_width() } else { 1 })).collect()
        };
        let eps_len = net.ops.iter().map(|op| if let Op::Reparameterize { code } = op { b * code } else { 0 }).sum();
        let code_width = phase.code.map_or(1, |c| net.ops[c].output_width());
        let sums_len = if classify { b } else { (b * output).div_ceil(256) };
        Ok(Buffers {
            params: ctx.upload("params", &net.params),
            grads: ctx.storage("grads", len),
            m: moment("optimizer m", &optimizer.m),
            v: moment("optimizer v", &optimizer.v),
            x: ctx.storage("x", b * input),
            target: ctx.storage("target", b * input),
            outs: per_op("out", |_| true),
            zs: per_op("z", |op| matches!(op, Op::Dense(_))),
            masks: per_op("mask", |op| matches!(op, Op::KSparse { .. })),
            eps: ctx.storage("eps", eps_len),
            eps_len,
            ds: [ctx.storage("d", b * widest), ctx.storage("d", b * widest)],
            rho_hat: ctx.storage("mean code", code_width),
            col_s: ctx.storage("contractive S", code_width),
            col_g: ctx.storage("contractive G", code_width),
            labels: ctx.storage("labels", if classify { b } else { 1 }),
            sums: ctx.storage("loss sums", sums_len),
            sums_len,
        })
    }

    /// Frees the GPU memory now: on the web, dropping a buffer leaves it to the garbage collector.
    pub fn destroy(&self) {
        let singles = [&self.params, &self.grads, &self.m, &self.v, &self.x, &self.target, &self.eps];
        let more = [&self.ds[0], &self.ds[1], &self.rho_hat, &self.col_s, &self.col_g, &self.labels, &self.sums];
        for buffer in singles.into_iter().chain(more).chain(&self.outs).chain(&self.zs).chain(&self.masks) {
            buffer.destroy();
        }
    }
}
