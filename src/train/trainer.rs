//! Training one network for one phase (a pretraining stage, fine-tuning, end-to-end training or a
//! classifier head): shuffled mini-batches from the seed, optional frozen layers in front, corruption,
//! penalties, divergence caught and rolled back (evaluation.rs measures it). The phase's engine,
//! on the CPU or the GPU, owns the weights and the optimizer's state; the trainer keeps the last good
//! state (on the GPU, the state last read back) to roll back to, and reads the current one on demand.

use crate::data::Dataset;
use crate::error::Result;
use crate::fail;
use crate::model::net::{Net, Trace};
use crate::model::optim::Optimizer;
use crate::model::rbm;
use crate::model::schedule::Plateau;
use crate::rng::{Purpose, Rng, Stream};
use crate::train::engine::device::{now, AnyEngine, Device};
use crate::train::engine::State;
use crate::train::phase::{Phase, Task};

/// Steps between checkpoints that divergence rolls back to.
const CHECKPOINT_EVERY: u64 = 50;
/// Rows per forward pass when evaluating, to bound scratch memory.
pub(super) const EVAL_CHUNK: usize = 256;

/// A step's batch and the streams that corrupt it and draw the VAE's noise.
struct StepBatch {
    clean: Vec<f32>,
    labels: Vec<u8>,
    corrupt: Stream,
    sample: Stream,
}

/// A good state to come back to, and the phase's step it was taken at.
struct Checkpoint {
    state: State,
    step: u64,
}

pub struct Trainer {
    /// What the phase trains; its net's weights are those the phase began with (`net()` has the
    /// current ones).
    pub phase: Phase,
    pub step: u64,
    pub epoch: u32,
    order: Vec<u32>,
    cursor: usize,
    /// The last good state: rolled back to on divergence. On the GPU it is also the state last read
    /// back (`sync`), which evaluation, the views and saved files see.
    checkpoint: Checkpoint,
    engine: AnyEngine,
    /// Plateau's watch over the validation loss, and the steps where it cut the rate.
    pub plateau: Plateau,
}

/// One step's numbers: the task loss on the batch (before the step's update).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepLoss {
    pub loss: f64,
}

impl Trainer {
    /// The phase's trainer on `device`, from the phase's own weights and `optimizer`.
    pub fn new(phase: Phase, optimizer: Optimizer, device: &Device) -> Result<Self> {
        if phase.batch_size > phase.rows.len() {
            fail!("batchSize {} is larger than the {} training samples", phase.batch_size, phase.rows.len());
        }
        let state = State { loss: f32::NAN, params: phase.net.params.clone(), optimizer };
        let engine = AnyEngine::new(device, &phase, &state)?;
        let checkpoint = Checkpoint { state, step: 0 };
        let plateau = Plateau::default();
        let mut t = Trainer { phase, step: 0, epoch: 0, order: Vec::new(), cursor: 0, checkpoint, engine, plateau };
        t.shuffle();
        Ok(t)
    }

    pub fn on_gpu(&self) -> bool {
        self.engine.on_gpu()
    }

    /// Moves training to `device`, carrying the current state across (from the GPU: the state last
    /// read back).
    pub fn move_to(&mut self, device: &Device) -> Result<()> {
        // From the GPU the state is the one read back, at the step it was read at; the batches and
        // the step count go on from where they are.
        let step = if self.on_gpu() { self.checkpoint.step } else { self.step };
        let state = self.state();
        self.engine = AnyEngine::new(device, &self.phase, &state)?;
        self.checkpoint = Checkpoint { state, step };
        Ok(())
    }

    /// The weights and optimizer state now (on the GPU: as last read back).
    pub fn state(&self) -> State {
        if self.on_gpu() {
            return self.checkpoint.state.clone();
        }
        now(self.engine.read_state())
            .expect("the CPU engine reads at once")
            .expect("the CPU engine reads its own memory")
    }

    /// The phase's net with the current weights (on the GPU: as last read back).
    pub fn net(&self) -> Net<f32> {
        let params = if self.on_gpu() {
            self.checkpoint.state.params.clone()
        } else {
            now(self.engine.params())
                .expect("the CPU engine reads at once")
                .expect("the CPU engine reads its own memory")
        };
        self.phase.net.with_params(params)
    }

