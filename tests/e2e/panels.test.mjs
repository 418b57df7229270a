// End to end: the panels beyond loss and reconstructions. Filters, code activity and ‖J‖ (the
// contractive penalty lowers it, the KL penalty pulls activity towards ρ); interpolation for any
// autoencoder, prior samples and the manifold grid for a VAE; PCA against linear autoencoders (none
// beats PCA); accuracy with few labels. Each panel's screenshot goes to artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, open, start } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

const column = (page, table, n) => page.$$eval(`#${table} tbody tr td:nth-child(${n})`, (cells) => cells.map((c) => (c.textContent === '–' ? null : Number(c.textContent))));
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const train = (page, steps) => page.evaluate((steps) => window.aePlayground.train({ steps }), steps);
const shot = (page, title, name) => page.locator(`section:has(#${title})`).screenshot({ path: new URL(`panel-${name}.png`, ARTIFACTS).pathname });

/** Distinct colours on a canvas, and its size. */
const canvasInfo = (page, id) =>
  page.evaluate((id) => {
    const c = document.getElementById(id);
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return { colours: seen.size, width: c.width, height: c.height, url: c.toDataURL() };
  }, id);

test('inside the model: filters, code activity against ρ, and ‖J‖ lowered by the contractive penalty', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=16`);
  await train(page, 300);
  const filters = await canvasInfo(page, 'filters');
  assert.ok(filters.colours > 20, `filters drawn in many greys (${filters.colours})`);
  assert.equal((await column(page, 'code-table', 2)).length, 16);
  const plain = (await column(page, 'jacobian-table', 2)).at(-1);
  assert.ok(plain > 0 && (await column(page, 'jacobian-table', 1)).length >= 2, 'a ‖J‖ series');
  await shot(page, 'inside-title', 'inside');

  await page.evaluate(() => window.aePlayground.reset({ contractive: 0.1 }));
  await train(page, 300);
  const contractive = (await column(page, 'jacobian-table', 2)).at(-1);
  assert.ok(contractive < 0.7 * plain, `‖J‖ with the penalty ${contractive}, without ${plain}`);

  // A wide sigmoid code: about half active without the KL penalty, near ρ = 0.05 with it.
  await page.evaluate(() => window.aePlayground.reset({ contractive: 0, hidden: [128] }));
  await train(page, 300);
  const dense = mean(await column(page, 'code-table', 2));
  await page.evaluate(() => window.aePlayground.reset({ klWeight: 0.5, klTarget: 0.05 }));
  await train(page, 300);
  const sparse = mean(await column(page, 'code-table', 2));
  assert.match(await page.textContent('#code-what'), /target ρ = 0\.05/);
  assert.ok(sparse < 0.1 && dense > 0.3, `mean activation with KL ${sparse}, without ${dense}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('generating: interpolation for any autoencoder; samples and the manifold grid for a VAE', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#hidden=32`);
  await train(page, 50);
  assert.equal(await page.isVisible('#vae-views'), false);
  assert.equal(await page.isVisible('#vae-off'), true);
  const before = await canvasInfo(page, 'interpolation');
  await page.fill('#interpolate-a', '5');
  await page.locator('#interpolate-a').dispatchEvent('change');
  await page.waitForFunction((url) => document.getElementById('interpolation').toDataURL() !== url, before.url);

  await page.evaluate(() => window.aePlayground.reset({ variational: true, hidden: [128, 2], activation: 'relu', loss: 'crossEntropy', learningRate: 0.001 }));
  await train(page, 300);
  assert.equal(await page.isVisible('#vae-views'), true);
  const samples = await canvasInfo(page, 'samples');
  const manifold = await canvasInfo(page, 'manifold');
  assert.ok(Math.abs(samples.width / samples.height - (8 * 58 - 2) / (2 * 58 - 2)) < 0.05, `samples 8 × 2: ${samples.width} × ${samples.height}`);
  assert.equal(manifold.width, manifold.height, 'the manifold grid is square');
  // The grid's corners decode different codes, so they differ.
  const corners = await page.evaluate(() => {
    const c = document.getElementById('manifold');
    const cell = Math.floor(c.width / 8);
    const ctx = c.getContext('2d');
    const a = ctx.getImageData(0, 0, cell - 2, cell - 2).data;
    const b = ctx.getImageData(c.width - cell + 2, c.height - cell + 2, cell - 2, cell - 2).data;
    let d = 0;
    for (let i = 0; i < a.length; i += 4) d += Math.abs(a[i] - b[i]);
    return d / (a.length / 4);
  });
  assert.ok(corners > 5, `opposite corners of the manifold differ by ${corners} grey levels on average`);
  assert.match(await page.textContent('#manifold-what'), /units 1 \(across\) and 2 \(up\)/);
  await shot(page, 'generate-title', 'generating');
  assert.deepEqual(errors, []);
  await page.close();
});

