// The training worker: owns the wasm engine, trains in slices of about 30 ms so that pause and step
// messages are answered promptly, and posts metrics and reconstructions a few times a second. It finds
// the WebGPU device and passes the engine setting on; the engine decides where steps run, and moves
// to the CPU by itself when the GPU is lost (its `backend()` says so, and the worker posts it).
// Its messages, both ways, are declared in protocol.js; a type not declared there is answered with an error.
import init, { Gpu, Playground, modelFileSettings } from '../pkg/ae_playground.js';
import { linearSweep, reportPanels, wanted } from './worker-panels.js';
import { loadRun, saveRun } from './saved-run.js';
import { keepUpload, loadDataset, readUpload, uploadOf } from './worker-data.js';
import { networkMessage } from './worker-network.js';
import { TO_WORKER, checkMessage } from './protocol.js';

const SLICE_MS = 30;
const POST_EVERY_MS = 200;
const TEST_LOSS_EVERY_MS = 500;
const SHOWN = 8; // test samples above their reconstructions (fewer if the test set is smaller)
const LATENT_POINTS = 500; // test samples in the latent scatter
const PHASE_POINTS = 300; // points in a finished phase's own loss curve

let playground = null;
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

/** Posts the engine in use and why, when it changed. */
function postBackend() {
  const backend = playground.backend();
  const key = JSON.stringify(backend);
  if (key !== backendSent) post({ type: 'backend', ...backend });
  backendSent = key;
}

/** Builds a new model (then `prepare(model)`, e.g. importing weights), or restores a saved `run`;
 * on bad settings, or if `prepare` throws, the old model stays and the error is reported. */
async function build(settings, prepare, run) {
  const { dataset, engine: chosen, ...config } = settings;
  const data = await loadDataset(dataset);
  const next = run ? Playground.restoreRun(data, run) : new Playground(config, data);
  // A device that failed (lost, or an error) is replaced for the new model.
  if (gpu?.adapter && gpu.failure) await findGpu();
  try {
    prepare?.(next);
    next.useEngine(chosen ?? 'auto', gpu); // refuses an engine setting it does not know
  } catch (e) {
    next.free();
    throw e;
  }
  playground?.free();
  playground = next;
  engine = chosen ?? 'auto';
  batchSize = playground.config().batchSize;
  running = false;
  pending = { loss: 0, read: 0, steps: 0, since: performance.now() };
  info = playground.dataset();
  datasetKey = dataset;
  modelSettings = settings;
  phasesSent = 0;
  selected = Math.min(selected, info.nTest - 1);
  post({ type: 'ready', dataset: info });
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
    trainLoss: pending.read ? pending.loss / pending.read : null,
    samplesPerSecond: pending.steps && seconds > 0 ? (pending.steps * batchSize) / seconds : null,
  };
  let evaluation = null;
  if (withTestLoss || now - lastTestLoss >= TEST_LOSS_EVERY_MS) {
    evaluation = playground.evaluate();
    metrics.testLoss = evaluation.loss;
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
  post({ type: 'latent', ...latent }, [latent.points.buffer, latent.labels.buffer]);
  post(networkMessage(playground, selected));
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
  const elapsed = performance.now() - start;
  stepsPerSlice = Math.max(1, Math.round(done * Math.min(2, SLICE_MS / Math.max(elapsed, 1))));
  pending.steps += done;
  const phaseChanged = playground.phaseIndex !== phase;
  if (phaseChanged || performance.now() - lastPost >= POST_EVERY_MS) await report(phaseChanged);
  return done;
}

/** Trains until paused or finished, then reports. Errors (a divergence, say) stop it and are posted. */
async function play() {
  await exclusive(async () => {
    const mine = generation;
    while (running && generation === mine && !playground.finished) {
      await trainSlice(Infinity);
      await pause();
    }
    if (generation !== mine) return; // a new model replaced this one: its own reports follow
    running = false;
    await report(true);
  }).catch((e) => {
    running = false;
    post({ type: 'error', message: e.message ?? String(e) });
  });
}

