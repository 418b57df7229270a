// The training worker: owns the wasm engine, trains in slices of about 30 ms so that pause and step
// messages are answered promptly, and posts metrics and reconstructions a few times a second. It finds
// the WebGPU device and passes the engine setting on; the engine decides where steps run, and moves
// to the CPU by itself when the GPU is lost (its `backend()` says so, and the worker posts it).
// In compare mode a second model, B (compare.js), trains beside A in lockstep.
// Its state is in state.js, one object per owner. Its messages, both ways, are declared in ../protocol.js; a type not declared there is answered with an error.
import { Gpu, Playground, digitsScene, load, modelFileSettings, mosaicScene, segmentationData, useThreads } from './engine.js';
import { linearSweep, reportPanels, wanted } from './panels.js';
import { loadRun, saveRun, storageGivenUp } from './saved-run.js';
import { dropFirst, keepSegmentation, keepUpload, loadDataset, loadFirst, readUpload, uploadOf } from './data.js';
import { networkMessage } from './network.js';
import { Partner, extraFigures, partnerSettings } from './compare.js';
import { checkArguments, TO_WORKER, checkMessage } from '../protocol.js';
import { device, diagram, models, pendingSince, reports, saving, training } from './state.js';

const SLICE_MS = 30;
const POST_EVERY_MS = 200;
const TEST_LOSS_EVERY_MS = 500;
// Reports and test losses wait at least this many times as long as the last one took, so that they
// keep to a small share of the time where a model's forward pass is dear (a convolutional one on
// MNIST: about a second for the test set in the page).
const REPORT_SPACING = 4;
const SHOWN = 8; // test samples above their reconstructions (fewer if the test set is smaller)
const DREAMS = 16; // an RBM stage's dream chains
const DREAM_STEPS = 10; // the Gibbs steps they run on at each report
const LATENT_POINTS = 500; // test samples in the latent scatter
const PHASE_POINTS = 300; // points in a finished phase's own loss curve

const TRAIN_TERMS_ROWS = 500; // training rows the loss terms are measured on

const post = (message, transfer) => self.postMessage(message, transfer ?? []);
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
const answer = (id, value) => post({ type: 'answer', value, id });

/** Runs `task` once the tasks asked for before it are done (first come, first served). */
const exclusive = (() => {
  let last = Promise.resolve(); // the last task holding the model
  return (task) => {
    const run = last.then(task);
    last = run.catch(() => {});
    return run;
  };
})();

/** Whether training is over: A's, and B's when comparing. */
const allFinished = () => models.playground.finished && (!models.partner || models.partner.finished);

/** Posts the engine in use and why, when it changed. */
function postBackend() {
  const backend = { ...models.playground.backend(), threads: device.threads?.text ?? '' };
  const key = JSON.stringify(backend);
  if (key !== reports.backendSent) post({ type: 'backend', ...backend });
  reports.backendSent = key;
}

/** Model A for `settings` on `data` (from a saved `run`, or new and then `prepare(model)`, e.g.
 * importing weights) and with `compare` (settings changed for B) B beside it: {playground, partner}.
 * Throws, keeping nothing, on bad settings or if `prepare` throws. */
async function makeModels(settings, data, { prepare, run, compare } = {}) {
  const { dataset, engine, threads, ...config } = settings;
  const playground = run ? Playground.restoreRun(data, run) : new Playground(config, data);
  // A device that failed (lost, or an error) is replaced for the new model.
  if (device.gpu?.adapter && device.gpu.failure) await findGpu();
  try {
    prepare?.(playground);
    playground.useEngine(engine ?? 'auto', device.gpu); // refuses an engine setting it does not know
    const partner = compare ? new Partner(partnerSettings(settings, compare), compare, data, device.gpu) : null;
    return { playground, partner };
  } catch (e) {
    playground.free();
    throw e;
  }
}

/** Builds a new model (then `prepare(model)`, e.g. importing weights), or restores a saved `run`,
 * and with `compare` (settings changed for B) B beside it; on bad settings, or if `prepare` throws,
 * the old models stay and the error is reported. */
