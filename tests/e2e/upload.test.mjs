// End to end: uploads of every format the page reads (files made here), by the picker, by drag and
// drop and by the page API; and each kind of bad file refused with a message naming the file and the
// place, with the dataset, the model and its training left as they were.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { ARTIFACTS, open, start, openDrawer, wholePageShot } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

function npy(descr, shape, payload) {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const length = Buffer.alloc(2);
  length.writeUInt16LE(header.length);
  return Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), length, Buffer.from(header), Buffer.from(payload)]);
}

function idx(dims, payload) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(payload)]);
}

/** Three noisy clusters in 6 values, labelled by name. */
function csv(rows = 150) {
  let text = 'a,b,c,d,e,f,kind\n';
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    const values = Array.from({ length: 6 }, (_, j) => (k === j % 3 ? 1 : 0) + 0.1 * Math.sin(i * 7 + j));
    text += `${values.map((v) => v.toFixed(4)).join(',')},${['ant', 'bee', 'cat'][k]}\n`;
  }
  return Buffer.from(text);
}

test('every format uploads, by the picker, by drag and drop and by the API, and trains', async () => {
  const { page, errors } = await open(env.browser, env.url);
  await openDrawer(page);
  await page.click('#drop summary');
  await page.fill('#upload-label', 'kind');
  await page.setInputFiles('#upload', { name: 'clusters.csv', mimeType: 'text/csv', buffer: csv() });
  await page.waitForFunction(() => window.aePlayground.settings().dataset === 'upload:clusters.csv');
  assert.match(await page.textContent('#upload-summary'), /clusters\.csv: 150 samples of 6 values each \(120 train, 30 test\), 3 classes \(ant, bee, cat\)/);
  let m = await page.evaluate(() => window.aePlayground.train({ steps: 200 }));
  assert.ok(Number.isFinite(m.testLoss), JSON.stringify(m));
  assert.deepEqual(await page.locator('#latent-legend li').allTextContents(), ['ant', 'bee', 'cat'], 'the names of the label column in the legend');
  assert.equal(await page.inputValue('#setting-dataset'), 'upload:clusters.csv', 'the dataset control offers and shows the upload');
  await wholePageShot(page, 'upload-csv.png');

  // IDX images and labels, gzipped, both through the picker (labels first: the page reorders them).
  const pixels = Array.from({ length: 60 * 8 * 8 }, (_, i) => (i * 37) % 256);
  const labels = Array.from({ length: 60 }, (_, i) => i % 4);
  await page.fill('#upload-label', '');
  await page.setInputFiles('#upload', [
    { name: 'train-labels.gz', mimeType: 'application/gzip', buffer: gzipSync(idx([60], labels)) },
    { name: 'train-images.gz', mimeType: 'application/gzip', buffer: gzipSync(idx([60, 8, 8], pixels)) },
  ]);
  await page.waitForFunction(() => window.aePlayground.settings().dataset === 'upload:train-images.gz');
  assert.match(await page.textContent('#upload-summary'), /60 samples of 8×8 grey images \(48 train, 12 test\), 4 classes/);

  // A .npy of float32 by drag and drop.
  const floats = new Float32Array(Array.from({ length: 40 * 5 }, (_, i) => Math.cos(i)));
  const file = npy('<f4', '(40, 5)', new Uint8Array(floats.buffer));
  await page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'waves.npy'));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, [...file]);
  await page.waitForFunction(() => window.aePlayground.settings().dataset === 'upload:waves.npy');

  // A TSV and a .npy of bytes (images) through the page API.
  const summary = await page.evaluate(() => window.aePlayground.upload([{ name: 't.tsv', bytes: new TextEncoder().encode('1\t2\n3\t4\n5\t6\n7\t8\n9\t10\n') }], { normalise: 'standardise', testFraction: 0.4 }));
  assert.deepEqual([summary.n, summary.nTrain, summary.width], [5, 3, 2]);
  const images = npy('|u1', '(30, 4, 4)', Array.from({ length: 480 }, (_, i) => i % 256));
  const s2 = await page.evaluate((bytes) => window.aePlayground.upload([{ name: 'img.npy', bytes: new Uint8Array(bytes) }]), [...images]);
  assert.deepEqual([s2.height, s2.width, s2.min, s2.max], [4, 4, 0, 1]);
  m = await page.evaluate(() => window.aePlayground.train({ steps: 20 }));
  assert.equal(m.step, 20);
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad files are refused with the file and the place, and everything in hand stays', async () => {
  const { page } = await open(env.browser, env.url);
  const before = await page.evaluate(() => window.aePlayground.train({ steps: 30 }));
  const cases = [
    [[{ name: 'empty.csv', buffer: Buffer.alloc(0) }], /empty\.csv is empty/],
    [[{ name: 'ragged.csv', buffer: Buffer.from('1,2,3\n4,5\n') }], /ragged\.csv line 2: 2 values, but line 1 has 3/],
    [[{ name: 'words.csv', buffer: Buffer.from('1,2\n3,four\n') }], /words\.csv line 2, column 2: "four" is not a number/],
    [[{ name: 'nan.csv', buffer: Buffer.from('1,2\nNaN,3\n') }], /nan\.csv line 2, column 1: NaN is not allowed/],
    [[{ name: 'short.npy', buffer: npy('<f4', '(3, 2)', [0, 0, 0, 0]) }], /short\.npy: shape \(3, 2\) needs 24 bytes of data from byte \d+, but the file has 4/],
    [[{ name: 'magic.idx', buffer: Buffer.from([0, 0, 9, 3, 0, 0, 0, 1, 1, 2]) }], /magic\.idx: magic number \[00, 00, 09, 03\] at byte 0 is not an IDX file/],
    [[{ name: 'img.idx', buffer: idx([3, 2, 2], Array(12).fill(1)) }, { name: 'lab-labels.idx', buffer: idx([2], [0, 1]) }], /lab-labels\.idx: 2 labels for the 3 images of img\.idx/],
  ];
  for (const [files, expected] of cases) {
    await page.setInputFiles('#upload', files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
    await page.waitForFunction(() => !document.getElementById('message').hidden);
    const message = await page.textContent('#message');
    console.log(message);
    assert.match(message, expected);
    const now = await page.evaluate(() => window.aePlayground.metrics());
    assert.equal(now.step, before.step, 'the model was kept');
    assert.equal(now.testLoss, before.testLoss);
    assert.equal(await page.evaluate(() => window.aePlayground.settings().dataset), 'mnist');
    await page.evaluate(() => (document.getElementById('message').hidden = true));
  }
  // And training goes on from where it was.
  const after = await page.evaluate(() => window.aePlayground.train({ steps: 10 }));
  assert.equal(after.step, before.step + 10);
  await page.close();
});

