// npm run bench: serves dist/, runs the side-by-side page (www/bench/versus.html: this engine against TF.js
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
// 2 mul + 2 add of 4 lanes a cycle: 16 flops per cycle. A VM reports its nominal clock; the core may
// run faster (boost), so the peak is also given at the clock the fastest product implies at least.
const peak = (16 * mhz) / 1000;

/** Loads the playground 3 times, each in a fresh context (empty cache): the median time from
 * navigation to the first reconstruction drawn, and the bytes transferred (bodies as sent, i.e.
 * compressed, plus headers) up to then and once the page is idle. */
async function pageLoad(browser) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = [];
    page.on('requestfinished', (r) => requests.push(r));
    await page.goto(url);
    const ms = await page.evaluate(async () => {
      while (!performance.getEntriesByName('first-reconstruction').length) await new Promise((r) => setTimeout(r, 5));
      return performance.getEntriesByName('first-reconstruction')[0].startTime;
    });
    await page.waitForLoadState('networkidle');
    let bytes = 0;
    for (const r of requests) {
      const sizes = await r.sizes();
      bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    }
    runs.push({ ms, bytes, files: requests.length });
    await context.close();
  }
  runs.sort((a, b) => a.ms - b.ms);
  const { ms, bytes, files } = runs[1];
  return `Page load (median of 3, empty cache, served by scripts/serve.mjs with brotli): first reconstruction after ${ms.toFixed(0)} ms; ${files} files, ${(bytes / 1e6).toFixed(3)} MB transferred (compressed bodies + headers, from Chromium's request sizes)`;
}

const { server, url } = await serve('dist', 0);
const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  await page.goto(`${url}www/bench/versus.html${quick ? '#quick' : ''}`);
  const report = await page.evaluate(() => window.aeVersus.done);
  console.log(`Side by side with TF.js ${report.tfjs.version}: ${browser.version()}, ${model} at ${mhz.toFixed(0)} MHz (${quick ? 'quick run, ' : ''}${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| what | engine | result |\n|---|---|---|');
  for (const r of report.rows) console.log(`| ${r.what} | ${r.engine} | ${r.result} |`);
  const best = Math.max(...report.gemm.flatMap((g) => [g.ours, g.tfjs]));
  console.log(`\nSIMD128 peak of one core: 4 lanes × (2 mul + 2 add pipes) × ${(mhz / 1000).toFixed(2)} GHz (nominal) = ${peak.toFixed(1)} GFLOPS`);
  if (best > peak) console.log(`The fastest product (${best.toFixed(1)} GFLOPS) exceeds that: the core runs at ${(best / 16).toFixed(2)} GHz or more.`);
  for (const g of report.gemm) console.log(`GEMM ${g.product} 512³: ours ${(100 * g.ours / peak).toFixed(0)}% of the nominal peak, TF.js wasm ${(100 * g.tfjs / peak).toFixed(0)}%`);
  console.log(`\n${await pageLoad(browser)}`);
} finally {
  await browser.close();
  server.close();
}
