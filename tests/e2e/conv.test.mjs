// End to end: a convolutional autoencoder in the page. The diagram draws each convolution as its
// stack of feature maps (count and size in the title), shrinking to the code and growing back; its
// buttons change the filters and add or remove layers; clicking the first convolution shows its
// 3×3 filters; the settings live in the address; a pretraining stage of a convolution draws its own
// decoder's maps; a pooled convolution's card shows its pooled maps. A convolution on data that are no image is refused with a message naming it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, open, scrollThrough, start } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

const train = (page, steps) => page.evaluate((steps) => window.aePlayground.train({ steps }), steps);

/** Non-blank pixels drawn on a card's canvas (values coloured away from white and grey). */
const inked = (page, id) =>
  page.$eval(`#network [data-id="${id}"] canvas.units`, (c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) n += Math.abs(data[i] - data[i + 2]) > 30;
    return n;
  });

test('a convolutional autoencoder trains, and the diagram draws its feature maps', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#conv=16k3s2,32k3s2&convActivation=relu&hidden=32&activation=linear&learningRate=0.001`);
  const early = await train(page, 10);
  await train(page, 140);
  const m = await page.evaluate(() => window.aePlayground.metrics());
  assert.equal(m.step, 150);
  assert.ok(m.testLoss < early.testLoss, `test loss ${early.testLoss} at step 10, ${m.testLoss} at 150`);
  const cards = await page.$$eval('#network .card', (els) => els.map((e) => [e.dataset.id, e.querySelector('.card-title').textContent]));
  assert.deepEqual(cards.map(([id]) => id), ['input', 'conv0', 'conv1', 'enc0', 'deconv1', 'deconv0', 'output']);
  assert.match(cards[1][1], /conv 1 · 16@14×14/);
  assert.match(cards[2][1], /conv 2 · 32@7×7/);
  assert.match(cards[5][1], /16@14×14/);
  await page.waitForFunction(() => window.aePlayground.activations().find((c) => c.id === 'conv1')?.values?.length === 32 * 49);
  assert.ok((await inked(page, 'conv0')) > 200, 'the first maps are drawn');
  // The hourglass: the maps' cards shrink towards the code and grow back.
  const width = (id) => page.$eval(`#network [data-id="${id}"] canvas.units`, (c) => c.getBoundingClientRect().width);
  assert.ok((await width('conv0')) > (await width('enc0')), 'the first maps are wider than the code');
  // Its filters: 16 windows of 3×3.
  await page.click('#network [data-id="conv0"] .card-title');
  await page.locator('#layer-details').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => !document.querySelector('.details-filters').hidden);
  assert.match(await page.textContent('.details-title'), /conv 1/);
  await page.screenshot({ path: new URL('conv-network.png', ARTIFACTS).pathname, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await scrollThrough(page);
  await page.screenshot({ path: new URL('conv-network-phone.png', ARTIFACTS).pathname, fullPage: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  // + on the first convolution: more filters, kept in the address; × removes the second.
  await page.click('#network [data-id="conv0"] button[aria-label="more filters in conv 1"]');
  await page.waitForFunction(() => location.hash.includes('conv=24k3s2%2C32k3s2'));
  await page.waitForSelector('#network [data-id="conv1"]');
  await page.click('#network [data-id="conv1"] button[aria-label="remove conv 2"]');
  await page.waitForFunction(() => location.hash.includes('conv=24k3s2&'));
  await train(page, 5);
  const ids = await page.$$eval('#network .card', (els) => els.map((e) => e.dataset.id));
  assert.deepEqual(ids, ['input', 'conv0', 'enc0', 'deconv0', 'output']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a convolution stage rebuilds its input through its own transposed convolution', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&conv=8k3s1,8k3s2&hidden=16&pretrainEpochs=2&epochs=1`);
  await train(page, 60); // 22 steps an epoch: the second stage
  const phase = await page.evaluate(() => window.aePlayground.metrics().phase);
  assert.equal(phase.kind, 'stage');
  assert.equal(phase.stage, 1);
  await page.waitForFunction(() => document.querySelector('#network [data-id="conv1"]')?.dataset.state === 'training');
  assert.equal(await page.$eval('#network [data-id="conv0"]', (e) => e.dataset.state), 'frozen');
  assert.match(await page.$eval('#network [data-id="conv1"] .card-stage', (e) => e.textContent), /its decoder, rebuilding conv 1/);
  await page.waitForFunction(() => document.querySelector('#network [data-id="conv1"] canvas.stage')?.width > 8);
  await page.screenshot({ path: new URL('conv-stage.png', ARTIFACTS).pathname, fullPage: true });
  while ((await page.evaluate(() => window.aePlayground.metrics().phase.kind)) !== 'fineTune') await train(page, 30);
  await train(page, 5);
  assert.deepEqual(errors, []);
  await page.close();
});

test('2×2 max pooling: the card shows the pooled maps, and the address keeps it', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&conv=8k3s1p&hidden=16`);
  await train(page, 40);
  assert.match(page.url(), /conv=8k3s1p/);
  assert.deepEqual(await page.evaluate(() => window.aePlayground.settings().conv), [{ filters: 8, kernel: 3, stride: 1, pool: true }]);
  assert.match(await page.textContent('#network [data-id="conv0"] .card-title'), /conv 1 · 8@4×4/);
  await page.waitForFunction(() => /2×2 max pooled/.test(document.querySelector('#network [data-id="conv0"] .card-note').textContent));
  await page.waitForFunction(() => window.aePlayground.activations().find((c) => c.id === 'conv0')?.values?.length === 8 * 16);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a convolution on data that are no image, or an even kernel, is refused and says why', async () => {
  const { page } = await open(env.browser, `${env.url}#dataset=digits&conv=8k4s2`);
  await page.waitForFunction(() => document.getElementById('message').textContent);
  assert.match(await page.textContent('#message'), /conv: .* is not a list of convolutional layers/);
  assert.deepEqual(await page.evaluate(() => window.aePlayground.settings().conv), []);
  const refused = await page.evaluate(() => window.aePlayground.reset({ dataset: 'swissRoll', conv: [{ filters: 8 }] }).then(() => 'accepted', (e) => e.message));
  assert.match(refused, /conv: convolutional layers slide over an image/);
  const kept = await page.evaluate(() => window.aePlayground.train({ steps: 2 }));
  assert.ok(kept.step >= 2, 'the model in hand trains on');
  await page.close();
});
