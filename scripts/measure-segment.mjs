// `npm run measure:segment`: patch-wise segmentation of a 256×256 texture mosaic (65,536 patches) on
// the CPU engine in headless Chromium: the time one `segment` takes (every pixel classified three
// ways: the code, raw patches, PCA), and the main thread's long tasks while the model trains and the
// panel redraws its map. A measurement, not a test: on a shared 2-core machine it moves with the load.
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const { server, url } = await serve(new URL('../dist/', import.meta.url).pathname, 0);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
await page.goto(`${url}#dataset=digits&engine=cpu`);
await page.evaluate(() => window.aePlayground.ready);
await page.evaluate(async () => {
  const s = await window.aePlayground.debug.request({ type: 'scene', kind: 'mosaic', seed: 7, size: 256, regions: 4 });
  await window.aePlayground.loadSegmentation({ image: { width: 256, height: 256, channels: 1, pixels: s.pixels }, truth: s.truth, patch: 11, name: 'mosaic-256' });
  window.picks = [];
  const taken = [0, 0, 0, 0];
  for (let i = 0, n = 0; n < s.truth.length && window.picks.length < 80; n++, i = (i + 7919) % s.truth.length) {
    if (taken[s.truth[i]] < 20) {
      taken[s.truth[i]]++;
      window.picks.push({ x: i % 256, y: Math.floor(i / 256), label: s.truth[i] });
    }
  }
  await window.aePlayground.train({ steps: 1500 });
});
const times = [];
let result;
for (let i = 0; i < 5; i++) {
  result = await page.evaluate(async () => {
    const t = performance.now();
    const r = await window.aePlayground.segment(window.picks);
    return { ms: performance.now() - t, accuracy: r.accuracy, raw: r.rawPixels.accuracy, pca: r.pca.accuracy };
  });
  times.push(result.ms);
}
times.sort((a, b) => a - b);
await page.evaluate(() => {
  window.longTasks = [];
  new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  window.aePlayground.play();
});
await page.waitForTimeout(8000);
const r = await page.evaluate(() => ({ longTasks: window.longTasks, step: window.aePlayground.metrics().step }));
console.log('| measure (256×256 mosaic, 65,536 patches of 11×11, CPU engine) | value |');
console.log('|---|---|');
console.log(`| one segment (3 maps of 65,536 pixels): median of 5, fastest, slowest | ${times[2].toFixed(0)}, ${times[0].toFixed(0)}, ${times[4].toFixed(0)} ms |`);
console.log(`| pixel accuracy, 20 labels a class: code, raw patches, PCA | ${result.accuracy.toFixed(3)}, ${result.raw.toFixed(3)}, ${result.pca.toFixed(3)} |`);
console.log(`| main-thread tasks over 50 ms in 8 s of training with the map redrawn (${r.step} steps) | ${r.longTasks.length}${r.longTasks.length ? ` (longest ${Math.max(...r.longTasks).toFixed(0)} ms)` : ''} |`);
await browser.close();
server.close();
