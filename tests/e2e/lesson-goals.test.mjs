// Lessons and their goals without a browser: every built-in lesson is well formed and none of its goals
// is met before training; each kind of goal is met exactly when its condition holds; a lesson comes
// back from the address and from a file, and a malformed one is refused with the field it gets wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { LESSONS, checkLesson, loadLesson, parseLesson, viewFromHash, viewToHash } from '../../www/lessons/lessons.js';
import { describeGoal, goalMet, lessonStatus } from '../../www/lessons/goals.js';
import { defaults } from '../../www/settings.js';

const FRESH = { step: 0, epoch: 0, trainLoss: null, testLoss: null, testAccuracy: null, samplesPerSecond: null, phase: null, finished: false };
const EXAMPLE = new URL('../../www/lessons/example.json', import.meta.url);

/** The page's state: the lesson's settings (or the defaults), fresh metrics, then `changes`. */
function stateOf({ lesson, metrics = {}, settings = {}, ...rest } = {}) {
  return { metrics: { ...FRESH, ...metrics }, settings: { ...defaults(), ...(lesson?.settings ?? {}), ...settings }, fewLabels: null, answers: {}, ...rest };
}
const stage = (k) => ({ kind: 'stage', stage: k, index: k, count: 4, name: `AE ${k + 1}` });
const phaseOf = (kind) => ({ kind, index: 3, count: 4, name: kind });
/** A's figures and B's, both training the whole net (end to end, and fine-tuning). */
const pair = (a, b) => ({ metrics: { phase: phaseOf('endToEnd'), ...a }, partner: { metrics: { phase: phaseOf('fineTune'), ...b } } });

test('the sixteen built-in lessons (six of them comparisons) are well formed, with their settings and two to four steps each', () => {
  assert.deepEqual(LESSONS.map((l) => l.key), ['bottleneck', 'pretraining', 'denoising', 'sparse', 'contractive', 'vae', 'pca', 'fewLabels', 'segmentation', 'convFilters', 'whyPretrain', 'twoPretrainings', 'denoisingVsPlain', 'sparseVsDense', 'aeVsPca', 'denseVsConv']);
  assert.deepEqual(LESSONS.filter((l) => l.compare).map((l) => l.key), ['whyPretrain', 'twoPretrainings', 'denoisingVsPlain', 'sparseVsDense', 'aeVsPca', 'denseVsConv']);
  for (const lesson of LESSONS) {
    assert.deepEqual(checkLesson(structuredClone(lesson)), lesson, lesson.key);
    assert.ok(lesson.steps.length >= 2 && lesson.steps.length <= 4, `${lesson.key}: ${lesson.steps.length} steps`);
    assert.ok(lesson.settings.dataset, `${lesson.key} names its dataset`);
  }
  assert.deepEqual(LESSONS.find((l) => l.key === 'pretraining').settings, { dataset: 'mnist', hidden: [256, 64, 16], pretrainEpochs: 2, epochs: 4 });
});

test('no goal of a built-in lesson is met at its start (fresh metrics, its own settings, no answers)', () => {
  for (const lesson of LESSONS) {
    lesson.steps.forEach((step, i) => {
      if (!step.goal) return;
      assert.equal(goalMet(step.goal, stateOf({ lesson }), i), false, `${lesson.key} step ${i + 1}: ${describeGoal(step.goal)}`);
    });
  }
});

