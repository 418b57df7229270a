//! What the page's network diagram and explorers ask of the model for one input: every layer's
//! activations for a test sample (below a pretraining stage, the frozen stages' codes, then each op
//! of the current net), and the code and output of any input, such as a digit drawn with the pointer.

use crate::error::Result;
use crate::fail;
use crate::model::architecture::stage_encoder;
use crate::model::net::Trace;
use crate::rng::{Purpose, Rng};
use crate::train::session::{PhaseKind, Session};
use std::borrow::Cow;

/// One test sample through the model, layer by layer.
#[derive(Debug)]
pub struct Activations {
    /// The sample's values (pixels scaled to 0..1) as the engine sees them.
    pub input: Vec<f32>,
    /// With noise on: the current net's input corrupted as in training (the reconstructions' middle
    /// row shows the same noise for the first test samples); the ops ran on it.
    pub corrupted: Option<Vec<f32>>,
    /// While pretraining stage k: the codes of the k frozen stages below it, lowest first.
    pub frozen: Vec<Vec<f32>>,
    /// Each op's output in the current phase's net (the autoencoder, a stage, or the classifier:
    /// its encoder, then its head); a VAE's code is drawn from its μ and σ with a fixed stream, so
    /// the same sample shows the same draw.
    pub ops: Vec<Vec<f32>>,
}

impl Session {
    /// Test sample `index` (from 0 within the test set) through the model.
    pub fn activations(&self, index: u32) -> Result<Activations> {
        let row = self.test_rows_at(&[index])?[0];
        let input = self.data_rows(&[row]);
        let mut frozen: Vec<Vec<f32>> = Vec::new();
        if let PhaseKind::Stage(_) = self.phase() {
            for stage in &self.stages {
                let mut tr = Trace::default();
                stage_encoder(stage).forward(&mut tr, frozen.last().unwrap_or(&input), 1, None);
                frozen.push(tr.outs.pop().unwrap_or_default());
            }
        }
        let mut x = frozen.last().unwrap_or(&input).clone();
        let noise = self.trainer.phase.noise;
        let corrupted = (!noise.is_none() && self.phase() != PhaseKind::Classifier).then(|| {
            let first = index.wrapping_mul(x.len() as u32);
            noise.apply_at(&mut x, Rng::new(self.config.seed).stream(Purpose::Corrupt, u32::MAX), first);
            x.clone()
        });
        let mut tr = Trace::default();
        let draw = Rng::new(self.config.seed).stream(Purpose::Sample, u32::MAX);
        // While the classifier trains, its own net (the encoder it trains, then the head), as `layers()` shows.
        let net = if self.phase() == PhaseKind::Classifier { Cow::Owned(self.trainer.net()) } else { self.model().0 };
        net.forward(&mut tr, &x, 1, Some(draw));
        Ok(Activations { input, corrupted, frozen, ops: tr.outs })
    }

    /// Any input (one sample's values, as the data's) through the model: its code (the deep
    /// encoder's, a VAE's μ; while pretraining, of the stages so far) and the current phase's output
    /// for that code (an image, or above the first stage its reconstruction of the code below).
    pub fn encode(&self, x: &[f32]) -> Result<(Vec<f32>, Vec<f32>)> {
        let width = self.data.dim();
        if x.len() != width {
            fail!("encode: {} values, but a sample of this dataset has {width}", x.len());
        }
        if x.iter().any(|v| !v.is_finite()) {
            fail!("encode: values must be finite numbers");
        }
        let mut tr = Trace::default();
        self.encoder().forward(&mut tr, x, 1, None);
        let code = tr.outs.pop().unwrap_or_default();
        let output = self.decode(&code, 1);
        Ok((code, output))
    }
}
