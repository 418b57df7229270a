//! A dataset of an image's patches, read straight out of the image: sample r is the s×s patch around
//! pixel `order[r]` (a seeded shuffle of the pixels, so that train and test rows are spread over the
//! image), its values gathered when a batch asks for them. Nothing is copied per patch, so memory
//! stays about the image's size (65,536 patches of 11×11 would otherwise be 31 MB of f32).
//! Beyond the border the image is mirrored without repeating the edge pixel ("reflect"): the pixel
//! at x = −k reads x = k, the one at x = w − 1 + k reads x = w − 1 − k.

use super::Dataset;
use crate::error::Result;
use crate::fail;
use crate::rng::{Purpose, Rng};

/// Patch sizes offered: odd, so that a patch has a centre pixel.
pub const SIZES: std::ops::RangeInclusive<usize> = 5..=21;
/// Share of the pixels whose patches train the autoencoder; the rest measure its test loss.
const TRAIN_SHARE: f64 = 0.9;

/// An image and the patch size; `order` maps sample rows to pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Patches {
    /// Row-major pixels, `channels` bytes each.
    pub image: Vec<u8>,
    pub width: usize,
    pub height: usize,
    pub size: usize,
    pub order: Vec<u32>,
    /// PCA of the patches, fitted once when segmentation first asks (it depends on the image alone).
    pub pca: std::cell::OnceCell<crate::analysis::pca::Pca>,
}

/// Mirrors a coordinate into 0..n without repeating the edge (n > the patch's half width).
fn reflect(i: isize, n: usize) -> usize {
    let n = n as isize;
    let i = if i < 0 { -i } else { i };
    (if i >= n { 2 * (n - 1) - i } else { i }) as usize
}

impl Patches {
    /// The s×s×channels patch around pixel `pixel` (y·width + x), each byte × `scale`, into `out`.
    pub fn patch(&self, pixel: usize, channels: usize, scale: f32, out: &mut [f32]) {
        let (s, r) = (self.size, (self.size / 2) as isize);
        let (px, py) = ((pixel % self.width) as isize, (pixel / self.width) as isize);
        for dy in 0..s {
            let y = reflect(py + dy as isize - r, self.height);
            for dx in 0..s {
                let x = reflect(px + dx as isize - r, self.width);
                let from = (y * self.width + x) * channels;
                let to = (dy * s + dx) * channels;
                for c in 0..channels {
                    out[to + c] = self.image[from + c] as f32 * scale;
                }
            }
        }
    }
}

/// The patch dataset of an image (`pixels` row-major, `channels` bytes each), named `name`, with an
/// optional class per pixel (`truth`, which the latent plane colours by), shuffled from `seed`.
pub fn dataset(
    name: &str,
    image: (&[u8], usize, usize, usize),
    truth: Option<&[u8]>,
    size: usize,
    seed: u32,
) -> Result<Dataset> {
    let (pixels, width, height, channels) = image;
    if !SIZES.contains(&size) || size.is_multiple_of(2) {
        fail!("patch size {size}: choose an odd size from {} to {}", SIZES.start(), SIZES.end());
    }
    if !matches!(channels, 1 | 3) {
        fail!("{name}: {channels} values per pixel; 1 (grey) or 3 (colour) are read");
    }
    if width < size || height < size || width * height > 1 << 18 {
        fail!("{name}: a {width}×{height} image; patches of {size}×{size} need at least {size}×{size}, and at most 512×512 pixels are read");
    }
    if pixels.len() != width * height * channels {
        fail!(
            "{name}: {} bytes for a {width}×{height} image of {channels} value(s) a pixel ({} expected)",
            pixels.len(),
            width * height * channels
        );
    }
    let n = width * height;
    let order = Rng::new(seed).stream(Purpose::Shuffle, u32::MAX - 1).permutation(n);
    let (labels, classes) = match truth {
        Some(t) if t.len() != n => fail!("{name}: {} classes for {n} pixels", t.len()),
        Some(t) => (order.iter().map(|&p| t[p as usize]).collect(), t.iter().max().map_or(0, |&m| m as usize + 1)),
        None => (Vec::new(), 0),
    };
    let data = Dataset {
        name: name.into(),
        height: size,
        width: size,
        channels,
        scale: 1.0 / 255.0,
        labels,
        classes,
        n_train: ((n as f64 * TRAIN_SHARE) as usize).clamp(1, n - 1),
        patches: Some(Patches { image: pixels.to_vec(), width, height, size, order, pca: Default::default() }),
        ..Dataset::default()
    };
    data.validate()?;
    Ok(data)
}
