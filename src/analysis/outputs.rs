//! The session's autoencoder as the views see it: the net they show (the current phase's, or while
//! the classifier trains, the finished autoencoder) and its inputs, reconstructions, codes and
//! decoder; new samples from a VAE's prior; interpolation between two samples' codes; the latent
//! scatter's points and every test code as CSV.

use crate::error::Result;
use crate::fail;
use crate::model::architecture::encoder;
use crate::model::net::{Net, Trace};
use crate::rng::{Purpose, Rng};
use crate::train::session::{frozen_encoder, PhaseKind, Session, MAX_DRAWN};
use std::borrow::Cow;

impl Session {
    /// The autoencoder the views show and its code op: the current phase's net, or while the
    /// classifier trains, the finished autoencoder.
    pub(crate) fn model(&self) -> (Cow<'_, Net<f32>>, usize) {
        match &self.autoencoder {
            Some((net, code)) if self.phase() == PhaseKind::Classifier => (Cow::Borrowed(net), *code),
            _ => (Cow::Owned(self.trainer.net()), self.trainer.phase.code.expect("autoencoders have a code")),
        }
    }

    /// The model's inputs for dataset rows: the rows themselves, or for a pretraining stage k > 1 the
    /// code Z_{k−1} of the frozen stages below.
    fn model_inputs(&self, rows: &[usize]) -> Vec<f32> {
        if self.phase() == PhaseKind::Classifier {
            self.data_rows(rows)
        } else {
            self.trainer.inputs(&self.data, rows)
        }
    }

    /// The current phase's inputs and reconstructions of dataset rows ([n, width] each): images for
    /// the deep net and stage 1, codes Z_{k−1} for a later stage (the autoencoder's while the
    /// classifier trains).
    pub fn reconstruct(&self, rows: &[usize]) -> (Vec<f32>, Vec<f32>) {
        let inputs = self.model_inputs(rows);
        let mut tr = Trace::default();
        self.model().0.forward(&mut tr, &inputs, rows.len(), None);
        (inputs, tr.outs.pop().unwrap_or_default())
    }

    /// With corruption on (denoising): the current phase's inputs of dataset rows corrupted as in
    /// training (from a fixed stream, so the same at each call) and what the model makes of them,
    /// [n, width] each. None without noise, or while the classifier trains.
    pub fn corrupted(&self, rows: &[usize]) -> Option<(Vec<f32>, Vec<f32>)> {
        let noise = self.trainer.phase.noise;
        if noise.is_none() || self.phase() == PhaseKind::Classifier {
            return None;
        }
        let mut x = self.model_inputs(rows);
        noise.apply(&mut x, Rng::new(self.config.seed).stream(Purpose::Corrupt, u32::MAX));
        let mut tr = Trace::default();
        self.model().0.forward(&mut tr, &x, rows.len(), None);
        Some((x, tr.outs.pop().unwrap_or_default()))
    }

    /// The current phase's codes of dataset rows, [n, code width]: Z_k for pretraining stage k (of the
    /// frozen codes below it), the deep net's code otherwise; a VAE's μ (no sampling).
    pub fn codes(&self, rows: &[usize]) -> (Vec<f32>, usize) {
        let (net, code) = self.model();
        let inputs = self.model_inputs(rows);
        let mut tr = Trace::default();
        net.forward_span(0..code + 1, &mut tr, &inputs, rows.len(), None);
        (std::mem::take(&mut tr.outs[code]), self.code_width())
    }

    /// Decodes codes [n, code width] with the current net's decoder.
    pub(crate) fn decode(&self, codes: &[f32], n: usize) -> Vec<f32> {
        let (net, code) = self.model();
        let mut tr = Trace::default();
        net.forward_from(code + 1, &mut tr, codes, n, None);
        tr.outs.pop().unwrap_or_default()
    }

    pub fn code_width(&self) -> usize {
        let (net, code) = match &self.autoencoder {
            Some((net, code)) if self.phase() == PhaseKind::Classifier => (net, *code),
            _ => (&self.trainer.phase.net, self.trainer.phase.code.expect("autoencoders have a code")),
        };
        net.ops[code].output_width()
    }

