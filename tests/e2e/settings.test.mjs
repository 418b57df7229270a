// The page's settings table (www/settings.js) states the engine's defaults again, because the page
// needs them before the wasm loads: this holds the two to each other, in Node, on the built module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import init, { defaultConfig } from '../../dist/pkg/ae_playground.js';
import { SETTINGS, defaults } from '../../www/settings.js';

test('the page offers every engine setting, each with the engine default', async () => {
  await init({ module_or_path: await readFile(new URL('../../dist/pkg/ae_playground_bg.wasm', import.meta.url)) });
  const engine = defaultConfig();
  const page = defaults();
  const shared = SETTINGS.map((s) => s.key).filter((k) => k in engine);
  assert.ok(shared.length >= 20, `only ${shared.length} settings in common`);
  for (const key of shared) assert.deepEqual(page[key], engine[key], key);
  const pageOnly = SETTINGS.map((s) => s.key).filter((k) => !(k in engine));
  assert.deepEqual(pageOnly, ['dataset', 'engine', 'threads'], 'settings the engine does not know');
  const missing = Object.keys(engine).filter((k) => !SETTINGS.some((s) => s.key === k));
  assert.deepEqual(missing, [], 'engine settings the page has no control for');
});
