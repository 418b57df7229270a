//! Synthetic manifolds, generated from a seed in the page (nothing to download): a Swiss roll and two
//! concentric circles embedded in 10 dimensions, and sine curves sampled at 64 points. Each is a
//! low-dimensional shape in a higher-dimensional space, which an autoencoder's code should unroll;
//! the labels (where on the roll, which circle, which frequency) colour the latent scatter.

use super::Dataset;
use crate::error::Result;
use crate::fail;
use crate::rng::{Purpose, Rng, Stream};
use std::f32::consts::{PI, TAU};

pub const NAMES: [&str; 3] = ["swissRoll", "circles", "sines"];
const SAMPLES: usize = 2000;
const TRAIN: usize = 1600;
/// The embedding's dimension for the 2-D and 3-D shapes.
const EMBED: usize = 10;
const CURVE_POINTS: usize = 64;

/// The synthetic dataset `name` from `seed`: values scaled to 0..1 as a whole (the shape's geometry
/// kept), the first 1,600 samples for training and 400 for testing.
pub fn generate(name: &str, seed: u32) -> Result<Dataset> {
    let rng = Rng::new(seed);
    let (shape, noise) = (rng.stream(Purpose::Sample, 1), rng.stream(Purpose::Sample, 2));
    let (points, labels, classes): (Vec<Vec<f32>>, Vec<u8>, usize) = match name {
        "swissRoll" => {
            let points = (0..SAMPLES as u32)
                .map(|i| {
                    let t = 1.5 * PI + 3.0 * PI * shape.uniform(2 * i);
                    let h = 21.0 * shape.uniform(2 * i + 1);
                    vec![t * t.cos(), h, t * t.sin()]
                })
                .collect::<Vec<_>>();
            // Six bands along the roll, by the angle t recovered from the radius.
            let labels = points.iter().map(|p| band((p[0].hypot(p[2]) - 1.5 * PI) / (3.0 * PI), 6)).collect();
            (points, labels, 6)
        }
        "circles" => {
            let labels: Vec<u8> = (0..SAMPLES as u32).map(|i| u8::from(shape.uniform(3 * i) < 0.5)).collect();
            let points = (0..SAMPLES as u32)
                .zip(&labels)
                .map(|(i, &inner)| {
                    let (r, a) = (if inner == 1 { 0.5 } else { 1.0 }, TAU * shape.uniform(3 * i + 1));
                    vec![r * a.cos(), r * a.sin()]
                })
                .collect();
            (points, labels, 2)
        }
        "sines" => {
            // Each sample is a curve sin(2π f x + φ) at 64 points: f from three bands, φ anywhere.
            let labels: Vec<u8> = (0..SAMPLES as u32).map(|i| band(shape.uniform(3 * i), 3)).collect();
            let points = (0..SAMPLES as u32)
                .zip(&labels)
                .map(|(i, &k)| {
                    let f = 1.0 + k as f32 + 0.5 * shape.uniform(3 * i + 1);
                    let phase = TAU * shape.uniform(3 * i + 2);
                    (0..CURVE_POINTS).map(|x| (TAU * f * x as f32 / CURVE_POINTS as f32 + phase).sin()).collect()
                })
                .collect();
            (points, labels, 3)
        }
        _ => fail!("no synthetic dataset {name:?} (there are {})", NAMES.join(", ")),
    };
    let embedded = if points[0].len() < EMBED { embed(&points, rng.stream(Purpose::Init, 9)) } else { points };
    let dim = embedded[0].len();
    let mut floats: Vec<f32> = embedded
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.iter().enumerate().map(move |(j, &v)| v + 0.02 * noise.normal((i * dim + j) as u32)))
        .collect();
    // Gaussian noise of σ 0.02 on every embedded value, in the shape's own units (the roll spans about
    // 30, the inner circle's radius is 0.5), then everything scaled into 0..1 by one min and max.
    let (lo, hi) = floats.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    floats.iter_mut().for_each(|v| *v = (*v - lo) / (hi - lo));
    let data = Dataset {
        name: name.into(),
        height: 1,
        width: dim,
        floats,
        labels,
        classes,
        n_train: TRAIN,
        ..Dataset::default()
    };
    data.validate()?;
    Ok(data)
}

fn band(fraction: f32, bands: usize) -> u8 {
    ((fraction * bands as f32) as usize).min(bands - 1) as u8
}

/// Maps low-dimensional points into EMBED dimensions by a fixed random linear map with orthonormal
/// rows (distances are kept), so that the shape lies on a plane or 3-D subspace of the space.
fn embed(points: &[Vec<f32>], s: Stream) -> Vec<Vec<f32>> {
    let d = points[0].len();
    let mut rows: Vec<Vec<f32>> = Vec::new();
    for r in 0..d {
        let mut v: Vec<f32> = (0..EMBED).map(|j| s.normal((r * EMBED + j) as u32)).collect();
        for u in &rows {
            let along: f32 = v.iter().zip(u).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(u).for_each(|(a, b)| *a -= along * b);
        }
        let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
        rows.push(v.into_iter().map(|a| a / norm).collect());
    }
    points.iter().map(|p| (0..EMBED).map(|j| (0..d).map(|r| p[r] * rows[r][j]).sum()).collect()).collect()
}
