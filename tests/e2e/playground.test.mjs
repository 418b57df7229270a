// End to end: the built playground in headless Chromium trains MNIST in its Web Worker, draws
// reconstructions, keeps to its own origin, and answers the page API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, open, start, openDrawer, wholePageShot } from './browser.mjs';

let env;
before(async () => (env = await start()));
after(() => env.stop());

/** Share of the reconstruction row's pixels that are not paper-white, read back from the canvas. */
function inkInBottomRow(page) {
  return page.evaluate(() => {
    const c = document.getElementById('reconstructions');
    const { data } = c.getContext('2d').getImageData(0, c.height / 2 + 2, c.width, c.height / 2 - 2);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 200) ink++;
    return ink / (data.length / 4);
  });
}

test('MNIST trains in the worker: the test loss halves, reconstructions appear, nothing leaves the origin', async () => {
  const { page, errors, offOrigin } = await open(env.browser, env.url);
  const first = await page.evaluate(() => window.aePlayground.metrics());
  assert.equal(first.step, 0);
  assert.ok(first.testLoss > 0, `initial test loss ${first.testLoss}`);
  assert.equal(first.backend, 'CPU');
  // The first screen came from MNIST's first slice; the whole comes when training starts, and the
  // page speaks of the whole throughout.
  const fetched = (ctx) => ctx.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).join(' '));
  const [worker] = page.workers();
  assert.match(await fetched(worker), /data\/mnist-first\.aepk/);
  assert.doesNotMatch(await fetched(worker), /data\/mnist\.aepk/);
  const described = () => page.textContent('#data-what');
  assert.match(await described(), /8000 train and 2000 test samples/);

  let m = first;
  for (let round = 0; round < 10 && m.testLoss > first.testLoss / 2; round++) {
    m = await page.evaluate(() => window.aePlayground.train({ steps: 100 }));
  }
  console.log(`test loss ${first.testLoss.toFixed(2)} at step 0 → ${m.testLoss.toFixed(2)} at step ${m.step}`);
  assert.ok(m.testLoss <= first.testLoss / 2, `test loss ${first.testLoss} → ${m.testLoss} after ${m.step} steps`);

  // Halving is reached by learning the mean image alone (≈53 here); going below 40 needs a code
  // that tells digits apart.
  for (let round = 0; round < 10 && m.testLoss >= 40; round++) {
    m = await page.evaluate(() => window.aePlayground.train({ steps: 200 }));
  }
  console.log(`test loss ${m.testLoss.toFixed(2)} at step ${m.step}`);
  assert.ok(m.testLoss < 40, `test loss ${m.testLoss} after ${m.step} steps: stuck at the mean image?`);

  // The engine lives in the worker: the wasm was fetched there, never by the page itself.
  assert.match(worker.url(), /www\/worker\/worker\.js$/);
  assert.match(await fetched(worker), /data\/mnist\.aepk/, 'training fetched the whole of MNIST');
  assert.match(await described(), /8000 train and 2000 test samples/);
  assert.match(await fetched(worker), /ae_playground_bg\.wasm/);
  assert.doesNotMatch(await fetched(page), /ae_playground_bg\.wasm/);

  const ink = await inkInBottomRow(page);
  assert.ok(ink > 0.05, `reconstruction row is ${(ink * 100).toFixed(1)}% ink: blank?`);

  // Play runs on its own until paused.
  await page.click('#play');
  await page.waitForFunction((s) => window.aePlayground.metrics().step > s + 20, m.step);
  await page.click('#pause');
  const backend = await page.textContent('#backend');
  console.log(backend);
  assert.doesNotMatch(backend, /starting|checking/);
  await wholePageShot(page, 'playground.png');

  assert.deepEqual(errors, [], 'console errors');
  assert.deepEqual(offOrigin, [], 'requests off the page origin');
  await page.close();
});

