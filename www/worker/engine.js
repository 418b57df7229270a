// The engine module the worker runs, chosen once as it starts: the threaded build (pkg-threads: wasm
// atomics, and a rayon pool of Web Workers sharing its memory) where the page is cross-origin isolated
// and more than one thread is wanted, else the single-threaded build (pkg). The worker's modules take
// the engine's classes and functions from here (live bindings, set by `load`).

export let Playground, Data, Gpu, UploadReader, digitsScene, modelFileSettings, mosaicScene, procrustes2d, segmentationData, syntheticDataset, zipImages;
let module = null;
const pool = { size: 1, why: null };
// More threads than this rarely pay for a batch of 64, and each is a Web Worker with its own stack.
const MOST_THREADS = 8;

/** Threads wanted by the setting ('auto': this machine's cores, at most MOST_THREADS; or a number). */
function wantedBy(setting) {
  const cores = Math.min(navigator.hardwareConcurrency || 1, MOST_THREADS);
  return setting === undefined || setting === 'auto' ? cores : Math.max(1, Math.min(Number(setting), MOST_THREADS));
}

/** Loads the engine for the `threads` setting (once; later calls do nothing). */
export async function load(threads) {
  if (module) return;
  const wanted = wantedBy(threads);
  if (!self.crossOriginIsolated) pool.why = 'this page is not cross-origin isolated';
  else if (wanted === 1) pool.why = threads === 'auto' || threads === undefined ? 'this machine has one core' : 'as set';
  else {
    try {
      const threaded = await import('../../pkg-threads/ae_playground.js');
      await threaded.default();
      await threaded.initThreadPool(wanted - 1); // the helpers; this worker is the first thread
      Object.assign(pool, { size: wanted, why: null });
      return useModule(threaded);
    } catch (e) {
      pool.why = `the threaded engine did not start (${e.message ?? e})`;
    }
  }
  const single = await import('../../pkg/ae_playground.js');
  await single.default();
  useModule(single);
}

/** Takes the engine from module `m` (the worker's `load`, or a Node script that loaded a build itself). */
export function useModule(m) {
  module = m;
  ({ Playground, Data, Gpu, UploadReader, digitsScene, modelFileSettings, mosaicScene, procrustes2d, segmentationData, syntheticDataset, zipImages } = m);
}

/** Sets the threads the CPU engine uses now (the `threads` setting, within the pool); says how many
 * and, for one, why: {count, text}. */
export function useThreads(threads) {
  const count = module.setThreads(Math.min(wantedBy(threads), pool.size));
  const why = pool.size === 1 ? pool.why : count < wantedBy(threads) ? `the pool has ${pool.size}` : null;
  return { count, text: `${count} thread${count === 1 ? '' : 's'}${why ? `: ${why}` : ''}` };
}
