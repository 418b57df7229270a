// The side-by-side benchmark: this playground's engine and TF.js train the same autoencoder from the
// same initial weights on the same MNIST batches, in turns (A B A B) after a warm-up, and the page
// reports the median milliseconds per step of each, their ratio, and whether both reached the same
// loss; then a GEMM micro-benchmark (512³, plain and transposed) and, where WebGPU is, the same step
// on the GPU. window.aeVersus = {done: Promise<report>} for scripts/bench.mjs and the tests.
import init, { Data, Gpu, Playground, benchMatmul } from '../../pkg-bench/ae_playground.js';

const tf = globalThis.tf;
const quick = location.hash.includes('quick');
const BATCH = 64;
const CONFIG = {
  hidden: [256, 64, 256],
  activation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'squaredError',
  optimizer: 'adam',
  learningRate: 0.001,
  batchSize: BATCH,
  seed: 1,
};
// Steps compared for the loss check, then [warm-up steps, steps per turn] and turns for the timing.
const CHECK_STEPS = quick ? 10 : 50;
const TURNS = quick ? 2 : 7;
const PLAN = { ours: [5, quick ? 5 : 20], wasm: [3, quick ? 2 : 5], cpu: [1, 1] };

const report = { quick, userAgent: navigator.userAgent, rows: [], agreement: [], timing: {}, gemm: [], webgpu: null };
const body = document.querySelector('#results tbody');
const status = (text) => (document.getElementById('status').textContent = text);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function row(what, engine, result) {
  report.rows.push({ what, engine, result });
  const tr = document.createElement('tr');
  for (const text of [what, engine, result]) tr.append(Object.assign(document.createElement('td'), { textContent: text }));
  body.append(tr);
}

/** Batch s of the engine's own schedule (its shuffles, from its seed), as values. */
function schedule(playground, nTrain) {
  const all = playground.rows(Uint32Array.from({ length: nTrain }, (_, i) => i));
  const width = all.length / nTrain;
  const perEpoch = Math.floor(nTrain / BATCH);
  const orders = new Map();
  return (s) => {
    const epoch = Math.floor(s / perEpoch);
    if (!orders.has(epoch)) orders.set(epoch, playground.epochRows(epoch));
    const rows = orders.get(epoch).subarray((s % perEpoch) * BATCH, ((s % perEpoch) + 1) * BATCH);
    const x = new Float32Array(BATCH * width);
    rows.forEach((r, i) => x.set(all.subarray(r * width, (r + 1) * width), i * width));
    return x;
  };
}

/** This engine, on the CPU or (with `gpu`) on WebGPU: `train(n)` resolves with the steps' mean loss. */
function ourNet(data, gpu) {
  const playground = new Playground(CONFIG, data);
  if (gpu) {
    playground.useEngine('webgpu', gpu);
    const { name, reason } = playground.backend();
    if (name !== 'WebGPU') throw new Error(reason);
  }
  return {
    playground,
    use: async () => {},
    /** `n` steps (on the GPU the loss is read back every 8, as in the page); their mean loss. */
    async train(n) {
      return (await playground.train(n)).loss;
    },
  };
}

/** TF.js's copy of the net on `backend`: variables from our initial layers, Adam with our constants,
 * and the loss as ours (squared error summed per sample, averaged over the batch). */
async function tfNet(backend, layers, batchOf) {
  await tf.setBackend(backend);
  const vars = layers.map((l) => ({
    w: tf.variable(tf.tensor2d(l.weight, [l.inputs, l.outputs])),
    b: tf.variable(tf.tensor1d(l.bias)),
  }));
  const width = layers[0].inputs;
  const optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-8);
  let step = 0;
  return {
    use: async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    },
    async train(n) {
      let cost = null;
      for (let i = 0; i < n; i++) {
        cost?.dispose();
        const values = batchOf(step++);
        cost = tf.tidy(() => {
          const x = tf.tensor2d(values, [BATCH, width]);
          return optimizer.minimize(() => {
            let h = x;
            for (const v of vars) h = tf.sigmoid(tf.add(tf.matMul(h, v.w), v.b));
            return tf.div(tf.sum(tf.squaredDifference(h, x)), BATCH);
          }, true);
        });
      }
      const loss = (await cost.data())[0];
      cost.dispose();
      return loss;
    },
  };
}

/** Trains each net CHECK_STEPS steps, one at a time, and records the first and last batch losses. */
async function agreement(nets) {
  const losses = {};
  for (const [name, net] of Object.entries(nets)) {
    status(`loss check: ${name}…`);
    await net.use();
    losses[name] = [];
    for (let s = 0; s < CHECK_STEPS; s++) losses[name].push(await net.train(1));
  }
  const [ref, ...others] = Object.keys(nets);
  for (const name of others) {
    const relative = (i) => Math.abs(losses[name][i] - losses[ref][i]) / losses[ref][i];
    const worst = Math.max(...losses[name].map((_, i) => relative(i)));
    const entry = { engine: name, reference: ref, steps: CHECK_STEPS, first: [losses[ref][0], losses[name][0]], last: [losses[ref].at(-1), losses[name].at(-1)], worst };
    report.agreement.push(entry);
    row(`loss after ${CHECK_STEPS} steps`, `${ref} vs ${name}`, `${entry.last[0].toFixed(3)} vs ${entry.last[1].toFixed(3)} (from ${entry.first[0].toFixed(3)}; worst step differs by ${(worst * 100).toFixed(3)}%)`);
  }
}

