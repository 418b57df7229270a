//! The compact binary file the page loads: a small little-endian header, the samples as bytes,
//! then the labels. MNIST-10k packs into 7.9 MB instead of the JSON's 23 MB and parses in milliseconds.
//!
//! A dataset's first slice (`first_slice`: every test row and the first training rows) packs the same
//! way: the page starts on it and fetches the whole when training begins.
//!
//! Layout: "AEPK", version u32, n u32, n_train u32, height u32, width u32, classes u32, scale f32,
//! name length u32, kind u32 (0: bytes × scale, 1: f32 values), channels u32, name (UTF-8), the
//! samples (n·height·width·channels bytes, or as many little-endian f32), n label bytes (when
//! classes > 0).

use super::Dataset;
use crate::error::Result;
use crate::fail;

const MAGIC: &[u8; 4] = b"AEPK";
const VERSION: u32 = 3;
const HEADER: usize = 44;

/// Training rows in a bundled dataset's first slice: what the first screen reads of them by position,
/// PCA's fit (`analysis::inspect::PCA_FIT_ROWS`, checked as it compiles) and the loss terms' 500 rows
/// (`www/worker/worker.js`), is in it.
pub const FIRST_TRAIN_ROWS: usize = 2000;

/// The first `train` training rows of `data` and all its test rows, in order (row i < `train` is the
/// whole's row i; test row j is the whole's test row j), so that what the engine reads of training
/// rows by position (the first rows measured, PCA's fit) is the same on both.
pub fn first_slice(data: &Dataset, train: usize) -> Result<Dataset> {
    if data.patches.is_some() || train > data.n_train {
        fail!("a first slice takes at most the {} training rows of a dataset stored row by row", data.n_train);
    }
    let dim = data.dim();
    let rows: Vec<usize> = (0..train).chain(data.test_rows()).collect();
    fn take<T: Copy>(values: &[T], rows: &[usize], dim: usize) -> Vec<T> {
        rows.iter().flat_map(|&r| values[r * dim..(r + 1) * dim].iter().copied()).collect()
    }
    Ok(Dataset {
        name: data.name.clone(),
        height: data.height,
        width: data.width,
        channels: data.channels,
        bytes: if data.bytes.is_empty() { Vec::new() } else { take(&data.bytes, &rows, dim) },
        scale: data.scale,
        floats: if data.floats.is_empty() { Vec::new() } else { take(&data.floats, &rows, dim) },
        labels: if data.labels.is_empty() { Vec::new() } else { take(&data.labels, &rows, 1) },
        classes: data.classes,
        class_names: data.class_names.clone(),
        n_train: train,
        table: data.table.clone(),
        patches: None,
    })
}

pub fn encode(data: &Dataset) -> Vec<u8> {
    let samples = data.bytes.len() + 4 * data.floats.len();
    let mut out = Vec::with_capacity(HEADER + data.name.len() + samples + data.labels.len());
    out.extend_from_slice(MAGIC);
    for v in
        [VERSION, data.len() as u32, data.n_train as u32, data.height as u32, data.width as u32, data.classes as u32]
    {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&data.scale.to_le_bytes());
    out.extend_from_slice(&(data.name.len() as u32).to_le_bytes());
    out.extend_from_slice(&u32::from(!data.floats.is_empty()).to_le_bytes());
    out.extend_from_slice(&(data.channels as u32).to_le_bytes());
    out.extend_from_slice(data.name.as_bytes());
    out.extend_from_slice(&data.bytes);
    out.extend(data.floats.iter().flat_map(|v| v.to_le_bytes()));
    out.extend_from_slice(&data.labels);
    out
}

pub fn decode(file: &[u8]) -> Result<Dataset> {
    if file.len() < HEADER {
        fail!("not a packed dataset: {} bytes is shorter than the {HEADER}-byte header", file.len());
    }
    if &file[0..4] != MAGIC {
        fail!("not a packed dataset: the file starts with {:?}, not \"AEPK\"", String::from_utf8_lossy(&file[0..4]));
    }
    let word = |i: usize| u32::from_le_bytes(file[4 * i..4 * i + 4].try_into().unwrap());
    let (version, n, n_train, height, width, classes) = (word(1), word(2), word(3), word(4), word(5), word(6));
    if version != VERSION {
        fail!("packed dataset version {version} is not supported (this build reads version {VERSION})");
    }
    let scale = f32::from_bits(word(7));
    let name_len = word(8) as usize;
    let floats = match word(9) {
        0 => false,
        1 => true,
        kind => fail!("packed dataset: sample kind {kind} is unknown (0: bytes, 1: f32)"),
    };
    let channels = word(10);
    let sizes = [n, height, width, channels, if floats { 4 } else { 1 }];
    let Some(samples) = sizes.iter().try_fold(1u64, |a, &d| a.checked_mul(d as u64)) else {
        fail!("packed dataset: its header ({n} samples of {height}×{width}×{channels}) describes more bytes than any file holds")
    };
    let labels = if classes > 0 { n as u64 } else { 0 };
    let expected = HEADER as u64 + name_len as u64 + samples + labels;
    if file.len() as u64 != expected {
        fail!(
            "packed dataset is {} bytes but its header ({n} samples of {height}×{width}×{channels}) implies {expected}: truncated or corrupt",
            file.len()
        );
    }
    let name_end = HEADER + name_len;
    let samples_end = name_end + samples as usize;
    let Ok(name) = std::str::from_utf8(&file[HEADER..name_end]) else {
        fail!("packed dataset: its name is not UTF-8");
    };
    let data = Dataset {
        name: name.to_string(),
        height: height as usize,
        width: width as usize,
        channels: channels as usize,
        bytes: if floats { Vec::new() } else { file[name_end..samples_end].to_vec() },
        scale,
        floats: if floats {
            file[name_end..samples_end].chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect()
        } else {
            Vec::new()
        },
        labels: file[samples_end..].to_vec(),
        classes: classes as usize,
        class_names: Vec::new(),
        n_train: n_train as usize,
        table: None,
        patches: None,
    };
    data.validate()?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Dataset {
        Dataset {
            name: "tiny".into(),
            height: 2,
            width: 2,
            bytes: (0..12).collect(),
            scale: 0.5,
            labels: vec![0, 1, 1],
            classes: 2,
            n_train: 2,
            ..Dataset::default()
        }
    }

    #[test]
    fn round_trips() {
        assert_eq!(decode(&encode(&tiny())).unwrap(), tiny());
        let values = Dataset { bytes: Vec::new(), floats: (0..12).map(|i| i as f32 * -0.25).collect(), ..tiny() };
        assert_eq!(decode(&encode(&values)).unwrap(), values);
        let colour = Dataset { width: 1, channels: 3, bytes: (0..18).collect(), ..tiny() };
        assert_eq!(decode(&encode(&colour)).unwrap(), colour);
    }

    #[test]
    fn rejects_bad_files_with_a_reason() {
        let good = encode(&tiny());
        assert!(decode(&good[..good.len() - 1]).unwrap_err().message.contains("truncated"));
        assert!(decode(b"PK\x03\x04 and some more bytes to pass the header length")
            .unwrap_err()
            .message
            .contains("not a packed dataset"));
        let mut bad_label = good.clone();
        *bad_label.last_mut().unwrap() = 9;
        assert!(decode(&bad_label).unwrap_err().message.contains("label 9"));
    }
}