/** Pauses play, then trains exactly `steps` steps (fewer if training finishes). */
async function trainSteps(steps, id) {
  running = false;
  await exclusive(async () => {
    for (let left = Math.floor(steps); left > 0 && !playground.finished; left -= await trainSlice(left)) await pause();
    await report(true);
  });
  answer(id);
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

self.onmessage = async ({ data: message }) => {
  try {
    checkMessage(TO_WORKER, message);
    switch (message.type) {
      case 'init': {
        let resumed = null;
        await exclusive(async () => {
          await init();
          await findGpu();
          resumed = await resume(message.resume);
          if (!resumed) await build(message.settings);
        });
        answer(message.id, resumed);
        break;
      }
      case 'save': // the run, for a reload to resume
        await exclusive(async () => {
          await playground.sync();
          // `step`: the chart's last step; the run may be a few steps further on.
          const upload = uploadOf(datasetKey);
          const record = { hash: message.hash, settings: modelSettings, run: playground.saveRun(), upload: Boolean(upload), chart: message.chart, step: message.step, savedAt: Date.now() };
          await saveRun(record, upload !== savedUpload ? upload : undefined);
          savedUpload = upload;
        });
        answer(message.id);
        break;
      case 'reset':
        running = false;
        generation++;
        await exclusive(() => build(message.settings));
        answer(message.id);
        break;
      case 'play':
        if (!running) {
          running = true;
          play();
        }
        break;
      case 'pause':
        running = false; // the play loop ends its slice and reports
        break;
      case 'train':
        await trainSteps(message.steps, message.id);
        break;
      case 'upload': {
        // Read and kept under a key of its own; the model changes only when settings name it.
        answer(message.id, await readUpload(message.files, message.options));
        break;
      }
      case 'exportWeights':
      case 'exportCodes':
      case 'reconstruct':
        await exclusive(async () => {
          await playground.sync();
          const value =
            message.type === 'exportWeights' ? playground.exportWeights()
            : message.type === 'exportCodes' ? playground.exportCodes()
            : playground.reconstruct(Uint32Array.from(message.indices));
          answer(message.id, value);
        });
        break;
      case 'importWeights': {
        // A model of the file's settings (the dataset and engine stay), its weights put in before
        // it replaces the model in hand.
        const { config, phase } = modelFileSettings(message.bytes);
        const staged = phase.kind === 'stage';
        const settings = { ...message.settings, ...config, pretrainEpochs: staged ? config.pretrainEpochs : 0 };
        running = false;
        generation++;
        await exclusive(() => build(settings, (model) => model.importWeights(message.bytes)));
        answer(message.id, settings);
        break;
      }
      case 'show': // what the panels want drawn: {interpolate: [a, b]}, {pca: true}
        Object.assign(wanted, message.wanted);
        await exclusive(() => report(false));
        answer(message.id);
        break;
      case 'fewLabels':
        await exclusive(async () => {
          await playground.sync();
          answer(message.id, playground.fewLabels(message.labels, playground.config().seed));
        });
        break;
      case 'linearSweep':
        await exclusive(async () => answer(message.id, await linearSweep(post, await loadDataset(datasetKey), info, playground.config().seed)));
        break;
      case 'select': // the sample the diagram shows
        await exclusive(async () => {
          await playground.sync();
          playground.activations(message.index); // refuses a sample that does not exist
          selected = message.index;
          post(networkMessage(playground, selected));
        });
        answer(message.id);
        break;
      case 'encode':
      case 'decode':
        await exclusive(async () => {
          await playground.sync();
          answer(message.id, message.type === 'encode' ? playground.encode(Float32Array.from(message.pixels)) : playground.decode(Float32Array.from(message.code)));
        });
        break;
      case 'loseGpu':
        running = false;
        await exclusive(async () => {
          gpu?.destroy();
          await report(true); // the lost device fails the read-back: the engine falls back to the CPU
        });
        answer(message.id);
        break;
    }
  } catch (e) {
    running = false;
    post({ type: 'error', message: e.message ?? String(e), id: message.id });
  }
};
