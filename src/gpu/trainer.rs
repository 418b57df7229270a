//! Training a dense network on the GPU: the same step as the CPU engine (train.rs), as kernels over
//! flat GPU buffers — parameters, gradients and optimizer state, with layers as views — recorded once
//! and dispatched in one submit per step. Denoising works as on the CPU (the caller corrupts the
//! input); the code penalties, k-sparse and variational codes do not run here yet.

use super::elementwise::{Elementwise, Entry, Launch, Params};
use super::matmul::{GpuMatmul, Product, View};
use super::GpuContext;
use crate::error::{Error, Result};
use crate::layers::{Activation, Loss, WeightLayout};
use crate::matmul::Op;
use crate::net::{Net, Op as NetOp};
use crate::optim::{Optimizer, OptimizerKind};

enum Launched {
    Matmul(Product),
    Elementwise(Launch),
}

/// The training state read back from the GPU.
pub struct GpuState {
    pub loss: f32,
    pub params: Vec<f32>,
    pub optimizer: Optimizer,
}

pub struct GpuTrainer {
    matmul: GpuMatmul,
    elementwise: Elementwise,
    pub batch: usize,
    input: usize,
    output: usize,
    pub params_len: usize,
    params: wgpu::Buffer,
    grads: wgpu::Buffer,
    x: wgpu::Buffer,
    target: wgpu::Buffer,
    sums: wgpu::Buffer,
    sums_len: usize,
    optimizer: Optimizer,
    optimizer_launch: Launch,
    optimizer_params: Params,
    m: wgpu::Buffer,
    v: wgpu::Buffer,
    // Kept alive for the bind groups that use them (they are never read from the CPU).
    _scratch: Vec<wgpu::Buffer>,
    steps: Vec<Launched>,
}

fn act_code(a: Activation) -> u32 {
    match a {
        Activation::Sigmoid => 0,
        Activation::Tanh => 1,
        Activation::Relu => 2,
        Activation::LeakyRelu => 3,
        Activation::Linear => 4,
    }
}

