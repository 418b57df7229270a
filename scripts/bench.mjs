// npm run bench: serves dist/, runs the side-by-side page (www/versus.html: this engine against TF.js
// on the same network, weights and batches) in headless Chromium, then measures the playground's page
// load, and prints the results as markdown with the machine, the browser and the date.
// Usage: node scripts/bench.mjs [--quick]
import { readFileSync } from 'node:fs';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const quick = process.argv.includes('--quick');
const cpu = readFileSync('/proc/cpuinfo', 'utf8');
const model = cpu.match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
const mhz = Number(cpu.match(/cpu MHz\s*:\s*([\d.]+)/)?.[1] ?? NaN);
// wasm SIMD128 has no fused multiply-add: a product's inner loop is f32x4.mul + f32x4.add. With two
// vector multiply pipes and two vector add pipes (AMD Zen, Intel since Skylake), one core retires
// 2 mul + 2 add of 4 lanes a cycle: 16 flops per cycle.
const peak = (16 * mhz) / 1000;

const { server, url } = await serve('dist', 0);
const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  await page.goto(`${url}www/versus.html${quick ? '#quick' : ''}`);
  const report = await page.evaluate(() => window.aeVersus.done);
  console.log(`Side by side with TF.js ${report.tfjs.version}: ${browser.version()}, ${model} at ${mhz.toFixed(0)} MHz (${quick ? 'quick run, ' : ''}${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| what | engine | result |\n|---|---|---|');
  for (const r of report.rows) console.log(`| ${r.what} | ${r.engine} | ${r.result} |`);
  console.log(`\nSIMD128 peak of one core: 4 lanes × (2 mul + 2 add pipes) × ${(mhz / 1000).toFixed(2)} GHz = ${peak.toFixed(1)} GFLOPS`);
  for (const g of report.gemm) console.log(`GEMM ${g.product} 512³: ours ${(100 * g.ours / peak).toFixed(0)}% of peak, TF.js wasm ${(100 * g.tfjs / peak).toFixed(0)}%`);
} finally {
  await browser.close();
  server.close();
}
