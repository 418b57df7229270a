//! Uploads: every format the page reads, made here, turned into datasets with the asked normalisation
//! and split; and each kind of bad file refused with a message naming the file and the place.

use ae_playground::data::npy::write as npy;
use ae_playground::data::upload::{from_files, File, Normalise, UploadOptions};
use std::io::Write;

fn idx(dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0, 0, 8, dims.len() as u8];
    dims.iter().for_each(|d| f.extend(d.to_be_bytes()));
    f.extend(payload);
    f
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn upload(files: &[(&str, &[u8])], options: &UploadOptions) -> ae_playground::Result<ae_playground::Dataset> {
    let files: Vec<File> = files.iter().map(|&(name, bytes)| File { name, bytes }).collect();
    from_files(&files, options)
}

#[test]
fn a_csv_with_a_header_and_named_labels_is_scaled_split_and_labelled() {
    let mut csv = String::from("sepal,petal,species\n");
    for i in 0..50 {
        csv += &format!("{},{},{}\n", i, 100 - i, ["setosa", "virginica"][i % 2]);
    }
    let options = UploadOptions { label_column: "species".into(), ..UploadOptions::default() };
    let d = upload(&[("iris.csv", csv.as_bytes())], &options).unwrap();
    assert_eq!((d.len(), d.n_train, d.dim(), d.classes), (50, 40, 2, 2));
    assert_eq!(d.class_names, ["setosa", "virginica"]);
    assert_eq!(d.value_range(), (0.0, 1.0));
    // Rows are shuffled together with their labels: value 0 (row i: i/100 after min–max) keeps its class.
    for r in 0..50 {
        let i = (d.floats[2 * r] * 100.0).round() as usize;
        assert_eq!(d.labels[r] as usize, i % 2, "row {r}");
    }
    let standard =
        upload(&[("iris.csv", csv.as_bytes())], &UploadOptions { normalise: Normalise::Standardise, ..options })
            .unwrap();
    let mean: f32 = standard.floats.iter().step_by(2).sum::<f32>() / 50.0;
    assert!(mean.abs() < 1e-5, "standardised mean {mean}");
}

