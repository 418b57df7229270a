//! Learning-rate schedules: the factor a phase's base rate is multiplied by at each of its steps. It
//! is a pure function of the step (and, for plateau, of the steps where the rate was cut), so that a
//! resumed run goes on with its schedule exactly.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScheduleKind {
    /// The base rate throughout.
    #[default]
    Constant,
    /// × `factor` every `every` epochs.
    Step,
    /// Half a cosine from the base rate to zero over the phase, after a linear warm-up.
    Cosine,
    /// × `factor` each time the validation loss has not improved for `patience` epochs.
    Plateau,
}

/// A phase's schedule, with the phase's length in steps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schedule {
    pub kind: ScheduleKind,
    pub steps_per_epoch: u64,
    /// The phase's epochs (0: until stopped, which cosine cannot take).
    pub epochs: u64,
    /// Step: epochs between cuts.
    pub every: u64,
    /// Step and plateau: what each cut multiplies the rate by.
    pub factor: f64,
    /// Cosine: epochs of linear warm-up from zero.
    pub warmup: u64,
    /// Plateau: epochs without improvement before a cut.
    pub patience: u32,
}

impl Schedule {
    /// The factor at phase step `step` (from 0), with `cuts` plateau cuts made before it.
    pub fn factor(&self, step: u64, cuts: usize) -> f64 {
        let spe = self.steps_per_epoch.max(1);
        match self.kind {
            ScheduleKind::Constant => 1.0,
            ScheduleKind::Step => self.factor.powi((step / (self.every.max(1) * spe)) as i32),
            ScheduleKind::Plateau => self.factor.powi(cuts as i32),
            ScheduleKind::Cosine => {
                let total = (self.epochs * spe).max(1);
                let warmup = (self.warmup * spe).min(total - 1);
                if step < warmup {
                    return (step + 1) as f64 / warmup as f64;
                }
                let progress = ((step - warmup) as f64 / (total - warmup) as f64).min(1.0);
                0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
            }
        }
    }
}

/// Plateau's watch over one phase's validation loss: the best so far, the epochs since, and the
/// phase steps at which the rate was cut (kept in saved runs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Plateau {
    pub best: Option<f64>,
    pub since: u32,
    pub cuts: Vec<u64>,
}

impl Plateau {
    /// Takes an epoch's validation loss, measured before phase step `step`; after `patience` epochs
    /// without improvement it cuts the rate from that step on (and waits `patience` epochs again).
    pub fn observe(&mut self, loss: f64, step: u64, patience: u32) {
        if self.best.is_none_or(|best| loss < best) {
            self.best = Some(loss);
            self.since = 0;
            return;
        }
        self.since += 1;
        if self.since >= patience.max(1) {
            self.cuts.push(step);
            self.since = 0;
        }
    }

    /// Cuts made by phase step `step` (a cut at a step applies to it).
    pub fn cuts_by(&self, step: u64) -> usize {
        self.cuts.iter().filter(|&&c| c <= step).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(kind: ScheduleKind) -> Schedule {
        Schedule { kind, steps_per_epoch: 10, epochs: 20, every: 5, factor: 0.5, warmup: 2, patience: 3 }
    }

    #[test]
    fn each_schedule_gives_its_rate_at_chosen_steps() {
        let constant = schedule(ScheduleKind::Constant);
        assert_eq!([0, 99, 199].map(|s| constant.factor(s, 0)), [1.0; 3]);
        // Step: × 0.5 every 5 epochs of 10 steps.
        let step = schedule(ScheduleKind::Step);
        assert_eq!([0, 49, 50, 99, 100, 199].map(|s| step.factor(s, 0)), [1.0, 1.0, 0.5, 0.5, 0.25, 0.125]);
        // Cosine: warm-up over 2 epochs (20 steps) to the base rate, then half a cosine to 0 at
        // step 200; halfway through the 180 steps after warm-up (step 110) the rate is half.
        let cosine = schedule(ScheduleKind::Cosine);
        assert_eq!([0, 9, 19].map(|s| cosine.factor(s, 0)), [0.05, 0.5, 1.0]);
        assert_eq!(cosine.factor(20, 0), 1.0);
        assert!((cosine.factor(110, 0) - 0.5).abs() < 1e-12);
        assert!(cosine.factor(199, 0) < 1e-3 && cosine.factor(199, 0) > 0.0);
        assert_eq!(cosine.factor(500, 0), 0.0, "past the phase's end it stays at zero");
        // Plateau: × 0.5 per cut made so far.
        let plateau = schedule(ScheduleKind::Plateau);
        assert_eq!([0, 1, 3].map(|c| plateau.factor(7, c)), [1.0, 0.5, 0.125]);
    }

    #[test]
    fn plateau_cuts_after_patience_epochs_without_a_better_loss() {
        let mut p = Plateau::default();
        for (epoch, loss) in [5.0, 4.0, 4.5, 4.2, 4.1, 3.9, 4.0, 4.0, 4.0].into_iter().enumerate() {
            p.observe(loss, epoch as u64 * 10, 3);
        }
        // Best 4.0 at epoch 1, then three worse (epochs 2–4): a cut before step 40; 3.9 at epoch 5 is
        // the new best, then three worse (6–8): a cut before step 80.
        assert_eq!(p.cuts, [40, 80]);
        assert_eq!([39, 40, 79, 80, 200].map(|s| p.cuts_by(s)), [0, 1, 1, 2, 2]);
    }
}
