//! An engine's state crossing to and from its backend: reading back the loss, the weights and the
//! optimizer (asynchronously, never blocking a browser), writing a state computed elsewhere, direct
//! access on the CPU reference backend, and freeing the buffers when the engine goes.

use super::Engine;
use crate::error::{Error, Result};
use crate::model::optim::{Optimizer, OptimizerKind};
use crate::real::Real;
use crate::train::backend::cpu::CpuBackend;
use crate::train::backend::Backend;
use std::future::Future;

impl<B: Backend> Drop for Engine<B> {
    fn drop(&mut self) {
        self.bufs.free(&self.backend);
        if let Some(chain) = &self.chain {
            chain.free(&self.backend);
        }
    }
}

/// The training state read back from an engine.
#[derive(Clone, Debug)]
pub struct State {
    pub loss: f32,
    pub params: Vec<f32>,
    pub optimizer: Optimizer,
}

impl<B: Backend> Engine<B> {
    /// Replaces the weights and optimizer state (after a step taken elsewhere).
    pub fn upload_state(&mut self, params: &[f32], optimizer: &Optimizer) -> Result<()> {
        if params.len() != self.params_len {
            return Err(Error::new("upload_state: the weights belong to another model"));
        }
        self.backend.write(&self.bufs.params, params);
        if optimizer.m.len() == self.params_len {
            self.backend.write(&self.bufs.m, &optimizer.m);
        }
        if optimizer.v.len() == self.params_len {
            self.backend.write(&self.bufs.v, &optimizer.v);
        }
        self.optimizer.t = optimizer.t;
        self.set_optimizer(optimizer)
    }

    /// The optimizer's settings and step count (its moments live in the buffers).
    pub fn optimizer(&self) -> &Optimizer {
        &self.optimizer
    }

    /// Takes an optimizer's settings (a learning rate lowered after divergence, say), re-recording
    /// the update when they changed; the step count and moments stay the engine's.
    pub fn set_optimizer(&mut self, o: &Optimizer) -> Result<()> {
        let mine = &self.optimizer;
        if (o.kind, o.learning_rate, o.momentum, o.weight_decay)
            == (mine.kind, mine.learning_rate, mine.momentum, mine.weight_decay)
        {
            return Ok(());
        }
        if o.kind != mine.kind {
            return Err(Error::new("the optimizer's kind cannot change within a phase"));
        }
        let mut update = Vec::new();
        let b = &self.bufs;
        self.backend.optimizer_update(&mut update, &b.params, &b.grads, &b.m, &b.v, o, self.params_len)?;
        self.update = update;
        self.optimizer = Optimizer { m: Vec::new(), v: Vec::new(), t: self.optimizer.t, ..o.clone() };
        Ok(())
    }

    /// A future (independent of `self`) reading back the state after the steps run so far: the
    /// last step's loss, the parameters and the optimizer.
    pub fn read_state(&self) -> impl Future<Output = Result<State>> + 'static {
        let len = self.params_len;
        let loss = self.loss_future();
        let (params, m) = (self.backend.read(&self.bufs.params, len), self.backend.read(&self.bufs.m, len));
        let v = (self.optimizer.kind == OptimizerKind::Adam).then(|| self.backend.read(&self.bufs.v, len));
        let mut optimizer = self.optimizer.clone();
        async move {
            let loss = loss.await?;
            optimizer.m = m.await?;
            if let Some(v) = v {
                optimizer.v = v.await?;
            }
            Ok(State { loss, params: params.await?, optimizer })
        }
    }

    /// A future reading back only the last step's loss (before its update), summed per sample and
    /// averaged over the batch (cheap; also waits for a GPU to catch up).
    pub fn loss_future(&self) -> impl Future<Output = Result<f32>> + 'static {
        let (sums, batch) = (self.backend.read(&self.bufs.sums, self.bufs.sums_len), self.batch);
        async move { Ok((sums.await?.iter().map(|&s| s as f64).sum::<f64>() / batch as f64) as f32) }
    }

    pub async fn loss(&self) -> Result<f32> {
        self.loss_future().await
    }

    pub async fn params(&self) -> Result<Vec<f32>> {
        self.params_future().await
    }

    /// A future (independent of `self`) reading back the weights.
    pub fn params_future(&self) -> impl Future<Output = Result<Vec<f32>>> + 'static {
        self.backend.read(&self.bufs.params, self.params_len)
    }

    /// The net's input in the last step: the batch as corrupted, or the clean batch without noise.
    pub async fn input(&self) -> Result<Vec<f32>> {
        let buffer = if self.corrupt.is_empty() { &self.bufs.target } else { &self.bufs.x };
        self.backend.read(buffer, self.batch * self.input).await
    }

    /// Op `op`'s output in the last step, [B, its width] (the last op's is the net's output).
    pub async fn op_output(&self, op: usize) -> Result<Vec<f32>> {
        let Some(buffer) = self.bufs.outs.get(op) else { return Err(Error::new(format!("the net has no op {op}"))) };
        self.backend.read(buffer, self.batch * self.op_widths[op]).await
    }

    /// The last step's gradients.
    pub async fn grads(&self) -> Result<Vec<f32>> {
        self.backend.read(&self.bufs.grads, self.params_len).await
    }
}

/// On the reference backend the state is at hand, in its own float type.
impl<T: Real> Engine<CpuBackend<T>> {
    /// The last step's loss, averaged over the batch.
    pub fn loss_now(&self) -> f64 {
        self.backend.get(&self.bufs.sums).iter().map(|s| s.to_f64().unwrap()).sum::<f64>() / self.batch as f64
    }

    pub fn params_now(&self) -> Vec<T> {
        self.backend.get(&self.bufs.params)
    }

    pub fn grads_now(&self) -> Vec<T> {
        self.backend.get(&self.bufs.grads)
    }

    /// Whether every weight is finite (read in place, without a copy).
    pub fn params_are_finite(&self) -> bool {
        self.backend.all_finite(&self.bufs.params)
    }

    /// Sets the weights in the backend's own float type (a gradient check's perturbed point).
    pub fn set_params(&self, params: &[T]) {
        self.backend.set(&self.bufs.params, params);
    }
}