test('a model that starts on MNIST\'s first slice is the model built on the whole, and trains as it does', async () => {
  const { page, errors } = await open(env.browser, env.url);
  const start = await page.evaluate(() => window.aePlayground.metrics());
  const sliced = await page.evaluate(() => window.aePlayground.train({ steps: 60 }));
  // The whole is in hand now: the same settings build the model on it from the start.
  await page.evaluate(() => window.aePlayground.reset({}));
  const again = await page.evaluate(() => window.aePlayground.metrics());
  const whole = await page.evaluate(() => window.aePlayground.train({ steps: 60 }));
  console.log(`test loss at step 0: ${start.testLoss} (first slice), ${again.testLoss} (whole); at step 60: ${sliced.testLoss}, ${whole.testLoss}`);
  assert.equal(again.step, 0);
  assert.equal(start.testLoss, again.testLoss, 'the first screen is the whole model\'s');
  assert.equal(sliced.testLoss, whole.testLoss, 'trained on the same batches to the same weights');
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad settings are refused with a message and the trained model is kept', async () => {
  const { page, errors } = await open(env.browser, env.url);
  const trained = await page.evaluate(() => window.aePlayground.train({ steps: 20 }));
  const refusal = await page.evaluate(() => window.aePlayground.reset({ hidden: [32, 0] }).then(() => 'accepted', (e) => e.message));
  assert.match(refusal, /^hidden: \[32,0\] is not a list of whole numbers from 1 to 8192/);
  assert.match(await page.textContent('#message'), /hidden: \[32,0\]/);
  const after = await page.evaluate(() => window.aePlayground.train({ steps: 1 }));
  assert.equal(after.step, trained.step + 1, 'training continues from the same model');
  assert.deepEqual(await page.evaluate(() => window.aePlayground.settings().hidden), [32]);
  assert.deepEqual(errors, []);
  await page.close();
});