test('loss, step and accuracy goals are met exactly past their thresholds', () => {
  const cases = [
    [{ testLossBelow: 25 }, { metrics: { testLoss: 25 } }, { metrics: { testLoss: 24.99 } }],
    [{ trainLossBelow: 10 }, { metrics: { trainLoss: 10.01 } }, { metrics: { trainLoss: 9.5 } }],
    [{ stepsAtLeast: 300 }, { metrics: { step: 299 } }, { metrics: { step: 300 } }],
    [{ testAccuracyAbove: 0.9 }, { metrics: { testAccuracy: 0.9 } }, { metrics: { testAccuracy: 0.901 } }],
    [{ segmentationAccuracyAbove: 0.85 }, { segmentation: { accuracy: 0.85 } }, { segmentation: { accuracy: 0.86 } }],
    [{ segmentationLoaded: true }, { settings: { dataset: 'mnist' } }, { settings: { dataset: 'segment:mosaic-1' } }],
    [{ accuracyAbove: 0.8 }, { fewLabels: { raw: 0.95, frozenCode: 0.8, fineTuned: 0.95 } }, { fewLabels: { raw: 0.5, frozenCode: 0.81, fineTuned: 0.5 } }],
    [{ codeUnits: 4 }, { settings: { hidden: [4, 8] } }, { settings: { hidden: [64, 4] } }],
    [{ settings: { hidden: [2] } }, { settings: { hidden: [2, 2] } }, { settings: { hidden: [2] } }],
    [{ settings: { masking: 0, saltPepper: 0.3 } }, { settings: { masking: 0, saltPepper: 0.2 } }, { settings: { masking: 0, saltPepper: 0.3 } }],
    [{ comparing: true }, { partner: null }, { partner: { metrics: {} } }],
    [{ spreadAccuracyAbove: 0.85 }, { fewLabels: { raw: 0.9, frozenCode: 0.9, spread: { pca: 0.95, code: 0.85 } } }, { fewLabels: { raw: 0.5, spread: { pca: 0.5, code: 0.851 } } }],
    // A measurement from before the goal's steps does not count, however high.
    [{ stepsAtLeast: 3000, spreadAccuracyAbove: 0.85 }, { metrics: { step: 3000 }, fewLabels: { step: 300, spread: { code: 0.9 } } }, { metrics: { step: 3000 }, fewLabels: { step: 3000, spread: { code: 0.86 } } }],
    [{ stepsAtLeast: 3000, gammaAccuracyAbove: 0.82 }, { metrics: { step: 3000 }, fewLabels: { step: 300, gamma: 0.9 } }, { metrics: { step: 3000 }, fewLabels: { step: 3000, gamma: 0.83 } }],
    [{ gammaAccuracyAbove: 0.82 }, { fewLabels: { raw: 0.9, fineTuned: 0.9, gamma: null } }, { fewLabels: { gamma: 0.821 } }],
    [{ bLowerBy: 0.5 }, pair({ testLoss: 4 }, { testLoss: 2.01 }), pair({ testLoss: 4 }, { testLoss: 2 })],
    [{ bLowerMaskedBy: 0.2 }, pair({ maskedTestLoss: 10 }, { maskedTestLoss: 8.1 }), pair({ maskedTestLoss: 10 }, { maskedTestLoss: 7.9 })],
    [{ bMeanCodeBelow: 0.1 }, pair({ meanCode: 0.01 }, { meanCode: 0.1 }), pair({ meanCode: 0.5 }, { meanCode: 0.09 })],
  ];
  for (const [goal, below, above] of cases) {
    assert.equal(goalMet(goal, stateOf()), false, `${JSON.stringify(goal)} at the start`);
    assert.equal(goalMet(goal, stateOf(below)), false, `${JSON.stringify(goal)} with ${JSON.stringify(below)}`);
    assert.equal(goalMet(goal, stateOf(above)), true, `${JSON.stringify(goal)} with ${JSON.stringify(above)}`);
  }
  assert.equal(goalMet({ testLossBelow: 25 }, {}), false, 'a state without metrics meets no loss goal');
  // Losses of different things do not compare: A in pretraining stage 1, B fine-tuning.
  const apart = pair({ testLoss: 4 }, { testLoss: 1 });
  apart.metrics.phase = stage(0);
  assert.equal(goalMet({ bLowerBy: 0.5 }, stateOf(apart)), false, 'A pretraining, B fine-tuning');
  apart.partner.metrics.phase = stage(0);
  assert.equal(goalMet({ bLowerBy: 0.5 }, stateOf(apart)), true, 'both in stage 1');
});

test('every condition of a goal must hold', () => {
  const goal = { testLossBelow: 25, codeUnits: 4 };
  assert.equal(describeGoal(goal), 'Get the test loss under 25 with a 4-unit code');
  assert.equal(goalMet(goal, stateOf({ metrics: { testLoss: 20 }, settings: { hidden: [8] } })), false, 'the loss alone');
  assert.equal(goalMet(goal, stateOf({ metrics: { testLoss: 30 }, settings: { hidden: [4] } })), false, 'the code alone');
  assert.equal(goalMet(goal, stateOf({ metrics: { testLoss: 20 }, settings: { hidden: [4] } })), true);
});

