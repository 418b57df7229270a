// End to end: the run is kept in IndexedDB and a reload resumes it exactly (step, curves, weights,
// optimizer state and batch order: it trains on as the uninterrupted run does), uploaded data
// included; another address starts afresh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, savedAt, start } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

const reconstructions = (page) => page.evaluate(async () => [...(await window.aePlayground.reconstruct([0, 1, 2])).outputs]);
const train = (page, steps) => page.evaluate((steps) => window.aePlayground.train({ steps }), steps);

test('a reload resumes the run exactly, and it trains on as if never interrupted', async () => {
  const url = `${env.url}#hidden=16&masking=0.2`;
  const { page, errors } = await open(env.browser, url);
  // Four calls: each ends with a report, so the curve has points however fast the steps run.
  let trained;
  for (let i = 0; i < 4; i++) trained = await train(page, 30);
  await savedAt(page, 120);
  const series = await page.evaluate(() => window.aePlayground.debug.lossSeries());
  const outputs = await reconstructions(page);
  await page.reload();
  await page.evaluate(() => window.aePlayground.ready);
  await page.waitForFunction(() => /Resumed the run/.test(document.getElementById('run-status').textContent));
  const resumed = await page.evaluate(() => window.aePlayground.metrics());
  assert.equal(resumed.step, 120);
  assert.equal(resumed.testLoss, trained.testLoss);
  assert.deepEqual(await reconstructions(page), outputs, 'the same weights');
  // The curves come back: the saved points, then the resumed model's first report (the same step).
  const curves = await page.evaluate(() => window.aePlayground.debug.lossSeries());
  assert.ok(series[0].length > 2, 'points were drawn before the reload');
  assert.deepEqual(curves.map((c) => c.slice(0, series[0].length)), series);
  await train(page, 30);

  // A new browser context has its own storage: the same settings trained 150 steps without a break.
  const fresh = await open(env.browser, url);
  await train(fresh.page, 150);
  assert.deepEqual(await reconstructions(page), await reconstructions(fresh.page), 'resumed and uninterrupted runs agree');
  await fresh.page.close();

  // Another address is another run: it starts afresh (and becomes the saved one).
  await page.goto('about:blank');
  await page.goto(`${env.url}#hidden=8`);
  await page.evaluate(() => window.aePlayground.ready);
  assert.equal((await page.evaluate(() => window.aePlayground.metrics())).step, 0);
  assert.equal(await page.textContent('#run-status'), '');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a run on uploaded data resumes with its data', async () => {
  const { page, errors } = await open(env.browser, env.url);
  const rows = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 7) / 7, i % 2].join(',')).join('\n');
  await page.evaluate((text) => window.aePlayground.upload([{ name: 'waves.csv', bytes: new TextEncoder().encode(text) }], { labelColumn: '4' }), rows);
  await page.evaluate(() => window.aePlayground.reset({ hidden: [2], batchSize: 16 }));
  await train(page, 40);
  await savedAt(page, 40);
  const outputs = await reconstructions(page);
  await page.reload();
  await page.evaluate(() => window.aePlayground.ready);
  await page.waitForFunction(() => /Resumed the run/.test(document.getElementById('run-status').textContent));
  assert.equal((await page.evaluate(() => window.aePlayground.settings())).dataset, 'upload:waves.csv');
  assert.equal((await page.evaluate(() => window.aePlayground.metrics())).step, 40);
  assert.deepEqual(await reconstructions(page), outputs);
  assert.equal(await page.inputValue('#setting-dataset'), 'upload:waves.csv');
  assert.deepEqual(errors, []);
  await page.close();
});
