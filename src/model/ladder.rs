//! The Γ-model (Rasmus et al. 2015), the simplest ladder network: a denoising autoencoder of the
//! classes' scores, trained jointly with the classifier. An encoder and a linear head to K classes run
//! twice on a batch, clean and with Gaussian noise at every layer; a denoiser at the top learns to
//! give back the clean path's normalised scores from the noisy ones. Its squared error is the cost on
//! unlabelled rows; the noisy path's cross-entropy is the cost on labelled rows.
//!
//! Top: z = h·W + b, n = BN(z) (the batch's own mean and variance), noisy ñ = n + σε; class
//! probabilities p = softmax(γ ⊙ (ñ + β)). The denoiser, per class, from ñ and u = BN(p̃):
//!   μ(u) = a1·sigm(a2·u + a3) + a4·u + a5,   v(u) = a6·sigm(a7·u + a8) + a9·u + a10,
//!   ẑ = (ñ − μ(u))·v(u) + μ(u).
//! Cost J = −(1/B_l) Σ log p̃_label + λ/(B_u·K) Σ (ẑ − n)², gradients through both paths.
//! Noise: σ on the inputs; on a hidden unit's pre-activation σ times that unit's spread on clean
//! batches (a constant of the step: the paper's hidden layers are batch-normalised, so its σ is in
//! those units; ours are the pretrained encoder's, unnormalised). Every gradient here is checked by
//! finite differences in tests/gradients.rs.

use crate::kernels::matmul::{matmul, Operand};
use crate::model::layers::{add_bias, bias_backward, sigmoid, WeightLayout};
use crate::model::net::{Dense, Net, Op};
use crate::real::Real;
use crate::rng::Stream;

/// BN's ε, added to the variance.
const BN_EPS: f64 = 1e-5;
/// The denoiser's ten parameters per class.
const DENOISER: usize = 10;

/// The encoder's dense layers and the head (`net`, its last op linear to the classes), and the top's
/// own parameters (`top`: γ [K], β [K], then a1…a10, each [K]).
#[derive(Clone, Debug)]
pub struct GammaModel<T> {
    pub net: Net<T>,
    pub top: Vec<T>,
}

/// One step's rows: `labelled` [B_l, D] with `labels`, `unlabelled` [B_u, D].
pub struct GammaBatch<'a, T> {
    pub labelled: &'a [T],
    pub labels: &'a [u8],
    pub unlabelled: &'a [T],
}

/// The corruption: σ, each hidden layer's per-unit spread (σ is multiplied by it), and the draws.
pub struct GammaNoise<'a> {
    pub sigma: f64,
    pub spreads: &'a [Vec<f32>],
    pub stream: Stream,
}

/// A batch normalisation's statistics per column: the mean and 1/√(variance + ε).
#[derive(Clone, Debug)]
pub struct Normalisation<T> {
    pub mean: Vec<T>,
    pub inv_std: Vec<T>,
}

/// One pass up the net: each layer's input (`hs[0]` the input as corrupted), the top's normalised
/// scores before the noise (`n`) and after (`noisy`), with the statistics, and on a clean pass the
/// hidden pre-activations' spread per unit.
struct Path<T> {
    hs: Vec<Vec<T>>,
    n: Vec<T>,
    noisy: Vec<T>,
    norm: Normalisation<T>,
    spreads: Vec<Vec<f32>>,
}

impl<T: Real> GammaModel<T> {
    /// The Γ-model on `net` (dense layers with their own weights, the last linear to the classes),
    /// γ = 1, β = 0 and the denoiser as the paper starts it (a2 = a7 = 1, the rest 0: ẑ = a5).
    pub fn new(net: Net<T>) -> GammaModel<T> {
        let k = net.output_width();
        let mut top = vec![T::zero(); (2 + DENOISER) * k];
        top[..k].iter_mut().for_each(|g| *g = T::one());
        for a in [2, 7] {
            top[(1 + a) * k..(2 + a) * k].iter_mut().for_each(|v| *v = T::one());
        }
        GammaModel { net, top }
    }

    /// Whether `net` is what the Γ-model runs on: dense layers only, none borrowing its weight.
    pub fn fits(net: &Net<T>) -> bool {
        net.ops.iter().all(|op| matches!(op, Op::Dense(d) if d.layout == WeightLayout::Own))
    }

    fn classes(&self) -> usize {
        self.net.output_width()
    }

    fn dense(&self) -> impl Iterator<Item = &Dense> {
        self.net.ops.iter().map(|op| match op {
            Op::Dense(d) => d,
            _ => unreachable!("GammaModel::fits admits dense layers only"),
        })
    }

