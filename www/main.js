// The page's controller: starts the training worker, keeps the page's state in one store, and hands
// each worker message (declared in protocol.js) to the store; views subscribe to it. No training
// happens on this thread.
import { defaults, fromHash, renderForm, toHash, addDatasetOption, SETTINGS, checkSettings } from './settings.js';
import { LESSONS, viewFromHash, viewToHash, loadLesson as readLesson } from './lessons/lessons.js';
import { installEmbedding } from './embedding.js';
import { createStore } from './store.js';
import { Player } from './player.js';
import { FROM_WORKER, checkMessage } from './protocol.js';
import { installViews } from './views/index.js';
import { later, revealWhenNear } from './views/pacing.js';
import { installApi } from './api.js';
import { installUpload, upload } from './data/upload.js';
import { installExport } from './data/export.js';
import { installPanels } from './panels/panels.js';
import { installSegmentPanel } from './panels/segment.js';
import { installExplore } from './views/explore.js';
import { COMPARED, compareFromHash, compareParam, installCompare } from './compare.js';
import { made } from './views/guard.js';

const $ = (id) => document.getElementById(id);
// Inside a course page the page is a box of its own (about 800 × 700): the course says what it is.
document.documentElement.classList.toggle('embedded', window.parent !== window);
const worker = new Worker(new URL('./worker/worker.js', import.meta.url), { type: 'module' });
const FRESH = { step: 0, epoch: 0, trainLoss: null, testLoss: null, testAccuracy: null, samplesPerSecond: null, phase: null, finished: false };

/** The settings of the address over `base`, and B's changes in it: values no setting takes are left
 * out, and the page says which and why (once, for both). */
const leftOut = [];
let sayLater = false;
const addressed = (hash, base) => said(fromHash(hash, base, leftOut));
const comparedInAddress = (hash, v) => said(compareFromHash(hash, v, leftOut));
function said(value) {
  if (leftOut.length && !sayLater) {
    sayLater = true;
    setTimeout(() => {
      sayLater = false;
      if (leftOut.length) showMessage(`Left out of the address: ${leftOut.splice(0).join('; ')}.`);
    });
  }
  return value;
}

let view = viewFromHash(location.hash); // the lesson, and the controls hidden or locked
const baseOf = (v) => ({ ...defaults(), ...(v.lesson?.settings ?? {}) });
const store = createStore({
  settings: addressed(location.hash, baseOf(view)),
  view,
  dataset: null,
  metrics: { ...FRESH },
  running: false,
  backend: { name: 'CPU', reason: 'looking for WebGPU…' },
  network: null, // the worker's last `network` message
  selected: 0, // the test sample the diagram shows
  selectedCard: 'enc0',
  images: null, // the first test samples as images
  latent: null,
  panels: { filters: null, code: null },
  lessonStep: 0,
  answers: {},
  fewLabels: null,
  segmentation: null, // the latest map's scores: {accuracy, rawAccuracy, pcaAccuracy}
  compare: comparedInAddress(location.hash, view), // the settings B changes from A's, or null
  partner: null, // B as last reported: {changes, settings, metrics, network, …}
  diagram: 'a', // which model the diagram shows while comparing
  hover: null, // the code under the pointer on the latent plane, and its decoding
  drawn: null, // the drawn digit: its pixels, code and output
  neighbours: [],
});

let nextId = 1;
const waiting = new Map();
const send = (message, transfer = []) => worker.postMessage(message, transfer);
/** Sends a message carrying an id; resolves when the worker answers with that id. A `quiet` request's
 * refusal is left to its caller to show. */
function request(message, transfer, { quiet = false } = {}) {
  const id = nextId++;
  const answered = new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject, quiet });
    send({ ...message, id }, transfer);
  });
  // A few-labels measurement also goes to the store: a lesson's goal may ask for an accuracy.
  if (message.type === 'fewLabels') answered.then((value) => store.set({ fewLabels: value }), () => {});
  return answered;
}

