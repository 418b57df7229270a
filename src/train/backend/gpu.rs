//! The WebGPU backend: each op of the backend interface as launches of the WGSL kernels in
//! matmul*.wgsl and elementwise.wgsl, built once (uniform, bind group, dispatch size); a step writes
//! the few values that change and dispatches everything in one compute pass and one submit.

use super::{Backend, Memory, Program, StepValues, View};
use crate::error::Result;
use crate::kernels::gpu::conv::ConvKernels;
use crate::kernels::gpu::elementwise::{act_code, Elementwise, Entry, Params};
use crate::kernels::gpu::matmul::GpuMatmul;
use crate::kernels::gpu::{Dispatches, GpuContext};
use crate::model::corrupt::Noise;
use crate::model::layers::{Activation, Loss};
use crate::model::net::Dense;
use crate::model::optim::{Optimizer, OptimizerKind, ADAM_BETA1, ADAM_BETA2, ADAM_EPS};
use std::future::Future;

mod launches;
pub use launches::GpuLaunch;

/// The device and the kernels' pipelines, built once.
pub struct GpuBackend {
    pub ctx: GpuContext,
    pub matmul: GpuMatmul,
    elementwise: Elementwise,
    pub(super) conv: ConvKernels,
    /// Dispatches submitted since the backend was made, by kernel family, summed over steps (read
    /// before and after a step: tests/gpu_dispatches.rs).
    pub dispatches: std::cell::Cell<Dispatches>,
}

impl GpuBackend {
    pub fn new(ctx: &GpuContext) -> Self {
        GpuBackend {
            ctx: ctx.clone(),
            matmul: GpuMatmul::new(ctx),
            elementwise: Elementwise::new(ctx),
            conv: ConvKernels::new(ctx),
            dispatches: Default::default(),
        }
    }

    fn ew(
        &self,
        p: &mut Program<Self>,
        entry: Entry,
        params: Params,
        buffers: &[&wgpu::Buffer],
        threads: usize,
    ) -> Result<()> {
        p.push(GpuLaunch::Elementwise(self.elementwise.launch(&self.ctx, entry, params, buffers, threads)?));
        Ok(())
    }
}

/// β/B or λ/B as the kernels take it.
fn per_row(weight: f64, rows: usize) -> f32 {
    (weight / rows as f64) as f32
}

impl Memory for GpuBackend {
    type Buffer = wgpu::Buffer;
    type Launch = GpuLaunch;

    fn check_fits(&self, label: &'static str, len: usize) -> Result<()> {
        self.ctx.check_fits(label, len)
    }

    fn zeros(&self, label: &'static str, len: usize) -> Result<wgpu::Buffer> {
        self.ctx.check_fits(label, len)?;
        Ok(self.ctx.storage(label, len))
    }

    fn upload(&self, label: &'static str, values: &[f32]) -> Result<wgpu::Buffer> {
        self.ctx.check_fits(label, values.len())?;
        Ok(self.ctx.upload(label, values))
    }

    fn write(&self, buffer: &wgpu::Buffer, values: &[f32]) {
        self.ctx.queue.write_buffer(buffer, 0, bytemuck::cast_slice(values));
    }

    fn read(&self, buffer: &wgpu::Buffer, len: usize) -> impl Future<Output = Result<Vec<f32>>> + 'static + use<> {
        let (ctx, buffer) = (self.ctx.clone(), buffer.clone());
        async move { ctx.read_f32(&buffer, len).await }
    }

    fn free(&self, buffer: &wgpu::Buffer) {
        buffer.destroy();
    }

    fn run(&self, zero: &wgpu::Buffer, programs: &[&Program<Self>], step: StepValues) -> Result<()> {
        let launches = || programs.iter().flat_map(|p| p.iter());
        launches::write_step_values(&self.ctx.queue, launches(), &step);
        let mut encoder = self.ctx.device.create_command_encoder(&Default::default());
        encoder.clear_buffer(zero, 0, None);
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            let mut count = self.dispatches.get();
            for launch in launches() {
                match launch {
                    GpuLaunch::Matmul(product) => (self.matmul.dispatch(&mut pass, product), count.matmul += 1),
                    GpuLaunch::Elementwise(l) => (self.elementwise.dispatch(&mut pass, l), count.elementwise += 1),
                    GpuLaunch::Conv(l) => (self.conv.dispatch(&mut pass, l), count.conv += 1),
                };
            }
            self.dispatches.set(count);
        }
        self.ctx.queue.submit([encoder.finish()]);
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
impl Backend for GpuBackend {
    fn matmul(
        &self,
        p: &mut Program<Self>,
        c: View<wgpu::Buffer>,
        a: View<wgpu::Buffer>,
        b: View<wgpu::Buffer>,
        shape: (usize, usize, usize),
        accumulate: bool,
    ) -> Result<()> {
        p.push(GpuLaunch::Matmul(self.matmul.product(&self.ctx, c, a, b, shape, accumulate)));
        Ok(())
    }

