// WebKit (Safari's engine) for the cross-engine tests: WebKitGTK's MiniBrowser, driven by
// WebKitWebDriver over W3C WebDriver (plain HTTP: a session, navigate, execute, screenshot), on a
// private Xvfb display. WebDriver has no console stream and no scripts run before a page's own.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
// MiniBrowser's window cannot be narrower than its toolbar allows (measured: 447 CSS px).
export const NARROWEST = 447;

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** Resolves once `url` answers (the driver is listening), trying for 30 s. */
async function listening(url) {
  for (let tries = 0; tries < 300; tries++) {
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not start (${url})`);
}

/** Starts Xvfb and WebKitWebDriver; `lang` is the locale the browser starts in (its LANG; under
 * C.UTF-8, Debian's default, WebKitGTK's navigator.language is "C"). `session()` starts a MiniBrowser
 * (one at a time: a page of the tests is a session of its own, so that one that hangs leaves the
 * next page a fresh browser). */
export async function launchWebKit({ lang = 'en_US.UTF-8' } = {}) {
  // Xvfb picks a free display and writes its number to fd 3.
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  let driver = null;
  let base = null;
  const stop = () => (driver?.kill(), xvfb.kill());
  process.once('exit', stop);
  try {
    const display = await new Promise((resolve, reject) => {
      xvfb.stdio[3].once('data', (d) => resolve(`:${String(d).trim()}`));
      xvfb.once('exit', () => reject(new Error('Xvfb did not start')));
    });
    const port = await freePort();
    driver = spawn('WebKitWebDriver', [`--port=${port}`], { env: { ...process.env, DISPLAY: display, LANG: lang, LC_ALL: lang }, stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    await listening(`${base}/status`);
  } catch (e) {
    stop();
    throw e;
  }
  const call = async (method, path, body) => {
    // (a hung MiniBrowser fails the call a little after the script timeout, not never)
    const answer = await (await fetch(base + path, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body), signal: AbortSignal.timeout(150_000) })).json();
    if (answer.value?.error) throw new Error(`${answer.value.error}: ${answer.value.message}`);
    return answer.value;
  };
  const capabilities = { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } };
  const browser = {
    version: null,
    /** A new MiniBrowser: a function that sends it WebDriver commands, and `end()`. */
    async session() {
      const { sessionId, capabilities: found } = await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
      browser.version = `WebKitGTK ${found.browserVersion}`;
      const session = (method, path, body) => call(method, `/session/${sessionId}${path}`, body);
      await session('POST', '/timeouts', { script: 120_000, pageLoad: 60_000 });
      session.end = () => session('DELETE', '').catch(() => {});
      return session;
    },
    close: stop,
  };
  return browser;
}

/** `fn(arg)` run in the page (awaited there); its JSON result, or its error thrown here. */
export async function execute(session, fn, arg) {
  const script = `const done = arguments[1];
    Promise.resolve().then(() => (${fn})(arguments[0]))
      .then((value) => done({ value: value === undefined ? null : value }), (e) => done({ error: String(e?.message ?? e) }));`;
  const { value, error } = await session('POST', '/execute/async', { script, args: [arg ?? null] });
  if (error !== undefined) throw new Error(error);
  return value;
}

/** Sizes the window so that the page's viewport is `width` × `height` (the toolbar's height added). */
export async function setViewport(session, width, height) {
  await session('POST', '/window/rect', { width: Math.max(width, NARROWEST), height });
  const inner = await execute(session, () => innerHeight);
  if (inner !== height) await session('POST', '/window/rect', { width: Math.max(width, NARROWEST), height: 2 * height - inner });
}

/** A PNG of the viewport into `path`; `fullPage` grows the window to the page's height first. */
export async function screenshot(session, path, { fullPage = false } = {}) {
  let restore = null;
  if (fullPage) {
    const [width, height, full] = await execute(session, () => [innerWidth, innerHeight, document.documentElement.scrollHeight]);
    restore = [width, height];
    await setViewport(session, width, full);
  }
  await writeFile(path, Buffer.from(await session('GET', '/screenshot'), 'base64'));
  if (restore) await setViewport(session, ...restore);
}
