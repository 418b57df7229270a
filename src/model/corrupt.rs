//! Input corruption for denoising autoencoders: masking, salt-and-pepper and Gaussian noise, drawn
//! from the counter-based generator (one sub-stream per kind, index = position in the batch buffer) so
//! that a GPU kernel can draw exactly the same noise. The loss is taken against the clean input.

use crate::real::Real;
use crate::rng::Stream;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Noise {
    /// Fraction of values set to 0.
    pub masking: f64,
    /// Fraction of values set to 0 or 1 (even odds).
    pub salt_pepper: f64,
    /// Standard deviation of added N(0, σ²) noise.
    pub gaussian: f64,
}

impl Noise {
    pub fn is_none(&self) -> bool {
        self.masking == 0.0 && self.salt_pepper == 0.0 && self.gaussian == 0.0
    }

    /// The streams of the four kinds of draws, from a step's stream: masking, salt, pepper, Gaussian.
    pub fn streams(stream: Stream) -> [Stream; 4] {
        [1, 2, 3, 4].map(|k| stream.substream(k))
    }

    /// Corrupts x in place: masking first, then salt-and-pepper, then Gaussian noise.
    pub fn apply<T: Real>(&self, x: &mut [T], stream: Stream) {
        self.apply_at(x, stream, 0);
    }

    /// Corrupts x as `apply` corrupts the values from position `first` of a longer batch: row k of a
    /// batch alone, corrupted at k × width, gets the noise it gets in the batch.
    pub fn apply_at<T: Real>(&self, x: &mut [T], stream: Stream, first: u32) {
        let [mask, salt, pepper, gauss] = Self::streams(stream);
        for (i, v) in x.iter_mut().enumerate() {
            let i = first + i as u32;
            if self.masking > 0.0 && (mask.uniform(i) as f64) < self.masking {
                *v = T::zero();
            }
            if self.salt_pepper > 0.0 && (salt.uniform(i) as f64) < self.salt_pepper {
                *v = if pepper.uniform(i) < 0.5 { T::zero() } else { T::one() };
            }
            if self.gaussian > 0.0 {
                *v += T::of(self.gaussian * gauss.normal(i) as f64);
            }
        }
    }
}
