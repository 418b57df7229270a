//! ZIP archives of images, as people upload them: the central directory read from the end-of-directory
//! record, each kept entry's stored or deflated bytes (no ZIP64, no encryption). Folders, macOS's
//! `__MACOSX` copies and hidden files are passed over; every refusal names the archive and the byte.

use crate::error::{Error, Result};
use crate::fail;
use std::io::Read;

const END_OF_DIRECTORY: u32 = 0x0605_4b50;
const DIRECTORY_ENTRY: u32 = 0x0201_4b50;
const LOCAL_HEADER: u32 = 0x0403_4b50;
/// The end-of-directory record's fixed part, and the most a comment after it can add.
const END_LEN: usize = 22;
const MAX_COMMENT: usize = 65_535;

/// One file from an archive: its path inside it and its unpacked bytes.
#[derive(Debug, PartialEq)]
pub struct Entry {
    pub path: String,
    pub bytes: Vec<u8>,
}

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Whether a path names an image the browser can decode (PNG, JPEG, GIF, WebP, BMP), by its extension.
pub fn is_image(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    ["png", "jpg", "jpeg", "gif", "webp", "bmp"].contains(&ext.as_str())
}

/// Whether a path names a file someone put there (not a folder, a macOS copy or a hidden file).
fn is_plain_file(path: &str) -> bool {
    !path.ends_with('/') && !path.split('/').any(|part| part == "__MACOSX" || part.starts_with('.'))
}

/// The entries of archive `name` whose paths `keep` accepts, unpacked; refused when their bytes
/// together would pass `limit`.
pub fn entries(name: &str, bytes: &[u8], keep: impl Fn(&str) -> bool, limit: usize) -> Result<Vec<Entry>> {
    let Some(end) = (bytes.len().saturating_sub(END_LEN + MAX_COMMENT)..=bytes.len().saturating_sub(END_LEN))
        .rev()
        .find(|&i| bytes.len() >= END_LEN && u32_at(bytes, i) == END_OF_DIRECTORY as usize)
    else {
        fail!("{name}: not a ZIP archive (no end-of-directory record in its last 64 KiB)")
    };
    let (count, mut at) = (u16_at(bytes, end + 10), u32_at(bytes, end + 16));
    let (mut out, mut held) = (Vec::new(), 0usize);
    for e in 1..=count {
        if at.checked_add(46).is_none_or(|stop| stop > bytes.len()) || u32_at(bytes, at) != DIRECTORY_ENTRY as usize {
            fail!("{name}: directory entry {e} at byte {at} is damaged");
        }
        let (method, packed, size) = (u16_at(bytes, at + 10), u32_at(bytes, at + 20), u32_at(bytes, at + 24));
        let name_len = u16_at(bytes, at + 28);
        let skip = name_len + u16_at(bytes, at + 30) + u16_at(bytes, at + 32);
        let local = u32_at(bytes, at + 42);
        let Some(path) = bytes.get(at + 46..at + 46 + name_len) else {
            fail!("{name}: directory entry {e} at byte {at} is cut short")
        };
        let path = String::from_utf8_lossy(path).into_owned();
        at = at.saturating_add(46 + skip);
        if !is_plain_file(&path) || !keep(&path) {
            continue;
        }
        held = held.saturating_add(size);
        if held > limit {
            fail!("{name}: its images unpack to more than {limit} bytes, more than the page can hold");
        }
        let data = local_data(name, bytes, &path, local, packed)?;
        out.push(Entry { bytes: unpack(name, &path, data, method, size)?, path });
    }
    Ok(out)
}