    fn bias_activation(
        &self,
        p: &mut Program<Self>,
        y: &wgpu::Buffer,
        z: &wgpu::Buffer,
        params: &wgpu::Buffer,
        (bias, width, act): (usize, usize, Activation),
        rows: usize,
    ) -> Result<()> {
        let n = rows * width;
        let u = Params { n: n as u32, width: width as u32, act: act_code(act), off: bias as u32, ..Params::default() };
        self.ew(p, Entry::BiasActivation, u, &[params, z, y], n)
    }

    fn activation_backward(
        &self,
        p: &mut Program<Self>,
        d: &wgpu::Buffer,
        y: &wgpu::Buffer,
        act: Activation,
        n: usize,
    ) -> Result<()> {
        let u = Params { n: n as u32, act: act_code(act), ..Params::default() };
        self.ew(p, Entry::ActivationBackward, u, &[d, y], n)
    }

    fn activation_and_bias_backward(
        &self,
        p: &mut Program<Self>,
        d: &wgpu::Buffer,
        y: &wgpu::Buffer,
        act: Activation,
        bias: View<wgpu::Buffer>,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let u = Params {
            width: width as u32,
            rows: rows as u32,
            act: act_code(act),
            off: bias.offset as u32,
            ..Params::default()
        };
        self.ew(p, Entry::ActivationBiasBackward, u, &[bias.buffer, d, y], width)
    }

    fn column_sum(
        &self,
        p: &mut Program<Self>,
        sum: View<wgpu::Buffer>,
        d: &wgpu::Buffer,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let u = Params { width: width as u32, rows: rows as u32, off: sum.offset as u32, ..Params::default() };
        self.ew(p, Entry::ColumnSum, u, &[sum.buffer, d], width)
    }

    fn reconstruction_loss(
        &self,
        p: &mut Program<Self>,
        sums: &wgpu::Buffer,
        d: &wgpu::Buffer,
        y: &wgpu::Buffer,
        z: &wgpu::Buffer,
        target: &wgpu::Buffer,
        loss: Loss,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let n = rows * width;
        let logits = loss == Loss::CrossEntropy;
        let scale = if logits { 1.0 } else { 2.0 } / rows as f32;
        let u = Params { n: n as u32, act: u32::from(logits), scale, ..Params::default() };
        self.ew(p, Entry::Loss, u, &[sums, if logits { z } else { y }, target, d], n)
    }

    fn softmax_cross_entropy(
        &self,
        p: &mut Program<Self>,
        sums: &wgpu::Buffer,
        d: &wgpu::Buffer,
        logits: &wgpu::Buffer,
        labels: &wgpu::Buffer,
        rows: usize,
        classes: usize,
    ) -> Result<()> {
        let u = Params { width: classes as u32, rows: rows as u32, scale: 1.0 / rows as f32, ..Params::default() };
        self.ew(p, Entry::SoftmaxXent, u, &[d, logits, labels, sums], rows)
    }

    fn k_sparse_forward(
        &self,
        p: &mut Program<Self>,
        out: &wgpu::Buffer,
        inp: &wgpu::Buffer,
        mask: &wgpu::Buffer,
        rows: usize,
        width: usize,
        k: usize,
    ) -> Result<()> {
        let u = Params { width: width as u32, rows: rows as u32, k: k as u32, ..Params::default() };
        self.ew(p, Entry::KSparseForward, u, &[out, inp, mask], rows)
    }

