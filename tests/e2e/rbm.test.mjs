// End to end: Hinton's pretraining and the learning-rate schedules in the page. While an RBM stage
// trains, the diagram draws it as two layers joined by undirected links with no decoder, the
// reconstructions say they are one Gibbs step, and the dreams (Gibbs chains from noise) show and run
// on; fine-tuning takes the usual hourglass. A schedule draws the rate on the loss chart, lives in the
// address, and a reload resumes it at the same rate.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, open, savedAt, scrollThrough, start } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

const train = (page, steps) => page.evaluate((steps) => window.aePlayground.train({ steps }), steps);

test('an RBM stage is drawn as an RBM, reconstructs by one Gibbs step and dreams', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#hidden=64,16&pretrain=rbm&pretrainEpochs=2&epochs=2`);
  for (let i = 0; i < 3; i++) await train(page, 40);
  const phase = await page.evaluate(() => window.aePlayground.metrics().phase);
  assert.equal(phase.name, 'RBM 1');
  assert.equal(phase.rbm, true);
  await page.waitForFunction(() => document.querySelectorAll('#network .card[data-rbm]').length === 2);
  const rbm = await page.$$eval('#network .card[data-rbm]', (els) => els.map((e) => [e.dataset.id, e.dataset.rbm, e.querySelector('.card-stage')?.textContent ?? '']));
  assert.deepEqual(rbm.map(([id, side]) => [id, side]), [['input', 'visible'], ['enc0', 'hidden']]);
  assert.match(rbm[1][2], /RBM: one weight matrix, both ways; no decoder/);
  assert.equal(await page.$eval('#network [data-id="enc0"] canvas.stage', () => true).catch(() => false), false, 'no stage decoder is drawn');
  assert.match(await page.$eval('#recon-bottom', (e) => e.textContent), /one Gibbs step/);
  await page.waitForFunction(() => !document.getElementById('dreams-block').hidden);
  const dreamed = async () => Number((await page.$eval('#dreams-what', (e) => e.textContent)).match(/(\d+) steps on/)[1]);
  const before = await dreamed();
  await train(page, 40);
  await page.waitForFunction((before) => Number(document.getElementById('dreams-what').textContent.match(/(\d+) steps on/)[1]) > before, before);
  // The dreams are drawn: the canvas is not blank paper.
  const inked = await page.$eval('#dreams', (c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) dark += data[i] < 200;
    return dark;
  });
  assert.ok(inked > 50, `the dreams drew ${inked} dark pixels`);
  await page.screenshot({ path: new URL('rbm-stage.png', ARTIFACTS).pathname, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await scrollThrough(page);
  await page.screenshot({ path: new URL('rbm-stage-phone.png', ARTIFACTS).pathname, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
  // On to fine-tuning: the usual cards, no dreams.
  while ((await page.evaluate(() => window.aePlayground.metrics().phase.kind)) !== 'fineTune') await train(page, 200);
  await train(page, 10);
  await page.waitForFunction(() => document.querySelectorAll('#network .card[data-rbm]').length === 0);
  await page.waitForFunction(() => document.getElementById('dreams-block').hidden);
  assert.doesNotMatch(await page.$eval('#recon-bottom', (e) => e.textContent), /Gibbs/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a schedule draws its rate on the loss chart, is kept in the address, and a reload resumes it', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=16&schedule=cosine&warmupEpochs=1&epochs=4`);
  assert.match(page.url(), /schedule=cosine/);
  for (let i = 0; i < 4; i++) await train(page, 20);
  const m = await page.evaluate(() => window.aePlayground.metrics());
  // 22 steps an epoch of 1,437 rows at 64: warm-up over 22 steps, then down to 0 at step 88.
  const expected = 0.003 * 0.5 * (1 + Math.cos((Math.PI * (80 - 22)) / (88 - 22)));
  assert.ok(Math.abs(m.learningRate - expected) < 1e-9, `rate ${m.learningRate} at step 80, expected ${expected}`);
  assert.match(await page.$eval('#loss-key', (e) => e.textContent), /learning rate \(right axis\)/);
  const rates = await page.evaluate(() => window.aePlayground.debug.lossSeries().at(-1).filter((v) => v != null));
  assert.ok(rates.length > 2 && rates.some((r) => r > 0.0025) && rates.at(-1) < 0.001, `rates drawn: ${rates}`);
  await page.screenshot({ path: new URL('schedule-chart.png', ARTIFACTS).pathname });
  await savedAt(page, 80);
  await page.reload();
  await page.evaluate(() => window.aePlayground.ready);
  await page.waitForFunction(() => /Resumed the run/.test(document.getElementById('run-status').textContent));
  const resumed = await page.evaluate(() => window.aePlayground.metrics());
  assert.equal(resumed.step, 80);
  assert.equal(resumed.learningRate, m.learningRate, 'the schedule goes on where it was');
  assert.deepEqual(errors, []);
  await page.close();
});