    /// The optimizer's settings and step count.
    pub fn optimizer(&self) -> &Optimizer {
        self.engine.optimizer()
    }

    /// Changes the learning rate from the next step on (after divergence, say).
    pub fn set_learning_rate(&mut self, learning_rate: f32) -> Result<()> {
        let o = Optimizer { learning_rate, ..self.optimizer().clone() };
        self.engine.set_optimizer(&o)
    }

    /// What the schedule multiplies the learning rate by at phase step `step` (from 0).
    pub fn rate_factor(&self, step: u64) -> f64 {
        self.phase.schedule.factor(step, self.plateau.cuts_by(step))
    }

    /// The learning rate at phase step `step`.
    pub fn learning_rate_at(&self, step: u64) -> f64 {
        self.optimizer().learning_rate as f64 * self.rate_factor(step)
    }

    /// An RBM stage's momentum, from the start's to the final one once the weights settle.
    fn switch_rbm_momentum(&mut self) -> Result<()> {
        let final_momentum = rbm::MOMENTUM_FINAL as f32;
        if self.optimizer().momentum == final_momentum {
            return Ok(());
        }
        let o = Optimizer { momentum: final_momentum, ..self.optimizer().clone() };
        self.engine.set_optimizer(&o)
    }

    /// Takes weights and an optimizer state from elsewhere (a model file, a saved run, early
    /// stopping's best) as the current and last good state.
    pub fn load_state(&mut self, params: Vec<f32>, optimizer: Optimizer) -> Result<()> {
        self.engine.upload_state(&params, &optimizer)?;
        self.checkpoint = Checkpoint { state: State { loss: f32::NAN, params, optimizer }, step: self.step };
        Ok(())
    }

    fn shuffle(&mut self) {
        self.order = self.shuffled(self.epoch);
        self.cursor = 0;
    }

    /// The order `epoch` visits the phase's rows in (positions in `phase.rows`).
    fn shuffled(&self, epoch: u32) -> Vec<u32> {
        Rng::new(self.phase.seed).stream(Purpose::Shuffle, epoch).permutation(self.phase.rows.len())
    }

    /// The dataset rows of `epoch`'s batches, in order: batch s is rows s·B .. (s+1)·B (a remainder
    /// short of a batch is skipped). Lets another implementation train on exactly the same batches.
    pub fn epoch_rows(&self, epoch: u32) -> Vec<usize> {
        self.shuffled(epoch).iter().map(|&i| self.phase.rows[i as usize]).collect()
    }

    fn next_batch(&mut self) -> Vec<usize> {
        let b = self.phase.batch_size;
        if self.cursor + b > self.order.len() {
            self.epoch += 1;
            self.shuffle();
        }
        let rows = self.order[self.cursor..self.cursor + b].iter().map(|&i| self.phase.rows[i as usize]).collect();
        self.cursor += b;
        rows
    }

    /// Where the phase is: its epoch and how many of the epoch's rows it has used.
    pub fn position(&self) -> (u32, usize) {
        (self.epoch, self.cursor)
    }

    /// Moves to a saved position: `step` steps taken, `cursor` rows into epoch `epoch`.
    pub fn resume_at(&mut self, step: u64, epoch: u32, cursor: usize) -> Result<()> {
        if cursor > self.phase.rows.len() {
            fail!("a saved position of {cursor} rows is past this phase's {} rows", self.phase.rows.len());
        }
        self.step = step;
        self.epoch = epoch;
        self.order = self.shuffled(epoch);
        self.cursor = cursor;
        self.checkpoint.step = step;
        Ok(())
    }

    /// Steps left before the next one starts a new epoch.
    pub fn steps_left_in_epoch(&self) -> usize {
        (self.order.len() - self.cursor) / self.phase.batch_size
    }