async function build(settings, prepare, run, compare = null) {
  const { dataset } = settings;
  // A new model starts on what the first screen needs (see data.js); one that brings its weights (a
  // saved run, an import), a classifier (its labels per class) or a large validation share (the rows
  // the loss terms are measured on) starts on the whole dataset.
  const needsWhole = (s) => s.classifierEpochs > 0 || s.validation > 0.5;
  const whole = run || prepare || needsWhole(settings) || (compare && needsWhole({ ...settings, ...compare }));
  const first = whole ? { data: await loadDataset(dataset), wholeToCome: null } : await loadFirst(dataset);
  const made = await makeModels(settings, first.data, { prepare, run, compare });
  device.threads = useThreads(settings.threads);
  models.playground?.free();
  models.partner?.free();
  Object.assign(models, made);
  models.batchSize = models.playground.config().batchSize;
  training.running = false;
  reports.pending = pendingSince(performance.now());
  models.wholeToCome = first.wholeToCome;
  models.info = { ...models.playground.dataset(), ...first.wholeToCome }; // the whole dataset's size, as the page shows it
  models.datasetKey = dataset;
  models.settings = settings;
  reports.phasesSent = 0;
  diagram.selected = Math.min(diagram.selected, models.info.nTest - 1);
  post({ type: 'ready', dataset: models.info, settings, compare: models.partner && { changes: models.partner.changes, settings: models.partner.settings } });
  // The latent scatter's points as images, for its hover thumbnails (sent once per model).
  const count = Math.min(LATENT_POINTS, models.info.nTest);
  const firstTest = models.playground.dataset().nTrain; // the model's own rows: a first slice has fewer
  const images = models.playground.rows(Uint32Array.from({ length: count }, (_, i) => firstTest + i));
  post({ type: 'latentImages', images, count }, [images.buffer]);
  reports.backendSent = '';
  await report(true);
}

/** Moves the models built on a first slice onto the whole dataset before they first train. Nothing
 * has changed them (a model that brings its weights is built on the whole), so they are built again
 * from their settings: the same models, on every row. */
async function ensureWhole() {
  if (!models.wholeToCome) return;
  if (models.playground.step > 0) throw new Error('a model trained on a first slice of its data (a bug: training starts on the whole)');
  post({ type: 'status', text: `Loading the whole of ${models.info.name} to train on…` });
  try {
    const data = await loadDataset(models.datasetKey);
    const made = await makeModels(models.settings, data, { compare: models.partner?.changes });
    models.playground.free();
    models.partner?.free();
    Object.assign(models, made, { wholeToCome: null });
    dropFirst(models.datasetKey);
  } finally {
    post({ type: 'status', text: '' });
  }
}

/** The objective split into its terms: the loss proper (reconstruction, or the classifier's
 * cross-entropy) and each penalty, per sample. */
function terms(e) {
  const penalties = { vaeKl: e.vaeKl, l1: e.l1, klSparsity: e.klSparsity, contractive: e.contractive };
  return { loss: e.loss - Object.values(penalties).reduce((a, b) => a + b, 0), ...penalties };
}

