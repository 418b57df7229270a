// The charts' library, uPlot, loaded when the first chart is made, and charts made as they come into
// view: a phone's first screen holds no chart, so its load runs none of this, and a chart in a
// hidden part of the page waits until it is shown (uPlot cannot lay out a chart of no size).
import { guarded } from './guard.js';

let library = null;

/** uPlot (vendor/uPlot.iife.min.js, a global), loaded once. */
function loadUplot() {
  library ??= new Promise((resolve, reject) => {
    usableLanguage();
    const failed = (why) => reject(new Error(`The charts library (uPlot) ${why}: the charts are left out (the figures are in the readout and the tables); the rest of the page works.`));
    const script = Object.assign(document.createElement('script'), { src: new URL('../../vendor/uPlot.iife.min.js', import.meta.url).href });
    // A script that loads but throws as it runs leaves no uPlot behind.
    script.onload = () => (typeof globalThis.uPlot === 'function' ? resolve(globalThis.uPlot) : failed('did not start'));
    script.onerror = () => failed('could not be loaded');
    document.head.append(script);
  });
  return library;
}

/** uPlot formats numbers in `navigator.language` as it loads. A browser started in the POSIX locale
 * says "C", which no Intl formatter takes (WebKitGTK and Firefox under LANG=C): the page then reads
 * "en-US". */
function usableLanguage() {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    console.info(`the browser's language "${navigator.language}" is not a language tag: numbers are formatted in en-US`);
    Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
  }
}

/** Calls `make(uPlot)` once, when `container` comes into view; if the
 * library cannot be had, says so in the container. */
export function whenInView(container, make) {
  const watch = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      watch.disconnect();
      loadUplot().then(guarded(container, make), (e) => container.replaceChildren(Object.assign(document.createElement('p'), { className: 'view-failed', textContent: e.message })));
    },
    { rootMargin: '0px' },
  );
  watch.observe(container);
}
