//! A whole training run as the lecture teaches it: greedy layer-wise pretraining (AE 1 on X, AE 2 on
//! the code Z1, … each with the layers below frozen), then the deep autoencoder assembled with
//! transposed encoder weights and fine-tuned end to end — or, for comparison, the deep net trained
//! end to end from random weights. Each phase keeps its own loss series. Optionally a classifier
//! phase follows: a softmax head on the finished autoencoder's code, trained on the labels (the
//! encoder frozen or trained with it), while the views keep showing the autoencoder.

use crate::data::Dataset;
use crate::error::Result;
use crate::fail;
use crate::model::config::{Config, Pretrain};
use crate::model::layers::Loss;
use crate::model::net::Net;
use crate::model::schedule::ScheduleKind;
use crate::train::engine::device::Device;
use crate::train::evaluation::Evaluation;
pub(crate) use crate::train::phase_trainers::{frozen_encoder, labelled_rows};
use crate::train::trainer::Trainer;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// What a phase is: its identity in the page, in saved runs and in model files (`name` is only for
/// display). As JSON: `{"kind": "stage", "stage": 0}`, `{"kind": "fineTune"}`, `{"kind": "endToEnd"}`,
/// `{"kind": "classifier"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "stage", rename_all = "camelCase")]
pub enum PhaseKind {
    /// Pretraining stage k (0-based): a shallow autoencoder on the code of stage k − 1.
    Stage(usize),
    FineTune,
    EndToEnd,
    /// A softmax head on the finished autoencoder's code, trained on the dataset's labels.
    Classifier,
}

impl PhaseKind {
    pub fn name(self) -> String {
        match self {
            PhaseKind::Stage(k) => format!("AE {}", k + 1),
            PhaseKind::FineTune => "fine-tune".into(),
            PhaseKind::EndToEnd => "end to end".into(),
            PhaseKind::Classifier => "classifier".into(),
        }
    }

    /// The deep autoencoder, trained end to end (fine-tuned or from random weights).
    pub fn is_deep(self) -> bool {
        matches!(self, PhaseKind::FineTune | PhaseKind::EndToEnd)
    }
}

/// The engine in use and why (shown in the page).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackendInUse {
    pub name: &'static str,
    pub reason: String,
}

/// The most samples or interpolation steps drawn at once (a page shows a few dozen).
pub(crate) const MAX_DRAWN: usize = 4096;

pub struct Session {
    pub config: Config,
    /// Shared with the page's other models on the same data (a rebuilt model copies nothing).
    pub data: Rc<Dataset>,
    pub phases: Vec<PhaseKind>,
    pub current: usize,
    pub trainer: Trainer,
    /// Trained stages, in order.
    pub stages: Vec<Net<f32>>,
    /// The finished autoencoder and its code op, kept while the classifier phase trains.
    pub autoencoder: Option<(Net<f32>, usize)>,
    /// Steps taken over all phases.
    pub step: u64,
    /// Each phase's own loss series: (step over all phases, batch loss), one list per phase.
    pub history: Vec<Vec<(u64, f32)>>,
    /// Early stopping's best validation loss so far in the last phase, its epoch and weights.
    pub(crate) best: Option<(f64, u32, Vec<f32>)>,
    pub(crate) stopped_early: bool,
    /// Where the phases train (stepping.rs moves them), and what the page says of it.
    pub(crate) device: Device,
    pub(crate) backend: BackendInUse,
    /// An RBM stage's dream chains (dreams.rs), kept from one look to the next.
    pub(crate) dreams: Option<crate::train::dreams::DreamChains>,
}

