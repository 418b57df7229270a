// The charts' library, uPlot, loaded when the first chart is made, and charts made as they come into
// view: a phone's first screen holds no chart, so its load runs none of this, and a chart in a
// hidden part of the page waits until it is shown (uPlot cannot lay out a chart of no size).
let library = null;

/** uPlot (vendor/uPlot.iife.min.js, a global), loaded once. */
function loadUplot() {
  library ??= new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { src: new URL('../../vendor/uPlot.iife.min.js', import.meta.url).href });
    script.onload = () => resolve(globalThis.uPlot);
    script.onerror = () => reject(new Error('The charts library (uPlot) could not be loaded; the tables below the charts hold their figures.'));
    document.head.append(script);
  });
  return library;
}

/** Calls `make(uPlot)` once, when `container` comes into view; if the
 * library cannot be had, says so in the container. */
export function whenInView(container, make) {
  const watch = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      watch.disconnect();
      loadUplot().then(make, (e) => (container.textContent = e.message));
    },
    { rootMargin: '0px' },
  );
  watch.observe(container);
}
