// End to end: the bench pages run in headless Chromium (quick mode) and report every measurement: the
// engine's own (bench.html), and the side by side with TF.js and jax-js on 1 and N threads (versus.html).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

test('the bench page measures matmul and training on the CPU engine and on WebGPU', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.url}www/bench/bench.html#quick`);
  const rows = await page.evaluate(() => window.aeBench.done);
  const value = (r) => Number.parseFloat(r.result);
  const cpu = rows.filter((r) => r.engine.startsWith('CPU'));
  const gpu = rows.filter((r) => r.engine.startsWith('WebGPU') && r.what !== 'note');
  assert.equal(cpu.length, 5, JSON.stringify(rows)); // three matmul products, the dense net's training, the conv AE's
  assert.equal(gpu.length, 3, JSON.stringify(rows)); // one matmul, and the two training runs
  for (const r of [...cpu, ...gpu]) assert.ok(value(r) > 0, `${r.what} on ${r.engine}: ${r.result}`);
  assert.match(await page.textContent('#status'), /done/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('side by side, TF.js, jax-js and this engine train the same net to the same losses on 1 and N threads, and all are timed', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.url}www/bench/versus.html#quick`);
  const report = await page.evaluate(() => window.aeVersus.done);
  assert.equal(report.tfjs.simd, true, 'TF.js wasm runs with SIMD');
  assert.equal(report.tfjs.threads, 1, 'TF.js on the page runs one thread, as set');
  // The thread-count nets run in workers: served cross-origin isolated, the page always has them.
  const { n } = report.threads;
  const counts = n > 1 ? [1, n] : [1];
  const workers = ['ours', 'tfjs', 'jax'].flatMap((engine) => counts.map((k) => `${engine}@${k}`));
  assert.deepEqual(report.agreement.map((a) => a.engine), ['wasm', 'cpu', ...workers]);
  for (const a of report.agreement) {
    if (a.engine.startsWith('ours@')) {
      // The threaded build against the page's single-threaded one: the same code, built twice (the
      // threaded one by nightly, with atomics), on the same schedule: equal to float rounding at most.
      assert.ok(a.worst < 1e-5, JSON.stringify(a));
      continue;
    }
    // TF.js and jax-js: the same weights and batch, so the first loss matches to float rounding. After
    // that each library sums in its own order (jax-js's products with relaxed SIMD's fused multiply-add),
    // and Adam's division by √v̂ magnifies last-bit differences where v̂ is tiny. Measured here: at most
    // 0.9e-5 after these 10 steps for both (1.5e-5 after 50). TF.js keeps the 1e-3 it always had. jax-js's
    // Adam is written here, so its bound is 1e-4: 11× the measured worst, and below what a slip in it does
    // within 10 steps (measured: learning rate 10% off, 6e-2; no bias correction, 0.6; β₂ 0.99 for 0.999,
    // 2.2e-4; only ε tenfold, 1e-6, hides in rounding).
    assert.ok(Math.abs(a.first[1] - a.first[0]) / a.first[0] < 1e-5, JSON.stringify(a));
    assert.ok(a.worst < (a.engine.startsWith('jax@') ? 1e-4 : 1e-3), JSON.stringify(a));
    assert.ok(a.last[0] < 0.7 * a.first[0], `training lowered the loss: ${JSON.stringify(a)}`);
  }
  if (n > 1) {
    // The threaded build splits each product so that every sum runs in the same order on any number of
    // threads (src/kernels/threads.rs): on N threads the same bits as on 1.
    assert.deepEqual(report.losses[`ours@${n}`], report.losses['ours@1'], 'ours on N threads: the same losses as on 1');
    assert.equal(report.threads.identical, true);
    assert.equal(report.threads.info.ours[n], n, 'the threaded build runs N threads');
    assert.equal(report.threads.info.tfjs[n].threads, n, 'TF.js runs N threads in its worker');
    assert.equal(report.threads.info.jax.pool, n, 'jax-js has a pool of N workers');
  }
  for (const engine of ['ours', 'wasm', 'cpu', ...workers]) assert.ok(report.timing[engine] > 0, JSON.stringify(report.timing));
  const rows = (what) => report.rows.filter((r) => r.what === what);
  assert.equal(rows('ms per step (CPU, threads)').length, workers.length, JSON.stringify(report.rows));
  const ratios = rows('ratio').map((r) => r.engine);
  for (const k of counts) for (const peer of ['jax-js', 'TF.js wasm']) assert.ok(ratios.includes(`${peer} / ours, ${k} thread${k === 1 ? '' : 's'}`), JSON.stringify(ratios));
  if (n > 1) assert.ok(ratios.includes(`ours ${n} threads / ours 1 thread`), JSON.stringify(ratios));
  assert.equal(report.gemm.length, 3);
  for (const g of report.gemm) assert.ok(g.ours > 0 && g.tfjs > 0 && g.jax > 0, JSON.stringify(g));
  assert.deepEqual(errors, []);
  await page.close();
});