impl Session {
    pub fn new(config: Config, data: impl Into<Rc<Dataset>>) -> Result<Self> {
        let data = data.into();
        config.validate()?;
        data.validate()?;
        config.validate_conv(data.is_image(), (data.height, data.width, data.channels))?;
        let (min, max) = data.value_range();
        if config.loss == Loss::CrossEntropy && (min < -1e-6 || max > 1.0 + 1e-6) {
            fail!("loss crossEntropy needs inputs in 0..1, but this dataset's values run from {min} to {max}: use squaredError, or rescale the data to 0..1");
        }
        let mut phases: Vec<PhaseKind> = if config.pretrain_epochs > 0 {
            (0..config.layer_count()).map(PhaseKind::Stage).chain([PhaseKind::FineTune]).collect()
        } else {
            vec![PhaseKind::EndToEnd]
        };
        if config.classifier_epochs > 0 {
            if data.labels.is_empty() || data.classes < 2 {
                fail!(
                    "classifierEpochs: dataset '{}' has no labels of 2 or more classes to train a classifier on",
                    data.name
                );
            }
            labelled_rows(&config, &data)?; // enough labels of every class
            phases.push(PhaseKind::Classifier);
        }
        let trainer = Self::trainer(&config, &data, phases[0], &[], None, &Device::Cpu)?;
        let phase_count = phases.len();
        Ok(Session {
            config,
            data,
            phases,
            current: 0,
            trainer,
            stages: Vec::new(),
            autoencoder: None,
            step: 0,
            history: vec![Vec::new(); phase_count],
            best: None,
            stopped_early: false,
            device: Device::Cpu,
            backend: BackendInUse { name: "CPU", reason: "the CPU engine".into() },
            dreams: None,
        })
    }

    /// Training rows: the dataset's, less the validation rows held out at their end.
    pub(crate) fn split(c: &Config, data: &Dataset) -> (Vec<usize>, Vec<usize>) {
        let held = (data.n_train as f64 * c.validation).round() as usize;
        let rows: Vec<usize> = data.train_rows().collect();
        let (train, val) = rows.split_at(data.n_train - held);
        (train.to_vec(), val.to_vec())
    }

    pub fn validation_rows(&self) -> Vec<usize> {
        Self::split(&self.config, &self.data).1
    }

    /// A phase's name for display: an RBM stage says so ("RBM 1"), otherwise `PhaseKind::name`.
    pub fn phase_name(&self, kind: PhaseKind) -> String {
        match kind {
            PhaseKind::Stage(k) if self.config.pretrain == Pretrain::Rbm => format!("RBM {}", k + 1),
            _ => kind.name(),
        }
    }

    pub fn phase(&self) -> PhaseKind {
        self.phases[self.current]
    }

    /// The epochs phase `kind` trains for (0: until stopped).
    pub fn epochs_of(&self, kind: PhaseKind) -> usize {
        Self::epochs_for(&self.config, kind)
    }

    /// True once the last phase has run its epochs (never when epochs is 0) or stopped early.
    pub fn finished(&self) -> bool {
        let epochs = self.epochs_of(self.phase());
        let last = self.current + 1 == self.phases.len();
        self.stopped_early || (last && epochs > 0 && self.trainer.epoch as usize >= epochs)
    }