let announceReady;
let refuseReady; // the worker could not start: `ready` rejects with why
const ready = new Promise((resolve, reject) => ([announceReady, refuseReady] = [resolve, reject]));

function showMessage(text) {
  $('message').hidden = !text;
  $('message').textContent = text ?? '';
}

/** Settings the worker accepted (an imported model file brings its own): kept, shown, in the hash. */
function adopt(settings) {
  store.set({ settings });
  // A lesson file not read yet stays named in the address.
  const prefix = new URLSearchParams(viewToHash(view));
  if (view.source && !view.lesson) for (const [key, value] of Object.entries(view.source)) prefix.set(key, value);
  const b = compareParam(store.get().compare, view);
  if (b !== null) prefix.set('b', b);
  history.replaceState(null, '', toHash(settings, baseOf(view), prefix.toString()) || location.pathname);
  // The drawer's form: now when it is open, else when the page is idle or the drawer opens.
  form.stale = true;
  if ($('drawer').hidden) later(showForm);
  else showForm();
}

const form = { stale: true };
/** Draws the drawer's form with the settings in force, unless it shows them already. */
function showForm() {
  if (!form.stale) return;
  form.stale = false;
  renderForm($('settings'), store.get().settings, (s) => reset(s).catch(() => {}), view);
}

/** Rebuilds the model with some settings changed; resolves once it is ready. If the settings are
 * refused, the old model and its settings stay and it rejects with why. */
function reset(changes = {}) {
  const before = store.get().settings;
  const next = { ...before, ...changes };
  showMessage(null);
  try {
    checkSettings(next);
  } catch (e) {
    showMessage(e.message);
    return Promise.reject(e);
  }
  return request({ type: 'reset', settings: next, compare: store.get().compare }).then(
    () => adopt(next),
    (e) => {
      adopt(before);
      throw e;
    },
  );
}

const player = new Player(store, { send, request }, () => reset());
player.bind({ play: $('play'), pause: $('pause'), step: $('step'), reset: $('reset') });
/** Shows test sample `index` in the diagram. One chosen by pointing (`quiet`) is refused silently,
 * and while one is on its way only the latest pointed at waits its turn. */
const pointed = { busy: false, next: null };
function select(index, quiet = false) {
  if (!quiet) return request({ type: 'select', index }).then(() => store.set({ selected: index }));
  if (pointed.busy) {
    pointed.next = index;
    return Promise.resolve();
  }
  pointed.busy = true;
  return request({ type: 'select', index }, [], { quiet: true })
    .then(() => store.set({ selected: index }), () => {})
    .finally(() => {
      const next = pointed.next;
      Object.assign(pointed, { busy: false, next: null });
      if (next !== null && next !== index) select(next, true);
    });
}
const views = installViews(store, { reset, select });
document.documentElement.classList.add('started'); // the diagram is in place: the rest may show (style.css)
// The panels below the first screen are made when the page is idle; the worker's messages for them
// wait until then and are drawn in order, a task each (those that come meanwhile join the queue).
const PANEL_MESSAGES = new Set(['ready', 'filters', 'code', 'generated', 'pca', 'sweep']);
const panels = { handlers: null, waiting: [] };
revealWhenNear(document.querySelectorAll('.panel.unseen'));
later(() => {
  const handlers = made(document.querySelector('.more'), () => installPanels({ request }, () => store.get().dataset)) ?? {};
  const drain = () => {
    const m = panels.waiting.shift();
    if (m) handlers[m.type]?.(m);
    if (panels.waiting.length) later(drain);
    else panels.handlers = handlers;
  };
  drain();
});
// Its controller is filled in below (play, and a dataset to train on).
const segmentation = made($('segment-panel'), () => installSegmentPanel({ request, store, play: () => player.play(), useDataset: (key) => (addDatasetOption(key), reset({ dataset: key })) }, showMessage));

