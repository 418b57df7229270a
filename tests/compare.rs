//! Compare mode's measurements: Procrustes puts a plane turned, flipped, scaled and shifted back on
//! the original, and the masked-input error is the squared error when nothing is masked and the same
//! for two models of one seed.
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::analysis::compare::procrustes_2d;
use ae_playground::data::files;
use ae_playground::{Config, Session};

/// Points of a lopsided cloud (no symmetry Procrustes could confuse).
fn cloud(n: usize) -> Vec<f32> {
    (0..n)
        .flat_map(|i| {
            let t = i as f32 * 0.37;
            [t.sin() * (1.0 + 0.1 * i as f32), (1.7 * t).cos() * 0.5 + 0.02 * i as f32]
        })
        .collect()
}

fn moved(points: &[f32], angle: f32, scale: f32, flip: bool, shift: [f32; 2]) -> Vec<f32> {
    let (c, s) = (angle.cos(), angle.sin());
    points
        .chunks_exact(2)
        .flat_map(|p| {
            let y = if flip { -p[1] } else { p[1] };
            [scale * (c * p[0] - s * y) + shift[0], scale * (s * p[0] + c * y) + shift[1]]
        })
        .collect()
}

fn worst_gap(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn procrustes_undoes_a_known_rotation_reflection_scale_and_shift() {
    let a = cloud(200);
    for (angle, scale, flip) in [(0.9, 2.5, false), (-2.4, 0.3, true), (3.1, 1.0, false), (0.0, 1.0, true)] {
        let b = moved(&a, angle, scale, flip, [4.0, -7.0]);
        let aligned = procrustes_2d(&a, &b);
        let gap = worst_gap(&a, &aligned);
        println!("turned {angle} rad, scaled {scale}, flipped {flip}: worst gap after alignment {gap:.2e}");
        assert!(gap < 1e-3, "angle {angle} scale {scale} flip {flip}: gap {gap}");
        assert!(worst_gap(&a, &b) > 0.5, "the moved plane differs before alignment");
    }
    // Noise on B: aligned, the points are back within about the noise.
    let b: Vec<f32> = moved(&a, 1.3, 1.8, true, [1.0, 2.0])
        .iter()
        .enumerate()
        .map(|(i, v)| v + 0.01 * ((i * 7919 % 13) as f32 - 6.0))
        .collect();
    let gap = worst_gap(&a, &procrustes_2d(&a, &b));
    assert!(gap < 0.06, "with noise: gap {gap}");
}

#[test]
fn masked_error_is_the_squared_error_unmasked_and_the_same_for_one_seed() {
    let data = files::repo("digits").unwrap_or_else(|e| panic!("{e}"));
    let config = Config { hidden: vec![16], batch_size: 32, ..Config::default() };
    let mut one = Session::new(config.clone(), data.clone()).unwrap();
    let mut two = Session::new(config, data).unwrap();
    for _ in 0..50 {
        one.train_step().unwrap();
        two.train_step().unwrap();
    }
    let unmasked = one.masked_test_error(0.0, usize::MAX).unwrap();
    let squared = one.evaluate_test().squared_error;
    assert!((unmasked - squared).abs() < 1e-4 * squared, "unmasked {unmasked} vs squared error {squared}");
    let (a, b) = (one.masked_test_error(0.5, 300).unwrap(), two.masked_test_error(0.5, 300).unwrap());
    assert_eq!(a, b, "one seed, one mask");
    assert!(a > unmasked, "masking half the pixels costs: {a} vs {unmasked}");
}
