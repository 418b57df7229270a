// One view that fails does not stop the page: a view made, or drawn, through these says what went
// wrong in its place, and the rest of the page goes on training and drawing.

/** Says what went wrong at the top of `container` (before it, for a canvas), once: later errors go
 * to the console only. What the container holds stays: the page's other parts may look for it. */
const told = new WeakSet();
export function showFailure(container, error) {
  console.error(error);
  if (told.has(container)) return;
  told.add(container);
  const note = Object.assign(document.createElement('p'), { className: 'view-failed', role: 'alert' });
  note.textContent = `This part of the page stopped working (${error?.message ?? error}); the rest goes on.`;
  if (container instanceof HTMLCanvasElement) container.before(note);
  else container.prepend(note);
}

/** `fn` guarded: when a call throws, the error shows in `container` and the call returns undefined. */
export function guarded(container, fn) {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      return showFailure(container, e);
    }
  };
}

/** `make()` (a view, or an install function's controller) with each of its methods guarded; if
 * `make` itself throws, the error shows in `container` and an object whose methods (those named in
 * `Class`, or any) do nothing stands in for it. */
export function made(container, make, Class = null) {
  let view;
  try {
    view = make();
  } catch (e) {
    showFailure(container, e);
    return standIn(Class);
  }
  if (view === undefined || view === null) return view;
  const wrapped = new Map(); // each method guarded once, not at every call (views draw every frame)
  return new Proxy(view, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function' || /^class /.test(String(value))) return value;
      if (wrapped.get(key)?.of !== value) wrapped.set(key, { of: value, call: guarded(container, value.bind(target)) });
      return wrapped.get(key).call;
    },
  });
}

/** Methods that do nothing: those of `Class`'s prototype; or, with no class, any method asked for. */
function standIn(Class) {
  if (!Class) return new Proxy({}, { get: (_, key) => (key === 'then' ? undefined : () => undefined) });
  const names = [];
  for (let p = Class.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) names.push(...Object.getOwnPropertyNames(p));
  return Object.fromEntries(names.filter((n) => n !== 'constructor').map((n) => [n, () => undefined]));
}
