//! Patch-wise segmentation, the texts' application: an autoencoder trained on an image's patches
//! without labels, a classifier on the codes of the few pixels a person labelled, and a class for
//! every pixel from the patch centred on it. Two baselines get the same labelled pixels and the same
//! classifier: the raw patch values, and PCA of the code's width.
//!
//! A texture at a random phase gives each patch a different code, so a pixel's features may be the
//! mean of the codes around it over a window (1: its own patch alone, the lecture's literal recipe).
//! Averaging is where the code's nonlinearity tells: the mean of sigmoid units measures how much of
//! each unit's pattern is there whatever its phase, while the mean of linear features (raw values,
//! PCA) is only the local brightness. Measured on mosaics 11 and 12 (128², 4 textures, 20 labels a
//! class; tests/segment.rs), the window chosen on mosaics 101–103: the code's pixel accuracy 0.32 and
//! 0.43 with each patch alone, 0.85 and 0.95 over 21 pixels; raw patches 0.36/0.37 and 0.41/0.55.
//!
//! The classifier is a ridge regression onto one-hot classes, solved exactly (`ridge.rs`). Patches
//! are read out of the image in chunks: no array of all patches is ever held (the codes of all
//! pixels are, at the code's width, to be averaged).

use crate::analysis::pca::Pca;
use crate::analysis::ridge::Ridge;
use crate::data::patches::Patches;
use crate::error::{Error, Result};
use crate::fail;
use crate::model::net::{Net, Trace};
use crate::rng::{Purpose, Rng};
use crate::train::few_labels::{fine_tune, HeadConfig};
use crate::train::session::Session;

/// Windows the features may be averaged over (odd); the page's default is 21, about twice its patch.
pub const WINDOWS: std::ops::RangeInclusive<usize> = 1..=41;

/// The most labelled pixels the classifier takes (a seeded sample of them beyond).
const MAX_LABELLED: usize = 4000;
/// Pixels whose patches PCA is fitted on.
const PCA_FIT: usize = 2000;
/// Pixels classified at once.
const CHUNK: usize = 4096;
pub const MAX_CLASSES: usize = 8;
/// The most steps the encoder may be fine-tuned through the classifier at each segmentation.
pub const MAX_FINE_TUNE: usize = 2000;

/// A labelled pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scribble {
    pub x: u32,
    pub y: u32,
    pub label: u8,
}

