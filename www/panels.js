// The panels beyond loss, reconstructions and latent space: first-layer filters, code activity and
// ‖J‖, interpolation and a VAE's samples and manifold, PCA against linear autoencoders, and
// accuracy with few labels. The worker computes (worker-panels.js); this module only draws.
import { ImageGrid } from './views/image-grid.js';
import { LineChart } from './views/line-chart.js';
import { CodeBars } from './views/code-bars.js';

const $ = (id) => document.getElementById(id);
const LABEL_BUDGETS = [10, 20, 50, 100, 200, 500, 1000];
const FILTERS_PER_ROW = 8;

/** Splits `values` into `count` images of `size` values each. */
const split = (values, count, size = values.length / count) => Array.from({ length: count }, (_, i) => values.subarray(i * size, (i + 1) * size));
const rowsOf = (images, perRow) => Array.from({ length: Math.ceil(images.length / perRow) }, (_, r) => images.slice(r * perRow, (r + 1) * perRow));

/** Installs the panels; returns the handlers for the worker's messages they draw. */
export function installPanels(controller, dataset) {
  const grids = Object.fromEntries(['filters', 'interpolation', 'samples', 'manifold', 'pca-images'].map((id) => [id, new ImageGrid($(id), { size: id === 'filters' ? 42 : 56 })]));
  const bars = new CodeBars($('code-bars'), $('code-table'), $('code-what'));
  const jacobian = new LineChart($('jacobian-chart'), { x: 'step', y: '‖J‖F', series: [{ label: '‖J‖F' }], table: $('jacobian-table') });
  const labelsChart = new LineChart($('labels-chart'), {
    x: 'labels',
    y: 'test accuracy',
    logX: 10,
    xRange: [10, 1000],
    yRange: [0, 1],
    series: [{ label: 'raw inputs' }, { label: 'frozen code', dash: [6, 3] }, { label: 'fine-tuned encoder' }],
    table: $('labels-table'),
  });
  // Made when first shown: uPlot cannot lay out a chart inside a closed <details>.
  let pcaChart = null;
  const makePcaChart = () =>
    new LineChart($('pca-chart'), {
      x: 'k',
      y: 'test error',
      logX: 2,
      logY: true,
      xRange: [1, 64],
      series: [{ label: 'PCA-k' }, { label: 'linear autoencoder', points: true }, { label: 'this model', points: true }],
      table: $('pca-table'),
    });
  let jacobianSeries = [[], []];
  let jacobianPhase = null;
  let pca = null; // the last PCA message
  let sweep = null; // {ks, errors} of the linear autoencoders
  let accuracies = new Map(); // labels → {raw, frozenCode, fineTuned}
  const image = () => [dataset().width, dataset().height, dataset().channels];

  const showPcaChart = () => {
    if (!pca) return;
    pcaChart ??= makePcaChart();
    const xs = [...new Set([...pca.ks, pca.k, ...(sweep?.ks ?? [])])].sort((a, b) => a - b);
    const at = (ks, values, k) => (ks.includes(k) ? values[ks.indexOf(k)] : null);
    pcaChart.setData([
      xs,
      xs.map((k) => at(pca.ks, pca.errors, k) ?? (k === pca.k ? pca.ownError : null)),
      xs.map((k) => (sweep ? at(sweep.ks, sweep.errors, k) : null)),
      xs.map((k) => (k === pca.k ? pca.aeError : null)),
    ]);
  };
  const showAccuracies = () => {
    const xs = [...accuracies.keys()].sort((a, b) => a - b);
    labelsChart.setData([xs, ...['raw', 'frozenCode', 'fineTuned'].map((key) => xs.map((x) => accuracies.get(x)[key]))]);
  };

  // Interpolation ends: test sample numbers, sent to the worker when they change.
  for (const id of ['interpolate-a', 'interpolate-b']) {
    $(id).addEventListener('change', () => {
      const n = dataset()?.nTest ?? 1;
      const pick = (el) => Math.min(n - 1, Math.max(0, Math.round(Number(el.value) || 0)));
      const ends = [pick($('interpolate-a')), pick($('interpolate-b'))];
      [$('interpolate-a').value, $('interpolate-b').value] = ends;
      controller.request({ type: 'show', wanted: { interpolate: ends } }).catch(() => {});
    });
  }
  $('pca-panel').addEventListener('toggle', (e) => {
    controller.request({ type: 'show', wanted: { pca: e.target.open } }).catch(() => {});
  });
  $('linear-sweep').onclick = async () => {
    $('linear-sweep').disabled = true;
    $('sweep-status').textContent = 'Training a linear autoencoder for each k…';
    try {
      sweep = await controller.request({ type: 'linearSweep' });
      showPcaChart();
    } catch {
      // the message area says why
    } finally {
      $('linear-sweep').disabled = false;
    }
  };
  const budget = () => LABEL_BUDGETS[Number($('label-budget').value)];
  $('label-budget').addEventListener('input', () => {
    $('label-count').value = budget();
    $('label-budget').setAttribute('aria-valuetext', `${budget()} labels`);
  });
  $('few-labels').onclick = async () => {
    const labels = budget();
    $('few-labels').disabled = true;
    $('labels-status').textContent = `Training three classifiers on ${labels} labels…`;
    try {
      const result = await controller.request({ type: 'fewLabels', labels });
      accuracies.set(result.labels, result);
      showAccuracies();
      const pct = (v) => `${(100 * v).toFixed(1)}%`;
      $('labels-status').textContent = `${result.labels} labels: raw inputs ${pct(result.raw)}, frozen code ${pct(result.frozenCode)}, fine-tuned encoder ${pct(result.fineTuned)}.`;
    } catch (e) {
      $('labels-status').textContent = e.message;
    } finally {
      $('few-labels').disabled = false;
    }
  };

  return {
    ready({ dataset: info }) {
      jacobianSeries = [[], []];
      jacobian.setData(jacobianSeries);
      pca = null;
      sweep = null;
      accuracies = new Map();
      showAccuracies();
      $('labels-status').textContent = '';
      for (const id of ['interpolate-a', 'interpolate-b']) $(id).max = info.nTest - 1;
    },
    filters({ values, count }) {
      const [width, height, channels] = image();
      const filters = split(values, count).map((w) => {
        const scale = Math.max(1e-12, ...w.map(Math.abs));
        return w.map((v) => 0.5 + v / (2 * scale));
      });
      grids.filters.update(rowsOf(filters, FILTERS_PER_ROW), width, height, channels);
    },
    code({ step, phase, meanCode, jacobianNorm, target }) {
      bars.update(meanCode, target);
      if (phase !== jacobianPhase) jacobianSeries = [[], []]; // each phase has its own encoder
      jacobianPhase = phase;
      if (jacobianNorm != null && jacobianSeries[0].at(-1) !== step) {
        jacobianSeries[0].push(step);
        jacobianSeries[1].push(jacobianNorm);
      }
      jacobian.setData(jacobianSeries);
      $('jacobian-views').hidden = jacobianNorm == null;
      $('jacobian-off').hidden = jacobianNorm != null;
    },
    generated({ interpolation, steps, samples, grid, gridSize, codeWidth }) {
      const [width, height, channels] = image();
      grids.interpolation.update([split(interpolation, steps)], width, height, channels);
      $('vae-views').hidden = !samples;
      $('vae-off').hidden = !!samples;
      if (!samples) return;
      grids.samples.update(rowsOf(split(samples, 16), 8), width, height, channels);
      grids.manifold.update(rowsOf(split(grid, gridSize * gridSize), gridSize), width, height, channels);
      $('manifold-what').textContent =
        `Code units 1 (across) and 2 (up) at evenly spaced quantiles of N(0, 1), decoded${codeWidth > 2 ? `; the other ${codeWidth - 2} units at 0` : ''}.`;
    },
    pca(message) {
      pca = message;
      showPcaChart();
      const { k, aeError, ownError, inputs, outputs, pcaOutputs, count } = message;
      const [width, height, channels] = image();
      grids['pca-images'].update([split(inputs, count), split(pcaOutputs, count), split(outputs, count)], width, height, channels);
      const ratio = aeError != null && ownError ? ` (${(aeError / ownError).toFixed(3)} × PCA's)` : '';
      $('pca-what').textContent =
        `Rows: test images; PCA with k = ${k}; this model (a ${k}-unit code). This model's test error ${aeError?.toFixed(3) ?? '–'}, PCA-${k}'s ${ownError?.toFixed(3) ?? '–'}${ratio}.`;
    },
    sweep(message) {
      sweep = message;
      showPcaChart();
      const done = message.ks.at(-1);
      $('sweep-status').textContent = `Linear autoencoders trained up to k = ${done} (${message.steps} steps each).`;
    },
  };
}
