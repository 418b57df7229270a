// End to end: export → import gives the same reconstructions and training goes on; a Python check
// (numpy + safetensors) reproduces the page's reconstructions from the exported file; so does PyTorch
// from the export for it, whose weights import back; codes as CSV and figures as PNG download; a bad
// file is refused and the model in hand stays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { inflateRawSync } from 'node:zlib';
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

/** The files in a ZIP archive (deflated or stored), by name. */
function unzip(bytes) {
  const buf = Buffer.from(bytes);
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const files = {};
  for (let at = buf.readUInt32LE(end + 16), i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const [method, packed, nameLength, extra, comment, local] = [buf.readUInt16LE(at + 10), buf.readUInt32LE(at + 20), buf.readUInt16LE(at + 28), buf.readUInt16LE(at + 30), buf.readUInt16LE(at + 32), buf.readUInt32LE(at + 42)];
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + packed);
    files[name] = method === 8 ? inflateRawSync(data) : data;
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

test('Export for PyTorch: the ZIP runs in PyTorch with the page\'s reconstructions, and its weights import back', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=24,8&tied=true`);
  await page.evaluate(() => window.aePlayground.train({ steps: 100 }));
  const zip = await page.evaluate(async () => Array.from(await window.aePlayground.exportPyTorch()));
  const files = unzip(zip);
  assert.deepEqual(Object.keys(files), ['model.safetensors', 'model.py', 'train.py', 'README.md', 'requirements.txt']);
  assert.match(files['README.md'].toString(), /64 → 24 → 8 → 24 → 64 \(tied weights\), trained on digits/);
  const folder = artifact('pytorch-export/');
  mkdirSync(folder, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(folder + name, data);
  const before = await reconstruct(page);
  writeFileSync(folder + 'page.json', JSON.stringify(before));

  // PyTorch, with the export's own model.py: the page's reconstructions to 1e-5.
  const python = `${process.env.AE_TORCH_ENV ?? `${homedir()}/.cache/ae-playground/torch`}/bin/python`;
  const check = `import json, sys, torch; sys.path.insert(0, sys.argv[1]); from model import load
page = json.load(open(sys.argv[1] + "page.json")); m = load(sys.argv[1] + "model.safetensors")
x = torch.tensor(page["inputs"]).reshape(-1, page["width"]); y = m(x).detach().reshape(-1)
print("largest difference from the page's:", (y - torch.tensor(page["outputs"])).abs().max().item())`;
  const report = execFileSync(python, ['-c', check, folder], { encoding: 'utf8' });
  console.log(report.trim());
  const [, difference] = report.match(/page's: ([0-9.e-]+)/);
  assert.ok(Number(difference) <= 1e-5, report);

  // Another model, then the PyTorch checkpoint through the import picker: the same model again.
  await page.evaluate(() => window.aePlayground.reset({ seed: 5 }));
  assert.notDeepEqual((await reconstruct(page)).outputs, before.outputs);
  await openDrawer(page);
  await page.click('text=Export and import');
  await page.setInputFiles('#import-weights', folder + 'model.safetensors');
  // The picker's import has landed once the first reconstruction is the exported model's.
  await page.waitForFunction(async (want) => (await window.aePlayground.reconstruct([0])).outputs[0] === want, before.outputs[0]);
  assert.deepEqual((await reconstruct(page)).outputs, before.outputs);

  // train.py under torchrun (two processes, gloo on the CPU) trains on from the export; its checkpoint
  // through the import picker gives PyTorch's own reconstructions of the same inputs.
  execFileSync(python, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', folder + 'train.py', '--data', new URL('../../data/uci-digits.csv.gz', import.meta.url).pathname, '--label-column', '65', '--epochs', '1', '--device', 'cpu', '--out', folder + 'run'], { encoding: 'utf8', timeout: 300_000 });
  const trained = execFileSync(python, ['-c', `${check.split('\n')[0]}
page = json.load(open(sys.argv[1] + "page.json")); m = load(sys.argv[1] + "run/model.safetensors")
print(json.dumps(m(torch.tensor(page["inputs"]).reshape(-1, page["width"])).detach().reshape(-1).tolist()))`, folder], { encoding: 'utf8' });
  const theirs = JSON.parse(trained);
  await page.setInputFiles('#import-weights', folder + 'run/model.safetensors');
  await page.waitForFunction(async (want) => (await window.aePlayground.reconstruct([0])).outputs[0] !== want, before.outputs[0]);
  const ours = (await reconstruct(page)).outputs;
  const apart = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i])));
  console.log(`torchrun's checkpoint in the page: largest difference from PyTorch's reconstructions ${apart.toExponential(1)}`);
  assert.ok(apart <= 1e-5, `the page and PyTorch differ by ${apart} on torchrun's checkpoint`);

  // The button saves the ZIP; a file that is not a model is refused and the model stays.
  const download = page.waitForEvent('download');
  await page.click('#export-pytorch');
  assert.equal((await download).suggestedFilename(), 'autoencoder-pytorch.zip');
  const refusal = await page.evaluate((bytes) => window.aePlayground.importWeights(new Uint8Array(bytes)).then(() => 'accepted', (e) => e.message), Array.from(files['model.py']));
  console.log(refusal);
  assert.match(refusal, /safetensors reader refused it/);
  assert.deepEqual((await reconstruct(page)).outputs, ours);
  assert.deepEqual(errors, []);
  await page.close();
});
