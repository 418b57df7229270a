// The current run kept in IndexedDB so that a reload resumes it: its settings, the run itself
// (Playground.saveRun: every stage, weights, optimizer state, position, loss series) and the loss
// chart's points in one record, replaced at each save; the uploaded files it trains on (as Blobs, which
// the browser stores without copying them into the page) in another, written only when they change.
// The training worker reads and writes both.

const DB = 'ae-playground';
const STORE = 'runs';
const KEY = 'current';
const UPLOAD = 'upload';

// Storage whose open does not answer in this long is given up for the page's life: a page framed by
// a top-level about:blank page (one an LMS opens and writes) gets an IndexedDB in Chromium whose open
// neither succeeds nor fails. (Only the open is timed: reading a large run may take longer, and a run
// given up as unread must not then be overwritten by the next save.)
const WAIT_MS = 3000;
let unanswered = null;

/** Why the storage was given up, or null while it answers. */
export const storageGivenUp = () => unanswered;

function open() {
  if (unanswered) return Promise.reject(unanswered);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject((unanswered = new Error(`the browser's storage (IndexedDB) did not answer in ${WAIT_MS / 1000} s`))), WAIT_MS);
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      clearTimeout(timer);
      if (unanswered) request.result.close(); // too late: given up
      else resolve(request.result);
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error);
    };
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
