//! The engine's convolutions (patches, then one product: model/conv.rs, engine/forward.rs) against
//! the direct plain-loop definitions, and col2im as im2col's adjoint. Their gradients are checked
//! in gradients.rs, their GPU kernels in kernels.rs.

use ae_playground::model::architecture::{autoencoder, Shape};
use ae_playground::model::config::{Config, ConvLayer};
use ae_playground::model::conv::{col2im, conv_direct, conv_transpose_direct, im2col, Geometry};
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
            conv: vec![ConvLayer { filters: 4, kernel, stride }],
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
