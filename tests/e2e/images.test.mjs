// End to end: image uploads. PNG and JPEG files made in the page, and a ZIP of PNGs in two folders
// (deflated entries) whose folder names become the labels and the legend; a bad ZIP and an image the
// browser cannot decode are refused with the file's name while the model in hand stays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { ARTIFACTS, open, start, openDrawer } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

/** n images drawn in the page: circles or squares of varied size in `ink` on black, as PNG (or JPEG) bytes. */
const draw = (page, shape, n, type = 'image/png', ink = '#fff') =>
  page.evaluate(
    async ({ shape, n, type, ink }) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const c = new OffscreenCanvas(32, 32);
        const ctx = c.getContext('2d');
        ctx.fillStyle = '#000';
        ctx.fillRect(0, 0, 32, 32);
        ctx.fillStyle = ink;
        const r = 6 + (i % 8);
        if (shape === 'circle') {
          ctx.beginPath();
          ctx.arc(16, 16, r, 0, 2 * Math.PI);
          ctx.fill();
        } else ctx.fillRect(16 - r, 16 - r, 2 * r, 2 * r);
        out.push([...new Uint8Array(await (await c.convertToBlob({ type })).arrayBuffer())]);
      }
      return out;
    },
    { shape, n, type, ink },
  );

/** A ZIP archive of deflated entries (the reader does not check CRCs, so they are left 0). */
function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const { name, bytes } of entries) {
    const data = deflateRawSync(Buffer.from(bytes));
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(bytes.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(bytes.length, 24);
    dir.writeUInt16LE(nameBytes.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    central.push(dir, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const size = central.reduce((a, b) => a + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return [...Buffer.concat([...locals, ...central, end])];
}

const upload = (page, files, options) =>
  page.evaluate(({ files, options }) => window.aePlayground.upload(files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })), options), { files, options });

test('a ZIP of images in folders uploads with the folders as labels; loose PNG and JPEG files too', async () => {
  const { page, errors } = await open(env.browser, env.url);
  const circles = await draw(page, 'circle', 30);
  const squares = await draw(page, 'square', 30);
  const entries = [...circles.map((bytes, i) => ({ name: `shapes/circle/${i}.png`, bytes })), ...squares.map((bytes, i) => ({ name: `shapes/square/${i}.png`, bytes }))];
  const summary = await upload(page, [{ name: 'shapes.zip', bytes: zip(entries) }], { imageSize: 16 });
  assert.deepEqual([summary.n, summary.width, summary.height, summary.channels, summary.classes], [60, 16, 16, 1, 2], 'grey images stay grey');
  assert.deepEqual(summary.classNames, ['circle', 'square']);
  assert.ok(summary.max > 0.9 && summary.min === 0, `values ${summary.min}..${summary.max}`);
  const first = await page.evaluate(() => window.aePlayground.train({ steps: 1 }));
  const later = await page.evaluate(() => window.aePlayground.train({ steps: 300 }));
  assert.ok(later.testLoss < 0.7 * first.testLoss, `test loss ${first.testLoss} → ${later.testLoss}`);
  assert.deepEqual(await page.$$eval('#latent-legend li', (items) => items.map((li) => li.textContent)), ['circle', 'square']);
  assert.match(await page.textContent('#upload-summary'), /2 classes \(circle, square\)/);
  await openDrawer(page);
  await page.click('#drop summary');
  await page.locator('#drop').screenshot({ path: new URL('upload-images.png', ARTIFACTS).pathname });

  // Loose files, PNG and JPEG, no folders: no labels.
  const jpegs = await draw(page, 'circle', 10, 'image/jpeg');
  const loose = [...circles.slice(0, 10).map((bytes, i) => ({ name: `c${i}.png`, bytes })), ...jpegs.map((bytes, i) => ({ name: `j${i}.jpg`, bytes }))];
  const s2 = await upload(page, loose, { imageSize: 28 });
  assert.deepEqual([s2.n, s2.width, s2.height, s2.classes], [20, 28, 28, 0]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('colour images stay in colour (red, green, blue per pixel), train, and are drawn in colour; grey on request', async () => {
  const { page, errors } = await open(env.browser, env.url);
  const red = await draw(page, 'circle', 20, 'image/png', '#e00');
  const blue = await draw(page, 'square', 20, 'image/png', '#00c');
  const files = [...red.map((bytes, i) => ({ name: `red${i}.png`, bytes })), ...blue.map((bytes, i) => ({ name: `blue${i}.png`, bytes }))];
  const summary = await upload(page, files, { imageSize: 12 });
  assert.deepEqual([summary.n, summary.width, summary.height, summary.channels], [40, 12, 12, 3]);
  assert.match(await page.textContent('#upload-summary'), /40 samples of 12×12 colour images/);
  const first = await page.evaluate(() => window.aePlayground.train({ steps: 1 }));
  const later = await page.evaluate(() => window.aePlayground.train({ steps: 200 }));
  assert.ok(later.testLoss < 0.7 * first.testLoss, `test loss ${first.testLoss} → ${later.testLoss}`);
  const { width } = await page.evaluate(() => window.aePlayground.reconstruct([0]));
  assert.equal(width, 12 * 12 * 3, 'one image is 12 × 12 × 3 values');
  // The preview is drawn in colour: some pixel's red and blue differ.
  const coloured = await page.evaluate(() => {
    const c = document.getElementById('upload-preview');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return d.some((v, i) => i % 4 === 0 && Math.abs(v - d[i + 2]) > 100);
  });
  assert.ok(coloured, 'the preview shows colour');
  await openDrawer(page);
  await page.click('#drop summary');
  await page.locator('#drop').screenshot({ path: new URL('upload-colour.png', ARTIFACTS).pathname });
  const grey = await upload(page, files, { imageSize: 12, colour: 'grey' });
  assert.equal(grey.channels, 1);
  await assert.rejects(upload(page, files, { colour: 'sepia' }), /image colour sepia must be auto, grey or rgb/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an image that is not square is cropped to its centre square, stretched, or padded, as chosen', async () => {
  const { page, errors } = await open(env.browser, env.url);
  // A 60×20 image: white, then a grey middle third, then white; drawn at 10×10 three ways. Pixels
  // (row, column) read: (0, 0), (0, 5), (5, 0), (5, 5).
  const pixels = await page.evaluate(async () => {
    const { imagesToIdx } = await import('./www/data/image-upload.js');
    const canvas = new OffscreenCanvas(60, 20);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 60, 20);
    ctx.fillStyle = '#808080';
    ctx.fillRect(20, 0, 20, 20);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const out = {};
    for (const fit of ['crop', 'stretch', 'pad']) {
      const { files } = await imagesToIdx([{ name: 'wide.png', blob }], { imageSize: 10, fit });
      const px = new Uint8Array(await files[0].blob.arrayBuffer()).subarray(16);
      out[fit] = [px[0], px[5], px[50], px[55]];
    }
    return out;
  });
  assert.deepEqual(pixels.crop, [128, 128, 128, 128], 'the centre square: all grey');
  assert.deepEqual(pixels.stretch, [255, 128, 255, 128], 'the whole width squeezed: white, grey, white in every row');
  assert.deepEqual(pixels.pad, [0, 0, 255, 128], 'the whole image in a band across the middle, black above and below');
  assert.equal(await page.inputValue('#upload-fit'), 'crop', 'cropping is the default');
  await assert.rejects(upload(page, [{ name: 'a.png', bytes: [1] }], { fit: 'squash' }), /image fit squash must be crop, stretch or pad/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a damaged ZIP and an undecodable image are refused with the file, and the model stays', async () => {
  const { page } = await open(env.browser, env.url);
  const before = await page.evaluate(() => window.aePlayground.train({ steps: 5 }));
  for (const [file, expected] of [
    [{ name: 'junk.zip', bytes: [...Buffer.from('this is not a zip archive at all, not at all')] }, /junk\.zip: not a ZIP archive/],
    [{ name: 'broken.png', bytes: [0x89, 0x50, 0x4e, 0x47, 1, 2, 3] }, /broken\.png: the browser cannot decode this image/],
    [{ name: 'empty.zip', bytes: zip([]) }, /empty\.zip: no images in it/],
  ]) {
    await assert.rejects(upload(page, [file], {}), expected);
    const now = await page.evaluate(() => window.aePlayground.metrics());
    assert.deepEqual([now.step, now.testLoss], [before.step, before.testLoss], `${file.name}: the model stays`);
  }
  assert.equal((await page.evaluate(() => window.aePlayground.settings())).dataset, 'mnist');
  await page.close();
});
