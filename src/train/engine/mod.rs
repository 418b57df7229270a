//! The training step, written once over the backend interface (backend/): a phase's forward pass,
//! loss, backward pass and optimizer update recorded as one program over flat buffers — parameters,
//! gradients and optimizer state, with layers as views — then run once per step. A phase's trainer
//! (trainer.rs) runs it on its session's device (device.rs): the reference backend or WebGPU.
//! Every variant: dense and convolutional layers, tied weights, k-sparse codes, the VAE's reparameterisation and KL, L1
//! and KL sparsity, the contractive penalty, corruption from the same random streams, classifier heads.

mod backward;
mod buffers;
pub mod device;
mod forward;
mod rbm;
mod state;

use crate::error::{Error, Result};
use crate::model::layers::Loss;
use crate::model::net::Op;
use crate::model::optim::Optimizer;
use crate::rng::Stream;
use crate::train::backend::{Backend, Memory, Program, StepValues};
use crate::train::phase::{Phase, Task};
use buffers::Buffers;
pub use state::State;

/// A phase's training step recorded on a backend, with the buffers it runs over.
pub struct Engine<B: Backend> {
    pub backend: B,
    batch: usize,
    input: usize,
    /// Each op's output width.
    op_widths: Vec<usize>,
    params_len: usize,
    classify: bool,
    bufs: Buffers<B>,
    /// An RBM stage's chain (contrastive divergence in place of backpropagation).
    chain: Option<rbm::ChainBuffers<B>>,
    /// The optimizer's settings and step count (its moments live in `bufs`).
    optimizer: Optimizer,
    /// What the schedule multiplies the optimizer's learning rate by this step.
    rate_factor: f64,
    /// Corrupts the clean batch into the net's input (empty without noise).
    corrupt: Program<B>,
    /// Forward, loss and backward: leaves the gradient of loss + penalties in `bufs.grads`.
    gradients: Program<B>,
    update: Program<B>,
}

/// Records a phase's step as launches over its buffers.
struct Recorder<'a, B: Backend> {
    backend: &'a B,
    phase: &'a Phase,
    bufs: &'a Buffers<B>,
    /// Whether the net's input is the corrupted batch (`x`) rather than the clean one (`target`).
    corrupted: bool,
    p: Program<B>,
}

impl<'a, B: Backend> Recorder<'a, B> {
    /// Op `i`'s input: the (corrupted) batch for the first op, else the previous op's output.
    fn input_of(&self, i: usize) -> &'a B::Buffer {
        let bufs = self.bufs;
        match i {
            0 if self.corrupted => &bufs.x,
            0 => &bufs.target,
            _ => &bufs.outs[i - 1],
        }
    }

    fn forward(&mut self) -> Result<()> {
        let bufs = self.bufs;
        let (params, input, outs, zs, cols, masks, eps) =
            (&bufs.params, self.input_of(0), &bufs.outs, &bufs.zs, &bufs.cols, &bufs.masks, &bufs.eps);
        let forward = forward::ForwardBuffers { params, input, outs, zs, cols, masks, eps };
        let ops = &self.phase.net.ops;
        forward::record(self.backend, &mut self.p, ops, &forward, 0..ops.len(), self.phase.batch_size)
    }

    /// The loss's sums (read back on demand) and the gradient that starts the backward pass. A
    /// classifier's logits take softmax cross-entropy; like cross-entropy on a sigmoid, its backward
    /// starts from ∂L/∂logits. Returns whether it does.
    fn loss(&mut self) -> Result<bool> {
        let (phase, bufs) = (self.phase, self.bufs);
        let (b, last, output) = (phase.batch_size, phase.net.ops.len() - 1, phase.net.output_width());
        let (d, y, z) = (&bufs.ds[0], &bufs.outs[last], &bufs.zs[last]);
        match phase.task {
            Task::Classify => {
                self.backend.softmax_cross_entropy(&mut self.p, &bufs.sums, d, z, &bufs.labels, b, output)?;
                Ok(true)
            }
            Task::Reconstruct(loss) => {
                self.backend.reconstruction_loss(&mut self.p, &bufs.sums, d, y, z, &bufs.target, loss, b, output)?;
                Ok(loss == Loss::CrossEntropy)
            }
        }
    }
}

