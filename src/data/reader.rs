//! Uploaded files taken a piece at a time (the page streams each file into the engine) and gunzipped
//! on the way in, so that a large upload is held once, unpacked, and never whole in both forms.

use super::upload::{from_unpacked, Unpacked, UploadOptions, MAX_UNPACKED};
use super::Dataset;
use crate::error::{Error, Result};
use crate::fail;
use flate2::write::GzDecoder;
use std::io::Write;

enum Sink {
    Raw(Vec<u8>),
    Gzip(Box<GzDecoder<Vec<u8>>>),
}

/// Files read in pieces: `begin` each file, `push` its bytes in order, then `finish`.
pub struct Reader {
    done: Vec<Unpacked>,
    current: Option<(String, Sink)>,
    /// The most bytes a file may unpack to.
    limit: usize,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::with_limit(MAX_UNPACKED)
    }
}

impl Reader {
    pub fn with_limit(limit: usize) -> Self {
        Reader { done: Vec::new(), current: None, limit }
    }

    /// Starts the file `name` (ending the one before). `gzip`: its bytes are gzip data (the page looks
    /// at the first two); `size`: the bytes it will hold unpacked (a gzip file's last four bytes say),
    /// made room for at once so the buffer never grows by copying.
    pub fn begin(&mut self, name: &str, gzip: bool, size: usize) -> Result<()> {
        self.end_file()?;
        if !gzip && size > self.limit {
            fail!("{name}: {size} bytes is more than the page can hold");
        }
        let mut room = Vec::new();
        if room.try_reserve_exact(size.min(self.limit)).is_err() {
            fail!("{name}: {size} bytes is too large for the page's memory");
        }
        let sink = if gzip { Sink::Gzip(Box::new(GzDecoder::new(room))) } else { Sink::Raw(room) };
        self.current = Some((name.to_string(), sink));
        Ok(())
    }

    /// The next bytes of the current file.
    pub fn push(&mut self, bytes: &[u8]) -> Result<()> {
        let Some((name, sink)) = &mut self.current else { fail!("an upload's bytes came before its file's name") };
        let held = match sink {
            Sink::Raw(out) => {
                out.extend_from_slice(bytes);
                out.len()
            }
            Sink::Gzip(decoder) => {
                decoder.write_all(bytes).map_err(|e| Error::new(format!("{name}: the gzip data are corrupt ({e})")))?;
                decoder.get_ref().len()
            }
        };
        if held > self.limit {
            fail!("{name}: unpacks to more than {} bytes, more than the page can hold", self.limit);
        }
        Ok(())
    }

    fn end_file(&mut self) -> Result<()> {
        let Some((name, sink)) = self.current.take() else { return Ok(()) };
        let bytes = match sink {
            Sink::Raw(out) => out,
            Sink::Gzip(decoder) => match decoder.finish() {
                Ok(out) => out,
                Err(e) => fail!("{name}: the gzip data are corrupt or cut short ({e})"),
            },
        };
        self.done.push(Unpacked { name, bytes });
        Ok(())
    }

    /// The dataset in the files read.
    pub fn finish(mut self, options: &UploadOptions) -> Result<Dataset> {
        self.end_file()?;
        from_unpacked(self.done, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::upload::{from_files, File};
    use flate2::write::GzEncoder;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn read(files: &[(&str, Vec<u8>)], chunk: usize, limit: usize) -> Result<Dataset> {
        let mut r = Reader::with_limit(limit);
        for (name, bytes) in files {
            r.begin(name, bytes.starts_with(&[0x1f, 0x8b]), 0)?;
            bytes.chunks(chunk).try_for_each(|c| r.push(c))?;
        }
        r.finish(&UploadOptions::default())
    }

    fn idx_images(n: u32) -> Vec<u8> {
        let mut f = vec![0, 0, 8, 3];
        [n, 3, 3].iter().for_each(|d| f.extend(d.to_be_bytes()));
        f.extend((0..9 * n).map(|i| (i * 7 % 251) as u8));
        f
    }

    #[test]
    fn pieces_make_the_same_dataset_as_whole_files() {
        let images = gzip(&idx_images(40));
        let labels = gzip(
            &[[0, 0, 8, 1], 40u32.to_be_bytes()].concat().into_iter().chain((0..40).map(|i| i % 3)).collect::<Vec<_>>(),
        );
        let whole = from_files(
            &[File { name: "i.gz", bytes: &images }, File { name: "l.gz", bytes: &labels }],
            &UploadOptions::default(),
        )
        .unwrap();
        for chunk in [1, 7, 1000] {
            let pieces = read(&[("i.gz", images.clone()), ("l.gz", labels.clone())], chunk, 1 << 20).unwrap();
            assert_eq!(pieces, whole, "chunks of {chunk}");
        }
        let raw = read(&[("i", idx_images(40))], 5, 1 << 20).unwrap();
        assert_eq!(raw.bytes, whole.bytes);
    }

    #[test]
    fn cut_corrupt_and_oversized_files_are_refused_by_name() {
        let images = gzip(&idx_images(40));
        let cut = read(&[("cut.gz", images[..images.len() / 2].to_vec())], 64, 1 << 20).unwrap_err().message;
        assert!(cut.contains("cut.gz: the gzip data are corrupt or cut short"), "{cut}");
        let mut bad = images.clone();
        bad[12] ^= 0xff;
        bad[13] ^= 0x55;
        let corrupt = read(&[("bad.gz", bad)], 64, 1 << 20).unwrap_err().message;
        assert!(corrupt.contains("bad.gz: the gzip data are corrupt"), "{corrupt}");
        let big = read(&[("big.gz", images)], 64, 100).unwrap_err().message;
        assert!(big.contains("big.gz: unpacks to more than 100 bytes"), "{big}");
        let err = Reader::with_limit(10).begin("huge.idx", false, 11).unwrap_err().message;
        assert!(err.contains("huge.idx: 11 bytes is more than"), "{err}");
    }
}
