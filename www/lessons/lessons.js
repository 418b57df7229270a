// Lessons: a title, the settings it starts from, and a few steps, each an instruction, the part of the
// network diagram to watch, and a goal the page checks (goals.js). The built-in ones are chosen
// by `#lesson=<key>`; an instructor's comes whole in the address (`#lessonJson=<encodeURIComponent(JSON)>`)
// or from a JSON file on the same site (`#lessonUrl=<path>`). Other settings in the hash apply on top.
// A course author can also hide or lock controls (`hide=`, `lock=`: setting keys or group names),
// start training at once (`autoplay=1`), and name the origins allowed to drive an embedded page by
// postMessage (`embedder=`).
import { BUILT_IN_LESSONS } from './built-in.js';
import { COMPARISON_LESSONS } from './comparisons.js';
import { checkGoal, checkSettings, shown } from './goals.js';
import { SHARED_WITH_B } from '../settings.js';

/** The parts of the network diagram a step can point at, with how the page names them. */
export const WATCH_PARTS = {
  input: 'the input',
  noise: 'the noise (the corrupted input)',
  encoder: 'the encoder',
  code: 'the code',
  decoder: 'the decoder',
  output: 'the output',
  loss: 'the loss',
  reconstructions: 'the reconstructions',
  latent: 'the latent space',
  phases: 'the training phases',
  segmentation: 'the Segmentation panel',
};

const LESSON_FIELDS = ['key', 'title', 'settings', 'compare', 'steps'];
const STEP_FIELDS = ['text', 'watch', 'goal'];
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const fail = (where, message) => {
  throw new Error(`${where}: ${message}`);
};

function checkText(value, where) {
  if (typeof value !== 'string' || !value.trim()) fail(where, `expected text, got ${shown(value)}`);
  return value;
}

function checkFields(object, allowed, where, what) {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) fail(where, `unknown field ${shown(key)} (a ${what} has ${allowed.join(', ')})`);
}

function checkStep(step, where) {
  if (!isObject(step)) fail(where, `expected a step {text, watch, goal}, got ${shown(step)}`);
  checkFields(step, STEP_FIELDS, where, 'step');
  checkText(step.text, `${where}.text`);
  const watch = step.watch ?? null;
  if (watch !== null && !(watch in WATCH_PARTS)) fail(`${where}.watch`, `${shown(watch)} is not a part of the diagram (${Object.keys(WATCH_PARTS).join(', ')})`);
  const goal = step.goal == null ? null : checkGoal(step.goal, `${where}.goal`);
  return { text: step.text, watch, goal };
}

/** A lesson checked and filled in: {key ('custom' when not given), title, settings ({} when not
 * given), steps: [{text, watch (or null), goal (or null)}]}. Throws an Error naming the bad field. */
export function checkLesson(lesson) {
  if (!isObject(lesson)) fail('lesson', `expected an object {title, steps, ...}, got ${shown(lesson)}`);
  checkFields(lesson, LESSON_FIELDS, 'lesson', 'lesson');
  const key = lesson.key ?? 'custom';
  if (typeof key !== 'string' || !/^[\w-]{1,40}$/.test(key)) fail('lesson.key', `expected a short name of letters, digits, - or _, got ${shown(key)}`);
  checkText(lesson.title, 'lesson.title');
  const settings = checkSettings(lesson.settings ?? {}, 'lesson.settings');
  // A comparison lesson starts B beside A: the settings B changes (not the data or the engine).
  const compare = lesson.compare == null ? null : checkSettings(lesson.compare, 'lesson.compare');
  for (const key of SHARED_WITH_B) if (compare && key in compare) fail(`lesson.compare.${key}`, 'B trains on A\'s data and engine: set it in settings');
  if (compare && !Object.keys(compare).length) fail('lesson.compare', 'names no setting for B to change');
  if (!Array.isArray(lesson.steps) || !lesson.steps.length) fail('lesson.steps', `expected a list of at least one step, got ${shown(lesson.steps)}`);
  const steps = lesson.steps.map((step, i) => checkStep(step, `lesson.steps[${i}]`));
  return { key, title: lesson.title, settings, compare, steps };
}

export const LESSONS = [...BUILT_IN_LESSONS, ...COMPARISON_LESSONS].map(checkLesson);

