// `npm run measure:memory`: uploads the full Fashion-MNIST training set (60,000 × 784, IDX .gz from
// Debian's dataset-fashion-mnist) into the playground in headless Chromium, trains 200 steps, and
// reports the page's peak memory (the renderer process's peak resident size, which holds the page and
// its worker) against the data's size. A measurement, not a test: it prints markdown.
import { readFile, readdir } from 'node:fs/promises';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const DIR = '/usr/share/datasets/fashion-mnist';
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'];

/** Peak resident size (VmHWM, bytes) of each Chromium renderer process now running. */
async function renderers() {
  const peaks = new Map();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      peaks.set(pid, Number(status.match(/VmHWM:\s+(\d+) kB/)[1]) * 1024);
    } catch {
      // the process ended
    }
  }
  return peaks;
}

const sizes = await Promise.all(FILES.map(async (name) => (await readFile(`${DIR}/${name}`)).length)).catch(() => {
  console.error(`Fashion-MNIST is not in ${DIR}: install it with  apt-get install dataset-fashion-mnist`);
  process.exit(1);
});
const { server, url } = await serve(new URL('../dist/', import.meta.url).pathname, 0);
const browser = await launch();
const page = await browser.newPage();
await page.goto(url);
await page.evaluate(() => window.aePlayground.ready);
const before = await renderers();
const start = performance.now();
// Through the file picker, as a user would (the files go to the page without passing through scripts).
await page.click('#drop summary');
await page.setInputFiles('#upload', FILES.map((name) => `${DIR}/${name}`));
await page.waitForFunction(() => /samples of/.test(document.getElementById('upload-summary').textContent) || !document.getElementById('message').hidden, null, { timeout: 300_000 });
const uploaded = performance.now() - start;
const text = await page.textContent('#upload-summary');
if (!/samples of/.test(text)) throw new Error(await page.textContent('#message'));
const [n, height, width] = text.match(/(\d+) samples of (\d+)×(\d+)/).slice(1).map(Number);
const summary = { n, height, width };
await page.evaluate(() => window.aePlayground.train({ steps: 200 }));
const metrics = await page.evaluate(() => window.aePlayground.metrics());
const after = await renderers();
const grown = [...after].map(([pid, peak]) => [pid, peak, peak - (before.get(pid) ?? 0)]).sort((a, b) => b[2] - a[2])[0];
const data = summary.n * summary.width * summary.height;
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
console.log(`| what | value |\n|---|---|`);
console.log(`| data | ${summary.n} × ${summary.width * summary.height} bytes = ${mb(data)} (files ${mb(sizes.reduce((a, b) => a + b, 0))} gzip) |`);
console.log(`| upload to a model ready | ${(uploaded / 1000).toFixed(1)} s |`);
console.log(`| after 200 steps | step ${metrics.step}, test loss ${metrics.testLoss.toFixed(2)} |`);
console.log(`| renderer peak before the upload | ${mb(grown[1] - grown[2])} |`);
console.log(`| renderer peak after | ${mb(grown[1])} (grew ${mb(grown[2])}, ${(grown[2] / data).toFixed(2)} × the data) |`);
await browser.close();
server.close();
