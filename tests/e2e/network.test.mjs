// End to end: the network diagram is the interface. Its cards match the settings and + / − change
// the model; the corruption shows exactly when noise is on; pretraining lights the stages in order
// and fine-tuning the whole net; the page API gives each layer's activations; hovering over the
// latent plane decodes what `decode` decodes, and a drawn digit's code is the encoder's; the worker
// answers a message it does not know with an error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, open, start } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

const cards = (page) => page.$$eval('#network .card', (els) => els.map((e) => ({ id: e.dataset.id, role: e.dataset.role, state: e.dataset.state, title: e.querySelector('.card-title').textContent })));

test('the diagram shows the layers set, and + and − change the model', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=32,8`);
  let shown = await cards(page);
  assert.deepEqual(shown.map((c) => c.role), ['input', 'encoder', 'code', 'decoder', 'output']);
  assert.deepEqual(shown.map((c) => c.title), ['input · 64', 'encoder 1 · 32', 'code · 8', 'decoder 1 · 32', 'output · 64']);
  await page.click('[aria-label="more units in code"]');
  await page.waitForFunction(() => window.aePlayground.settings().hidden.join() === '32,12');
  await page.waitForFunction(() => document.querySelector('[data-id="enc1"] .card-title').textContent === 'code · 12');
  await page.click('[aria-label="fewer units in encoder 1"]');
  await page.waitForFunction(() => window.aePlayground.settings().hidden.join() === '24,12');
  await page.click('[aria-label="add a layer before code"]');
  await page.waitForFunction(() => window.aePlayground.settings().hidden.length === 3);
  const hidden = await page.evaluate(() => window.aePlayground.settings().hidden);
  assert.equal(hidden[1], 16, 'between 24 and 12: their geometric mean on the ladder');
  shown = await cards(page);
  assert.equal(shown.length, 7);
  await page.click('[aria-label="remove encoder 1"]');
  await page.waitForFunction(() => window.aePlayground.settings().hidden.join() === '16,12');
  assert.match(page.url(), /hidden=16%2C12/);
  // Each card's activations for the selected sample, as wide as the card.
  await page.evaluate(() => window.aePlayground.train({ steps: 3 }));
  const layers = await page.evaluate(() => window.aePlayground.activations());
  assert.deepEqual(layers.map((l) => [l.units, l.values.length]), [[64, 64], [16, 16], [12, 12], [16, 16], [64, 64]]);
  await page.screenshot({ path: new URL('network-edited.png', ARTIFACTS).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

test('select(i) sends test sample i through the diagram', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=16`);
  await page.evaluate(() => window.aePlayground.select(3));
  const [input, reconstructed] = await page.evaluate(async () => [window.aePlayground.activations()[0].values, Array.from((await window.aePlayground.reconstruct([3])).inputs)]);
  assert.deepEqual(input.map((v) => v.toFixed(5)), reconstructed.map((v) => v.toFixed(5)));
  await assert.rejects(page.evaluate(() => window.aePlayground.select(100000)), /does not exist/);
  assert.ok(errors.length <= 1, errors.join('\n')); // the refusal is shown in the page's message line
  await page.close();
});

test('the corrupted input is drawn between the input and the encoder exactly when noise is on', async () => {
  const { page } = await open(env.browser, `${env.url}#dataset=digits&hidden=16`);
  assert.ok(!(await cards(page)).some((c) => c.role === 'noise'));
  await page.evaluate(() => window.aePlayground.reset({ masking: 0.4 }));
  await page.evaluate(() => window.aePlayground.train({ steps: 2 }));
  const layers = await page.evaluate(() => window.aePlayground.activations());
  assert.deepEqual(layers.map((l) => l.role).slice(0, 2), ['input', 'noise']);
  const zeroed = layers[1].values.filter((v, i) => v === 0 && layers[0].values[i] !== 0).length;
  assert.ok(zeroed > 5, `masking set ${zeroed} values to 0`);
  assert.notEqual(await page.textContent('#recon-middle'), '');
  await page.evaluate(() => window.aePlayground.reset({ masking: 0 }));
  assert.ok(!(await cards(page)).some((c) => c.role === 'noise'));
  assert.equal(await page.textContent('#recon-middle'), '');
  await page.close();
});