test('a table dropped as exported: its text column becomes the labels, the summary says so, and another column or none can be chosen', async () => {
  const { page, errors } = await open(env.browser, env.url);
  await openDrawer(page);
  await page.click('#drop summary');
  // 30 measurements and a text column `diagnosis`, with the label field left empty (as a new user does).
  let text = `${Array.from({ length: 30 }, (_, k) => `m${k + 1}`).join(',')},diagnosis\n`;
  for (let i = 0; i < 60; i++) text += `${Array.from({ length: 30 }, (_, k) => ((i * 7 + k) % 13) / 13).join(',')},${i % 2 ? 'benign' : 'malignant'}\n`;
  await page.setInputFiles('#upload', { name: 'wdbc.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.waitForFunction(() => window.aePlayground.settings().dataset === 'upload:wdbc.csv');
  const summary = await page.textContent('#upload-summary');
  assert.match(summary, /wdbc\.csv: 60 samples of 30 values each .*2 classes \(benign, malignant\)/);
  assert.match(summary, /The labels are column 31, "diagnosis" \(the only column of text\)/);
  assert.equal(await page.inputValue('#upload-label-pick'), '31', 'the chooser shows the column found');
  await page.locator('#drop').screenshot({ path: new URL('upload-label-column.png', ARTIFACTS).pathname });
  // No labels: the text cannot be values, so the file is refused and the data in hand stay.
  await page.selectOption('#upload-label-pick', 'none');
  await page.waitForFunction(() => /not a number/.test(document.getElementById('upload-summary').textContent));
  assert.match(await page.textContent('#upload-summary'), /column 31: "(malignant|benign)" is not a number \(the data in hand stay as they were\)/);
  assert.equal((await page.evaluate(() => window.aePlayground.settings())).dataset, 'upload:wdbc.csv');
  // The page API finds it too, and says which column it took.
  const found = await page.evaluate((t) => window.aePlayground.upload([{ name: 'again.csv', bytes: new TextEncoder().encode(t) }], {}), text);
  assert.deepEqual([found.classes, found.table.label, found.table.labelWhy], [2, 30, 'the only column of text']);
  assert.deepEqual(errors, []);
  await page.close();
});
