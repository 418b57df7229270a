//! Exact PCA in f64, the linear baseline every autoencoder is measured against: a k-unit linear
//! autoencoder can do no better than PCA-k, and a good one spans the same subspace.
//!
//! Shapes: samples are row-major f32 [n, dim]; components are row-major f64 [dim, dim].

use crate::error::{Error, Result};
use crate::fail;
use nalgebra::linalg::{SymmetricEigen, SVD};
use nalgebra::DMatrix;

/// Iteration cap for the eigen/SVD solvers, per row: generous (they need a few), but never a hang.
const MAX_ITER_PER_ROW: usize = 1000;

#[derive(Clone, Debug, PartialEq)]
pub struct Pca {
    pub dim: usize,
    /// Mean of the training samples, [dim].
    pub mean: Vec<f64>,
    /// Orthonormal eigenvectors of the covariance as rows, by decreasing eigenvalue, [dim, dim].
    pub components: Vec<f64>,
    /// Eigenvalues of the covariance (divisor n), decreasing, [dim].
    pub variances: Vec<f64>,
}

impl Pca {
    /// Exact PCA: symmetric eigendecomposition of the covariance of the training samples.
    pub fn fit(samples: &[f32], n: usize, dim: usize) -> Result<Pca> {
        if n < 2 {
            fail!("PCA needs at least 2 samples, got {n}");
        }
        let xt = centred_columns(samples, n, dim, None)?; // [dim, n]
        let mean: Vec<f64> = xt.column_mean().iter().copied().collect();
        let xt = xt.map_with_location(|r, _, v| v - mean[r]);
        // C = Xcᵀ Xc / n, with Xc the centred [n, dim]; the product runs on matrixmultiply's dgemm.
        let cov = (&xt * xt.transpose()) / n as f64;
        let eigen = SymmetricEigen::try_new(cov, f64::EPSILON, MAX_ITER_PER_ROW * dim)
            .ok_or_else(|| Error::new("PCA: the eigendecomposition did not converge"))?;
        let mut order: Vec<usize> = (0..dim).collect();
        order.sort_by(|&i, &j| eigen.eigenvalues[j].total_cmp(&eigen.eigenvalues[i]));
        // Eigenvectors are the columns of a column-major matrix: column i is one contiguous run.
        let vectors = eigen.eigenvectors.as_slice();
        let components = order.iter().flat_map(|&i| &vectors[i * dim..(i + 1) * dim]).copied().collect();
        // Rounding can leave a zero eigenvalue slightly negative; a variance is never below 0.
        let variances = order.iter().map(|&i| eigen.eigenvalues[i].max(0.0)).collect();
        Ok(Pca { dim, mean, components, variances })
    }

    /// Mean over samples of the squared error summed over each sample's values, reconstructing from
    /// the top k components: error(k) = mean_i ‖(x_i − μ) − P_kᵀ P_k (x_i − μ)‖², P_k the basis [k, dim].
    pub fn reconstruction_error(&self, samples: &[f32], n: usize, k: usize) -> Result<f64> {
        if k > self.dim {
            fail!("PCA: asked for {k} components of {dim}-value samples", dim = self.dim);
        }
        if n == 0 {
            fail!("PCA: no samples to measure the reconstruction error on");
        }
        let c = centred_columns(samples, n, self.dim, Some(&self.mean))?; // [dim, n]
        let p = DMatrix::from_row_slice(k, self.dim, self.basis(k)); // [k, dim]
        let z = &p * &c; // codes, [k, n]
        let residual = c - p.transpose() * z; // [dim, n]
        Ok(residual.norm_squared() / n as f64)
    }

    /// The top-k components as rows, [k, dim] (k is capped at dim).
    pub fn basis(&self, k: usize) -> &[f64] {
        &self.components[..k.min(self.dim) * self.dim]
    }
}