    /// The next batch and its step's random streams.
    fn next_step_batch(&mut self, data: &Dataset) -> StepBatch {
        let rows = self.next_batch();
        let clean = self.inputs(data, &rows);
        let labels =
            if self.phase.task == Task::Classify { rows.iter().map(|&r| data.labels[r]).collect() } else { Vec::new() };
        let rng = Rng::new(self.phase.seed);
        let (corrupt, sample) =
            (rng.stream(Purpose::Corrupt, self.step as u32), rng.stream(Purpose::Sample, self.step as u32));
        StepBatch { clean, labels, corrupt, sample }
    }

    /// The net's input for dataset rows: the rows' values, through the frozen layers if any.
    pub fn inputs(&self, data: &Dataset, rows: &[usize]) -> Vec<f32> {
        let mut x = vec![0.0; rows.len() * data.dim()];
        data.gather(rows, &mut x);
        match &self.phase.frozen {
            Some(frozen) => {
                let mut tr = Trace::default();
                frozen.forward(&mut tr, &x, rows.len(), None);
                tr.outs.pop().unwrap_or_default()
            }
            None => x,
        }
    }

    /// One optimisation step: batch → corrupt → forward → loss → backward → update. On the CPU it
    /// returns the step's loss, and a non-finite loss or weight brings the last checkpoint back with
    /// an error that says what to do. On the GPU the step is only submitted: its loss comes with
    /// `loss`, and `sync` checks the weights.
    pub fn train_step(&mut self, data: &Dataset) -> Result<Option<f64>> {
        let batch = self.next_step_batch(data);
        self.engine.set_rate_factor(self.rate_factor(self.step));
        if self.phase.cd_steps > 0 && self.epoch >= rbm::MOMENTUM_SWITCH_EPOCH {
            self.switch_rbm_momentum()?;
        }
        self.engine.step(&batch.clean, &batch.labels, Some(batch.corrupt), Some(batch.sample))?;
        if self.on_gpu() {
            self.step += 1;
            return Ok(None);
        }
        let loss = now(self.engine.loss()).expect("the CPU engine reads at once")? as f64;
        if !loss.is_finite() {
            return self.roll_back(format!("the loss became {loss}"));
        }
        if !self.engine.params_are_finite() {
            return self.roll_back("a weight became infinite".into());
        }
        self.step += 1;
        if self.step.is_multiple_of(CHECKPOINT_EVERY) {
            self.checkpoint = Checkpoint { state: self.state(), step: self.step };
        }
        Ok(Some(loss))
    }

    /// The last step's loss, once the device has run it.
    pub async fn loss(&self) -> Result<f32> {
        self.engine.loss().await
    }

    /// On the GPU: reads the state back as the last good one, or, when a weight is no longer
    /// finite, rolls back to the one before with an error. `Ok(Some(why))` when the device could not
    /// be read (lost, or an error): the caller moves to the CPU. Nothing to do on the CPU.
    pub async fn sync(&mut self) -> Result<Option<String>> {
        if !self.on_gpu() {
            return Ok(None);
        }
        let state = match self.engine.read_state().await {
            Ok(state) => state,
            Err(e) => return Ok(Some(e.message)),
        };
        let o = &state.optimizer;
        if !state.params.iter().chain(&o.m).chain(&o.v).all(|x| x.is_finite()) {
            return self.roll_back("a weight became NaN or infinite on the GPU".into());
        }
        self.checkpoint = Checkpoint { state, step: self.step };
        Ok(None)
    }

    /// Brings the last good weights and moments back (the optimizer's settings stay as they are now)
    /// and fails with what happened and what to do.
    pub fn roll_back<T>(&mut self, what: String) -> Result<T> {
        let at = self.step;
        let Checkpoint { state, step } = &self.checkpoint;
        let o = &state.optimizer;
        let optimizer = Optimizer { m: o.m.clone(), v: o.v.clone(), t: o.t, ..self.optimizer().clone() };
        self.engine.upload_state(&state.params, &optimizer)?;
        self.step = *step;
        fail!(
            "training diverged at step {at}: {what}. The weights and optimizer state of step {} are restored; lower the learning rate (now {}) and continue",
            self.step,
            self.learning_rate_at(self.step) as f32
        )
    }
}
