// npm run measure:comparisons: each comparison lesson's A and B trained in lockstep, as the page's
// worker trains them (its Partner), in Node on the CPU, for seeds 1 to 3, to the steps its first goal
// asks for (and "Why pretrain?" again with Adam and scaled weights, "Two ways to pretrain" with A's
// autoencoder stages: their second steps); prints the
// figures its goals read and whether each goal holds at each seed. Lesson keys as arguments measure
// those alone (node scripts/measure-comparisons.mjs denseVsConv).
import { readFile } from 'node:fs/promises';
import * as engine from '../dist/pkg/ae_playground.js';
import { useModule } from '../dist/www/worker/engine.js';
import { LESSONS } from '../www/lessons/lessons.js';
import { goalMet } from '../www/lessons/goals.js';
import { defaults } from '../www/settings.js';
import { Partner, extraFigures } from '../dist/www/worker/compare.js';

await engine.default({ module_or_path: await readFile(new URL('../dist/pkg/ae_playground_bg.wasm', import.meta.url)) });
useModule(engine); // (the worker's modules take the engine from www/worker/engine.js)
const data = new Map();
const dataset = async (name) => data.get(name) ?? data.set(name, engine.Data.fromPacked(await readFile(new URL(`../dist/data/${name}.aepk`, import.meta.url)))).get(name);
const figures = (m) => {
  const e = m.evaluate();
  return { step: m.step, testLoss: e.loss, phase: m.phase(), finished: m.finished, ...extraFigures(m, e) };
};
const fmt = (v) => (v == null ? '–' : v.toFixed(3));

async function run(lesson, settings, steps, goal) {
  const { dataset: name, engine: choice, threads, ...config } = settings;
  const a = new engine.Playground(config, await dataset(name));
  const b = new Partner({ ...settings, ...lesson.compare }, lesson.compare, await dataset(name), null);
  const began = performance.now();
  while (a.step < steps && !a.finished) await b.train((await a.train(steps - a.step)).steps);
  const state = { metrics: figures(a), partner: { metrics: figures(b.model) }, settings };
  const seconds = (performance.now() - began) / 1000;
  a.free();
  b.free();
  const [fa, fb] = [state.metrics, state.partner.metrics];
  const ratio = fb.testLoss / fa.testLoss;
  return `test loss A ${fmt(fa.testLoss)} B ${fmt(fb.testLoss)} (B/A ${ratio.toFixed(2)}); half-masked A ${fmt(fa.maskedTestLoss)} B ${fmt(fb.maskedTestLoss)}; mean code A ${fmt(fa.meanCode)} B ${fmt(fb.meanCode)}; ${seconds.toFixed(1)} s${goal ? `; goal ${goalMet(goal, state) ? 'met' : 'NOT met'}` : ''}`;
}

const only = process.argv.slice(2);
for (const lesson of LESSONS.filter((l) => l.compare && (!only.length || only.includes(l.key)))) {
  const goal = lesson.steps[0].goal;
  const cases = [['as the lesson starts', {}, goal]];
  if (lesson.key === 'whyPretrain') cases.push(['with Adam 0.003 and scaled weights', lesson.steps[1].goal.settings, null]);
  if (lesson.key === 'twoPretrainings') cases.push(['with autoencoder stages for A', lesson.steps[1].goal.settings, null]);
  for (const [what, extra, check] of cases) {
    console.log(`${lesson.title}: ${what}, B with ${JSON.stringify(lesson.compare)}, ${goal.stepsAtLeast} steps`);
    for (const seed of [1, 2, 3]) console.log(`  seed ${seed}: ${await run(lesson, { ...defaults(), ...lesson.settings, ...extra, seed }, goal.stepsAtLeast, check)}`);
  }
}
