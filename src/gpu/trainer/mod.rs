//! Training a network on the GPU: the same step as the CPU engine (train.rs), as kernels over flat GPU
//! buffers — parameters, gradients and optimizer state, with layers as views — recorded once and
//! dispatched in one submit per step. Every variant runs here: dense layers, tied weights, k-sparse
//! codes, the VAE's reparameterisation and KL, L1 and KL sparsity, the contractive penalty, corruption
//! from the CPU's own random streams, and softmax classifier heads.

use super::elementwise::{act_code, Elementwise, Entry, Launch, Params};
use super::matmul::{GpuMatmul, Product, View};
use super::GpuContext;

mod state;
use crate::corrupt::Noise;
use crate::error::{Error, Result};
use crate::layers::{Loss, WeightLayout};
use crate::matmul::Op;
use crate::net::Op as NetOp;
use crate::optim::{Optimizer, OptimizerKind};
use crate::rng::Stream;
use crate::train::{Phase, Task};
pub use state::GpuState;

enum Launched {
    Matmul(Product),
    Elementwise(Launch),
}

pub struct GpuTrainer {
    matmul: GpuMatmul,
    elementwise: Elementwise,
    pub batch: usize,
    input: usize,
    pub params_len: usize,
    params: wgpu::Buffer,
    grads: wgpu::Buffer,
    target: wgpu::Buffer,
    labels: wgpu::Buffer,
    eps: wgpu::Buffer,
    eps_len: usize,
    sums: wgpu::Buffer,
    sums_len: usize,
    optimizer: Optimizer,
    corrupt: Option<Launch>,
    corrupt_params: Params,
    optimizer_launch: Launch,
    optimizer_params: Params,
    m: wgpu::Buffer,
    v: wgpu::Buffer,
    // Kept alive for the bind groups that use them (they are never read from the CPU).
    _scratch: Vec<wgpu::Buffer>,
    steps: Vec<Launched>,
}