test('pretraining lights the stages in order, then the whole net', async () => {
  // digits: 1,437 training rows, batches of 64: 23 steps an epoch, one epoch per stage.
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=32,16,4&pretrainEpochs=1&epochs=1&batchSize=64`);
  const seen = [];
  for (let i = 0; i < 6; i++) {
    const shown = await cards(page);
    const training = shown.filter((c) => c.state === 'training').map((c) => c.id);
    seen.push(training.join());
    if (i === 1) {
      assert.deepEqual(shown.filter((c) => c.state === 'frozen').map((c) => c.id), ['enc0'], 'stage 2: the first layer frozen');
      assert.equal(await page.locator('[data-id="enc1"] .card-stage').count(), 1, "stage 2 draws its own decoder");
    }
    await page.evaluate(() => window.aePlayground.train({ steps: 23 }));
  }
  assert.deepEqual(seen.slice(0, 4), ['enc0', 'enc1', 'enc2', 'enc0,enc1,enc2,dec1,dec0,output']);
  const notes = await page.$$eval('#network .card-note', (els) => els.map((e) => e.textContent).filter(Boolean));
  assert.ok(notes.includes('began as W2ᵀ') && notes.includes('began as W1ᵀ'), notes.join('|'));
  await page.screenshot({ path: new URL('network-fine-tuning.png', ARTIFACTS).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

test('hovering over the latent plane decodes that code, and a drawn digit lands at its code', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#hidden=64,2`);
  await page.evaluate(() => window.aePlayground.train({ steps: 20 }));
  await page.locator('#draw').scrollIntoViewIfNeeded();
  const box = await page.locator('#latent').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
  await page.waitForFunction(() => window.aePlayground.debug.explored().hover);
  const { hover } = await page.evaluate(() => window.aePlayground.debug.explored());
  assert.equal(hover.code.length, 2);
  const decoded = await page.evaluate((code) => window.aePlayground.decode(code), hover.code);
  assert.deepEqual(Array.from(hover.output).map((v) => v.toFixed(5)), decoded.map((v) => v.toFixed(5)));
  // From the keyboard: the arrows move a cross, which decodes where it stands.
  await page.focus('#latent');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((before) => JSON.stringify(window.aePlayground.debug.explored().hover.code) !== before, JSON.stringify(hover.code));
  const keyed = (await page.evaluate(() => window.aePlayground.debug.explored())).hover;
  const again = await page.evaluate((code) => window.aePlayground.decode(code), keyed.code);
  assert.deepEqual(Array.from(keyed.output).map((v) => v.toFixed(5)), again.map((v) => v.toFixed(5)));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.aePlayground.debug.explored().neighbours.length === 6);
  // A 7 drawn on the pad: its code is the encoder's for those pixels.
  const pad = await page.locator('#draw').boundingBox();
  await page.mouse.move(pad.x + 25, pad.y + 25);
  await page.mouse.down();
  for (const [x, y] of [[85, 25], [60, 60], [45, 95]]) await page.mouse.move(pad.x + x, pad.y + y, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => window.aePlayground.debug.explored().drawn);
  const { drawn } = await page.evaluate(() => window.aePlayground.debug.explored());
  assert.equal(drawn.pixels.length, 784);
  assert.ok(drawn.pixels.filter((v) => v > 0.5).length > 20, 'ink on the pad');
  const encoded = await page.evaluate((pixels) => window.aePlayground.encode(pixels), drawn.pixels);
  assert.deepEqual(Array.from(drawn.code).map((v) => v.toFixed(5)), encoded.code.map((v) => v.toFixed(5)));
  await page.screenshot({ path: new URL('latent-explore.png', ARTIFACTS).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the worker answers a message it does not know with an error', async () => {
  const { page } = await open(env.browser, `${env.url}#dataset=digits&hidden=8`);
  await assert.rejects(page.evaluate(() => window.aePlayground.debug.request({ type: 'trian', steps: 3 })), /unknown message type "trian"/);
  await page.close();
});
