// End to end: every lesson opens from the address with its settings and text and trains; a course
// author's hide and lock hold; the address round-trips; the lesson chooser switches lessons.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, start } from './browser.mjs';
import { LESSONS } from '../../www/lessons.js';

let env;
before(async () => (env = await start()));
after(() => env.stop());

test('every lesson opens from the address, shows its text, has its settings and trains', async () => {
  for (const lesson of LESSONS) {
    const { page, errors } = await open(env.browser, `${env.url}#lesson=${lesson.key}`);
    assert.equal(await page.textContent('#lesson-title'), lesson.title);
    const settings = await page.evaluate(() => window.aePlayground.settings());
    for (const [key, value] of Object.entries(lesson.settings)) assert.deepEqual(settings[key], value, `${lesson.key}: ${key}`);
    const m = await page.evaluate(() => window.aePlayground.train({ steps: 30 }));
    console.log(`${lesson.key}: ${m.phase.name}, test loss ${m.testLoss.toFixed(3)} after 30 steps`);
    assert.ok(m.step === 30 && Number.isFinite(m.testLoss), `${lesson.key}: ${JSON.stringify(m)}`);
    assert.equal(new URL(page.url()).hash, `#lesson=${lesson.key}`, 'the lesson alone is the address');
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('hide and lock hold, the address round-trips, and the chooser switches lessons', async () => {
  const hash = '#lesson=denoising&hide=Sparse%2Cseed&lock=masking&masking=0.5';
  const { page, errors } = await open(env.browser, `${env.url}${hash}`);
  assert.equal((await page.evaluate(() => window.aePlayground.settings())).masking, 0.5);
  assert.equal(await page.locator('#setting-seed').count(), 0, 'seed hidden');
  assert.equal(await page.locator('#setting-klWeight').count(), 0, 'the Sparse group hidden');
  assert.ok(await page.locator('#setting-masking').isDisabled(), 'masking locked');
  assert.ok(await page.locator('#setting-hidden').isEnabled());
  const params = (h) => Object.fromEntries(new URLSearchParams(h.replace(/^#/, '')));
  assert.deepEqual(params(new URL(page.url()).hash), params(hash));

  // A change the author allowed goes into the address beside the lesson.
  await page.fill('#setting-hidden', '48');
  await page.press('#setting-hidden', 'Enter');
  await page.waitForFunction(() => window.aePlayground.settings().hidden[0] === 48);
  assert.deepEqual(params(new URL(page.url()).hash), { ...params(hash), hidden: '48' });

  // Choosing another lesson starts from its settings; what was hidden or locked stays so.
  await page.selectOption('#lesson-select', 'sparse');
  await page.waitForFunction(() => window.aePlayground.settings().klWeight === 0.5);
  assert.equal(await page.textContent('#lesson-title'), 'Sparse codes');
  assert.deepEqual(params(new URL(page.url()).hash), { lesson: 'sparse', hide: 'Sparse,seed', lock: 'masking' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('overlapping requests each get their own answer: two resets and an export at once', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits`);
  const result = await page.evaluate(async () => {
    const api = window.aePlayground;
    const [, , file] = await Promise.all([api.reset({ hidden: [16] }), api.reset({ hidden: [24] }), api.exportWeights()]);
    return { hidden: api.settings().hidden, hash: location.hash, bytes: file.length };
  });
  assert.deepEqual(result.hidden, [24], 'the last reset wins');
  assert.match(result.hash, /hidden=24/);
  assert.ok(result.bytes > 0);
  const refused = await page.evaluate(() => window.aePlayground.reset({ hidden: [0] }).then(() => 'accepted', (e) => e.message));
  assert.match(refused, /hidden/);
  assert.equal(await page.inputValue('#setting-hidden'), '24', 'the form shows the settings in force again');
  assert.deepEqual(errors, []);
  await page.close();
});
