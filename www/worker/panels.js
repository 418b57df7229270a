// What the training worker computes for the panels beyond losses and reconstructions: first-layer
// filters and code statistics, interpolations and a VAE's samples and manifold grid, PCA against
// linear autoencoders, and accuracy with few labels.
import { Playground } from './engine.js';

const FILTERS = 32; // first-layer units drawn
const SAMPLES = 16; // draws from a VAE's prior
const SAMPLE_SEED = 7; // the same draws at every update, so the panel shows them improve
const GRID = 8; // the manifold grid is GRID × GRID decoded codes
const INTERPOLATION_STEPS = 8;
const SHOWN = 8; // test samples beside their PCA reconstructions
export const SWEEP_KS = [1, 2, 4, 8, 16, 32, 64];
const SWEEP_STEPS = 3000;
const SWEEP_SLICE = 100;

/** What the page asked to see: the interpolation's two test samples, and whether the PCA panel is open. */
export const wanted = { interpolate: [0, 1], pca: false };
let pcaCurve = null; // {model, ks, errors, ownError}: PCA's errors (and at the code width), once per model
let measured = null; // {model, squaredError}: the model's last test error

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The standard normal's quantile, by bisection on its CDF (erf after Abramowitz and Stegun 7.1.26). */
function normalQuantile(p) {
  const erf = (x) => {
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
    return Math.sign(x) * y;
  };
  let [lo, hi] = [-8, 8];
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (0.5 * (1 + erf(mid / Math.SQRT2)) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Codes for the manifold grid: units 1 and 2 at the normal's quantiles (i + ½)/GRID, the rest 0. */
function gridCodes(width) {
  const q = Array.from({ length: GRID }, (_, i) => normalQuantile((i + 0.5) / GRID));
  const codes = new Float32Array(GRID * GRID * width);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      codes[(r * GRID + c) * width] = q[c];
      if (width > 1) codes[(r * GRID + c) * width + 1] = q[GRID - 1 - r];
    }
  }
  return codes;
}

/** Posts every panel's data for the model's current state; `evaluation` when the test set was just measured. */
export function reportPanels(post, playground, info, evaluation) {
  const dim = info.width * info.height * info.channels;
  const phase = playground.phase();
  const config = playground.config();
  const filters = playground.filters(FILTERS);
  const [height, width, channels] = playground.filterShape();
  const conv = config.conv.length > 0; // the first layer is a convolution: its filters are K × K windows
  post({ type: 'filters', values: filters, count: filters.length / (height * width * channels), height, width, channels, conv }, [filters.buffer]);
  if (evaluation) {
    const { meanCode, jacobianNorm } = evaluation;
    post({ type: 'code', step: playground.step, phase: phase.index, meanCode, jacobianNorm, target: config.klWeight > 0 ? config.klTarget : null });
  }
  if (phase.width !== dim) return; // a later pretraining stage reconstructs codes, not the data
  const [a, b] = wanted.interpolate.map((i) => Math.min(i, info.nTest - 1));
  const generated = { type: 'generated', a, b, steps: INTERPOLATION_STEPS, interpolation: playground.interpolate(a, b, INTERPOLATION_STEPS) };
  if (config.variational && phase.index === phase.count - 1) {
    generated.samples = playground.sample(SAMPLES, SAMPLE_SEED);
    generated.grid = playground.decode(gridCodes(playground.codeWidth));
    generated.gridSize = GRID;
    generated.codeWidth = playground.codeWidth;
  }
  post(generated);
  if (evaluation) measured = { model: playground, squaredError: evaluation.squaredError };
  if (wanted.pca) reportPca(post, playground, info);
}

function reportPca(post, playground, info) {
  const dim = info.width * info.height * info.channels;
  if (pcaCurve?.model !== playground) {
    const ks = SWEEP_KS.filter((k) => k <= dim);
    const k = playground.codeWidth;
    pcaCurve = { model: playground, ks, errors: [...playground.pcaErrors(Uint32Array.from(ks))], ownError: k <= dim ? playground.pcaErrors(Uint32Array.of(k))[0] : null };
  }
  const k = playground.codeWidth;
  const indices = Uint32Array.from({ length: Math.min(SHOWN, info.nTest) }, (_, i) => i);
  const both = playground.reconstruct(indices);
  const half = both.length / 2;
  post({
    type: 'pca',
    ks: pcaCurve.ks,
    errors: pcaCurve.errors,
    k,
    ownError: pcaCurve.ownError,
    aeError: measured?.model === playground ? measured.squaredError : null,
    inputs: both.slice(0, half),
    outputs: both.slice(half),
    pcaOutputs: playground.pcaReconstruct(indices, k),
    count: indices.length,
  });
}

/** Trains a linear autoencoder (linear units, squared error, Adam) for each k on `data` (the engine's
 * Data), posting each test error as it comes; resolves to {ks, errors}. */
export async function linearSweep(post, data, info, seed) {
  const ks = SWEEP_KS.filter((k) => k <= info.width * info.height * info.channels);
  const errors = [];
  for (const k of ks) {
    const config = { hidden: [k], activation: 'linear', outputActivation: 'linear', loss: 'squaredError', learningRate: 0.003, epochs: 0, seed };
    const model = new Playground(config, data);
    try {
      for (let s = 0; s < SWEEP_STEPS; s += SWEEP_SLICE) {
        await model.train(SWEEP_SLICE);
        await pause();
      }
      errors.push(model.evaluate().squaredError);
    } finally {
      model.free();
    }
    post({ type: 'sweep', ks: ks.slice(0, errors.length), errors: [...errors], steps: SWEEP_STEPS });
  }
  return { ks, errors, steps: SWEEP_STEPS };
}