impl GpuTrainer {
    /// Uploads a phase's net and records its training step: its batch size, loss, penalties at its
    /// code op and corruption (its frozen layers stay on the CPU, which feeds their output).
    pub fn new(ctx: &GpuContext, phase: &Phase, optimizer: &Optimizer) -> Result<Self> {
        // A classifier's logits take softmax cross-entropy; like cross-entropy on a sigmoid, its backward
        // starts from ∂L/∂logits.
        let classify = phase.task == Task::Classify;
        let loss = match phase.task {
            Task::Reconstruct(loss) => loss,
            Task::Classify => Loss::CrossEntropy,
        };
        let (net, batch, code, penalties, noise) =
            (&phase.net, phase.batch_size, phase.code, &phase.penalties, phase.noise);
        let (matmul, elementwise) = (GpuMatmul::new(ctx), Elementwise::new(ctx));
        let b = batch;
        let (input, output) = (net.input, net.output_width());
        let widest = net.ops.iter().map(|op| 2 * op.output_width()).chain([input]).max().unwrap_or(1);
        ctx.check_fits("the weights", net.params.len())?;
        ctx.check_fits("a batch of activations", b * widest)?;
        let params = ctx.upload("params", &net.params);
        let grads = ctx.storage("grads", net.params.len());
        // Optimizer state carries over (from the CPU engine, or a previous GPU phase).
        let state = |label, values: &[f32]| {
            if values.len() == net.params.len() {
                ctx.upload(label, values)
            } else {
                ctx.storage(label, net.params.len())
            }
        };
        let (m, v) = (state("optimizer m", &optimizer.m), state("optimizer v", &optimizer.v));
        let x = ctx.storage("x", b * input);
        let target = ctx.storage("target", b * input); // the clean batch
        let outs: Vec<_> = net.ops.iter().map(|op| ctx.storage("out", b * op.output_width())).collect();
        let zs: Vec<_> = net
            .ops
            .iter()
            .map(|op| ctx.storage("z", if matches!(op, NetOp::Dense(_)) { b * op.output_width() } else { 1 }))
            .collect();
        let masks: Vec<_> = net
            .ops
            .iter()
            .map(|op| ctx.storage("mask", if matches!(op, NetOp::KSparse { .. }) { b * op.output_width() } else { 1 }))
            .collect();
        let eps_len =
            net.ops.iter().map(|op| if let NetOp::Reparameterize { code } = op { b * code } else { 0 }).sum::<usize>();
        let eps = ctx.storage("eps", eps_len);
        let ds = [ctx.storage("d", b * widest), ctx.storage("d", b * widest)];
        let code_width = code.map_or(1, |c| net.ops[c].output_width());
        let rho_hat = ctx.storage("mean code", code_width);
        let (col_s, col_g) = (ctx.storage("contractive S", code_width), ctx.storage("contractive G", code_width));
        // Loss sums: one per workgroup of a reconstruction, one per row of a classifier.
        let sums_len = if classify { b } else { (b * output).div_ceil(256) };
        let labels = ctx.storage("labels", if classify { b } else { 1 });
        let sums = ctx.storage("loss sums", sums_len);
        let mut steps = Vec::new();
        let ew = |entry, p: Params, bufs: &[&wgpu::Buffer], threads| {
            elementwise.launch(ctx, entry, p, bufs, threads).map(Launched::Elementwise)
        };
        if !classify && input != output {
            return Err(Error::new("an autoencoder's output must be as wide as its input"));
        }
        // The clean batch arrives in `target`; with noise, the corrupt kernel writes the net's input to `x`.
        let (masking, salt_pepper, gaussian) = (noise.masking as f32, noise.salt_pepper as f32, noise.gaussian as f32);
        let corrupt_params = Params { n: (b * input) as u32, masking, salt_pepper, gaussian, ..Params::default() };
        let corrupt = if noise.is_none() {
            None
        } else {
            Some(elementwise.launch(ctx, Entry::Corrupt, corrupt_params, &[&x, &target], b * input)?)
        };
        let net_input = if corrupt.is_some() { &x } else { &target };
        let input_of = |i: usize| if i == 0 { net_input } else { &outs[i - 1] };
        let last = net.ops.len() - 1;
        if !matches!(net.ops[last], NetOp::Dense(_)) {
            return Err(Error::new("the GPU engine needs a dense output layer"));
        }

        // Forward.
        for (i, op) in net.ops.iter().enumerate() {
            let n = b * op.output_width();
            match op {
                NetOp::Dense(d) => {
                    // z = inp·W, then z += bias and y = f(z).
                    let w = View::at(
                        &params,
                        d.weight,
                        if d.layout == WeightLayout::Own { Op::Plain } else { Op::Transposed },
                    );
                    steps.push(Launched::Matmul(matmul.product(
                        ctx,
                        View::whole(&zs[i]),
                        View::whole(input_of(i)),
                        w,
                        (b, d.inputs, d.outputs),
                        false,
                    )));
                    let p = Params {
                        n: n as u32,
                        width: d.outputs as u32,
                        act: act_code(d.activation),
                        off: d.bias as u32,
                        ..Params::default()
                    };
                    steps.push(ew(Entry::BiasActivation, p, &[&params, &zs[i], &outs[i]], n)?);
                }
                NetOp::KSparse { width, k } => {
                    let p = Params { width: *width as u32, rows: b as u32, k: *k as u32, ..Params::default() };
                    steps.push(ew(Entry::KSparseForward, p, &[&outs[i], input_of(i), &masks[i]], b)?);
                }
                NetOp::Reparameterize { code } => {
                    let p = Params { n: n as u32, width: *code as u32, ..Params::default() };
                    steps.push(ew(Entry::ReparamForward, p, &[&outs[i], input_of(i), &eps], n)?);
                }
            }
        }
        // Loss: sums (read back on demand) and the gradient that starts the backward pass.
        let n = b * output;
        let logits = loss == Loss::CrossEntropy;
        if classify {
            let p = Params { width: output as u32, rows: b as u32, scale: 1.0 / b as f32, ..Params::default() };
            steps.push(ew(Entry::SoftmaxXent, p, &[&ds[0], &zs[last], &labels, &sums], b)?);
        } else {
            let p = Params { n: n as u32, act: u32::from(logits), ..Params::default() };
            steps.push(ew(Entry::LossSum, p, &[&sums, if logits { &zs[last] } else { &outs[last] }, &target], n)?);
            let p = Params { n: n as u32, scale: if logits { 1.0 } else { 2.0 } / b as f32, ..Params::default() };
            steps.push(ew(Entry::LossGradient, p, &[&ds[0], &outs[last], &target], n)?);
        }

        // Backward, last op first; the gradient ping-pongs between ds[0] and ds[1].
        for (i, op) in net.ops.iter().enumerate().rev() {
            let (cur, next) = if (last - i).is_multiple_of(2) { (&ds[0], &ds[1]) } else { (&ds[1], &ds[0]) };
            let width = op.output_width();
            let n = b * width;
            if code == Some(i) {
                // Sparsity penalties on the code add their gradient to ∂L/∂code.
                if penalties.l1 > 0.0 {
                    let p = Params { n: n as u32, scale: (penalties.l1 / b as f64) as f32, ..Params::default() };
                    steps.push(ew(Entry::L1Gradient, p, &[cur, &outs[i]], n)?);
                }
                if let Some((rho, beta)) = penalties.kl {
                    steps.push(ew(
                        Entry::ColumnMean,
                        Params { width: width as u32, rows: b as u32, ..Params::default() },
                        &[&rho_hat, &outs[i]],
                        width,
                    )?);
                    let p = Params {
                        n: n as u32,
                        width: width as u32,
                        scale: (beta / b as f64) as f32,
                        rho: rho as f32,
                        ..Params::default()
                    };
                    steps.push(ew(Entry::KlGradient, p, &[cur, &rho_hat], n)?);
                }
            }
            match op {
                NetOp::Dense(d) => {
                    if code == Some(i) && penalties.contractive > 0.0 {
                        // Sums from this step's weights and code, before activation backward changes d.
                        let p = Params {
                            n: d.inputs as u32,
                            width: d.outputs as u32,
                            rows: b as u32,
                            act: act_code(d.activation),
                            off: d.weight as u32,
                            ..Params::default()
                        };
                        steps.push(ew(Entry::ContractiveSums, p, &[&params, &outs[i], &col_s, &col_g], d.outputs)?);
                    }
                    if !(i == last && logits) {
                        let p = Params { n: n as u32, act: act_code(d.activation), ..Params::default() };
                        steps.push(ew(Entry::ActivationBackward, p, &[cur, &outs[i]], n)?);
                    }
                    if code == Some(i) && penalties.contractive > 0.0 {
                        let scale = (penalties.contractive / b as f64) as f32;
                        let p = Params {
                            n: n as u32,
                            width: d.outputs as u32,
                            act: act_code(d.activation),
                            scale,
                            ..Params::default()
                        };
                        steps.push(ew(Entry::ContractiveDz, p, &[cur, &outs[i], &col_s], n)?);
                        let nw = d.inputs * d.outputs;
                        let p = Params {
                            n: nw as u32,
                            width: d.outputs as u32,
                            off: d.weight as u32,
                            scale,
                            ..Params::default()
                        };
                        steps.push(ew(Entry::ContractiveDw, p, &[&grads, &params, &col_g], nw)?);
                    }
                    let inp = input_of(i);
                    let dw = match d.layout {
                        // dW[C, OC] += inpᵀ·d
                        WeightLayout::Own => matmul.product(
                            ctx,
                            View::at(&grads, d.weight, Op::Plain),
                            View::at(inp, 0, Op::Transposed),
                            View::whole(cur),
                            (d.inputs, b, d.outputs),
                            true,
                        ),
                        // a borrowed W is stored [OC, C]: dW += dᵀ·inp
                        WeightLayout::TransposeOf => matmul.product(
                            ctx,
                            View::at(&grads, d.weight, Op::Plain),
                            View::at(cur, 0, Op::Transposed),
                            View::whole(inp),
                            (d.outputs, b, d.inputs),
                            true,
                        ),
                    };
                    steps.push(Launched::Matmul(dw));
                    let p = Params { width: d.outputs as u32, rows: b as u32, off: d.bias as u32, ..Params::default() };
                    steps.push(ew(Entry::ColumnSum, p, &[&grads, cur], d.outputs)?);
                    if i > 0 {
                        // dinp = d·Wᵀ: a transposed read of an own W [C, OC], a plain read of a borrowed [OC, C].
                        let w = View::at(
                            &params,
                            d.weight,
                            if d.layout == WeightLayout::Own { Op::Transposed } else { Op::Plain },
                        );
                        steps.push(Launched::Matmul(matmul.product(
                            ctx,
                            View::whole(next),
                            View::whole(cur),
                            w,
                            (b, d.outputs, d.inputs),
                            false,
                        )));
                    }
                }
                NetOp::KSparse { .. } => steps.push(ew(
                    Entry::KSparseBackward,
                    Params { n: n as u32, ..Params::default() },
                    &[next, cur, &masks[i]],
                    n,
                )?),
                NetOp::Reparameterize { code: c } => {
                    let p = Params {
                        n: n as u32,
                        width: *c as u32,
                        scale: (penalties.vae_beta / b as f64) as f32,
                        ..Params::default()
                    };
                    steps.push(ew(Entry::ReparamBackward, p, &[next, cur, input_of(i), &eps], n)?);
                }
            }
        }
        let optimizer_params = Params {
            n: net.params.len() as u32,
            lr: optimizer.learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            decay: optimizer.weight_decay,
            momentum: optimizer.momentum,
            ..Params::default()
        };
        let optimizer_launch = match optimizer.kind {
            OptimizerKind::Adam => {
                elementwise.launch(ctx, Entry::Adam, optimizer_params, &[&params, &grads, &m, &v], net.params.len())?
            }
            OptimizerKind::Sgd => {
                elementwise.launch(ctx, Entry::Sgd, optimizer_params, &[&params, &grads, &m], net.params.len())?
            }
        };
        let mut scratch = vec![x.clone(), ds[0].clone(), ds[1].clone(), rho_hat, col_s, col_g];
        scratch.extend(outs);
        scratch.extend(zs);
        scratch.extend(masks);
        Ok(GpuTrainer {
            matmul,
            elementwise,
            batch,
            input,
            params_len: net.params.len(),
            params,
            grads,
            target,
            labels,
            eps,
            eps_len,
            sums,
            sums_len,
            optimizer: optimizer.clone(),
            corrupt,
            corrupt_params,
            optimizer_launch,
            optimizer_params,
            m,
            v,
            _scratch: scratch,
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
        ctx.queue.write_buffer(&self.target, 0, bytemuck::cast_slice(clean));
        if self.eps_len > 0 {
            let eps: Vec<f32> = (0..self.eps_len as u32).map(|j| sample.map_or(0.0, |s| s.normal(j))).collect();
            ctx.queue.write_buffer(&self.eps, 0, bytemuck::cast_slice(&eps));
        }
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        encoder.clear_buffer(&self.grads, 0, None);
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
