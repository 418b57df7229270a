// The engine module the worker runs, chosen once as it starts: the threaded build (pkg-threads: wasm
// atomics and shared memory, helper threads on a pool of Web Workers, relaxed SIMD's fused
// multiply-add) where the page is cross-origin isolated, the machine has more than one core and the
// browser has relaxed SIMD, else the single-threaded SIMD128 build (pkg). The
// `threads` setting then picks how many of the pool's threads the CPU engine uses (as any setting, a
// change of it builds the model afresh). The
// worker's modules take the engine's classes and functions from here (live bindings, set by `load`).

export let Playground, Data, Gpu, UploadReader, digitsScene, modelFileSettings, mosaicScene, procrustes2d, segmentationData, syntheticDataset, zipImages;
let module = null;
// The threads the build can run, and why only one where that is so.
const pool = { size: 1, why: null };
// More threads than this rarely pay for a batch of 64, and each is a Web Worker with its own stack.
const MOST_THREADS = 8;
// How long the pool's workers may take to start.
const START_MS = 10_000;
const cores = () => Math.min(navigator.hardwareConcurrency || 1, MOST_THREADS);

/** Whether the browser runs relaxed SIMD (the threaded build's fused multiply-add): a one-function
 * module using i8x16.relaxed_swizzle, validated. */
function relaxedSimd() {
  const body = [0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11];
  return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, body.length + 2, 1, body.length, ...body]));
}

/** Loads the engine (once; later calls do nothing). */
export async function load() {
  if (module) return;
  if (!self.crossOriginIsolated) pool.why = 'this page is not cross-origin isolated';
  else if (cores() === 1) pool.why = 'this machine has one core';
  else if (!relaxedSimd()) pool.why = 'this browser has no relaxed SIMD, which the threaded build uses';
  else {
    try {
      // The module, then the helpers' workers (this worker is the first thread). A start that never
      // answers (a worker that cannot start never does) is given up after START_MS for the
      // single-threaded build.
      let timer;
      const late = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`no answer in ${START_MS / 1000} s`)), START_MS)));
      const start = async () => {
        const m = await import('../../pkg-threads/ae_playground.js');
        await m.default();
        await m.initThreadPool(cores() - 1);
        return m;
      };
      const threaded = await Promise.race([start(), late]).finally(() => clearTimeout(timer));
      pool.size = cores();
      return useModule(threaded);
    } catch (e) {
      pool.why = `the threaded engine did not start: ${String(e.message ?? e).replace(/\.$/, '')}`;
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

/** Sets the threads the CPU engine uses now (the `threads` setting: 'auto', every thread the build
 * has, or a number, at most those); says how many and, where fewer than asked, why: {count, text}. */
export function useThreads(setting) {
  const auto = setting === undefined || setting === 'auto';
  const wanted = auto ? pool.size : Math.max(1, Number(setting));
  const count = module.setThreads(Math.min(wanted, pool.size));
  const why = count === 1 && wanted === 1 && !auto ? 'as set'
    : count === 1 ? pool.why ?? 'the pool started no helper'
    : count < wanted ? `this machine's cores (at most ${MOST_THREADS}) give ${pool.size}`
    : null;
  return { count, text: `${count} thread${count === 1 ? '' : 's'}${why ? `: ${why}` : ''}` };
}
