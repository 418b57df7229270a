//! Data people bring, turned into a dataset: a CSV/TSV table (optionally with a label column), a .npy
//! array, or MNIST IDX images with an optional labels file (raw or .gz). Values are normalised as asked
//! (min–max over the whole array into 0..1, per-value standardisation, or as they are), rows are
//! shuffled from a seed and split into train and test. Every refusal names the file and the place.

use super::{idx, npy, table, Dataset, TableColumns};
use crate::error::{Error, Result};
use crate::fail;
use crate::rng::{Purpose, Rng};
use serde::{Deserialize, Serialize};

/// The most values a dataset may hold (1 GiB as f32): beyond it the page would run out of memory.
pub const MAX_VALUES: usize = 1 << 28;
/// The most bytes a gzipped upload may unpack to.
pub const MAX_UNPACKED: usize = 1 << 30;

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
    /// A table's label column: its header name or its 1-based number, "none", or empty (or "auto") to
    /// find it: a column named like a label, else the only column of text.
    pub label_column: String,
    pub normalise: Normalise,
    /// Share of the (shuffled) rows held out for testing.
    pub test_fraction: f64,
    /// Seed of the shuffle before the split.
    pub seed: u32,
    /// Names of the label values 0, 1, … (an image upload's folders); empty to keep a table's own.
    pub class_names: Vec<String>,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            label_column: String::new(),
            normalise: Normalise::MinMax,
            test_fraction: 0.2,
            seed: 1,
            class_names: Vec::new(),
        }
    }
}

