// A lesson step's goal: what it asks of the student, checked against the page's state. Pure functions,
// no DOM, so that the page, its API and the Node tests read goals the same way. A goal is one object;
// every condition in it must hold ({testLossBelow: 25, codeUnits: 4}), or it is a question.
import { SETTINGS, checkSettings as checkEach, shown } from '../settings.js';

export { shown };

const fail = (where, message) => {
  throw new Error(`${where}: ${message}`);
};
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkNumber(value, where, { min = -Infinity, max = Infinity, integer = false } = {}) {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
  if (!ok || (integer && !Number.isInteger(value))) {
    const range = max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` of at least ${min}` : '';
    fail(where, `expected ${integer ? 'a whole number' : 'a number'}${range}, got ${shown(value)}`);
  }
  return value;
}

// The phases in the order training meets them: pretraining stages (from 0), then fine-tuning or
// end-to-end training (one or the other), then the classifier.
const PHASES = ['stage', 'fineTune', 'endToEnd', 'classifier'];
const RANK = { stage: 0, fineTune: 1, endToEnd: 1, classifier: 2 };

function phaseName(kind, stage) {
  return { stage: `pretraining stage ${stage + 1}`, fineTune: 'fine-tuning', endToEnd: 'end-to-end training', classifier: 'the classifier' }[kind];
}

/** Whether training has reached the goal's phase: a later phase counts (stage 1 < stage 2 < fine-tuning <
 * classifier); fine-tuning and end-to-end training exclude each other. */
function phaseReached(goal, phase) {
  if (!phase || !(phase.kind in RANK)) return false;
  const [want, have] = [RANK[goal.phase], RANK[phase.kind]];
  if (have !== want) return have > want;
  if (goal.phase === 'stage') return (phase.stage ?? 0) >= (goal.stage ?? 0);
  return phase.kind === goal.phase;
}

/** Whether two models' phases train the same thing, so that their losses compare: the whole net
 * (fine-tuning or end-to-end training) for both, or the same pretraining stage. */
export function comparable(a, b) {
  if (!a || !b) return false;
  const whole = (p) => p.kind === 'fineTune' || p.kind === 'endToEnd';
  return (whole(a) && whole(b)) || (a.kind === b.kind && (a.stage ?? 0) === (b.stage ?? 0));
}

/** Whether B's figure `key` is at least `fraction` below A's, both measured in phases that compare. */
function bLower(state, key, fraction) {
  const [a, b] = [state.metrics, state.partner?.metrics];
  return Boolean(b) && comparable(a.phase, b.phase) && a[key] > 0 && b[key] != null && b[key] <= (1 - fraction) * a[key];
}

/** A settings object checked against the settings table (settings.js): known keys, values each takes. */
export function checkSettings(settings, where) {
  if (!isObject(settings)) fail(where, `expected an object of settings, got ${shown(settings)}`);
  return checkEach(settings, `${where}.`);
}

