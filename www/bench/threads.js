// The thread-count nets of the side-by-side page: this engine's threaded build, TF.js's wasm backend and
// jax-js's wasm device, each on 1 thread and on N (every thread of the machine, at most 8, as the
// playground uses), each engine in its own dedicated Web Worker (threads-worker.js, tfjs-worker.js,
// jax-worker.js) and driven by the page's loss check and timing like its own nets: {use, train(n)}.
// TF.js and jax-js get the page's batches with each call; this engine draws the same ones itself.
import { connect } from './rpc.js';
import { quick } from './report.js';

/** More threads than this rarely pay for a batch of 64 (the playground's own limit, www/worker/engine.js). */
const MOST_THREADS = 8;
const plural = (k) => `${k} thread${k === 1 ? '' : 's'}`;

/** Starts the workers and their nets from the page's `config` and initial `layers`; `batchOf(s)` is
 * batch s. Resolves with {n, counts, nets, labels, plan, info, jaxGemm(args), close()}, or null with
 * the reason where the page cannot run threads. */
export async function workerNets({ config, layers, batchOf }) {
  const n = Math.min(navigator.hardwareConcurrency || 1, MOST_THREADS);
  if (!crossOriginIsolated) return { why: 'this page is not cross-origin isolated (no shared memory for threads)' };
  const counts = n > 1 ? [1, n] : [1];
  const out = { n, counts, nets: {}, labels: {}, plan: {}, info: { n, ours: {}, tfjs: {}, jax: {} }, endpoints: [] };
  const start = (file) => {
    const endpoint = connect(new URL(file, import.meta.url));
    out.endpoints.push(endpoint);
    return endpoint;
  };
  const add = (name, label, plan, train) => {
    out.nets[name] = { use: async () => {}, train };
    out.labels[name] = label;
    out.plan[name] = plan;
  };
  /** Batches in order, from each net's own count of steps. */
  const feeder = () => {
    let step = 0;
    return (k) => Array.from({ length: k }, () => batchOf(step++));
  };

  // This engine: one worker, one net per thread count; it sets the count before each net's steps.
  const ours = start('threads-worker.js');
  await ours.call('start', { threads: n });
  for (const k of counts) {
    out.info.ours[k] = await ours.call('open', { name: `ours@${k}`, config, threads: k });
    add(`ours@${k}`, `ours, ${plural(k)} (threaded build, worker)`, [5, quick ? 5 : 20], (steps) => ours.call('train', { name: `ours@${k}`, n: steps }));
  }
  // TF.js: a worker (a copy of TF.js) per thread count, since the count is fixed when its backend starts.
  for (const k of counts) {
    const tf = start('tfjs-worker.js');
    out.info.tfjs[k] = await tf.call('open', { threads: k, layers, batchSize: config.batchSize });
    const next = feeder();
    add(`tfjs@${k}`, `TF.js wasm, ${plural(out.info.tfjs[k].threads)} (worker)`, [3, quick ? 2 : 5], (steps) => {
      const batches = next(steps);
      return tf.call('train', { batches }, batches.map((b) => b.buffer));
    });
  }
  // jax-js: one worker with a pool of n; the 1-thread net runs on the worker's own thread.
  const jax = start('jax-worker.js');
  out.info.jax = await jax.call('start', { pool: n });
  for (const k of counts) {
    if (k > 1 && !out.info.jax.pool) continue;
    const name = `jax@${k}`;
    await jax.call('open', { name, layers, batchSize: config.batchSize, pool: k > 1 });
    const next = feeder();
    add(name, k > 1 ? `jax-js wasm, pool of ${k} workers (worker)` : 'jax-js wasm, 1 thread (worker)', [3, quick ? 3 : 10], (steps) => {
      const batches = next(steps);
      return jax.call('train', { name, batches }, batches.map((b) => b.buffer));
    });
  }
  out.jaxGemm = (args) => jax.call('gemm', args);
  out.close = () => out.endpoints.forEach((e) => e.close());
  return out;
}
