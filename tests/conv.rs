//! The engine's convolutions (patches, then one product: model/conv.rs, engine/forward.rs) against
//! the direct plain-loop definitions, col2im as im2col's adjoint, and 2×2 max pooling and upsampling
//! by hand. Their gradients are checked
//! in gradients.rs, their GPU kernels in kernels.rs.

use ae_playground::model::architecture::{autoencoder, Shape};
use ae_playground::model::config::{Config, ConvLayer};
use ae_playground::model::conv::{
    col2im, conv_direct, conv_transpose_direct, im2col, max_pool, max_pool_backward, upsample, upsample_backward,
    Geometry, Pooling,
};
use ae_playground::model::layers::Activation;
use ae_playground::model::net::{Op, Trace};
use ae_playground::rng::{Purpose, Rng};

fn random(n: usize, seed: u32) -> Vec<f64> {
    let s = Rng::new(3).stream(Purpose::Sample, seed);
    (0..n as u32).map(|i| s.uniform(i) as f64 * 2.0 - 1.0).collect()
}

fn largest_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

const SHAPES: [(usize, usize, usize, usize, usize); 5] =
    [(6, 6, 1, 3, 2), (7, 5, 3, 3, 2), (5, 5, 1, 3, 1), (9, 8, 2, 5, 2), (4, 6, 3, 1, 1)];

#[test]
fn a_convolution_layer_and_its_transposed_mirror_match_the_direct_loops() {
    const B: usize = 3;
    for (height, width, channels, kernel, stride) in SHAPES {
        let config = Config {
            conv: vec![ConvLayer { filters: 4, kernel, stride, pool: false }],
            conv_activation: Activation::Linear,
            output_activation: Activation::Linear,
            hidden: vec![5],
            ..Config::default()
        };
        let (mut net, _) = autoencoder::<f64>(&config, Shape { height, width, channels });
        net.params = random(net.params.len(), 1);
        let x = random(B * height * width * channels, 2);
        let mut trace = Trace::default();
        net.forward(&mut trace, &x, B, None);
        let (Op::Conv(enc), Op::Conv(dec)) = (&net.ops[0], net.ops.last().unwrap()) else { panic!("conv ops") };
        let g = enc.geometry;
        let mut direct = vec![0.0; B * g.small()];
        conv_direct(&mut direct, &x, &net.params[enc.weight_range()], &net.params[enc.bias_range()], &g, B);
        let conv = largest_difference(&trace.outs[0], &direct);
        let small = &trace.outs[net.ops.len() - 2];
        let mut back = vec![0.0; B * g.large()];
        conv_transpose_direct(&mut back, small, &net.params[dec.weight_range()], &net.params[dec.bias_range()], &g, B);
        let transposed = largest_difference(trace.outs.last().unwrap(), &back);
        println!("{height}×{width}×{channels} k{kernel} s{stride}: conv {conv:.1e}, transposed {transposed:.1e}");
        assert!(conv < 1e-12 && transposed < 1e-12, "{g:?}: conv {conv}, transposed {transposed}");
    }
}

#[test]
fn col2im_is_the_adjoint_of_im2col() {
    // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for every x and c: col2im sends each patch value back to the
    // pixel it was copied from, and nothing else.
    const B: usize = 2;
    for (height, width, channels, kernel, stride) in SHAPES {
        let g = Geometry { height, width, channels, kernel, stride, filters: 1 };
        let (x, c) = (random(B * g.large(), 4), random(B * g.positions() * g.patch(), 5));
        let (mut cols, mut image) = (vec![0.0; c.len()], vec![0.0; x.len()]);
        im2col(&mut cols, &x, &g, B);
        col2im(&mut image, &c, &g, B);
        let left: f64 = cols.iter().zip(&c).map(|(a, b)| a * b).sum();
        let right: f64 = x.iter().zip(&image).map(|(a, b)| a * b).sum();
        assert!((left - right).abs() < 1e-12 * left.abs().max(1.0), "{g:?}: {left} vs {right}");
    }
    // The map sizes: PyTorch's for padding (k − 1)/2.
    let g = Geometry { height: 28, width: 28, channels: 1, kernel: 3, stride: 2, filters: 16 };
    assert_eq!((g.out_height(), g.out_width()), (14, 14));
    let g = Geometry { height: 7, width: 7, channels: 32, kernel: 3, stride: 2, filters: 16 };
    assert_eq!(g.positions(), 16);
}

#[test]
fn max_pooling_keeps_each_windows_largest_and_upsampling_is_its_mirror() {
    // One 4×4 map of 2 channels: channel 0 counts 0..15 row by row, channel 1 is its negative.
    let pool = Pooling { height: 4, width: 4, channels: 2 };
    let x: Vec<f64> = (0..16).flat_map(|v| [v as f64, -(v as f64)]).collect();
    let (mut y, mut which) = (vec![0.0; 8], vec![0.0; 8]);
    max_pool(&mut y, &mut which, &x, &pool, 1);
    // Windows (top left, top right, bottom left, bottom right): channel 0's largest is the window's
    // bottom right (place 3), channel 1's its top left (place 0).
    assert_eq!(y, vec![5.0, 0.0, 7.0, -2.0, 13.0, -8.0, 15.0, -10.0]);
    assert_eq!(which, vec![3.0, 0.0, 3.0, 0.0, 3.0, 0.0, 3.0, 0.0]);
    let mut dx = vec![9.0; 32];
    max_pool_backward(&mut dx, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], &which, &pool, 1);
    assert_eq!(dx.iter().filter(|&&v| v != 0.0).count(), 8, "the gradient reaches each window's largest only");
    assert_eq!((dx[10], dx[1]), (1.0, 2.0), "pixel (1, 1) of channel 0, pixel (0, 0) of channel 1");
    // Upsampling copies each value to its window; its backward sums the window: ⟨up(a), b⟩ = ⟨a, up*(b)⟩.
    let (a, b) = (random(8, 6), random(32, 7));
    let (mut up, mut down) = (vec![0.0; 32], vec![0.0; 8]);
    upsample(&mut up, &a, &pool, 1);
    upsample_backward(&mut down, &b, &pool, 1);
    assert_eq!(up[2 * 5 + 1], a[1], "pixel (1, 1) of channel 1 is the top-left window's");
    let left: f64 = up.iter().zip(&b).map(|(u, v)| u * v).sum();
    let right: f64 = a.iter().zip(&down).map(|(u, v)| u * v).sum();
    assert!((left - right).abs() < 1e-12, "{left} vs {right}");
}
