// The training worker: owns the wasm engine, trains in slices of about 30 ms so that pause and step
// messages are answered promptly, and posts metrics and reconstructions a few times a second. It finds
// the WebGPU device and passes the engine setting on; the engine decides where steps run, and moves
// to the CPU by itself when the GPU is lost (its `backend()` says so, and the worker posts it).
// In compare mode a second model, B (worker-compare.js), trains beside A in lockstep.
// Its messages, both ways, are declared in protocol.js; a type not declared there is answered with an error.
import init, { Gpu, Playground, digitsScene, modelFileSettings, mosaicScene, segmentationData } from '../pkg/ae_playground.js';
import { linearSweep, reportPanels, wanted } from './worker-panels.js';
import { loadRun, saveRun } from './saved-run.js';
import { keepSegmentation, keepUpload, loadDataset, readUpload, uploadOf } from './worker-data.js';
import { networkMessage } from './worker-network.js';
import { Partner, extraFigures, partnerSettings } from './worker-compare.js';
import { TO_WORKER, checkMessage } from './protocol.js';

const SLICE_MS = 30;
const POST_EVERY_MS = 200;
const TEST_LOSS_EVERY_MS = 500;
const SHOWN = 8; // test samples above their reconstructions (fewer if the test set is smaller)
const LATENT_POINTS = 500; // test samples in the latent scatter
const PHASE_POINTS = 300; // points in a finished phase's own loss curve

let playground = null;
let partner = null; // compare mode's model B, or null
let info = null; // the model's dataset: name, size, split
let datasetKey = null; // its key (see worker-data.js)
let modelSettings = null; // the settings the model was built with
let savedUpload = null; // the upload last written with the saved run (written again only when it changes)
let batchSize = 0;
let running = false;
let lock = Promise.resolve(); // the last task holding the model (see `exclusive`)
let generation = 0; // a new model (reset, import) ends any play loop of the one before
let stepsPerSlice = 1;
let pending = { loss: 0, read: 0, steps: 0, since: performance.now() }; // steps since the last report, and the losses read of them
let lastPost = 0;
let lastTestLoss = 0;
let gpu = null; // the WebGPU device found (a Gpu, whose failure says why there is none)
let engine = 'auto'; // 'auto' | 'cpu' | 'webgpu'
let backendSent = ''; // the engine in use and why, as last posted
let phasesSent = 0; // finished phases whose loss series the page has
let selected = 0; // the test sample the network diagram shows
const TRAIN_TERMS_ROWS = 500; // training rows the loss terms are measured on

const post = (message, transfer) => self.postMessage(message, transfer ?? []);
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
const answer = (id, value) => post({ type: 'answer', value, id });

/** Runs `task` once the tasks asked for before it are done (first come, first served). */
function exclusive(task) {
  const run = lock.then(task);
  lock = run.catch(() => {});
  return run;
}

/** Whether training is over: A's, and B's when comparing. */
const allFinished = () => playground.finished && (!partner || partner.finished);

/** Posts the engine in use and why, when it changed. */
function postBackend() {
  const backend = playground.backend();
  const key = JSON.stringify(backend);
  if (key !== backendSent) post({ type: 'backend', ...backend });
  backendSent = key;
}

/** Builds a new model (then `prepare(model)`, e.g. importing weights), or restores a saved `run`,
 * and with `compare` (settings changed for B) B beside it; on bad settings, or if `prepare` throws,
 * the old models stay and the error is reported. */
async function build(settings, prepare, run, compare = null) {
  const { dataset, engine: chosen, ...config } = settings;
  const data = await loadDataset(dataset);
  const next = run ? Playground.restoreRun(data, run) : new Playground(config, data);
  // A device that failed (lost, or an error) is replaced for the new model.
  if (gpu?.adapter && gpu.failure) await findGpu();
  let nextPartner = null;
  try {
    prepare?.(next);
    next.useEngine(chosen ?? 'auto', gpu); // refuses an engine setting it does not know
    if (compare) nextPartner = new Partner(partnerSettings(settings, compare), compare, data, gpu);
  } catch (e) {
    next.free();
    throw e;
  }
  playground?.free();
  partner?.free();
  playground = next;
  partner = nextPartner;
  engine = chosen ?? 'auto';
  batchSize = playground.config().batchSize;
  running = false;
  pending = { loss: 0, read: 0, steps: 0, since: performance.now() };
  info = playground.dataset();
  datasetKey = dataset;
  modelSettings = settings;
  phasesSent = 0;
  selected = Math.min(selected, info.nTest - 1);
  post({ type: 'ready', dataset: info, settings, compare: partner && { changes: partner.changes, settings: partner.settings } });
  // The latent scatter's points as images, for its hover thumbnails (sent once per model).
  const count = Math.min(LATENT_POINTS, info.nTest);
  const images = playground.rows(Uint32Array.from({ length: count }, (_, i) => info.nTrain + i));
  post({ type: 'latentImages', images, count }, [images.buffer]);
  backendSent = '';
  await report(true);
}

