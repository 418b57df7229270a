// One page interface over the three browser engines the cross-engine tests drive, so that one test
// body runs in each: Chromium (Debian's, through playwright-core), Firefox ESR (Debian's, through
// puppeteer-core over WebDriver BiDi) and WebKit (WebKitGTK's MiniBrowser, tests/e2e/webkit.mjs).
// A page: goto, evaluate(fn, arg) (JSON in and out, awaited), inFrame (the same in its first iframe),
// waitFor, setViewport, screenshot, errors (console errors and uncaught exceptions; WebKit reports
// none: its tests read the page's own message line) and close.
import puppeteer from 'puppeteer-core';
import { launch as launchChromium } from '../../scripts/chromium.mjs';
import * as webkit from './webkit.mjs';

// (AE_ENGINES=firefox,webkit runs fewer, while working on one)
export const ENGINES = (process.env.AE_ENGINES ?? 'chromium,firefox,webkit').split(',');

// Firefox's own WebGPU (wgpu) on Mesa's lavapipe: off by default on Linux, on with these prefs.
const FIREFOX_WEBGPU = { 'dom.webgpu.enabled': true, 'gfx.webgpu.ignore-blocklist': true, 'dom.webgpu.workers.enabled': true };
const LAVAPIPE = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';

/** Chromium has no way to start in a POSIX locale (it always names a real language), so there the
 * page is shown the language a WebKit or Firefox started under LANG=C shows it: "C". */
function claimLanguage(language) {
  Object.defineProperty(Navigator.prototype, 'language', { get: () => language, configurable: true });
  Object.defineProperty(Navigator.prototype, 'languages', { get: () => [language], configurable: true });
}

/** Launches engine `name`; `locale` ('C', say) is the one it starts in; `webgpu: false` leaves
 * Firefox's WebGPU off, as it ships on Linux. */
export async function launchEngine(name, { locale, webgpu = true } = {}) {
  if (name === 'chromium') {
    const browser = await launchChromium();
    return {
      name,
      version: `Chromium ${browser.version()}`,
      async newPage({ width = 1200, height = 900 } = {}) {
        const page = await browser.newPage({ viewport: { width, height } });
        if (locale) await page.addInitScript(claimLanguage, locale);
        return driven(page, (w, h) => page.setViewportSize({ width: w, height: h }), (e) => page.frames()[e]);
      },
      close: () => browser.close(),
    };
  }
  if (name === 'firefox') {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
      headless: true,
      extraPrefsFirefox: { ...(webgpu ? FIREFOX_WEBGPU : {}), ...(locale ? { 'intl.accept_languages': locale } : {}) },
      env: { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? LAVAPIPE },
    });
    return {
      name,
      version: `Firefox ${(await browser.version()).split('/')[1]}`,
      async newPage({ width = 1200, height = 900 } = {}) {
        const page = await browser.newPage();
        await page.setViewport({ width, height });
        return driven(page, (w, h) => page.setViewport({ width: w, height: h }), (e) => page.frames()[e]);
      },
      close: () => browser.close(),
    };
  }
  if (name === 'webkit') return launchedWebKit(locale);
  throw new Error(`no engine ${name}`);
}

/** A page of Playwright or Puppeteer, whose APIs agree on what is used here. */
function driven(page, resize, frame) {
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return withWaiting({
    errors,
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    inFrame: (fn, arg) => frame(1).evaluate(fn, arg),
    setViewport: resize,
    screenshot: (path, options = {}) => page.screenshot({ path, fullPage: Boolean(options.fullPage) }),
    close: () => page.close(),
  });
}

/** WebKit: a WebDriver session (a MiniBrowser of its own) for each page, one at a time. */
async function launchedWebKit(locale) {
  // (Debian's default environment, LANG=C.UTF-8, is the one where WebKitGTK says "C")
  const browser = await webkit.launchWebKit(locale ? { lang: locale === 'C' ? 'C.UTF-8' : locale } : {});
  let current = null;
  return {
    name: 'webkit',
    get version() {
      return browser.version;
    },
    async newPage({ width = 1200, height = 900 } = {}) {
      await current?.end(); // (a test that failed may have left its page open)
      const session = (current = await browser.session());
      await webkit.setViewport(session, width, height);
      return withWaiting({
        errors: [],
        goto: (url) => session('POST', '/url', { url }),
        evaluate: (fn, arg) => webkit.execute(session, fn, arg),
        async inFrame(fn, arg) {
          const frame = await session('POST', '/element', { using: 'css selector', value: 'iframe' });
          await session('POST', '/frame', { id: frame });
          try {
            return await webkit.execute(session, fn, arg);
          } finally {
            await session('POST', '/frame/parent', {});
          }
        },
        setViewport: (w, h) => webkit.setViewport(session, w, h),
        screenshot: (path, options) => webkit.screenshot(session, path, options),
        close: () => session.end(),
      });
    },
    close: async () => (await current?.end(), browser.close()),
  };
}

/** Adds `waitFor(fn, arg, {timeout, what, inFrame})`: polls `fn(arg)` in the page (or its first
 * iframe) until it returns something truthy, and returns that. */
function withWaiting(page) {
  page.waitFor = async (fn, arg, { timeout = 60_000, what = String(fn), inFrame = false } = {}) => {
    const end = Date.now() + timeout;
    for (;;) {
      const value = await (inFrame ? page.inFrame(fn, arg) : page.evaluate(fn, arg)).catch(() => undefined);
      if (value) return value;
      if (Date.now() > end) throw new Error(`waited ${timeout} ms for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return page;
}

/** Opens the playground at `url` in `page` and waits for its API's `ready`: the engine, the data and
 * the first metrics. If the page never gets there, fails with what its status and message lines say. */
export async function openPlayground(page, url, { timeout = 60_000 } = {}) {
  await page.goto(url);
  const lines = () => page.evaluate(() => `backend line "${document.getElementById('backend')?.textContent}", message "${document.getElementById('message')?.textContent}"`);
  const failed = async (e) => {
    throw new Error(`${e.message}: ${await lines().catch(() => 'the page does not answer')}`);
  };
  await page.waitFor(() => Boolean(window.aePlayground), null, { timeout, what: 'the page API' }).catch(failed);
  // (polled, not awaited in one script: a page that never gets ready fails here, not at the driver's timeout)
  await page.evaluate(() => {
    window.readiness = 'waiting';
    window.aePlayground.ready.then(() => (window.readiness = 'ready'), (e) => (window.readiness = `refused: ${e.message}`));
  });
  const readiness = await page.waitFor(() => window.readiness !== 'waiting' && window.readiness, null, { timeout, what: 'the page to be ready' }).catch(failed);
  if (readiness !== 'ready') await failed(new Error(readiness));
}
