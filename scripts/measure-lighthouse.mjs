// `npm run measure:lighthouse [runs]`: Lighthouse 12 on the free-play page served from dist/, desktop preset
// and mobile default, each the median of `runs` runs (3 by default), against the page's goals; the
// audits that fell short in any run; and the time to the first reconstruction drawn at 1366×768 (the
// median of `runs` loads, each with an empty cache). A measurement, not a test: the figures move with the machine's
// load, so they are printed (and written to artifacts/lighthouse.json), and it exits 0.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const LIGHTHOUSE = new URL('../node_modules/.bin/lighthouse', import.meta.url).pathname;
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const CHROME_FLAGS = '--headless=new --no-sandbox --disable-background-networking --disable-component-update --disable-sync --disable-quic --no-first-run --disable-default-apps';
const MB = 1e6; // SI megabyte, as in the goal
// [measure, read from a report, goal met?, goal]
const ROWS = [
  ['performance', (r) => r.categories.performance.score * 100, (v) => v >= 95, '≥ 95'],
  ['accessibility', (r) => r.categories.accessibility.score * 100, (v) => v === 100, '100'],
  ['best practices', (r) => r.categories['best-practices'].score * 100, (v) => v === 100, '100'],
  ['SEO', (r) => r.categories.seo.score * 100, null, ''],
  ['cumulative layout shift', (r) => r.audits['cumulative-layout-shift'].numericValue, (v) => v <= 0.05, '≤ 0.05'],
  ['total blocking time (ms)', (r) => r.audits['total-blocking-time'].numericValue, (v) => v <= 100, '≤ 100'],
  ['total download (bytes)', (r) => r.audits['total-byte-weight'].numericValue, (v) => v <= 1.65 * MB, '≤ 1.65 MB'],
];
const show = (label, v) =>
  label.includes('bytes') ? `${(v / 1024).toFixed(0)} KiB (${(v / MB).toFixed(2)} MB)` : label.includes('shift') ? v.toFixed(3) : v.toFixed(0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function lighthouse(url, preset) {
  const args = [url, '--quiet', '--output=json', '--output-path=stdout', `--chrome-flags=${CHROME_FLAGS}`,
    '--only-categories=performance,accessibility,best-practices,seo', ...(preset === 'desktop' ? ['--preset=desktop'] : [])];
  const env = { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? '/usr/bin/chromium' };
  const report = JSON.parse((await promisify(execFile)(LIGHTHOUSE, args, { env, maxBuffer: 512 * MB })).stdout);
  if (report.runtimeError) console.error(`${preset}: ${report.runtimeError.code} ${report.runtimeError.message}`);
  const short = Object.values(report.categories).flatMap((c) =>
    c.auditRefs.filter((a) => a.weight > 0 && report.audits[a.id].score !== null && report.audits[a.id].score < 0.9).map((a) => a.id));
  return { figures: Object.fromEntries(ROWS.map(([label, read]) => [label, read(report)])), short };
}

const { server, url } = await serve(new URL('../dist/', import.meta.url).pathname, 0);
const results = {};
for (const preset of ['desktop', 'mobile']) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    try {
      runs.push(await lighthouse(url, preset));
    } catch (e) {
      console.error(`lighthouse (${preset}) failed: ${e.message.split('\n')[0]}`);
    }
  }
  if (!runs.length) continue;
  const short = {};
  for (const id of runs.flatMap((r) => r.short)) short[id] = (short[id] ?? 0) + 1;
  results[preset] = {
    runs: runs.length,
    median: Object.fromEntries(ROWS.map(([label]) => [label, median(runs.map((r) => r.figures[label]))])),
    all: runs.map((r) => r.figures),
    shortAudits: Object.fromEntries(Object.entries(short).map(([id, n]) => [id, `${n}/${runs.length} runs`])),
  };
}

/** Milliseconds from navigation to the first reconstruction drawn, for each of `runs` fresh loads. */
async function firstReconstruction(runs) {
  const browser = await launch();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('first-reconstruction').length, null, { timeout: 30_000 });
    times.push(await page.evaluate(() => performance.getEntriesByName('first-reconstruction')[0].startTime));
    await context.close();
  }
  await browser.close();
  return times;
}
const firstDrawn = await firstReconstruction(RUNS);
server.close();

const presets = Object.keys(results);
console.log(`| measure (median of ${RUNS}) | ${presets.join(' | ')} | goal |`);
console.log(`|---|${presets.map(() => '---|').join('')}---|`);
for (const [label, , ok, goal] of ROWS) {
  const cells = presets.map((p) => results[p].median[label]).map((v) => `${show(label, v)}${ok ? (ok(v) ? ' ✓' : ' ✗') : ''}`);
  console.log(`| ${label} | ${cells.join(' | ')} | ${goal} |`);
}
for (const p of presets) {
  const short = Object.entries(results[p].shortAudits).map(([id, n]) => `${id} (${n})`);
  console.log(`${p}: audits that fell short: ${short.join(', ') || 'none'}`);
}
console.log(`first reconstruction at 1366×768: ${median(firstDrawn).toFixed(0)} ms (median of ${RUNS}; goal ≤ 1,000 ms; all: ${firstDrawn.map((t) => t.toFixed(0)).join(', ')})`);
const goals = Object.fromEntries(ROWS.filter((r) => r[2]).map(([label, , , goal]) => [label, goal]));
await mkdir(ARTIFACTS, { recursive: true });
await writeFile(new URL('lighthouse.json', ARTIFACTS), JSON.stringify({ lighthouse: '12.2.3', goals, results, firstReconstructionMs: firstDrawn }, null, 2) + '\n');