    fn k_sparse_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &wgpu::Buffer,
        dout: &wgpu::Buffer,
        _inp: &wgpu::Buffer,
        mask: &wgpu::Buffer,
        rows: usize,
        width: usize,
        _k: usize,
    ) -> Result<()> {
        let n = rows * width;
        self.ew(p, Entry::KSparseBackward, Params { n: n as u32, ..Params::default() }, &[dinp, dout, mask], n)
    }

    fn reparameterize_forward(
        &self,
        p: &mut Program<Self>,
        z: &wgpu::Buffer,
        heads: &wgpu::Buffer,
        eps: &wgpu::Buffer,
        rows: usize,
        code: usize,
    ) -> Result<()> {
        let n = rows * code;
        let u = Params { n: n as u32, width: code as u32, ..Params::default() };
        self.ew(p, Entry::ReparamForward, u, &[z, heads, eps], n)
    }

    fn reparameterize_backward(
        &self,
        p: &mut Program<Self>,
        dheads: &wgpu::Buffer,
        dz: &wgpu::Buffer,
        heads: &wgpu::Buffer,
        eps: &wgpu::Buffer,
        beta: f64,
        rows: usize,
        code: usize,
    ) -> Result<()> {
        let n = rows * code;
        let u = Params { n: n as u32, width: code as u32, scale: per_row(beta, rows), ..Params::default() };
        self.ew(p, Entry::ReparamBackward, u, &[dheads, dz, heads, eps], n)
    }

    fn l1(
        &self,
        p: &mut Program<Self>,
        d: &wgpu::Buffer,
        h: &wgpu::Buffer,
        lambda: f64,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let n = rows * width;
        let u = Params { n: n as u32, scale: per_row(lambda, rows), ..Params::default() };
        self.ew(p, Entry::L1Gradient, u, &[d, h], n)
    }

    fn kl_sparsity(
        &self,
        p: &mut Program<Self>,
        d: &wgpu::Buffer,
        h: &wgpu::Buffer,
        mean: &wgpu::Buffer,
        rho: f64,
        beta: f64,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let u = Params { width: width as u32, rows: rows as u32, ..Params::default() };
        self.ew(p, Entry::ColumnMean, u, &[mean, h], width)?;
        let n = rows * width;
        let (scale, rho) = (per_row(beta, rows), rho as f32);
        let u = Params { n: n as u32, width: width as u32, scale, rho, ..Params::default() };
        self.ew(p, Entry::KlGradient, u, &[d, mean], n)
    }

    fn contractive(
        &self,
        p: &mut Program<Self>,
        dz: &wgpu::Buffer,
        grads: &wgpu::Buffer,
        params: &wgpu::Buffer,
        h: &wgpu::Buffer,
        [col_s, col_g]: [&wgpu::Buffer; 2],
        d: &Dense,
        lambda: f64,
        rows: usize,
    ) -> Result<()> {
        let (inputs, outputs, weight) = (d.inputs as u32, d.outputs as u32, d.weight as u32);
        let (act, scale, n) = (act_code(d.activation), per_row(lambda, rows), rows * d.outputs);
        let u = Params { n: inputs, width: outputs, rows: rows as u32, act, off: weight, ..Params::default() };
        self.ew(p, Entry::ContractiveSums, u, &[params, h, col_s, col_g], d.outputs)?;
        let u = Params { n: n as u32, width: outputs, act, scale, ..Params::default() };
        self.ew(p, Entry::ContractiveDz, u, &[dz, h, col_s], n)?;
        let nw = d.inputs * d.outputs;
        let u = Params { n: nw as u32, width: outputs, off: weight, scale, ..Params::default() };
        self.ew(p, Entry::ContractiveDw, u, &[grads, params, col_g], nw)
    }

    fn corrupt(
        &self,
        p: &mut Program<Self>,
        x: &wgpu::Buffer,
        clean: &wgpu::Buffer,
        noise: Noise,
        n: usize,
    ) -> Result<()> {
        let (masking, salt_pepper, gaussian) = (noise.masking as f32, noise.salt_pepper as f32, noise.gaussian as f32);
        let u = Params { n: n as u32, masking, salt_pepper, gaussian, ..Params::default() };
        self.ew(p, Entry::Corrupt, u, &[x, clean], n)
    }

    fn optimizer_update(
        &self,
        p: &mut Program<Self>,
        params: &wgpu::Buffer,
        grads: &wgpu::Buffer,
        m: &wgpu::Buffer,
        v: &wgpu::Buffer,
        optimizer: &Optimizer,
        n: usize,
    ) -> Result<()> {
        let u = Params {
            n: n as u32,
            lr: optimizer.learning_rate,
            beta1: ADAM_BETA1,
            beta2: ADAM_BETA2,
            eps: ADAM_EPS,
            decay: optimizer.weight_decay,
            momentum: optimizer.momentum,
            ..Params::default()
        };
        match optimizer.kind {
            OptimizerKind::Adam => self.ew(p, Entry::Adam, u, &[params, grads, m, v], n),
            OptimizerKind::Sgd => self.ew(p, Entry::Sgd, u, &[params, grads, m], n),
        }
    }

    fn sample_units(
        &self,
        p: &mut Program<Self>,
        out: &wgpu::Buffer,
        mean: &wgpu::Buffer,
        act: Activation,
        draw: u32,
        n: usize,
    ) -> Result<()> {
        let u = Params { n: n as u32, act: act_code(act), draw, ..Params::default() };
        self.ew(p, Entry::SampleUnits, u, &[out, mean], n)
    }

    fn scaled_copy(
        &self,
        p: &mut Program<Self>,
        out: View<wgpu::Buffer>,
        inp: &wgpu::Buffer,
        scale: f64,
        n: usize,
    ) -> Result<()> {
        let u = Params { n: n as u32, off: out.offset as u32, scale: scale as f32, ..Params::default() };
        self.ew(p, Entry::ScaledCopy, u, &[out.buffer, inp], n)
    }
}
