// When the page draws: the views once a frame from the latest state (a burst of the worker's messages
// draws a view once, not once a message), and those below the first screen only while in view; work
// the first screen does not need (the closed drawer's form, the panels' wiring) when the page is
// idle, one piece a task; the panels below laid out only once they come near. So no long task holds
// up a phone's first screen.

/** `draw(…args)` at the next frame, once however often it is asked for before then, with the latest
 * arguments. */
export function perFrame(draw) {
  let latest = null;
  return (...args) => {
    if (!latest) {
      requestAnimationFrame(() => {
        const now = latest;
        latest = null;
        draw(...now);
      });
    }
    latest = args;
  };
}

/** As perFrame, while `element` is in view; asked while it is out of view (or hidden), `draw` waits
 * with the latest arguments until it comes into view. */
export function inView(element, draw) {
  const frame = perFrame(draw);
  let visible = false;
  let waiting = null;
  new IntersectionObserver((entries) => {
    visible = entries.at(-1).isIntersecting;
    if (visible && waiting) frame(...waiting.splice(0));
    if (visible) waiting = null;
  }).observe(element);
  return (...args) => {
    if (visible) frame(...args);
    else waiting = args;
  };
}

const idle = [];
/** Runs `fn` when the page is idle (within `timeout` ms), one queued piece a task. */
export function later(fn, timeout = 1000) {
  idle.push(fn);
  if (idle.length === 1) next(timeout);
}

function next(timeout) {
  const run = () => {
    try {
      idle.shift()();
    } finally {
      if (idle.length) next(timeout); // (a piece that throws does not stop the rest)
    }
  };
  if (globalThis.requestIdleCallback) requestIdleCallback(run, { timeout });
  else setTimeout(run, 50); // WebKit has no requestIdleCallback
}

/** Takes the class `unseen` off each element as it first comes near the view (within a screen). */
export function revealWhenNear(elements) {
  const watch = new IntersectionObserver(
    (entries) => {
      for (const e of entries.filter((e) => e.isIntersecting)) {
        e.target.classList.remove('unseen');
        watch.unobserve(e.target);
      }
    },
    { rootMargin: '100% 0px' },
  );
  for (const element of elements) watch.observe(element);
}
