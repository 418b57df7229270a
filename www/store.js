// The page's state in one place. Views subscribe and are told which keys changed; nothing else
// keeps a copy. A plain object and a list of listeners: the page needs no more than that.

export function createStore(initial) {
  let state = { ...initial };
  const listeners = new Set();
  return {
    get: () => state,
    /** Merges `patch` into the state and tells every listener the keys it changed. */
    set(patch) {
      const changed = Object.keys(patch).filter((k) => patch[k] !== state[k]);
      if (!changed.length) return;
      state = { ...state, ...patch };
      for (const listener of listeners) told(listener, state, new Set(changed));
    },
    /** Calls `listener(state, changedKeys)` on every change, and once now; returns the unsubscribe. */
    subscribe(listener) {
      listeners.add(listener);
      told(listener, state, new Set(Object.keys(state)));
      return () => listeners.delete(listener);
    },
  };
}

/** Calls one listener; one that throws is reported, and the others are still told. */
function told(listener, state, changed) {
  try {
    listener(state, changed);
  } catch (e) {
    console.error(e);
  }
}
