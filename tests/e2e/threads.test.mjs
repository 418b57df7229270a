// The CPU engine's threads and builds in every engine (engines.mjs): where the page is cross-origin
// isolated and the browser has relaxed SIMD, 2 threads reach the test loss of 1 bit for bit and the
// backend line says how many (WebKit, without relaxed SIMD, runs one and says why); and each build's
// products (SIMD128's multiply and add, the threaded build's fused multiply-add) held to the plain-loop
// reference. Writes artifacts/threads.json. (A frame of a page that is not isolated: engines.test.mjs.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ARTIFACTS } from './browser.mjs';
import { ENGINES, launchEngine, openPlayground } from './engines.mjs';
import { serve } from '../../scripts/serve.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const found = {}; // per engine: {products, threads}
const servers = {};
before(async () => (servers.page = await serve(DIST, 0)));
after(() => {
  servers.page?.server.close();
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(new URL('threads.json', ARTIFACTS), `${JSON.stringify({ measured: new Date().toISOString().slice(0, 10), engines: found }, null, 2)}\n`);
});

for (const name of ENGINES) {
  describe(name, () => {
    let engine;
    before(async () => (engine = await launchEngine(name)));
    after(() => engine?.close());

    test("the products of each build the engine can run, against the reference: SIMD128's, and relaxed SIMD's fused", async () => {
      const page = await engine.newPage();
      await openPlayground(page, servers.page.url);
      const checks = await page.evaluate(async (relaxed) => {
        const check = async (path) => {
          const m = await import(path);
          await m.default();
          return m.productCheck();
        };
        return { simd128: await check('/pkg/ae_playground.js'), relaxed: relaxed ? await check('/pkg-threads/ae_playground.js') : null };
      }, name !== 'webkit');
      // Sums of up to 1,000 products of values in −1..1 in f32, against f64: a few 1e-4 where they
      // cancel (relative to |reference| + 1e-3 of the largest). Fused multiply-adds round once where
      // SIMD128 rounds twice: the sums' errors differ element by element, not in size.
      console.log(`${name}: products' worst relative difference, SIMD128 ${checks.simd128.worst.toExponential(2)}, relaxed SIMD ${checks.relaxed?.worst.toExponential(2) ?? '–'}`);
      assert.equal(checks.simd128.fused, false);
      assert.ok(checks.simd128.worst < 1e-3, `SIMD128 products: worst relative difference ${checks.simd128.worst}`);
      if (name === 'webkit') assert.equal(checks.relaxed, null, 'WebKit has no relaxed SIMD');
      else {
        assert.equal(checks.relaxed.fused, true);
        assert.ok(checks.relaxed.worst < 1e-3 && checks.relaxed.worst <= 1.5 * checks.simd128.worst, `relaxed SIMD products: worst relative difference ${checks.relaxed.worst}, SIMD128's ${checks.simd128.worst}`);
      }
      (found[name] ??= {}).products = checks;
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test('threaded where cross-origin isolated: 2 threads reach the test loss of 1, bit for bit', async () => {
      const losses = {};
      for (const threads of ['2', '1']) {
        const page = await engine.newPage();
        await openPlayground(page, `${servers.page.url}#threads=${threads}&hidden=128,32`);
        assert.ok(await page.evaluate(() => crossOriginIsolated), 'the page is cross-origin isolated');
        const metrics = await page.evaluate(async () => ({ ...(await window.aePlayground.train({ steps: 60 })), threads: window.aePlayground.metrics().threads }));
        // WebKitGTK 2.50 has no relaxed SIMD, which the threaded build uses (and refuses to pass a
        // wasm module to the pool's workers: a DataCloneError): the page says so and runs on one thread.
        const refused = name === 'webkit' && threads === '2';
        if (refused) assert.equal(metrics.threads, '1 thread: this browser has no relaxed SIMD, which the threaded build uses');
        else assert.equal(metrics.threads, threads === '2' ? '2 threads' : '1 thread: as set');
        assert.ok((await page.evaluate(() => document.getElementById('backend').textContent)).startsWith(`Backend: CPU, ${metrics.threads.replace(/: (.*)$/, ' ($1)')} — `));
        losses[threads] = metrics.testLoss;
        assert.deepEqual(page.errors, []);
        await page.close();
      }
      assert.equal(losses['2'], losses['1'], 'the test loss after 60 steps on 2 threads and on 1');
      (found[name] ??= {}).threads = name === 'webkit' ? '1 (no relaxed SIMD)' : '2 where isolated';
    });
  });
}
