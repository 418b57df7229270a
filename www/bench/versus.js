// The side-by-side benchmark: this playground's engine, TF.js and jax-js train the same autoencoder from the
// same initial weights on the same MNIST batches, in turns (A B C A B C) after a warm-up, and the page
// reports each one's median milliseconds per step, their ratios, and whether all reached the same losses:
// on the page's main thread (ours single-threaded, TF.js wasm on 1 thread, TF.js cpu), then in dedicated
// workers on 1 and on N threads (threads.js); then a GEMM micro-benchmark (512³, plain and transposed) and,
// where WebGPU is, the same step on the GPU. window.aeVersus = {done: Promise<report>} for
// scripts/bench.mjs and the tests.
import init, { Data, Gpu, Playground, benchMatmul } from '../../pkg-bench/ae_playground.js';
import { agreement, median, quick, report, row, status, timing } from './report.js';
import { tfNet } from './tf-net.js';
import { workerNets } from './threads.js';

const tf = globalThis.tf;
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
const LABELS = { ours: 'ours (wasm SIMD128, one thread)', wasm: 'TF.js wasm, 1 thread', cpu: 'TF.js cpu' };

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

/** TF.js's copy of the net (tf-net.js) on `backend` of this page, fed batch after batch of `batchOf`. */
async function pageTfNet(backend, layers, batchOf) {
  await tf.setBackend(backend);
  const net = tfNet(tf, layers, BATCH);
  let step = 0;
  return {
    use: async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    },
    train: (n) => net.train(Array.from({ length: n }, () => batchOf(step++))),
  };
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

/** Ours and TF.js's on this page, jax-js's in its worker (`jaxGemm`, or none): all on one thread. */
async function gemm(jaxGemm) {
  await tf.setBackend('wasm');
  const seconds = quick ? 0.1 : 1;
  for (const [product, ta, tb, what] of [['ab', false, false, 'A·B (forward)'], ['atb', true, false, 'Aᵀ·B (weight gradient)'], ['abt', false, true, 'A·Bᵀ (input gradient)']]) {
    status(`GEMM 512³ ${what}…`);
    const ours = benchMatmul(512, product, seconds / 5);
    const theirs = tfMatmul(512, ta, tb, seconds);
    const jax = jaxGemm ? await jaxGemm({ n: 512, product, seconds }) : null;
    report.gemm.push({ product, ours, tfjs: theirs, jax });
    const figures = [ours, theirs, ...(jax ? [jax] : [])].map((g) => g.toFixed(1)).join(' vs ');
    row(`GEMM 512³ ${what}`, `ours vs TF.js wasm${jax ? ' vs jax-js wasm' : ''} (1 thread)`, `${figures} GFLOPS`);
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
    theirs = await pageTfNet('webgpu', ours.playground.layers(), batchOf);
  } catch (e) {
    row('WebGPU', 'TF.js webgpu', `not available: ${e.message ?? e}`);
    return;
  }
  const nets = { 'ours (WebGPU)': ours, 'TF.js webgpu': theirs };
  const times = await timing(nets, { 'ours (WebGPU)': [1, quick ? 1 : 2], 'TF.js webgpu': [1, quick ? 1 : 2] }, TURNS);
  report.webgpu = { adapter: gpu.adapter, software: gpu.software, times };
  for (const [name, ms] of Object.entries(times)) row('ms per step (WebGPU)', name, `${ms.toFixed(1)} ms on ${gpu.adapter}`);
  if (gpu.software) row('note', gpu.adapter, 'a software adapter: these WebGPU figures check the path, not GPU speed');
}