/** A setting's label, short and in lower case for a sentence: "KL sparsity weight", "k-sparse". */
function settingName(key) {
  const label = SETTINGS.find((s) => s.key === key).label.replace(/\s*[(:].*$/, '');
  return /^[A-Z][A-Z0-9]/.test(label) ? label : label[0].toLowerCase() + label.slice(1);
}

/** "set masking fraction to 0 and salt-and-pepper fraction to 0.3 and turn on tied decoder weights" */
function settingsPhrase(settings) {
  const entries = Object.entries(settings);
  const values = entries.filter(([, v]) => typeof v !== 'boolean').map(([key, v]) => `${settingName(key)} to ${Array.isArray(v) ? v.join(', ') : v}`);
  const switches = entries.filter(([, v]) => typeof v === 'boolean').map(([key, v]) => `turn ${v ? 'on' : 'off'} ${settingName(key)}`);
  return [...(values.length ? [`set ${values.join(' and ')}`] : []), ...switches].join(' and ');
}
const sameValue = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const percent = (fraction) => `${Math.round(1000 * fraction) / 10}%`;

// The conditions a goal may list, in the order its description names them: `check` validates the
// value, `met` reads the state, `say` describes it; `modifier` is how it reads beside other conditions.
const CONDITIONS = {
  phase: {
    check: (v, where) => {
      if (!PHASES.includes(v)) fail(where, `expected one of ${PHASES.join(', ')}, got ${shown(v)}`);
    },
    met: (v, state, goal) => phaseReached(goal, state.metrics.phase),
    say: (v, goal) => `reach ${phaseName(v, goal.stage ?? 0)}`,
  },
  settings: {
    check: (v, where) => {
      checkSettings(v, where);
      if (!Object.keys(v).length) fail(where, 'names no setting');
    },
    met: (v, state) => Object.entries(v).every(([key, value]) => sameValue(state.settings[key], value)),
    say: (v) => settingsPhrase(v),
  },
  stepsAtLeast: {
    check: (v, where) => checkNumber(v, where, { min: 1, integer: true }),
    met: (v, state) => (state.metrics.step ?? 0) >= v,
    say: (v) => `train for at least ${v} steps`,
  },
  testLossBelow: {
    check: (v, where) => checkNumber(v, where, { min: 0 }),
    met: (v, state) => state.metrics.testLoss != null && state.metrics.testLoss < v,
    say: (v) => `get the test loss under ${v}`,
  },
  trainLossBelow: {
    check: (v, where) => checkNumber(v, where, { min: 0 }),
    met: (v, state) => state.metrics.trainLoss != null && state.metrics.trainLoss < v,
    say: (v) => `get the training loss under ${v}`,
  },
  testAccuracyAbove: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    met: (v, state) => state.metrics.testAccuracy != null && state.metrics.testAccuracy > v,
    say: (v) => `get the classifier's test accuracy above ${percent(v)}`,
  },
  accuracyAbove: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    // (measured at the goal's steps or later, as below)
    met: (v, state, goal) => state.fewLabels?.frozenCode > v && (state.fewLabels.step ?? 0) >= (goal.stepsAtLeast ?? 0),
    say: (v) => `measure a frozen-code accuracy above ${percent(v)} in the Few labels panel`,
  },
  spreadAccuracyAbove: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    // (measured at the goal's steps or later: not a measurement from before it)
    met: (v, state, goal) => state.fewLabels?.spread?.code > v && (state.fewLabels.step ?? 0) >= (goal.stepsAtLeast ?? 0),
    say: (v) => `measure label spreading over the code above ${percent(v)} in the Few labels panel`,
  },
  gammaAccuracyAbove: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    met: (v, state, goal) => state.fewLabels?.gamma > v && (state.fewLabels.step ?? 0) >= (goal.stepsAtLeast ?? 0),
    say: (v) => `measure the Γ-model above ${percent(v)} in the Few labels panel`,
  },
  segmentationLoaded: {
    check: (v, where) => {
      if (v !== true) fail(where, `expected true, got ${shown(v)}`);
    },
    met: (v, state) => Boolean(state.settings.dataset?.startsWith('segment:')),
    say: () => 'train on an image\'s patches (Segmentation panel)',
  },
  segmentationAccuracyAbove: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    met: (v, state) => state.segmentation?.accuracy != null && state.segmentation.accuracy > v,
    say: (v) => `get the autoencoder's map above ${percent(v)} of pixels right`,
  },
  comparing: {
    check: (v, where) => {
      if (v !== true) fail(where, `expected true, got ${shown(v)}`);
    },
    met: (v, state) => Boolean(state.partner),
    say: () => 'compare A with a second model B',
  },
  bLowerBy: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    met: (v, state) => bLower(state, 'testLoss', v),
    say: (v) => `get B's test loss ${percent(v)} or more below A's`,
  },
  bLowerMaskedBy: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    met: (v, state) => bLower(state, 'maskedTestLoss', v),
    say: (v) => `get B's error on half-masked test images ${percent(v)} or more below A's`,
  },
  bMeanCodeBelow: {
    check: (v, where) => checkNumber(v, where, { min: 0, max: 1 }),
    met: (v, state) => state.partner?.metrics.meanCode != null && state.partner.metrics.meanCode < v,
    say: (v) => `get B's mean code activation under ${v}`,
  },
  codeUnits: {
    check: (v, where) => checkNumber(v, where, { min: 1, integer: true }),
    met: (v, state) => state.settings.hidden?.at(-1) === v,
    say: (v) => `use a ${v}-unit code`,
    modifier: (v) => `with a ${v}-unit code`,
  },
};
// Fields that qualify a condition (`stage`, with phase: 'stage') or word the goal (`text`).
const QUALIFIERS = new Set(['stage', 'text']);
const QUESTION_FIELDS = ['question', 'choices', 'answer', 'explain', 'text'];

