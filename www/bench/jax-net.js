// jax-js's copy of the side-by-side net (784-256-64-256-784, sigmoid, squared error summed per sample and
// averaged over the batch, Adam 0.001) on its wasm device: one `jit`-ted step (loss, gradient and Adam
// update together), with Adam written in jax-js's array ops in the order TF.js's Adam computes it (jax-js's
// optimizer package is not on the registry), from the weights and on the batches the page hands over; and
// its `jit`-ted matrix product for the GEMM rows. Imported by jax-worker.js once it has set the pool size.
import { blockUntilReady, jit, nn, numpy as np, valueAndGrad } from '../../vendor/jax-js/index.js';

const [LEARNING_RATE, BETA1, BETA2, EPSILON] = [0.001, 0.9, 0.999, 1e-8];
// TF.js keeps β₁ᵗ and β₂ᵗ as float32 scalars multiplied by β each step: the same roundings here.
const f32 = Math.fround;

/** Squared error summed per sample, averaged over the batch: Σ (net(x) − x)² / batch. Each argument is
 * consumed (jax-js's ownership rule), so `x`, used twice, is taken once more with `.ref`. */
function loss(params, x) {
  const batch = x.shape[0];
  let h = x.ref;
  for (const { w, b } of params) h = nn.sigmoid(np.matmul(h, w).add(b)); // [batch, outputs]
  return np.sum(np.square(h.sub(x))).div(batch);
}

/** One Adam step as TF.js's AdamOptimizer.applyGradients writes it, for one array:
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← (m/c₁) / (√(v/c₂) + ε) · (−lr) + p, with cᵢ = 1 − βᵢᵗ. */
function adam(p, g, m, v, c1, c2) {
  const m1 = m.mul(BETA1).add(g.ref.mul(1 - BETA1));
  const v1 = v.mul(BETA2).add(np.square(g).mul(1 - BETA2));
  const update = m1.ref.div(c1).div(np.sqrt(v1.ref.div(c2)).add(EPSILON)).mul(-LEARNING_RATE);
  return [update.add(p), m1, v1];
}

/** The whole training step, traced once and compiled: (params, m, v, c₁, c₂, x) → [loss, params, m, v]. */
const trainStep = (params, m, v, c1, c2, x) => {
  // valueAndGrad consumes its arguments: it gets new references to the parameters, which Adam consumes.
  const [value, grads] = valueAndGrad(loss)(params.map(({ w, b }) => ({ w: w.ref, b: b.ref })), x);
  const out = { params: [], m: [], v: [] };
  params.forEach((layer, i) => {
    const next = { p: {}, m: {}, v: {} };
    for (const key of ['w', 'b']) {
      [next.p[key], next.m[key], next.v[key]] = adam(layer[key], grads[i][key], m[i][key], v[i][key], c1.ref, c2.ref);
    }
    out.params.push(next.p);
    out.m.push(next.m);
    out.v.push(next.v);
  });
  c1.dispose();
  c2.dispose();
  return [value, out.params, out.m, out.v];
};

/** The net from `layers` ({inputs, outputs, weight: row-major [inputs, outputs], bias}): {train(batches)},
 * each batch a Float32Array of [batchSize, inputs]. With `pool` the kernels go to jax-js's Web Worker
 * pool (its asynchronous path: `await`ed reads); without, they run on this thread (its synchronous path:
 * `dataSync`), one thread. */
export function jaxNet(layers, batchSize, pool) {
  const weights = () => layers.map((l) => ({ w: np.array(l.weight, { shape: [l.inputs, l.outputs] }), b: np.array(l.bias) }));
  const zeros = () => layers.map((l) => ({ w: np.zeros([l.inputs, l.outputs]), b: np.zeros([l.outputs]) }));
  let state = { params: weights(), m: zeros(), v: zeros() };
  let [power1, power2] = [f32(BETA1), f32(BETA2)];
  const step = jit(trainStep);
  const width = layers[0].inputs;
  return {
    /** Trains on each batch in turn; resolves with the last one's loss once every update is computed. */
    async train(batches) {
      let value = null;
      for (const values of batches) {
        value?.dispose();
        const c1 = np.array([f32(1 - power1)]).reshape([]);
        const c2 = np.array([f32(1 - power2)]).reshape([]);
        const x = np.array(values, { shape: [batchSize, width] });
        let params, m, v;
        [value, params, m, v] = step(state.params, state.m, state.v, c1, c2, x);
        state = { params, m, v };
        [power1, power2] = [f32(power1 * f32(BETA1)), f32(power2 * f32(BETA2))];
      }
      // A jit call's outputs share its kernels (and those its inputs awaited): reading the loss runs them all.
      if (!pool) return value.dataSync()[0];
      await blockUntilReady(state);
      return (await value.data())[0];
    },
  };
}

/** GFLOPS of jax-js's jit-ted n³ product (`product`: 'ab', 'atb' or 'abt') on this thread: the median of
 * 5 runs of about `seconds`/5 each. Each product is read back (dataSync: a copy of n² floats, about 1%
 * of the time at 512³), since jax-js computes nothing until a result is read. */
export function jaxMatmul(n, product, seconds) {
  const f = jit((a, b) => np.matmul(product === 'atb' ? a.transpose() : a, product === 'abt' ? b.transpose() : b));
  const random = () => np.array(Float32Array.from({ length: n * n }, () => Math.random()), { shape: [n, n] });
  const [a, b] = [random(), random()];
  f(a.ref, b.ref).dataSync();
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    let reps = 0;
    do {
      f(a.ref, b.ref).dataSync();
      reps++;
    } while (performance.now() - start < (seconds * 1000) / 5);
    runs.push((performance.now() - start) / reps);
  }
  a.dispose();
  b.dispose();
  f.dispose();
  runs.sort((x, y) => x - y);
  return (2 * n ** 3) / (runs[2] / 1000) / 1e9;
}