    /// `n` new samples: codes drawn from the prior N(0, I) with `seed`, decoded. Needs a VAE.
    pub fn sample(&self, n: usize, seed: u32) -> Result<Vec<f32>> {
        if !self.config.variational {
            fail!("sampling from the prior needs a variational autoencoder (set variational)");
        }
        if !(1..=MAX_DRAWN).contains(&n) {
            fail!("sample: draw 1 to {MAX_DRAWN} samples, not {n}");
        }
        let c = self.code_width();
        let stream = crate::rng::Rng::new(seed).stream(crate::rng::Purpose::Sample, u32::MAX);
        let z: Vec<f32> = (0..(n * c) as u32).map(|i| stream.normal(i)).collect();
        Ok(self.decode(&z, n))
    }

    /// Decodes `steps` ≥ 2 codes evenly spaced on the line from the code of dataset row `a` to that of
    /// row `b` (for a VAE, its mean μ); the ends are the two rows' reconstructions.
    pub fn interpolate(&self, a: usize, b: usize, steps: usize) -> Result<Vec<f32>> {
        if !(2..=MAX_DRAWN).contains(&steps) || a >= self.data.len() || b >= self.data.len() {
            fail!("interpolate: needs two samples below {} and 2 to {MAX_DRAWN} steps", self.data.len());
        }
        let (net, code) = self.model();
        let mut tr = Trace::default();
        net.forward(&mut tr, &self.model_inputs(&[a, b]), 2, None);
        let c = self.code_width();
        let (za, zb) = tr.outs[code].split_at(c);
        let mut z = Vec::with_capacity(steps * c);
        for s in 0..steps {
            let t = s as f32 / (steps - 1) as f32;
            z.extend(za.iter().zip(zb).map(|(&u, &v)| (1.0 - t) * u + t * v));
        }
        Ok(self.decode(&z, steps))
    }

    /// The deep model's encoder (or, while pretraining, the stages trained so far plus the current one).
    pub fn encoder(&self) -> Net<f32> {
        match self.phase() {
            PhaseKind::Stage(_) => {
                let mut stages = self.stages.clone();
                stages.push(self.trainer.net());
                frozen_encoder(&stages).expect("at least one stage")
            }
            _ => {
                let (net, code) = self.model();
                encoder(&net, code)
            }
        }
    }
}

/// The latent scatter's points: `points` [n, 2] (the code itself when it has 2 units, else its top two
/// principal coordinates), their labels (empty for unlabeled data) and the code's width.
pub struct Latent {
    pub points: Vec<f32>,
    /// For a projection: [mean, u₁, u₂] of the plane (see projection::Plane); else empty.
    pub basis: Vec<f32>,
    pub labels: Vec<u8>,
    pub width: usize,
    pub projected: bool,
}

impl Session {
    /// Dataset rows of test samples `indices` (from 0 within the test set), each checked.
    pub fn test_rows_at(&self, indices: &[u32]) -> Result<Vec<usize>> {
        let test = self.data.test_rows();
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= test.len()) {
            fail!("test sample {bad} does not exist (there are {})", test.len());
        }
        Ok(indices.iter().map(|&i| test.start + i as usize).collect())
    }

    /// The latent scatter of the first `count` test samples.
    pub fn latent(&self, count: usize) -> Latent {
        let rows: Vec<usize> = self.data.test_rows().take(count).collect();
        let (codes, width) = self.codes(&rows);
        let labels =
            if self.data.labels.is_empty() { Vec::new() } else { rows.iter().map(|&r| self.data.labels[r]).collect() };
        let plane = crate::analysis::projection::principal_plane(&codes, rows.len(), width);
        Latent { points: plane.points, basis: plane.basis, labels, width, projected: width > 2 }
    }

    /// Every test sample's code as CSV: a header `label,z1,z2,…` (no label column for unlabeled data),
    /// then one row per sample.
    pub fn codes_csv(&self) -> String {
        let rows: Vec<usize> = self.data.test_rows().collect();
        let (codes, width) = self.codes(&rows);
        let labelled = !self.data.labels.is_empty();
        let header = (1..=width).map(|j| format!("z{j}"));
        let mut out = if labelled {
            std::iter::once("label".to_string()).chain(header).collect::<Vec<_>>()
        } else {
            header.collect()
        }
        .join(",")
            + "\n";
        for (row, code) in rows.iter().zip(codes.chunks_exact(width.max(1))) {
            let values: Vec<String> = code.iter().map(|v| v.to_string()).collect();
            if labelled {
                out += &format!("{},", self.data.labels[*row]);
            }
            out += &(values.join(",") + "\n");
        }
        out
    }
}
