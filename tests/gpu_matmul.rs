//! The WGSL matmul against the CPU reference, natively on whatever Vulkan adapter is present
//! (Mesa's lavapipe in CI). A missing adapter fails the tests unless AE_SKIP_GPU=1 (see common).
//! The browser's counterpart is tests/browser.rs.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ae_playground::kernels::gpu::matmul::{GpuMatmul, Tiles, View};
use ae_playground::kernels::matmul::{matmul_reference, Operand};
use ae_playground::rng::{Purpose, Rng};

fn random(len: usize, counter: u32) -> Vec<f32> {
    let s = Rng::new(9).stream(Purpose::Sample, counter);
    (0..len as u32).map(|i| s.uniform(i) * 2.0 - 1.0).collect()
}

#[test]
fn gpu_matmul_matches_cpu_reference() {
    let Some(ctx) = common::gpu() else { return };
    let (kernel, swizzled) = (GpuMatmul::new(&ctx), GpuMatmul::with_swizzled_rows(&ctx));
    // Parity bound: 1e-4 relative, as for every kernel (f32 sums of K terms vs an f64 reference).
    // Both kernels. Shapes that are multiples of a tile, and ragged ones that exercise every bounds
    // check (and several tiles of either size). Every transpose combination: the forward product and
    // both backward products.
    // The vector kernel takes only shapes that are multiples of 4 (260×48·48×132 is one, ragged against
    // its tiles); it is tried on those.
    let shapes = [
        (64, 64, 64),
        (128, 32, 128),
        (1, 1, 1),
        (37, 53, 29),
        (130, 17, 65),
        (256, 784, 32),
        (300, 50, 260),
        (260, 48, 132),
    ];
    // The large kernels both ways their staged rows are laid out (padded where the device grants it).
    let kernels = [(&kernel, if kernel.padded { "padded" } else { "swizzled" }), (&swizzled, "swizzled")];
    let runs = kernels.into_iter().flat_map(|k| Tiles::ALL.map(|t| (k, t))).flat_map(|r| shapes.map(|s| (r, s)));
    for (((kernel, rows), tiles), (m, k, n)) in runs {
        if tiles == Tiles::LargeVectors && [m, k, n].iter().any(|x| x % 4 != 0) {
            continue;
        }
        if tiles == Tiles::Small && std::ptr::eq(kernel, &swizzled) {
            continue; // the same small kernel again
        }
        for (op_a, op_b) in [
            (Operand::Plain, Operand::Plain),
            (Operand::Transposed, Operand::Plain),
            (Operand::Plain, Operand::Transposed),
            (Operand::Transposed, Operand::Transposed),
        ] {
            let (a, b) = (random(m * k, 1), random(k * n, 2));
            let gpu = pollster::block_on(kernel.run(tiles, &ctx, &a, op_a, &b, op_b, m, k, n)).unwrap();
            let mut cpu = vec![0.0; m * n];
            matmul_reference(&mut cpu, &a, op_a, &b, op_b, m, k, n, false);
            let worst = gpu.iter().zip(&cpu).map(|(g, c)| (g - c).abs() / (1.0 + c.abs())).fold(0.0f32, f32::max);
            println!(
                "{tiles:?} ({rows} rows) {m}×{k}·{k}×{n} {op_a:?}·{op_b:?}: worst relative difference {worst:.2e}"
            );
            assert!(worst < 1e-4, "{tiles:?} {m}×{k}×{n} {op_a:?}·{op_b:?}: GPU and CPU differ by {worst}");
        }
    }
}

/// Products of views into shared buffers at offsets, accumulating into C, as the trainer binds them:
/// every kernel, the vector one at offsets that are multiples of 4.
#[test]
fn gpu_matmul_reads_views_at_offsets_and_accumulates() {
    let Some(ctx) = common::gpu() else { return };
    let kernel = GpuMatmul::new(&ctx);
    let (m, k, n) = (132, 20, 136);
    let (off_a, off_b, off_c) = (8, 12, 4);
    let a = random(off_a + m * k, 3);
    let b = random(off_b + k * n, 4);
    let c0 = random(off_c + m * n, 5);
    for tiles in Tiles::ALL {
        let (a_buf, b_buf, c_buf) = (ctx.upload("a", &a), ctx.upload("b", &b), ctx.upload("c", &c0));
        let product = kernel.product_with(
            tiles,
            &ctx,
            View::at(&c_buf, off_c, Operand::Plain),
            View::at(&a_buf, off_a, Operand::Transposed),
            View::at(&b_buf, off_b, Operand::Plain),
            (m, k, n),
            true,
        );
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        kernel.dispatch(&mut encoder.begin_compute_pass(&Default::default()), &product);
        ctx.queue.submit([encoder.finish()]);
        let gpu = pollster::block_on(ctx.read_f32(&c_buf, off_c + m * n)).unwrap();
        let mut cpu = c0[off_c..].to_vec();
        matmul_reference(&mut cpu, &a[off_a..], Operand::Transposed, &b[off_b..], Operand::Plain, m, k, n, true);
        assert_eq!(gpu[..off_c], c0[..off_c], "{tiles:?}: values before C's offset changed");
        let worst = gpu[off_c..].iter().zip(&cpu).map(|(g, c)| (g - c).abs() / (1.0 + c.abs())).fold(0.0f32, f32::max);
        println!("{tiles:?} at offsets {off_a}, {off_b}, {off_c}, accumulating: worst relative difference {worst:.2e}");
        assert!(worst < 1e-4, "{tiles:?}: GPU and CPU differ by {worst}");
    }
}

#[test]
fn gpu_matmul_refuses_mismatched_operands() {
    let Some(ctx) = common::gpu() else { return };
    let err = pollster::block_on(GpuMatmul::new(&ctx).run(
        Tiles::Small,
        &ctx,
        &[1.0; 6],
        Operand::Plain,
        &[1.0; 5],
        Operand::Plain,
        2,
        3,
        2,
    ))
    .unwrap_err();
    assert!(err.message.contains("do not fit"), "{err}");
}
