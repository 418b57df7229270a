//! A phase's model measured forward only with the plain-loop functions: on held-out rows (its loss,
//! squared error, penalties, code statistics, a classifier's accuracy), and the objective a training
//! step minimises on one batch, which the gradient checks differentiate numerically.

use super::phase::Task;
use super::trainer::{Trainer, EVAL_CHUNK};
use crate::data::Dataset;
use crate::model::layers::{loss_forward, softmax_cross_entropy, Loss};
use crate::model::net::{CodePenalties, Net, PenaltyValues, Trace};
use crate::model::penalties::{jacobian_norm, mean_activation};
use crate::real::Real;
use crate::rng::{Purpose, Rng, Stream};

/// A phase's model measured on held-out rows (means per sample).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    pub loss: f64,
    pub squared_error: f64,
    pub penalties: PenaltyValues,
    /// Mean activation of each code unit (ρ̂).
    pub mean_code: Vec<f64>,
    /// Mean ‖J‖_F of a dense code layer.
    pub jacobian_norm: Option<f64>,
    pub accuracy: Option<f64>,
}

/// One batch as the loss sees it: the net's input, the clean target, labels for a classifier, and
/// the stream the VAE draws its noise from.
pub struct Batch<'a, T> {
    pub x: &'a [T],
    pub clean: &'a [T],
    pub labels: &'a [u8],
    pub b: usize,
    pub noise: Option<Stream>,
}

/// What a training step minimises on one batch, computed forward only with the plain-loop
/// functions: the task's loss plus the code's penalties. Gradient checks differentiate it
/// numerically against the engine's gradients.
pub fn objective<T: Real>(net: &Net<T>, batch: &Batch<T>, task: &Task, code: Option<usize>, p: &CodePenalties) -> f64 {
    let mut tr = Trace::default();
    net.forward(&mut tr, batch.x, batch.b, batch.noise);
    let out = tr.outs.last().unwrap();
    let loss = match task {
        Task::Reconstruct(kind) => loss_forward(*kind, out, &tr.logits, batch.clean, batch.b),
        Task::Classify => {
            let mut scratch = vec![T::zero(); out.len()];
            softmax_cross_entropy(&mut scratch, &tr.logits, batch.labels, batch.b, net.output_width()).0
        }
    };
    let penalties = code.map_or(PenaltyValues::default(), |c| net.penalty_values(&tr, batch.b, c, p));
    loss.to_f64().unwrap() + penalties.total()
}

impl Trainer {
    /// Measures the phase's model on `rows`: its loss, squared error, penalties, code statistics and,
    /// for a classifier, accuracy. A VAE's code is sampled with a fixed stream, so this is repeatable.
    pub fn evaluate(&self, data: &Dataset, rows: &[usize]) -> Evaluation {
        let net = &self.net();
        let mut e = Evaluation::default();
        let mut correct = 0;
        let mut code_sum: Vec<f64> = Vec::new();
        let mut jacobian = 0.0;
        for (i, chunk) in rows.chunks(EVAL_CHUNK).enumerate() {
            let b = chunk.len();
            let clean = self.inputs(data, chunk);
            let mut tr = Trace::default();
            let noise = net.ops.iter().any(|op| matches!(op, crate::model::net::Op::Reparameterize { .. }));
            net.forward(
                &mut tr,
                &clean,
                b,
                noise.then(|| Rng::new(self.phase.seed).stream(Purpose::Sample, u32::MAX - i as u32)),
            );
            let out = tr.outs.last().unwrap();
            let weight = b as f64;
            match &self.phase.task {
                Task::Reconstruct(kind) => {
                    e.loss += loss_forward(*kind, out, &tr.logits, &clean, 1) as f64;
                    e.squared_error += loss_forward(Loss::SquaredError, out, &tr.logits, &clean, 1) as f64;
                }
                Task::Classify => {
                    let labels: Vec<u8> = chunk.iter().map(|&r| data.labels[r]).collect();
                    let mut scratch = vec![0.0; out.len()];
                    let (loss, ok) = softmax_cross_entropy(&mut scratch, &tr.logits, &labels, b, net.output_width());
                    e.loss += loss as f64 * weight;
                    correct += ok;
                }
            }
            if let Some(code) = self.phase.code {
                let p = net.penalty_values(&tr, b, code, &self.phase.penalties);
                for (acc, v) in [
                    (&mut e.penalties.l1, p.l1),
                    (&mut e.penalties.kl_sparsity, p.kl_sparsity),
                    (&mut e.penalties.contractive, p.contractive),
                    (&mut e.penalties.vae_kl, p.vae_kl),
                ] {
                    *acc += v * weight;
                }
                let width = net.ops[code].output_width();
                let mean = mean_activation(&tr.outs[code], b, width);
                code_sum.resize(width, 0.0);
                code_sum.iter_mut().zip(mean).for_each(|(s, m)| *s += m as f64 * weight);
                if let Some(d) = net.dense(code) {
                    jacobian += jacobian_norm(
                        &tr.outs[code],
                        &net.params[d.weight_range()],
                        d.activation,
                        b,
                        d.inputs,
                        d.outputs,
                    ) * weight;
                }
            }
        }
        let n = rows.len().max(1) as f64;
        e.loss /= n;
        e.squared_error /= n;
        for v in
            [&mut e.penalties.l1, &mut e.penalties.kl_sparsity, &mut e.penalties.contractive, &mut e.penalties.vae_kl]
        {
            *v /= n;
        }
        e.mean_code = code_sum.iter().map(|s| s / n).collect();
        e.jacobian_norm = self.phase.code.and_then(|c| net.dense(c)).map(|_| jacobian / n);
        e.accuracy = (self.phase.task == Task::Classify).then(|| correct as f64 / n);
        e
    }
}
