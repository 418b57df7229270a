//! What makes an autoencoder more than a bottleneck: sparsity (L1, KL to a target rate, k-sparse),
//! the contractive penalty, and the variational code. Each returns its value and, given a gradient
//! buffer, adds its derivative there. Shapes: B = batch, C = code width, I = the code layer's inputs.

use crate::model::layers::Activation;
use crate::real::Real;

/// P = (λ/B) Σ|h|;  ∂P/∂h = (λ/B)·sign(h)
pub fn l1<T: Real>(dh: Option<&mut [T]>, h: &[T], lambda: f64, b: usize) -> T {
    let scale = T::of(lambda / b as f64);
    if let Some(dh) = dh {
        for (d, &v) in dh.iter_mut().zip(h) {
            if v != T::zero() {
                *d += scale * v.signum();
            }
        }
    }
    scale * h.iter().map(|v| v.abs()).sum()
}

/// Mean activation of each code unit over the batch, ρ̂_j = (1/B) Σ_b h_bj, kept inside (0, 1).
pub fn mean_activation<T: Real>(h: &[T], b: usize, c: usize) -> Vec<T> {
    let mut mean = vec![T::zero(); c];
    for row in h[..b * c].chunks_exact(c) {
        mean.iter_mut().zip(row).for_each(|(m, &v)| *m += v);
    }
    let eps = T::of(1e-6);
    mean.iter_mut().for_each(|m| *m = (*m / T::of(b as f64)).max(eps).min(T::one() - eps));
    mean
}

/// P = β Σ_j KL(ρ‖ρ̂_j) = β Σ_j [ρ ln(ρ/ρ̂_j) + (1−ρ) ln((1−ρ)/(1−ρ̂_j))];
/// ∂P/∂h_bj = (β/B)·(−ρ/ρ̂_j + (1−ρ)/(1−ρ̂_j))
pub fn kl_sparsity<T: Real>(dh: Option<&mut [T]>, h: &[T], rho: f64, beta: f64, b: usize, c: usize) -> T {
    let mean = mean_activation(h, b, c);
    let (r, one) = (T::of(rho), T::one());
    if let Some(dh) = dh {
        let per_unit: Vec<T> =
            mean.iter().map(|&m| T::of(beta / b as f64) * (-r / m + (one - r) / (one - m))).collect();
        for row in dh[..b * c].chunks_exact_mut(c) {
            row.iter_mut().zip(&per_unit).for_each(|(d, &g)| *d += g);
        }
    }
    T::of(beta) * mean.iter().map(|&m| r * (r / m).ln() + (one - r) * ((one - r) / (one - m)).ln()).sum()
}

/// Indices of the k largest values of a row (ties to the lower index), in ascending index order.
fn top_k<T: Real>(row: &[T], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..row.len()).collect();
    idx.sort_by(|&a, &b| row[b].partial_cmp(&row[a]).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b)));
    let mut kept = idx[..k.min(row.len())].to_vec();
    kept.sort_unstable();
    kept
}

/// k-sparse code (Makhzani & Frey 2013): out keeps each row's k largest values and zeroes the rest.
pub fn k_sparse_forward<T: Real>(out: &mut [T], inp: &[T], b: usize, c: usize, k: usize) {
    for (o, row) in out[..b * c].chunks_exact_mut(c).zip(inp.chunks_exact(c)) {
        o.fill(T::zero());
        top_k(row, k).into_iter().for_each(|j| o[j] = row[j]);
    }
}

/// The gradient flows only through the kept units: dinp = dout on the active set, 0 elsewhere.
pub fn k_sparse_backward<T: Real>(dinp: &mut [T], dout: &[T], inp: &[T], b: usize, c: usize, k: usize) {
    for ((d, g), row) in dinp[..b * c].chunks_exact_mut(c).zip(dout.chunks_exact(c)).zip(inp.chunks_exact(c)) {
        d.fill(T::zero());
        top_k(row, k).into_iter().for_each(|j| d[j] = g[j]);
    }
}

