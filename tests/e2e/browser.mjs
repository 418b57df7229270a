// Shared by the end-to-end tests: serve dist/ on 127.0.0.1, launch Chromium (scripts/chromium.mjs),
// and watch a page for console errors and for requests that leave its origin.
import { mkdir } from 'node:fs/promises';
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../../scripts/chromium.mjs';

export const ARTIFACTS = new URL('../../artifacts/', import.meta.url);

export async function start() {
  const { server, url } = await serve(new URL('../../dist/', import.meta.url).pathname, 0);
  const browser = await launch();
  await mkdir(ARTIFACTS, { recursive: true });
  return { server, url, browser, stop: async () => (await browser.close(), server.close()) };
}

/** Opens `url`, recording console errors, page errors and requests off the page's origin. */
export async function open(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  const offOrigin = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.context().on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== new URL(url).origin) offOrigin.push(r.url());
  });
  await page.goto(url);
  await page.evaluate(() => window.aePlayground.ready);
  return { page, errors, offOrigin };
}

/** Scrolls through the page as a person would, a frame at each stop: the views below the first
 * screen draw, and the panels are laid out, once in view. Any page with `evaluate` (engines.mjs too). */
export async function scrollThrough(page) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 500) {
    await page.evaluate((top) => scrollTo(0, top), y);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  await page.evaluate(() => scrollTo(0, 0));
}

/** A screenshot of the whole page into artifacts/`name`, taken after scrolling through it. */
export async function wholePageShot(page, name) {
  await scrollThrough(page);
  await page.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: true });
}

/** Opens the settings drawer (the settings, the upload and export controls live there). */
export async function openDrawer(page) {
  if (await page.locator('#drawer').isHidden()) await page.click('#drawer-open');
}

/** Texture mosaic `seed` (128², 4 textures) made in the page's worker, and 20 labelled pixels of each
 * texture picked from its truth by a stride, kept in the page as `window.picks`: {scene, picks}. With
 * `load`, the mosaic is also loaded for segmentation (a new model on its patches). */
export function mosaicPicks(page, seed, load = false) {
  return page.evaluate(
    async ([seed, load]) => {
      const s = await window.aePlayground.debug.request({ type: 'scene', kind: 'mosaic', seed, size: 128, regions: 4 });
      if (load) await window.aePlayground.loadSegmentation({ image: { width: s.width, height: s.height, channels: 1, pixels: s.pixels }, truth: s.truth, patch: 11, name: `mosaic-${seed}` });
      const picks = [];
      const taken = [0, 0, 0, 0];
      for (let i = 0, n = 0; n < s.truth.length && picks.length < 80; n++, i = (i + 7919) % s.truth.length) {
        if (taken[s.truth[i]] < 20) {
          taken[s.truth[i]]++;
          picks.push({ x: i % s.width, y: Math.floor(i / s.width), label: s.truth[i] });
        }
      }
      window.picks = picks;
      return picks;
    },
    [seed, load],
  );
}

/** Waits until the saved run in IndexedDB has `step` steps. */
export const savedAt = (page, step) =>
  page.waitForFunction(async (step) => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('ae-playground', 1);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const record = await new Promise((resolve) => {
      const r = db.transaction('runs').objectStore('runs').get('current');
      r.onsuccess = () => resolve(r.result);
    });
    db.close();
    return record?.step === step;
  }, step);
