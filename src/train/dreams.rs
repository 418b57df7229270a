//! An RBM stage's dreams: Gibbs chains started from noise and run on with the stage's current
//! weights, a few steps each time the page asks, so that a student watches samples form as the RBM
//! learns. A stage above the first dreams in its own input space, the codes of the stages below;
//! those stages' top-down means carry its samples down to the data's space, as a deep belief net
//! generates.

use crate::model::net::Net;
use crate::model::rbm::Rbm;
use crate::rng::{Purpose, Rng};
use crate::train::session::Session;

/// The chains of one stage: their visible samples [count, V] and the Gibbs steps they have run.
pub struct DreamChains {
    stage: usize,
    visible: Vec<f32>,
    pub steps: u32,
}

/// A stage's RBM: its encoder's weight and hidden bias, its tied decoder's visible bias.
fn rbm_of<'a>(net: &'a Net<f32>, params: &'a [f32]) -> Rbm<'a, f32> {
    let (enc, dec) = (net.dense(0).expect("an RBM stage's encoder"), net.dense(1).expect("its decoder"));
    Rbm {
        w: &params[enc.weight_range()],
        a: &params[dec.bias_range()],
        b: &params[enc.bias_range()],
        visible: dec.activation,
        hidden: enc.activation,
    }
}

impl Session {
    /// Runs `count` chains `steps` Gibbs steps further on the current RBM stage (from uniform noise
    /// when the stage or the count is new) and returns their visible means in the data's space,
    /// [count, input]; None outside an RBM stage.
    pub fn dream(&mut self, count: usize, steps: usize) -> Option<(Vec<f32>, u32)> {
        if self.trainer.phase.cd_steps == 0 {
            return None;
        }
        let stage = self.current;
        let net = self.trainer.net();
        let rbm = rbm_of(&net, &net.params);
        let width = rbm.a.len();
        let fresh = self.dreams.as_ref().is_none_or(|d| d.stage != stage || d.visible.len() != count * width);
        if fresh {
            let noise = Rng::new(self.config.seed).stream(Purpose::Sample, u32::MAX - stage as u32);
            let visible = (0..count * width).map(|i| noise.uniform(i as u32)).collect();
            self.dreams = Some(DreamChains { stage, visible, steps: 0 });
        }
        let chains = self.dreams.as_mut().expect("made above");
        let stream = Rng::new(self.config.seed).stream(Purpose::Sample, u32::MAX - 64 - chains.steps);
        let means = rbm.gibbs(&mut chains.visible, count, steps, stream);
        chains.steps += steps as u32;
        // Down through the stages below, each one's top-down mean from the code above it.
        let down = self.stages.iter().rev().fold(means, |h, st| rbm_of(st, &st.params).visible_means(&h, count));
        Some((down, chains.steps))
    }
}