    /// The head's scores z [B, K] and each layer's input, clean (`noise` None) or corrupted.
    fn up(&self, x: &[T], b: usize, noise: Option<(&GammaNoise, Stream)>) -> (Vec<Vec<T>>, Vec<T>, Vec<Vec<f32>>) {
        let mut input = x.to_vec();
        if let Some((noise, stream)) = noise {
            add_noise(&mut input, noise.sigma, None, stream.substream(0));
        }
        let (mut hs, mut spreads) = (vec![input], Vec::new());
        let last = self.net.ops.len() - 1;
        for (l, d) in self.dense().enumerate() {
            let p = &self.net.params;
            let mut a = vec![T::zero(); b * d.outputs];
            matmul(&mut a, &hs[l], Operand::Plain, &p[d.weight_range()], Operand::Plain, b, d.inputs, d.outputs, false);
            add_bias(&mut a, &p[d.bias_range()]);
            if l == last {
                return (hs, a, spreads);
            }
            match noise {
                Some((noise, stream)) => {
                    add_noise(&mut a, noise.sigma, noise.spreads.get(l), stream.substream(l as u32 + 1))
                }
                None => spreads.push(column_spread(&a, d.outputs)),
            }
            d.activation.forward(&mut a);
            hs.push(a);
        }
        unreachable!("a Γ-model's net has a head")
    }

    fn path(&self, x: &[T], b: usize, noise: Option<(&GammaNoise, Stream)>) -> Path<T> {
        let (hs, z, spreads) = self.up(x, b, noise);
        let k = self.classes();
        let (n, norm) = normalise(&z, k);
        let mut noisy = n.clone();
        if let Some((noise, stream)) = noise {
            add_noise(&mut noisy, noise.sigma, None, stream.substream(u32::MAX));
        }
        Path { hs, n, noisy, norm, spreads }
    }

    /// q = γ ⊙ (ñ + β) and p = softmax(q), row by row.
    fn probabilities(&self, noisy: &[T]) -> Vec<T> {
        let k = self.classes();
        let (gamma, beta) = (&self.top[..k], &self.top[k..2 * k]);
        let mut p: Vec<T> =
            noisy.chunks_exact(k).flat_map(|r| (0..k).map(move |j| gamma[j] * (r[j] + beta[j]))).collect();
        p.chunks_exact_mut(k).for_each(softmax_in_place);
        p
    }

    /// J and its gradients (the net's, the top's), and the clean path's hidden spreads per unit.
    pub fn gradients(
        &self,
        batch: &GammaBatch<T>,
        noise: &GammaNoise,
        lambda: f64,
    ) -> (f64, Vec<T>, Vec<T>, Vec<Vec<f32>>) {
        let (k, d_in) = (self.classes(), self.net.input);
        let mut dnet = vec![T::zero(); self.net.params.len()];
        let mut dtop = vec![T::zero(); self.top.len()];
        // Labelled rows: cross-entropy of the noisy path.
        let bl = batch.labels.len();
        let noisy = self.path(batch.labelled, bl, Some((noise, noise.stream.substream(0))));
        let p = self.probabilities(&noisy.noisy);
        let mut cost = 0.0;
        let mut dp_to_q = vec![T::zero(); bl * k];
        for (i, &label) in batch.labels.iter().enumerate() {
            let row = &p[i * k..(i + 1) * k];
            cost -= row[label as usize].to_f64().unwrap().max(1e-30).ln() / bl as f64;
            for j in 0..k {
                let target = if j == label as usize { T::one() } else { T::zero() };
                dp_to_q[i * k + j] = (row[j] - target) / T::of(bl as f64);
            }
        }
        let dn = self.head_backward(&dp_to_q, &noisy.noisy, vec![T::zero(); bl * k], &mut dtop);
        self.down(&noisy, dn, bl, &mut dnet);
        // Unlabelled rows: the denoiser's error against the clean path.
        let bu = batch.unlabelled.len() / d_in;
        let clean = self.path(batch.unlabelled, bu, None);
        let corrupted = self.path(batch.unlabelled, bu, Some((noise, noise.stream.substream(1))));
        let p = self.probabilities(&corrupted.noisy);
        let (u, u_norm) = normalise(&p, k);
        let (zhat, parts) = self.denoise(&corrupted.noisy, &u);
        let scale = T::of(lambda / (bu * k) as f64);
        let mut dzhat = vec![T::zero(); bu * k];
        for i in 0..bu * k {
            let e = zhat[i] - clean.n[i];
            cost += (scale * e * e).to_f64().unwrap();
            dzhat[i] = T::of(2.0) * scale * e;
        }
        let dclean: Vec<T> = dzhat.iter().map(|&g| -g).collect();
        self.down(&clean, dclean, bu, &mut dnet);
        let (dnoisy, du) = self.denoise_backward(&dzhat, &corrupted.noisy, &u, &parts, &mut dtop);
        let dp = normalise_backward(&du, &u, &u_norm, k);
        let dq = softmax_backward(&dp, &p, k);
        let dn = self.head_backward(&dq, &corrupted.noisy, dnoisy, &mut dtop);
        self.down(&corrupted, dn, bu, &mut dnet);
        (cost, dnet, dtop, clean.spreads)
    }