/// An entry's packed bytes, found through its local header at byte `local`.
fn local_data<'a>(name: &str, bytes: &'a [u8], path: &str, local: usize, packed: usize) -> Result<&'a [u8]> {
    if local.checked_add(30).is_none_or(|stop| stop > bytes.len()) || u32_at(bytes, local) != LOCAL_HEADER as usize {
        fail!("{name}: the entry {path} at byte {local} is damaged");
    }
    let start = local + 30 + u16_at(bytes, local + 26) + u16_at(bytes, local + 28);
    match bytes.get(start..start.saturating_add(packed)) {
        Some(data) => Ok(data),
        None => fail!("{name}: the entry {path} is cut short at byte {}", bytes.len()),
    }
}

/// An entry's bytes: stored as they are, or inflated to the `size` the directory gives.
fn unpack(name: &str, path: &str, data: &[u8], method: usize, size: usize) -> Result<Vec<u8>> {
    match method {
        0 if data.len() == size => Ok(data.to_vec()),
        0 => fail!("{name}: the stored entry {path} holds {} bytes, not the {size} its directory says", data.len()),
        8 => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(data)
                .take(size as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| Error::new(format!("{name}: the entry {path} is corrupt ({e})")))?;
            if out.len() != size {
                fail!("{name}: the entry {path} unpacks to {} bytes, not the {size} its directory says", out.len());
            }
            Ok(out)
        }
        _ => fail!(
            "{name}: the entry {path} uses compression method {method}; only stored and deflated entries are read"
        ),
    }
}

/// An archive of `files` (path, bytes), stored, with each file's CRC-32 (what unzip tools and
/// Python's zipfile check): the PyTorch hand-off (its floats would shrink a few percent deflated, and
/// a deflater would add to the page's download) and fuzzing's seeds.
pub fn write(files: &[(&str, &[u8])]) -> Vec<u8> {
    write_packed(&files.iter().map(|&(path, bytes)| (path, bytes, None)).collect::<Vec<_>>())
}

/// A file for `write_packed`: its path, its bytes, and optionally the same deflated.
pub type Packed<'a> = (&'a str, &'a [u8], Option<&'a [u8]>);

/// The same, with some files' bytes given deflated as well.
pub fn write_packed(files: &[Packed]) -> Vec<u8> {
    let (mut out, mut directory) = (Vec::new(), Vec::new());
    for &(path, bytes, packed) in files {
        let data = packed.unwrap_or(bytes);
        let method: u16 = if packed.is_some() { 8 } else { 0 };
        let mut crc = flate2::Crc::new();
        crc.update(bytes);
        let sizes = [crc.sum(), data.len() as u32, bytes.len() as u32];
        let local = out.len() as u32;
        out.extend(LOCAL_HEADER.to_le_bytes().iter().chain(&[20, 0, 0, 0]).chain(&method.to_le_bytes()));
        // Time 0:00, date 1 January 1980 (0x21), then the CRC and sizes.
        out.extend([0, 0, 0x21, 0].iter().chain(sizes.iter().flat_map(|s| s.to_le_bytes()).collect::<Vec<_>>().iter()));
        out.extend((path.len() as u16).to_le_bytes().iter().chain(&[0, 0]).chain(path.as_bytes()).chain(data));
        directory.extend(DIRECTORY_ENTRY.to_le_bytes().iter().chain(&[20, 0, 20, 0, 0, 0]));
        directory.extend(method.to_le_bytes().iter().chain(&[0, 0, 0x21, 0]));
        directory.extend(sizes.iter().flat_map(|s| s.to_le_bytes()));
        directory.extend((path.len() as u16).to_le_bytes().iter().chain(&[0u8; 12]).chain(&local.to_le_bytes()));
        directory.extend(path.as_bytes());
    }
    let (start, count) = (out.len() as u32, files.len() as u16);
    out.extend_from_slice(&directory);
    out.extend(END_OF_DIRECTORY.to_le_bytes().iter().chain(&[0u8; 4]));
    out.extend(count.to_le_bytes().iter().chain(&count.to_le_bytes()));
    out.extend((directory.len() as u32).to_le_bytes().iter().chain(&start.to_le_bytes()).chain(&[0, 0]));
    out
}
