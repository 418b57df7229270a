//! The one forward pass: ops `span` of a net recorded as launches on a backend — a dense op's product
//! (a convolution's: its patches and their product), then its bias and activation; a k-sparse code;
//! the VAE's sample. The training step records it for its batch (mod.rs); `Net::forward` runs it on the plain-loop reference backend for evaluation, the
//! views and the frozen lower stages, so every forward computation in the playground is this one.

use crate::error::Result;
use crate::model::net::{Net, Op, Trace};
use crate::real::Real;
use crate::rng::Stream;
use crate::train::backend::cpu::CpuBackend;
use crate::train::backend::{Backend, Memory, Program, StepValues, View};
use std::ops::Range;

/// The buffers a forward pass runs over: the weights, the first op's input, and per op its output,
/// a layer's product (its pre-activation), a convolution's patches (cols) and a k-sparse or pooling
/// op's mask;
/// the VAE's noise ε.
pub(super) struct ForwardBuffers<'a, B: Backend> {
    pub params: &'a B::Buffer,
    pub input: &'a B::Buffer,
    pub outs: &'a [B::Buffer],
    pub zs: &'a [B::Buffer],
    pub cols: &'a [B::Buffer],
    pub masks: &'a [B::Buffer],
    pub eps: &'a B::Buffer,
}

/// Records ops `span` of `ops` over `rows` rows: op i reads the previous op's output (the first, `input`).
pub(super) fn record<B: Backend>(
    backend: &B,
    p: &mut Program<B>,
    ops: &[Op],
    bufs: &ForwardBuffers<B>,
    span: Range<usize>,
    rows: usize,
) -> Result<()> {
    for i in span.clone() {
        let (out, inp) = (&bufs.outs[i], if i == span.start { bufs.input } else { &bufs.outs[i - 1] });
        match &ops[i] {
            Op::Dense(d) => {
                // z = inp·W, then z += bias and y = f(z).
                let w = View::at(bufs.params, d.weight, d.layout.op());
                let shape = (rows, d.inputs, d.outputs);
                backend.matmul(p, View::whole(&bufs.zs[i]), View::whole(inp), w, shape, false)?;
                backend.bias_activation(p, out, &bufs.zs[i], bufs.params, d.bias_activation(), rows)?;
            }
            Op::Conv(c) => {
                // A convolution: the patches, then z = cols·W; a transposed one: cols = inp·W, then
                // each pixel sums its patches' values. Then z += bias and y = f(z), pixel by pixel.
                let (g, w, cols, z) =
                    (&c.geometry, View::at(bufs.params, c.weight, c.layout.op()), &bufs.cols[i], &bufs.zs[i]);
                let positions = rows * g.positions();
                if c.transposed {
                    backend.matmul(
                        p,
                        View::whole(cols),
                        View::whole(inp),
                        w,
                        (positions, g.filters, g.patch()),
                        false,
                    )?;
                    backend.col2im(p, z, cols, g, rows)?;
                } else {
                    backend.im2col(p, cols, inp, g, rows)?;
                    backend.matmul(
                        p,
                        View::whole(z),
                        View::whole(cols),
                        w,
                        (positions, g.patch(), g.filters),
                        false,
                    )?;
                }
                backend.bias_activation(p, out, z, bufs.params, c.bias_activation(), rows * c.pixels_out())?;
            }
            Op::MaxPool(pool) => backend.max_pool(p, out, &bufs.masks[i], inp, pool, rows)?,
            Op::Upsample(pool) => backend.upsample(p, out, inp, pool, rows)?,
            Op::KSparse { width, k } => backend.k_sparse_forward(p, out, inp, &bufs.masks[i], rows, *width, *k)?,
            Op::Reparameterize { code } => backend.reparameterize_forward(p, out, inp, bufs.eps, rows, *code)?,
        }
    }
    Ok(())
}

