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

/** Opens the settings drawer (the settings, the upload and export controls live there). */
export async function openDrawer(page) {
  if (await page.locator('#drawer').isHidden()) await page.click('#drawer-open');
}