    /// From ∂J/∂q to ∂J/∂ñ (plus `dnoisy`, what ñ already has), with γ's and β's gradients.
    fn head_backward(&self, dq: &[T], noisy: &[T], mut dnoisy: Vec<T>, dtop: &mut [T]) -> Vec<T> {
        let k = self.classes();
        for (i, (&g, &n)) in dq.iter().zip(noisy).enumerate() {
            let j = i % k;
            dtop[j] += g * (n + self.top[k + j]);
            dtop[k + j] += g * self.top[j];
            dnoisy[i] += g * self.top[j];
        }
        dnoisy
    }

    /// ẑ from ñ and u, with the sigmoids and μ, v kept for the backward pass.
    fn denoise(&self, noisy: &[T], u: &[T]) -> (Vec<T>, Vec<[T; 4]>) {
        let k = self.classes();
        let a = |i: usize, j: usize| self.top[(1 + i) * k + j];
        let mut parts = Vec::with_capacity(u.len());
        let zhat = (0..u.len())
            .map(|i| {
                let (j, u) = (i % k, u[i]);
                let s1 = sigmoid(a(2, j) * u + a(3, j));
                let mu = a(1, j) * s1 + a(4, j) * u + a(5, j);
                let s2 = sigmoid(a(7, j) * u + a(8, j));
                let v = a(6, j) * s2 + a(9, j) * u + a(10, j);
                parts.push([s1, mu, s2, v]);
                (noisy[i] - mu) * v + mu
            })
            .collect();
        (zhat, parts)
    }

    /// ∂J/∂ñ and ∂J/∂u from ∂J/∂ẑ, with a1…a10's gradients.
    fn denoise_backward(
        &self,
        dzhat: &[T],
        noisy: &[T],
        u: &[T],
        parts: &[[T; 4]],
        dtop: &mut [T],
    ) -> (Vec<T>, Vec<T>) {
        let k = self.classes();
        let a = |i: usize, j: usize| self.top[(1 + i) * k + j];
        let (mut dnoisy, mut du) = (vec![T::zero(); u.len()], vec![T::zero(); u.len()]);
        for i in 0..u.len() {
            let (j, g, u_i) = (i % k, dzhat[i], u[i]);
            let [s1, mu, s2, v] = parts[i];
            dnoisy[i] = g * v;
            let (dmu, dv) = (g * (T::one() - v), g * (noisy[i] - mu));
            let (t1, t2) = (dmu * a(1, j) * s1 * (T::one() - s1), dv * a(6, j) * s2 * (T::one() - s2));
            let grads = [dmu * s1, t1 * u_i, t1, dmu * u_i, dmu, dv * s2, t2 * u_i, t2, dv * u_i, dv];
            for (n, g) in grads.into_iter().enumerate() {
                dtop[(2 + n) * k + j] += g;
            }
            du[i] = t1 * a(2, j) + dmu * a(4, j) + t2 * a(7, j) + dv * a(9, j);
        }
        (dnoisy, du)
    }

    /// Down one path from ∂J/∂n (the noise is additive): through its normalisation and every layer,
    /// adding the weights' and biases' gradients to `dnet`.
    fn down(&self, path: &Path<T>, dn: Vec<T>, b: usize, dnet: &mut [T]) {
        let mut d = normalise_backward(&dn, &path.n, &path.norm, self.classes());
        let layers: Vec<&Dense> = self.dense().collect();
        for (l, dense) in layers.iter().enumerate().rev() {
            let (inputs, outputs) = (dense.inputs, dense.outputs);
            let h = &path.hs[l];
            matmul(
                &mut dnet[dense.weight_range()],
                h,
                Operand::Transposed,
                &d,
                Operand::Plain,
                inputs,
                b,
                outputs,
                true,
            );
            bias_backward(&mut dnet[dense.bias_range()], &d, b, outputs);
            if l == 0 {
                break;
            }
            let w = &self.net.params[dense.weight_range()];
            let mut dh = vec![T::zero(); b * inputs];
            matmul(&mut dh, &d, Operand::Plain, w, Operand::Transposed, b, outputs, inputs, false);
            layers[l - 1].activation.backward(&mut dh, h);
            d = dh;
        }
    }

