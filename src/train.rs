//! The training loop on the CPU engine: shuffled mini-batches from the seed, one step at a time so
//! the page can interleave drawing, and evaluation on the test rows.

use crate::config::Config;
use crate::data::Dataset;
use crate::error::Result;
use crate::fail;
use crate::layers::{squared_error_backward, squared_error_forward};
use crate::model::{Activations, Autoencoder};
use crate::optim::Adam;
use crate::rng::{Purpose, Rng};
use serde::Serialize;

/// Rows per forward pass when evaluating, to bound scratch memory.
const EVAL_CHUNK: usize = 256;

pub struct Trainer {
    pub config: Config,
    pub model: Autoencoder,
    pub optimizer: Adam,
    pub data: Dataset,
    pub step: u64,
    pub epoch: u32,
    grads: Vec<f32>,
    acts: Activations,
    batch: Vec<f32>,
    dout: Vec<f32>,
    order: Vec<u32>,
    cursor: usize,
}

/// What the page plots. Losses are squared error summed per sample, averaged over samples.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub step: u64,
    pub epoch: u32,
    pub train_loss: Option<f32>,
    pub test_loss: Option<f32>,
}

impl Trainer {
    pub fn new(config: Config, data: Dataset) -> Result<Self> {
        config.validate()?;
        data.validate()?;
        if config.batch_size > data.n_train {
            fail!("batchSize {} is larger than the {} training samples", config.batch_size, data.n_train);
        }
        let model = Autoencoder::new(data.dim(), &config.hidden, config.activation, config.seed);
        let optimizer = Adam::new(model.params.len(), config.learning_rate as f32);
        let grads = vec![0.0; model.params.len()];
        let mut trainer = Trainer {
            config,
            model,
            optimizer,
            data,
            step: 0,
            epoch: 0,
            grads,
            acts: Activations::default(),
            batch: Vec::new(),
            dout: Vec::new(),
            order: Vec::new(),
            cursor: 0,
        };
        trainer.shuffle();
        Ok(trainer)
    }

    fn shuffle(&mut self) {
        let stream = Rng::new(self.config.seed).stream(Purpose::Shuffle, self.epoch);
        self.order = stream.permutation(self.data.n_train);
        self.cursor = 0;
    }

    /// The next batch's rows; a new epoch (and a new shuffle) starts when a full batch no longer fits.
    fn next_batch(&mut self) -> Vec<usize> {
        let b = self.config.batch_size;
        if self.cursor + b > self.order.len() {
            self.epoch += 1;
            self.shuffle();
        }
        let rows = self.order[self.cursor..self.cursor + b].iter().map(|&r| r as usize).collect();
        self.cursor += b;
        rows
    }

    /// One optimisation step; returns the batch loss. A non-finite loss leaves the weights untouched.
    pub fn train_step(&mut self) -> Result<f32> {
        let b = self.config.batch_size;
        let rows = self.next_batch();
        self.batch.resize(b * self.data.dim(), 0.0);
        self.data.gather(&rows, &mut self.batch);
        self.model.forward(&mut self.acts, &self.batch, b);
        let out = self.acts.outputs.last().unwrap();
        let loss = squared_error_forward(out, &self.batch, b);
        if !loss.is_finite() {
            fail!(
                "training diverged at step {} (loss {loss}); the weights were kept — try a smaller learning rate",
                self.step
            );
        }
        self.dout.resize(out.len(), 0.0);
        squared_error_backward(&mut self.dout, out, &self.batch, b);
        self.grads.fill(0.0);
        self.model.backward(&mut self.grads, &mut self.dout, &self.acts, &self.batch, b);
        self.optimizer.update(&mut self.model.params, &self.grads);
        self.step += 1;
        Ok(loss)
    }

    /// Mean summed squared error over the test rows.
    pub fn test_loss(&self) -> f32 {
        let rows: Vec<usize> = self.data.test_rows().collect();
        let mut total = 0.0f64;
        for chunk in rows.chunks(EVAL_CHUNK) {
            let (inputs, outputs) = self.reconstruct(chunk);
            total += squared_error_forward(&outputs, &inputs, 1) as f64;
        }
        (total / rows.len() as f64) as f32
    }

    /// Inputs and reconstructions ([rows.len(), dim] each) of the given dataset rows.
    pub fn reconstruct(&self, rows: &[usize]) -> (Vec<f32>, Vec<f32>) {
        let mut inputs = vec![0.0; rows.len() * self.data.dim()];
        self.data.gather(rows, &mut inputs);
        let mut acts = Activations::default();
        self.model.forward(&mut acts, &inputs, rows.len());
        (inputs, acts.outputs.pop().unwrap_or_default())
    }
}