test('PCA panel: its errors fall with k, no linear autoencoder beats it, the lesson’s model comes close', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#lesson=pca`);
  await train(page, 1500);
  await page.click('#pca-panel summary');
  await page.waitForFunction(() => document.querySelectorAll('#pca-table tbody tr').length === 7);
  const ks = await column(page, 'pca-table', 1);
  const pca = await column(page, 'pca-table', 2);
  assert.deepEqual(ks, [1, 2, 4, 8, 16, 32, 64]);
  assert.ok(pca.every((e, i) => i === 0 || e < pca[i - 1]), `PCA errors fall: ${pca}`);
  await page.waitForFunction(() => /× PCA's/.test(document.getElementById('pca-what').textContent));
  const ratio = Number((await page.textContent('#pca-what')).match(/\(([\d.]+) × PCA's\)/)[1]);
  assert.ok(ratio >= 0.999 && ratio < 1.1, `16 linear units after 1,500 steps: ${ratio} × PCA-16`);

  await page.click('#linear-sweep');
  await page.waitForFunction(() => !document.getElementById('linear-sweep').disabled, null, { timeout: 60_000 });
  const linear = await column(page, 'pca-table', 3);
  for (const [i, k] of ks.entries()) {
    if (k === 64) continue; // PCA-64 of 64 values is exact: 0 to rounding
    assert.ok(linear[i] >= pca[i] * 0.999 && linear[i] < pca[i] * 1.25, `k = ${k}: linear ${linear[i]}, PCA ${pca[i]}`);
  }
  const images = await canvasInfo(page, 'pca-images');
  assert.ok(images.colours > 10, 'inputs, PCA and autoencoder reconstructions drawn');
  await shot(page, 'pca-title', 'pca');
  assert.deepEqual(errors, []);
  await page.close();
});

test('few labels: softmax, 1-NN and label spreading on the pixels, PCA and the code, the fine-tuned encoder and the Γ-model', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#lesson=fewLabels`);
  await train(page, 200);
  await page.locator('#label-budget').fill('3');
  assert.equal(await page.textContent('#label-count'), '100');
  await page.click('#few-labels');
  await page.waitForFunction(() => !document.getElementById('few-labels').disabled && /labels:/.test(document.getElementById('labels-status').textContent));
  const row = await page.$$eval('#labels-table tbody tr td', (cells) => cells.map((c) => Number(c.textContent)));
  assert.equal(row.length, 9, 'the budget and eight readouts');
  assert.equal(row[0], 100);
  for (const accuracy of row.slice(1)) assert.ok(accuracy > 0.5 && accuracy <= 1, `MNIST with 100 labels: ${row}`);
  const again = await page.evaluate(() => window.aePlayground.fewLabels(100));
  const r = again;
  const measured = [r.raw, r.nearest.raw, r.spread.pca, r.frozenCode, r.nearest.code, r.spread.code, r.fineTuned, r.gamma].map((v) => Number(v.toFixed(3)));
  assert.deepEqual(measured, row.slice(1), 'seeded: measured again, the same, in the table\'s order');
  console.log(`100 labels after 200 steps: pixels ${r.raw.toFixed(3)} (1-NN ${r.nearest.raw.toFixed(3)}), code ${r.frozenCode.toFixed(3)} (1-NN ${r.nearest.code.toFixed(3)}, spreading ${r.spread.code.toFixed(3)}), PCA-${r.pcaWidth} spreading ${r.spread.pca.toFixed(3)}, fine-tuned ${r.fineTuned.toFixed(3)}, Γ-model ${r.gamma.toFixed(3)}`);
  assert.ok(r.spread.code > r.raw, 'spreading over the code beats a softmax on the pixels');
  assert.match(await page.textContent('#labels-status'), /Best: /);
  await assert.rejects(page.evaluate(() => window.aePlayground.fewLabels(5)), /labels/);
  // The Γ-model's figure opens and fits its panel, on a desktop and on a phone.
  await page.click('.gamma-figure summary');
  for (const [width, name] of [[1366, 'few-labels'], [375, 'few-labels-phone']]) {
    await page.setViewportSize({ width, height: 800 });
    const box = await page.evaluate(() => {
      const [figure, panel] = [document.querySelector('.gamma-figure svg'), document.querySelector('.gamma-figure')].map((e) => e.getBoundingClientRect());
      return { width: figure.width, height: figure.height, inside: figure.left >= panel.left - 1 && figure.right <= panel.right + 1 };
    });
    assert.ok(box.width > 250 && box.height > 80 && box.inside, `the Γ-model's figure at ${width} px: ${JSON.stringify(box)}`);
    await shot(page, 'labels-title', name);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
