// The page's controller: starts the training worker, wires the controls and the URL hash, and hands
// each worker message to the view that draws it. No training happens on this thread.
import { defaults, fromHash, renderForm, toHash } from './settings.js';
import { LESSONS, viewFromHash, viewToHash } from './lessons.js';
import { installEmbedding } from './embedding.js';
import { LossChart } from './views/loss-chart.js';
import { ImageGrid } from './views/image-grid.js';
import { StageList } from './views/stages.js';
import { LatentScatter } from './views/latent-scatter.js';
import { installApi } from './api.js';
import { installUpload, upload } from './upload.js';
import { installExport } from './export.js';
import { installPanels } from './panels.js';
import { addDatasetOption } from './settings.js';

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const chart = new LossChart($('loss-chart'));
const grid = new ImageGrid($('reconstructions'));
const stages = new StageList($('stages'));
const preview = new ImageGrid($('upload-preview'), { size: 40 });
const scatter = new LatentScatter({ canvas: $('latent'), caption: $('latent-what'), legend: $('latent-legend'), table: $('latent-table'), tip: $('latent-tip') });

let view = viewFromHash(location.hash); // the lesson, and the controls hidden or locked
const baseOf = (v) => ({ ...defaults(), ...(v.lesson?.settings ?? {}) });
let state = fromHash(location.hash, baseOf(view));
let dataset = null;
const FRESH = { step: 0, epoch: 0, trainLoss: null, testLoss: null, testAccuracy: null, samplesPerSecond: null, phase: null, finished: false };
let latest = { ...FRESH };
let backend = { name: 'CPU', reason: 'looking for WebGPU…' };
let running = false;
let nextId = 1;
const waiting = new Map();

function send(message, transfer = []) {
  worker.postMessage(message, transfer);
}

/** Sends a message carrying an id; resolves when the worker answers with that id. */
function request(message, transfer) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ ...message, id }, transfer);
  });
}

let announceReady;
let refuseReady; // the worker could not start: `ready` rejects with why
const ready = new Promise((resolve, reject) => ([announceReady, refuseReady] = [resolve, reject]));

function showMessage(text) {
  $('message').hidden = !text;
  $('message').textContent = text ?? '';
}

function setRunning(on) {
  running = on;
  $('play').disabled = on;
  $('pause').disabled = !on;
}

function showReadout() {
  const fmt = (v, digits = 2) => (v == null ? '–' : v.toFixed(digits));
  const phase = latest.phase ? `${latest.phase.name} (${latest.phase.index + 1} of ${latest.phase.count})${latest.finished ? ', finished' : ''}` : '–';
  const rows = [
    ['Phase', phase],
    ['Step', latest.step],
    ['Epoch', latest.epoch],
    ['Train loss', fmt(latest.trainLoss)],
    ['Test loss', fmt(latest.testLoss)],
    ...(latest.testAccuracy == null ? [] : [['Test accuracy', `${(100 * latest.testAccuracy).toFixed(1)}%`]]),
    ['Samples/s', latest.samplesPerSecond == null ? '–' : Math.round(latest.samplesPerSecond)],
  ];
  $('readout').replaceChildren(...rows.flatMap(([k, v]) => [Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: v })]));
  announce(phase);
}

// Screen readers hear the metrics through a live region at a calm rate: at most every
// ANNOUNCE_EVERY_MS, and at once when a phase begins or training stops.
const ANNOUNCE_EVERY_MS = 10_000;
let announced = { at: -Infinity, phase: null, running: false };
function announce(phase) {
  const now = performance.now();
  const changed = phase !== announced.phase || running !== announced.running;
  if (!changed && now - announced.at < ANNOUNCE_EVERY_MS) return;
  announced = { at: now, phase, running };
  const loss = latest.testLoss == null ? '' : `, test loss ${latest.testLoss.toFixed(2)}`;
  $('announce').textContent = `${running ? 'Training' : 'Paused'}: ${phase}, step ${latest.step}${loss}.`;
}