impl GpuTrainer {
    /// Uploads `net` and records its training step for batches of `batch` rows.
    pub fn new(ctx: &GpuContext, net: &Net<f32>, loss: Loss, optimizer: &Optimizer, batch: usize) -> Result<Self> {
        let dense = net
            .ops
            .iter()
            .map(|op| match op {
                NetOp::Dense(d) => Ok(d.clone()),
                NetOp::KSparse { .. } => Err(Error::new("k-sparse codes do not run on the GPU yet")),
                NetOp::Reparameterize { .. } => Err(Error::new("variational autoencoders do not run on the GPU yet")),
            })
            .collect::<Result<Vec<_>>>()?;
        let (matmul, elementwise) = (GpuMatmul::new(ctx), Elementwise::new(ctx));
        let b = batch;
        let (input, output) = (net.input, net.output_width());
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
        let target = ctx.storage("target", b * output);
        let zs: Vec<_> = dense.iter().map(|d| ctx.storage("z", b * d.outputs)).collect();
        let ys: Vec<_> = dense.iter().map(|d| ctx.storage("y", b * d.outputs)).collect();
        let widest = dense.iter().map(|d| d.inputs.max(d.outputs)).max().unwrap_or(1);
        let ds = [ctx.storage("d", b * widest), ctx.storage("d", b * widest)];
        let sums_len = (b * output).div_ceil(256);
        let sums = ctx.storage("loss sums", sums_len);
        let mut steps = Vec::new();
        let ew = |entry, p: Params, bufs: &[&wgpu::Buffer], threads| {
            elementwise.launch(ctx, entry, p, bufs, threads).map(Launched::Elementwise)
        };

        // Forward: z = inp·W, then z += bias and y = f(z).
        for (i, d) in dense.iter().enumerate() {
            let inp = if i == 0 { &x } else { &ys[i - 1] };
            let w_op = if d.layout == WeightLayout::Own { Op::Plain } else { Op::Transposed };
            let w = View::at(&params, d.weight, w_op);
            steps.push(Launched::Matmul(matmul.product(
                ctx,
                View::whole(&zs[i]),
                View::whole(inp),
                w,
                (b, d.inputs, d.outputs),
                false,
            )));
            let p = Params {
                n: (b * d.outputs) as u32,
                width: d.outputs as u32,
                act: act_code(d.activation),
                off: d.bias as u32,
                ..Params::default()
            };
            steps.push(ew(Entry::BiasActivation, p, &[&params, &zs[i], &ys[i]], b * d.outputs)?);
        }
        // Loss: per-workgroup sums (read back on demand) and the gradient that starts the backward pass.
        let last = dense.len() - 1;
        let n = b * output;
        let logits = loss == Loss::CrossEntropy;
        let p = Params { n: n as u32, act: u32::from(logits), ..Params::default() };
        steps.push(ew(Entry::LossSum, p, &[&sums, if logits { &zs[last] } else { &ys[last] }, &target], n)?);
        let scale = if logits { 1.0 } else { 2.0 } / b as f32;
        steps.push(ew(
            Entry::LossGradient,
            Params { n: n as u32, scale, ..Params::default() },
            &[&ds[0], &ys[last], &target],
            n,
        )?);
        // Backward, last layer first; d ping-pongs between ds[0] and ds[1].
        for (i, d) in dense.iter().enumerate().rev() {
            let (cur, next) = if (last - i) % 2 == 0 { (&ds[0], &ds[1]) } else { (&ds[1], &ds[0]) };
            if !(i == last && logits) {
                let p = Params { n: (b * d.outputs) as u32, act: act_code(d.activation), ..Params::default() };
                steps.push(ew(Entry::ActivationBackward, p, &[cur, &ys[i]], b * d.outputs)?);
            }
            let inp = if i == 0 { &x } else { &ys[i - 1] };
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
                let w_op = if d.layout == WeightLayout::Own { Op::Transposed } else { Op::Plain };
                let w = View::at(&params, d.weight, w_op);
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
        let mut scratch = vec![ds[0].clone(), ds[1].clone()];
        scratch.extend(zs);
        scratch.extend(ys);
        Ok(GpuTrainer {
            matmul,
            elementwise,
            batch,
            input,
            output,
            params_len: net.params.len(),
            params,
            grads,
            x,
            target,
            sums,
            sums_len,
            optimizer: optimizer.clone(),
            optimizer_launch,
            optimizer_params,
            m,
            v,
            _scratch: scratch,
            steps,
        })
    }

    /// One training step on a batch (x: the possibly corrupted input; target: what to reconstruct).
    /// Only writes buffers and submits: nothing is read back.
    pub fn step(&mut self, ctx: &GpuContext, x: &[f32], target: &[f32]) -> Result<()> {
        if x.len() != self.batch * self.input || target.len() != self.batch * self.output {
            return Err(Error::new(format!(
                "GPU step: a batch of {} inputs and {} targets does not fit",
                x.len(),
                target.len()
            )));
        }
        self.optimizer.t += 1;
        let t = self.optimizer.t as i32;
        let p = Params { c1: 1.0 - 0.9f32.powi(t), c2: 1.0 - 0.999f32.powi(t), ..self.optimizer_params };
        ctx.queue.write_buffer(&self.optimizer_launch.uniform, 0, bytemuck::bytes_of(&p));
        ctx.queue.write_buffer(&self.x, 0, bytemuck::cast_slice(x));
        ctx.queue.write_buffer(&self.target, 0, bytemuck::cast_slice(target));
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        encoder.clear_buffer(&self.grads, 0, None);
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
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

    /// The last step's loss (before its update), summed per sample and averaged over the batch.
    pub async fn loss(&self, ctx: &GpuContext) -> Result<f32> {
        self.loss_future(ctx).await
    }

    /// A future (independent of `self`) reading back the state after the steps submitted so far:
    /// the last step's loss, the parameters and the optimizer.
    pub fn snapshot(&self, ctx: &GpuContext) -> impl std::future::Future<Output = Result<GpuState>> + 'static {
        let (ctx, params, m, v, sums) =
            (ctx.clone(), self.params.clone(), self.m.clone(), self.v.clone(), self.sums.clone());
        let (len, sums_len, batch, mut optimizer) =
            (self.params_len, self.sums_len, self.batch, self.optimizer.clone());
        async move {
            let loss = ctx.read_f32(&sums, sums_len).await?.iter().map(|&s| s as f64).sum::<f64>() / batch as f64;
            optimizer.m = ctx.read_f32(&m, len).await?;
            if optimizer.kind == OptimizerKind::Adam {
                optimizer.v = ctx.read_f32(&v, len).await?;
            }
            Ok(GpuState { loss: loss as f32, params: ctx.read_f32(&params, len).await?, optimizer })
        }
    }

    /// A future reading back only the last step's loss (cheap; also waits for the GPU to catch up).
    pub fn loss_future(&self, ctx: &GpuContext) -> impl std::future::Future<Output = Result<f32>> + 'static {
        let (ctx, sums, sums_len, batch) = (ctx.clone(), self.sums.clone(), self.sums_len, self.batch);
        async move {
            Ok((ctx.read_f32(&sums, sums_len).await?.iter().map(|&s| s as f64).sum::<f64>() / batch as f64) as f32)
        }
    }

    pub async fn params(&self, ctx: &GpuContext) -> Result<Vec<f32>> {
        ctx.read_f32(&self.params, self.params_len).await
    }

    /// The last step's gradients.
    pub async fn grads(&self, ctx: &GpuContext) -> Result<Vec<f32>> {
        ctx.read_f32(&self.grads, self.params_len).await
    }
}
