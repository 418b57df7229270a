//! Datasets as the engine sees them: rows of bytes with one scale (value = byte × scale; images stay
//! small), or rows of f32 values (uploaded tables, synthetic manifolds), a fixed train/test split
//! (train rows first) and optional class labels.

pub mod files;
pub mod idx;
pub mod npy;
pub mod numpy_split;
pub mod pack;
pub mod patches;
pub mod reader;
pub mod scenes;
pub mod sources;
pub mod synthetic;
pub mod table;
pub mod upload;
pub mod zip;

use crate::error::Result;
use crate::fail;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub name: String,
    /// Image height and width; a non-image dataset is one row of `dim` values.
    pub height: usize,
    pub width: usize,
    /// Values per pixel: 1 (grey) or 3 (red, green and blue, side by side for each pixel).
    pub channels: usize,
    /// Row-major samples as bytes, [n, dim], each value byte × scale; empty when `floats` holds them.
    pub bytes: Vec<u8>,
    pub scale: f32,
    /// Row-major samples as values, [n, dim], for data that are not bytes; empty for byte data.
    pub floats: Vec<f32>,
    /// One label per sample, or empty when unlabeled.
    pub labels: Vec<u8>,
    pub classes: usize,
    /// The name of each class, when the data named them (a table's label text, image folders); empty
    /// when labels are numbers.
    pub class_names: Vec<String>,
    /// Rows 0..n_train train; the rest test.
    pub n_train: usize,
    /// Read from a table: its columns and which holds the labels (shown, and offered to change).
    pub table: Option<TableColumns>,
    /// An image's patches: then samples are read out of the image, and `bytes`/`floats` are empty.
    pub patches: Option<patches::Patches>,
}

/// A table's columns as the upload read them: every column's name (the header's, or "column k"),
/// and the label column's index with how it was chosen ("named like a label", "the only column of
/// text", "chosen").
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableColumns {
    pub names: Vec<String>,
    pub label: Option<usize>,
    pub label_why: Option<String>,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            name: String::new(),
            height: 0,
            width: 0,
            channels: 1,
            bytes: Vec::new(),
            scale: 0.0,
            floats: Vec::new(),
            labels: Vec::new(),
            classes: 0,
            class_names: Vec::new(),
            n_train: 0,
            table: None,
            patches: None,
        }
    }
}

impl Dataset {
    /// Whether samples are images (a table's rows are one row of values, height 1).
    pub fn is_image(&self) -> bool {
        self.height > 1
    }

    /// What a net reads from a sample.
    pub fn shape(&self) -> crate::model::architecture::Shape {
        crate::model::architecture::Shape { height: self.height, width: self.width, channels: self.channels }
    }

    /// Values per sample (saturating: `validate` refuses a shape too large to hold).
    pub fn dim(&self) -> usize {
        self.height.saturating_mul(self.width).saturating_mul(self.channels)
    }

    pub fn len(&self) -> usize {
        match &self.patches {
            Some(p) => p.order.len(),
            None => self.value_count().checked_div(self.dim()).unwrap_or(0),
        }
    }

    /// Values stored, over all samples.
    fn value_count(&self) -> usize {
        if self.floats.is_empty() {
            self.bytes.len()
        } else {
            self.floats.len()
        }
    }