const handlers = {
  ready({ dataset: info }) {
    dataset = info;
    scatter.setClassNames(info.classNames);
    chart.reset();
    latest = { ...FRESH };
    setRunning(false);
    saved.step = -1; // a new model: saved at its first report, so that a reload finds it, not the old one
    $('run-status').textContent = '';
  },
  metrics(m) {
    // Each phase (pretraining stage, fine-tuning) has its own loss series: their losses differ in kind.
    if (latest.phase && m.phase.index !== latest.phase.index) chart.reset();
    latest = { ...latest, ...m, testLoss: m.testLoss ?? latest.testLoss, testAccuracy: m.testAccuracy ?? latest.testAccuracy };
    if (m.finished) setRunning(false);
    chart.update(m);
    stages.update(latest);
    showReadout();
    announceReady();
    saveSoon(m.step);
  },
  reconstructions({ count, pixels, corrupted }) {
    // Stage 1 and the deep net reconstruct images; a later stage reconstructs the code below it,
    // drawn as a near-square tile.
    const size = pixels.length / (2 * count);
    let [width, height, channels] = [dataset.width, dataset.height, dataset.channels];
    const own = size === width * height * channels;
    if (!own) [width, height, channels] = [Math.ceil(Math.sqrt(size)), Math.ceil(size / Math.ceil(Math.sqrt(size))), 1];
    const image = (values, i) => {
      const tile = new Float32Array(width * height * channels);
      tile.set(values.subarray(i * size, (i + 1) * size));
      return tile;
    };
    const row = (values, first) => Array.from({ length: count }, (_, i) => image(values, first + i));
    // With noise on: the clean inputs, the same corrupted as in training, and what the net makes of those.
    const noisy = corrupted?.length > 0;
    grid.update(noisy ? [row(pixels, 0), row(corrupted, 0), row(corrupted, count)] : [row(pixels, 0), row(pixels, count)], width, height, channels);
    $('recon-middle').textContent = noisy ? ' Middle row: the same, corrupted as in training.' : '';
    $('recon-bottom').textContent = noisy ? 'the corrupted ones, which it learns to undo' : 'them';
    if (latest.phase) stages.setReconstruction(latest.phase.index, $('reconstructions'));
    // For the page-load benchmark (scripts/bench.mjs): when reconstructions first appear.
    if (!performance.getEntriesByName('first-reconstruction').length) performance.mark('first-reconstruction');
    const what = dataset.height > 1 ? 'test images' : `test samples (${size} values each, drawn as grey levels)`;
    $('recon-what').textContent = own ? what : `codes of the stage below (${size} units)`;
  },
  latent(message) {
    scatter.update(message);
  },
  phaseLosses({ index, losses }) {
    stages.setLosses(index, losses);
  },
  latentImages({ images, count }) {
    const { width, height, channels } = dataset;
    scatter.setImages(images, count, width, height, channels);
    // The data's preview (under "Your data"): its first test samples as the engine sees them.
    const size = width * height * channels;
    preview.update([Array.from({ length: Math.min(8, count) }, (_, i) => images.subarray(i * size, (i + 1) * size))], width, height, channels);
  },
  backend({ name, reason }) {
    backend = { name, reason };
    $('backend').textContent = `Backend: ${name} — ${reason}`;
  },
  answer({ id, value }) {
    waiting.get(id)?.resolve(value);
    waiting.delete(id);
  },
  error({ message, id }) {
    setRunning(false);
    showMessage(message);
    if (waiting.has(id)) waiting.get(id).reject(new Error(message));
    waiting.delete(id);
  },
};

