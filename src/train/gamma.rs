//! Training the Γ-model (model/ladder.rs) for few labels: the autoencoder's encoder with a linear
//! head, fine-tuned on every step by a batch of labelled rows (cross-entropy) and a batch of
//! unlabelled training rows (the top's denoising cost), with Adam whose rate falls linearly to zero
//! over the last third of the steps, as in Rasmus et al. 2015. The clean path's statistics over the
//! training rows then normalise the test rows.

use crate::data::Dataset;
use crate::error::Result;
use crate::fail;
use crate::model::architecture::classifier;
use crate::model::ladder::{normalise, GammaBatch, GammaModel, GammaNoise, Normalisation};
use crate::model::net::Net;
use crate::model::optim::{Optimizer, OptimizerKind};
use crate::rng::{Purpose, Rng};

/// The Γ-model's settings.
#[derive(Clone, Debug)]
pub struct GammaConfig {
    /// The noise's standard deviation (the paper's 0.3), in the units of each layer's spread.
    pub sigma: f64,
    /// The weight λ of the top's denoising cost.
    pub lambda: f64,
    pub steps: usize,
    /// Rows per step, labelled and unlabelled each (the labelled batch at most all the labels).
    pub batch: usize,
    pub learning_rate: f64,
    pub seed: u32,
}

impl Default for GammaConfig {
    fn default() -> Self {
        GammaConfig { sigma: 0.3, lambda: 1.0, steps: 600, batch: 100, learning_rate: 0.002, seed: 1 }
    }
}

/// A trained Γ-model with the statistics its clean path is normalised by.
pub struct GammaClassifier {
    pub model: GammaModel<f32>,
    norm: Normalisation<f32>,
}

/// Rows per pass when the whole training set goes through the clean path.
const CHUNK: usize = 1000;

impl GammaClassifier {
    /// Trains a Γ-model from `encoder` (dense layers) on the `labelled` rows' labels and on every
    /// training row without.
    pub fn train(data: &Dataset, encoder: &Net<f32>, labelled: &[usize], c: &GammaConfig) -> Result<GammaClassifier> {
        let net = classifier(Some(encoder), data.dim(), 0, data.classes, c.seed);
        if !GammaModel::fits(&net) {
            fail!("the Γ-model needs an encoder of dense layers (not a k-sparse or variational code)");
        }
        if labelled.is_empty() || c.batch < 2 {
            fail!("the Γ-model needs labelled rows and batches of 2 or more");
        }
        let mut model = GammaModel::new(net);
        let unlabelled: Vec<usize> = data.train_rows().collect();
        let rng = Rng::new(c.seed);
        let (bl, bu) = (c.batch.min(labelled.len()), c.batch.min(unlabelled.len()));
        let lab_order = rng.stream(Purpose::Shuffle, 0x6A).permutation(labelled.len());
        let unl_order = rng.stream(Purpose::Shuffle, 0x6B).permutation(unlabelled.len());
        let take = |order: &[u32], rows: &[usize], step: usize, b: usize| -> Vec<usize> {
            (0..b).map(|i| rows[order[(step * b + i) % rows.len()] as usize]).collect()
        };
        let gather = |rows: &[usize]| {
            let mut x = vec![0.0; rows.len() * data.dim()];
            data.gather(rows, &mut x);
            x
        };
        let mut spreads = Vec::new();
        let (mut net_opt, mut top_opt) = (Adam::new(model.net.params.len()), Adam::new(model.top.len()));
        for step in 0..c.steps {
            let rows = take(&lab_order, labelled, step, bl);
            let labels: Vec<u8> = rows.iter().map(|&r| data.labels[r]).collect();
            let (x_l, x_u) = (gather(&rows), gather(&take(&unl_order, &unlabelled, step, bu)));
            if spreads.is_empty() {
                spreads = model.spreads(&x_u, bu);
            }
            let batch = GammaBatch { labelled: &x_l, labels: &labels, unlabelled: &x_u };
            let noise =
                GammaNoise { sigma: c.sigma, spreads: &spreads, stream: rng.stream(Purpose::Corrupt, step as u32) };
            let (cost, dnet, dtop, clean_spreads) = model.gradients(&batch, &noise, c.lambda);
            if !cost.is_finite() {
                fail!("the Γ-model diverged at step {step} (its cost is not a number)");
            }
            spreads = clean_spreads;
            let decay = ((c.steps - step) as f64 / (c.steps as f64 / 3.0)).min(1.0);
            net_opt.step(&mut model.net.params, &dnet, c.learning_rate * decay);
            top_opt.step(&mut model.top, &dtop, c.learning_rate * decay);
        }
        // The clean path's statistics over (at most 10,000) training rows, a chunk at a time.
        let mut scores = Vec::new();
        for chunk in unlabelled[..unlabelled.len().min(10 * CHUNK)].chunks(CHUNK) {
            scores.extend(model.scores(&gather(chunk), chunk.len()));
        }
        let norm = normalise(&scores, data.classes).1;
        Ok(GammaClassifier { model, norm })
    }

    /// The share of `rows` whose class the clean path gets right.
    pub fn accuracy(&self, data: &Dataset, rows: &[usize]) -> f64 {
        let mut right = 0;
        for chunk in rows.chunks(CHUNK) {
            let mut x = vec![0.0; chunk.len() * data.dim()];
            data.gather(chunk, &mut x);
            let predicted = self.model.predict(&x, chunk.len(), &self.norm);
            right += predicted.iter().zip(chunk).filter(|(&p, &r)| p == data.labels[r]).count();
        }
        right as f64 / rows.len().max(1) as f64
    }
}

/// Adam with its moments, for one flat buffer.
struct Adam {
    optimizer: Optimizer,
    m: Vec<f32>,
    v: Vec<f32>,
    t: u32,
}

impl Adam {
    fn new(len: usize) -> Adam {
        Adam {
            optimizer: Optimizer::new(OptimizerKind::Adam, 0, 0.0, 0.0, 0.0),
            m: vec![0.0; len],
            v: vec![0.0; len],
            t: 0,
        }
    }

    fn step(&mut self, params: &mut [f32], grads: &[f32], learning_rate: f64) {
        self.t += 1;
        self.optimizer.learning_rate = learning_rate as f32;
        self.optimizer.apply(self.t, params, grads, &mut self.m, &mut self.v);
    }
}
