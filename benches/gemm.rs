//! GFLOPS of the native CPU matmul on the three products training uses, as a markdown table:
//! `cargo bench --bench gemm`. `npm run bench:gemm` measures the same in wasm under Node.

use ae_playground::bench::{measure, Product, RUNS};
use std::time::Instant;

const SIZES: [usize; 2] = [256, 512];
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
}
