// End to end: axe-core finds no WCAG 2.2 A/AA or best-practice violation on the free-play page nor on
// any lesson (the lessons' keys read from the page, so a new lesson is covered by itself), each checked
// after a few training steps, so that the live panels are drawn, with the settings drawer open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { open, openDrawer, start } from './browser.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let env;
before(async () => (env = await start()));
after(() => env.stop());

// axe's analyze() opens a blank page beside the page it checks, which the context that
// browser.newPage() makes for itself refuses: each page gets a context of its own instead.
const ownContext = () => ({ newPage: async (options) => (await env.browser.newContext(options)).newPage() });

/** Opens `hash`, trains 5 steps, and lists axe's violations there and the page's errors, one line each. */
async function violations(hash) {
  const { page, errors } = await open(ownContext(), `${env.url}${hash}`);
  await page.evaluate(() => window.aePlayground.train({ steps: 5 }));
  await openDrawer(page);
  await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))));
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  await page.context().close();
  const where = hash || 'free play';
  return [
    ...violations.map(({ id, impact, help, nodes }) =>
      `${where}: ${id} (${impact}): ${help}; ${nodes.length} element(s): ${nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`),
    ...errors.map((e) => `${where}: console error: ${e}`),
  ];
}

test('the free-play page has no accessibility violations', async () => {
  const found = await violations('');
  assert.equal(found.length, 0, `\n${found.join('\n')}`);
});

test('no lesson has accessibility violations', async () => {
  const { page } = await open(env.browser, env.url);
  const keys = await page.evaluate(async () => (await import('/www/lessons/lessons.js')).LESSONS.map((l) => l.key));
  await page.close();
  assert.ok(keys.length > 0, 'the page lists its lessons');
  console.log(`checking ${keys.length} lessons: ${keys.join(', ')}`);
  const found = [];
  for (const key of keys) found.push(...(await violations(`#lesson=${key}`)));
  assert.equal(found.length, 0, `\n${found.join('\n')}`);
});
