//! Training a network on the GPU: the same step as the CPU engine (train.rs), as kernels over flat GPU
//! buffers — parameters, gradients and optimizer state, with layers as views — recorded once and
//! dispatched in one submit per step. Every variant runs here: dense layers, tied weights, k-sparse
//! codes, the VAE's reparameterisation and KL, L1 and KL sparsity, the contractive penalty, corruption
//! from the CPU's own random streams, and softmax classifier heads.

use super::elementwise::{act_code, Elementwise, Entry, Launch, Params};
use super::matmul::{GpuMatmul, Product, View};
use super::GpuContext;

mod backward;
mod buffers;
mod state;
use crate::corrupt::Noise;
use crate::error::{Error, Result};
use crate::layers::{Loss, WeightLayout};
use crate::matmul::Op;
use crate::net::Op as NetOp;
use crate::optim::{Optimizer, OptimizerKind};
use crate::rng::Stream;
use crate::train::{Phase, Task};
use buffers::Buffers;
pub use state::GpuState;

enum Launched {
    Matmul(Product),
    Elementwise(Launch),
}

pub struct GpuTrainer {
    matmul: GpuMatmul,
    elementwise: Elementwise,
    batch: usize,
    input: usize,
    params_len: usize,
    bufs: Buffers,
    /// The optimizer's settings and step count (its moments live in `bufs`).
    optimizer: Optimizer,
    corrupt: Option<Launch>,
    corrupt_params: Params,
    optimizer_launch: Launch,
    optimizer_params: Params,
    steps: Vec<Launched>,
}

/// Records a phase's step as launches over its buffers.
struct Recorder<'a> {
    ctx: &'a GpuContext,
    matmul: &'a GpuMatmul,
    elementwise: &'a Elementwise,
    phase: &'a Phase,
    bufs: &'a Buffers,
    /// Whether the net's input is the corrupted batch (`x`) rather than the clean one (`target`).
    corrupted: bool,
    steps: Vec<Launched>,
}

impl<'a> Recorder<'a> {
    fn ew(&mut self, entry: Entry, p: Params, buffers: &[&wgpu::Buffer], threads: usize) -> Result<()> {
        let launch = self.elementwise.launch(self.ctx, entry, p, buffers, threads)?;
        self.steps.push(Launched::Elementwise(launch));
        Ok(())
    }

    /// Op `i`'s input: the (corrupted) batch for the first op, else the previous op's output.
    fn input_of(&self, i: usize) -> &'a wgpu::Buffer {
        let bufs = self.bufs;
        match i {
            0 if self.corrupted => &bufs.x,
            0 => &bufs.target,
            _ => &bufs.outs[i - 1],
        }
    }

    fn forward(&mut self) -> Result<()> {
        let (phase, bufs) = (self.phase, self.bufs);
        let b = phase.batch_size;
        for (i, op) in phase.net.ops.iter().enumerate() {
            let n = b * op.output_width();
            match op {
                NetOp::Dense(d) => {
                    // z = inp·W, then z += bias and y = f(z).
                    let layout = if d.layout == WeightLayout::Own { Op::Plain } else { Op::Transposed };
                    let (z, inp, w) = (
                        View::whole(&bufs.zs[i]),
                        View::whole(self.input_of(i)),
                        View::at(&bufs.params, d.weight, layout),
                    );
                    let product = self.matmul.product(self.ctx, z, inp, w, (b, d.inputs, d.outputs), false);
                    self.steps.push(Launched::Matmul(product));
                    let act = act_code(d.activation);
                    let p =
                        Params { n: n as u32, width: d.outputs as u32, act, off: d.bias as u32, ..Params::default() };
                    self.ew(Entry::BiasActivation, p, &[&bufs.params, &bufs.zs[i], &bufs.outs[i]], n)?;
                }
                NetOp::KSparse { width, k } => {
                    let p = Params { width: *width as u32, rows: b as u32, k: *k as u32, ..Params::default() };
                    self.ew(Entry::KSparseForward, p, &[&bufs.outs[i], self.input_of(i), &bufs.masks[i]], b)?;
                }
                NetOp::Reparameterize { code } => {
                    let p = Params { n: n as u32, width: *code as u32, ..Params::default() };
                    self.ew(Entry::ReparamForward, p, &[&bufs.outs[i], self.input_of(i), &bufs.eps], n)?;
                }
            }
        }
        Ok(())
    }

    /// The loss's sums (read back on demand) and the gradient that starts the backward pass. A
    /// classifier's logits take softmax cross-entropy; like cross-entropy on a sigmoid, its backward
    /// starts from ∂L/∂logits. Returns whether it does.
    fn loss(&mut self) -> Result<bool> {
        let (phase, bufs) = (self.phase, self.bufs);
        let (b, last, output) = (phase.batch_size, phase.net.ops.len() - 1, phase.net.output_width());
        let n = b * output;
        match phase.task {
            Task::Classify => {
                let p = Params { width: output as u32, rows: b as u32, scale: 1.0 / b as f32, ..Params::default() };
                self.ew(Entry::SoftmaxXent, p, &[&bufs.ds[0], &bufs.zs[last], &bufs.labels, &bufs.sums], b)?;
                Ok(true)
            }
            Task::Reconstruct(loss) => {
                let logits = loss == Loss::CrossEntropy;
                let p = Params { n: n as u32, act: u32::from(logits), ..Params::default() };
                let predicted = if logits { &bufs.zs[last] } else { &bufs.outs[last] };
                self.ew(Entry::LossSum, p, &[&bufs.sums, predicted, &bufs.target], n)?;
                let p = Params { n: n as u32, scale: if logits { 1.0 } else { 2.0 } / b as f32, ..Params::default() };
                self.ew(Entry::LossGradient, p, &[&bufs.ds[0], &bufs.outs[last], &bufs.target], n)?;
                Ok(logits)
            }
        }
    }
}

