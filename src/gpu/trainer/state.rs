//! The GPU trainer's state crossing to and from the CPU: a classifier's labels, reading back the loss,
//! the weights and the optimizer (asynchronously, never blocking a browser), uploading a state computed
//! on the CPU, and freeing GPU memory when the trainer goes.

use super::GpuTrainer;
use crate::error::{Error, Result};
use crate::gpu::GpuContext;
use crate::optim::{Optimizer, OptimizerKind};

impl Drop for GpuTrainer {
    fn drop(&mut self) {
        self.bufs.destroy();
    }
}

/// The training state read back from the GPU.
pub struct GpuState {
    pub loss: f32,
    pub params: Vec<f32>,
    pub optimizer: Optimizer,
}

impl GpuTrainer {
    /// The labels of the next batch, for a classifier.
    pub fn set_labels(&self, ctx: &GpuContext, labels: &[u8]) -> Result<()> {
        if labels.len() != self.batch {
            return Err(Error::new(format!("GPU step: {} labels for a batch of {}", labels.len(), self.batch)));
        }
        let values: Vec<f32> = labels.iter().map(|&l| l as f32).collect();
        ctx.queue.write_buffer(&self.bufs.labels, 0, bytemuck::cast_slice(&values));
        Ok(())
    }

    /// Replaces the weights and optimizer state (after a step taken on the CPU).
    pub fn upload_state(&mut self, ctx: &GpuContext, params: &[f32], optimizer: &Optimizer) -> Result<()> {
        if params.len() != self.params_len {
            return Err(Error::new("upload_state: the weights belong to another model"));
        }
        ctx.queue.write_buffer(&self.bufs.params, 0, bytemuck::cast_slice(params));
        if optimizer.m.len() == self.params_len {
            ctx.queue.write_buffer(&self.bufs.m, 0, bytemuck::cast_slice(&optimizer.m));
        }
        if optimizer.v.len() == self.params_len {
            ctx.queue.write_buffer(&self.bufs.v, 0, bytemuck::cast_slice(&optimizer.v));
        }
        self.optimizer.t = optimizer.t;
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
            (ctx.clone(), self.bufs.params.clone(), self.bufs.m.clone(), self.bufs.v.clone(), self.bufs.sums.clone());
        let (len, sums_len, batch, mut optimizer) =
            (self.params_len, self.bufs.sums_len, self.batch, self.optimizer.clone());
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
        let (ctx, sums, sums_len, batch) = (ctx.clone(), self.bufs.sums.clone(), self.bufs.sums_len, self.batch);
        async move {
            Ok((ctx.read_f32(&sums, sums_len).await?.iter().map(|&s| s as f64).sum::<f64>() / batch as f64) as f32)
        }
    }

    pub async fn params(&self, ctx: &GpuContext) -> Result<Vec<f32>> {
        ctx.read_f32(&self.bufs.params, self.params_len).await
    }

    /// The last step's gradients.
    pub async fn grads(&self, ctx: &GpuContext) -> Result<Vec<f32>> {
        ctx.read_f32(&self.bufs.grads, self.params_len).await
    }
}
