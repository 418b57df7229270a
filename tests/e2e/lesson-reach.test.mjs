// Every goal of a built-in lesson (and of the example lesson file) that asks for a loss, a phase or an
// accuracy can be reached: the built engine trains the step's settings in Node, on the CPU, and the
// page's own goalMet says when. A comparison lesson trains B beside A in lockstep, as the worker does
// (its Partner). Guards against a threshold no student could reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as engine from '../../dist/pkg/ae_playground.js';
import { useModule } from '../../dist/www/worker/engine.js';
import { LESSONS, parseLesson } from '../../www/lessons/lessons.js';
import { goalMet } from '../../www/lessons/goals.js';
import { defaults } from '../../www/settings.js';
import { Partner, extraFigures } from '../../dist/www/worker/compare.js';

const MOST_STEPS = 6000; // each goal must be met within this many steps
const CHUNK = 100; // steps between checks
const FEW_LABELS = 100; // the label budget a student is told to try
const datasets = new Map();

async function dataset(name) {
  if (!datasets.has(name)) datasets.set(name, engine.Data.fromPacked(await readFile(new URL(`../../dist/data/${name}.aepk`, import.meta.url))));
  return datasets.get(name);
}

/** The settings a student has on this step: the lesson's, with the goal's own asked for. */
function settingsFor(lesson, goal) {
  const settings = { ...defaults(), ...lesson.settings, ...(goal.settings ?? {}) };
  if (goal.codeUnits) settings.hidden = [...settings.hidden.slice(0, -1), goal.codeUnits];
  return settings;
}

/** Trains until the goal is met (or MOST_STEPS, or the end); resolves with the steps it took, or null. */
async function reach(lesson, goal, stepsBefore) {
  const settings = settingsFor(lesson, goal);
  const { dataset: name, engine: choice, threads, ...config } = settings;
  const model = new engine.Playground(config, await dataset(name));
  const partner = lesson.compare && new Partner({ ...settings, ...lesson.compare }, lesson.compare, await dataset(name), null);
  const state = { metrics: { step: 0, testLoss: null, phase: null }, settings, fewLabels: null, answers: {}, partner: null };
  const figures = (m) => {
    const evaluation = m.evaluate();
    return { step: m.step, testLoss: evaluation.loss, trainLoss: null, phase: m.phase(), finished: m.finished, ...(partner ? extraFigures(m, evaluation) : {}) };
  };
  try {
    while (model.step < MOST_STEPS && !model.finished) {
      const { steps } = await model.train(Math.max(CHUNK, stepsBefore - model.step));
      await partner?.train(steps);
      await model.sync();
      state.metrics = figures(model);
      if (partner) state.partner = { metrics: figures(partner.model) };
      const measured = ['accuracyAbove', 'spreadAccuracyAbove', 'gammaAccuracyAbove'].some((key) => key in goal);
      if (measured) state.fewLabels = { ...model.fewLabels(FEW_LABELS, settings.seed), step: model.step };
      if (goalMet(goal, state)) return model.step;
      if (measured) return null; // measured once, after the steps the lesson asked for
    }
    return null;
  } finally {
    model.free();
    partner?.free();
  }
}

const reachable = (goal) => goal && !('question' in goal) && Object.keys(goal).some((key) => ['testLossBelow', 'phase', 'accuracyAbove', 'spreadAccuracyAbove', 'gammaAccuracyAbove', 'bLowerBy', 'bLowerMaskedBy', 'bMeanCodeBelow'].includes(key));

test('every loss, phase and accuracy goal of the lessons is reached within a few thousand steps', async () => {
  await engine.default({ module_or_path: await readFile(new URL('../../dist/pkg/ae_playground_bg.wasm', import.meta.url)) });
  useModule(engine); // (the worker's modules take the engine from www/worker/engine.js)
  const example = parseLesson(await readFile(new URL('../../www/lessons/example.json', import.meta.url), 'utf8'));
  for (const lesson of [...LESSONS, example]) {
    let stepsBefore = 0; // a step that asked to train so many steps first (few labels)
    for (const [i, step] of lesson.steps.entries()) {
      if (step.goal?.stepsAtLeast) stepsBefore = step.goal.stepsAtLeast;
      if (!reachable(step.goal)) continue;
      const took = await reach(lesson, step.goal, stepsBefore);
      console.log(`${lesson.key} step ${i + 1} ${JSON.stringify(step.goal)}: ${took ?? 'not'} reached`);
      assert.ok(took !== null, `${lesson.key} step ${i + 1}: ${JSON.stringify(step.goal)} not met in ${MOST_STEPS} steps`);
    }
  }
});