/** The objective split into its terms: the loss proper (reconstruction, or the classifier's
 * cross-entropy) and each penalty, per sample. */
function terms(e) {
  const penalties = { vaeKl: e.vaeKl, l1: e.l1, klSparsity: e.klSparsity, contractive: e.contractive };
  return { loss: e.loss - Object.values(penalties).reduce((a, b) => a + b, 0), ...penalties };
}

async function report(withTestLoss) {
  await playground.sync();
  postBackend();
  const now = performance.now();
  const seconds = (now - pending.since) / 1000;
  const metrics = {
    type: 'metrics',
    step: playground.step,
    epoch: playground.epoch,
    phase: playground.phase(),
    finished: playground.finished,
    over: allFinished(), // A's training, and B's when comparing
    trainLoss: pending.read ? pending.loss / pending.read : null,
    samplesPerSecond: pending.steps && seconds > 0 ? (pending.steps * batchSize) / seconds : null,
  };
  let evaluation = null;
  const withTest = withTestLoss || now - lastTestLoss >= TEST_LOSS_EVERY_MS;
  if (withTest) {
    evaluation = playground.evaluate();
    metrics.testLoss = evaluation.loss;
    if (partner) Object.assign(metrics, extraFigures(playground, evaluation));
    metrics.terms = { test: terms(evaluation), train: terms(playground.evaluateTrain(TRAIN_TERMS_ROWS)) };
    if (evaluation.accuracy != null) metrics.testAccuracy = evaluation.accuracy;
    lastTestLoss = now;
  }
  post(metrics);
  // A phase's own loss curve goes to the page once the phase is done (the last one when training finishes).
  for (const done = metrics.phase.index + (metrics.finished ? 1 : 0); phasesSent < done; phasesSent++) {
    const losses = playground.phaseLosses(phasesSent, PHASE_POINTS);
    post({ type: 'phaseLosses', index: phasesSent, losses }, [losses.buffer]);
  }
  const shown = Math.min(SHOWN, info.nTest);
  const indices = Uint32Array.from({ length: shown }, (_, i) => i);
  const pixels = playground.reconstruct(indices);
  const corrupted = playground.corrupted(indices); // empty without noise
  post({ type: 'reconstructions', count: shown, pixels, corrupted }, [pixels.buffer, corrupted.buffer]);
  const latent = playground.latent(LATENT_POINTS);
  const compared = partner && (await partner.report(withTest, indices, latent, selected));
  post({ type: 'latent', ...latent }, [latent.points.buffer, latent.labels.buffer]);
  post(networkMessage(playground, selected));
  if (compared) post(compared, [compared.pixels.buffer, compared.corrupted.buffer, compared.latent.points.buffer]);
  reportPanels(post, playground, info, evaluation);
  pending = { loss: 0, read: 0, steps: 0, since: now };
  lastPost = now;
}

/** Trains up to `limit` steps in one time slice, sizing slices to about SLICE_MS. A phase change
 * (pretraining stage → next stage → fine-tuning) ends the slice so that its metrics stay apart. */
async function trainSlice(limit) {
  const steps = Math.max(1, Math.min(limit, stepsPerSlice));
  const phase = playground.phaseIndex;
  const start = performance.now();
  let done = 0;
  while (done < steps && !playground.finished && playground.phaseIndex === phase) {
    const trained = await playground.train(steps - done); // ends early at a phase change
    if (trained.loss !== null) {
      pending.loss += trained.loss * trained.read;
      pending.read += trained.read;
    }
    done += trained.steps;
    postBackend(); // the GPU may have been lost
    if (!trained.steps) break;
  }
  // B takes as many steps as A did, through its own phases; once A has finished, the slice's steps.
  let taken = done;
  if (partner && done) await partner.train(done);
  else if (partner && playground.finished) taken = await partner.train(steps);
  const elapsed = performance.now() - start;
  stepsPerSlice = Math.max(1, Math.round(taken * Math.min(2, SLICE_MS / Math.max(elapsed, 1))));
  pending.steps += done; // A's samples per second
  const phaseChanged = playground.phaseIndex !== phase;
  if (phaseChanged || performance.now() - lastPost >= POST_EVERY_MS) await report(phaseChanged);
  return taken;
}

