// A dedicated worker for this engine's threaded build (pkg-threads: wasm atomics, shared memory, helper
// threads on a pool of Web Workers), which must run off the page's main thread, as the playground's own
// worker runs it. It holds several nets of the same settings (hence the same initial weights and batches)
// and sets the threads each one trains on before each call, so that 1 and N threads take turns.
import { serve } from './rpc.js';
import init, { Data, Playground, initThreadPool, setThreads } from '../../pkg-threads/ae_playground.js';

let data = null;
const nets = new Map();

serve({
  /** Loads the build and its data, and starts `threads` − 1 helpers (this worker is the first thread). */
  async start({ threads }) {
    await init();
    if (threads > 1) await initThreadPool(threads - 1);
    const response = await fetch(new URL('../../data/mnist.aepk', import.meta.url));
    data = Data.fromPacked(new Uint8Array(await response.arrayBuffer()));
    return { threads: setThreads(threads) };
  },
  /** Net `name` from `config`, trained on `threads` threads; says how many are in force. */
  open({ name, config, threads }) {
    nets.set(name, { playground: new Playground(config, data), threads });
    return setThreads(threads);
  },
  /** `n` steps of net `name`; their mean loss. */
  async train({ name, n }) {
    const { playground, threads } = nets.get(name);
    setThreads(threads);
    return (await playground.train(n)).loss;
  },
});