#[test]
fn tsv_npy_and_idx_files_are_read() {
    let d = upload(&[("t.tsv", b"1\t2\t3\n4\t5\t6\n7\t8\t9\n")], &UploadOptions::default()).unwrap();
    assert_eq!((d.len(), d.dim(), d.classes), (3, 3, 0));

    let pixels: Vec<u8> = (0..5 * 4 * 3).map(|i| (i * 4) as u8).collect();
    let d = upload(&[("x.npy", &npy("|u1", "(5, 4, 3)", &pixels))], &UploadOptions::default()).unwrap();
    assert_eq!((d.len(), d.height, d.width), (5, 4, 3));
    assert!(d.floats.is_empty(), "bytes stay bytes: {} floats", d.floats.len());
    assert_eq!(d.value_range(), (0.0, 1.0));

    let doubles: Vec<u8> = (0..6).flat_map(|i| (i as f64 - 2.0).to_le_bytes()).collect();
    let d = upload(
        &[("x.npy", &npy("<f8", "(3, 2)", &doubles))],
        &UploadOptions { normalise: Normalise::None, ..Default::default() },
    )
    .unwrap();
    assert_eq!(d.value_range(), (-2.0, 3.0));

    let images = gzip(&idx(&[10, 2, 2], &(0..40).map(|i| i as u8 * 6).collect::<Vec<_>>()));
    let labels = gzip(&idx(&[10], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    let d = upload(&[("i.gz", &images), ("l.gz", &labels)], &UploadOptions::default()).unwrap();
    assert_eq!((d.len(), d.n_train, d.dim(), d.classes), (10, 8, 4, 10));
    // Each image's first pixel is 24 × its index, so its label (the index) can be checked after the shuffle.
    for r in 0..10 {
        assert_eq!((d.bytes[4 * r] / 24) as u8, d.labels[r]);
    }
}

#[test]
fn bad_files_are_refused_with_the_file_and_the_place() {
    let o = UploadOptions::default();
    let message = |files: &[(&str, &[u8])]| upload(files, &o).unwrap_err().message;
    type Files<'a> = Vec<(&'a str, Vec<u8>)>;
    let cases: Vec<(Files, &str)> = vec![
        (vec![("e.csv", vec![])], "e.csv is empty"),
        (vec![("r.csv", b"1,2\n3\n".to_vec())], "r.csv line 2: 1 values, but line 1 has 2"),
        (vec![("t.csv", b"1,2\n3,abc\n".to_vec())], "t.csv line 2, column 2: \"abc\" is not a number"),
        (vec![("n.csv", b"1,2\n3,inf\n".to_vec())], "n.csv line 2, column 2: inf is not allowed"),
        (vec![("b.bin", vec![0xff, 0xfe, 0, 1])], "b.bin: not a format this page reads"),
        (vec![("s.npy", npy("|u1", "(2, 3)", &[1, 2]))], "s.npy: shape (2, 3) needs 6 bytes"),
        (vec![("i", idx(&[3, 2, 2], &[0; 12])), ("l", idx(&[2], &[0, 1]))], "l: 2 labels for the 3 images of i"),
        (
            vec![("i", idx(&[3, 2, 2], &[0; 12])), ("l", vec![0, 0, 9, 1, 0, 0, 0, 3, 0, 1, 2])],
            "upload at most one IDX labels file",
        ),
        (vec![("i", idx(&[3, 2, 2], &[0; 11]))], "i: dimensions [3, 2, 2] need 12 bytes"),
        (vec![("z.gz", vec![0x1f, 0x8b, 8, 0, 1, 2, 3])], "z.gz: the gzip data are corrupt"),
        (vec![("m.idx", vec![0, 0, 9, 3, 0, 0, 0, 1, 7])], "m.idx: magic number [00, 00, 09, 03] at byte 0"),
        (
            vec![("c.bin", vec![b'1', b',', 2, b'\n'])],
            "c.bin: not a format this page reads (CSV or TSV text, .npy, MNIST IDX); byte 2",
        ),
        (vec![("one.csv", b"1,2\n".to_vec())], "one.csv: 1 sample(s); at least 2 are needed"),
    ];
    for (files, expected) in cases {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let m = message(&files);
        println!("{m}");
        assert!(m.contains(expected), "{m:?} should say {expected:?}");
    }
    let o = UploadOptions { test_fraction: 0.95, ..UploadOptions::default() };
    assert!(upload(&[("t.tsv", b"1\n2\n")], &o).unwrap_err().message.contains("testFraction 0.95"));
}

#[test]
fn a_gzip_file_that_unpacks_past_the_limit_is_refused() {
    let bomb = gzip(&vec![0; 10_000]);
    let m = ae_playground::data::idx::unpacked("bomb.gz", &bomb, 1_000).unwrap_err().message;
    assert_eq!(m, "bomb.gz: unpacks to more than 1000 bytes, more than the page can hold");
    assert_eq!(ae_playground::data::idx::unpacked("ok.gz", &bomb, 10_000).unwrap().len(), 10_000);
}

#[test]
fn a_zip_gives_its_images_stored_or_deflated_and_passes_over_folders_and_hidden_files() {
    use ae_playground::data::zip::{entries, is_image, write_packed};
    let png = b"\x89PNG pretend pixels, repeated repeated repeated repeated";
    let deflated = |bytes: &[u8]| {
        let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut deflater, bytes).unwrap();
        deflater.finish().unwrap()
    };
    let (png_deflated, notes_deflated) = (deflated(png), deflated(b"not an image"));
    let archive = write_packed(&[
        ("cats/", b"", None),
        ("cats/a.png", png, None),
        ("dogs/b.PNG", png, Some(&png_deflated)),
        ("__MACOSX/cats/._a.png", b"junk", None),
        ("notes.txt", b"not an image", Some(&notes_deflated)),
    ]);
    let got = entries("pets.zip", &archive, is_image, 1 << 20).unwrap();
    let paths: Vec<&str> = got.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["cats/a.png", "dogs/b.PNG"]);
    assert!(got.iter().all(|e| e.bytes == png), "stored and deflated entries come back byte for byte");

    let refused = |bytes: &[u8], limit: usize| entries("pets.zip", bytes, is_image, limit).unwrap_err().message;
    assert!(refused(b"not a zip archive at all", 1 << 20).contains("pets.zip: not a ZIP archive"));
    assert!(refused(&archive, 80).contains("more than 80 bytes"), "the unpacked size is capped");
    let mut cut = archive.clone();
    cut.drain(40..60); // into the first image's bytes: every offset after it is off
    assert!(refused(&cut, 1 << 20).contains("pets.zip:"), "{}", refused(&cut, 1 << 20));
    let mut bent = archive.clone();
    let deflated = bent.windows(10).position(|w| w == b"dogs/b.PNG").unwrap() + 10;
    bent[deflated] ^= 0xff; // the deflate stream of the second image
    assert!(refused(&bent, 1 << 20).contains("dogs/b.PNG"), "{}", refused(&bent, 1 << 20));
}

