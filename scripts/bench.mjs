// npm run bench: serves dist/, runs the side-by-side page (www/bench/versus.html: this engine against TF.js
// and jax-js on the same network, weights and batches, on 1 and N threads) in headless Chromium, times the
// same step in native PyTorch on 1 and N threads where its environment is ($AE_TORCH_ENV), then measures
// the playground's page load, and prints the results as markdown with the machine, the browser and the date.
// Usage: node scripts/bench.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
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

// The same step in PyTorch (784-256-64-256-784 sigmoid, squared error summed per sample / batch, Adam
// 0.001, batch 64), on 1 and on N threads in turns (A B A B) after a warm-up, as the page times its nets:
// prints {"version", "<threads>": median ms per step}. The weights are PyTorch's own initialisation and
// the batch one fixed random batch: only the time is compared (the page checks the losses).
const TORCH_STEP = `
import json, statistics, sys, time, torch
n, turns, steps = map(int, sys.argv[1:4])
torch.manual_seed(1)
x = torch.rand(64, 784)
def make():
    widths = [784, 256, 64, 256, 784]
    net = torch.nn.Sequential(*[m for a, b in zip(widths, widths[1:]) for m in (torch.nn.Linear(a, b), torch.nn.Sigmoid())])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    def step():
        opt.zero_grad()
        loss = ((net(x) - x) ** 2).sum() / 64
        loss.backward()
        opt.step()
        return loss
    return step
runs = {k: make() for k in sorted({1, n})}
times = {k: [] for k in runs}
for k, step in runs.items():
    torch.set_num_threads(k)
    for _ in range(10): step()
for _ in range(turns):
    for k, step in runs.items():
        torch.set_num_threads(k)
        start = time.perf_counter()
        for _ in range(steps): loss = step()
        loss.item()
        times[k].append((time.perf_counter() - start) / steps * 1000)
print(json.dumps({"version": torch.__version__, **{str(k): statistics.median(t) for k, t in times.items()}}))
`;

/** PyTorch's ms per step on 1 and `n` threads ({version, 1, n}), or {why} where it cannot run. */
function pytorch(n) {
  const env = process.env.AE_TORCH_ENV ?? `${homedir()}/.cache/ae-playground/torch`;
  const python = `${env}/bin/python`;
  if (!existsSync(python)) return { why: `no PyTorch environment at ${env} (scripts/setup.sh --test makes it)` };
  const { OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, ...childEnv } = process.env; // as TOOLCHAIN.md measured it
  const run = spawnSync(python, ['-c', TORCH_STEP, String(n), quick ? '2' : '7', quick ? '5' : '20'], { encoding: 'utf8', env: childEnv, timeout: 300_000 });
  if (run.status !== 0) return { why: `PyTorch failed: ${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)}` };
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

/** Rows for PyTorch's times and the ratios of ours (threaded build, in a worker) to them. */
function pytorchRows(report) {
  const n = report.threads?.n ?? 1;
  const torch = pytorch(n);
  if (torch.why) return [['ms per step (CPU, threads)', 'PyTorch (native)', `not measured: ${torch.why}`]];
  const rows = [];
  const counts = [...new Set([1, n])];
  for (const k of counts) rows.push(['ms per step (CPU, threads)', `PyTorch ${torch.version} native, ${k} thread${k === 1 ? '' : 's'} (torch.set_num_threads)`, `${torch[k].toFixed(2)} ms`]);
  for (const k of counts) {
    const ours = report.timing[`ours@${k}`];
    if (ours) rows.push(['ratio', `ours / PyTorch, ${k} thread${k === 1 ? '' : 's'}`, `${(ours / torch[k]).toFixed(2)}×`]);
  }
  return rows;
}

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
  const torchRows = pytorchRows(report);
  console.log(`Side by side with TF.js ${report.tfjs.version} and jax-js 0.1.25: ${browser.version()}, ${model} at ${mhz.toFixed(0)} MHz (${quick ? 'quick run, ' : ''}${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| what | engine | result |\n|---|---|---|');
  for (const r of report.rows) console.log(`| ${r.what} | ${r.engine} | ${r.result} |`);
  for (const r of torchRows) console.log(`| ${r.join(' | ')} |`);
  const best = Math.max(...report.gemm.flatMap((g) => [g.ours, g.tfjs])); // jax-js's fused multiply-add has another peak
  console.log(`\nSIMD128 peak of one core: 4 lanes × (2 mul + 2 add pipes) × ${(mhz / 1000).toFixed(2)} GHz (nominal) = ${peak.toFixed(1)} GFLOPS`);
  if (best > peak) console.log(`The fastest product (${best.toFixed(1)} GFLOPS) exceeds that: the core runs at ${(best / 16).toFixed(2)} GHz or more.`);
  for (const g of report.gemm) console.log(`GEMM ${g.product} 512³: ours ${(100 * g.ours / peak).toFixed(0)}% of the nominal peak, TF.js wasm ${(100 * g.tfjs / peak).toFixed(0)}%${g.jax ? `, jax-js wasm ${(100 * g.jax / peak).toFixed(0)}%` : ''}`);
  console.log('(jax-js multiplies with relaxed SIMD\'s fused multiply-add where the browser has it, as Chromium does: its peak is not bound by the mul + add count above.)');
  console.log(`\n${await pageLoad(browser)}`);
} finally {
  await browser.close();
  server.close();
}
