//! Each phase's trainer as the config makes it: a pretraining stage (a shallow autoencoder or an
//! RBM), the deep net fine-tuned or trained end to end, the classifier head; with its optimizer,
//! learning-rate schedule and rows. The session (session.rs) asks for one at each phase.

use crate::data::Dataset;
use crate::error::Result;
use crate::fail;
use crate::model::architecture::{assemble, autoencoder, classifier, encoder, rbm_stage, stack, stage, stage_encoder};
use crate::model::config::{Config, Pretrain};
use crate::model::layers::{Activation, Loss};
use crate::model::net::{CodePenalties, Net, Op};
use crate::model::optim::Optimizer;
use crate::model::rbm;
use crate::model::schedule::Schedule;
use crate::train::engine::device::Device;
use crate::train::few_labels::labelled_subset_of;
use crate::train::phase::{Phase, Task};
use crate::train::session::{PhaseKind, Session};
use crate::train::trainer::Trainer;

impl Session {
    pub(crate) fn trainer(
        c: &Config,
        data: &Dataset,
        kind: PhaseKind,
        stages: &[Net<f32>],
        autoencoder_done: Option<&(Net<f32>, usize)>,
        device: &Device,
    ) -> Result<Trainer> {
        let input = data.shape();
        let (net, code, penalties, task, frozen) = match kind {
            PhaseKind::Stage(k) if c.pretrain == Pretrain::Rbm => {
                return Self::rbm_trainer(c, data, k, stages, device);
            }
            PhaseKind::Stage(k) => {
                let (net, code) = stage::<f32>(c, input, k);
                let out_act = net.ops.last().and_then(Op::activation).expect("a stage's decoder");
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
            PhaseKind::Classifier => {
                let Some((net, code)) = autoencoder_done else {
                    fail!("the classifier phase needs a finished autoencoder")
                };
                return Self::classifier_trainer(c, data, encoder(net, *code), device);
            }
        };
        let optimizer = Optimizer::new(c.optimizer, net.params.len(), c.learning_rate, c.momentum, c.weight_decay);
        let rows = Self::split(c, data).0;
        let schedule = schedule(c, rows.len(), c.batch_size, Self::epochs_for(c, kind));
        let phase = Phase {
            net,
            code: Some(code),
            penalties,
            noise: c.noise(),
            task,
            frozen,
            rows,
            batch_size: c.batch_size,
            seed: c.seed,
            schedule,
            cd_steps: 0,
        };
        Trainer::new(phase, optimizer, device)
    }

    /// Pretraining stage k as an RBM trained by CD-k on the clean codes of the stages below (its
    /// loss is the squared error of one mean-field Gibbs step). The first stage's visible units are
    /// binary for data in 0..1 and Gaussian otherwise; the layers above see sigmoid codes.
    fn rbm_trainer(c: &Config, data: &Dataset, k: usize, stages: &[Net<f32>], device: &Device) -> Result<Trainer> {
        let (min, max) = data.value_range();
        let visible = match k {
            0 if min >= 0.0 && max <= 1.0 => Activation::Sigmoid,
            0 => Activation::Linear,
            _ => c.activation.get(k - 1),
        };
        if visible == Activation::Linear && c.activation.get(k) == Activation::Linear {
            fail!("pretrain rbm: this data's values run from {min} to {max}, outside 0..1, so the first RBM's visible units are Gaussian, and a linear first hidden layer would make them Gaussian on both sides, which has no proper distribution; make hidden layer 1 sigmoid, or rescale the data to 0..1");
        }
        let (net, code) = rbm_stage::<f32>(c, data.dim(), k, visible);
        let optimizer = rbm::optimizer(net.params.len(), visible, c.activation.get(k));
        let rows = Self::split(c, data).0;
        let schedule = schedule(c, rows.len(), c.batch_size, c.pretrain_epochs);
        let phase = Phase {
            net,
            code: Some(code),
            penalties: CodePenalties::default(),
            noise: Default::default(),
            task: Task::Reconstruct(Loss::SquaredError),
            frozen: frozen_encoder(stages),
            rows,
            batch_size: c.batch_size,
            seed: c.seed,
            schedule,
            cd_steps: c.cd_steps,
        };
        Trainer::new(phase, optimizer, device)
    }

    /// The classifier phase: a linear softmax head on the encoder's code, behind the frozen encoder or
    /// stacked on it to train with it, on the labelled training rows.
    fn classifier_trainer(c: &Config, data: &Dataset, encoder: Net<f32>, device: &Device) -> Result<Trainer> {
        let rows = labelled_rows(c, data)?;
        let head = classifier(None, encoder.output_width(), 0, data.classes, c.seed);
        let (net, frozen) = if c.classifier_frozen { (head, Some(encoder)) } else { (stack(&encoder, head), None) };
        let optimizer = Optimizer::new(c.optimizer, net.params.len(), c.learning_rate, c.momentum, c.weight_decay);
        let batch_size = c.batch_size.min(rows.len());
        let phase = Phase {
            net,
            code: None,
            penalties: CodePenalties::default(),
            noise: Default::default(),
            task: Task::Classify,
            frozen,
            batch_size,
            schedule: schedule(c, rows.len(), batch_size, c.classifier_epochs),
            rows,
            seed: c.seed,
            cd_steps: 0,
        };
        Trainer::new(phase, optimizer, device)
    }

    pub(crate) fn epochs_for(c: &Config, kind: PhaseKind) -> usize {
        match kind {
            PhaseKind::Stage(_) => c.pretrain_epochs,
            PhaseKind::FineTune | PhaseKind::EndToEnd => c.epochs,
            PhaseKind::Classifier => c.classifier_epochs,
        }
    }
}

/// A phase's learning-rate schedule as the config sets it, over `rows` rows in batches of `batch`.
fn schedule(c: &Config, rows: usize, batch: usize, epochs: usize) -> Schedule {
    Schedule {
        kind: c.schedule,
        steps_per_epoch: (rows / batch.max(1)) as u64,
        epochs: epochs as u64,
        every: c.decay_every as u64,
        factor: c.decay_factor,
        warmup: c.warmup_epochs as u64,
        patience: c.plateau_patience as u32,
    }
}

/// The encoders of trained stages stacked into one frozen net.
pub(crate) fn frozen_encoder(stages: &[Net<f32>]) -> Option<Net<f32>> {
    let first = stage_encoder(stages.first()?);
    Some(stages[1..].iter().fold(first, |net, st| stack(&net, stage_encoder(st))))
}

/// The classifier's training rows: `classifier_labels` of each class from a seeded shuffle of the
/// training rows (less those held out for validation), or all of them.
pub(crate) fn labelled_rows(c: &Config, data: &Dataset) -> Result<Vec<usize>> {
    let rows = Session::split(c, data).0;
    if c.classifier_labels == 0 {
        return Ok(rows);
    }
    labelled_subset_of(data, &rows, c.classifier_labels, c.seed)
}