const panels = installPanels({ request }, () => dataset);
worker.onmessage = ({ data }) => {
  handlers[data.type]?.(data);
  panels[data.type]?.(data);
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
let saved = { step: 0, at: performance.now(), busy: false };
function saveSoon(step) {
  if (saved.busy || step === saved.step || (running && performance.now() - saved.at < SAVE_EVERY_MS)) return;
  saved = { step, at: performance.now(), busy: true };
  request({ type: 'save', hash: location.hash, chart: chart.data, step })
    .catch((e) => console.warn(`the run was not saved: ${e.message}`))
    .finally(() => {
      saved.busy = false;
      if (!running) saveSoon(latest.step); // steps taken while it was saving
    });
}
document.addEventListener('visibilitychange', () => document.hidden && saveSoon(latest.step));

/** Settings the worker chose (importing a model file brings its own): shown, kept in the hash. */
function adopt(settings) {
  state = settings;
  history.replaceState(null, '', toHash(state, baseOf(view), viewToHash(view)) || location.pathname);
  renderForm($('settings'), state, (s) => reset(s).catch(() => {}), view);
}

/** The lesson's title and text, and the lesson chooser, as the view says. */
function showLesson() {
  $('lesson').hidden = !view.lesson;
  $('lesson-title').textContent = view.lesson?.title ?? '';
  $('lesson-text').textContent = view.lesson?.text ?? '';
  $('lesson-select').value = view.lesson?.key ?? '';
}

/** Rebuilds the model with some settings changed; resolves once it is ready. If the settings are
 * refused, the old model and its settings stay (the form shows them again) and it rejects with why. */
function reset(changes = {}) {
  const next = { ...state, ...changes };
  showMessage(null);
  return request({ type: 'reset', settings: next }).then(
    () => adopt(next),
    (e) => {
      adopt(state);
      throw e;
    },
  );
}

const controller = {
  ready,
  request,
  reset,
  get state() {
    return state;
  },
  play() {
    setRunning(true);
    send({ type: 'play' });
  },
  pause() {
    setRunning(false);
    send({ type: 'pause' });
  },
  metrics: () => ({ ...latest, backend: backend.name, backendReason: backend.reason, running }),
  lossSeries: () => structuredClone(chart.data),
};

$('play').onclick = () => controller.play();
$('pause').onclick = () => controller.pause();
$('step').onclick = () => {
  setRunning(false);
  request({ type: 'train', steps: 1 }).catch(() => {});
};
$('reset').onclick = () => reset().catch(() => {});
window.addEventListener('hashchange', () => {
  view = viewFromHash(location.hash);
  showLesson();
  reset(fromHash(location.hash, baseOf(view))).catch(() => {});
});

$('lesson-select').append(...LESSONS.map((l) => new Option(l.title, l.key)));
$('lesson-select').onchange = (e) => {
  // A lesson starts from its own settings; what the author hid or locked stays so.
  location.hash = viewToHash({ ...view, lesson: LESSONS.find((l) => l.key === e.target.value) ?? null });
};
showLesson();
renderForm($('settings'), state, (s) => reset(s).catch(() => {}), view);
installEmbedding(controller, view, async (lesson) => {
  view = { ...view, lesson };
  showLesson();
  await reset(baseOf(view));
  return structuredClone(state);
});
if (view.autoplay) ready.then(() => controller.play());
controller.upload = (files, options) => upload(controller, files, options);
controller.exportWeights = () => request({ type: 'exportWeights' });
controller.exportCodes = () => request({ type: 'exportCodes' });
controller.reconstruct = async (indices) => {
  const values = await request({ type: 'reconstruct', indices: [...indices] });
  const half = values.length / 2;
  return { inputs: values.subarray(0, half), outputs: values.subarray(half), width: half / indices.length };
};
controller.importWeights = async (bytes) => {
  showMessage(null);
  const settings = await request({ type: 'importWeights', bytes, settings: state });
  adopt(settings);
  return settings;
};
installExport(controller, showMessage);
installUpload(controller, showMessage);
installApi(controller);
request({ type: 'init', settings: state, resume: location.hash }).then((resumed) => {
  if (!resumed) return;
  // A reload at the same address: the saved run came back, its settings and curves with it.
  if (resumed.settings.dataset.startsWith('upload:')) addDatasetOption(resumed.settings.dataset);
  adopt(resumed.settings);
  chart.restore(resumed.chart);
  saved = { step: resumed.step, at: performance.now(), busy: false };
  $('run-status').textContent = `Resumed the run saved at ${new Date(resumed.savedAt).toLocaleTimeString()} (step ${resumed.step}); Reset starts afresh.`;
}, refuseReady);