/** Figures `keys` of report `m`, those it lacks carried from `latest` while the phase is the same: a
 * report with nothing new (a pause right after one) keeps the last figures of its phase. */
function carried(latest, m, keys) {
  const same = latest.phase?.index === m.phase.index;
  return Object.fromEntries(keys.map((key) => [key, m[key] ?? (same ? latest[key] : null)]));
}

/** How each worker message changes the page. */
const handlers = {
  ready({ dataset, settings, compare }) {
    // B, when comparing (a model imported from a file comes alone: the comparison ends).
    store.set({ partner: compare && { ...compare, metrics: { ...FRESH } }, compare: compare?.changes ?? null, diagram: compare ? store.get().diagram : 'a' });
    if (settings.dataset.startsWith('upload:') || settings.dataset.startsWith('segment:')) addDatasetOption(settings.dataset);
    segmentation.ready({ settings });
    adopt(settings); // the new model's, in force before anything of it is drawn
    views.newModel(dataset);
    store.set({ dataset, metrics: { ...FRESH }, running: false, network: null, latent: null, hover: null, drawn: null, neighbours: [], fewLabels: null, selected: Math.min(store.get().selected, dataset.nTest - 1) });
    saved.step = -1; // a new model: saved at its first report, so that a reload finds it, not the old one
    $('run-status').textContent = '';
  },
  metrics(m) {
    const latest = store.get().metrics;
    // (what compare mode measures besides is kept, like the test loss, between test measurements)
    const keys = ['testLoss', 'testAccuracy', 'trainLoss', 'samplesPerSecond', ...(store.get().partner ? COMPARED : [])];
    const metrics = { ...latest, ...m, ...carried(latest, m, keys) };
    // (in compare mode training is over when both are: B may train on after A has finished)
    store.set({ metrics, running: m.over ? false : store.get().running });
    views.metrics(m, latest);
    segmentation.metrics();
    announceReady();
    saveSoon(m.step);
  },
  reconstructions: (m) => views.reconstructions(m),
  dreams: (m) => views.dreams(m),
  network: (m) => store.set(m.model === 'b' ? { partner: { ...store.get().partner, network: m } } : { network: m }),
  compared(m) {
    const { partner } = store.get();
    if (!partner) return;
    const metrics = { ...m.metrics, ...carried(partner.metrics, m.metrics, ['testLoss', 'testAccuracy', ...COMPARED]) };
    store.set({ partner: { ...partner, metrics, network: m.network, latent: m.latent, pixels: m.pixels, corrupted: m.corrupted } });
    views.compared(m.metrics);
  },
  latent: (m) => store.set({ latent: m }),
  phaseLosses: (m) => views.phaseLosses(m),
  latentImages: ({ images, count }) => store.set({ images: { images, count } }),
  backend: ({ name, reason, threads }) => store.set({ backend: { name, reason, threads } }),
  status: ({ text }) => ($('run-status').textContent = text),
  filters: (m) => store.set({ panels: { ...store.get().panels, filters: m } }),
  code: (m) => store.set({ panels: { ...store.get().panels, code: m } }),
  answer({ id, value }) {
    waiting.get(id)?.resolve(value);
    waiting.delete(id);
  },
  error({ message, id, running }) {
    store.set({ running: Boolean(running) && store.get().running });
    // A request made by pointing (decoding under the pointer, say) fails quietly: its caller decides.
    if (!waiting.get(id)?.quiet) showMessage(message);
    waiting.get(id)?.reject(new Error(message));
    waiting.delete(id);
  },
};

worker.onmessage = ({ data }) => {
  try {
    checkMessage(FROM_WORKER, data);
  } catch (e) {
    showMessage(`The training worker sent a message the page does not know: ${e.message}`);
    return;
  }
  handlers[data.type]?.(data);
  if (panels.handlers) panels.handlers[data.type]?.(data);
  else if (PANEL_MESSAGES.has(data.type)) panels.waiting.push(data);
};
worker.onerror = (e) => {
  const error = new Error(`The training worker failed: ${e.message}`);
  showMessage(error.message);
  refuseReady(error);
  for (const { reject } of waiting.values()) reject(error);
  waiting.clear();
};

