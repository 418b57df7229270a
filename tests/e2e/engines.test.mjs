// End to end in every engine a student may have: Chromium, Firefox ESR and WebKit (Safari's engine),
// one test body each (engines.mjs). What differs between engines: the page loads and trains MNIST to
// the same test loss (bit for bit), says which backend and why, draws its views, runs under its
// Content-Security-Policy, trains a convolutional autoencoder and draws its maps, reads uploads (a CSV,
// a folder of images), exports and imports a model, resumes after a reload (IndexedDB), embeds, and
// never stalls at "starting…" (a "C" locale, a charts library that fails, a view that throws, a
// page that cannot start, storage that never answers), and runs on one thread inside a page that is
// not cross-origin isolated (threads.test.mjs has the threads where it is). Firefox also trains on its own WebGPU
// (lavapipe). Writes artifacts/engines.json (the README's browser table) and a screenshot of each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, scrollThrough } from './browser.mjs';
import { ENGINES, launchEngine, openPlayground } from './engines.mjs';
import { POLICY, serve } from '../../scripts/serve.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const STEPS = 200;
const found = {}; // per engine: {version, backend, testLoss, features}

let servers;
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const broken = (path, text) => serve(DIST, 0, { replace: { [path]: text } });
  servers = {
    page: await serve(DIST, 0),
    noCharts: await broken('/vendor/uPlot.iife.min.js', null),
    throwingCharts: await broken('/vendor/uPlot.iife.min.js', 'throw new Error("uPlot broken on purpose");'),
    // (a class whose constructor throws: the page's stand-in has its methods, doing nothing)
    throwingView: await broken('/www/views/readout.js', "export class Readout { constructor() { throw new Error('the readout is broken on purpose'); } update() {} }"),
    missingModule: await broken('/www/views/readout.js', null),
    noWasmCompiling: await serve(DIST, 0, { policy: POLICY.replace(" 'wasm-unsafe-eval'", '') }),
  };
});
after(() => Object.values(servers).forEach((s) => s?.server.close()));

/** How many pixels of canvas `id` are drawn (not transparent, not white). */
const inked = (page, id) =>
  page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] < 740) n++;
    return n;
  }, id);

/** What the engine runs: WebAssembly SIMD128 and relaxed SIMD (a one-function module of each
 * validated), shared memory, cross-origin isolation, and navigator.gpu's adapter if any. */
const features = (page) =>
  page.evaluate(async () => {
    const module = (body) => new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, body.length + 2, 1, body.length, ...body]);
    const simd = [0, 65, 0, 253, 15, 11]; // i32.const 0; i8x16.splat
    const relaxed = [0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]; // … i8x16.relaxed_swizzle
    let shared = true;
    try {
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    } catch {
      shared = false;
    }
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter().catch(() => null) : null;
    return {
      simd128: WebAssembly.validate(module(simd)),
      relaxedSimd: WebAssembly.validate(module(relaxed)),
      sharedMemory: shared,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      webgpu: !navigator.gpu ? 'no navigator.gpu' : adapter ? `adapter ${adapter.info?.vendor || '?'} ${adapter.info?.architecture || ''}`.trim() : 'no adapter',
    };
  });

