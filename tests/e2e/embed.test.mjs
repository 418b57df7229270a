// End to end: the playground embedded in pages of other origins — the <ae-playground> element and a
// plain iframe driven by postMessage — answers only the origins its embedder allowed, ignores
// malformed messages, and the example course page works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, start, wholePageShot } from './browser.mjs';
import { serve } from '../../scripts/serve.mjs';

let env;
let host; // another origin: the course site
let stranger; // a third origin, not allowed
before(async () => {
  env = await start();
  const dir = new URL('embed-hosts/', ARTIFACTS).pathname;
  mkdirSync(dir, { recursive: true });
  [host, stranger] = [await serve(dir, 0), await serve(dir, 0)];
  writeFileSync(`${dir}host.html`, `<!doctype html><title>host</title>
    <script type="module" src="${env.url}www/embed.js"></script>
    <ae-playground preset="denoising" dataset="digits" hide="Sparse" lock="masking" autoplay height="600px"></ae-playground>`);
  // A page of the third origin framing the playground with only the course site allowed.
  writeFileSync(`${dir}stranger.html`, `<!doctype html><title>stranger</title>
    <iframe id="f" src="${env.url}#dataset=digits&embedder=${encodeURIComponent(host.url.slice(0, -1))}"></iframe>
    <script>window.replies = []; addEventListener('message', (e) => window.replies.push(e.data));</script>`);
});
after(async () => {
  host.server.close();
  stranger.server.close();
  await env.stop();
});

test('<ae-playground> on another origin: preset, hide, lock, autoplay, and its methods', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${host.url}host.html`);
  await page.evaluate(() => document.querySelector('ae-playground').ready);
  await page.waitForFunction(async () => (await document.querySelector('ae-playground').metrics()).step > 5);
  assert.equal(await page.evaluate(() => document.querySelector('ae-playground').pause()), true);
  const frame = page.frames().find((f) => f.url().startsWith(env.url));
  assert.equal(await frame.textContent('.lesson-title'), 'Denoising');
  assert.equal(await frame.locator('#setting-klWeight').count(), 0, 'Sparse hidden');
  assert.ok(await frame.locator('#setting-masking').isDisabled(), 'masking locked');
  const settings = await page.evaluate(() => document.querySelector('ae-playground').loadPreset('pca'));
  assert.deepEqual([settings.activation, settings.dataset], ['linear', 'digits']);
  const refused = await page.evaluate(() => document.querySelector('ae-playground').loadPreset('nope').catch((e) => e.message));
  assert.match(refused, /no lesson "nope"/);
  // An instructor's own lesson, whole.
  const own = { title: 'Two units', settings: { dataset: 'digits', hidden: [2] }, steps: [{ text: 'Look at the plane.', watch: 'latent', goal: { stepsAtLeast: 10 } }] };
  const set = await page.evaluate((lesson) => document.querySelector('ae-playground').loadPreset(lesson), own);
  assert.deepEqual(set.hidden, [2]);
  assert.equal(await frame.textContent('.lesson-title'), 'Two units');
  const bad = await page.evaluate((lesson) => document.querySelector('ae-playground').loadPreset(lesson).catch((e) => e.message), { ...own, steps: [] });
  assert.match(bad, /steps/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('messages from an origin the embedder did not allow, and malformed ones, get no answer', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${stranger.url}stranger.html`);
  const frame = await (await page.$('#f')).contentFrame();
  await frame.waitForFunction(() => window.aePlayground?.metrics().testLoss > 0);
  await page.evaluate((origin) => {
    const target = document.getElementById('f').contentWindow;
    for (const message of [{ type: 'ae:metrics', id: 1 }, { type: 'ae:play', id: 2 }]) target.postMessage(message, origin);
  }, env.url.slice(0, -1));
  // The frame handles messages in the order they come: once an allowed request posted after them the
  // same way (from its own origin, always allowed) is answered, the disallowed ones have been handled.
  const answered = await frame.evaluate(
    () =>
      new Promise((resolve) => {
        addEventListener('message', (e) => e.data?.type === 'ae:reply' && e.data.id === 3 && resolve(e.data.value.step));
        window.postMessage({ type: 'ae:metrics', id: 3 }, location.origin);
      }),
  );
  assert.equal(typeof answered, 'number', 'the allowed request sent the same way was answered');
  assert.deepEqual(await page.evaluate(() => window.replies), [], 'no reply to a disallowed origin');
  assert.equal((await frame.evaluate(() => window.aePlayground.metrics())).running, false, 'and no effect');

  // From the allowed origin: malformed messages are ignored, a good one is answered.
  const good = await env.browser.newPage();
  const frameErrors = []; // from the host page and the playground in it
  good.on('console', (m) => m.type() === 'error' && frameErrors.push(m.text()));
  good.on('pageerror', (e) => frameErrors.push(e.message));
  await good.goto(`${host.url}host.html`);
  await good.evaluate(() => document.querySelector('ae-playground').ready);
  const answers = await good.evaluate(async (origin) => {
    const target = document.querySelector('iframe').contentWindow;
    const seen = [];
    addEventListener('message', (e) => e.data?.type === 'ae:reply' && seen.push(e.data.id));
    for (const junk of ['hello', null, 42, { type: 5 }, { type: 'ae:unknown', id: 7 }, [1, 2]]) target.postMessage(junk, origin);
    // Messages are handled in order: once the good one is answered, every malformed one before it was handled.
    const answered = new Promise((resolve) => addEventListener('message', (e) => e.data?.id === 99 && resolve()));
    target.postMessage({ type: 'ae:metrics', id: 99 }, origin);
    await answered;
    return seen;
  }, env.url.slice(0, -1));
  assert.deepEqual(answers, [99]);
  assert.deepEqual(frameErrors, []);
  await good.close();
  await page.close();
});

test('the example course page: the element and the postMessage iframe both work', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.url}www/course.html`);
  await page.waitForFunction(() => Number(document.getElementById('element-step').value) > 0, null, { timeout: 60000 });
  await page.click('#frame-vae');
  const frame = await (await page.$('#frame')).contentFrame();
  await frame.waitForFunction(() => window.aePlayground.settings().variational === true);
  await page.click('#frame-play');
  await page.waitForFunction(() => document.getElementById('frame-loss').value !== '–');
  await wholePageShot(page, 'course.png'); // scrolled through: each frame's views draw as they come into view
  assert.deepEqual(errors, []);
  await page.close();
});
