// End to end: the bench page runs in headless Chromium (quick mode) and reports every measurement.
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

test('side by side, TF.js and this engine train the same net to the same losses, and both are timed', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.url}www/bench/versus.html#quick`);
  const report = await page.evaluate(() => window.aeVersus.done);
  assert.equal(report.tfjs.simd, true, 'TF.js wasm runs with SIMD');
  assert.deepEqual(report.agreement.map((a) => a.engine), ['wasm', 'cpu']);
  for (const a of report.agreement) {
    // Same weights, same batch: the first loss matches to float rounding; after the steps, within 0.1%.
    assert.ok(Math.abs(a.first[1] - a.first[0]) / a.first[0] < 1e-5, JSON.stringify(a));
    assert.ok(a.worst < 1e-3, JSON.stringify(a));
    assert.ok(a.last[0] < 0.7 * a.first[0], `training lowered the loss: ${JSON.stringify(a)}`);
  }
  for (const engine of ['ours', 'wasm', 'cpu']) assert.ok(report.timing[engine] > 0, JSON.stringify(report.timing));
  assert.equal(report.gemm.length, 3);
  for (const g of report.gemm) assert.ok(g.ours > 0 && g.tfjs > 0, JSON.stringify(g));
  assert.deepEqual(errors, []);
  await page.close();
});