    /// Whether early stopping ended training (the best weights are in place).
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }

    /// How many epochs of the last phase gave early stopping's best validation loss.
    pub fn best_epochs(&self) -> Option<usize> {
        self.best.as_ref().map(|(_, epoch, _)| *epoch as usize + 1)
    }

    /// Refuses a step once training has ended, saying why and what to do.
    pub(crate) fn check_can_train(&self) -> Result<()> {
        if self.stopped_early {
            fail!("early stopping ended training (the best validation weights are in place); reset to train again");
        }
        if self.finished() {
            fail!(
                "training is finished ({} epochs); raise epochs (0 trains until stopped) to go on",
                self.config.epochs
            );
        }
        Ok(())
    }

    /// What follows the step that began epoch `epoch + 1` (the weights in hand): the plateau
    /// schedule's watch and, in the last phase, early stopping's check, both on the validation loss;
    /// then the next phase once this one has run its epochs.
    pub(crate) fn after_epoch(&mut self, finished_epoch: u32) -> Result<()> {
        let plateau = self.trainer.phase.schedule.kind == ScheduleKind::Plateau;
        let stopping = self.current + 1 == self.phases.len() && self.config.patience > 0;
        if plateau || stopping {
            let e = self.trainer.evaluate(&self.data, &self.validation_rows());
            let loss = e.loss + e.penalties.total();
            // (a loss that is not a number cannot be bettered: it would stall plateau's watch)
            if plateau && loss.is_finite() {
                let (step, patience) = (self.trainer.step, self.trainer.phase.schedule.patience);
                self.trainer.plateau.observe(loss, step, patience);
            }
            if stopping {
                self.early_stopping_check(loss, finished_epoch)?;
            }
        }
        let epochs = self.epochs_of(self.phase());
        if self.current + 1 < self.phases.len() && self.trainer.epoch as usize >= epochs {
            self.advance()?;
        }
        Ok(())
    }

    /// Adds the latest step's batch loss to the current phase's series (steps on the GPU report
    /// one loss per read-back).
    pub(crate) fn record_loss(&mut self, loss: f32) {
        self.history[self.current].push((self.step, loss));
    }

    /// Phase `index`'s batch losses as (step, loss), at most `points` of them: means of equal runs of
    /// steps when there are more, each at its run's last step.
    pub fn phase_losses(&self, index: usize, points: usize) -> Vec<(u64, f32)> {
        let Some(series) = self.history.get(index) else { return Vec::new() };
        let run = series.len().div_ceil(points.max(1)).max(1);
        let mean = |c: &[(u64, f32)]| (c.iter().map(|&(_, l)| l as f64).sum::<f64>() / c.len() as f64) as f32;
        series.chunks(run).map(|c| (c[c.len() - 1].0, mean(c))).collect()
    }

    /// Steps each phase has taken (the current one's so far, later ones 0). A phase ends on its own
    /// last step's loss, so its steps run from the end of the phase before to its last entry's step:
    /// this holds however often the losses were recorded (the GPU records one per read-back).
    pub fn steps_per_phase(&self) -> Vec<u64> {
        let mut before = 0;
        (0..self.phases.len())
            .map(|i| {
                let end = match i.cmp(&self.current) {
                    std::cmp::Ordering::Less => self.history[i].last().map_or(before, |&(step, _)| step),
                    std::cmp::Ordering::Equal => self.step,
                    std::cmp::Ordering::Greater => before,
                };
                let steps = end - before;
                before = end;
                steps
            })
            .collect()
    }

    /// Steps the current phase takes before one starts an epoch (where early stopping and phase
    /// changes happen).
    pub fn steps_left_in_epoch(&self) -> usize {
        if self.finished() {
            0
        } else {
            self.trainer.steps_left_in_epoch()
        }
    }

    /// After each epoch of the last phase: remember the best validation loss (loss + penalties) and
    /// its weights; after `patience` epochs without improvement, restore them and stop.
    fn early_stopping_check(&mut self, loss: f64, finished_epoch: u32) -> Result<()> {
        if self.best.as_ref().is_none_or(|(best, _, _)| loss < *best) {
            self.best = Some((loss, finished_epoch, self.trainer.net().params));
        }
        let (_, best_epoch, params) = self.best.as_ref().unwrap();
        if (finished_epoch - best_epoch) as usize >= self.config.patience {
            let optimizer = self.trainer.state().optimizer;
            self.trainer.load_state(params.clone(), optimizer)?;
            self.stopped_early = true;
        }
        Ok(())
    }

    /// Ends the current phase and starts the next (a finished stage is kept and frozen).
    pub fn advance(&mut self) -> Result<()> {
        if self.current + 1 >= self.phases.len() {
            fail!("{} is the last phase", self.phase().name());
        }
        let finished = self.trainer.net();
        match self.phase() {
            PhaseKind::Stage(_) => self.stages.push(finished),
            _ => self.autoencoder = Some((finished, self.trainer.phase.code.expect("autoencoders have a code"))),
        }
        self.current += 1;
        self.trainer = self.next_trainer()?;
        Ok(())
    }

    pub fn evaluate_test(&self) -> Evaluation {
        self.trainer.evaluate(&self.data, &self.data.test_rows().collect::<Vec<_>>())
    }

    /// The current phase measured on its first `count` training rows.
    pub fn evaluate_train(&self, count: usize) -> Evaluation {
        let rows = &self.trainer.phase.rows;
        self.trainer.evaluate(&self.data, &rows[..count.min(rows.len())])
    }
}
