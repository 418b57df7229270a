// End to end: the first screen. At 1366×768 the diagram, the training controls, the loss, the
// reconstructions and the latent plane are all in view without scrolling; on a 375×800 phone the
// controls and the diagram come first; in an 800×700 box (an embedded lesson) the network, the
// reconstructions and the loss fit; nothing jumps as the page loads. Screenshots of free play and of
// every lesson at 1366×768, 1920×1080 and 375×800 go to artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, start } from './browser.mjs';
import { serve } from '../../scripts/serve.mjs';
import { LESSONS } from '../../www/lessons/lessons.js';

let env;
before(async () => (env = await start()));
after(() => env.stop());

/** Opens `hash` at `width` × `height`, recording layout shifts from the start; trains `steps` steps. */
async function openAt(width, height, hash = '', steps = 40) {
  const page = await env.browser.newPage({ viewport: { width, height } });
  await page.addInitScript(() => {
    window.shifts = 0;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => !e.hadRecentInput && (window.shifts += e.value))).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${env.url}${hash}`);
  await page.evaluate(() => window.aePlayground.ready);
  if (steps) await page.evaluate((n) => window.aePlayground.train({ steps: n }), steps);
  await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))));
  return page;
}

/** Each selector's box's bottom (in page pixels), and whether it lies inside the first `height` px. */
async function bottoms(page, selectors) {
  return page.evaluate((list) => Object.fromEntries(list.map((s) => [s, Math.round(document.querySelector(s).getBoundingClientRect().bottom + scrollY)])), selectors);
}

test('at 1366×768 the diagram, the controls, the loss, the reconstructions and the latent plane are in view', async () => {
  const page = await openAt(1366, 768);
  const seen = await bottoms(page, ['#network', '#play', '#pause', '#step', '#reset', '#loss-chart', '#reconstructions', '#latent']);
  for (const [what, bottom] of Object.entries(seen)) assert.ok(bottom <= 768, `${what} ends at ${bottom} px`);
  const shifts = await page.evaluate(() => window.shifts);
  console.log(`# layout shift while loading and training: ${shifts.toFixed(3)}`);
  assert.ok(shifts < 0.1, `the page jumped as it loaded: layout shift ${shifts}`);
  await page.close();
});

test('on a 375 px phone the controls to train and the diagram come first', async () => {
  const page = await openAt(375, 800);
  const seen = await bottoms(page, ['#play', '#step', '#network-title']);
  for (const [what, bottom] of Object.entries(seen)) assert.ok(bottom <= 800, `${what} ends at ${bottom} px`);
  const cards = await page.$$eval('#network .card', (els) => els.map((e) => e.getBoundingClientRect().top));
  assert.ok(cards.every((top, i) => i === 0 || top > cards[i - 1]), 'the hourglass runs downwards');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 375, `the page is ${wide} px wide`);
  await page.close();
});

test('in an 800×700 box the network, the reconstructions and the loss fit', async () => {
  const page = await openAt(800, 700);
  const seen = await bottoms(page, ['#network', '#reconstructions', '#loss-chart']);
  for (const [what, bottom] of Object.entries(seen)) assert.ok(bottom <= 700, `${what} ends at ${bottom} px`);
  await page.screenshot({ path: new URL('embedded-800x700.png', ARTIFACTS).pathname });
  await page.close();
});

test('free play and every lesson draw their network at three sizes (screenshots in artifacts/)', async () => {
  for (const [width, height] of [[1366, 768], [1920, 1080], [375, 800]]) {
    for (const key of ['', ...LESSONS.map((l) => l.key)]) {
      const page = await openAt(width, height, key ? `#lesson=${key}` : '', 60);
      await page.screenshot({ path: new URL(`screen-${key || 'free-play'}-${width}x${height}.png`, ARTIFACTS).pathname });
      // Each page drew its network with the sample's values (at least the input and a layer in training), and said nothing went wrong.
      const drawn = await page.evaluate(() => window.aePlayground.activations().filter((l) => l.values).length);
      assert.ok(drawn >= 2, `${key || 'free play'} at ${width}×${height}: ${drawn} layers with values`);
      assert.equal(await page.locator('#message').isHidden(), true, `${key || 'free play'}: ${await page.textContent('#message')}`);
      await page.close();
    }
  }
});

test('embedded in an 800×700 frame, a lesson shows the network, the reconstructions and the loss', async () => {
  const page = await env.browser.newPage({ viewport: { width: 840, height: 760 } });
  // A course page on another origin (a second server), framing a lesson.
  const dir = new URL('frame-host/', ARTIFACTS).pathname;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}course.html`, `<!doctype html><title>course</title><iframe title="playground" src="${env.url}#lesson=denoising&dataset=digits" style="width:800px;height:700px;border:0"></iframe>`);
  const host = await serve(dir, 0);
  try {
    await page.goto(`${host.url}course.html`);
    let frame;
    for (let tries = 0; tries < 100 && !(frame = page.frames().find((f) => f.url().startsWith(env.url))); tries++) await page.waitForTimeout(100);
    assert.ok(frame, 'the frame loads');
    await frame.waitForFunction(() => window.aePlayground);
    await frame.evaluate(() => window.aePlayground.ready);
    await frame.evaluate(() => window.aePlayground.train({ steps: 20 }));
    await page.screenshot({ path: new URL('embedded-lesson-800x700.png', ARTIFACTS).pathname });
    const seen = await bottoms(frame, ['.lesson-title', '#network', '#reconstructions', '#loss-chart']);
    for (const [what, bottom] of Object.entries(seen)) assert.ok(bottom <= 700, `${what} ends at ${bottom} px of the 700 px frame`);
    await page.close();
  } finally {
    host.server.close(); // (even when an assertion fails: node would wait on it)
  }
});