// The run is saved (in the worker, to IndexedDB) when it stops with new steps, and every
// SAVE_EVERY_MS while it trains, so that a reload resumes it.
const SAVE_EVERY_MS = 10_000;
const NOT_SAVED = 'The run could not be saved'; // said until a save succeeds
let saved = { step: 0, at: performance.now(), busy: false };
function saveSoon(step) {
  const { running } = store.get();
  if (saved.busy || step === saved.step || (running && performance.now() - saved.at < SAVE_EVERY_MS)) return;
  saved = { step, at: performance.now(), busy: true };
  request({ type: 'save', hash: location.hash, chart: views.chartData(), step }, [], { quiet: true })
    .then(
      () => $('run-status').textContent.startsWith(NOT_SAVED) && ($('run-status').textContent = ''),
      (e) => ($('run-status').textContent = `${NOT_SAVED}: ${e.message}. A reload here starts afresh.`),
    )
    .finally(() => {
      saved.busy = false;
      if (!store.get().running) saveSoon(store.get().metrics.step); // steps taken while it was saving
    });
}
document.addEventListener('visibilitychange', () => document.hidden && saveSoon(store.get().metrics.step));
// The first touch, click or key: training may follow, so the whole of a dataset the page opened on a
// slice of starts to come (www/worker/data.js). A page only looked at never downloads it.
for (const type of ['pointerdown', 'keydown']) addEventListener(type, () => send({ type: 'prefetch' }), { once: true, capture: true });

/** A new lesson (or none): its settings, its first step. */
async function loadLesson(lesson) {
  view = { ...view, lesson };
  store.set({ view, lessonStep: 0, answers: {}, compare: lesson?.compare ?? null });
  await reset(baseOf(view));
  return structuredClone(store.get().settings);
}

/** The view of the address; a lesson in a file (`lessonUrl=`) is fetched first, and one that cannot be
 * read says why, leaving free play. */
async function viewOfAddress() {
  const next = viewFromHash(location.hash);
  if (next.lesson || !next.source) return next;
  try {
    return { ...next, lesson: await readLesson(next) };
  } catch (e) {
    showMessage(`The lesson could not be opened: ${e.message}`);
    return next;
  }
}

window.addEventListener('hashchange', async () => {
  view = await viewOfAddress();
  store.set({ view, lessonStep: 0, answers: {}, compare: comparedInAddress(location.hash, view) });
  reset(addressed(location.hash, baseOf(view))).catch(() => {});
});
$('lesson-select').append(...LESSONS.map((l) => new Option(l.title, l.key)));
store.subscribe(({ view: v }, changed) => changed.has('view') && ($('lesson-select').value = v.lesson?.key ?? ''));
$('lesson-select').onchange = (e) => {
  // A lesson starts from its own settings; what the author hid or locked stays so. The view changes
  // here, at once, so that the answer to an earlier reset still on its way writes the new lesson's
  // address, not the old one's (setting location.hash and waiting for hashchange raced with it).
  const lesson = LESSONS.find((l) => l.key === e.target.value) ?? null;
  const hash = viewToHash({ ...view, lesson });
  history.pushState(null, '', `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`);
  loadLesson(lesson).catch(() => {});
};
const datasets = SETTINGS.find((s) => s.key === 'dataset');
// The data column's chooser and "Your data…" follow the lesson's hide and lock of the dataset.
store.subscribe(({ settings, view: v }, changed) => {
  if (!changed.has('settings') && !changed.has('view')) return;
  $('dataset-pick').replaceChildren(...datasets.options.map((o) => new Option(o, o)));
  $('dataset-pick').value = settings.dataset;
  const named = (set) => set.has('dataset') || set.has('Data');
  $('dataset-pick').disabled = named(v.lock) || named(v.hide);
  $('upload-open').hidden = named(v.lock) || named(v.hide);
});
$('dataset-pick').onchange = (e) => reset({ dataset: e.target.value }).catch(() => {});
// The drawer's form, closed at first, is drawn after the first screen (and again by adopt()).
later(showForm);
new MutationObserver(() => $('drawer').hidden || showForm()).observe($('drawer'), { attributeFilter: ['hidden'] }); // however it opens