async function report(withTestLoss) {
  await models.playground.sync();
  postBackend();
  const now = performance.now();
  const seconds = (now - reports.pending.since) / 1000;
  const metrics = {
    type: 'metrics',
    step: models.playground.step,
    epoch: models.playground.epoch,
    phase: models.playground.phase(),
    finished: models.playground.finished,
    over: allFinished(), // A's training, and B's when comparing
    trainLoss: reports.pending.read ? reports.pending.loss / reports.pending.read : null,
    learningRate: models.playground.learningRate,
    samplesPerSecond: reports.pending.steps && seconds > 0 ? (reports.pending.steps * models.batchSize) / seconds : null,
  };
  let evaluation = null;
  const withTest = withTestLoss || now - reports.lastTestLoss >= Math.max(TEST_LOSS_EVERY_MS, REPORT_SPACING * reports.testCost);
  if (withTest) {
    const measuring = performance.now();
    evaluation = models.playground.evaluate();
    metrics.testLoss = evaluation.loss;
    if (models.partner) Object.assign(metrics, extraFigures(models.playground, evaluation));
    metrics.terms = { test: terms(evaluation), train: terms(models.playground.evaluateTrain(TRAIN_TERMS_ROWS)) };
    if (evaluation.accuracy != null) metrics.testAccuracy = evaluation.accuracy;
    reports.lastTestLoss = now;
    reports.testCost = performance.now() - measuring;
  }
  post(metrics);
  // A phase's own loss curve goes to the page once the phase is done (the last one when training finishes).
  for (const done = metrics.phase.index + (metrics.finished ? 1 : 0); reports.phasesSent < done; reports.phasesSent++) {
    const losses = models.playground.phaseLosses(reports.phasesSent, PHASE_POINTS);
    post({ type: 'phaseLosses', index: reports.phasesSent, losses }, [losses.buffer]);
  }
  const shown = Math.min(SHOWN, models.info.nTest);
  const indices = Uint32Array.from({ length: shown }, (_, i) => i);
  const pixels = models.playground.reconstruct(indices);
  const corrupted = models.playground.corrupted(indices); // empty without noise
  post({ type: 'reconstructions', count: shown, pixels, corrupted, gibbs: metrics.phase.rbm }, [pixels.buffer, corrupted.buffer]);
  // An RBM stage's dreams (A's, or else B's in compare mode): its chains run a few Gibbs steps
  // further each report.
  const b = models.partner?.model;
  const dreamer = metrics.phase.rbm ? 'A' : b?.phase().rbm ? 'B' : null;
  const dreams = dreamer && (dreamer === 'A' ? models.playground : b).dream(DREAMS, DREAM_STEPS);
  if (dreams) post({ type: 'dreams', count: DREAMS, model: models.partner ? dreamer : '', ...dreams }, [dreams.pixels.buffer]);
  else if (reports.dreaming) post({ type: 'dreams', count: 0 });
  reports.dreaming = Boolean(dreams);
  const latent = models.playground.latent(LATENT_POINTS);
  const compared = models.partner && (await models.partner.report(withTest, indices, latent, diagram.selected));
  post({ type: 'latent', ...latent }, [latent.points.buffer, latent.labels.buffer]);
  post(networkMessage(models.playground, diagram.selected));
  if (compared) post(compared, [compared.pixels.buffer, compared.corrupted.buffer, compared.latent.points.buffer]);
  reportPanels(post, models.playground, models.info, evaluation);
  reports.pending = pendingSince(now);
  reports.lastPost = now;
  reports.cost = performance.now() - now;
}

/** Trains up to `limit` steps in one time slice, sizing slices to about SLICE_MS. A phase change
 * (pretraining stage → next stage → fine-tuning) ends the slice so that its metrics stay apart. */
async function trainSlice(limit) {
  const steps = Math.max(1, Math.min(limit, reports.stepsPerSlice));
  const phase = models.playground.phaseIndex;
  const start = performance.now();
  let done = 0;
  while (done < steps && !models.playground.finished && models.playground.phaseIndex === phase) {
    const trained = await models.playground.train(steps - done); // ends early at a phase change
    if (trained.loss !== null) {
      reports.pending.loss += trained.loss * trained.read;
      reports.pending.read += trained.read;
    }
    done += trained.steps;
    postBackend(); // the GPU may have been lost
    if (!trained.steps) break;
  }
  // B takes as many steps as A did, through its own phases; once A has finished, the slice's steps.
  let taken = done;
  if (models.partner && done) await models.partner.train(done);
  else if (models.partner && models.playground.finished) taken = await models.partner.train(steps);
  const elapsed = performance.now() - start;
  reports.stepsPerSlice = Math.max(1, Math.round(taken * Math.min(2, SLICE_MS / Math.max(elapsed, 1))));
  reports.pending.steps += done; // A's samples per second
  const phaseChanged = models.playground.phaseIndex !== phase;
  if (phaseChanged || performance.now() - reports.lastPost >= Math.max(POST_EVERY_MS, REPORT_SPACING * reports.cost)) await report(phaseChanged);
  return taken;
}

