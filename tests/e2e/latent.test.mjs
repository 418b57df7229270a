// End to end: the latent scatter draws the test samples' codes coloured by label, with a legend, a
// table alternative and a thumbnail under the pointer; a 2-unit code is drawn as it is.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, start, wholePageShot } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

/** Distinct non-white colours on the scatter's canvas. */
function coloursDrawn(page) {
  return page.evaluate(() => {
    const c = document.getElementById('latent');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 600) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

test('the latent scatter shows the codes by label, with a legend, a table and hover thumbnails', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#hidden=2`);
  await page.evaluate(() => window.aePlayground.train({ steps: 300 }));
  assert.match(await page.textContent('#latent-what'), /2 units, as they are/);
  assert.equal(await page.locator('#latent-legend li').count(), 10);
  assert.equal(await page.locator('#latent-table tbody tr').count(), 10);
  const counts = await page.$$eval('#latent-table tbody tr td:nth-child(2)', (cells) => cells.map((c) => Number(c.textContent)));
  assert.equal(counts.reduce((a, b) => a + b, 0), 500, `samples per class ${counts}`);
  assert.ok((await coloursDrawn(page)) >= 10, 'ten classes drawn in their colours');

  // Hovering a point shows its image and label: find a drawn point and move the pointer onto it.
  await page.locator('#latent').scrollIntoViewIfNeeded();
  const box = await page.locator('#latent').boundingBox();
  const spot = await page.evaluate(() => {
    const c = document.getElementById('latent');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    // The canvas may be drawn smaller than its pixels: hand back the point's share of its width and height.
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 600) return [((i / 4) % c.width + 1) / c.width, (Math.floor(i / 4 / c.width) + 1) / c.height];
    return null;
  });
  assert.ok(spot, 'a point was drawn');
  await page.mouse.move(box.x + spot[0] * box.width, box.y + spot[1] * box.height);
  await page.waitForSelector('#latent-tip:not([hidden])');
  assert.match(await page.textContent('#latent-tip'), /test sample \d+, label \d/);
  assert.equal(await page.locator('#latent-tip canvas').count(), 1);
  await wholePageShot(page, 'latent-2d.png');

  // A wider code is projected on its principal directions.
  await page.evaluate(() => window.aePlayground.reset({ hidden: [32] }));
  await page.evaluate(() => window.aePlayground.train({ steps: 50 }));
  assert.match(await page.textContent('#latent-what'), /32 units\) on their first two principal directions/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the synthetic manifolds train in the page and colour the latent scatter by their labels', async () => {
  for (const [dataset, classes] of [['swissRoll', 6], ['circles', 2], ['sines', 3]]) {
    const { page, errors } = await open(env.browser, `${env.url}#dataset=${dataset}&hidden=16,2`);
    const first = await page.evaluate(() => window.aePlayground.metrics());
    const m = await page.evaluate(() => window.aePlayground.train({ steps: 400 }));
    console.log(`${dataset}: test loss ${first.testLoss.toFixed(3)} → ${m.testLoss.toFixed(3)} after ${m.step} steps`);
    assert.ok(m.testLoss < 0.6 * first.testLoss, `${dataset}: ${first.testLoss} → ${m.testLoss}`);
    assert.equal(await page.locator('#latent-legend li').count(), classes, dataset);
    if (dataset === 'swissRoll') await wholePageShot(page, 'latent-swiss-roll.png');
    // Not images: no strip of samples, no decoded image under the pointer, no drawing pad.
    for (const id of ['#samples-images', '#explore', '#pad']) assert.ok(await page.locator(id).isHidden(), `${dataset}: ${id} hidden`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
