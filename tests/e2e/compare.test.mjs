// End to end: compare mode. A and B train in lockstep in the one worker, and B's losses are those of a
// lone run of B's settings at the same steps; the address holds B's changes; the page's views show both
// (screenshots in artifacts/); the drawer's form starts a comparison and a bad one is refused; each
// comparison lesson's goals fire in the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, open, openDrawer, start } from './browser.mjs';
import { LESSONS } from '../../www/lessons/lessons.js';

let env;
before(async () => (env = await start()));
after(() => env.stop());

const STEPS = [40, 120];

/** Test losses after each count of STEPS (trained by the API, which reports the test loss). */
async function lossesAt(page, which) {
  const losses = [];
  for (const steps of STEPS) {
    const m = await page.evaluate((n) => window.aePlayground.train({ steps: n - window.aePlayground.metrics().step }), steps);
    losses.push(which === 'b' ? { step: m.b.step, loss: m.b.testLoss, aStep: m.step } : { step: m.step, loss: m.testLoss });
  }
  return losses;
}

test('A and B train in lockstep, and B trains as B alone would; the address holds B', async () => {
  const base = '#dataset=digits&hidden=32,8&batchSize=32&seed=3';
  const { page, errors } = await open(env.browser, `${env.url}${base}`);
  await page.evaluate(() => window.aePlayground.compare({ masking: 0.3, hidden: [32, 4] }));
  const params = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.deepEqual(Object.fromEntries(new URLSearchParams(params.get('b'))), { hidden: '32,4', masking: '0.3' });
  const paired = await lossesAt(page, 'b');
  for (const p of paired) assert.equal(p.step, p.aStep, 'the same steps');
  assert.deepEqual(paired.map((p) => p.step), STEPS);
  // The same address opens the comparison again.
  const again = await open(env.browser, page.url());
  assert.deepEqual((await again.page.evaluate(() => window.aePlayground.comparing())).changes, { masking: 0.3, hidden: [32, 4] });
  await again.page.close();
  // B alone, from B's settings in the address.
  const lone = await open(env.browser, `${env.url}${base}&masking=0.3&hidden=32,4`);
  const alone = await lossesAt(lone.page, 'a');
  console.log(`B in lockstep: ${paired.map((p) => `${p.step} ${p.loss}`).join(', ')}; B alone: ${alone.map((p) => `${p.step} ${p.loss}`).join(', ')}`);
  assert.deepEqual(paired.map((p) => p.loss), alone.map((p) => p.loss), 'B in lockstep loses exactly what B alone loses');
  await lone.page.close();
  // The worker itself refuses a B of other data, keeping both models.
  const refused = await page.evaluate(() => window.aePlayground.debug.request({ type: 'reset', settings: window.aePlayground.settings(), compare: { dataset: 'mnist' } }).then(() => 'accepted', (e) => e.message));
  assert.match(refused, /B trains on A's data/);
  assert.match(await page.evaluate(() => window.aePlayground.compare({}).then(() => 'accepted', (e) => e.message)), /at least one setting/);
  assert.equal((await page.evaluate(() => window.aePlayground.train({ steps: 1 }))).b.step, STEPS.at(-1) + 1, 'B kept');
  // Ended: B goes from the figures, the address, the chart and the reconstructions; A trains on.
  await page.evaluate(() => window.aePlayground.compare(null));
  const m = await page.evaluate(() => window.aePlayground.metrics());
  assert.equal(m.b, null);
  assert.equal(m.maskedTestLoss, undefined, 'what only a comparison measures goes with B');
  assert.equal(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('b'), null);
  assert.equal((await page.evaluate(() => window.aePlayground.train({ steps: 10 }))).step, STEPS.at(-1) + 11);
  assert.equal((await page.evaluate(() => window.aePlayground.debug.lossSeries())).length, 4, 'step, train, test, learning rate: B’s series gone');
  assert.equal(await page.textContent('#recon-compare'), '');
  assert.ok(await page.locator('#compare-bar').isHidden());
  assert.deepEqual(errors, []);
  await page.close();
});

test('the views show both: the chart, the reconstructions, the aligned planes, the headline; the diagram switches', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=mnist&hidden=16`);
  await page.click('#compare-open'); // the drawer, open at the comparison form
  await page.selectOption('#compare-preset', 'masking=0.3');
  await page.click('#compare-form button[type=submit]');
  await page.waitForFunction(() => window.aePlayground.comparing()?.changes.masking === 0.3);
  await page.click('#drawer-close');
  await page.evaluate(() => window.aePlayground.train({ steps: 150 }));
  await page.waitForFunction(() => /Step 150: B's test loss/.test(document.querySelector('#compare-headline').textContent));
  assert.match(await page.textContent('#compare-what'), /Masking fraction 0\.3/);
  assert.match(await page.textContent('#compare-details'), /half of each test input masked: A [\d.]+, B [\d.]+/);
  assert.match(await page.textContent('#recon-compare'), /A: the outputs; B: corrupted as in training, then the outputs/);
  assert.match(await page.textContent('#latent-b-what'), /^B \(right\): .*Procrustes/);
  const series = await page.evaluate(() => window.aePlayground.debug.lossSeries());
  assert.equal(series.length, 6, 'step, A train, A test, B train, B test, learning rate');
  assert.ok(series[4].some((v) => v > 0), 'B’s test loss is drawn');
  await page.screenshot({ path: new URL('compare-desktop.png', ARTIFACTS).pathname });
  // The diagram shows B's net: its corrupted input card.
  await page.click('#diagram-b');
  await page.waitForFunction(() => window.aePlayground.activations().some((c) => c.role === 'noise'));
  await page.click('#diagram-a');
  await page.waitForFunction(() => !window.aePlayground.activations().some((c) => c.role === 'noise'));
  // A comparison the engine refuses leaves the one in hand.
  await openDrawer(page);
  await page.fill('#compare-changes', 'dataset=digits');
  await page.click('#compare-form button[type=submit]');
  await page.waitForFunction(() => /data/.test(document.querySelector('#message').textContent));
  await page.fill('#compare-changes', 'nonsense=3');
  await page.click('#compare-form button[type=submit]');
  await page.waitForFunction(() => /not a setting/.test(document.querySelector('#message').textContent));
  assert.equal((await page.evaluate(() => window.aePlayground.comparing())).changes.masking, 0.3);
  assert.equal(await page.evaluate(() => window.aePlayground.metrics().b.step), 150);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.click('#drawer-close');
  await page.screenshot({ path: new URL('compare-phone.png', ARTIFACTS).pathname });
  await page.locator('#output-title').locator('..').screenshot({ path: new URL('compare-phone-outputs.png', ARTIFACTS).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

test('when A finishes first, B trains on to its end, and only then is training over', async () => {
  // A: one epoch end to end; B: two pretraining stages of an epoch, then that epoch of fine-tuning.
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=16,8&epochs=1&b=pretrainEpochs%3D1`);
  await page.evaluate(() => window.aePlayground.play());
  await page.waitForFunction(() => window.aePlayground.metrics().b?.finished && !window.aePlayground.metrics().running, null, { timeout: 60_000 });
  const m = await page.evaluate(() => window.aePlayground.metrics());
  console.log(`A finished at step ${m.step}, B at ${m.b.step}`);
  assert.ok(m.finished && m.b.step > m.step, `A ${m.step}, B ${m.b.step}`);
  const [steps] = await page.evaluate(() => window.aePlayground.debug.lossSeries());
  assert.ok(steps.every((s, i) => i === 0 || s > steps[i - 1]), `the chart's steps ascend: ${steps.join(', ')}`);
  assert.ok(await page.locator('#pause').isDisabled());
  // A lesson's comparison can be turned off in the address.
  const off = await open(env.browser, `${env.url}#lesson=denoisingVsPlain&b=off`);
  assert.equal(await off.page.evaluate(() => window.aePlayground.comparing()), null);
  await off.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test("each comparison lesson's goals fire in the page", async () => {
  for (const lesson of LESSONS.filter((l) => l.compare)) {
    const { page, errors } = await open(env.browser, `${env.url}#lesson=${lesson.key}`);
    assert.deepEqual(await page.evaluate(() => window.aePlayground.comparing().changes), lesson.compare);
    const goal = lesson.steps[0].goal;
    assert.equal((await page.evaluate(() => window.aePlayground.lesson())).met, false, `${lesson.key}: not met before training`);
    await page.evaluate((n) => window.aePlayground.train({ steps: n }), goal.stepsAtLeast);
    await page.waitForFunction(() => window.aePlayground.lesson().met);
    const m = await page.evaluate(() => window.aePlayground.metrics());
    console.log(`${lesson.key}: step ${m.step}, test loss A ${m.testLoss.toFixed(3)} B ${m.b.testLoss.toFixed(3)}; half-masked A ${m.maskedTestLoss.toFixed(3)} B ${m.b.maskedTestLoss.toFixed(3)}; mean code A ${m.meanCode.toFixed(3)} B ${m.b.meanCode.toFixed(3)}`);
    if (lesson.key === 'whyPretrain') await page.screenshot({ path: new URL('compare-why-pretrain.png', ARTIFACTS).pathname });
    assert.deepEqual(errors, []);
    await page.close();
  }
});
