// npm run bench:gemm: GFLOPS of the wasm CPU matmul (matrixmultiply, +simd128) under Node, as the
// same markdown table `cargo bench --bench gemm` prints natively. Needs dist/pkg-bench from scripts/build.sh.
import { readFileSync } from 'node:fs';
import init, { benchMatmul } from '../dist/pkg-bench/ae_playground.js';

const SIZES = [256, 512];
const MIN_SECONDS = 0.3;
const PRODUCTS = [
  ['ab', 'C = A·B (forward)'],
  ['atb', 'C = Aᵀ·B (weight gradient)'],
  ['abt', 'C = A·Bᵀ (input gradient)'],
];

const pkg = new URL('../dist/pkg-bench/', import.meta.url);
await init({ module_or_path: readFileSync(new URL('ae_playground_bg.wasm', pkg)) });
console.log(`CPU matmul (our SIMD128 kernel, src/wasm_gemm.rs), wasm32 in Node ${process.version}, release, single thread; ` +
  `median of 5 runs of ≥${MIN_SECONDS} s\n`);
console.log('| product | size | ms | GFLOPS |\n|---|---|---|---|');
for (const size of SIZES) {
  for (const [product, label] of PRODUCTS) {
    const gflops = benchMatmul(size, product, MIN_SECONDS);
    const ms = (2 * size ** 3) / (gflops * 1e9) * 1e3;
    console.log(`| ${label} | ${size}³ | ${ms.toFixed(3)} | ${gflops.toFixed(1)} |`);
  }
}