test('a phase goal is met on reaching that phase or a later one', () => {
  const reached = (goal, phase) => goalMet(goal, stateOf({ metrics: { phase } }));
  const secondStage = { phase: 'stage', stage: 1 };
  assert.equal(reached(secondStage, null), false);
  assert.equal(reached(secondStage, stage(0)), false);
  assert.equal(reached(secondStage, stage(1)), true);
  assert.equal(reached(secondStage, stage(2)), true);
  assert.equal(reached(secondStage, phaseOf('fineTune')), true);
  assert.equal(reached(secondStage, phaseOf('classifier')), true);
  assert.equal(reached({ phase: 'fineTune' }, stage(2)), false);
  assert.equal(reached({ phase: 'fineTune' }, phaseOf('fineTune')), true);
  assert.equal(reached({ phase: 'fineTune' }, phaseOf('classifier')), true);
  assert.equal(reached({ phase: 'fineTune' }, phaseOf('endToEnd')), false, 'end-to-end training is not fine-tuning');
  assert.equal(reached({ phase: 'classifier' }, phaseOf('endToEnd')), false);
  assert.equal(reached({ phase: 'classifier' }, phaseOf('classifier')), true);
  assert.equal(describeGoal(secondStage), 'Reach pretraining stage 2');
  assert.equal(describeGoal({ phase: 'fineTune', testLossBelow: 25 }), 'Reach fine-tuning and get the test loss under 25');
});

test('a question is met when the right choice is picked for its step', () => {
  const goal = { question: 'Which code is narrowest?', choices: ['2 units', '64 units'], answer: 0 };
  assert.equal(goalMet(goal, stateOf(), 2), false);
  assert.equal(goalMet(goal, stateOf({ answers: { 2: 1 } }), 2), false, 'a wrong choice');
  assert.equal(goalMet(goal, stateOf({ answers: { 1: 0 } }), 2), false, 'the right choice on another step');
  assert.equal(goalMet(goal, stateOf({ answers: { 2: 0 } }), 2), true);
  assert.equal(describeGoal(goal), 'Which code is narrowest?');
});

test('goals in words', () => {
  assert.equal(describeGoal(null), null);
  assert.equal(describeGoal({ codeUnits: 4 }), 'Use a 4-unit code');
  assert.equal(describeGoal({ settings: { hidden: [2] } }), 'Set hidden layers to 2');
  assert.equal(describeGoal({ settings: { contractive: 1 }, stepsAtLeast: 500 }), 'Set contractive penalty to 1 and train for at least 500 steps');
  assert.equal(describeGoal({ accuracyAbove: 0.8 }), 'Measure a frozen-code accuracy above 80% in the Few labels panel');
  assert.equal(describeGoal({ testLossBelow: 20, text: 'Beat 20' }), 'Beat 20', 'an author’s own wording wins');
});

test('lessonStatus: where the student is, in words, and whether the goal is met', () => {
  const lesson = LESSONS.find((l) => l.key === 'bottleneck');
  const start = stateOf({ lesson });
  assert.deepEqual(lessonStatus(lesson, 0, start), {
    key: 'bottleneck',
    title: 'The bottleneck',
    step: 0,
    steps: 3,
    text: lesson.steps[0].text,
    watch: 'reconstructions',
    goal: 'Get the test loss under 45',
    met: false,
  });
  assert.equal(lessonStatus(lesson, 0, stateOf({ lesson, metrics: { testLoss: 44 } })).met, true);
  const second = lessonStatus(lesson, 1, stateOf({ lesson, metrics: { testLoss: 14 }, settings: { hidden: [64] } }));
  assert.deepEqual([second.step, second.goal, second.met], [1, 'Get the test loss under 15 with a 64-unit code', true]);
  assert.equal(lessonStatus(lesson, 2, stateOf({ lesson, answers: { 2: 0 } })).met, true);
  assert.equal(lessonStatus(lesson, 99, start).step, 2, 'kept within the lesson');
  const vae = LESSONS.find((l) => l.key === 'vae');
  const free = lessonStatus(vae, 2, stateOf({ lesson: vae }));
  assert.deepEqual([free.goal, free.met], [null, true], 'a step without a goal is met');
});