/// A table dropped as it is exported: its label column is found as people expect — a text column
/// (the only one), or one named like a label — and said; "none" or another column can be chosen.
#[test]
fn a_tables_label_column_is_found_and_can_be_changed() {
    // 30 measurements, then a text column `diagnosis`, as in the breast-cancer table.
    let mut csv = (1..=30).map(|k| format!("m{k}")).collect::<Vec<_>>().join(",") + ",diagnosis\n";
    for i in 0..40 {
        let values: Vec<String> = (0..30).map(|k| format!("{}", (i * 7 + k) % 13)).collect();
        csv += &format!("{},{}\n", values.join(","), ["malignant", "benign"][i % 2]);
    }
    let read = |label: &str| {
        let options = UploadOptions { label_column: label.into(), ..UploadOptions::default() };
        upload(&[("wdbc.csv", csv.as_bytes())], &options)
    };
    let data = read("").unwrap();
    let table = data.table.as_ref().unwrap();
    assert_eq!(
        (data.width, data.classes, data.class_names.clone()),
        (30, 2, vec!["benign".to_string(), "malignant".into()])
    );
    assert_eq!((table.label, table.label_why.as_deref()), (Some(30), Some("the only column of text")));
    assert_eq!((table.names.len(), table.names[30].as_str()), (31, "diagnosis"));
    // Chosen instead: none (the text is then an error), or a column by number.
    let refused = read("none").unwrap_err().message;
    assert!(refused.contains("column 31: \"malignant\" is not a number"), "{refused}");
    let by_number = read("1").unwrap_err().message; // column 1 as labels leaves the text column as values
    assert!(by_number.contains("is not a number"), "{by_number}");
    // Named like a label, even with numbers in it; and a stray word in a number column stays an error.
    let named = upload(&[("t.csv", b"a,b,Class\n1,2,0\n3,4,1\n5,6,0\n")], &UploadOptions::default()).unwrap();
    assert_eq!((named.width, named.classes), (2, 2));
    assert_eq!(named.table.unwrap().label_why.as_deref(), Some("named like a label"));
    let stray = upload(&[("s.csv", b"a,b\n1,2\n3,four\n5,6\n")], &UploadOptions::default()).unwrap_err().message;
    assert!(stray.contains("line 3, column 2: \"four\" is not a number"), "{stray}");
    // Two text columns: neither is taken for the labels.
    let two = upload(&[("two.csv", b"a,b,c\nx,1,y\nz,2,w\n")], &UploadOptions::default()).unwrap_err().message;
    assert!(two.contains("column 1: \"x\" is not a number"), "{two}");
}