/// One uploaded file: its name and contents.
pub struct File<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// One uploaded file, unpacked (gunzipped) already: its name and contents.
pub struct Unpacked {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The dataset in `files` (one table, one .npy, or IDX images with an optional labels file).
pub fn from_files(files: &[File], options: &UploadOptions) -> Result<Dataset> {
    let unpack = |f: &File| {
        Ok(Unpacked { name: f.name.to_string(), bytes: idx::unpacked(f.name, f.bytes, MAX_UNPACKED)?.into_owned() })
    };
    from_unpacked(files.iter().map(unpack).collect::<Result<_>>()?, options)
}

/// The dataset in unpacked `files`, taking over their bytes (IDX pixels stay where they are).
pub fn from_unpacked(files: Vec<Unpacked>, options: &UploadOptions) -> Result<Dataset> {
    if !(0.01..=0.9).contains(&options.test_fraction) {
        fail!("testFraction {} must be between 0.01 and 0.9", options.test_fraction);
    }
    let is_images = |c: &[u8]| c.starts_with(&[0, 0, 8, 3]) || c.starts_with(&[0, 0, 8, 4]);
    let is_labels = |c: &[u8]| c.starts_with(&[0, 0, 8, 1]);
    let name = files.first().map_or("upload", |f| &f.name).to_string();
    let mut data = match files.as_slice() {
        [] => fail!("no file was given"),
        [images, rest @ ..] if is_images(&images.bytes) => {
            if rest.len() > 1 || rest.iter().any(|l| !is_labels(&l.bytes)) {
                fail!("with the IDX images {}, upload at most one IDX labels file", images.name);
            }
            let mut files = files.into_iter().map(|f| (f.name, f.bytes));
            let (images, labels) = (files.next().unwrap(), files.next());
            let data = idx::from_idx_bytes(&name, images, labels, 1)?;
            // Bytes as they are (0..255), like a .npy of bytes: normalising is the options' job.
            Dataset { n_train: data.len(), scale: 1.0, ..data }
        }
        [_, _, ..] if files.iter().any(|f| is_images(&f.bytes)) => {
            fail!("put the IDX images file first, then its labels")
        }
        [file] => from_single(&file.name, &file.bytes, options)?,
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
    name_classes(&mut data, &options.class_names)?;
    normalise(&mut data, options.normalise);
    split(&mut data, options);
    data.validate()?;
    Ok(data)
}

/// A file on its own: a .npy array or a CSV/TSV table.
fn from_single(name: &str, bytes: &[u8], options: &UploadOptions) -> Result<Dataset> {
    let not_text = |at: usize| {
        Error::new(format!(
            "{name}: not a format this page reads (CSV or TSV text, .npy, MNIST IDX); byte {at} is not text"
        ))
    };
    if bytes.starts_with(b"\x93NUMPY") {
        return from_npy(name, bytes);
    }
    if bytes.len() >= 4 && bytes[..2] == [0, 0] {
        fail!(
            "{name}: magic number {:02x?} at byte 0 is not an IDX file of unsigned bytes (00 00 08 03: images, 00 00 08 04: colour images, 00 00 08 01: labels)",
            &bytes[..4]
        );
    }
    if let Some(at) = bytes.iter().position(|&b| b < 0x09 || (0x0e..0x20).contains(&b)) {
        return Err(not_text(at));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => from_table(name, text, options),
        Err(e) => Err(not_text(e.valid_up_to())),
    }
}

/// Names given with the upload (image folders) for the label values 0, 1, …
fn name_classes(data: &mut Dataset, names: &[String]) -> Result<()> {
    if names.is_empty() {
        return Ok(());
    }
    if data.labels.is_empty() || data.classes > names.len() {
        fail!("{}: {} class names given for {} classes", data.name, names.len(), data.classes);
    }
    data.classes = names.len();
    data.class_names = names.to_vec();
    Ok(())
}

fn from_npy(name: &str, bytes: &[u8]) -> Result<Dataset> {
    let array = npy::parse(name, bytes)?;
    let (n, height, width, channels) = match array.shape[..] {
        [n, values] => (n, 1, values, 1),
        [n, height, width] => (n, height, width, 1),
        [n, height, width, channels, ..] => (n, height, width, channels),
        _ => unreachable!("npy::parse gives 2 to 4 dimensions"),
    };
    let (bytes, floats) = match array.data {
        npy::Values::Bytes(b) => (b, Vec::new()),
        npy::Values::Floats(f) => (Vec::new(), f),
    };
    Ok(Dataset {
        name: name.into(),
        height,
        width,
        channels,
        bytes,
        scale: 1.0,
        floats,
        n_train: n,
        ..Dataset::default()
    })
}

fn from_table(name: &str, text: &str, options: &UploadOptions) -> Result<Dataset> {
    let column = options.label_column.trim();
    let label = match column {
        "" | "auto" => table::LabelColumn::Auto,
        "none" => table::LabelColumn::None,
        _ => match column.parse::<usize>() {
            Ok(p) => table::LabelColumn::Position(p),
            Err(_) => table::LabelColumn::Named(column.to_string()),
        },
    };
    let t = table::parse(name, text, &label)?;
    let width = t.columns + usize::from(t.label.is_some());
    let names = match &t.header {
        Some(h) => h.clone(),
        None => (1..=width).map(|k| format!("column {k}")).collect(),
    };
    let columns = TableColumns { names, label: t.label.map(|l| l.0), label_why: t.label.map(|l| l.1.to_string()) };
    let n = t.values.len() / t.columns;
    let (labels, class_names) = class_indices(name, &t.labels)?;
    let classes = if class_names.is_empty() {
        labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0)
    } else {
        class_names.len()
    };
    Ok(Dataset {
        name: name.into(),
        height: 1,
        width: t.columns,
        floats: t.values,
        labels,
        classes,
        class_names,
        n_train: n,
        table: Some(columns),
        ..Dataset::default()
    })
}

/// Labels as class numbers: small whole numbers as they are (no names), anything else numbered in
/// sorted order, with those names.
fn class_indices(name: &str, labels: &[String]) -> Result<(Vec<u8>, Vec<String>)> {
    if let Ok(numbers) = labels.iter().map(|l| l.parse::<u8>()).collect::<std::result::Result<Vec<_>, _>>() {
        return Ok((numbers, Vec::new()));
    }
    let mut names: Vec<&String> = labels.iter().collect();
    names.sort();
    names.dedup();
    if names.len() > 256 {
        fail!("{name}: the label column has {} different values; at most 256 classes are supported", names.len());
    }
    let numbers = labels.iter().map(|l| names.binary_search(&l).unwrap() as u8).collect();
    Ok((numbers, names.into_iter().cloned().collect()))
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

/// Rows in a seeded random order, the last `test_fraction` of them (at least one) for testing. The
/// rows are moved in place, so a large upload is not held twice.
fn split(data: &mut Dataset, options: &UploadOptions) {
    let (n, dim) = (data.len(), data.dim());
    let order: Vec<usize> = Rng::new(options.seed)
        .stream(Purpose::Shuffle, u32::MAX)
        .permutation(n)
        .into_iter()
        .map(|r| r as usize)
        .collect();
    permute_rows(&mut data.bytes, dim, &order);
    permute_rows(&mut data.floats, dim, &order);
    permute_rows(&mut data.labels, 1, &order);
    let n_test = ((n as f64 * options.test_fraction).round() as usize).clamp(1, n - 1);
    data.n_train = n - n_test;
}

/// Puts row `order[i]` of `rows` (rows of `width` values) at row i, in place: each cycle of the
/// permutation is followed once, with one row aside.
fn permute_rows<T: Copy + Default>(rows: &mut [T], width: usize, order: &[usize]) {
    if rows.is_empty() {
        return;
    }
    let mut placed = vec![false; order.len()];
    let mut aside = vec![T::default(); width];
    for start in 0..order.len() {
        if placed[start] {
            continue;
        }
        aside.copy_from_slice(&rows[start * width..(start + 1) * width]);
        let mut at = start;
        loop {
            placed[at] = true;
            let from = order[at];
            if from == start {
                rows[at * width..(at + 1) * width].copy_from_slice(&aside);
                break;
            }
            rows.copy_within(from * width..(from + 1) * width, at * width);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute_rows;

    #[test]
    fn rows_move_in_place_as_a_gather_would() {
        let order = [3, 0, 4, 1, 2, 5];
        let rows: Vec<u32> = (0..12).collect();
        let gathered: Vec<u32> = order.iter().flat_map(|&r| rows[2 * r..2 * r + 2].to_vec()).collect();
        let mut moved = rows.clone();
        permute_rows(&mut moved, 2, &order);
        assert_eq!(moved, gathered);
    }
}
