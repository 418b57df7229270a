//! GFLOPS of the matrix products training uses, as markdown tables: the native CPU matmul at 256³ and
//! 512³, and the WGSL matmul on whatever GPU wgpu finds, 256³ to 4096³ (to 1024³ on a software adapter,
//! where larger sizes take minutes and say nothing). `cargo bench --bench gemm`; `npm run bench:gemm`
//! measures the CPU side in wasm under Node.

use ae_playground::bench::{measure, Product, RUNS};
use ae_playground::gpu::matmul::{GpuMatmul, View};
use ae_playground::gpu::GpuContext;
use ae_playground::matmul::Op;
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

/// C = A·B on the GPU: dispatches in batches, each batch waited for (a read-back of C), best of 3.
fn gpu_table(ctx: &GpuContext) {
    println!("\nWGSL matmul (64×64 tiles, 4×4 per invocation) on {}; C = A·B, best of 3 timed batches\n", ctx.adapter);
    println!("| size | ms | GFLOPS |\n|---|---|---|");
    let kernel = GpuMatmul::new(ctx);
    for n in GPU_SIZES.into_iter().filter(|&n| !ctx.software || n <= 1024) {
        let (a, b, c) = (ctx.storage("a", n * n), ctx.storage("b", n * n), ctx.storage("c", n * n));
        let product =
            kernel.product(ctx, View::whole(&c), View::at(&a, 0, Op::Plain), View::whole(&b), (n, n, n), false);
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
        let reps = ((MIN_SECONDS / run(1).max(1e-6)) as usize).clamp(1, 1000);
        let seconds = (0..3).map(|_| run(reps)).fold(f64::MAX, f64::min);
        println!("| {n}³ | {:.3} | {:.1} |", seconds * 1e3, 2.0 * (n as f64).powi(3) / seconds / 1e9);
    }
    if ctx.software {
        println!("\n(a software adapter: these figures check the path, not GPU speed)");
    }
}
