// The current run kept in IndexedDB so that a reload resumes it: its settings, the run itself
// (Playground.saveRun: every stage, weights, optimizer state, position, loss series) and the loss
// chart's points in one record, replaced at each save; the uploaded files it trains on (as Blobs, which
// the browser stores without copying them into the page) in another, written only when they change.
// The training worker reads and writes both.

const DB = 'ae-playground';
const STORE = 'runs';
const KEY = 'current';
const UPLOAD = 'upload';

// Storage that does not answer a read or write in this long is given up for the page's life: a page
// framed by a top-level about:blank page (one an LMS opens and writes) gets an IndexedDB in Chromium
// whose open neither succeeds nor fails, and in WebKit a page's transaction can wait on one that a
// page navigated away from left open. Given up means never written again by this page: a run read too
// slowly is left as it is for the next load, not overwritten.
const WAIT_MS = 3000;
let unanswered = null;

/** Why the storage was given up, or null while it answers. */
export const storageGivenUp = () => unanswered;

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => (unanswered ? request.result.close() : resolve(request.result)); // (too late: given up)
    request.onerror = () => reject(request.error);
  });
}

/** `act(store)` in a transaction of `mode`: its request's result once the transaction completes. */
async function inStore(mode, act) {
  if (unanswered) throw unanswered;
  const work = (async () => {
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
  })();
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject((unanswered = new Error(`the browser's storage (IndexedDB) did not answer in ${WAIT_MS / 1000} s`))), WAIT_MS);
  });
  work.catch(() => {}); // (a failure after the give-up is nobody's to hear)
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** {hash, settings, run, upload: {files, options} | null, chart, step, savedAt}, or undefined when
 * nothing is saved. */
export async function loadRun() {
  const record = await inStore('readonly', (store) => store.get(KEY));
  if (record) record.upload = record.upload ? await inStore('readonly', (store) => store.get(UPLOAD)) : null;
  return record;
}

/** Saves `record` (its `upload` true when it trains on an upload), and `upload` when given. */
export const saveRun = (record, upload) =>
  inStore('readwrite', (store) => {
    if (upload) store.put(upload, UPLOAD);
    return store.put(record, KEY);
  });