/** The rows of the thread-count nets: what each engine runs, its times, and the ratios to ours. */
function threadRows(threads) {
  const { n, counts, info } = threads;
  const t = report.timing;
  row('threads', `N = ${n}`, `every thread of this machine (navigator.hardwareConcurrency ${navigator.hardwareConcurrency}, at most 8); each engine in its own dedicated worker`);
  const tfDefault = Math.min(8, Math.max(1, Math.floor((navigator.hardwareConcurrency || 1) / 2)));
  row('TF.js threads', `${info.tfjs[counts.at(-1)].version}`, `${counts.map((k) => `asked ${k}, runs ${info.tfjs[k].threads}`).join('; ')} (its default here: ${tfDefault}, hardwareConcurrency / 2)`);
  row('jax-js threads', '0.1.25', info.jax.pool ? `a pool of ${info.jax.pool} workers for its asynchronous reads; 1 thread: its synchronous path` : 'no worker pool (no shared memory): 1 thread only');
  for (const name of Object.keys(threads.nets)) row('ms per step (CPU, threads)', threads.labels[name], `${t[name].toFixed(2)} ms`);
  if (n > 1) {
    const same = report.losses['ours@1'].every((l, i) => l === report.losses[`ours@${n}`][i]);
    report.threads.identical = same;
    row('ours, 1 vs N threads', `${CHECK_STEPS} steps`, same ? 'the same losses, bit for bit' : 'the losses DIFFER');
    row('ratio', `ours ${n} threads / ours 1 thread`, `${(t[`ours@${n}`] / t['ours@1']).toFixed(2)}× the 1-thread time`);
  }
  for (const k of counts) {
    for (const [peer, label] of [['jax', 'jax-js'], ['tfjs', 'TF.js wasm']]) {
      if (t[`${peer}@${k}`]) row('ratio', `${label} / ours, ${k} thread${k === 1 ? '' : 's'}`, `${(t[`${peer}@${k}`] / t[`ours@${k}`]).toFixed(2)}×`);
    }
  }
}

async function run() {
  await init();
  tf.wasm.setWasmPaths(new URL('../../vendor/tfjs/', import.meta.url).href);
  tf.wasm.setThreadsCount(1); // TF.js on this page: one thread, as ours here; its threads are measured in workers
  const response = await fetch(new URL('../../data/mnist.aepk', import.meta.url));
  const data = Data.fromPacked(new Uint8Array(await response.arrayBuffer()));
  const ours = ourNet(data, null);
  const nTrain = ours.playground.dataset().nTrain;
  const batchOf = schedule(ours.playground, nTrain);
  const layers = ours.playground.layers();
  const nets = { ours, wasm: await pageTfNet('wasm', layers, batchOf), cpu: await pageTfNet('cpu', layers, batchOf) };
  report.tfjs = { version: tf.version_core, simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: tf.wasm.getThreadsCount() };
  row('TF.js', `${tf.version_core}`, `wasm backend: SIMD ${report.tfjs.simd ? 'on' : 'off'}, ${report.tfjs.threads} thread on this page`);
  status('starting the workers…');
  const threads = await workerNets({ config: CONFIG, layers, batchOf });
  if (threads.why) row('threads', '–', `not measured: ${threads.why}`);
  else report.threads = { n: threads.n, info: threads.info };
  const all = { ...nets, ...threads.nets };
  const labels = { ...LABELS, ...threads.labels };
  const label = (name) => labels[name];
  await agreement(all, CHECK_STEPS, label);
  report.timing = await timing(all, { ...PLAN, ...threads.plan }, TURNS, label);
  for (const name of Object.keys(nets)) row('ms per step (CPU)', LABELS[name], `${report.timing[name].toFixed(2)} ms`);
  row('ratio', 'TF.js wasm / ours', `${(report.timing.wasm / report.timing.ours).toFixed(2)}×`);
  if (!threads.why) threadRows(threads);
  await gemm(threads.jaxGemm);
  threads.close?.();
  await webgpu(data, batchOf);
  status('done');
  return report;
}

window.aeVersus = { done: run() };
window.aeVersus.done.catch((e) => status(`failed: ${e.message ?? e}`));