/** Trains until paused or finished, then reports. It holds the model one slice at a time, so that the
 * page's requests (a sample to show, a point to decode, a save) are answered between slices while it
 * trains. Errors (a divergence, say) stop it and are posted. */
async function play() {
  const mine = generation;
  try {
    while (running && generation === mine) {
      const more = await exclusive(async () => {
        if (!running || generation !== mine || allFinished()) return false; // paused, replaced or done while it waited
        await trainSlice(Infinity);
        return !allFinished();
      });
      if (!more) break;
      await pause();
    }
    if (generation !== mine) return; // a new model replaced this one: its own reports follow
    running = false;
    await exclusive(() => report(true));
  } catch (e) {
    running = false;
    post({ type: 'error', message: e.message ?? String(e), running });
  }
}

let looping = false; // a play loop is running (at most one)
/** Starts the play loop unless one runs; a Play that came as it was ending starts it again. */
function startPlay() {
  if (looping) return;
  looping = true;
  play().finally(() => {
    looping = false;
    if (running) startPlay();
  });
}

/** Pauses play, then trains exactly `steps` steps (fewer if training finishes). */
async function trainSteps(steps) {
  running = false;
  await exclusive(async () => {
    for (let left = Math.floor(steps); left > 0 && !allFinished(); left -= await trainSlice(left)) await pause();
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
    if (record.upload) savedUpload = uploadOf((await keepUpload(record.upload)).key);
    await build(record.settings, undefined, record.run);
  } catch (e) {
    post({ type: 'error', message: `The saved run could not be resumed (${e.message ?? e}); a new one starts.` });
    return null;
  }
  const { settings, chart, savedAt } = record;
  return { settings, chart, step: playground.step, savedAt };
}

async function findGpu() {
  gpu?.free();
  gpu = await Gpu.find();
}

/** Runs `task(playground)` on the model once it is its turn and in step with the device. */
const withModel = (task) =>
  exclusive(async () => {
    await playground.sync();
    return task(playground);
  });

/** A new model (and B with `compare`), built once any play loop of the one before has stopped. */
function replaceModel(settings, prepare, compare) {
  running = false;
  generation++;
  return exclusive(() => build(settings, prepare, undefined, compare));
}

/** The handler of each message type of protocol.js; what it returns answers a message with an id. */
const HANDLERS = {
  async init({ settings, resume: hash, compare }) {
    return exclusive(async () => {
      await init();
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
      if (datasetKey.startsWith('segment:') || partner) return;
      const upload = uploadOf(datasetKey);
      const record = { hash, settings: modelSettings, run: model.saveRun(), upload: Boolean(upload), chart, step, savedAt: Date.now() };
      await saveRun(record, upload !== savedUpload ? upload : undefined);
      savedUpload = upload;
    }),
  reset: ({ settings, compare }) => replaceModel(settings, undefined, compare),
  endCompare: () =>
    exclusive(() => {
      partner?.free();
      partner = null;
    }),
  play() {
    running = true;
    startPlay();
  },
  pause() {
    running = false; // the play loop ends its slice and reports
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
    // What the panels want drawn: {interpolate: [a, b]}, {pca: true}.
    Object.assign(wanted, more);
    return exclusive(() => report(false));
  },
  fewLabels: ({ labels }) => withModel((model) => ({ ...model.fewLabels(labels, model.config().seed), step: model.step })),
  linearSweep: () => exclusive(async () => linearSweep(post, await loadDataset(datasetKey), info, playground.config().seed)),
  select: ({ index }) =>
    withModel(async (model) => {
      model.activations(index); // refuses a sample that does not exist
      selected = index;
      post(networkMessage(model, selected));
      if (!partner) return;
      await partner.model.sync();
      post({ ...networkMessage(partner.model, selected), model: 'b' });
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
  segment: ({ scribbles, window, fineTune }) => withModel((model) => model.segment(Uint32Array.from(scribbles), window, fineTune ?? 0)),
  loseGpu() {
    running = false;
    return exclusive(async () => {
      gpu?.destroy();
      await report(true); // the lost device fails the read-back: the engine falls back to the CPU
    });
  },
};

self.onmessage = async ({ data: message }) => {
  try {
    checkMessage(TO_WORKER, message);
    const value = await HANDLERS[message.type](message);
    if (message.id !== undefined) answer(message.id, value);
  } catch (e) {
    // Refused: said to the page, with whether training goes on (a failed hover-decode does not stop
    // it; a refused reset has stopped the old model's play loop).
    post({ type: 'error', message: e.message ?? String(e), id: message?.id, running });
  }
};