for (const name of ENGINES) {
  describe(name, () => {
    let engine;
    before(async () => (engine = await launchEngine(name)));
    after(() => engine?.close());

    test('loads, says which backend and why, and trains MNIST', async () => {
      const page = await engine.newPage();
      await openPlayground(page, servers.page.url);
      const backend = await page.evaluate(() => document.getElementById('backend').textContent);
      assert.match(backend, /^Backend: (CPU, \d threads?( \(.+\))?|WebGPU) — \S/, 'a backend, its threads and its reason');
      const metrics = await page.evaluate((steps) => window.aePlayground.train({ steps }), STEPS);
      assert.equal(metrics.step, STEPS);
      assert.ok(metrics.testLoss < 80, `test loss ${metrics.testLoss} after ${STEPS} steps`);
      found[name] = { version: engine.version, backend, testLoss: metrics.testLoss, features: await features(page) };
      const { crossOriginIsolated, relaxedSimd } = found[name].features;
      found[name].build = crossOriginIsolated && relaxedSimd ? 'threaded, relaxed SIMD' : 'SIMD128';
      assert.ok(found[name].features.simd128, 'the engine runs the SIMD128 build');
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test('the network, reconstructions, loss and latent views draw, at desktop and phone sizes', async () => {
      const page = await engine.newPage();
      await openPlayground(page, servers.page.url);
      await page.evaluate(() => window.aePlayground.train({ steps: 100 }));
      await scrollThrough(page);
      assert.equal(await page.evaluate(() => document.querySelectorAll('#network .card').length), 3, "the diagram's cards: input, code, output");
      assert.ok(await page.evaluate(() => [...document.querySelectorAll('#network canvas.units')].every((c) => c.width > 0)), "the cards' units");
      assert.ok((await inked(page, 'reconstructions')) > 500, 'the reconstructions');
      assert.ok((await inked(page, 'latent')) > 200, 'the latent plane');
      await page.waitFor(() => Boolean(document.querySelector('#loss-chart canvas')), null, { what: 'the loss chart' });
      assert.equal(await page.evaluate(() => document.querySelectorAll('.view-failed').length), 0);
      await page.screenshot(new URL(`engine-${name}-desktop.png`, ARTIFACTS).pathname, { fullPage: true });
      await page.setViewport(390, 844);
      await scrollThrough(page);
      await page.screenshot(new URL(`engine-${name}-phone.png`, ARTIFACTS).pathname, { fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test('a convolutional autoencoder trains and draws its feature maps', async () => {
      const page = await engine.newPage();
      await openPlayground(page, `${servers.page.url}#dataset=digits&conv=8k3s2&hidden=16`);
      const metrics = await page.evaluate(() => window.aePlayground.train({ steps: 60 }));
      assert.equal(metrics.step, 60);
      assert.ok(Number.isFinite(metrics.testLoss), `test loss ${metrics.testLoss}`);
      const ids = await page.evaluate(() => [...document.querySelectorAll('#network .card')].map((c) => c.dataset.id));
      assert.deepEqual(ids, ['input', 'conv0', 'enc0', 'deconv0', 'output']);
      // The first convolution's maps drawn in the diagram's colours (the drawing follows the worker's report).
      await page.waitFor(() => {
        const c = document.querySelector('#network [data-id="conv0"] canvas.units');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) n += Math.abs(d[i] - d[i + 2]) > 30;
        return n > 20;
      }, null, { what: "the first convolution's maps" });
      await page.screenshot(new URL(`engine-${name}-conv.png`, ARTIFACTS).pathname, { fullPage: false });
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test('runs under its Content-Security-Policy: nothing the page does is refused, an inline script is', async () => {
      const page = await engine.newPage();
      await openPlayground(page, servers.page.url);
      await page.evaluate(() => window.aePlayground.train({ steps: 20 }));
      await scrollThrough(page); // the charts' library and the panels load too
      assert.deepEqual(page.errors, [], 'no violation (WebKit reports none here: the probe below speaks for it)');
      const inline = await page.evaluate(async () => {
        const script = Object.assign(document.createElement('script'), { textContent: 'window.inlineRan = true' });
        document.head.append(script);
        await new Promise((r) => setTimeout(r, 50));
        return window.inlineRan === true ? 'ran' : 'refused';
      });
      assert.equal(inline, 'refused', 'the policy is in force');
      await page.close();
    });

    test("the policy reaches the worker, where the wasm compiles: without 'wasm-unsafe-eval' the page says it cannot start", async () => {
      const page = await engine.newPage();
      await page.goto(servers.noWasmCompiling.url);
      const text = await page.waitFor(() => document.getElementById('message').textContent, null, { what: 'the message line' });
      assert.match(text, /WebAssembly|wasm|Content.Security.Policy|unsafe-eval/i);
      assert.notEqual(await page.evaluate(() => document.getElementById('backend').textContent), 'Backend: starting…');
      await page.close();
    });

    test('uploads a CSV and a folder of images', async () => {
      const page = await engine.newPage();
      await openPlayground(page, servers.page.url);
      const csv = await page.evaluate(async () => {
        const rows = Array.from({ length: 60 }, (_, i) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 0.3 + j).toFixed(4)).join(','));
        const summary = await window.aePlayground.upload([{ name: 'waves.csv', bytes: new TextEncoder().encode(rows.join('\n')) }], {});
        await window.aePlayground.train({ steps: 10 });
        return summary;
      });
      assert.deepEqual([csv.n, csv.width], [60, 8]);
      const images = await page.evaluate(async () => {
        const files = [];
        for (const shape of ['circle', 'square']) {
          for (let i = 0; i < 12; i++) {
            const c = Object.assign(document.createElement('canvas'), { width: 32, height: 32 });
            const g = c.getContext('2d');
            g.fillStyle = '#000';
            g.fillRect(0, 0, 32, 32);
            g.fillStyle = '#fff';
            const r = 5 + (i % 8);
            if (shape === 'circle') g.arc(16, 16, r, 0, 2 * Math.PI), g.fill();
            else g.fillRect(16 - r, 16 - r, 2 * r, 2 * r);
            const blob = await new Promise((resolve) => c.toBlob(resolve, 'image/png'));
            files.push({ name: `${i}.png`, path: `shapes/${shape}/${i}.png`, bytes: new Uint8Array(await blob.arrayBuffer()) });
          }
        }
        const summary = await window.aePlayground.upload(files, { imageSize: 16 });
        const metrics = await window.aePlayground.train({ steps: 10 });
        return { ...summary, step: metrics.step };
      });
      assert.deepEqual([images.n, images.width, images.height, images.classNames, images.step], [24, 16, 16, ['circle', 'square'], 10]);
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test('exports a model and imports it back; a reload resumes the run', async () => {
      const page = await engine.newPage();
      const address = `${servers.page.url}#dataset=digits&seed=${ENGINES.indexOf(name) + 11}`;
      await openPlayground(page, address);
      const same = await page.evaluate(async () => {
        const api = window.aePlayground;
        await api.train({ steps: 30 });
        const bytes = await api.exportWeights();
        const before = Array.from((await api.reconstruct([0, 1, 2])).outputs);
        await api.reset({ seed: 99 });
        const other = Array.from((await api.reconstruct([0, 1, 2])).outputs);
        await api.importWeights(bytes);
        const after = Array.from((await api.reconstruct([0, 1, 2])).outputs);
        return { back: after.every((v, i) => v === before[i]), changed: other.some((v, i) => v !== before[i]) };
      });
      assert.deepEqual(same, { back: true, changed: true }, 'the imported model is the exported one');
      // A run at its own address, saved, then the page opened again.
      await page.goto('about:blank');
      await openPlayground(page, address);
      await page.evaluate(() => window.aePlayground.train({ steps: 40 }));
      await page.waitFor(() =>
        new Promise((resolve) => {
          const r = indexedDB.open('ae-playground', 1);
          r.onerror = () => resolve(false);
          r.onsuccess = () => {
            const get = r.result.transaction('runs').objectStore('runs').get('current');
            get.onsuccess = () => resolve(get.result?.step === 40);
            get.onerror = () => resolve(false);
          };
        }), null, { what: 'the run saved at step 40' });
      const href = await page.evaluate(() => location.href);
      await page.goto('about:blank');
      await openPlayground(page, href);
      await page.waitFor(() => /Resumed the run/.test(document.getElementById('run-status').textContent), null, { what: 'the resumed run' });
      assert.equal(await page.evaluate(() => window.aePlayground.metrics().step), 40);
      await page.close();
    });

    test('the <ae-playground> element and a plain iframe on another origin that is not isolated: one thread, and why', async () => {
      const dir = new URL(`engine-hosts/${name}/`, ARTIFACTS).pathname;
      mkdirSync(dir, { recursive: true });
      const host = await serve(dir, 0, { isolate: false });
      try {
        writeFileSync(`${dir}element.html`, `<!doctype html><title>element</title>
          <script type="module" src="${servers.page.url}www/embed.js"></script>
          <ae-playground dataset="digits" autoplay height="600px"></ae-playground>`);
        writeFileSync(`${dir}frame.html`, `<!doctype html><title>frame</title>
          <iframe id="f" width="900" height="700" src="${servers.page.url}#dataset=digits&embedder=${encodeURIComponent(host.url.slice(0, -1))}"></iframe>
          <script>window.replies = []; addEventListener('message', (e) => window.replies.push(e.data));</script>`);
        const page = await engine.newPage();
        await page.goto(`${host.url}element.html`);
        await page.waitFor(async () => (await document.querySelector('ae-playground')?.metrics())?.step > 5, null, { what: 'the element training' });
        await page.evaluate(() => document.querySelector('ae-playground').pause());
        await page.goto(`${host.url}frame.html`);
        await page.waitFor(() => window.replies.some((r) => r.type === 'ae:ready'), null, { what: "the frame's ae:ready" });
        await page.evaluate((origin) => document.getElementById('f').contentWindow.postMessage({ type: 'ae:play', id: 1 }, origin), servers.page.url.slice(0, -1));
        await page.waitFor(
          async (origin) => {
            document.getElementById('f').contentWindow.postMessage({ type: 'ae:metrics', id: 2 }, origin);
            await new Promise((r) => setTimeout(r, 100));
            return window.replies.some((r) => r.id === 2 && r.value?.step > 5);
          },
          servers.page.url.slice(0, -1),
          { what: 'the frame training' },
        );
        const { threads } = await page.evaluate(() => window.replies.find((r) => r.id === 2 && r.value?.step > 5).value);
        assert.equal(threads, '1 thread: this page is not cross-origin isolated');
        await page.close();
      } finally {
        host.server.close();
      }
    });

    test('never stalls: a page that cannot start says why', async () => {
      const page = await engine.newPage();
      await page.goto(servers.missingModule.url);
      const text = await page.waitFor(() => document.getElementById('message').textContent, null, { what: 'the message line' });
      assert.match(text, /^The playground could not start: http:\/\/127\.0\.0\.1:\d+\/www\/main\.js could not be loaded\./);
      assert.equal(await page.evaluate(() => document.getElementById('backend').textContent), 'Backend: not started');
      assert.ok(await page.evaluate(() => document.getElementById('play').disabled), 'Play, which nothing would answer, is off');
      await page.close();
    });

    test('never stalls: a view that throws says so in its place, and the page trains', async () => {
      const page = await engine.newPage();
      await openPlayground(page, servers.throwingView.url);
      // A number back, not the metrics: WebKit's driver once failed to parse the whole object here.
      assert.equal(await page.evaluate(async () => (await window.aePlayground.train({ steps: 20 })).step), 20);
      assert.match(await page.evaluate(() => document.querySelector('.view-failed')?.textContent), /the readout is broken on purpose/);
      await scrollThrough(page);
      assert.ok((await inked(page, 'reconstructions')) > 500, 'the other views draw');
      assert.ok((await inked(page, 'latent')) > 200, 'the latent plane too');
      assert.match(await page.evaluate(() => document.getElementById('backend').textContent), /^Backend: (CPU, \d threads?( \(.+\))?|WebGPU) — /);
      await page.close();
    });

    for (const [server, said] of [['noCharts', /could not be loaded/], ['throwingCharts', /did not start/]]) {
      test(`never stalls: a charts library that ${server === 'noCharts' ? 'is missing' : 'throws'} leaves the chart out, and the page trains`, async () => {
        const page = await engine.newPage();
        await openPlayground(page, servers[server].url);
        assert.equal(await page.evaluate(async () => (await window.aePlayground.train({ steps: 20 })).step), 20);
        await scrollThrough(page);
        const note = await page.waitFor(() => document.querySelector('#loss-chart .view-failed')?.textContent, null, { what: "the chart's note" });
        assert.match(note, said);
        assert.ok((await inked(page, 'reconstructions')) > 500, 'the other views draw');
        await page.close();
      });
    }

    test('never stalls: storage that never answers (framed by a top-level about:blank page)', async () => {
      const page = await engine.newPage(); // (a new page is at about:blank; Chromium would not load
      // the frame after a navigation to about:blank, the local server being off its network)
      await page.evaluate((src) => {
        document.open();
        document.write(`<!doctype html><iframe src="${src}" width="1000" height="800"></iframe>`);
        document.close();
      }, `${servers.page.url}#dataset=digits`);
      await page.waitFor(async () => (window.aePlayground ? (await window.aePlayground.ready, true) : false), null, { inFrame: true, what: 'the framed page to be ready' });
      const framed = await page.inFrame(async () => ({
        step: (await window.aePlayground.train({ steps: 20 })).step,
        message: document.getElementById('message').textContent,
        backend: document.getElementById('backend').textContent,
      }));
      assert.equal(framed.step, 20);
      assert.match(framed.backend, /^Backend: (CPU, \d threads?( \(.+\))?|WebGPU) — /);
      // (Chromium's IndexedDB never answers there; the others store the run)
      if (name === 'chromium') assert.ok(framed.message, 'Chromium gives up its storage');
      if (framed.message) assert.match(framed.message, /^This page cannot keep the run: the browser's storage \(IndexedDB\) did not answer in 3 s\. It trains as ever; a reload starts afresh\.$/);
      found[name].framedStorage = framed.message ? 'gave up after 3 s' : 'answered';
      await page.close();
    });

    test('never stalls: a browser started in the "C" locale', async () => {
      const c = await launchEngine(name, { locale: 'C' });
      try {
        const page = await c.newPage();
        await openPlayground(page, servers.page.url);
        const language = await page.evaluate(() => Object.getOwnPropertyDescriptor(Navigator.prototype, 'language').get.call(navigator));
        assert.equal(language, 'C', 'the page is shown the language "C"');
        assert.equal(await page.evaluate(async () => (await window.aePlayground.train({ steps: 20 })).step), 20);
        await scrollThrough(page);
        await page.waitFor(() => Boolean(document.querySelector('#loss-chart canvas')), null, { what: 'the loss chart, its numbers in en-US' });
        assert.equal(await page.evaluate(() => document.querySelectorAll('.view-failed').length), 0);
        assert.equal(await page.evaluate(() => document.getElementById('message').textContent), '');
        await page.close();
      } finally {
        await c.close();
      }
    });

    if (name === 'firefox') {
      test('Firefox as it ships on Linux (WebGPU off): the CPU engine, and the backend line says why', async () => {
        const plain = await launchEngine(name, { webgpu: false });
        try {
          const page = await plain.newPage();
          await openPlayground(page, servers.page.url);
          const backend = await page.evaluate(() => document.getElementById('backend').textContent);
          assert.match(backend, /^Backend: CPU, \d threads? — this browser has no WebGPU \(navigator\.gpu is missing\)$/);
          found[name].backendAsShipped = backend;
          await page.close();
        } finally {
          await plain.close();
        }
      });

      test("Firefox's own WebGPU (wgpu on lavapipe) trains, its reconstructions within 1e-4 of the CPU's", async () => {
        const page = await engine.newPage();
        await openPlayground(page, `${servers.page.url}#dataset=digits`);
        const run = (engineName) =>
          page.evaluate(async (engineName) => {
            const api = window.aePlayground;
            await api.reset({ engine: engineName });
            await api.train({ steps: 20 });
            return { backend: api.metrics().backend, outputs: Array.from((await api.reconstruct([0, 1, 2, 3])).outputs) };
          }, engineName);
        const gpu = await run('webgpu');
        assert.equal(gpu.backend, 'WebGPU');
        const cpu = await run('cpu');
        assert.equal(cpu.backend, 'CPU');
        const worst = Math.max(...gpu.outputs.map((v, i) => Math.abs(v - cpu.outputs[i])));
        assert.ok(worst < 1e-4, `largest difference ${worst}`);
        found[name].webgpuDifference = worst;
        await page.close();
      });
    }
  });
}

test('every engine reaches the same test loss after the same steps, bit for bit', () => {
  const losses = ENGINES.map((name) => found[name]?.testLoss);
  assert.ok(losses.every((l) => typeof l === 'number'), `each engine trained: ${JSON.stringify(losses)}`);
  // The same build gives the same loss bit for bit in every engine; the threaded build's fused
  // multiply-adds (relaxed SIMD) round differently from SIMD128's multiply and add, by little.
  const said = ENGINES.map((name) => `${name} (${found[name].build}): ${found[name].testLoss}`).join(', ');
  for (const build of new Set(ENGINES.map((name) => found[name].build))) {
    const same = ENGINES.filter((name) => found[name].build === build).map((name) => found[name].testLoss);
    assert.ok(same.every((l) => l === same[0]), `test losses after ${STEPS} steps: ${said}`);
  }
  assert.ok(losses.every((l) => Math.abs(l - losses[0]) <= 1e-5 * losses[0]), `test losses after ${STEPS} steps: ${said}`);
  writeFileSync(new URL('engines.json', ARTIFACTS), `${JSON.stringify({ steps: STEPS, measured: new Date().toISOString().slice(0, 10), engines: found }, null, 2)}\n`);
});
