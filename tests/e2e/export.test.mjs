// End to end: export → import gives the same reconstructions and training goes on; a Python check
// (numpy + safetensors) reproduces the page's reconstructions from the exported file; codes as CSV
// and figures as PNG download; a bad file is refused and the model in hand stays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { ARTIFACTS, open, start, openDrawer } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

const artifact = (name) => new URL(name, ARTIFACTS).pathname;
const reconstruct = (page) =>
  page.evaluate(async () => {
    const r = await window.aePlayground.reconstruct([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    return { inputs: Array.from(r.inputs), outputs: Array.from(r.outputs), width: r.width };
  });
const rows = (flat, width) => Array.from({ length: flat.length / width }, (_, i) => flat.slice(i * width, (i + 1) * width));

test('export → Python reproduces the reconstructions; import → the same model, and training goes on', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=24,8`);
  await page.evaluate(() => window.aePlayground.train({ steps: 150 }));
  const exported = await page.evaluate(async () => Array.from(await window.aePlayground.exportWeights()));
  const before = await reconstruct(page);
  writeFileSync(artifact('model.safetensors'), Buffer.from(exported));
  writeFileSync(artifact('reconstructions.json'), JSON.stringify({ inputs: rows(before.inputs, before.width), outputs: rows(before.outputs, before.width) }));
  const python = new URL('../../.venv/bin/python', import.meta.url).pathname;
  const report = execFileSync(python, [new URL('../python/check_export.py', import.meta.url).pathname, artifact('model.safetensors'), artifact('reconstructions.json')], { encoding: 'utf8' });
  console.log(report.trim());
  assert.match(report, /largest difference from the page's: \d/);

  // Another model, then the file: the same reconstructions, bit for bit.
  await page.evaluate(() => window.aePlayground.reset({ seed: 5 }));
  assert.notDeepEqual((await reconstruct(page)).outputs, before.outputs);
  const settings = await page.evaluate((bytes) => window.aePlayground.importWeights(new Uint8Array(bytes)), exported);
  assert.deepEqual([settings.hidden, settings.seed, settings.dataset], [[24, 8], 1, 'digits']);
  assert.deepEqual((await reconstruct(page)).outputs, before.outputs);
  const m = await page.evaluate(() => window.aePlayground.train({ steps: 20 }));
  assert.equal(m.step, 20);

  // A damaged file is refused; the model in hand stays.
  const kept = await reconstruct(page);
  const damaged = exported.slice(0, exported.length - 10);
  const refusal = await page.evaluate((bytes) => window.aePlayground.importWeights(new Uint8Array(bytes)).then(() => 'accepted', (e) => e.message), damaged);
  console.log(refusal);
  assert.match(refusal, /the safetensors reader refused it/);
  assert.deepEqual((await reconstruct(page)).outputs, kept.outputs);

  // Codes as CSV: a header and one row per test sample.
  const csv = await page.evaluate(() => window.aePlayground.exportCodes());
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'label,z1,z2,z3,z4,z5,z6,z7,z8');
  assert.equal(lines.length - 1, 360, 'one row per UCI digits test sample');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the export buttons save the model, its settings, the codes and each figure', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits`);
  await page.evaluate(() => window.aePlayground.train({ steps: 20 }));
  // The names of the files `click` saves, once `count` downloads have started (the test's timeout
  // bounds the wait).
  const saved = async (click, count = 1) => {
    const names = [];
    const all = new Promise((resolve) => {
      const listener = (d) => {
        names.push(d.suggestedFilename());
        if (names.length === count) {
          page.off('download', listener);
          resolve(names);
        }
      };
      page.on('download', listener);
    });
    await click();
    return all;
  };
  await openDrawer(page);
  await page.click('text=Export and import');
  assert.deepEqual(await saved(() => page.click('#export-weights'), 2), ['model.safetensors', 'model.json']);
  assert.deepEqual(await saved(() => page.click('#export-codes')), ['codes.csv']);
  await page.click('#drawer-close'); // the figures' buttons are on the page beneath it
  for (const [button, name] of [['#png-loss', 'loss.png'], ['#png-reconstructions', 'reconstructions.png'], ['#png-latent', 'latent.png']]) {
    assert.deepEqual(await saved(() => page.click(button)), [name]);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