impl GpuTrainer {
    /// Uploads a phase's net and records its training step: its batch size, loss, penalties at its
    /// code op and corruption (its frozen layers stay on the CPU, which feeds their output).
    pub fn new(ctx: &GpuContext, phase: &Phase, optimizer: &Optimizer) -> Result<Self> {
        let bufs = Buffers::new(ctx, phase, optimizer)?;
        let (matmul, elementwise) = (GpuMatmul::new(ctx), Elementwise::new(ctx));
        let (b, input, len) = (phase.batch_size, phase.net.input, phase.net.params.len());
        // The clean batch arrives in `target`; with noise, the corrupt kernel writes the net's input to `x`.
        let noise = phase.noise;
        let (masking, salt_pepper, gaussian) = (noise.masking as f32, noise.salt_pepper as f32, noise.gaussian as f32);
        let corrupt_params = Params { n: (b * input) as u32, masking, salt_pepper, gaussian, ..Params::default() };
        let corrupt = if noise.is_none() {
            None
        } else {
            Some(elementwise.launch(ctx, Entry::Corrupt, corrupt_params, &[&bufs.x, &bufs.target], b * input)?)
        };
        let corrupted = corrupt.is_some();
        let mut recorder = Recorder {
            ctx,
            matmul: &matmul,
            elementwise: &elementwise,
            phase,
            bufs: &bufs,
            corrupted,
            steps: Vec::new(),
        };
        recorder.forward()?;
        let logits = recorder.loss()?;
        recorder.backward(logits)?;
        let steps = recorder.steps;
        let optimizer_params = Params {
            n: len as u32,
            lr: optimizer.learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            decay: optimizer.weight_decay,
            momentum: optimizer.momentum,
            ..Params::default()
        };
        let (params, grads, m, v) = (&bufs.params, &bufs.grads, &bufs.m, &bufs.v);
        let optimizer_launch = match optimizer.kind {
            OptimizerKind::Adam => {
                elementwise.launch(ctx, Entry::Adam, optimizer_params, &[params, grads, m, v], len)?
            }
            OptimizerKind::Sgd => elementwise.launch(ctx, Entry::Sgd, optimizer_params, &[params, grads, m], len)?,
        };
        // The moments live on the GPU; the CPU keeps the settings and the step count.
        let optimizer = Optimizer { m: Vec::new(), v: Vec::new(), ..*optimizer };
        Ok(GpuTrainer {
            matmul,
            elementwise,
            batch: b,
            input,
            params_len: len,
            bufs,
            optimizer,
            corrupt,
            corrupt_params,
            optimizer_launch,
            optimizer_params,
            steps,
        })
    }

    /// One training step on a clean batch, corrupted here with the step's `corrupt` stream (as the
    /// CPU does with the same stream); `sample` is the VAE's noise stream. Only writes buffers and submits.
    pub fn step(
        &mut self,
        ctx: &GpuContext,
        clean: &[f32],
        corrupt: Option<Stream>,
        sample: Option<Stream>,
    ) -> Result<()> {
        if clean.len() != self.batch * self.input {
            return Err(Error::new(format!(
                "GPU step: {} values do not fit a batch of {} × {}",
                clean.len(),
                self.batch,
                self.input
            )));
        }
        if let (Some(launch), Some(stream)) = (&self.corrupt, corrupt) {
            let keys = Noise::streams(stream).map(|s| s.key());
            let p = Params { keys, ..self.corrupt_params };
            ctx.queue.write_buffer(&launch.uniform, 0, bytemuck::bytes_of(&p));
        }
        self.optimizer.t += 1;
        let t = self.optimizer.t as i32;
        let p = Params { c1: 1.0 - 0.9f32.powi(t), c2: 1.0 - 0.999f32.powi(t), ..self.optimizer_params };
        ctx.queue.write_buffer(&self.optimizer_launch.uniform, 0, bytemuck::bytes_of(&p));
        ctx.queue.write_buffer(&self.bufs.target, 0, bytemuck::cast_slice(clean));
        if self.bufs.eps_len > 0 {
            let eps: Vec<f32> = (0..self.bufs.eps_len as u32).map(|j| sample.map_or(0.0, |s| s.normal(j))).collect();
            ctx.queue.write_buffer(&self.bufs.eps, 0, bytemuck::cast_slice(&eps));
        }
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        encoder.clear_buffer(&self.bufs.grads, 0, None);
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            if let Some(launch) = &self.corrupt {
                self.elementwise.dispatch(&mut pass, launch);
            }
            for s in &self.steps {
                match s {
                    Launched::Matmul(product) => self.matmul.dispatch(&mut pass, product),
                    Launched::Elementwise(launch) => self.elementwise.dispatch(&mut pass, launch),
                }
            }
            self.elementwise.dispatch(&mut pass, &self.optimizer_launch);
        }
        ctx.queue.submit([encoder.finish()]);
        Ok(())
    }
}
