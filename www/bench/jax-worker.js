// A dedicated worker for jax-js (jax-net.js). jax-js 0.1.25 has no setting for its threads: its wasm
// device makes, as its module loads, a pool of navigator.hardwareConcurrency Web Workers (where
// SharedArrayBuffer exists, i.e. on a cross-origin isolated page), and uses it for every kernel reached by
// its asynchronous reads (`await a.data()`, blockUntilReady); its synchronous reads (`dataSync`) run the
// kernels on the calling thread. So the pool size is set here, in this worker's own copy of navigator,
// before jax-js loads; the 1-thread net reads synchronously and the pool's net asynchronously.
import { serve } from './rpc.js';

let jax = null;
const nets = new Map();

serve({
  /** Loads jax-js with a pool of `pool` workers; says what it found. */
  async start({ pool }) {
    Object.defineProperty(self.navigator, 'hardwareConcurrency', { value: pool, configurable: true });
    jax = await import('./jax-net.js');
    return { isolated: self.crossOriginIsolated, pool: typeof SharedArrayBuffer === 'function' ? pool : 0 };
  },
  /** Net `name` from `layers`, on the pool (`pool`: true) or on this thread. */
  open({ name, layers, batchSize, pool }) {
    nets.set(name, jax.jaxNet(layers, batchSize, pool));
  },
  train: ({ name, batches }) => nets.get(name).train(batches),
  gemm: ({ n, product, seconds }) => jax.jaxMatmul(n, product, seconds),
});
