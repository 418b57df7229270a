// The one message protocol between the page and the training worker: every message type either side
// may send is declared here once, with what it carries, and the numbers the page API passes on are
// checked here. A message of a type not declared is answered with an error (by the worker) or
// reported (by the page), never dropped in silence.

import { shown } from './settings.js';

/** Page → worker. Those with an `id` are answered by {type: 'answer', id, value} or {type: 'error', id, message}. */
export const TO_WORKER = {
  init: 'settings, resume (the address hash), compare, id → the saved run resumed (not when comparing), or null',
  reset: 'settings, compare (B\'s changes, or null), id → a new model of these settings, and B beside it (the old ones stay if refused)',
  endCompare: 'id → B dropped; A trains on alone',
  save: 'hash, chart, step, id → the run written for a reload to resume',
  play: 'train until paused or finished',
  pause: 'stop at the end of the current slice',
  train: 'steps, id → exactly that many steps, then a report',
  select: 'index, id → the network diagram shows test sample `index` (a `network` message follows)',
  encode: 'pixels, id → {code, output} of any input, such as a drawn digit',
  decode: 'code, id → the output for one code',
  upload: 'files, options, id → {key, summary} of the dataset read',
  exportWeights: 'id → safetensors bytes of the current phase',
  exportPyTorch: 'id → ZIP bytes: model.safetensors in PyTorch\'s layout, model.py, train.py, README.md, requirements.txt',
  exportCodes: 'id → every test code as CSV',
  importWeights: 'bytes, settings, id → the settings of the model built from the file',
  reconstruct: 'indices, id → inputs then outputs of those test samples',
  show: 'wanted, id → the panels as asked ({interpolate: [a, b]}, {pca: bool})',
  prefetch: 'the whole of a dataset the model is on a first slice of starts to come (the user did something: training may follow)',
  fewLabels: 'labels, id → {raw, frozenCode, fineTuned, nearest, spread, pcaWidth, gamma} accuracies, and the step measured at',
  linearSweep: 'id → {ks, errors, steps} of linear autoencoders',
  loseGpu: 'id → (tests) the WebGPU device destroyed; the engine moves to the CPU',
  scene: 'kind (mosaic | digits), seed, size, regions, id → {pixels, truth, width, height, channels, classNames}',
  loadSegmentation: 'name, image {width, height, channels, pixels}, truth, patch, id → {key, summary} of its patch dataset',
  segment: 'scribbles [x, y, label, …], window, fineTune (steps), id → the three methods\' maps and scores',
};

/** Worker → page. */
export const FROM_WORKER = {
  ready: 'dataset, settings, compare ({changes, settings} of B, or null): a new model is in place, built with these settings',
  backend: 'name, reason, threads: the engine in use and why, and the CPU engine\'s threads ("2 threads", or "1 thread: why")',
  metrics: 'step, epoch, phase, finished, over (A\'s training and B\'s), trainLoss, testLoss, terms, testAccuracy, learningRate, samplesPerSecond',
  reconstructions: 'count, pixels, corrupted, gibbs: test samples and outputs (with noise, the corrupted ones too; gibbs: an RBM stage\'s one Gibbs step)',
  dreams: 'count, pixels, steps, model (\'A\' or \'B\' in compare mode): an RBM stage\'s Gibbs chains from noise (count 0: none now)',
  network: 'index, phase, layers, activations, model (\'b\' for B): the phase\'s net with its thinned links, and test sample `index` through it',
  compared: 'metrics, pixels, corrupted, latent (aligned to A\'s), network: B reported beside A',
  latent: 'points, labels, width, projected, basis',
  latentImages: 'images, count: the latent points as images',
  phaseLosses: 'index, losses: a finished phase own loss curve',
  filters: 'values, count', code: 'meanCode, jacobianNorm, target…', generated: 'interpolation, samples, manifold',
  pca: 'the PCA panel', sweep: 'the linear sweep so far',
  status: 'text: what the worker is doing that the page should say (loading the whole dataset), or \'\' when done',
  answer: 'id, value: a request done',
  error: 'message, id?, running: a request refused (with its id) or training stopped, and whether training goes on',
};

/** Throws unless `message` is an object of a type declared in `table`. */
export function checkMessage(table, message) {
  const type = message?.type;
  if (typeof type !== 'string' || !Object.hasOwn(table, type)) {
    throw new Error(`unknown message type ${JSON.stringify(type)} (known: ${Object.keys(table).join(', ')})`);
  }
}

const whole = (v, min, max = Infinity) => Number.isInteger(v) && v >= min && v <= max;
function refuse(field, value, allowed) {
  throw new Error(`${field}: ${shown(value)} is not ${allowed}`);
}

/** The numbers a page → worker message carries, checked as it arrives (the page API passes them on
 * as given): a refusal names the field, the value given and what is allowed. Whether a test sample
 * exists the engine says when the message's turn comes, on the model then in hand. */
export function checkArguments(message) {
  const sample = "a test sample's number (a whole number ≥ 0)";
  switch (message.type) {
    case 'train':
      if (!whole(message.steps, 1)) refuse('steps', message.steps, 'a whole number ≥ 1');
      break;
    case 'select':
      if (!whole(message.index, 0, 2 ** 32 - 1)) refuse('index', message.index, sample);
      break;
    case 'reconstruct': {
      const { indices } = message;
      if (!Array.isArray(indices) || !indices.length) refuse('indices', indices, "a list of test samples' numbers");
      const bad = indices.findIndex((i) => !whole(i, 0, 2 ** 32 - 1));
      if (bad >= 0) refuse(`indices[${bad}]`, indices[bad], sample);
      break;
    }
    case 'fewLabels':
      if (!whole(message.labels, 1)) refuse('labels', message.labels, 'a whole number ≥ 1');
      break;
    case 'encode':
    case 'decode': {
      const [field, values] = message.type === 'encode' ? ['pixels', message.pixels] : ['code', message.code];
      if (!(Array.isArray(values) || ArrayBuffer.isView(values)) || !values.every(Number.isFinite)) refuse(field, values, 'a list of numbers');
      break;
    }
    default:
  }
}
