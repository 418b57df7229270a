// The current run kept in IndexedDB so that a reload resumes it: its settings, the run itself
// (Playground.snapshot: every stage, weights, optimizer state, position, loss series), the uploaded
// files it trains on, and the loss chart's points. One record, replaced at each save; the training
// worker reads and writes it.

const DB = 'ae-playground';
const STORE = 'runs';
const KEY = 'current';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore(mode, act) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('the saved run could not be stored'));
    });
  } finally {
    db.close();
  }
}

/** {hash, settings, run, upload, chart, step, savedAt}, or undefined when nothing is saved. */
export const loadRun = () => inStore('readonly', (store) => store.get(KEY));
export const saveRun = (record) => inStore('readwrite', (store) => store.put(record, KEY));
