//! Images with exact ground truth for segmentation, made from a seed (shipped as code, not files):
//! a mosaic of Voronoi regions, each filled with its own texture at a random phase, and MNIST digits
//! over a striped background, the truth taken from the digits' own pixels. Textures share their
//! mean brightness and range, so that one pixel's value says little: a patch is needed.

use super::Dataset;
use crate::error::Result;
use crate::fail;
use crate::rng::{Purpose, Rng, Stream};
use std::f32::consts::TAU;

/// A grey image (bytes, row-major) and a class per pixel.
pub struct Scene {
    pub pixels: Vec<u8>,
    pub width: usize,
    pub height: usize,
    pub truth: Vec<u8>,
    pub class_names: Vec<String>,
}

/// The texture families a mosaic draws its regions' textures from.
const FAMILIES: [&str; 6] = ["stripes", "steep stripes", "checks", "dots", "fine noise", "coarse noise"];

/// A texture's value at (x, y) in 0..1: family `f` with parameters drawn from `s`.
fn texture(f: usize, s: Stream, x: f32, y: f32) -> f32 {
    let u = |i| s.uniform(i);
    let (lo, hi) = (0.15, 0.85);
    match f {
        0 | 1 => {
            // Stripes: near horizontal (0) or near vertical (1), period 4–7 pixels, any phase.
            let angle = if f == 0 { 0.15 } else { TAU / 4.0 - 0.15 } + 0.3 * u(0);
            let period = 4.0 + 3.0 * u(1);
            let t = (x * angle.cos() + y * angle.sin()) / period;
            0.5 + 0.35 * (TAU * t + TAU * u(2)).sin()
        }
        2 => {
            let period = 3.0 + 3.0 * u(0);
            let (cx, cy) = (((x + period * 2.0 * u(1)) / period).floor(), ((y + period * 2.0 * u(2)) / period).floor());
            if (cx + cy) as i64 % 2 == 0 {
                lo
            } else {
                hi
            }
        }
        3 => {
            // Dots on a grid, brighter than a mid-grey ground so that the mean stays near 0.5.
            let period = 6.0 + 2.0 * u(0);
            let (dx, dy) = (
                (x + period * u(1)).rem_euclid(period) - period / 2.0,
                (y + period * u(2)).rem_euclid(period) - period / 2.0,
            );
            if dx.hypot(dy) < 0.3 * period {
                0.95
            } else {
                0.35
            }
        }
        _ => {
            // Noise in square grains of 1 (fine) or 3–4 (coarse) pixels.
            let grain = if f == 4 { 1.0 } else { 3.0 + u(0) };
            let (gx, gy) = ((x / grain).floor() as u32, (y / grain).floor() as u32);
            lo + (hi - lo) * s.substream(9).uniform(gx.wrapping_mul(7919) ^ gy.wrapping_mul(104_729))
        }
    }
}

fn to_byte(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// A `size`×`size` mosaic of `regions` Voronoi regions (2 to 6), each a different texture family:
/// region k is class k. Regions smaller than a twentieth of the image are drawn again.
pub fn mosaic(seed: u32, size: usize, regions: usize) -> Result<Scene> {
    if !(2..=FAMILIES.len()).contains(&regions) || !(32..=512).contains(&size) {
        fail!("mosaic: 2 to {} regions in 32 to 512 pixels a side, not {regions} in {size}", FAMILIES.len());
    }
    let rng = Rng::new(seed);
    let families = rng.stream(Purpose::Sample, 10).permutation(FAMILIES.len());
    let (n, side) = (size * size, size as f32);
    let mut truth = vec![0u8; n];
    for attempt in 0..64u32 {
        let at = rng.stream(Purpose::Sample, 11 + attempt);
        let centres: Vec<(f32, f32)> =
            (0..regions as u32).map(|k| (side * at.uniform(2 * k), side * at.uniform(2 * k + 1))).collect();
        for (i, t) in truth.iter_mut().enumerate() {
            let (x, y) = ((i % size) as f32, (i / size) as f32);
            let nearest = (0..regions).min_by(|&a, &b| {
                let d = |k: usize| (centres[k].0 - x).hypot(centres[k].1 - y);
                d(a).total_cmp(&d(b))
            });
            *t = nearest.unwrap_or(0) as u8;
        }
        let mut counts = vec![0; regions];
        truth.iter().for_each(|&t| counts[t as usize] += 1);
        if counts.iter().all(|&c| c * 20 >= n) {
            break;
        }
    }
    let noise = rng.stream(Purpose::Sample, 9);
    let pixels = (0..n)
        .map(|i| {
            let k = truth[i] as usize;
            let v = texture(
                families[k] as usize,
                rng.stream(Purpose::Sample, 100 + k as u32),
                (i % size) as f32,
                (i / size) as f32,
            );
            to_byte(v + 0.04 * noise.normal(i as u32))
        })
        .collect();
    let class_names = (0..regions).map(|k| FAMILIES[families[k] as usize].to_string()).collect();
    Ok(Scene { pixels, width: size, height: size, truth, class_names })
}

/// A grid of `grid`×`grid` MNIST digits (test samples of `digits`, 28×28 each) over stripes of random
/// angle and period: the digits' strokes (class 1, where a digit's pixel is over ½) against the
/// background (class 0). Strokes are bright, and so are the stripes' crests: brightness alone does
/// not tell them apart.
pub fn digits_on_stripes(seed: u32, digits: &Dataset, grid: usize) -> Result<Scene> {
    if digits.width != 28 || digits.height != 28 || digits.channels != 1 || digits.test_rows().len() < grid * grid {
        fail!("digits on stripes: needs MNIST's 28×28 grey digits");
    }
    if !(1..=8).contains(&grid) {
        fail!("digits on stripes: a grid of 1 to 8 digits a side, not {grid}");
    }
    let rng = Rng::new(seed);
    let pick = rng.stream(Purpose::Sample, 20);
    let test = digits.test_rows();
    let rows: Vec<usize> =
        (0..(grid * grid) as u32).map(|i| test.start + pick.below(i, test.len() as u32) as usize).collect();
    let mut values = vec![0.0; rows.len() * 784];
    digits.gather(&rows, &mut values);
    let size = 28 * grid;
    let stripes = rng.stream(Purpose::Sample, 21);
    let noise = rng.stream(Purpose::Sample, 22);
    let mut pixels = Vec::with_capacity(size * size);
    let mut truth = Vec::with_capacity(size * size);
    for i in 0..size * size {
        let (x, y) = (i % size, i / size);
        let digit = values[(y / 28 * grid + x / 28) * 784 + (y % 28) * 28 + x % 28];
        let ground = texture(0, stripes, x as f32, y as f32) + 0.05;
        let v = if digit > 0.5 { 0.9 } else { ground };
        pixels.push(to_byte(v + 0.04 * noise.normal(i as u32)));
        truth.push(u8::from(digit > 0.5));
    }
    Ok(Scene { pixels, width: size, height: size, truth, class_names: vec!["background".into(), "stroke".into()] })
}
