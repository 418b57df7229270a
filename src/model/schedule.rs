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
                let progress = (step - warmup).min(total) as f64 / (total - warmup) as f64;
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