    /// The clean path's scores z [B, K] (before normalisation).
    pub fn scores(&self, x: &[T], b: usize) -> Vec<T> {
        self.up(x, b, None).1
    }

    /// The clean path's spread of each hidden unit's pre-activation over the rows `x` [B, D].
    pub fn spreads(&self, x: &[T], b: usize) -> Vec<Vec<f32>> {
        self.up(x, b, None).2
    }

    /// The classes of rows `x` by the clean path, normalised with fixed statistics.
    pub fn predict(&self, x: &[T], b: usize, norm: &Normalisation<T>) -> Vec<u8> {
        let k = self.classes();
        let z = self.scores(x, b);
        let (gamma, beta) = (&self.top[..k], &self.top[k..2 * k]);
        z.chunks_exact(k)
            .map(|r| {
                let score = |j: usize| gamma[j] * ((r[j] - norm.mean[j]) * norm.inv_std[j] + beta[j]);
                (0..k)
                    .max_by(|&a, &b| score(a).partial_cmp(&score(b)).unwrap_or(std::cmp::Ordering::Equal))
                    .unwrap_or(0) as u8
            })
            .collect()
    }
}

/// x += σ·s_j·ε, with s_j the column's spread (1 without one) and ε standard normal from `stream`.
fn add_noise<T: Real>(x: &mut [T], sigma: f64, spread: Option<&Vec<f32>>, stream: Stream) {
    for (i, v) in x.iter_mut().enumerate() {
        let s = spread.map_or(1.0, |s| s[i % s.len()] as f64);
        *v += T::of(sigma * s * stream.normal(i as u32) as f64);
    }
}

/// Each column's standard deviation over the rows.
fn column_spread<T: Real>(a: &[T], width: usize) -> Vec<f32> {
    let Normalisation { inv_std, .. } = normalise(a, width).1;
    inv_std.iter().map(|&v| (1.0 / v.to_f64().unwrap()) as f32).collect()
}

/// Batch normalisation without scale or shift: each column to mean 0 and variance 1.
pub fn normalise<T: Real>(z: &[T], width: usize) -> (Vec<T>, Normalisation<T>) {
    let rows = T::of((z.len() / width) as f64);
    let mut mean = vec![T::zero(); width];
    let mut var = vec![T::zero(); width];
    z.chunks_exact(width).for_each(|r| r.iter().zip(&mut mean).for_each(|(&v, m)| *m += v / rows));
    z.chunks_exact(width)
        .for_each(|r| r.iter().zip(&mean).zip(&mut var).for_each(|((&v, &m), s)| *s += (v - m) * (v - m) / rows));
    let inv_std: Vec<T> = var.iter().map(|&v| T::one() / (v + T::of(BN_EPS)).sqrt()).collect();
    let n = z.iter().enumerate().map(|(i, &v)| (v - mean[i % width]) * inv_std[i % width]).collect();
    (n, Normalisation { mean, inv_std })
}

/// ∂J/∂z from ∂J/∂n for n = BN(z): (1/σ)·(dn − mean(dn) − n·mean(dn·n)), column by column.
pub fn normalise_backward<T: Real>(dn: &[T], n: &[T], norm: &Normalisation<T>, width: usize) -> Vec<T> {
    let rows = T::of((dn.len() / width) as f64);
    let (mut mean_d, mut mean_dn) = (vec![T::zero(); width], vec![T::zero(); width]);
    for (i, (&d, &v)) in dn.iter().zip(n).enumerate() {
        mean_d[i % width] += d / rows;
        mean_dn[i % width] += d * v / rows;
    }
    (0..dn.len())
        .map(|i| {
            let j = i % width;
            norm.inv_std[j] * (dn[i] - mean_d[j] - n[i] * mean_dn[j])
        })
        .collect()
}

fn softmax_in_place<T: Real>(row: &mut [T]) {
    let max = row.iter().fold(T::neg_infinity(), |m, &v| m.max(v));
    row.iter_mut().for_each(|v| *v = (*v - max).exp());
    let sum: T = row.iter().copied().sum();
    row.iter_mut().for_each(|v| *v /= sum);
}

/// ∂J/∂q from ∂J/∂p for p = softmax(q), row by row: p ⊙ (dp − ⟨p, dp⟩).
fn softmax_backward<T: Real>(dp: &[T], p: &[T], k: usize) -> Vec<T> {
    dp.chunks_exact(k)
        .zip(p.chunks_exact(k))
        .flat_map(|(d, p)| {
            let inner: T = d.iter().zip(p).map(|(&d, &p)| d * p).sum();
            d.iter().zip(p).map(move |(&d, &p)| p * (d - inner)).collect::<Vec<_>>()
        })
        .collect()
}