// Every bad value a script or an address can give, and the start of its refusal: the setting (or
// argument), the value given, what is allowed; never a JSON line and column.
const REFUSED = [
  ['reset', { learningRate: NaN }, /^learningRate: NaN is not a number > 0$/],
  ['reset', { batchSize: -64 }, /^batchSize: -64 is not a whole number from 1 to 4096$/],
  ['reset', { batchSize: 2.5 }, /^batchSize: 2\.5 is not a whole number from 1 to 4096$/],
  ['reset', { seed: -1 }, /^seed: -1 is not a whole number from 0 to 4294967295$/],
  ['reset', { momentum: 1 }, /^momentum: 1 is not a number ≥ 0 and < 1$/],
  ['reset', { validation: 0.95 }, /^validation: 0\.95 is not a number ≥ 0 and < 0\.9$/],
  ['reset', { masking: '0.5' }, /^masking: "0\.5" is not a number from 0 to 1$/],
  ['reset', { hidden: [] }, /^hidden: \[\] is not a list of whole numbers from 1 to 8192/],
  ['reset', { activation: 'swish' }, /^activation: "swish" is not one of sigmoid, tanh, relu, leakyRelu, linear, or a list of them/],
  ['reset', { tied: 'yes' }, /^tied: "yes" is not true or false$/],
  ['reset', { dataset: 'cifar' }, /^dataset: "cifar" is not one of mnist, digits, swissRoll, circles, sines/],
  ['reset', { batchsize: 64 }, /^batchsize is not a setting \(did you mean batchSize\?\)$/],
  ['reset', { kSparse: 100 }, /^kSparse 100 is larger than the code \(32 units\)$/], // the engine's: it depends on hidden
  ['compare', { masking: 2 }, /^compare\.masking: 2 is not a number from 0 to 1$/],
  ['train', { steps: -5 }, /^steps: -5 is not a whole number ≥ 1$/],
  ['train', { steps: 2.5 }, /^steps: 2\.5 is not a whole number ≥ 1$/],
  ['train', { steps: '10' }, /^steps: "10" is not a whole number ≥ 1$/],
  ['reconstruct', [-1], /^indices\[0\]: -1 is not a test sample's number \(a whole number ≥ 0\)$/],
  ['reconstruct', [0, 2000], /^test sample 2000 does not exist \(there are 2000\)$/], // the engine's, on the model in hand
  ['select', -1, /^index: -1 is not a test sample's number \(a whole number ≥ 0\)$/],
  ['select', 2.5, /^index: 2\.5 is not a test sample's number/],
  ['fewLabels', 0, /^labels: 0 is not a whole number ≥ 1$/],
  ['decode', ['a'], /^code: \["a"\] is not a list of numbers$/],
];

test('every bad value through the page API is refused naming its setting, and the model trains on', async () => {
  const { page } = await open(env.browser, env.url);
  const before = await page.evaluate(() => window.aePlayground.train({ steps: 5 }));
  const said = await page.evaluate(async (table) => {
    const messages = [];
    for (const [call, arg] of table) messages.push(await window.aePlayground[call](arg).then(() => 'accepted', (e) => e.message));
    return messages;
  }, REFUSED.map(([call, arg]) => [call, arg]));
  REFUSED.forEach(([call, arg, expected], i) => assert.match(said[i], expected, `${call}(${JSON.stringify(arg)})`));
  const after = await page.evaluate(() => window.aePlayground.train({ steps: 1 }));
  assert.equal(after.step, before.step + 1, 'the model in hand trains on');
  assert.equal(await page.evaluate(() => window.aePlayground.settings().batchSize), 64);
  await page.close();
});

test('bad values in the address are left out, and the page says which and why', async () => {
  const { page } = await open(env.browser, `${env.url}#dataset=digits&batchSize=-64&learningRate=abc&hidden=32,0&seed=3`);
  const settings = await page.evaluate(() => window.aePlayground.settings());
  assert.deepEqual([settings.dataset, settings.batchSize, settings.learningRate, settings.hidden, settings.seed], ['digits', 64, 0.003, [32], 3]);
  await page.waitForFunction(() => document.getElementById('message').textContent);
  assert.equal(
    await page.textContent('#message'),
    'Left out of the address: batchSize: -64 is not a whole number from 1 to 4096; learningRate: "abc" is not a number > 0; hidden: [32,0] is not a list of whole numbers from 1 to 8192, such as [64, 8] (the encoder\'s widths, the code last).',
  );
  await page.close();
});

test('settings come from the URL hash and go back into it', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&hidden=24,8&seed=3`);
  const settings = await page.evaluate(() => window.aePlayground.settings());
  assert.equal(settings.dataset, 'digits');
  assert.deepEqual(settings.hidden, [24, 8]);
  assert.equal(settings.seed, 3);
  const m = await page.evaluate(() => window.aePlayground.train({ steps: 10 }));
  assert.equal(m.step, 10);
  await openDrawer(page);
  await page.selectOption('#setting-activation', 'tanh');
  await page.waitForFunction(() => location.hash.includes('activation=tanh'));
  assert.match(await page.evaluate(() => location.hash), /dataset=digits&hidden=24%2C8&activation=tanh&seed=3/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('layer-wise pretraining runs stage by stage in the page, then fine-tunes, then trains a classifier and finishes', async () => {
  const hash = '#dataset=digits&hidden=32,16&pretrainEpochs=1&epochs=2&masking=0.2&batchSize=32&classifierEpochs=20&classifierLabels=10';
  const { page, errors } = await open(env.browser, `${env.url}${hash}`);
  const phases = [];
  let m = await page.evaluate(() => window.aePlayground.metrics());
  for (let round = 0; round < 100 && !m.finished; round++) {
    if (phases.at(-1) !== m.phase.name) phases.push(m.phase.name);
    if (m.phase.kind === 'stage' && m.phase.stage === 1) {
      const what = await page.textContent('#recon-what');
      assert.match(what, /codes of the stage below \(32 units\)/);
    }
    m = await page.evaluate(() => window.aePlayground.train({ steps: 15 }));
  }
  phases.push(m.phase.name);
  assert.deepEqual([...new Set(phases)], ['AE 1', 'AE 2', 'fine-tune', 'classifier']);
  assert.ok(m.finished, '20 epochs of the classifier end the run');
  assert.ok(m.testAccuracy > 0.4, `the classifier on 10 labels per class, 61 steps: test accuracy ${m.testAccuracy} (chance: 0.1)`);
  assert.match(await page.textContent('#readout'), /classifier \(4 of 4\), finished.*Test accuracy[\d.]+%/);
  // Each phase in the list: done, a full bar, its steps and speed, its own loss curve and table, its
  // reconstructions (the classifier's: of the autoencoder it sits on), and the classifier's accuracy.
  // Its curves are charts, made as they come into view (below the first screen here), as a person scrolls.
  await page.locator('#stages').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('#stages .stage-curve canvas').length >= 4);
  const items = await page.$$eval('#stages li', (lis) =>
    lis.map((li) => ({
      name: li.querySelector('strong').textContent,
      state: li.dataset.state,
      bar: li.querySelector('progress').value,
      text: li.querySelector('.stage-state').textContent,
      rows: li.querySelectorAll('table tbody tr').length,
      thumb: li.querySelector('.stage-recon').width,
    })),
  );
  assert.deepEqual(items.map((i) => [i.name, i.state, i.bar]), [['AE 1', 'done', 1], ['AE 2', 'done', 1], ['fine-tune', 'done', 1], ['classifier', 'done', 1]]);
  assert.match(items[3].text, /, test accuracy [\d.]+%$/);
  for (const item of items) {
    assert.match(item.text, /^done: [\d,]+ steps.*, [\d,]+ samples\/s(, test accuracy [\d.]+%)?$/, item.name);
    assert.ok(item.rows > 10 && item.thumb > 0, `${item.name}: ${item.rows} loss rows, reconstructions ${item.thumb} px wide`);
  }
  await wholePageShot(page, 'pretraining.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('every variant can be chosen in the page and trains', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&batchSize=32`);
  const variants = [
    { masking: 0.25 },
    { kSparse: 5, activation: 'linear' },
    { klWeight: 1, klTarget: 0.1 },
    { contractive: 0.1 },
    { variational: true, hidden: [32, 4], activation: 'relu', loss: 'crossEntropy' },
    { tied: true, optimizer: 'sgd', learningRate: 0.1 },
  ];
  // Every test sample's code, from the page's CSV export: rows of numbers (the label column dropped).
  const codes = () => page.evaluate(() => window.aePlayground.exportCodes()).then((csv) => csv.trim().split('\n').slice(1).map((line) => line.split(',').slice(1).map(Number)));
  const meanCode = (rows) => rows.flat().reduce((a, b) => a + b, 0) / rows.flat().length;
  for (const variant of variants) {
    await page.evaluate((v) => window.aePlayground.reset(v), variant);
    const before = await codes();
    const m = await page.evaluate(() => window.aePlayground.train({ steps: 30 }));
    assert.equal(m.step, 30, JSON.stringify(variant));
    assert.ok(Number.isFinite(m.testLoss), `${JSON.stringify(variant)}: test loss ${m.testLoss}`);
    const after = await codes();
    // Each variant's own effect, where the page shows it.
    if (variant.kSparse) assert.ok(after.every((row) => row.filter((v) => v !== 0).length === variant.kSparse), 'k-sparse: k active units in every code');
    if (variant.klWeight) {
      const [was, now] = [meanCode(before), meanCode(after)];
      console.log(`# KL sparsity: mean code ${was.toFixed(3)} → ${now.toFixed(3)} (ρ = ${variant.klTarget})`);
      assert.ok(Math.abs(now - variant.klTarget) < 0.6 * Math.abs(was - variant.klTarget), `KL pulls the mean code toward ρ: ${was} → ${now}`);
    }
    await page.evaluate(() => window.aePlayground.reset({ masking: 0, kSparse: 0, activation: 'sigmoid', klWeight: 0, contractive: 0, variational: false, hidden: [32], loss: 'squaredError', tied: false, optimizer: 'adam', learningRate: 0.003 }));
  }
  await openDrawer(page);
  await page.click('summary:has-text("Variational")');
  assert.ok(await page.isVisible('#setting-beta'), 'the variational group opens');
  assert.deepEqual(errors, []);
  await page.close();
});

test('training runs on WebGPU when chosen, matching what the CPU engine does', async () => {
  const run = async (settings, engine) => {
    const { page, errors } = await open(env.browser, `${env.url}${settings}&engine=${engine}`);
    const m = await page.evaluate(() => window.aePlayground.train({ steps: 60 }));
    assert.deepEqual(errors, []);
    await page.close();
    return m;
  };
  const cases = [
    '#dataset=digits&batchSize=32&seed=4',
    '#dataset=digits&batchSize=32&hidden=32,4&variational=true&activation=relu&loss=crossEntropy',
    '#dataset=digits&batchSize=32&hidden=32,16&pretrainEpochs=1&masking=0.2',
  ];
  for (const settings of cases) {
    const [gpu, cpu] = [await run(settings, 'webgpu'), await run(settings, 'cpu')];
    console.log(`${settings}, 60 steps: WebGPU (${gpu.backendReason}) test loss ${gpu.testLoss}; CPU ${cpu.testLoss}`);
    assert.equal(gpu.backend, 'WebGPU', settings);
    assert.equal(cpu.backend, 'CPU');
    assert.equal(gpu.step, 60);
    // Same batches, noise and initial weights: the engines agree to float rounding (kernel parity is 1e-6).
    assert.ok(Math.abs(gpu.testLoss - cpu.testLoss) <= 1e-3 * Math.abs(cpu.testLoss), `${settings}: WebGPU ${gpu.testLoss} vs CPU ${cpu.testLoss}`);
  }
});

test('losing the GPU mid-training falls back to the CPU with the same weights', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&batchSize=32&engine=webgpu`);
  const before = await page.evaluate(() => window.aePlayground.train({ steps: 40 }));
  assert.equal(before.backend, 'WebGPU');
  await page.evaluate(() => window.aePlayground.debug.loseGpu());
  const after = await page.evaluate(() => window.aePlayground.metrics());
  console.log(`after device.destroy(): ${after.backend} — ${after.backendReason}`);
  assert.equal(after.backend, 'CPU');
  assert.match(after.backendReason, /lost|GPU/);
  assert.equal(after.step, before.step);
  assert.equal(after.testLoss, before.testLoss, 'the CPU continues from the weights the GPU had');
  const more = await page.evaluate(() => window.aePlayground.train({ steps: 20 }));
  assert.equal(more.step, 60);
  assert.ok(more.testLoss < before.testLoss * 1.05, `training goes on: ${before.testLoss} → ${more.testLoss}`);
  assert.match(await page.textContent('#backend'), /CPU/);
  assert.deepEqual(errors.filter((e) => !/device|lost|destroy/i.test(e)), []);
  await page.close();
});

test('divergence on the GPU is caught: an error, and the last good weights back on the GPU', async () => {
  const hash = '#dataset=digits&batchSize=32&engine=webgpu&activation=relu&outputActivation=linear&optimizer=sgd&learningRate=100';
  const { page } = await open(env.browser, `${env.url}${hash}`);
  const refusal = await page.evaluate(() => window.aePlayground.train({ steps: 200 }).then(() => 'trained', (e) => e.message));
  assert.match(refusal, /diverged/);
  const m = await page.evaluate(() => window.aePlayground.metrics());
  console.log(`after divergence: ${m.backend} — ${m.backendReason}; test loss ${m.testLoss}`);
  assert.ok(Number.isFinite(m.testLoss), `the kept weights are finite (test loss ${m.testLoss})`);
  assert.equal(m.backend, 'WebGPU', 'the engine rolls back where it is, as the CPU engine does');
  assert.match(await page.textContent('#message'), /diverged/);
  await page.close();
});

test('after the GPU is lost, a new model gets a new device', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&batchSize=32&engine=webgpu`);
  await page.evaluate(() => window.aePlayground.train({ steps: 10 }));
  await page.evaluate(() => window.aePlayground.debug.loseGpu());
  assert.equal((await page.evaluate(() => window.aePlayground.metrics())).backend, 'CPU');
  await page.evaluate(() => window.aePlayground.reset({ seed: 2 }));
  const m = await page.evaluate(() => window.aePlayground.train({ steps: 10 }));
  assert.equal(m.backend, 'WebGPU', m.backendReason);
  assert.deepEqual(errors.filter((e) => !/device|lost|destroy/i.test(e)), []);
  await page.close();
});