impl<B: Backend> Engine<B> {
    /// Allocates a phase's buffers on `backend` and records its training step: its batch size, loss,
    /// penalties at its code op and corruption (its frozen layers stay outside: the caller feeds
    /// their output as the batch).
    pub fn new(backend: B, phase: &Phase, optimizer: &Optimizer) -> Result<Self> {
        if let (1.., Some(Op::Dense(enc))) = (phase.cd_steps, phase.net.ops.first()) {
            // Refused before any buffer is made, as Buffers::new refuses its own.
            rbm::ChainBuffers::check(&backend, phase.batch_size, enc.inputs, enc.outputs)?;
        }
        let bufs = Buffers::new(&backend, phase, optimizer)?;
        let (b, input, len) = (phase.batch_size, phase.net.input, phase.net.params.len());
        let mut corrupt = Vec::new();
        if !phase.noise.is_none() {
            // The clean batch arrives in `target`; the corrupt op writes the net's input to `x`.
            backend.corrupt(&mut corrupt, &bufs.x, &bufs.target, phase.noise, b * input)?;
        }
        let mut recorder =
            Recorder { backend: &backend, phase, bufs: &bufs, corrupted: !corrupt.is_empty(), p: Vec::new() };
        recorder.forward()?;
        let logits = recorder.loss()?;
        let chain = match (phase.cd_steps, &phase.net.ops[..]) {
            (0, _) => {
                recorder.backward(logits)?;
                None
            }
            (k, [Op::Dense(enc), Op::Dense(dec)]) => {
                let chain = rbm::ChainBuffers::new(&backend, b, enc.inputs, enc.outputs)?;
                let v0 = recorder.input_of(0);
                rbm::record(&backend, &mut recorder.p, &bufs, &chain, (enc, dec), v0, b, k)?;
                Some(chain)
            }
            _ => return Err(Error::new("an RBM stage is one dense layer and its tied decoder")),
        };
        let gradients = recorder.p;
        let mut update = Vec::new();
        backend.optimizer_update(&mut update, &bufs.params, &bufs.grads, &bufs.m, &bufs.v, optimizer, len)?;
        // The moments live in the buffers; the engine keeps the settings and the step count.
        let optimizer = Optimizer { m: Vec::new(), v: Vec::new(), ..optimizer.clone() };
        let classify = phase.task == Task::Classify;
        let op_widths = phase.net.ops.iter().map(Op::output_width).collect();
        Ok(Engine {
            backend,
            batch: b,
            input,
            op_widths,
            params_len: len,
            classify,
            bufs,
            chain,
            optimizer,
            rate_factor: 1.0,
            corrupt,
            gradients,
            update,
        })
    }

    /// One training step on a clean batch (and its labels, for a classifier), corrupted with the
    /// step's `corrupt` stream; `sample` is the VAE's noise stream. Only writes buffers and runs.
    pub fn step(
        &mut self,
        clean: &[f32],
        labels: &[u8],
        corrupt: Option<Stream>,
        sample: Option<Stream>,
    ) -> Result<()> {
        self.write_batch(clean, labels, sample)?;
        self.optimizer.t += 1;
        let step = self.step_values(corrupt, sample);
        self.backend.run(&self.bufs.grads, &[&self.corrupt, &self.gradients, &self.update], step)
    }

    /// The gradients of one batch as `step` takes them, without the update (the weights and the
    /// optimizer stay as they are).
    pub fn gradients(
        &mut self,
        clean: &[f32],
        labels: &[u8],
        corrupt: Option<Stream>,
        sample: Option<Stream>,
    ) -> Result<()> {
        self.write_batch(clean, labels, sample)?;
        let step = self.step_values(corrupt, sample);
        self.backend.run(&self.bufs.grads, &[&self.corrupt, &self.gradients], step)
    }

    fn step_values(&self, corrupt: Option<Stream>, sample: Option<Stream>) -> StepValues {
        let learning_rate = (self.optimizer.learning_rate as f64 * self.rate_factor) as f32;
        StepValues { corrupt, t: self.optimizer.t, learning_rate, sample }
    }

    /// Sets what the schedule multiplies the learning rate by from the next step on.
    pub fn set_rate_factor(&mut self, factor: f64) {
        self.rate_factor = factor;
    }

    fn write_batch(&mut self, clean: &[f32], labels: &[u8], sample: Option<Stream>) -> Result<()> {
        if clean.len() != self.batch * self.input {
            return Err(Error::new(format!(
                "training step: {} values do not fit a batch of {} × {}",
                clean.len(),
                self.batch,
                self.input
            )));
        }
        if self.classify && labels.len() != self.batch {
            return Err(Error::new(format!("training step: {} labels for a batch of {}", labels.len(), self.batch)));
        }
        self.backend.write(&self.bufs.target, clean);
        if self.classify {
            let values: Vec<f32> = labels.iter().map(|&l| l as f32).collect();
            self.backend.write(&self.bufs.labels, &values);
        }
        if self.bufs.eps_len > 0 {
            self.backend.write(&self.bufs.eps, &forward::noise_values(sample, self.bufs.eps_len));
        }
        Ok(())
    }
}

impl<T: crate::real::Real> Engine<crate::train::backend::cpu::CpuBackend<T>> {
    /// One step on the reference backend with each launch timed by `clock` (seconds), in program
    /// order: corruption, forward, loss, backward, update (the bench pages' profile of a step).
    pub fn step_timed(&mut self, clean: &[f32], clock: &dyn Fn() -> f64) -> Result<Vec<f64>> {
        self.write_batch(clean, &[], None)?;
        self.optimizer.t += 1;
        let step = self.step_values(None, None);
        self.backend.write(&self.bufs.grads, &vec![0.0; self.params_len]);
        Ok(self.backend.run_timed(&[&self.corrupt, &self.gradients, &self.update], step, clock))
    }
}