/// One method's map: a class per pixel, row-major, and where the image has a truth its pixel
/// accuracy and mean IoU over the pixels nobody labelled.
#[derive(Clone, Debug)]
pub struct Map {
    pub classes: Vec<u8>,
    pub accuracy: Option<f64>,
    pub mean_iou: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct Segmentation {
    pub width: usize,
    pub height: usize,
    /// The number of classes (the largest label + 1).
    pub class_count: usize,
    /// The autoencoder's code, the raw patch values, PCA of the code's width.
    pub code: Map,
    pub raw_pixels: Map,
    pub pca: Map,
}

/// Pixel accuracy and mean IoU of `predicted` against `truth`, over the pixels `counted` keeps. IoU is
/// averaged over the classes present in the truth or the prediction there.
pub fn scores(predicted: &[u8], truth: &[u8], counted: impl Fn(usize) -> bool) -> (f64, f64) {
    let classes = truth.iter().chain(predicted).max().map_or(0, |&m| m as usize + 1);
    let (mut hits, mut total) = (0usize, 0usize);
    let (mut inter, mut union) = (vec![0usize; classes], vec![0usize; classes]);
    for (_, (&p, &t)) in predicted.iter().zip(truth).enumerate().filter(|(i, _)| counted(*i)) {
        total += 1;
        hits += usize::from(p == t);
        if p == t {
            inter[p as usize] += 1;
            union[p as usize] += 1;
        } else {
            union[p as usize] += 1;
            union[t as usize] += 1;
        }
    }
    let present: Vec<f64> = (0..classes).filter(|&c| union[c] > 0).map(|c| inter[c] as f64 / union[c] as f64).collect();
    (hits as f64 / total.max(1) as f64, present.iter().sum::<f64>() / present.len().max(1) as f64)
}

/// How each method turns pixels into features.
enum Features<'a> {
    Code(&'a Net<f32>),
    Raw,
    Pca(&'a Pca, usize),
}

impl Session {
    fn patches(&self) -> Result<&Patches> {
        self.data
            .patches
            .as_ref()
            .ok_or_else(|| Error::new("segmentation needs an image's patches: load an image for segmentation first"))
    }

    /// The patches of `pixels` (y·width + x) in `source`, [pixels.len(), patch values].
    fn patch_values(&self, source: &Patches, pixels: &[usize]) -> Vec<f32> {
        let dim = self.data.dim();
        let mut out = vec![0.0; pixels.len() * dim];
        for (dst, &pixel) in out.chunks_exact_mut(dim).zip(pixels) {
            source.patch(pixel, self.data.channels, self.data.scale, dst);
        }
        out
    }

    /// The features of `pixels`' patches in `source`, [pixels.len(), d], and d.
    fn features(&self, source: &Patches, how: &Features, pixels: &[usize]) -> (Vec<f32>, usize) {
        let x = self.patch_values(source, pixels);
        let dim = self.data.dim();
        match how {
            Features::Raw => (x, dim),
            Features::Code(encoder) => {
                let mut tr = Trace::default();
                encoder.forward(&mut tr, &x, pixels.len(), None);
                (tr.outs.pop().unwrap_or_default(), encoder.output_width())
            }
            Features::Pca(pca, k) => {
                let basis = pca.basis(*k);
                let codes = x
                    .chunks_exact(dim)
                    .flat_map(|row| {
                        (0..*k).map(move |c| {
                            let u = &basis[c * dim..(c + 1) * dim];
                            row.iter().zip(u).zip(&pca.mean).map(|((&v, &u), &m)| (v as f64 - m) * u).sum::<f64>()
                                as f32
                        })
                    })
                    .collect();
                (codes, *k)
            }
        }
    }

    /// The map of one method: its classifier fitted on the labelled pixels, then every pixel. With a
    /// window, the code's features are the mean of the codes around each pixel (all pixels' codes are
    /// held, at the code's width); a linear method's mean features are its features of the image
    /// averaged over the window, read in chunks like the patches themselves.
    /// `is_labelled` marks every painted pixel (the classifier may see a sample of them): the scores
    /// count the others.
    #[allow(clippy::too_many_arguments)]
    fn map(
        &self,
        how: &Features,
        labelled: &[(usize, u8)],
        is_labelled: &[bool],
        classes: usize,
        window: usize,
        truth: Option<&[u8]>,
    ) -> Result<Map> {
        let labels: Vec<u8> = labelled.iter().map(|&(_, l)| l).collect();
        let pixels_of = |list: &[(usize, u8)]| list.iter().map(|&(p, _)| p).collect::<Vec<_>>();
        let p = self.patches()?;
        let n = p.width * p.height;
        let chunks = || (0..n).step_by(CHUNK).map(move |start| (start..(start + CHUNK).min(n)).collect::<Vec<usize>>());
        let map = if let Features::Code(_) = how {
            let mut all = Vec::new();
            let mut d = 0;
            for chunk in chunks() {
                let (x, width) = self.features(p, how, &chunk);
                all.extend(x);
                d = width;
            }
            let all = if window > 1 { box_mean(&all, p.width, p.height, d, window) } else { all };
            let x: Vec<f32> = labelled.iter().flat_map(|&(px, _)| all[px * d..(px + 1) * d].to_vec()).collect();
            Ridge::fit(&x, &labels, d, classes)?.predict(&all, d)
        } else {
            let blurred;
            let source = if window > 1 {
                let image: Vec<f32> = p.image.iter().map(|&b| b as f32).collect();
                let mean = box_mean(&image, p.width, p.height, self.data.channels, window);
                blurred = Patches { image: mean.iter().map(|&v| v.round() as u8).collect(), ..p.clone() };
                &blurred
            } else {
                p
            };
            let (x, d) = self.features(source, how, &pixels_of(labelled));
            let ridge = Ridge::fit(&x, &labels, d, classes)?;
            chunks()
                .flat_map(|chunk| {
                    let (x, d) = self.features(source, how, &chunk);
                    ridge.predict(&x, d)
                })
                .collect()
        };
        let (accuracy, mean_iou) = match truth {
            Some(t) => {
                let (a, iou) = scores(&map, t, |i| !is_labelled[i]);
                (Some(a), Some(iou))
            }
            None => (None, None),
        };
        Ok(Map { classes: map, accuracy, mean_iou })
    }

    /// The image's truth in pixel order, when it has one.
    fn truth(&self) -> Option<Vec<u8>> {
        let p = self.data.patches.as_ref()?;
        if self.data.labels.is_empty() {
            return None;
        }
        let mut truth = vec![0u8; p.order.len()];
        for (row, &pixel) in p.order.iter().enumerate() {
            truth[pixel as usize] = self.data.labels[row];
        }
        Some(truth)
    }

    /// The encoder trained further through a softmax head on the labelled pixels' patches (the
    /// lecture's optional step, as the Few labels panel fine-tunes): about `steps` steps of the head,
    /// then as many of both. The model itself is not changed.
    fn fine_tuned(&self, labelled: &[(usize, u8)], classes: usize, steps: usize) -> Result<Net<f32>> {
        let p = self.patches()?;
        let encoder = self.encoder();
        // The patch dataset with the painted classes as its labels, its rows the labelled pixels'.
        let mut row_of = vec![0usize; p.order.len()];
        p.order.iter().enumerate().for_each(|(row, &pixel)| row_of[pixel as usize] = row);
        let mut labels = vec![0u8; p.order.len()];
        let rows: Vec<usize> = labelled
            .iter()
            .map(|&(pixel, l)| {
                labels[row_of[pixel]] = l;
                row_of[pixel]
            })
            .collect();
        let data = crate::Dataset { labels, classes, ..(*self.data).clone() };
        let batch_size = rows.len().min(64);
        let head = HeadConfig {
            labels_per_class: 0,
            hidden: 0,
            epochs: (steps / (rows.len() / batch_size).max(1)).max(1),
            learning_rate: self.config.learning_rate,
            weight_decay: 0.0,
            batch_size,
            seed: self.config.seed,
        };
        let tuned = fine_tune(&data, &encoder, rows, &head)?.net();
        Ok(crate::model::architecture::encoder(&tuned, encoder.ops.len() - 1))
    }

    /// Segments the image: the three methods' maps from the labelled pixels `scribbles` (the last label
    /// of a pixel counts), each pixel's features averaged over the `window`×`window` pixels around it
    /// (1: its own patch alone). With `fine_tune` steps, the code is the encoder's once trained further
    /// through a classifier on the labelled patches. Needs labels of two classes or more.
    pub fn segment(&self, scribbles: &[Scribble], window: usize, fine_tune: usize) -> Result<Segmentation> {
        let p = self.patches()?;
        if !WINDOWS.contains(&window) || window.is_multiple_of(2) {
            fail!("segment: the window is an odd number of pixels from 1 to {}, not {window}", WINDOWS.end());
        }
        let (w, h) = (p.width, p.height);
        let mut label_of = vec![u8::MAX; w * h];
        for s in scribbles {
            if s.x as usize >= w || s.y as usize >= h {
                fail!("segment: pixel ({}, {}) is outside the {w}×{h} image", s.x, s.y);
            }
            if s.label as usize >= MAX_CLASSES {
                fail!("segment: label {} — use classes 0 to {}", s.label, MAX_CLASSES - 1);
            }
            label_of[s.y as usize * w + s.x as usize] = s.label;
        }
        let is_labelled: Vec<bool> = label_of.iter().map(|&l| l != u8::MAX).collect();
        let mut labelled: Vec<(usize, u8)> =
            label_of.iter().enumerate().filter(|(_, &l)| l != u8::MAX).map(|(i, &l)| (i, l)).collect();
        let classes = labelled.iter().map(|&(_, l)| l as usize + 1).max().unwrap_or(0);
        let mut present = vec![false; classes];
        labelled.iter().for_each(|&(_, l)| present[l as usize] = true);
        if present.iter().filter(|&&p| p).count() < 2 {
            fail!("segment: label pixels of at least two classes");
        }
        if labelled.len() > MAX_LABELLED {
            let order = Rng::new(self.config.seed).stream(Purpose::Shuffle, 7).permutation(labelled.len());
            let mut kept: Vec<(usize, u8)> = order[..MAX_LABELLED].iter().map(|&i| labelled[i as usize]).collect();
            kept.sort_unstable();
            labelled = kept;
        }
        let truth = self.truth();
        if fine_tune > MAX_FINE_TUNE {
            fail!("segment: fine-tune for 0 to {MAX_FINE_TUNE} steps, not {fine_tune}");
        }
        let encoder = if fine_tune > 0 { self.fine_tuned(&labelled, classes, fine_tune)? } else { self.encoder() };
        let k = encoder.output_width().min(self.data.dim());
        // PCA depends on the image alone: fitted once, on a fixed sample of its patches.
        let pca = match p.pca.get() {
            Some(pca) => pca,
            None => {
                let rows: Vec<usize> = Rng::new(1)
                    .stream(Purpose::Shuffle, 8)
                    .permutation(w * h)
                    .into_iter()
                    .take(PCA_FIT)
                    .map(|i| i as usize)
                    .collect();
                let fitted = Pca::fit(&self.patch_values(p, &rows), rows.len(), self.data.dim())?;
                p.pca.get_or_init(|| fitted)
            }
        };
        Ok(Segmentation {
            width: w,
            height: h,
            class_count: classes,
            code: self.map(&Features::Code(&encoder), &labelled, &is_labelled, classes, window, truth.as_deref())?,
            raw_pixels: self.map(&Features::Raw, &labelled, &is_labelled, classes, window, truth.as_deref())?,
            pca: self.map(&Features::Pca(pca, k), &labelled, &is_labelled, classes, window, truth.as_deref())?,
        })
    }
}

/// Each pixel's `d` values averaged over the `window`×`window` pixels around it (clipped at the
/// image's edges), from a summed-area table: four reads a value.
fn box_mean(values: &[f32], w: usize, h: usize, d: usize, window: usize) -> Vec<f32> {
    let r = (window / 2) as isize;
    let at = |y: usize, x: usize, f: usize| (y * (w + 1) + x) * d + f;
    let mut table = vec![0f64; (w + 1) * (h + 1) * d];
    for y in 0..h {
        for x in 0..w {
            for f in 0..d {
                table[at(y + 1, x + 1, f)] =
                    values[(y * w + x) * d + f] as f64 + table[at(y, x + 1, f)] + table[at(y + 1, x, f)]
                        - table[at(y, x, f)];
            }
        }
    }
    let span = |i: usize, n: usize| ((i as isize - r).max(0) as usize, ((i as isize + r + 1) as usize).min(n));
    let mut out = vec![0f32; w * h * d];
    for y in 0..h {
        let (y0, y1) = span(y, h);
        for x in 0..w {
            let (x0, x1) = span(x, w);
            let area = ((y1 - y0) * (x1 - x0)) as f64;
            for f in 0..d {
                let sum = table[at(y1, x1, f)] - table[at(y0, x1, f)] - table[at(y1, x0, f)] + table[at(y0, x0, f)];
                out[(y * w + x) * d + f] = (sum / area) as f32;
            }
        }
    }
    out
}
