//! MNIST's IDX format (raw or gzip): an images file (magic 0x00000803: u8, n × rows × cols; or
//! 0x00000804: n × rows × cols × channels, 1 or 3 of them, for colour) and an optional labels file
//! (magic 0x00000801: u8, n). Errors name the file and the byte offset.

use super::Dataset;
use crate::error::{Error, Result};
use crate::fail;
use std::borrow::Cow;
use std::io::Read;

/// The file's bytes, gunzipped when they start with the gzip magic; refused when they unpack to more
/// than `limit` bytes (a small .gz can expand past any memory).
pub fn unpacked<'a>(name: &str, bytes: &'a [u8], limit: usize) -> Result<Cow<'a, [u8]>> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::new(format!("{name}: the gzip data are corrupt ({e})")))?;
    if out.len() > limit {
        fail!("{name}: unpacks to more than {limit} bytes, more than the page can hold");
    }
    Ok(Cow::Owned(out))
}

/// Dimensions and payload of an IDX file of unsigned bytes with `ndims` dimensions.
fn parse<'a>(name: &str, bytes: &'a [u8], ndims: u8) -> Result<(Vec<usize>, &'a [u8])> {
    let header = 4 + 4 * ndims as usize;
    if bytes.len() < header {
        fail!("{name}: {} bytes is too short for an IDX header (byte 0)", bytes.len());
    }
    let expected = [0, 0, 0x08, ndims];
    if bytes[..4] != expected {
        fail!(
            "{name}: wrong magic number {:02x?} at byte 0 (expected {:02x?}: unsigned bytes, {ndims} dimensions)",
            &bytes[..4],
            expected
        );
    }
    let dims: Vec<usize> = (0..ndims as usize)
        .map(|i| u32::from_be_bytes(bytes[4 + 4 * i..8 + 4 * i].try_into().unwrap()) as usize)
        .collect();
    let Some(size) = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d)) else {
        fail!("{name}: dimensions {dims:?} at byte 4 describe more bytes than any file holds");
    };
    if bytes.len() - header != size {
        fail!(
            "{name}: dimensions {dims:?} need {size} bytes after the header but the file has {} (from byte {header})",
            bytes.len() - header
        );
    }
    Ok((dims, &bytes[header..]))
}

/// A dataset from IDX images (and labels), raw or gzip, the first `n_train` samples training.
pub fn from_idx(name: &str, images: (&str, &[u8]), labels: Option<(&str, &[u8])>, n_train: usize) -> Result<Dataset> {
    let owned =
        |(file, bytes): (&str, &[u8])| Ok((file.to_string(), unpacked(file, bytes, usize::MAX - 1)?.into_owned()));
    from_idx_bytes(name, owned(images)?, labels.map(owned).transpose()?, n_train)
}

/// A dataset from unpacked IDX images (and labels), taking over the images' bytes: the pixels stay
/// where they are and only the header is dropped, so a large upload is never held twice.
pub fn from_idx_bytes(
    name: &str,
    images: (String, Vec<u8>),
    labels: Option<(String, Vec<u8>)>,
    n_train: usize,
) -> Result<Dataset> {
    let (image_name, mut pixels) = images;
    let ndims = if pixels.starts_with(&[0, 0, 8, 4]) { 4 } else { 3 };
    let (dims, header) = {
        let (dims, payload) = parse(&image_name, &pixels, ndims)?;
        (dims, pixels.len() - payload.len())
    };
    let channels = dims.get(3).copied().unwrap_or(1);
    if !matches!(channels, 1 | 3) {
        fail!("{image_name}: {channels} values per pixel (byte 16); 1 (grey) or 3 (colour) are read");
    }
    pixels.drain(..header);
    let mut data = Dataset {
        name: name.into(),
        height: dims[1],
        width: dims[2],
        channels,
        bytes: pixels,
        scale: 1.0 / 255.0,
        n_train,
        ..Dataset::default()
    };
    if let Some((label_name, label_file)) = labels {
        let (ldims, values) = parse(&label_name, &label_file, 1)?;
        if ldims[0] != dims[0] {
            fail!("{label_name}: {} labels for the {} images of {image_name}", ldims[0], dims[0]);
        }
        data.classes = values.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
        data.labels = values.to_vec();
    }
    data.validate()?;
    Ok(data)
}

/// Training and test IDX files of one collection as one dataset (test rows after train rows).
pub fn from_idx_pair(name: &str, train: Dataset, test: Dataset) -> Result<Dataset> {
    if (train.height, train.width) != (test.height, test.width) {
        fail!(
            "{name}: training images are {}×{}, test images {}×{}",
            train.height,
            train.width,
            test.height,
            test.width
        );
    }
    let n_train = train.len();
    let mut data = Dataset { name: name.into(), n_train, classes: train.classes.max(test.classes), ..train };
    data.bytes.extend(test.bytes);
    data.labels.extend(test.labels);
    data.validate()?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(n: u32) -> Vec<u8> {
        let mut f = vec![0, 0, 8, 3];
        for d in [n, 2, 2] {
            f.extend(d.to_be_bytes());
        }
        f.extend((0..4 * n).map(|i| i as u8));
        f
    }

    #[test]
    fn reads_images_and_labels() {
        let labels = [0u8, 0, 8, 1, 0, 0, 0, 3, 2, 0, 1];
        let d = from_idx("t", ("i", &images(3)), Some(("l", &labels)), 2).unwrap();
        assert_eq!((d.len(), d.dim(), d.classes, d.labels.clone()), (3, 4, 3, vec![2, 0, 1]));
    }

    #[test]
    fn reads_colour_images() {
        let mut f = vec![0, 0, 8, 4];
        [2u32, 2, 2, 3].iter().for_each(|d| f.extend(d.to_be_bytes()));
        f.extend(0..24);
        let d = from_idx("t", ("rgb", &f), None, 1).unwrap();
        assert_eq!((d.len(), d.height, d.width, d.channels, d.dim()), (2, 2, 2, 3, 12));
        f[19] = 4;
        f.extend(24..32);
        let err = from_idx("t", ("rgba", &f), None, 1).unwrap_err();
        assert!(err.message.contains("rgba: 4 values per pixel"), "{err}");
    }

    #[test]
    fn bad_files_are_named_with_the_offset() {
        let err =
            from_idx("t", ("train.idx", &[1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9]), None, 1).unwrap_err();
        assert!(err.message.contains("train.idx: wrong magic") && err.message.contains("byte 0"), "{err}");
        let mut short = images(3);
        short.pop();
        let err = from_idx("t", ("x", &short), None, 1).unwrap_err();
        assert!(err.message.contains("need 12 bytes") && err.message.contains("from byte 16"), "{err}");
        let err = from_idx("t", ("x", &images(3)), Some(("l", &[0, 0, 8, 1, 0, 0, 0, 2, 0, 1])), 1).unwrap_err();
        assert!(err.message.contains("2 labels for the 3 images"), "{err}");
    }
}