/** Trains until paused or finished, then reports. It holds the model one slice at a time, so that the
 * page's requests (a sample to show, a point to decode, a save) are answered between slices while it
 * trains. Errors (a divergence, say) stop it and are posted. */
async function play() {
  const mine = training.generation;
  try {
    while (training.running && training.generation === mine) {
      const more = await exclusive(async () => {
        const stopped = () => !training.running || training.generation !== mine || allFinished();
        if (stopped()) return false; // paused, replaced or done while it waited
        await ensureWhole();
        if (stopped()) return false; // paused while the whole dataset came
        await trainSlice(Infinity);
        return !allFinished();
      });
      if (!more) break;
      await pause();
    }
    if (training.generation !== mine) return; // a new model replaced this one: its own reports follow
    training.running = false;
    await exclusive(() => report(true));
  } catch (e) {
    training.running = false;
    post({ type: 'error', message: e.message ?? String(e), running: training.running });
  }
}

/** Starts the play loop unless one runs; a Play that came as it was ending starts it again. */
function startPlay() {
  if (training.looping) return;
  training.looping = true;
  play().finally(() => {
    training.looping = false;
    if (training.running) startPlay();
  });
}

/** Pauses play, then trains exactly `steps` steps (fewer if training finishes). */
async function trainSteps(steps) {
  training.running = false;
  await exclusive(async () => {
    await ensureWhole();
    for (let left = steps; left > 0 && !allFinished(); left -= await trainSlice(left)) await pause();
    await report(true);
  });
}

/** Restores the saved run when it was saved at this address (`hash`): {settings, chart, step,
 * savedAt}, or null. A run that cannot be restored is reported and left for a fresh model. */
async function resume(hash) {
  let record;
  try {
    record = await loadRun();
    if (!record || record.hash !== hash) return null;
    if (record.upload) saving.upload = uploadOf((await keepUpload(record.upload)).key);
    await build(record.settings, undefined, record.run);
  } catch (e) {
    const message = storageGivenUp() ? `This page cannot keep the run: ${e.message}. It trains as ever; a reload starts afresh.` : `The saved run could not be resumed (${e.message ?? e}); a new one starts.`;
    post({ type: 'error', message });
    return null;
  }
  const { settings, chart, savedAt } = record;
  return { settings, chart, step: models.playground.step, savedAt };
}

async function findGpu() {
  device.gpu?.free();
  device.gpu = await Gpu.find();
}

/** Runs `task(model)` on model A once it is its turn and in step with the device; with `whole`, on
 * the whole dataset (a task that trains, or reads training rows). */
const withModel = (task, whole = false) =>
  exclusive(async () => {
    if (whole) await ensureWhole();
    await models.playground.sync();
    return task(models.playground);
  });

/** A new model (and B with `compare`), built once any play loop of the one before has stopped. */
function replaceModel(settings, prepare, compare) {
  training.running = false;
  training.generation++;
  return exclusive(() => build(settings, prepare, undefined, compare));
}

