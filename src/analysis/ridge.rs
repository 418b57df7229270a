//! A linear classifier fitted exactly: ridge regression onto one-hot classes, on features
//! standardised over the training rows, the bias unpenalised; the class is its scores' argmax. No
//! iterations and no learning rate to tune (segmentation's classifier, see segment.rs).

use crate::error::{Error, Result};
use nalgebra::{DMatrix, DVector};

/// The ridge penalty, as a share of the features' mean variance (1 after standardising).
const RIDGE: f64 = 0.1;

/// A linear classifier fitted by ridge regression on standardised features.
pub struct Ridge {
    mean: Vec<f64>,
    scale: Vec<f64>,
    /// [d + 1, K]: the weights, then the bias row.
    weights: DMatrix<f64>,
}

impl Ridge {
    pub fn fit(x: &[f32], labels: &[u8], d: usize, k: usize) -> Result<Ridge> {
        let m = labels.len();
        let column = |j: usize| x.iter().skip(j).step_by(d).map(|&v| v as f64);
        let mean: Vec<f64> = (0..d).map(|j| column(j).sum::<f64>() / m as f64).collect();
        let scale: Vec<f64> = (0..d)
            .map(|j| {
                let var = column(j).map(|v| (v - mean[j]).powi(2)).sum::<f64>() / m as f64;
                if var > 1e-12 {
                    1.0 / var.sqrt()
                } else {
                    0.0
                }
            })
            .collect();
        let a =
            DMatrix::from_fn(m, d + 1, |i, j| if j == d { 1.0 } else { (x[i * d + j] as f64 - mean[j]) * scale[j] });
        let y = DMatrix::from_fn(m, k, |i, c| if labels[i] as usize == c { 1.0 } else { 0.0 });
        let mut gram = a.transpose() * &a;
        for j in 0..d {
            gram[(j, j)] += RIDGE * m as f64; // not the bias
        }
        gram[(d, d)] += 1e-9 * m as f64;
        let rhs = a.transpose() * y;
        let weights = gram
            .cholesky()
            .ok_or_else(|| Error::new("segmentation: the classifier's equations could not be solved"))?
            .solve(&rhs);
        Ok(Ridge { mean, scale, weights })
    }

    /// The class of each row of `x` [n, d].
    pub fn predict(&self, x: &[f32], d: usize) -> Vec<u8> {
        let k = self.weights.ncols();
        x.chunks_exact(d)
            .map(|row| {
                let features =
                    DVector::from_fn(
                        d + 1,
                        |j, _| if j == d { 1.0 } else { (row[j] as f64 - self.mean[j]) * self.scale[j] },
                    );
                let scores = self.weights.tr_mul(&features);
                (0..k).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(0) as u8
            })
            .collect()
    }
}