/// The VAE's noise for `rows` rows of a `code`-wide sample: ε_j drawn from `noise` at index j, or 0
/// without a stream (the code is then μ). The training step draws the same numbers (mod.rs).
pub(super) fn noise_values(noise: Option<Stream>, n: usize) -> Vec<f32> {
    (0..n as u32).map(|j| noise.map_or(0.0, |s| s.normal(j))).collect()
}

impl<T: Real> Net<T> {
    /// Runs x [B, input] through the ops; the output is `trace.outs.last()`. `noise` draws the VAE's ε;
    /// without it ε = 0 (the code is μ).
    pub fn forward(&self, tr: &mut Trace<T>, x: &[T], b: usize, noise: Option<Stream>) {
        self.forward_from(0, tr, x, b, noise);
    }

    /// Runs ops `start..` with x as op `start`'s input (e.g. the decoder alone on codes).
    pub fn forward_from(&self, start: usize, tr: &mut Trace<T>, x: &[T], b: usize, noise: Option<Stream>) {
        self.forward_span(start..self.ops.len(), tr, x, b, noise);
    }

    /// Runs ops `span` with x as the first one's input (e.g. the encoder alone: `0..code + 1`): the
    /// training step's forward pass, on the reference backend in this net's float type. Fills the
    /// span's outputs in `tr`, the last dense op's pre-activation (`logits`, when the span ends the
    /// net) and ε.
    pub fn forward_span(&self, span: Range<usize>, tr: &mut Trace<T>, x: &[T], b: usize, noise: Option<Stream>) {
        let backend = CpuBackend::<T>::new();
        let values = |len: usize, set: &[T]| {
            let buffer =
                backend.zeros("a forward pass's values", len.max(1)).expect("the CPU holds what the net holds");
            backend.set(&buffer, set);
            buffer
        };
        let widths = |wanted: fn(&Op) -> bool| -> Vec<usize> {
            self.ops
                .iter()
                .enumerate()
                .map(|(i, op)| if span.contains(&i) && wanted(op) { b * op.output_width() } else { 1 })
                .collect()
        };
        let per_op = |lens: Vec<usize>| lens.into_iter().map(|n| values(n, &[])).collect::<Vec<_>>();
        let outs = per_op(widths(|_| true));
        let zs = per_op(widths(Op::is_layer));
        let cols = self
            .ops
            .iter()
            .enumerate()
            .map(|(i, op)| match op {
                Op::Conv(c) if span.contains(&i) => values(b * c.geometry.positions() * c.geometry.patch(), &[]),
                _ => values(1, &[]),
            })
            .collect::<Vec<_>>();
        let masks = per_op(widths(|op| matches!(op, Op::KSparse { .. } | Op::MaxPool(_))));
        let code = self.ops[span.clone()].iter().find_map(|op| {
            if let Op::Reparameterize { code } = op {
                Some(*code)
            } else {
                None
            }
        });
        let eps: Vec<T> = noise_values(noise, b * code.unwrap_or(0)).into_iter().map(|e| T::of(e as f64)).collect();
        let (params, input, eps_buffer) =
            (values(self.params.len(), &self.params), values(x.len(), x), values(eps.len(), &eps));
        let bufs = ForwardBuffers {
            params: &params,
            input: &input,
            outs: &outs,
            zs: &zs,
            cols: &cols,
            masks: &masks,
            eps: &eps_buffer,
        };
        let mut program = Vec::new();
        record(&backend, &mut program, &self.ops, &bufs, span.clone(), b).expect("a net's ops record on the CPU");
        backend.run(&values(1, &[]), &[&program], StepValues::default()).expect("the CPU runs what it recorded");
        tr.outs.resize_with(self.ops.len(), Vec::new);
        for i in span.clone() {
            tr.outs[i] = backend.get(&outs[i]);
        }
        let last = self.ops.len() - 1;
        if span.end == self.ops.len() && self.ops[last].is_layer() {
            tr.logits = backend.get(&zs[last]);
        }
        tr.eps = eps;
    }
}
