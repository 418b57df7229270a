//! What each fuzz target runs on its input, written once: the fuzz targets (fuzz_targets/) and the
//! replay of the inputs they found (tests/fuzzed.rs) both call these. Each returns the parser's
//! refusal, if any; none may panic.

use ae_playground::data::idx::unpacked;
use ae_playground::data::upload::{from_files, from_unpacked, File, Normalise, Unpacked, UploadOptions};
use ae_playground::data::{npy, pack, synthetic, zip};
use ae_playground::{Config, Dataset, Session};
use std::cell::RefCell;
use std::rc::Rc;

/// Gzip and ZIP entries unpack to at most this much here (the page's own cap is 1 GiB).
pub const CAP: usize = 16 << 20;

type Refusal = Option<String>;

fn refusal<T>(r: ae_playground::Result<T>) -> Refusal {
    r.err().map(|e| e.message)
}

/// CSV/TSV tables through the whole upload path; the first byte chooses the label column (none, by
/// name, by number) and the normalisation.
pub fn table(bytes: &[u8]) -> Refusal {
    let (&choice, rest) = bytes.split_first()?;
    let label_column = match choice % 4 {
        0 => String::new(),
        1 => "label".into(),
        2 => (choice / 4 % 8).to_string(),
        _ => "diagnosis".into(),
    };
    let normalise = [Normalise::MinMax, Normalise::Standardise, Normalise::None][choice as usize % 3];
    let options = UploadOptions { label_column, normalise, ..UploadOptions::default() };
    refusal(from_files(&[File { name: "fuzz.csv", bytes: rest }], &options))
}

/// `.npy` arrays: the header alone, then the whole upload path.
pub fn npy(bytes: &[u8]) -> Refusal {
    let _ = npy::parse("fuzz.npy", bytes);
    refusal(from_files(&[File { name: "fuzz.npy", bytes }], &UploadOptions::default()))
}

/// IDX images and an optional labels file, raw or gzip: the input is split at its first byte's share.
pub fn idx(bytes: &[u8]) -> Refusal {
    let (&cut, rest) = bytes.split_first()?;
    let (images, labels) = rest.split_at((cut as usize * rest.len() / 255).min(rest.len()));
    let mut files = Vec::new();
    for (name, b) in [("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)] {
        if !b.is_empty() {
            match unpacked(name, b, CAP) {
                Ok(b) => files.push(Unpacked { name: name.into(), bytes: b.into_owned() }),
                Err(e) => return Some(e.message),
            }
        }
    }
    refusal(from_unpacked(files, &UploadOptions::default()))
}

/// The packed dataset format the page loads, and the dataset's own checks.
pub fn packed(bytes: &[u8]) -> Refusal {
    refusal(pack::decode(bytes).and_then(|data| data.validate()))
}

thread_local! {
    static CIRCLES: Rc<Dataset> = Rc::new(synthetic::generate("circles", 1).unwrap());
    static MODEL: RefCell<Session> = RefCell::new(
        Session::new(Config { hidden: vec![6, 2], ..Config::default() }, CIRCLES.with(Rc::clone)).unwrap(),
    );
}

/// Model files read, then imported into a small model on the circles dataset.
pub fn model_file(bytes: &[u8]) -> Refusal {
    let read = refusal(ae_playground::io::model_file::read(bytes));
    MODEL.with(|s| refusal(s.borrow_mut().import_model(bytes))).or(read)
}

/// Saved runs restored on the circles dataset.
pub fn saved_run(bytes: &[u8]) -> Refusal {
    CIRCLES.with(|data| refusal(Session::restore_run(data.clone(), bytes)))
}

/// ZIP archives: the images in them, then every entry.
pub fn zip(bytes: &[u8]) -> Refusal {
    let images = refusal(zip::entries("fuzz.zip", bytes, zip::is_image, CAP));
    refusal(zip::entries("fuzz.zip", bytes, |_| true, CAP)).or(images)
}
