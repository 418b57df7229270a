//! Writes a few valid files of each format into `fuzz/corpus/<target>/` for the fuzzers to start from
//! (`scripts/fuzz.sh` runs it first): tables, .npy arrays, IDX pairs raw and gzip, a packed dataset, a
//! model file and a saved run of the small model the fuzz targets import into, and ZIPs of images.

use ae_playground::data::{npy, pack, synthetic, zip};
use ae_playground::{Config, Session};
use std::io::Write;
use std::path::Path;

fn put(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("fuzz/corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn idx(dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0, 0, 8, dims.len() as u8];
    dims.iter().for_each(|d| f.extend(d.to_be_bytes()));
    f.extend(payload);
    f
}

fn main() {
    // Tables: the first byte chooses the label column (see fuzz_targets/table.rs).
    put("table", "header-label.csv", b"\x01a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n");
    put("table", "plain.tsv", b"\x000.5\t1\t2\n3\t4\t5.5\n-1\t2e3\t7\n");
    put("table", "diagnosis.csv", b"\x03id;radius;diagnosis\n1;\"2.5\";malignant\n2;3.1;benign\n");

    let floats: Vec<u8> = (0..24).flat_map(|i| (i as f32 / 7.0).to_le_bytes()).collect();
    put("npy", "f4.npy", &npy::write("<f4", "(4, 6)", &floats));
    put("npy", "u1-images.npy", &npy::write("|u1", "(3, 2, 2)", &[0, 50, 100, 150, 200, 250, 1, 2, 3, 4, 5, 6]));
    let doubles: Vec<u8> = (0..6).flat_map(|i| (i as f64).to_le_bytes()).collect();
    put("npy", "f8-rgb.npy", &npy::write("<f8", "(2, 1, 1, 3)", &doubles));

    let images = idx(&[4, 2, 2], &(0..16).map(|i| i * 15).collect::<Vec<u8>>());
    let labels = idx(&[4], &[0, 1, 0, 1]);
    let cut = |images: &[u8], labels: &[u8]| {
        let mut f = vec![(images.len() * 255 / (images.len() + labels.len())) as u8];
        f.extend(images);
        f.extend(labels);
        f
    };
    put("idx", "raw-pair", &cut(&images, &labels));
    put("idx", "gzip-pair", &cut(&gzip(&images), &gzip(&labels)));
    put("idx", "colour", &cut(&idx(&[2, 1, 1, 3], &[9, 8, 7, 6, 5, 4]), &[]));

    let circles = synthetic::generate("circles", 1).unwrap();
    let small = ae_playground::Dataset {
        floats: circles.floats[..40 * circles.dim()].to_vec(),
        labels: circles.labels[..40].to_vec(),
        n_train: 30,
        ..circles.clone()
    };
    put("packed", "circles-40.aepk", &pack::encode(&small));

    let mut session = Session::new(Config { hidden: vec![6, 2], ..Config::default() }, circles).unwrap();
    for _ in 0..3 {
        session.train_step().unwrap();
    }
    put("model_file", "model.safetensors", &session.export_model());
    put("saved_run", "run.bin", &session.save_run());

    let png = b"\x89PNG\r\n\x1a\n pretend pixels";
    put("zip", "stored.zip", &zip::write(&[("a/one.png", png), ("b/two.jpg", png)]));
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut deflater, png).unwrap();
    let deflated = deflater.finish().unwrap();
    put("zip", "deflated.zip", &zip::write_packed(&[("x/", b"", None), ("x/three.png", png, Some(&deflated))]));
}