const controller = {
  ready,
  request,
  reset,
  store,
  select,
  get state() {
    return store.get().settings;
  },
  play: () => player.play(),
  pause: () => player.pause(),
  metrics: () => {
    const { metrics, backend, running, partner } = store.get();
    return { ...metrics, backend: backend.name, backendReason: backend.reason, threads: backend.threads ?? null, running, b: partner ? { ...partner.metrics } : null };
  },
  lossSeries: () => structuredClone(views.chartData()),
};
installEmbedding(controller, view, loadLesson);
if (view.autoplay) ready.then(() => controller.play());
controller.upload = (files, options) => upload(controller, files, options);
controller.exportWeights = () => request({ type: 'exportWeights' });
controller.exportPyTorch = () => request({ type: 'exportPyTorch' });
controller.loadSegmentation = (options) => segmentation.load(options ?? {});
controller.segment = (scribbles, window, fineTune) => segmentation.segment(scribbles, window, fineTune);
controller.exportCodes = () => request({ type: 'exportCodes' });
Object.assign(controller, made($('compare-start'), () => installCompare({ store, request, reset, adopt, showMessage })));
controller.reconstruct = async (indices) => {
  const values = await request({ type: 'reconstruct', indices: [...indices] });
  const half = values.length / 2;
  return { inputs: values.subarray(0, half), outputs: values.subarray(half), width: half / indices.length };
};
controller.importWeights = async (bytes) => {
  showMessage(null);
  const settings = await request({ type: 'importWeights', bytes, settings: store.get().settings });
  adopt(settings);
  return settings;
};
made($('export-weights').parentElement, () => installExport(controller, showMessage));
made($('drop'), () => installUpload(controller, showMessage));
made($('explore'), () => installExplore({ scatter: views.scatter, request: (message) => request(message, [], { quiet: true }), store, select: (i) => select(i, true) }));
installApi(controller);
// From here on the page shows its own errors; until now www/boot.js stood guard.
document.documentElement.classList.add('wired');
if (/[#&]dataset=segment(:|%3A)/i.test(location.hash)) showMessage('A segmentation’s image is not kept across a reload: load it again in the Segmentation panel.');
request({ type: 'init', settings: store.get().settings, resume: location.hash, compare: store.get().compare }).then(async (resumed) => {
  // A lesson from a file (or a bad one in the address) is read now; a fresh run starts from its settings.
  const fetched = view.source && !view.lesson;
  if (fetched) {
    view = await viewOfAddress();
    store.set({ view, compare: comparedInAddress(location.hash, view) });
  }
  // A run saved at this address came back alone: a lesson file that starts a comparison starts afresh.
  if (!resumed || (fetched && store.get().compare)) {
    if (fetched && view.lesson) await reset(addressed(location.hash, baseOf(view))).catch(() => {});
    return;
  }
  // A reload at the same address: the saved run came back, its settings and curves with it.
  if (resumed.settings.dataset.startsWith('upload:')) addDatasetOption(resumed.settings.dataset);
  adopt(resumed.settings);
  views.restoreChart(resumed.chart);
  saved = { step: resumed.step, at: performance.now(), busy: false };
  $('run-status').textContent = `Resumed the run saved at ${new Date(resumed.savedAt).toLocaleTimeString()} (step ${resumed.step}); Reset starts afresh.`;
}, refuseReady);
