//! GFLOPS of the matrix products training uses, as markdown tables: the native CPU matmul at 256³ and
//! 512³, and the WGSL matmul (both kernels, and the transposed products) on whatever GPU wgpu finds,
//! 256³ to 4096³ (to 1024³ on a software adapter, where larger sizes take minutes and say nothing). `cargo bench --bench gemm`; `npm run bench:gemm`
//! measures the CPU side in wasm under Node.

use ae_playground::bench::{measure, Product, RUNS};
use ae_playground::kernels::gpu::matmul::{GpuMatmul, Tiles, View};
use ae_playground::kernels::gpu::GpuContext;
use ae_playground::kernels::matmul::Operand;
use ae_playground::rng::{Purpose, Rng};
use std::time::Instant;

const SIZES: [usize; 2] = [256, 512];
const GPU_SIZES: [usize; 5] = [256, 512, 1024, 2048, 4096];
const MIN_SECONDS: f64 = 0.3;

fn main() {
    let epoch = Instant::now();
    let now = || epoch.elapsed().as_secs_f64();
    println!(
        "CPU matmul (matrixmultiply sgemm), native {}, release, single thread; median of {RUNS} runs of ≥{MIN_SECONDS} s\n",
        std::env::consts::ARCH
    );
    println!("| product | size | ms | GFLOPS |\n|---|---|---|---|");
    for size in SIZES {
        for product in Product::ALL {
            let t = measure(product, size, MIN_SECONDS, &now);
            println!("| {} | {size}³ | {:.3} | {:.1} |", product.label(), t.seconds * 1e3, t.gflops);
        }
    }
    match pollster::block_on(GpuContext::new()) {
        Ok(ctx) => gpu_table(&ctx),
        Err(why) => println!("\nNo GPU matmul table: {why}"),
    }
}

fn random(len: usize, counter: u32) -> Vec<f32> {
    let s = Rng::new(3).stream(Purpose::Sample, counter);
    (0..len as u32).map(|i| s.uniform(i) * 2.0 - 1.0).collect()
}

/// GFLOPS of each kernel and product on the GPU: dispatches in batches of about MIN_SECONDS, each
/// batch waited for (a read-back of one value of C), best of 3.
fn gpu_table(ctx: &GpuContext) {
    println!(
        "\nWGSL matmul on {}; best of 3 timed batches; GFLOPS; \"checked\": with wgpu's runtime checks\n",
        ctx.adapter
    );
    println!(
        "| size | A·B, 64-tile | A·B, 128-tile | A·B, 128-tile, vectors | Aᵀ·B (auto) | A·Bᵀ (auto) | kernel chosen | 64-tile, checked | 128-tile, vectors, checked |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let (kernels, checked) = (GpuMatmul::new(ctx), GpuMatmul::with_runtime_checks(ctx));
    for n in GPU_SIZES.into_iter().filter(|&n| !ctx.software || n <= 1024) {
        // Random operands: zeros can run faster than real data.
        let (a, b) = (ctx.upload("a", &random(n * n, 1)), ctx.upload("b", &random(n * n, 2)));
        let c = ctx.storage("c", n * n);
        let gflops = |kernel: &GpuMatmul, tiles: Tiles, op_a: Operand, op_b: Operand| {
            let product = kernel.product_with(
                tiles,
                ctx,
                View::whole(&c),
                View::at(&a, 0, op_a),
                View::at(&b, 0, op_b),
                (n, n, n),
                false,
            );
            let run = |reps: usize| {
                let start = Instant::now();
                let mut encoder = ctx.device.create_command_encoder(&Default::default());
                {
                    let mut pass = encoder.begin_compute_pass(&Default::default());
                    for _ in 0..reps {
                        kernel.dispatch(&mut pass, &product);
                    }
                }
                ctx.queue.submit([encoder.finish()]);
                pollster::block_on(ctx.read_f32(&c, 1)).unwrap();
                start.elapsed().as_secs_f64() / reps as f64
            };
            run(1); // warm-up (and shader compilation)
            let reps = ((MIN_SECONDS / run(1).max(1e-6)) as usize).clamp(1, 2000);
            let seconds = (0..3).map(|_| run(reps)).fold(f64::MAX, f64::min);
            2.0 * (n as f64).powi(3) / seconds / 1e9
        };
        let auto = Tiles::for_shape(n, n, true);
        let (plain, t) = (Operand::Plain, Operand::Transposed);
        println!(
            "| {n}³ | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {auto:?} | {:.0} | {:.0} |",
            gflops(&kernels, Tiles::Small, plain, plain),
            gflops(&kernels, Tiles::Large, plain, plain),
            gflops(&kernels, Tiles::LargeVectors, plain, plain),
            gflops(&kernels, auto, t, plain),
            gflops(&kernels, auto, plain, t),
            gflops(&checked, Tiles::Small, plain, plain),
            gflops(&checked, Tiles::LargeVectors, plain, plain),
        );
        for buffer in [a, b, c] {
            buffer.destroy();
        }
    }
    for tiles in Tiles::ALL {
        println!("\n{tiles:?}: {}", tiles.label());
    }
    println!("\nThe 128-tile kernels' staged rows: {}", if kernels.padded { "padded" } else { "swizzled (16 KiB)" });
    if ctx.software {
        println!("\n(a software adapter: these figures check the path, not GPU speed)");
    }
}