/** Median ms per step of each net over TURNS turns taken in order, after each net's warm-up. */
async function timing(nets, plan) {
  const times = Object.fromEntries(Object.keys(nets).map((name) => [name, []]));
  for (const [name, net] of Object.entries(nets)) {
    await net.use();
    await net.train(plan[name][0]);
  }
  for (let turn = 0; turn < TURNS; turn++) {
    for (const [name, net] of Object.entries(nets)) {
      status(`timing: turn ${turn + 1} of ${TURNS}, ${name}…`);
      await net.use();
      const steps = plan[name][1];
      const start = performance.now();
      await net.train(steps);
      times[name].push((performance.now() - start) / steps);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, median(t)]));
}

/** GFLOPS of TF.js's matMul (current backend) at n³: median of 5 runs of about `seconds`/5 each. */
function tfMatmul(n, transposeA, transposeB, seconds) {
  const [a, b] = [tf.randomUniform([n, n]), tf.randomUniform([n, n])];
  tf.matMul(a, b, transposeA, transposeB).dispose();
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    let reps = 0;
    do {
      tf.matMul(a, b, transposeA, transposeB).dispose();
      reps++;
    } while (performance.now() - start < (seconds * 1000) / 5);
    runs.push((performance.now() - start) / reps);
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / (median(runs) / 1000) / 1e9;
}

async function gemm() {
  await tf.setBackend('wasm');
  const seconds = quick ? 0.1 : 1;
  for (const [product, ta, tb, what] of [['ab', false, false, 'A·B (forward)'], ['atb', true, false, 'Aᵀ·B (weight gradient)'], ['abt', false, true, 'A·Bᵀ (input gradient)']]) {
    status(`GEMM 512³ ${what}…`);
    const ours = benchMatmul(512, product, seconds / 5);
    const theirs = tfMatmul(512, ta, tb, seconds);
    report.gemm.push({ product, ours, tfjs: theirs });
    row(`GEMM 512³ ${what}`, 'ours vs TF.js wasm', `${ours.toFixed(1)} vs ${theirs.toFixed(1)} GFLOPS`);
  }
}

async function webgpu(data, batchOf) {
  const gpu = await Gpu.find();
  if (gpu.failure) {
    row('WebGPU', '–', `not measured: ${gpu.failure}`);
    return;
  }
  const ours = ourNet(data, gpu);
  let theirs;
  try {
    theirs = await tfNet('webgpu', ours.playground.layers(), batchOf);
  } catch (e) {
    row('WebGPU', 'TF.js webgpu', `not available: ${e.message ?? e}`);
    return;
  }
  const nets = { 'ours (WebGPU)': ours, 'TF.js webgpu': theirs };
  const times = await timing(nets, { 'ours (WebGPU)': [1, quick ? 1 : 2], 'TF.js webgpu': [1, quick ? 1 : 2] });
  report.webgpu = { adapter: gpu.adapter, software: gpu.software, times };
  for (const [name, ms] of Object.entries(times)) row('ms per step (WebGPU)', name, `${ms.toFixed(1)} ms on ${gpu.adapter}`);
  if (gpu.software) row('note', gpu.adapter, 'a software adapter: these WebGPU figures check the path, not GPU speed');
}

async function run() {
  await init();
  tf.wasm.setWasmPaths(new URL('../../vendor/tfjs/', import.meta.url).href);
  const response = await fetch(new URL('../../data/mnist.aepk', import.meta.url));
  const data = Data.fromPacked(new Uint8Array(await response.arrayBuffer()));
  const ours = ourNet(data, null);
  const nTrain = ours.playground.dataset().nTrain;
  const batchOf = schedule(ours.playground, nTrain);
  const layers = ours.playground.layers();
  const nets = { ours, wasm: await tfNet('wasm', layers, batchOf), cpu: await tfNet('cpu', layers, batchOf) };
  report.tfjs = { version: tf.version_core, simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') };
  row('TF.js', `${tf.version_core}`, `wasm backend: SIMD ${report.tfjs.simd ? 'on' : 'off'}, threads ${report.tfjs.threads ? 'on' : 'off (one thread)'}`);
  await agreement(nets);
  report.timing = await timing(nets, PLAN);
  for (const [name, ms] of Object.entries(report.timing)) row('ms per step (CPU)', name === 'ours' ? 'ours (wasm SIMD128, one thread)' : `TF.js ${name}`, `${ms.toFixed(2)} ms`);
  row('ratio', 'TF.js wasm / ours', `${(report.timing.wasm / report.timing.ours).toFixed(2)}×`);
  await gemm();
  await webgpu(data, batchOf);
  status('done');
  return report;
}

window.aeVersus = { done: run() };
window.aeVersus.done.catch((e) => status(`failed: ${e.message ?? e}`));
