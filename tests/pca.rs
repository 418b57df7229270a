//! Exact PCA against scikit-learn's figures on the bundled splits, principal angles on subspaces
//! whose angles are known, and bad input answered with errors.
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::analysis::pca::{principal_angles_degrees, Pca};
use ae_playground::data::files;
use ae_playground::data::Dataset;

fn digits() -> Dataset {
    files::repo("digits").unwrap_or_else(|e| panic!("{e}"))
}

fn mnist() -> Dataset {
    files::repo("mnist").unwrap_or_else(|e| panic!("{e}"))
}

/// The given rows as values, [rows, dim], with their count.
fn rows(data: &Dataset, range: std::ops::Range<usize>) -> (Vec<f32>, usize) {
    let rows: Vec<usize> = range.collect();
    let mut out = vec![0.0; rows.len() * data.dim()];
    data.gather(&rows, &mut out);
    (out, rows.len())
}

/// Fit on the train rows and hold the test error for each k to scikit-learn's figure within 0.5%.
fn check_against_sklearn(data: &Dataset, references: &[(usize, f64)]) -> Pca {
    let (train, n_train) = rows(data, data.train_rows());
    let (test, n_test) = rows(data, data.test_rows());
    let pca = Pca::fit(&train, n_train, data.dim()).unwrap();
    for &(k, reference) in references {
        let error = pca.reconstruction_error(&test, n_test, k).unwrap();
        let off = (error - reference).abs() / reference;
        println!("{} PCA-{k}: test error {error:.4} (scikit-learn {reference})", data.name);
        assert!(off < 0.005, "{} PCA-{k}: test error {error} is {:.2}% off {reference}", data.name, off * 100.0);
    }
    pca
}

#[test]
fn uci_digits_match_scikit_learn() {
    let data = digits();
    let pca = check_against_sklearn(&data, &[(2, 3.359), (8, 1.566), (16, 0.7376)]);
    // On the training samples, error(k) is exactly the variance left out: Σ_{j ≥ k} λ_j.
    let (train, n) = rows(&data, data.train_rows());
    assert!(pca.variances.windows(2).all(|w| w[0] >= w[1]), "variances not decreasing");
    for k in [0, 5, 64] {
        let left_out: f64 = pca.variances[k..].iter().sum();
        let error = pca.reconstruction_error(&train, n, k).unwrap();
        assert!((error - left_out).abs() < 1e-9 * (1.0 + left_out), "k {k}: error {error} vs Σλ {left_out}");
    }
    // Components are orthonormal: P Pᵀ = I.
    for (i, a) in pca.components.chunks_exact(64).enumerate() {
        for (j, b) in pca.components.chunks_exact(64).enumerate() {
            let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            assert!((dot - (i == j) as u8 as f64).abs() < 1e-10, "component {i}·{j} = {dot}");
        }
    }
}

#[test]
fn mnist_matches_scikit_learn() {
    check_against_sklearn(&mnist(), &[(2, 43.60), (16, 21.16), (30, 14.12), (64, 7.275)]);
}

fn assert_angles(angles: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(angles.len(), expected.len(), "angles {angles:?}");
    for (a, e) in angles.iter().zip(expected) {
        assert!((a - e).abs() < tolerance, "angles {angles:?}, expected {expected:?}");
    }
}

#[test]
fn principal_angles_of_known_subspaces() {
    let e = |i: usize| -> Vec<f64> { (0..5).map(|j| (i == j) as u8 as f64).collect() };
    let [e1, e2, e3, e4] = [e(0), e(1), e(2), e(3)];
    let span = |rows: &[&Vec<f64>]| rows.iter().flat_map(|r| r.iter().copied()).collect::<Vec<f64>>();
    let e1_plus_e2: Vec<f64> = e1.iter().zip(&e2).map(|(a, b)| a + b).collect();
    assert_angles(
        &principal_angles_degrees(&span(&[&e1, &e2]), 2, &span(&[&e3, &e4]), 2, 5).unwrap(),
        &[90.0; 2],
        1e-9,
    );
    assert_angles(&principal_angles_degrees(&e1, 1, &e1_plus_e2, 1, 5).unwrap(), &[45.0], 1e-9);
    // Different sizes give min(ka, kb) angles: span{e1 + e2} lies inside span{e1, e2, e3}.
    let wide = span(&[&e1, &e2, &e3]);
    assert_angles(&principal_angles_degrees(&wide, 3, &e1_plus_e2, 1, 5).unwrap(), &[0.0], 1e-6);
    assert_angles(&principal_angles_degrees(&e3, 1, &span(&[&e1, &e2]), 2, 5).unwrap(), &[90.0], 1e-9);

    // A basis and the same space given by a non-orthonormal basis M·A, M invertible. The basis is
    // pseudo-random: plain sin(i·c) rows obey a linear recurrence and span only two dimensions.
    let (k, dim) = (3, 10);
    let a: Vec<f64> = (0..k * dim).map(|i| ((i as f64 * 12.9898).sin() * 43_758.545).fract()).collect();
    let m = [[2.0, 1.0, 0.5], [0.0, 3.0, -1.0], [1.0, 0.0, 0.25]];
    let b: Vec<f64> = (0..k * dim).map(|i| (0..k).map(|j| m[i / dim][j] * a[j * dim + i % dim]).sum()).collect();
    assert_angles(&principal_angles_degrees(&a, k, &b, k, dim).unwrap(), &[0.0; 3], 1e-6);
}

