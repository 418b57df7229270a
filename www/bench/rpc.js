// The messages between the side-by-side page (versus.js) and its Web Workers (threads-worker.js,
// tfjs-worker.js, jax-worker.js): a call {id, call, args} is answered {id, result} or {id, error}.
// `serve` is a worker's side, `connect` the page's.

/** In a worker: answers each call with `handlers[call](args)` (which may be async). */
export function serve(handlers) {
  self.onmessage = async ({ data: { id, call, args } }) => {
    try {
      self.postMessage({ id, result: await handlers[call](args) });
    } catch (e) {
      self.postMessage({ id, error: `${call}: ${e.message ?? e}` });
    }
  };
}

/** On the page: starts the module worker at `url`; `call(name, args, transfer)` resolves with its answer. */
export function connect(url) {
  const worker = new Worker(url, { type: 'module' });
  const waiting = new Map();
  let next = 0;
  const failAll = (error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.onmessage = ({ data }) => {
    const { resolve, reject } = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error !== undefined) reject(new Error(data.error));
    else resolve(data.result);
  };
  worker.onerror = (e) => failAll(new Error(`${url}: ${e.message ?? 'the worker failed to load'}`));
  return {
    call(call, args = {}, transfer = []) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, call, args }, transfer);
      });
    },
    close() {
      worker.terminate();
      failAll(new Error(`${url}: closed`));
    },
  };
}
