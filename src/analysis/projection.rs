//! Codes drawn in two dimensions for the latent scatter: a 2-unit code as it is, a wider one projected
//! on its top two principal directions, found by subspace iteration (cheap enough to redo several times
//! a second on a thousand-unit code) and a Rayleigh–Ritz step that orders the directions exactly.

use nalgebra::{DMatrix, SymmetricEigen};

/// Subspace-iteration rounds, and the block's width: 4 vectors converge the top-2 subspace at the rate
/// λ5/λ2 even when λ1 and λ2 are close (the test holds the result to exact PCA).
const ROUNDS: usize = 30;
const BLOCK: usize = 4;

/// Points [n, 2] for codes `x` [n, d]: the code itself when d ≤ 2 (a 1-unit code gets y = 0), else
/// the centred codes' coordinates on their first two principal directions, each signed so that its
/// largest-magnitude entry is positive (the picture does not flip between updates).
pub fn project_2d(x: &[f32], n: usize, d: usize) -> Vec<f32> {
    principal_plane(x, n, d).points
}

/// The plane the latent scatter draws: the points, and for a projection the mean code and the two
/// directions, so that a point (a, b) of the plane is the code mean + a·u₁ + b·u₂ (the page decodes
/// the point under the pointer this way).
pub struct Plane {
    pub points: Vec<f32>,
    /// [mean (d), u₁ (d), u₂ (d)]; empty when the code is drawn as it is (d ≤ 2).
    pub basis: Vec<f32>,
}

/// `project_2d`'s points with the plane they lie in.
pub fn principal_plane(x: &[f32], n: usize, d: usize) -> Plane {
    assert_eq!(x.len(), n * d, "project_2d: {} values are not {n} codes of {d}", x.len());
    if d <= 2 || n == 0 {
        let points = (0..n).flat_map(|i| [x[i * d], if d == 2 { x[i * d + 1] } else { 0.0 }]).collect();
        return Plane { points, basis: Vec::new() };
    }
    let data = DMatrix::from_row_slice(n, d, &x.iter().map(|&v| v as f64).collect::<Vec<_>>());
    let mean = data.row_mean();
    let centred = DMatrix::from_fn(n, d, |i, j| data[(i, j)] - mean[j]);
    let p = BLOCK.min(d);
    // A fixed, generic start: every principal direction has a component along it.
    let mut v = DMatrix::from_fn(d, p, |j, c| ((j * (c + 1)) as f64 * 0.618 + c as f64 * 0.3).fract() - 0.5);
    for _ in 0..ROUNDS {
        v = orthonormal(centred.tr_mul(&(&centred * &v)));
    }
    // Rayleigh–Ritz: the eigenvectors of the block's own covariance order its directions.
    let scores = &centred * &v;
    let eigen = SymmetricEigen::new(scores.tr_mul(&scores));
    let mut order: Vec<usize> = (0..p).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
    let directions: Vec<Vec<f64>> = order[..2]
        .iter()
        .map(|&k| {
            let u: Vec<f64> = (&v * eigen.eigenvectors.column(k)).iter().copied().collect();
            let largest = u.iter().copied().fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
            if largest < 0.0 {
                u.iter().map(|t| -t).collect()
            } else {
                u
            }
        })
        .collect();
    let basis = mean.iter().chain(directions.iter().flatten()).map(|&v| v as f32).collect();
    let centred = &centred;
    let points = (0..n)
        .flat_map(|i| directions.iter().map(move |u| (0..d).map(|j| centred[(i, j)] * u[j]).sum::<f64>() as f32))
        .collect();
    Plane { points, basis }
}

/// Gram–Schmidt on the columns (a column with nothing left becomes zero).
fn orthonormal(mut m: DMatrix<f64>) -> DMatrix<f64> {
    for c in 0..m.ncols() {
        for earlier in 0..c {
            let along = m.column(c).dot(&m.column(earlier));
            let e = m.column(earlier).clone_owned();
            m.column_mut(c).axpy(-along, &e, 1.0);
        }
        let norm = m.column(c).norm();
        if norm > 0.0 {
            m.column_mut(c).scale_mut(1.0 / norm);
        }
    }
    m
}