function checkQuestion(goal, where) {
  for (const key of Object.keys(goal)) if (!QUESTION_FIELDS.includes(key)) fail(where, `a question takes only ${QUESTION_FIELDS.join(', ')}, not ${shown(key)}`);
  if (typeof goal.question !== 'string' || !goal.question.trim()) fail(`${where}.question`, `expected text, got ${shown(goal.question)}`);
  const choices = goal.choices;
  if (!Array.isArray(choices) || choices.length < 2 || !choices.every((c) => typeof c === 'string' && c.trim())) {
    fail(`${where}.choices`, `expected a list of at least two answers as text, got ${shown(choices)}`);
  }
  checkNumber(goal.answer, `${where}.answer`, { min: 0, max: choices.length - 1, integer: true });
  if (goal.explain !== undefined && typeof goal.explain !== 'string') fail(`${where}.explain`, `expected text, got ${shown(goal.explain)}`);
}

/** Checks a goal's shape; returns it, or throws an Error naming the bad field (`where` is its place,
 * e.g. "lesson.steps[2].goal"). */
export function checkGoal(goal, where = 'goal') {
  if (!isObject(goal)) fail(where, `expected an object, got ${shown(goal)}`);
  if (goal.text !== undefined && typeof goal.text !== 'string') fail(`${where}.text`, `expected text, got ${shown(goal.text)}`);
  if ('question' in goal) return checkQuestion(goal, where), goal;
  const conditions = Object.keys(goal).filter((key) => !QUALIFIERS.has(key));
  if (!conditions.length) fail(where, `names no condition (one of ${Object.keys(CONDITIONS).join(', ')}, or a question)`);
  for (const key of conditions) {
    if (!CONDITIONS[key]) fail(where, `unknown condition ${shown(key)} (known: ${Object.keys(CONDITIONS).join(', ')}, question)`);
    CONDITIONS[key].check(goal[key], `${where}.${key}`);
  }
  if ('stage' in goal && goal.phase !== 'stage') fail(`${where}.stage`, 'only goes with phase: "stage"');
  if ('stage' in goal) checkNumber(goal.stage, `${where}.stage`, { min: 0, integer: true });
  return goal;
}

/** Whether the state meets the goal (a step without a goal is met). A question is met when
 * `state.answers[stepIndex]` is its answer's index. */
export function goalMet(goal, state = {}, stepIndex = 0) {
  if (!goal) return true;
  if ('question' in goal) return state.answers?.[stepIndex] === goal.answer;
  const full = { ...state, metrics: state.metrics ?? {}, settings: state.settings ?? {} };
  return Object.keys(goal).filter((key) => CONDITIONS[key]).every((key) => CONDITIONS[key].met(goal[key], full, goal));
}

/** The goal in words: "Get the test loss under 25 with a 4-unit code"; a question is its own text. */
export function describeGoal(goal) {
  if (!goal) return null;
  if (goal.text) return goal.text;
  if ('question' in goal) return goal.question;
  const keys = Object.keys(CONDITIONS).filter((key) => key in goal);
  const modifiers = keys.filter((key) => CONDITIONS[key].modifier);
  const clauses = keys.filter((key) => !CONDITIONS[key].modifier || modifiers.length === keys.length);
  const said = clauses.map((key) => CONDITIONS[key].say(goal[key], goal));
  const main = said.length > 1 ? `${said.slice(0, -1).join(', ')} and ${said.at(-1)}` : said[0];
  const extra = modifiers.filter((key) => !clauses.includes(key)).map((key) => CONDITIONS[key].modifier(goal[key]));
  const text = [main, ...extra].join(' ');
  return text[0].toUpperCase() + text.slice(1);
}

/** Where the student is in a lesson: {key, title, step (from 0), steps, text, watch, goal (in words,
 * or null), met}. The step index is kept within the lesson. */
export function lessonStatus(lesson, stepIndex, state = {}) {
  const step = Math.max(0, Math.min(lesson.steps.length - 1, Math.trunc(stepIndex) || 0));
  const { text, watch = null, goal = null } = lesson.steps[step];
  return { key: lesson.key, title: lesson.title, step, steps: lesson.steps.length, text, watch, goal: describeGoal(goal), met: goalMet(goal, state, step) };
}
