// npm run bench:page: serves dist/, runs the bench page (www/bench/bench.html) in headless Chromium and
// prints its results as a markdown table with the browser's version and the date.
// Usage: node scripts/bench-page.mjs [--quick]
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const quick = process.argv.includes('--quick');
const { server, url } = await serve('dist', 0);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${url}www/bench/bench.html${quick ? '#quick' : ''}`);
  const rows = await page.evaluate(() => window.aeBench.done);
  console.log(`Bench page, ${browser.version()}, ${new Date().toISOString().slice(0, 10)}${quick ? ' (quick)' : ''}\n`);
  console.log('| what | engine | size | result |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.engine} | ${r.size} | ${r.result} |`);
} finally {
  await browser.close();
  server.close();
}
