// A dedicated worker for TF.js's wasm backend on a chosen number of threads: tf.wasm.setThreadsCount
// only counts before the backend starts, and a page starts it once, so each thread count gets its own
// worker (its own copy of TF.js). On a cross-origin isolated page TF.js loads its threaded SIMD build
// (XNNPACK's pthreadpool on Web Workers); `open` says how many threads it really runs.
// TF.js 4.22 caps the count at navigator.hardwareConcurrency / 2 (its backend.cc: "many x86-64 processors
// have 2 threads per core"; at most 8), read once as its module starts: 1 on a 2-thread machine, where
// setThreadsCount(2) still gives 1. To run N threads as asked, this worker's own navigator says 2N.
import { serve } from './rpc.js';
import { tfNet } from './tf-net.js';

const VENDOR = new URL('../../vendor/tfjs/', import.meta.url).href;
let net = null;

serve({
  /** Loads TF.js with its wasm backend on `threads` threads and builds the net from `layers`. */
  async open({ threads, layers, batchSize }) {
    if (threads > 1) Object.defineProperty(self.navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
    // The bundles are UMD scripts: imported as modules they set globalThis.tf.
    await import(`${VENDOR}tf.es2017.min.js`);
    await import(`${VENDOR}tf-backend-wasm.es2017.min.js`);
    const tf = globalThis.tf;
    tf.wasm.setWasmPaths(VENDOR);
    tf.wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    net = tfNet(tf, layers, batchSize);
    return {
      version: tf.version_core,
      threads: tf.wasm.getThreadsCount(),
      simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    };
  },
  train: ({ batches }) => net.train(batches),
});
