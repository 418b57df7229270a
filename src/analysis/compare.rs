//! What compare mode measures beside the losses: two latent planes put in register by Procrustes
//! (B's points turned, flipped if need be, scaled and shifted onto A's, so that the same sample sits in
//! the same place), and how well a model rebuilds test samples from copies with values masked, the
//! denoising autoencoder's claim measured the same way for a plain one.

use crate::model::corrupt::Noise;
use crate::model::net::Trace;
use crate::rng::{Purpose, Rng};
use crate::train::session::{PhaseKind, Session};

/// B's 2-D points ([n, 2], x then y) moved onto A's by the similarity transform (rotation or
/// reflection, one scale, a shift) that minimises the summed squared distance between each point
/// and its twin (orthogonal Procrustes; in the plane the best turn has a closed form).
pub fn procrustes_2d(a: &[f32], b: &[f32]) -> Vec<f32> {
    assert_eq!(a.len(), b.len(), "Procrustes pairs each point of B with one of A");
    let n = a.len() / 2;
    if n == 0 {
        return Vec::new();
    }
    let mean = |p: &[f32], k: usize| p.iter().skip(k).step_by(2).map(|&v| v as f64).sum::<f64>() / n as f64;
    let (ax, ay, bx, by) = (mean(a, 0), mean(a, 1), mean(b, 0), mean(b, 1));
    // Sums over the centred pairs: s_pq = Σ b_p·a_q, and B's spread.
    let (mut sxx, mut sxy, mut syx, mut syy, mut spread) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (pa, pb) in a.chunks_exact(2).zip(b.chunks_exact(2)) {
        let (u, v) = (pb[0] as f64 - bx, pb[1] as f64 - by);
        let (x, y) = (pa[0] as f64 - ax, pa[1] as f64 - ay);
        sxx += u * x;
        sxy += u * y;
        syx += v * x;
        syy += v * y;
        spread += u * u + v * v;
    }
    // A turn by θ gains (sxx + syy)·cos θ + (sxy − syx)·sin θ; a reflection (v → −v first) gains
    // (sxx − syy)·cos θ + (sxy + syx)·sin θ. Each peaks at the length of its vector.
    let turn = (sxx + syy).hypot(sxy - syx);
    let flip = (sxx - syy).hypot(sxy + syx);
    let reflect = flip > turn;
    let (c, s) = if reflect { (sxx - syy, sxy + syx) } else { (sxx + syy, sxy - syx) };
    let norm = c.hypot(s);
    let (cos, sin) = if norm > 0.0 { (c / norm, s / norm) } else { (1.0, 0.0) };
    let scale = if spread > 0.0 { turn.max(flip) / spread } else { 1.0 };
    b.chunks_exact(2)
        .flat_map(|p| {
            let (u, v) = (p[0] as f64 - bx, p[1] as f64 - by);
            let v = if reflect { -v } else { v };
            [(ax + scale * (u * cos - v * sin)) as f32, (ay + scale * (u * sin + v * cos)) as f32]
        })
        .collect()
}

impl Session {
    /// The squared error per sample of the outputs for the first `count` test samples with `fraction`
    /// of their values masked (set to 0), against the clean samples. The masks come from the seed's
    /// own stream, so two models of one seed see the same masked images. None in a later pretraining
    /// stage or the classifier phase, whose outputs are not the pixels.
    pub fn masked_test_error(&self, fraction: f64, count: usize) -> Option<f64> {
        if !matches!(self.phase(), PhaseKind::Stage(0) | PhaseKind::FineTune | PhaseKind::EndToEnd) {
            return None;
        }
        let rows: Vec<usize> = self.data.test_rows().take(count).collect();
        let mut x = vec![0.0; rows.len() * self.data.dim()];
        self.data.gather(&rows, &mut x);
        let mut masked = x.clone();
        let noise = Noise { masking: fraction, ..Noise::default() };
        noise.apply(&mut masked, Rng::new(self.config.seed).stream(Purpose::Corrupt, u32::MAX - 1));
        let mut tr = Trace::default();
        self.model().0.forward(&mut tr, &masked, rows.len(), None);
        let out = tr.outs.pop()?;
        let error: f64 = out.iter().zip(&x).map(|(o, v)| ((o - v) as f64).powi(2)).sum();
        Some(error / rows.len().max(1) as f64)
    }
}
