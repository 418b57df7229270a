//! Classification with few labels: a softmax head (optionally one hidden layer) trained on a small
//! labelled subset, on raw inputs (the baseline), on a frozen code, or jointly with the encoder.

use crate::data::Dataset;
use crate::error::Result;
use crate::fail;
use crate::model::architecture::{classifier, stack};
use crate::model::corrupt::Noise;
use crate::model::net::{CodePenalties, Net};
use crate::model::optim::{Optimizer, OptimizerKind};
use crate::rng::{Purpose, Rng};
use crate::train::evaluation::Evaluation;
use crate::train::phase::{Phase, Task};
use crate::train::trainer::Trainer;

/// What the head sees.
pub enum Features<'a> {
    /// The raw inputs (the baseline).
    Raw,
    /// The code of a frozen encoder.
    FrozenCode(&'a Net<f32>),
    /// The code of an encoder fine-tuned with the head: the head is first trained on the frozen code,
    /// then both together at a tenth of the learning rate for the same number of epochs.
    FineTuned(&'a Net<f32>),
}

#[derive(Clone, Debug)]
pub struct HeadConfig {
    pub labels_per_class: usize,
    /// Width of the head's ReLU hidden layer; 0 for a linear softmax head.
    pub hidden: usize,
    pub epochs: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub batch_size: usize,
    pub seed: u32,
}

/// The first `per_class` training rows of each class in a seeded shuffle.
pub fn labelled_subset(data: &Dataset, per_class: usize, seed: u32) -> Result<Vec<usize>> {
    labelled_subset_of(data, &data.train_rows().collect::<Vec<_>>(), per_class, seed)
}

/// The first `per_class` of `candidates` of each class in a seeded shuffle.
pub fn labelled_subset_of(data: &Dataset, candidates: &[usize], per_class: usize, seed: u32) -> Result<Vec<usize>> {
    if data.labels.is_empty() {
        fail!("dataset '{}' has no labels to classify", data.name);
    }
    let order = Rng::new(seed).stream(Purpose::Shuffle, u32::MAX).permutation(candidates.len());
    let mut taken = vec![0; data.classes];
    let mut rows = Vec::new();
    for i in order {
        let row = candidates[i as usize];
        let label = data.labels[row] as usize;
        if taken[label] < per_class {
            taken[label] += 1;
            rows.push(row);
        }
    }
    if let Some(class) = taken.iter().position(|&t| t < per_class) {
        fail!("class {class} has only {} training samples, fewer than {per_class} labels per class", taken[class]);
    }
    Ok(rows)
}

/// Trains a head on the labelled subset and returns its evaluation on the test rows (accuracy).
pub fn train_head(data: &Dataset, features: Features, c: &HeadConfig) -> Result<Evaluation> {
    let rows = labelled_subset(data, c.labels_per_class, c.seed)?;
    let head = |width| classifier(None, width, c.hidden, data.classes, c.seed);
    let trainer = match features {
        Features::Raw => fit(data, head(data.dim()), None, rows, c.learning_rate, c)?,
        Features::FrozenCode(enc) => fit(data, head(enc.output_width()), Some(enc.clone()), rows, c.learning_rate, c)?,
        Features::FineTuned(enc) => fine_tune(data, enc, rows, c)?,
    };
    Ok(trainer.evaluate(data, &data.test_rows().collect::<Vec<_>>()))
}

/// A head trained on `encoder`'s frozen code, then the encoder and the head together at a tenth of
/// the learning rate for as long, on the labelled `rows`: the net of both.
pub fn fine_tune(data: &Dataset, encoder: &Net<f32>, rows: Vec<usize>, c: &HeadConfig) -> Result<Trainer> {
    let head = classifier(None, encoder.output_width(), c.hidden, data.classes, c.seed);
    let trained = fit(data, head, Some(encoder.clone()), rows.clone(), c.learning_rate, c)?;
    fit(data, stack(encoder, trained.net()), None, rows, c.learning_rate / 10.0, c)
}

/// Trains `net` (behind `frozen` layers, if any) on the labelled rows for the configured epochs.
fn fit(
    data: &Dataset,
    net: Net<f32>,
    frozen: Option<Net<f32>>,
    rows: Vec<usize>,
    lr: f64,
    c: &HeadConfig,
) -> Result<Trainer> {
    // The trainer skips an epoch's last partial batch.
    let steps = c.epochs * (rows.len() / c.batch_size).max(1);
    let batch_size = c.batch_size.min(rows.len());
    let optimizer = Optimizer::new(OptimizerKind::Adam, net.params.len(), lr, 0.0, c.weight_decay);
    let noise = Noise::default();
    let phase = Phase {
        net,
        code: None,
        penalties: CodePenalties::default(),
        noise,
        task: Task::Classify,
        frozen,
        rows,
        batch_size,
        seed: c.seed,
        schedule: Default::default(),
        cd_steps: 0,
    };
    let mut trainer = Trainer::new(phase, optimizer, &crate::train::engine::device::Device::Cpu)?;
    for _ in 0..steps {
        trainer.train_step(data)?;
    }
    Ok(trainer)
}