    /// The smallest and largest value of any sample.
    pub fn value_range(&self) -> (f32, f32) {
        if let Some(p) = &self.patches {
            let (lo, hi) = p.image.iter().fold((u8::MAX, 0), |(lo, hi), &b| (lo.min(b), hi.max(b)));
            return (lo.min(hi) as f32 * self.scale, hi as f32 * self.scale);
        }
        if self.floats.is_empty() {
            let (lo, hi) = self.bytes.iter().fold((u8::MAX, 0), |(lo, hi), &b| (lo.min(b), hi.max(b)));
            (lo.min(hi) as f32 * self.scale, hi as f32 * self.scale)
        } else {
            self.floats.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn train_rows(&self) -> Range<usize> {
        0..self.n_train
    }

    pub fn test_rows(&self) -> Range<usize> {
        self.n_train..self.len()
    }

    /// Copy the given rows, scaled to values, into `out` ([rows.len(), dim]).
    pub fn gather(&self, rows: &[usize], out: &mut [f32]) {
        let dim = self.dim();
        assert_eq!(out.len(), rows.len() * dim, "gather: output has the wrong size");
        for (dst, &row) in out.chunks_exact_mut(dim).zip(rows) {
            if let Some(p) = &self.patches {
                p.patch(p.order[row] as usize, self.channels, self.scale, dst);
                continue;
            }
            if !self.floats.is_empty() {
                dst.copy_from_slice(&self.floats[row * dim..(row + 1) * dim]);
                continue;
            }
            let src = &self.bytes[row * dim..(row + 1) * dim];
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = s as f32 * self.scale;
            }
        }
    }

    /// Check the invariants every consumer relies on, with a message naming what is wrong.
    pub fn validate(&self) -> Result<()> {
        let dim = self.dim();
        if dim == usize::MAX {
            fail!(
                "dataset '{}': samples of {}×{}×{} values are too large to hold",
                self.name,
                self.height,
                self.width,
                self.channels
            );
        }
        if dim == 0 {
            fail!("dataset '{}': samples have no values ({}×{})", self.name, self.height, self.width);
        }
        if !matches!(self.channels, 1 | 3) {
            fail!("dataset '{}': {} values per pixel; 1 (grey) or 3 (colour) are read", self.name, self.channels);
        }
        if !self.bytes.is_empty() && !self.floats.is_empty() {
            fail!("dataset '{}': holds both bytes and values", self.name);
        }
        if let Some(p) = &self.patches {
            let pixels = p.width * p.height;
            if p.image.len() != pixels * self.channels || p.order.iter().any(|&i| i as usize >= pixels) {
                fail!("dataset '{}': its patches do not fit its {}×{} image", self.name, p.width, p.height);
            }
            if !(self.value_count() == 0
                && self.width == p.size
                && self.height == p.size
                && p.width.min(p.height) >= p.size)
            {
                fail!(
                    "dataset '{}': patches of {} in a {}×{} image as {}×{} samples",
                    self.name,
                    p.size,
                    p.width,
                    p.height,
                    self.width,
                    self.height
                );
            }
        } else if !self.value_count().is_multiple_of(dim) {
            fail!(
                "dataset '{}': {} values is not a whole number of {dim}-value samples",
                self.name,
                self.value_count()
            );
        }
        if let Some(i) = self.floats.iter().position(|v| !v.is_finite()) {
            fail!("dataset '{}': value {} of sample {} is {}", self.name, i % dim + 1, i / dim + 1, self.floats[i]);
        }
        let n = self.len();
        if self.n_train == 0 || self.n_train >= n {
            fail!(
                "dataset '{}': needs at least one train and one test sample (train {}, total {n})",
                self.name,
                self.n_train
            );
        }
        if self.floats.is_empty() && !(self.scale.is_finite() && self.scale > 0.0) {
            fail!("dataset '{}': scale {} must be a positive number", self.name, self.scale);
        }
        if !self.class_names.is_empty() && self.class_names.len() != self.classes {
            fail!("dataset '{}': {} class names for {} classes", self.name, self.class_names.len(), self.classes);
        }
        if !self.labels.is_empty() {
            if self.labels.len() != n {
                fail!("dataset '{}': {} labels for {n} samples", self.name, self.labels.len());
            }
            if let Some(&bad) = self.labels.iter().find(|&&l| l as usize >= self.classes) {
                fail!("dataset '{}': label {bad} is outside 0..{}", self.name, self.classes);
            }
        }
        Ok(())
    }

    /// How many samples carry each label.
    pub fn label_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }
}
