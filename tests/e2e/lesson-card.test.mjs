// The lesson card alone in Chromium, without the worker: it draws a step, marks its goal as the state
// changes (and says so once), asks a question with radio buttons in a labelled group, reports Back,
// Next and answers to its owner, and touches nothing outside its element. Serves the sources (www/
// needs no build for this).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../../scripts/chromium.mjs';

let env;
before(async () => {
  const { server, url } = await serve(new URL('../../', import.meta.url).pathname, 0);
  env = { server, url, browser: await launch() };
});
after(async () => (await env.browser.close(), env.server.close()));

/** A page of this origin with a card in #card beside #other; `window.calls` records its callbacks. */
async function cardPage() {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.url}www/lessons/example.json`);
  await page.setContent('<main><p id="other">not the card’s</p><section id="card"></section></main>');
  await page.evaluate(async () => {
    const { LessonCard } = await import('/www/views/lesson-card.js');
    const { LESSONS } = await import('/www/lessons/lessons.js');
    window.calls = [];
    window.lesson = LESSONS.find((l) => l.key === 'bottleneck');
    const FRESH = { step: 0, testLoss: null, phase: null };
    window.stateWith = (patch) => ({ metrics: { ...FRESH, ...patch.metrics }, settings: { hidden: [8], ...patch.settings }, fewLabels: null, answers: patch.answers ?? {} });
    window.card = new LessonCard(document.getElementById('card'), {
      onStep: (i) => window.calls.push(['step', i]),
      onAnswer: (step, choice) => window.calls.push(['answer', step, choice]),
    });
  });
  return { page, errors };
}

const show = (page, step, patch = {}) => page.evaluate(([step, patch]) => window.card.update(window.lesson, step, window.stateWith(patch)), [step, patch]);
const text = (page, selector) => page.locator(`#card ${selector}`).textContent();

test('a step with a goal: its words, the watched part, the mark as the loss falls, and Next', async () => {
  const { page, errors } = await cardPage();
  await show(page, 0);
  assert.equal(await page.getAttribute('#card', 'class'), 'lesson-card');
  assert.equal(await text(page, 'h3'), 'The bottleneck');
  assert.equal(await text(page, '.lesson-progress'), 'Step 1 of 3');
  assert.match(await text(page, '.lesson-text'), /^An undercomplete autoencoder/);
  assert.equal(await text(page, '.lesson-watch'), 'Watch: the reconstructions');
  assert.equal(await page.getAttribute('#card .lesson-goal', 'data-met'), 'false');
  assert.match(await text(page, '.lesson-goal'), /○ Goal: Get the test loss under 45 \(not yet\)/);
  assert.ok(await page.locator('#card .lesson-back').isDisabled());
  assert.equal(await text(page, '.lesson-next'), 'Next');
  assert.ok(await page.locator('#card .lesson-next').isEnabled(), 'a guide, not a gate');

  await show(page, 0, { metrics: { testLoss: 50 } });
  assert.equal(await page.getAttribute('#card .lesson-goal', 'data-met'), 'false');
  assert.equal(await text(page, '.lesson-announce'), '');
  await show(page, 0, { metrics: { testLoss: 44.9 } });
  assert.equal(await page.getAttribute('#card .lesson-goal', 'data-met'), 'true');
  assert.match(await text(page, '.lesson-goal'), /✓ Goal: .* \(met\)/);
  assert.equal(await text(page, '.lesson-next'), 'Goal met — next');
  assert.equal(await text(page, '.lesson-announce'), 'Goal met: Get the test loss under 45');
  assert.equal(await page.getAttribute('#card .lesson-announce', 'aria-live'), 'polite');

  await page.click('#card .lesson-next');
  assert.deepEqual(await page.evaluate(() => window.calls), [['step', 1]]);
  await show(page, 1, { metrics: { testLoss: 44.9 } });
  assert.equal(await text(page, '.lesson-progress'), 'Step 2 of 3');
  assert.equal(await page.getAttribute('#card .lesson-goal', 'data-met'), 'false', 'the next goal wants a 64-unit code');
  assert.ok(await page.locator('#card .lesson-next').evaluate((b) => b === document.activeElement), 'the keyboard stays on Next');
  await page.click('#card .lesson-back');
  assert.deepEqual(await page.evaluate(() => window.calls.at(-1)), ['step', 0]);
  assert.equal(await page.textContent('#other'), 'not the card’s');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a question: radio buttons in a group named by the question, feedback, and the last step', async () => {
  const { page, errors } = await cardPage();
  await show(page, 2);
  const group = page.getByRole('group', { name: 'Of codes of 2, 8 and 64 units, which gives the blurriest reconstructions?' });
  assert.equal(await group.getByRole('radio').count(), 3);
  assert.match(await text(page, '.lesson-goal'), /Answer the question below/);
  assert.ok(await page.locator('#card .lesson-next').isDisabled(), 'nothing after the last step');

  await group.getByRole('radio', { name: '8 units' }).check();
  assert.deepEqual(await page.evaluate(() => window.calls), [['answer', 2, 1]]);
  await show(page, 2, { answers: { 2: 1 } });
  assert.equal(await page.getAttribute('#card .lesson-goal', 'data-met'), 'false');
  assert.equal(await text(page, '.lesson-feedback'), 'Not quite: try another answer.');
  assert.ok(await group.getByRole('radio', { name: '8 units' }).isChecked());

  await group.getByRole('radio', { name: '2 units' }).check();
  await show(page, 2, { answers: { 2: 0 } });
  assert.equal(await page.getAttribute('#card .lesson-goal', 'data-met'), 'true');
  assert.match(await text(page, '.lesson-feedback'), /^Right\. The narrower the code/);
  assert.equal(await page.getAttribute('#card .lesson-feedback', 'aria-live'), 'polite');

  await page.evaluate(() => window.card.update(null, 0, {}));
  assert.ok(await page.locator('#card').isHidden(), 'no lesson: the card hides');
  assert.deepEqual(errors, []);
  await page.close();
});
