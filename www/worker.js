// The training worker: owns the wasm engine, trains in slices of about 30 ms so that pause and step
// messages are answered promptly, and posts metrics and reconstructions a few times a second.
// Messages in:  {type: 'init' | 'reset', settings}, {type: 'play'}, {type: 'pause'}, {type: 'train', steps, id}
// Messages out: {type: 'ready', dataset, config}, {type: 'backend', ...}, {type: 'metrics', ...},
//               {type: 'reconstructions', ...}, {type: 'trained', id}, {type: 'error', message}
import init, { Playground, gpuCheck } from '../pkg/ae_playground.js';

const SLICE_MS = 30;
const POST_EVERY_MS = 200;
const TEST_LOSS_EVERY_MS = 500;
const SHOWN = [0, 1, 2, 3, 4, 5, 6, 7];

const datasets = new Map();
let playground = null;
let batchSize = 0;
let running = false;
let busy = false;
let stepsPerSlice = 1;
let pending = { loss: 0, steps: 0, since: performance.now() };
let lastPost = 0;
let lastTestLoss = 0;

const post = (message, transfer) => self.postMessage(message, transfer ?? []);
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

async function loadDataset(name) {
  if (!datasets.has(name)) {
    const response = await fetch(new URL(`../data/${name}.aepk`, import.meta.url));
    if (!response.ok) throw new Error(`dataset ${name}: HTTP ${response.status}`);
    datasets.set(name, new Uint8Array(await response.arrayBuffer()));
  }
  return datasets.get(name);
}

/** Builds a new model; on bad settings the old model stays and the error is reported. */
async function build(settings) {
  const { dataset, ...config } = settings;
  const next = new Playground(config, await loadDataset(dataset));
  playground?.free();
  playground = next;
  batchSize = playground.config().batchSize;
  running = false;
  pending = { loss: 0, steps: 0, since: performance.now() };
  post({ type: 'ready', dataset: playground.dataset(), config: playground.config() });
  report(true);
}

function report(withTestLoss) {
  const now = performance.now();
  const seconds = (now - pending.since) / 1000;
  const metrics = {
    type: 'metrics',
    step: playground.step,
    epoch: playground.epoch,
    phase: playground.phase(),
    finished: playground.finished,
    trainLoss: pending.steps ? pending.loss / pending.steps : null,
    samplesPerSecond: pending.steps && seconds > 0 ? (pending.steps * batchSize) / seconds : null,
  };
  if (withTestLoss || now - lastTestLoss >= TEST_LOSS_EVERY_MS) {
    metrics.testLoss = playground.testLoss();
    lastTestLoss = now;
  }
  post(metrics);
  const pixels = playground.reconstruct(new Uint32Array(SHOWN));
  post({ type: 'reconstructions', count: SHOWN.length, pixels }, [pixels.buffer]);
  pending = { loss: 0, steps: 0, since: now };
  lastPost = now;
}

/** Trains up to `limit` steps in one time slice, sizing slices to about SLICE_MS. A phase change
 * (pretraining stage → next stage → fine-tuning) ends the slice so that its metrics stay apart. */
function trainSlice(limit) {
  const steps = Math.max(1, Math.min(limit, stepsPerSlice));
  const phase = playground.phase().index;
  const start = performance.now();
  let loss = 0;
  let done = 0;
  while (done < steps && !playground.finished && playground.phase().index === phase) {
    const chunk = Math.min(steps - done, 8);
    loss += playground.train(chunk) * chunk;
    done += chunk;
  }
  loss /= Math.max(done, 1);
  const elapsed = performance.now() - start;
  stepsPerSlice = Math.max(1, Math.round(done * Math.min(2, SLICE_MS / Math.max(elapsed, 1))));
  pending.loss += loss * done;
  pending.steps += done;
  const phaseChanged = playground.phase().index !== phase;
  if (phaseChanged || performance.now() - lastPost >= POST_EVERY_MS) report(phaseChanged);
  return done;
}

async function play() {
  if (busy) return;
  busy = true;
  try {
    while (running && !playground.finished) {
      trainSlice(Infinity);
      await pause();
    }
    if (running) {
      running = false;
      report(true);
    }
  } finally {
    busy = false;
  }
}

async function trainSteps(steps, id) {
  running = false;
  while (busy) await pause();
  busy = true;
  try {
    for (let left = steps; left > 0 && !playground.finished; left -= trainSlice(left)) await pause();
    report(true);
  } finally {
    busy = false;
  }
  post({ type: 'trained', id });
}

async function checkGpu() {
  try {
    const check = await gpuCheck();
    post({ type: 'backend', training: 'CPU', gpu: check.adapter, gpuCheck: check.maxRelativeDifference });
  } catch (e) {
    post({ type: 'backend', training: 'CPU', gpu: null, reason: e.message ?? String(e) });
  }
}

self.onmessage = async ({ data: message }) => {
  try {
    switch (message.type) {
      case 'init':
        await init();
        await build(message.settings);
        checkGpu();
        break;
      case 'reset':
        running = false;
        while (busy) await pause();
        await build(message.settings);
        break;
      case 'play':
        running = true;
        play();
        break;
      case 'pause':
        running = false;
        if (playground && pending.steps) report(true);
        break;
      case 'train':
        await trainSteps(message.steps, message.id);
        break;
    }
  } catch (e) {
    running = false;
    post({ type: 'error', message: e.message ?? String(e), id: message.id });
  }
};