test('the reconstructions show the corrupted inputs between the clean ones and the outputs exactly when noise is on', async () => {
  const { page, errors } = await open(env.browser, `${env.url}#dataset=digits&batchSize=32`);
  // Eight square images a row with 2 px between them: a cell is (width + 2) / 8 px each way.
  const rows = () => page.evaluate(() => {
    const c = document.getElementById('reconstructions');
    return (c.height + 2) / ((c.width + 2) / 8);
  });
  await page.evaluate(() => window.aePlayground.train({ steps: 10 }));
  assert.equal(await rows(), 2, 'no noise: inputs and outputs');
  assert.equal(await page.textContent('#recon-middle'), '');
  for (const noise of [{ masking: 0.3 }, { saltPepper: 0.2 }, { gaussian: 0.3 }]) {
    await page.evaluate((n) => window.aePlayground.reset(n), noise);
    await page.evaluate(() => window.aePlayground.train({ steps: 10 }));
    assert.equal(await rows(), 3, `${JSON.stringify(noise)}: inputs, corrupted, outputs`);
    assert.match(await page.textContent('#recon-middle'), /corrupted as in training/);
    const differs = await page.evaluate(() => {
      const c = document.getElementById('reconstructions');
      const [ctx, cell] = [c.getContext('2d'), (c.width + 2) / 8];
      const top = ctx.getImageData(0, 0, c.width, cell - 2).data;
      const middle = ctx.getImageData(0, cell, c.width, cell - 2).data;
      return top.some((v, i) => v !== middle[i]);
    });
    assert.ok(differs, `${JSON.stringify(noise)}: the middle row is not the clean one`);
    await page.evaluate(() => window.aePlayground.reset({ masking: 0, saltPepper: 0, gaussian: 0 }));
  }
  await page.evaluate(() => window.aePlayground.train({ steps: 2 }));
  assert.equal(await rows(), 2, 'noise off again: two rows');
  await page.evaluate(() => window.aePlayground.reset({ masking: 0.3 }));
  await page.locator('#recon-title').locator('xpath=..').screenshot({ path: new URL('reconstructions-denoising.png', ARTIFACTS).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});
