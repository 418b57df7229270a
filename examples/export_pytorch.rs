//! Writes the "Export for PyTorch" ZIP of a model on a bundled dataset, trained some steps, and the
//! dataset beside it as IDX files (images as values 0..1 × 255, labels): for trying `train.py` and `torchrun` on a machine
//! without the page (docs/performance.md's GPU figures for train.py came from this).
//!
//!     cargo run --release --example export_pytorch -- mnist 1000,500,250,30 200 OUT_DIR

use ae_playground::data::files;
use ae_playground::{Config, Session};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dataset, hidden, steps, out] = args.as_slice() else {
        return Err("usage: export_pytorch DATASET (mnist|digits) HIDDEN (e.g. 256,32) STEPS OUT_DIR".into());
    };
    let hidden = hidden.split(',').map(str::parse).collect::<Result<Vec<usize>, _>>()?;
    let data = files::repo(dataset)?;
    let mut session = Session::new(Config { hidden, ..Config::default() }, data)?;
    for _ in 0..steps.parse::<usize>()? {
        session.train_step()?;
    }
    let out = Path::new(out);
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("export.zip"), session.export_pytorch())?;
    // IDX: a zero, the type (8: unsigned bytes), the number of dimensions, each size big-endian, the bytes.
    let d = &session.data;
    let idx = |dims: &[usize], bytes: Vec<u8>| {
        let mut file = vec![0, 0, 8, dims.len() as u8];
        dims.iter().for_each(|&n| file.extend_from_slice(&(n as u32).to_be_bytes()));
        file.extend(bytes);
        file
    };
    let all: Vec<usize> = (0..d.len()).collect();
    let pixels = session.data_rows(&all).iter().map(|v| (v * 255.0).round() as u8).collect();
    std::fs::write(out.join("images-idx3-ubyte"), idx(&[d.len(), d.height, d.width], pixels))?;
    std::fs::write(out.join("labels-idx1-ubyte"), idx(&[d.len()], d.labels.clone()))?;
    println!(
        "wrote {} (test loss {:.3} after {steps} steps) and {} samples as IDX",
        out.join("export.zip").display(),
        session.evaluate_test().loss,
        d.len()
    );
    Ok(())
}