/// Samples as the columns of a [dim, n] matrix, minus `mean` when given, after checking the shape
/// and that every value is finite. A row-major [n, dim] slice read column-major is already Xᵀ.
fn centred_columns(samples: &[f32], n: usize, dim: usize, mean: Option<&[f64]>) -> Result<DMatrix<f64>> {
    if dim == 0 {
        fail!("PCA: samples have no values (dim 0)");
    }
    if n.checked_mul(dim) != Some(samples.len()) {
        fail!("PCA: {} values is not {n} samples of {dim}", samples.len());
    }
    if let Some(i) = samples.iter().position(|v| !v.is_finite()) {
        fail!("PCA: value {} of sample {} is {}", i % dim, i / dim, samples[i]);
    }
    let mean = |r: usize| mean.map_or(0.0, |m| m[r]);
    Ok(DMatrix::from_column_slice(dim, n, samples).map_with_location(|r, _, v| v as f64 - mean(r)))
}

/// Principal angles in degrees, ascending, between the row spaces of a [ka, dim] and b [kb, dim];
/// min(ka, kb) of them. Rows need not be orthonormal but must be linearly independent.
///
/// With orthonormal bases Qa, Qb (columns) and Qa the larger: cos θ_i = σ_i(Qaᵀ Qb) and
/// sin θ_i = σ_i(Qb − Qa Qaᵀ Qb). acos loses all precision near 0° (acos(1 − ε) ≈ √(2ε)), so angles
/// whose cos² ≥ ½ come from asin of the sines instead (Knyazev & Argentati; SciPy does the same).
pub fn principal_angles_degrees(a: &[f64], ka: usize, b: &[f64], kb: usize, dim: usize) -> Result<Vec<f64>> {
    let qa = orthonormal_columns(a, ka, dim, "a")?; // [dim, ka]
    let qb = orthonormal_columns(b, kb, dim, "b")?; // [dim, kb]
    let (qa, qb) = if ka >= kb { (qa, qb) } else { (qb, qa) };
    let overlap = qa.transpose() * &qb; // [ka, kb]
    let cosines = singular_values(&overlap)?; // descending
    let mut sines = singular_values(&(&qb - &qa * &overlap))?;
    sines.reverse(); // ascending, so sines[i] pairs with cosines[i]
    let mut angles: Vec<f64> = (0..cosines.len())
        .map(|i| {
            let (cos, sin) = (cosines[i].clamp(0.0, 1.0), sines[i].clamp(0.0, 1.0));
            if cos * cos >= 0.5 {
                sin.asin().to_degrees()
            } else {
                cos.acos().to_degrees()
            }
        })
        .collect();
    angles.sort_by(f64::total_cmp);
    Ok(angles)
}

/// An orthonormal basis [dim, k] of the row space of `rows` ([k, dim]), by thin SVD: the left
/// singular vectors of rowsᵀ. Errors when the rows are not linearly independent.
fn orthonormal_columns(rows: &[f64], k: usize, dim: usize, name: &str) -> Result<DMatrix<f64>> {
    if dim == 0 || k == 0 || k > dim {
        fail!("principal angles: {name} has {k} rows of {dim} values; need 1 ≤ rows ≤ values");
    }
    if k.checked_mul(dim) != Some(rows.len()) {
        fail!("principal angles: {name} has {} values, not {k} rows of {dim}", rows.len());
    }
    if rows.iter().any(|v| !v.is_finite()) {
        fail!("principal angles: {name} holds a value that is not finite");
    }
    let svd = SVD::try_new(DMatrix::from_column_slice(dim, k, rows), true, false, f64::EPSILON, MAX_ITER_PER_ROW * dim)
        .ok_or_else(|| Error::new(format!("principal angles: the SVD of {name} did not converge")))?;
    let s = &svd.singular_values;
    if s.min() <= s.max() * 1e-10 {
        fail!("principal angles: the {k} rows of {name} are not linearly independent");
    }
    svd.u.ok_or_else(|| Error::new("principal angles: SVD returned no U"))
}

fn singular_values(m: &DMatrix<f64>) -> Result<Vec<f64>> {
    let svd = SVD::try_new(m.clone(), false, false, f64::EPSILON, MAX_ITER_PER_ROW * m.nrows().max(m.ncols()))
        .ok_or_else(|| Error::new("principal angles: an SVD did not converge"))?;
    Ok(svd.singular_values.iter().copied().collect())
}
