//! Data people bring, turned into a dataset: a CSV/TSV table (optionally with a label column), a .npy
//! array, or MNIST IDX images with an optional labels file (raw or .gz). Values are normalised as asked
//! (min–max over the whole array into 0..1, per-value standardisation, or as they are), rows are
//! shuffled from a seed and split into train and test. Every refusal names the file and the place.

use super::{idx, npy, table, Dataset};
use crate::error::Result;
use crate::fail;
use crate::rng::{Purpose, Rng};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The most values a dataset may hold (1 GiB as f32): beyond it the page would run out of memory.
pub const MAX_VALUES: usize = 1 << 28;
/// The most bytes a gzipped upload may unpack to.
const MAX_UNPACKED: usize = 1 << 30;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Normalise {
    /// The values as they are.
    None,
    /// (v − min) / (max − min) over the whole array: 0..1, shapes kept (bytes whose least is 0 stay
    /// bytes, divided by the largest).
    MinMax,
    /// Each value position to mean 0 and standard deviation 1 over the samples (tables of mixed units).
    Standardise,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadOptions {
    /// A table's label column: its header name or its 1-based number; empty for none.
    pub label_column: String,
    pub normalise: Normalise,
    /// Share of the (shuffled) rows held out for testing.
    pub test_fraction: f64,
    /// Seed of the shuffle before the split.
    pub seed: u32,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions { label_column: String::new(), normalise: Normalise::MinMax, test_fraction: 0.2, seed: 1 }
    }
}

/// One uploaded file: its name and contents.
pub struct File<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// The dataset in `files` (one table, one .npy, or IDX images with an optional labels file).
pub fn from_files(files: &[File], options: &UploadOptions) -> Result<Dataset> {
    if !(0.01..=0.9).contains(&options.test_fraction) {
        fail!("testFraction {} must be between 0.01 and 0.9", options.test_fraction);
    }
    let contents: Vec<Cow<[u8]>> =
        files.iter().map(|f| idx::unpacked(f.name, f.bytes, MAX_UNPACKED)).collect::<Result<_>>()?;
    let is_idx = |c: &[u8], dims: u8| c.starts_with(&[0, 0, 8, dims]);
    let name = files.first().map_or("upload", |f| f.name).to_string();
    let mut data = match (files, contents.as_slice()) {
        ([], _) => fail!("no file was given"),
        ([image_file, ..], [images, rest @ ..]) if is_idx(images, 3) => {
            let labels = match rest {
                [] => None,
                [labels] if is_idx(labels, 1) => Some((files[1].name, labels.as_ref())),
                _ => fail!("with the IDX images {}, upload at most one IDX labels file", image_file.name),
            };
            let data = idx::from_idx(&name, (image_file.name, images), labels, 1)?;
            // Bytes as they are (0..255), like a .npy of bytes: normalising is the options' job.
            Dataset { n_train: data.len(), scale: 1.0, ..data }
        }
        ([_, _, ..], _) if contents.iter().any(|c| is_idx(c, 3)) => {
            fail!("put the IDX images file first, then its labels")
        }
        ([file], [bytes]) if bytes.starts_with(b"\x93NUMPY") => from_npy(file.name, bytes)?,
        ([file], [bytes]) if bytes.len() >= 4 && bytes[..2] == [0, 0] => fail!(
            "{}: magic number {:02x?} at byte 0 is not an IDX file of unsigned bytes (00 00 08 03: images; 00 00 08 01: labels)",
            file.name,
            &bytes[..4]
        ),
        ([file], [bytes]) if bytes.iter().any(|&b| b < 0x09 || (0x0e..0x20).contains(&b)) => fail!(
            "{}: not a format this page reads (CSV or TSV text, .npy, MNIST IDX); byte {} is not text",
            file.name,
            bytes.iter().position(|&b| b < 0x09 || (0x0e..0x20).contains(&b)).unwrap()
        ),
        ([file], [bytes]) => match std::str::from_utf8(bytes) {
            Ok(text) => from_table(file.name, text, options)?,
            Err(e) => fail!(
                "{}: not a format this page reads (CSV or TSV text, .npy, MNIST IDX); byte {} is not text",
                file.name,
                e.valid_up_to()
            ),
        },
        _ => fail!("upload one table, one .npy file, or IDX images with their labels ({} files given)", files.len()),
    };
    if data.len() * data.dim() > MAX_VALUES {
        fail!(
            "{name}: {} samples × {} values is too large for the page's memory (at most {MAX_VALUES} values)",
            data.len(),
            data.dim()
        );
    }
    if data.len() < 2 {
        fail!("{name}: {} sample(s); at least 2 are needed (one to train on, one to test)", data.len());
    }
    normalise(&mut data, options.normalise);
    let data = split(data, options);
    data.validate()?;
    Ok(data)
}

