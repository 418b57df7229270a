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
  await page.goto(`${env.url}www/bench.html#quick`);
  const rows = await page.evaluate(() => window.aeBench.done);
  const value = (r) => Number.parseFloat(r.result);
  const cpu = rows.filter((r) => r.engine.startsWith('CPU'));
  const gpu = rows.filter((r) => r.engine.startsWith('WebGPU') && r.what !== 'note');
  assert.equal(cpu.length, 4, JSON.stringify(rows)); // three matmul products and one training run
  assert.equal(gpu.length, 2, JSON.stringify(rows)); // one matmul and one training run
  for (const r of [...cpu, ...gpu]) assert.ok(value(r) > 0, `${r.what} on ${r.engine}: ${r.result}`);
  assert.match(await page.textContent('#status'), /done/);
  assert.deepEqual(errors, []);
  await page.close();
});