/** A lesson from JSON text (`where` says where the text came from, for the error message). */
export function parseLesson(text, where = 'the lesson') {
  let object;
  try {
    object = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not valid JSON: ${e.message}`);
  }
  try {
    return checkLesson(object);
  } catch (e) {
    throw new Error(`${where}: ${e.message}`);
  }
}

// Where a lesson comes from, as its address parameter: {lesson: key} | {lessonJson: text} | {lessonUrl: path}.
const SOURCES = ['lesson', 'lessonJson', 'lessonUrl'];

function builtIn(key) {
  const lesson = LESSONS.find((l) => l.key === key);
  if (!lesson) throw new Error(`no built-in lesson ${shown(key)} (there are ${LESSONS.map((l) => l.key).join(', ')})`);
  return lesson;
}

/** The lesson a source names, when it can be had at once (built in, or JSON in the address). */
function lessonNow(source) {
  if ('lesson' in source) return builtIn(source.lesson);
  return { ...parseLesson(source.lessonJson, 'the lesson in the address (lessonJson)'), source };
}

/** The view parameters of a hash: `source` (where the lesson comes from: the first of lesson,
 * lessonJson and lessonUrl in it, as {name: value}, or null); `lesson`, the lesson itself when it is at hand at once (a
 * built-in one, or valid JSON in the address; null otherwise: `loadLesson` gets the rest, and says
 * what is wrong); the settings or groups hidden or locked; autoplay; and the origins allowed to send
 * messages. Never throws. */
export function viewFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const list = (key) => new Set((params.get(key) ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const name = SOURCES.find((key) => params.get(key)); // an empty one (`lesson=`) names none
  const source = name ? { [name]: params.get(name) } : null;
  let lesson = null;
  try {
    if (source && !('lessonUrl' in source)) lesson = lessonNow(source);
  } catch {
    lesson = null; // loadLesson(view) rejects with the reason
  }
  return { source, lesson, hide: list('hide'), lock: list('lock'), autoplay: params.get('autoplay') === '1', embedder: list('embedder') };
}

/** The hash text for the view parameters ('' when there are none). The lesson is written as it came
 * (a built-in one by key, an instructor's by its JSON or its path); the view's `lesson` decides, so
 * that `{...view, lesson: other}` switches lessons. */
export function viewToHash(view) {
  const params = new URLSearchParams();
  const lesson = view.lesson;
  if (lesson?.source) params.set(...Object.entries(lesson.source)[0]);
  else if (lesson && LESSONS.includes(lesson)) params.set('lesson', lesson.key);
  else if (lesson) params.set('lessonJson', JSON.stringify({ key: lesson.key, title: lesson.title, settings: lesson.settings, ...(lesson.compare ? { compare: lesson.compare } : {}), steps: lesson.steps }));
  for (const key of ['hide', 'lock', 'embedder']) if (view[key]?.size) params.set(key, [...view[key]].join(','));
  if (view.autoplay) params.set('autoplay', '1');
  return params.toString();
}

/** The address of a lesson file, which must be on the page's own site (`base`, the page's address). */
function sameSiteUrl(path, base) {
  if (!base) throw new Error(`the lesson file ${path} needs the page's address to be found from`);
  let url;
  try {
    url = new URL(path, base);
  } catch {
    throw new Error(`the lesson file's address ${shown(path)} is not a valid address`);
  }
  const site = new URL(base).origin;
  if (url.origin !== site) throw new Error(`the lesson file must be on this site (${site}), not ${url.origin}: ${path}`);
  return url;
}

/** Resolves with the lesson the view's source names (null when it names none), fetching a
 * `lessonUrl` from the page's own site; rejects with an Error saying what is wrong: an unknown key,
 * bad JSON, a lesson of the wrong shape, a file not found, or an address on another site. */
export async function loadLesson(view, { fetch = globalThis.fetch, base = globalThis.location?.href } = {}) {
  const source = view.source;
  if (!source) return view.lesson ?? null;
  if (!('lessonUrl' in source)) return lessonNow(source);
  const path = source.lessonUrl;
  const url = sameSiteUrl(path, base);
  let response;
  try {
    response = await fetch(url.href);
  } catch (e) {
    throw new Error(`the lesson file ${path} could not be fetched: ${e.message}`);
  }
  if (!response.ok) throw new Error(`the lesson file ${path} could not be fetched: HTTP ${response.status}`);
  return { ...parseLesson(await response.text(), `the lesson file ${path}`), source };
}