/// Contractive penalty of one dense code layer h = f(x·W + b), W [I, C]: the squared Frobenius norm
/// of its Jacobian ∂h/∂x, exact: ‖J_b‖² = Σ_j f'(z_bj)² S_j with S_j = Σ_i W_ij².
/// P = (λ/B) Σ_b ‖J_b‖²;  ∂P/∂z_bj = (λ/B)·S_j·2 f'(z_bj) f''(z_bj);  ∂P/∂W_ij (direct) = (λ/B)·Σ_b f'(z_bj)²·2 W_ij.
/// Returns P; adds to dz [B, C] and dweight [I, C] when given.
#[allow(clippy::too_many_arguments)]
pub fn contractive<T: Real>(
    grads: Option<(&mut [T], &mut [T])>,
    h: &[T],
    weight: &[T],
    act: Activation,
    lambda: f64,
    b: usize,
    i: usize,
    c: usize,
) -> T {
    let mut s = vec![T::zero(); c];
    for row in weight[..i * c].chunks_exact(c) {
        s.iter_mut().zip(row).for_each(|(s, &w)| *s += w * w);
    }
    let scale = T::of(lambda / b as f64);
    let mut slope_sq = vec![T::zero(); c]; // Σ_b f'(z_bj)²
    let mut total = T::zero();
    for row in h[..b * c].chunks_exact(c) {
        for j in 0..c {
            let g = act.slope(row[j]);
            slope_sq[j] += g * g;
            total += g * g * s[j];
        }
    }
    if let Some((dz, dweight)) = grads {
        for (drow, row) in dz[..b * c].chunks_exact_mut(c).zip(h.chunks_exact(c)) {
            for j in 0..c {
                drow[j] += scale * s[j] * T::of(2.0) * act.slope(row[j]) * act.curvature(row[j]);
            }
        }
        for (drow, row) in dweight[..i * c].chunks_exact_mut(c).zip(weight.chunks_exact(c)) {
            for j in 0..c {
                drow[j] += scale * slope_sq[j] * T::of(2.0) * row[j];
            }
        }
    }
    scale * total
}

/// Mean over the batch of ‖J_b‖_F for the same layer (a metric, not a loss).
pub fn jacobian_norm<T: Real>(h: &[T], weight: &[T], act: Activation, b: usize, i: usize, c: usize) -> f64 {
    let mut s = vec![0.0f64; c];
    for row in weight[..i * c].chunks_exact(c) {
        s.iter_mut().zip(row).for_each(|(s, &w)| *s += w.to_f64().unwrap().powi(2));
    }
    let per_sample =
        |row: &[T]| row.iter().zip(&s).map(|(&y, &s)| act.slope(y).to_f64().unwrap().powi(2) * s).sum::<f64>().sqrt();
    h[..b * c].chunks_exact(c).map(per_sample).sum::<f64>() / b as f64
}

/// Reparameterisation: inp rows are (μ | ln σ²), each C wide; z = μ + exp(½ ln σ²)·ε.
pub fn reparameterize_forward<T: Real>(z: &mut [T], inp: &[T], eps: &[T], b: usize, c: usize) {
    for ((zr, row), er) in z[..b * c].chunks_exact_mut(c).zip(inp.chunks_exact(2 * c)).zip(eps.chunks_exact(c)) {
        for j in 0..c {
            zr[j] = row[j] + (T::of(0.5) * row[c + j]).exp() * er[j];
        }
    }
}

/// ∂z/∂μ = 1;  ∂z/∂(ln σ²) = ε·½·exp(½ ln σ²).  Writes dinp [B, 2C].
pub fn reparameterize_backward<T: Real>(dinp: &mut [T], dz: &[T], inp: &[T], eps: &[T], b: usize, c: usize) {
    for (((d, g), row), er) in dinp[..2 * b * c]
        .chunks_exact_mut(2 * c)
        .zip(dz.chunks_exact(c))
        .zip(inp.chunks_exact(2 * c))
        .zip(eps.chunks_exact(c))
    {
        for j in 0..c {
            d[j] = g[j];
            d[c + j] = g[j] * er[j] * T::of(0.5) * (T::of(0.5) * row[c + j]).exp();
        }
    }
}

/// β·KL(N(μ, σ²) ‖ N(0, I)) averaged over the batch: −(β/2B) Σ (1 + ln σ² − μ² − σ²);
/// ∂/∂μ = (β/B)·μ;  ∂/∂ln σ² = (β/2B)·(σ² − 1). Adds to dinp [B, 2C] when given.
pub fn vae_kl<T: Real>(dinp: Option<&mut [T]>, inp: &[T], beta: f64, b: usize, c: usize) -> T {
    let scale = T::of(beta / b as f64);
    let half = T::of(0.5);
    if let Some(dinp) = dinp {
        for (d, row) in dinp[..2 * b * c].chunks_exact_mut(2 * c).zip(inp.chunks_exact(2 * c)) {
            for j in 0..c {
                d[j] += scale * row[j];
                d[c + j] += scale * half * (row[c + j].exp() - T::one());
            }
        }
    }
    let sum: T = inp[..2 * b * c]
        .chunks_exact(2 * c)
        .map(|row| (0..c).map(|j| T::one() + row[c + j] - row[j] * row[j] - row[c + j].exp()).sum::<T>())
        .sum();
    -scale * half * sum
}
