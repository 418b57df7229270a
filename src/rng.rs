//! Counter-based randomness: every draw is a pure hash of (seed, stream, index), so any draw can be
//! recomputed anywhere — on the CPU, in a WGSL kernel, out of order — and the same seed gives the same run.

/// PCG's output permutation used as an integer hash (Jarzynski & Olano, "Hash Functions for GPU
/// Rendering", JCGT 2020). Only 32-bit wrapping arithmetic, so WGSL can compute the same bits.
pub fn pcg_hash(input: u32) -> u32 {
    let state = input.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
    let word = ((state >> ((state >> 28) + 4)) ^ state).wrapping_mul(277_803_737);
    (word >> 22) ^ word
}

/// What a stream of draws is for; each purpose gets its own independent sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Purpose {
    Init = 1,
    Shuffle = 2,
    Corrupt = 3,
    Sample = 4,
}

/// A seeded source of independent streams. Cheap to copy; holds no state beyond the seed.
#[derive(Clone, Copy, Debug)]
pub struct Rng {
    seed: u32,
}

impl Rng {
    pub fn new(seed: u32) -> Self {
        Rng { seed }
    }

    /// The stream for one purpose and one counter (a layer, an epoch, a step).
    pub fn stream(self, purpose: Purpose, counter: u32) -> Stream {
        let key = pcg_hash(self.seed ^ pcg_hash(purpose as u32 ^ pcg_hash(counter)));
        Stream { key }
    }
}

/// One stream: draw `i` is a hash of the stream key and `i`.
#[derive(Clone, Copy, Debug)]
pub struct Stream {
    key: u32,
}

impl Stream {
    /// The key every draw of this stream hashes with (what a GPU kernel needs to draw the same numbers).
    pub fn key(self) -> u32 {
        self.key
    }

    /// An independent stream derived from this one (e.g. one per kind of noise).
    pub fn substream(self, k: u32) -> Stream {
        Stream { key: pcg_hash(self.key ^ pcg_hash(k.wrapping_add(0x9e37_79b9))) }
    }

    pub fn bits(self, index: u32) -> u32 {
        pcg_hash(self.key ^ pcg_hash(index))
    }

    /// Uniform in [0, 1), with 24 bits of resolution (exactly representable in f32).
    pub fn uniform(self, index: u32) -> f32 {
        (self.bits(index) >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in [0, n), by Lemire's multiply-shift (bias below 2^-32 · n).
    pub fn below(self, index: u32, n: u32) -> u32 {
        ((self.bits(index) as u64 * n as u64) >> 32) as u32
    }

    /// Standard normal by Box–Muller from draws 2i and 2i+1.
    pub fn normal(self, index: u32) -> f32 {
        let u1 = 1.0 - self.uniform(index.wrapping_mul(2)); // in (0, 1]: ln is finite
        let u2 = self.uniform(index.wrapping_mul(2).wrapping_add(1));
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }

    /// A permutation of 0..n by Fisher–Yates, draw i choosing the partner of position n-1-i.
    pub fn permutation(self, n: usize) -> Vec<u32> {
        let mut order: Vec<u32> = (0..n as u32).collect();
        for i in (1..n).rev() {
            let j = self.below(i as u32, i as u32 + 1) as usize;
            order.swap(i, j);
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws_other_seed_other_draws() {
        let a = Rng::new(7).stream(Purpose::Init, 0);
        let b = Rng::new(7).stream(Purpose::Init, 0);
        let c = Rng::new(8).stream(Purpose::Init, 0);
        let d = Rng::new(7).stream(Purpose::Shuffle, 0);
        assert_eq!(a.bits(123), b.bits(123));
        assert_ne!(a.bits(123), c.bits(123));
        assert_ne!(a.bits(123), d.bits(123));
    }

    #[test]
    fn uniform_and_normal_have_the_right_moments() {
        let s = Rng::new(1).stream(Purpose::Sample, 3);
        let n = 200_000;
        let (mut su, mut sn, mut sn2) = (0.0f64, 0.0f64, 0.0f64);
        for i in 0..n {
            let u = s.uniform(i) as f64;
            assert!((0.0..1.0).contains(&u));
            su += u;
            let z = s.normal(i) as f64;
            sn += z;
            sn2 += z * z;
        }
        let n = n as f64;
        assert!((su / n - 0.5).abs() < 0.005, "uniform mean {}", su / n);
        assert!((sn / n).abs() < 0.01, "normal mean {}", sn / n);
        assert!((sn2 / n - 1.0).abs() < 0.02, "normal variance {}", sn2 / n);
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = Rng::new(5).stream(Purpose::Shuffle, 1).permutation(1000);
        assert_ne!(p, (0..1000).collect::<Vec<u32>>(), "not shuffled");
        p.sort_unstable();
        assert_eq!(p, (0..1000).collect::<Vec<u32>>());
    }
}