fn from_npy(name: &str, bytes: &[u8]) -> Result<Dataset> {
    let array = npy::parse(name, bytes)?;
    let (n, (height, width)) =
        (array.shape[0], if array.shape.len() == 3 { (array.shape[1], array.shape[2]) } else { (1, array.shape[1]) });
    let (bytes, floats) = match array.data {
        npy::Values::Bytes(b) => (b, Vec::new()),
        npy::Values::Floats(f) => (Vec::new(), f),
    };
    Ok(Dataset { name: name.into(), height, width, bytes, scale: 1.0, floats, n_train: n, ..Dataset::default() })
}

fn from_table(name: &str, text: &str, options: &UploadOptions) -> Result<Dataset> {
    let column = options.label_column.trim();
    let label = (!column.is_empty()).then(|| match column.parse::<usize>() {
        Ok(p) => table::LabelColumn::Position(p),
        Err(_) => table::LabelColumn::Named(column.to_string()),
    });
    let t = table::parse(name, text, label.as_ref())?;
    let n = t.values.len() / t.columns;
    let (labels, classes) = class_indices(name, &t.labels)?;
    Ok(Dataset {
        name: name.into(),
        height: 1,
        width: t.columns,
        floats: t.values,
        labels,
        classes,
        n_train: n,
        ..Dataset::default()
    })
}

/// Labels as class numbers: small whole numbers as they are, anything else by sorted name.
fn class_indices(name: &str, labels: &[String]) -> Result<(Vec<u8>, usize)> {
    if labels.is_empty() {
        return Ok((Vec::new(), 0));
    }
    if let Ok(numbers) = labels.iter().map(|l| l.parse::<u8>()).collect::<std::result::Result<Vec<_>, _>>() {
        let classes = numbers.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
        return Ok((numbers, classes));
    }
    let mut names: Vec<&String> = labels.iter().collect();
    names.sort();
    names.dedup();
    if names.len() > 256 {
        fail!("{name}: the label column has {} different values; at most 256 classes are supported", names.len());
    }
    Ok((labels.iter().map(|l| names.binary_search(&l).unwrap() as u8).collect(), names.len()))
}

fn normalise(data: &mut Dataset, how: Normalise) {
    let (lo, hi) = data.value_range();
    match how {
        Normalise::None => {}
        Normalise::MinMax if data.floats.is_empty() && lo == 0.0 => data.scale = 1.0 / (hi / data.scale).max(1.0),
        Normalise::MinMax => {
            let range = if hi > lo { hi - lo } else { 1.0 };
            data.floats = values(data).into_iter().map(|v| (v - lo) / range).collect();
            data.bytes = Vec::new();
        }
        Normalise::Standardise => {
            let (n, dim) = (data.len(), data.dim());
            let mut floats = values(data);
            for j in 0..dim {
                let column = || floats.iter().skip(j).step_by(dim);
                let mean = column().map(|&v| v as f64).sum::<f64>() / n as f64;
                let var = column().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n as f64;
                let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
                floats.iter_mut().skip(j).step_by(dim).for_each(|v| *v = ((*v as f64 - mean) / sd) as f32);
            }
            data.floats = floats;
            data.bytes = Vec::new();
        }
    }
}

/// Every value as f32.
fn values(data: &Dataset) -> Vec<f32> {
    let mut out = vec![0.0; data.len() * data.dim()];
    data.gather(&(0..data.len()).collect::<Vec<_>>(), &mut out);
    out
}

/// Rows in a seeded random order, the last `test_fraction` of them (at least one) for testing.
fn split(data: Dataset, options: &UploadOptions) -> Dataset {
    let (n, dim) = (data.len(), data.dim());
    let order = Rng::new(options.seed).stream(Purpose::Shuffle, u32::MAX).permutation(n);
    let n_test = ((n as f64 * options.test_fraction).round() as usize).clamp(1, n - 1);
    let pick =
        |src: &[u8]| order.iter().flat_map(|&r| &src[r as usize * dim..(r as usize + 1) * dim]).copied().collect();
    let bytes = if data.bytes.is_empty() { Vec::new() } else { pick(&data.bytes) };
    let floats = if data.floats.is_empty() {
        Vec::new()
    } else {
        order.iter().flat_map(|&r| &data.floats[r as usize * dim..(r as usize + 1) * dim]).copied().collect()
    };
    let labels =
        if data.labels.is_empty() { Vec::new() } else { order.iter().map(|&r| data.labels[r as usize]).collect() };
    Dataset { bytes, floats, labels, n_train: n - n_test, ..data }
}
