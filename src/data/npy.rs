//! NumPy's .npy files (format versions 1–3): unsigned bytes, float32 or float64, C order, 2-D
//! (samples × values), 3-D (samples × height × width) or 4-D (… × channels, 1 or 3). Errors name the
//! file and the byte offset.

use crate::error::Result;
use crate::fail;

/// An array read from a .npy file: its shape and its values, bytes kept as bytes.
#[derive(Debug, PartialEq)]
pub struct Array {
    pub shape: Vec<usize>,
    pub data: Values,
}

#[derive(Debug, PartialEq)]
pub enum Values {
    Bytes(Vec<u8>),
    Floats(Vec<f32>),
}

/// The value of `key` in the header's Python dict literal, e.g. `'descr': '<f4'` → `'<f4'`.
fn entry<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let start = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[start..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') { rest.find(')')? + 1 } else { rest.find([',', '}']).unwrap_or(rest.len()) };
    Some(rest[..end].trim())
}

pub fn parse(name: &str, file: &[u8]) -> Result<Array> {
    if !file.starts_with(b"\x93NUMPY") {
        fail!("{name}: not a .npy file (byte 0 does not start the magic \\x93NUMPY)");
    }
    if file.len() < 10 {
        fail!("{name}: {} bytes is too short for a .npy header", file.len());
    }
    let (len_bytes, start) = match file[6] {
        1 => (2, 10),
        2 | 3 => (4, 12),
        v => fail!("{name}: .npy format version {v} at byte 6 is not supported (1 to 3 are)"),
    };
    if file.len() < start {
        fail!("{name}: truncated in the header length at byte 8");
    }
    let header_len = file[8..8 + len_bytes].iter().rev().fold(0usize, |acc, &b| (acc << 8) | b as usize);
    let data_start = start + header_len;
    if file.len() < data_start {
        fail!("{name}: the header says it runs to byte {data_start} but the file has {} bytes", file.len());
    }
    let Ok(header) = std::str::from_utf8(&file[start..data_start]) else {
        fail!("{name}: the header at byte {start} is not text");
    };
    let descr = entry(header, "descr").map(|d| d.trim_matches(|c| c == '\'' || c == '"'));
    let width = match descr {
        Some("|u1" | "<u1" | "u1") => 1,
        Some("<f4") => 4,
        Some("<f8") => 8,
        other => fail!(
            "{name}: element type {} is not supported (uint8, little-endian float32 or float64 are); convert with .astype(np.float32)",
            other.unwrap_or("(none)")
        ),
    };
    if entry(header, "fortran_order") == Some("True") {
        fail!("{name}: the array is in Fortran order; save np.ascontiguousarray(a) instead");
    }
    let Some(shape_text) = entry(header, "shape") else { fail!("{name}: the header has no shape") };
    let shape: Vec<usize> = shape_text
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| crate::error::Error::new(format!("{name}: the shape {shape_text} is not a list of sizes")))?;
    if !(2..=4).contains(&shape.len()) {
        fail!("{name}: shape {shape_text} has {} dimensions; 2 (samples × values), 3 (samples × height × width) or 4 (… × channels) are needed", shape.len());
    }
    if shape.len() == 4 && !matches!(shape[3], 1 | 3) {
        fail!("{name}: shape {shape_text} has {} values per pixel; 1 (grey) or 3 (colour) are read", shape[3]);
    }
    let Some(count) =
        shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).filter(|c| c.checked_mul(width).is_some())
    else {
        fail!("{name}: shape {shape_text} describes more values than any file holds");
    };
    let payload = &file[data_start..];
    if payload.len() != count * width {
        fail!(
            "{name}: shape {shape_text} needs {} bytes of data from byte {data_start}, but the file has {}{}",
            count * width,
            payload.len(),
            if payload.len() < count * width { " (truncated?)" } else { "" }
        );
    }
    let data = match width {
        1 => Values::Bytes(payload.to_vec()),
        4 => Values::Floats(payload.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect()),
        _ => {
            Values::Floats(payload.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap()) as f32).collect())
        }
    };
    if let Values::Floats(values) = &data {
        let inner = count / shape[0].max(1);
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            fail!(
                "{name}: sample {}, value {} (byte {}) is {}; NaN and infinity are not allowed",
                i / inner + 1,
                i % inner + 1,
                data_start + i * width,
                values[i]
            );
        }
    }
    Ok(Array { shape, data })
}

/// A .npy file (format version 1) of element type `descr` (e.g. "<f4") and `shape` (e.g. "(2, 3)")
/// holding `payload`, the header padded to 64 bytes as NumPy writes it.
pub fn write(descr: &str, shape: &str, payload: &[u8]) -> Vec<u8> {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    file.extend((header.len() as u16).to_le_bytes());
    file.extend(header.as_bytes());
    file.extend(payload);
    file
}

#[cfg(test)]
mod tests {
    use super::{parse, write as npy, Values};

    #[test]
    fn reads_bytes_floats_and_doubles() {
        assert_eq!(parse("a", &npy("|u1", "(2, 3)", &[1, 2, 3, 4, 5, 6])).unwrap().shape, vec![2, 3]);
        assert_eq!(parse("a", &npy("|u1", "(1, 1, 2, 3)", &[1, 2, 3, 4, 5, 6])).unwrap().shape, vec![1, 1, 2, 3]);
        let floats: Vec<u8> = [0.5f32, -1.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(parse("a", &npy("<f4", "(1, 1, 2)", &floats)).unwrap().data, Values::Floats(vec![0.5, -1.0]));
        let doubles: Vec<u8> = [0.25f64, 2.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(parse("a", &npy("<f8", "(2, 1)", &doubles)).unwrap().data, Values::Floats(vec![0.25, 2.0]));
    }

    #[test]
    fn bad_files_say_what_and_where() {
        let message = |file: &[u8]| parse("x.npy", file).unwrap_err().message;
        assert!(message(b"PK\x03\x04").contains("not a .npy file"));
        assert!(message(&npy("<i8", "(1, 1)", &[0; 8])).contains("element type <i8 is not supported"));
        assert!(message(&npy("|u1", "(6,)", &[0; 6])).contains("has 1 dimensions"));
        assert!(message(&npy("|u1", "(1, 1, 2, 4)", &[0; 8])).contains("has 4 values per pixel"));
        let short = npy("|u1", "(2, 3)", &[0; 5]);
        let m = message(&short);
        let start = short.len() - 5; // where the data begin
        assert!(m.contains(&format!("needs 6 bytes of data from byte {start}")) && m.contains("truncated"), "{m}");
        let nan: Vec<u8> = [1.0f32, f32::NAN].iter().flat_map(|v| v.to_le_bytes()).collect();
        let file = npy("<f4", "(1, 2)", &nan);
        let m = message(&file);
        assert!(m.contains(&format!("sample 1, value 2 (byte {}) is NaN", file.len() - 4)), "{m}");
    }
}