#[test]
fn a_pca_basis_against_itself_rotated_and_its_neighbours() {
    let data = digits();
    let (train, n) = rows(&data, data.train_rows());
    let pca = Pca::fit(&train, n, 64).unwrap();
    // Rotate each pair of the top 8 components by 30°: the same subspace in another basis.
    let (sin, cos) = 30f64.to_radians().sin_cos();
    let mut rotated = pca.basis(8).to_vec();
    for pair in rotated.chunks_exact_mut(128) {
        let (u, v) = pair.split_at_mut(64);
        for (x, y) in u.iter_mut().zip(v) {
            (*x, *y) = (cos * *x - sin * *y, sin * *x + cos * *y);
        }
    }
    assert_ne!(rotated, pca.basis(8));
    assert_angles(&principal_angles_degrees(pca.basis(8), 8, &rotated, 8, 64).unwrap(), &[0.0; 8], 1e-6);
    // The top 8 lie inside the top 16, and are orthogonal to components 8..16.
    assert_angles(&principal_angles_degrees(pca.basis(8), 8, pca.basis(16), 16, 64).unwrap(), &[0.0; 8], 1e-6);
    let next_8 = &pca.components[8 * 64..16 * 64];
    assert_angles(&principal_angles_degrees(pca.basis(8), 8, next_8, 8, 64).unwrap(), &[90.0; 8], 1e-6);
}

#[test]
fn bad_input_gets_errors_not_panics() {
    let samples = [0.0, 1.0, 2.0, 3.0, 4.0, 6.0];
    let pca = Pca::fit(&samples, 3, 2).unwrap();
    let message = |r: Result<_, ae_playground::error::Error>| r.map(|_: Pca| ()).unwrap_err().message;
    assert!(pca.reconstruction_error(&samples, 3, 3).unwrap_err().message.contains("3 components"));
    assert!(message(Pca::fit(&samples[..2], 1, 2)).contains("at least 2 samples"));
    assert!(message(Pca::fit(&samples, 2, 2)).contains("not 2 samples of 2"));
    assert!(message(Pca::fit(&samples, 6, 0)).contains("dim 0"));
    assert!(message(Pca::fit(&[0.0, 1.0, f32::NAN, 3.0], 2, 2)).contains("NaN"));
    assert!(pca.reconstruction_error(&[0.0, f32::INFINITY], 1, 1).unwrap_err().message.contains("inf"));
    assert!(pca.reconstruction_error(&samples, 2, 1).is_err());
    let dependent = principal_angles_degrees(&[1.0, 2.0, 2.0, 4.0], 2, &[1.0, 0.0], 1, 2).unwrap_err();
    assert!(dependent.message.contains("not linearly independent"), "{dependent}");
    assert!(principal_angles_degrees(&[1.0, 2.0, 3.0], 1, &[1.0, 0.0], 1, 2).is_err());
    assert!(principal_angles_degrees(&[1.0, f64::NAN], 1, &[1.0, 0.0], 1, 2).is_err());
    assert!(principal_angles_degrees(&[1.0; 6], 3, &[1.0, 0.0], 1, 2).is_err());
}

#[test]
fn the_latent_projection_matches_exact_pca_coordinates() {
    use ae_playground::analysis::projection::project_2d;
    let data = digits();
    let (x, n) = rows(&data, 0..500);
    let d = data.dim();
    let pca = Pca::fit(&x, n, d).unwrap();
    let points = project_2d(&x, n, d);
    // Each projected coordinate against exact PCA's (up to the sign of each component).
    for c in 0..2 {
        let exact: Vec<f64> = x
            .chunks_exact(d)
            .map(|row| (0..d).map(|j| (row[j] as f64 - pca.mean[j]) * pca.components[c * d + j]).sum())
            .collect();
        let ours: Vec<f64> = points.iter().skip(c).step_by(2).map(|&p| p as f64).collect();
        let dot: f64 = exact.iter().zip(&ours).map(|(a, b)| a * b).sum();
        let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
        let cosine = (dot / (norm(&exact) * norm(&ours))).abs();
        println!("component {}: |cos| between exact and subspace-iteration coordinates {cosine:.6}", c + 1);
        assert!(cosine > 0.999, "component {}: {cosine}", c + 1);
    }
    // A 2-unit code is drawn as it is, a 1-unit one on a line.
    assert_eq!(project_2d(&[1.0, 2.0, 3.0, 4.0], 2, 2), vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(project_2d(&[5.0, 6.0], 2, 1), vec![5.0, 0.0, 6.0, 0.0]);
}
