// `npm run measure:main-thread`: how free the page's main thread stays while it trains (the
// pretraining lesson with the PCA panel open, 6 s of play): the tasks over 50 ms (Long Tasks API)
// and the longest gap between timer callbacks, which bounds the longest task. A measurement, not a
// test: on a shared 2-core machine these figures move with the load, so they are printed, not asserted.
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const SECONDS = Number(process.argv[2] ?? 6);
const { server, url } = await serve(new URL('../dist/', import.meta.url).pathname, 0);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
await page.goto(`${url}#lesson=pretraining`);
await page.evaluate(() => window.aePlayground.ready);
await page.click('#pca-panel summary');
await page.evaluate(() => {
  window.longTasks = [];
  new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  window.gaps = [];
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    window.gaps.push(now - last);
    last = now;
    setTimeout(tick, 0);
  };
  tick();
});
await page.click('#play');
await page.waitForTimeout(SECONDS * 1000);
const r = await page.evaluate(() => ({ longTasks: window.longTasks, gaps: window.gaps, step: window.aePlayground.metrics().step }));
await page.click('#pause');
const sorted = [...r.gaps].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(`| measure (${SECONDS} s of training, ${r.step} steps) | value |`);
console.log('|---|---|');
console.log(`| main-thread tasks over 50 ms | ${r.longTasks.length}${r.longTasks.length ? ` (longest ${Math.max(...r.longTasks).toFixed(0)} ms)` : ''} |`);
console.log(`| gap between timer callbacks: median, 99th percentile, longest | ${at(0.5).toFixed(1)}, ${at(0.99).toFixed(1)}, ${sorted.at(-1).toFixed(1)} ms |`);
await browser.close();
server.close();