test('checkLesson refuses malformed lessons, naming the field', () => {
  const good = { title: 'T', steps: [{ text: 'Do this.' }] };
  assert.deepEqual(checkLesson(good), { key: 'custom', title: 'T', settings: {}, compare: null, steps: [{ text: 'Do this.', watch: null, goal: null }] });
  assert.deepEqual(checkLesson({ ...good, compare: { masking: 0.3 } }).compare, { masking: 0.3 });
  const refusals = [
    [null, /^lesson: expected an object/],
    [[good], /^lesson: expected an object/],
    [{ steps: good.steps }, /^lesson\.title: expected text, got nothing/],
    [{ title: 'T' }, /^lesson\.steps: expected a list of at least one step/],
    [{ title: 'T', steps: [] }, /^lesson\.steps: expected a list/],
    [{ title: 'T', step: good.steps }, /^lesson: unknown field "step"/],
    [{ ...good, key: 'a b' }, /^lesson\.key:/],
    [{ ...good, settings: { hiden: [2] } }, /^lesson\.settings\.hiden is not a setting \(did you mean hidden\?\)/],
    [{ ...good, settings: { hidden: '8' } }, /^lesson\.settings\.hidden: "8" is not a list of whole numbers from 1 to 8192/],
    [{ ...good, settings: { dataset: 'cifar' } }, /^lesson\.settings\.dataset: "cifar" is not one of mnist/],
    [{ ...good, settings: { masking: 2 } }, /^lesson\.settings\.masking: 2 is not a number from 0 to 1/],
    [{ title: 'T', steps: ['Do this.'] }, /^lesson\.steps\[0\]: expected a step/],
    [{ ...good, compare: { maskng: 0.3 } }, /^lesson\.compare\.maskng is not a setting \(did you mean masking\?\)/],
    [{ ...good, compare: { dataset: 'digits' } }, /^lesson\.compare\.dataset: B trains on A's data and engine/],
    [{ ...good, compare: {} }, /^lesson\.compare: names no setting/],
    [{ title: 'T', steps: [{ text: 'x', goal: { bLowerBy: 2 } }] }, /goal\.bLowerBy: expected a number from 0 to 1, got 2/],
    [{ title: 'T', steps: [{ text: '' }] }, /^lesson\.steps\[0\]\.text: expected text/],
    [{ title: 'T', steps: [{ text: 'x', watch: 'nose' }] }, /^lesson\.steps\[0\]\.watch: "nose" is not a part of the diagram/],
    [{ title: 'T', steps: [{ text: 'x', goal: 25 }] }, /^lesson\.steps\[0\]\.goal: expected an object/],
    [{ title: 'T', steps: [{ text: 'x', goal: {} }] }, /^lesson\.steps\[0\]\.goal: names no condition/],
    [{ title: 'T', steps: [{ text: 'x', goal: { testLosBelow: 25 } }] }, /^lesson\.steps\[0\]\.goal: unknown condition "testLosBelow"/],
    [{ title: 'T', steps: [{ text: 'x', goal: { testLossBelow: '25' } }] }, /^lesson\.steps\[0\]\.goal\.testLossBelow: expected a number/],
    [{ title: 'T', steps: [{ text: 'x', goal: { phase: 'fineTuning' } }] }, /^lesson\.steps\[0\]\.goal\.phase: expected one of stage/],
    [{ title: 'T', steps: [{ text: 'x', goal: { phase: 'fineTune', stage: 1 } }] }, /^lesson\.steps\[0\]\.goal\.stage: only goes with phase: "stage"/],
    [{ title: 'T', steps: [{ text: 'x', goal: { settings: {} } }] }, /goal\.settings: names no setting/],
    [{ title: 'T', steps: [{ text: 'x', goal: { accuracyAbove: 80 } }] }, /goal\.accuracyAbove: expected a number from 0 to 1, got 80/],
    [{ title: 'T', steps: [{ text: 'x', goal: { question: 'Q?', choices: ['a'], answer: 0 } }] }, /goal\.choices: expected a list of at least two answers/],
    [{ title: 'T', steps: [{ text: 'x', goal: { question: 'Q?', choices: ['a', 'b'], answer: 2 } }] }, /goal\.answer: expected a whole number from 0 to 1, got 2/],
    [{ title: 'T', steps: [{ text: 'x', goal: { question: 'Q?', choices: ['a', 'b'], answer: 0, testLossBelow: 3 } }] }, /goal: a question takes only/],
  ];
  for (const [lesson, message] of refusals) assert.throws(() => checkLesson(lesson), { message }, JSON.stringify(lesson));
  assert.throws(() => parseLesson('{"title": "T", steps: []}', 'the file'), { message: /^the file is not valid JSON: / });
  assert.throws(() => parseLesson('{"title": "T"}', 'the file'), { message: /^the file: lesson\.steps: expected a list/ });
});

test('a lesson round-trips through the address as JSON, and a bad one is refused with why', async () => {
  const lesson = { title: 'Two units & more + less', settings: { hidden: [2] }, steps: [{ text: 'Train: 100% of it?', watch: 'latent', goal: { testLossBelow: 50, codeUnits: 2 } }] };
  const hash = `#lessonJson=${encodeURIComponent(JSON.stringify(lesson))}&hide=seed`;
  const view = viewFromHash(hash);
  assert.deepEqual(view.source, { lessonJson: JSON.stringify(lesson) });
  assert.equal(view.lesson.title, lesson.title, 'JSON in the address is at hand at once');
  const loaded = await loadLesson(view);
  assert.deepEqual(loaded.steps, [{ ...lesson.steps[0] }]);
  assert.deepEqual(loaded.settings, { hidden: [2] });
  const again = viewFromHash(`#${viewToHash(view)}`);
  assert.deepEqual(again.source, view.source, 'written back as it came');
  assert.deepEqual([...again.hide], ['seed']);
  // A lesson made in the page, with no address of its own, is written as JSON.
  const made = viewFromHash(`#${viewToHash({ lesson: checkLesson(lesson), hide: new Set() })}`);
  assert.deepEqual(await loadLesson(made), { ...checkLesson(lesson), key: 'custom', source: made.source });

  const bad = viewFromHash(`#lessonJson=${encodeURIComponent('{"title": "T"')}`);
  assert.equal(bad.lesson, null, 'viewFromHash never throws');
  await assert.rejects(loadLesson(bad), /the lesson in the address \(lessonJson\) is not valid JSON/);
  const shapeless = viewFromHash(`#lessonJson=${encodeURIComponent('{"title": "T", "steps": [{"text": "x", "watch": "nose"}]}')}`);
  await assert.rejects(loadLesson(shapeless), /lesson\.steps\[0\]\.watch: "nose" is not a part of the diagram/);
});

test('built-in lessons by key; switching lessons rewrites the address', async () => {
  const view = viewFromHash('#lesson=denoising&hide=Sparse%2Cseed&lock=masking&masking=0.5');
  assert.equal(view.lesson, LESSONS.find((l) => l.key === 'denoising'));
  assert.equal(await loadLesson(view), view.lesson);
  assert.equal(viewToHash(view), 'lesson=denoising&hide=Sparse%2Cseed&lock=masking');
  const sparse = LESSONS.find((l) => l.key === 'sparse');
  assert.equal(viewToHash({ ...viewFromHash('#lessonUrl=a.json'), lesson: sparse }), 'lesson=sparse');
  assert.equal(viewToHash({ ...view, lesson: null }), 'hide=Sparse%2Cseed&lock=masking');
  const unknown = viewFromHash('#lesson=nope');
  assert.equal(unknown.lesson, null);
  await assert.rejects(loadLesson(unknown), /no built-in lesson "nope" \(there are bottleneck, pretraining/);
  assert.equal(await loadLesson(viewFromHash('#dataset=digits')), null, 'no lesson named');
});

test('a lesson file on the same site is fetched; another site, a missing file and a bad one are refused', async () => {
  const base = 'https://course.example/playground/index.html';
  const files = { '/playground/www/lessons/example.json': await readFile(EXAMPLE, 'utf8'), '/playground/bad.json': '{"title": 3, "steps": []}' };
  const fetch = async (href) => {
    const body = files[new URL(href).pathname];
    return { ok: body !== undefined, status: body === undefined ? 404 : 200, text: async () => body };
  };
  const view = viewFromHash('#lessonUrl=www/lessons/example.json');
  assert.equal(view.lesson, null, 'a file is loaded later');
  const lesson = await loadLesson(view, { fetch, base });
  assert.equal(lesson.title, 'How small can the code be?');
  assert.deepEqual(lesson.steps.map((s) => describeGoal(s.goal)), ['Get the test loss under 30', 'Get the test loss under 35 with a 16-unit code', 'Which code rebuilt the digits better?']);
  assert.equal(viewToHash({ ...view, lesson }), 'lessonUrl=www%2Flessons%2Fexample.json', 'the address keeps the path');
  const refused = async (hash, message) => assert.rejects(loadLesson(viewFromHash(hash), { fetch, base }), message);
  await refused('#lessonUrl=https://elsewhere.example/lesson.json', /must be on this site \(https:\/\/course\.example\), not https:\/\/elsewhere\.example/);
  await refused('#lessonUrl=missing.json', /the lesson file missing\.json could not be fetched: HTTP 404/);
  await refused('#lessonUrl=bad.json', /the lesson file bad\.json: lesson\.title: expected text, got 3/);
  const offline = async () => {
    throw new TypeError('Failed to fetch');
  };
  await assert.rejects(loadLesson(view, { fetch: offline, base }), /could not be fetched: Failed to fetch/);
});

test('the example lesson file is a valid lesson, the one the docs/instructors.md shows', async () => {
  const text = await readFile(EXAMPLE, 'utf8');
  const lesson = parseLesson(text, 'example.json');
  assert.equal(lesson.key, 'codeSize');
  assert.equal(lesson.steps.length, 3);
  const readme = await readFile(new URL('../../docs/instructors.md', import.meta.url), 'utf8');
  const shown = readme.split('## Lessons')[1].match(/```json\n([^`]*)```/)[1];
  assert.deepEqual(JSON.parse(shown), JSON.parse(text));
});