/** The handler of each message type of protocol.js; what it returns answers a message with an id. */
const HANDLERS = {
  async init({ settings, resume: hash, compare }) {
    return exclusive(async () => {
      await load();
      await findGpu();
      // A comparison is not saved: it starts afresh.
      const resumed = compare ? null : await resume(hash);
      if (!resumed) await build(settings, undefined, undefined, compare);
      return resumed;
    });
  },
  save: ({ hash, chart, step }) =>
    // `step`: the chart's last step; the run may be a few steps further on. A segmentation's image is
    // not kept for a reload: its run is not saved (the last other run stays).
    withModel(async (model) => {
      // (Nor is a model on a first slice: it has not trained, and the address rebuilds it.)
      if (models.datasetKey.startsWith('segment:') || models.partner || models.wholeToCome) return;
      const upload = uploadOf(models.datasetKey);
      const record = { hash, settings: models.settings, run: model.saveRun(), upload: Boolean(upload), chart, step, savedAt: Date.now() };
      await saveRun(record, upload !== saving.upload ? upload : undefined);
      saving.upload = upload;
    }),
  reset: ({ settings, compare }) => replaceModel(settings, undefined, compare),
  endCompare: () =>
    exclusive(() => {
      models.partner?.free();
      models.partner = null;
    }),
  play() {
    training.running = true;
    startPlay();
  },
  pause() {
    training.running = false; // the play loop ends its slice and reports
  },
  train: ({ steps }) => trainSteps(steps),
  // Read and kept under a key of its own; the model changes only when settings name it.
  upload: ({ files, options }) => readUpload(files, options),
  exportWeights: () => withModel((model) => model.exportWeights()),
  exportPyTorch: () => withModel((model) => model.exportPyTorch()),
  exportCodes: () => withModel((model) => model.exportCodes()),
  reconstruct: ({ indices }) => withModel((model) => model.reconstruct(Uint32Array.from(indices))),
  async importWeights({ bytes, settings: current }) {
    // A model of the file's settings (the dataset and engine stay), its weights put in before it
    // replaces the model in hand.
    const { config, phase } = modelFileSettings(bytes);
    const settings = { ...current, ...config, pretrainEpochs: phase.kind === 'stage' ? config.pretrainEpochs : 0 };
    await replaceModel(settings, (model) => model.importWeights(bytes));
    return settings;
  },
  show({ wanted: more }) {
    // What the panels want drawn: {interpolate: [a, b]}, {pca: true}. PCA is fitted once, on the
    // whole dataset (on a first slice it would be fitted again when training starts).
    Object.assign(wanted, more);
    return exclusive(async () => {
      if (more.pca) await ensureWhole();
      await report(false);
    });
  },
  prefetch() {
    if (models.wholeToCome) loadDataset(models.datasetKey).catch(() => {}); // (training reports a failure)
  },
  fewLabels: ({ labels }) => withModel((model) => ({ ...model.fewLabels(labels, model.config().seed), step: model.step }), true),
  linearSweep: () => exclusive(async () => linearSweep(post, await loadDataset(models.datasetKey), models.info, models.playground.config().seed)),
  select: ({ index }) =>
    withModel(async (model) => {
      model.activations(index); // refuses a sample that does not exist
      diagram.selected = index;
      post(networkMessage(model, diagram.selected));
      if (!models.partner) return;
      await models.partner.model.sync();
      post({ ...networkMessage(models.partner.model, diagram.selected), model: 'b' });
    }),
  encode: ({ pixels }) => withModel((model) => model.encode(Float32Array.from(pixels))),
  decode: ({ code }) => withModel((model) => model.decode(Float32Array.from(code))),
  async scene({ kind, seed, size, regions }) {
    if (kind === 'mosaic') return mosaicScene(seed, size, regions);
    return digitsScene(seed, await loadDataset('mnist'), size);
  },
  loadSegmentation: ({ name, image, truth, patch }) =>
    exclusive(() => {
      const data = segmentationData(name, image.pixels, image.width, image.height, image.channels, truth ?? undefined, patch, 1);
      return keepSegmentation(name, data);
    }),
  segment: ({ scribbles, window, fineTune }) => withModel((model) => model.segment(Uint32Array.from(scribbles), window, fineTune ?? 0), true),
  loseGpu() {
    training.running = false;
    return exclusive(async () => {
      device.gpu?.destroy();
      await report(true); // the lost device fails the read-back: the engine falls back to the CPU
    });
  },
};

self.onmessage = async ({ data: message }) => {
  try {
    checkMessage(TO_WORKER, message);
    checkArguments(message);
    const value = await HANDLERS[message.type](message);
    if (message.id !== undefined) answer(message.id, value);
  } catch (e) {
    // Refused: said to the page, with whether training goes on (a failed hover-decode does not stop
    // it; a refused reset has stopped the old model's play loop).
    post({ type: 'error', message: e.message ?? String(e), id: message?.id, running: training.running });
  }
};
