//! A whole training run as the lecture teaches it: greedy layer-wise pretraining (AE 1 on X, AE 2 on
//! the code Z1, … each with the layers below frozen), then the deep autoencoder assembled with
//! transposed encoder weights and fine-tuned end to end — or, for comparison, the deep net trained
//! end to end from random weights. Each phase keeps its own loss series.

use crate::architecture::{assemble, autoencoder, encoder, stack, stage};
use crate::config::Config;
use crate::data::Dataset;
use crate::error::Result;
use crate::fail;
use crate::layers::{Activation, Loss};
use crate::net::{CodePenalties, Net, Trace};
use crate::optim::Optimizer;
use crate::train::{Evaluation, Phase, StepLoss, Task, Trainer};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseKind {
    /// Pretraining stage k (0-based): a shallow autoencoder on the code of stage k − 1.
    Stage(usize),
    FineTune,
    EndToEnd,
}

impl PhaseKind {
    pub fn name(self) -> String {
        match self {
            PhaseKind::Stage(k) => format!("AE {}", k + 1),
            PhaseKind::FineTune => "fine-tune".into(),
            PhaseKind::EndToEnd => "end to end".into(),
        }
    }
}

/// One point of a phase's loss series.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    pub step: u64,
    pub train_loss: f64,
}

pub struct Session {
    pub config: Config,
    pub data: Dataset,
    pub phases: Vec<PhaseKind>,
    pub current: usize,
    pub trainer: Trainer,
    /// Trained stages, in order.
    pub stages: Vec<Net<f32>>,
    /// Steps taken over all phases.
    pub step: u64,
}

impl Session {
    pub fn new(config: Config, data: Dataset) -> Result<Self> {
        config.validate()?;
        data.validate()?;
        let max = data.bytes.iter().copied().max().unwrap_or(0) as f32 * data.scale;
        if config.loss == Loss::CrossEntropy && max > 1.0 + 1e-6 {
            fail!("loss crossEntropy needs inputs in 0..1, but this dataset reaches {max}: use squaredError");
        }
        let phases = if config.pretrain_epochs > 0 {
            (0..config.hidden.len()).map(PhaseKind::Stage).chain([PhaseKind::FineTune]).collect()
        } else {
            vec![PhaseKind::EndToEnd]
        };
        let trainer = Self::trainer(&config, &data, phases[0], &[])?;
        Ok(Session { config, data, phases, current: 0, trainer, stages: Vec::new(), step: 0 })
    }

    pub fn phase(&self) -> PhaseKind {
        self.phases[self.current]
    }

    fn trainer(c: &Config, data: &Dataset, kind: PhaseKind, stages: &[Net<f32>]) -> Result<Trainer> {
        let input = data.dim();
        let (net, code, penalties, task, frozen) = match kind {
            PhaseKind::Stage(k) => {
                let (net, code) = stage::<f32>(c, input, k);
                let out_act = if k == 0 { c.output_activation } else { c.activation.get(k - 1) };
                let loss = if c.loss == Loss::CrossEntropy && out_act == Activation::Sigmoid {
                    Loss::CrossEntropy
                } else {
                    Loss::SquaredError
                };
                let penalties = CodePenalties { contractive: c.contractive, vae_beta: 0.0, ..c.code_penalties() };
                (net, code, penalties, Task::Reconstruct(loss), frozen_encoder(stages))
            }
            PhaseKind::FineTune => {
                let (net, code) = assemble(c, input, stages);
                (net, code, c.code_penalties(), Task::Reconstruct(c.loss), None)
            }
            PhaseKind::EndToEnd => {
                let (net, code) = autoencoder::<f32>(c, input);
                (net, code, c.code_penalties(), Task::Reconstruct(c.loss), None)
            }
        };
        let optimizer = Optimizer::new(c.optimizer, net.params.len(), c.learning_rate, c.momentum, c.weight_decay);
        let phase = Phase {
            net,
            code: Some(code),
            penalties,
            noise: c.noise(),
            task,
            frozen,
            rows: data.train_rows().collect(),
            batch_size: c.batch_size,
            seed: c.seed,
        };
        Trainer::new(phase, optimizer)
    }

    fn epochs_of(&self, kind: PhaseKind) -> usize {
        match kind {
            PhaseKind::Stage(_) => self.config.pretrain_epochs,
            PhaseKind::FineTune | PhaseKind::EndToEnd => self.config.epochs,
        }
    }

    /// True once the last phase has run its epochs (never when epochs is 0).
    pub fn finished(&self) -> bool {
        let epochs = self.epochs_of(self.phase());
        self.current + 1 == self.phases.len() && epochs > 0 && self.trainer.epoch as usize >= epochs
    }

    /// One step of the current phase; moves to the next phase when this one has run its epochs.
    pub fn train_step(&mut self) -> Result<StepLoss> {
        if self.finished() {
            fail!(
                "training is finished ({} epochs); raise epochs (0 trains until stopped) to go on",
                self.config.epochs
            );
        }
        let loss = self.trainer.train_step(&self.data)?;
        self.step += 1;
        let epochs = self.epochs_of(self.phase());
        if self.current + 1 < self.phases.len() && self.trainer.epoch as usize >= epochs {
            self.advance()?;
        }
        Ok(loss)
    }

    /// Ends the current phase and starts the next (a finished stage is kept and frozen).
    pub fn advance(&mut self) -> Result<()> {
        if self.current + 1 >= self.phases.len() {
            fail!("{} is the last phase", self.phase().name());
        }
        if let PhaseKind::Stage(_) = self.phase() {
            self.stages.push(self.trainer.phase.net.clone());
        }
        self.current += 1;
        self.trainer = Self::trainer(&self.config, &self.data, self.phase(), &self.stages)?;
        Ok(())
    }

    pub fn evaluate_test(&self) -> Evaluation {
        self.trainer.evaluate(&self.data, &self.data.test_rows().collect::<Vec<_>>())
    }

    /// The current phase's inputs and reconstructions of dataset rows ([n, width] each): images for
    /// the deep net and stage 1, codes Z_{k−1} for a later stage.
    pub fn reconstruct(&self, rows: &[usize]) -> (Vec<f32>, Vec<f32>) {
        let inputs = self.trainer.inputs(&self.data, rows);
        let mut tr = Trace::default();
        self.trainer.phase.net.forward(&mut tr, &inputs, rows.len(), None);
        (inputs, tr.outs.pop().unwrap_or_default())
    }

    /// The deep model's encoder (or, while pretraining, the stages trained so far plus the current one).
    pub fn encoder(&self) -> Net<f32> {
        let t = &self.trainer.phase;
        match self.phase() {
            PhaseKind::Stage(_) => {
                let mut stages = self.stages.clone();
                stages.push(t.net.clone());
                frozen_encoder(&stages).expect("at least one stage")
            }
            _ => encoder(&t.net, t.code.expect("autoencoders have a code")),
        }
    }
}

/// The encoders of trained stages stacked into one frozen net.
fn frozen_encoder(stages: &[Net<f32>]) -> Option<Net<f32>> {
    let first = encoder(stages.first()?, 0);
    Some(stages[1..].iter().fold(first, |net, st| stack(&net, encoder(st, 0))))
}
