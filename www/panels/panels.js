// The panels beyond loss, reconstructions and latent space: first-layer filters, code activity and
// ‖J‖, interpolation and a VAE's samples and manifold (here), PCA against linear autoencoders
// (pca.js), and accuracy with few labels (labels.js). The worker computes
// (worker/panels.js); these modules only draw.
import { ImageGrid } from '../views/image-grid.js';
import { LineChart } from '../views/line-chart.js';
import { CodeBars } from '../views/code-bars.js';
import { installPcaPanel } from './pca.js';
import { installLabelsPanel } from './labels.js';

const $ = (id) => document.getElementById(id);
const FILTERS_PER_ROW = 8;

/** Splits `values` into `count` images of `size` values each. */
const split = (values, count, size = values.length / count) => Array.from({ length: count }, (_, i) => values.subarray(i * size, (i + 1) * size));
const rowsOf = (images, perRow) => Array.from({ length: Math.ceil(images.length / perRow) }, (_, r) => images.slice(r * perRow, (r + 1) * perRow));

/** Installs the panels; returns the handlers for the worker's messages they draw. */
export function installPanels(controller, dataset) {
  const image = () => [dataset().width, dataset().height, dataset().channels];
  const inside = installInside(image);
  const generating = installGenerating(controller, dataset, image);
  const pca = installPcaPanel(controller, image);
  const labels = installLabelsPanel(controller);
  return {
    ...inside,
    ...generating,
    pca: pca.pca,
    sweep: pca.sweep,
    ready(message) {
      for (const panel of [inside, generating, pca, labels]) panel.ready(message);
    },
  };
}

/** "Inside the model": the first-layer filters, each code unit's mean activation, and ‖J‖ over the steps. */
function installInside(image) {
  const filters = new ImageGrid($('filters'), { size: 42 });
  const bars = new CodeBars($('code-bars'), $('code-table'), $('code-what'));
  const jacobian = new LineChart($('jacobian-chart'), { x: 'step', y: '‖J‖F', series: [{ label: '‖J‖F' }], table: $('jacobian-table') });
  let series = [[], []];
  let seriesPhase = null;
  return {
    ready() {
      series = [[], []];
      jacobian.setData(series);
    },
    filters({ values, count, width: w, height: h, channels: c, conv }) {
      // A convolution's filters are its K × K windows; a dense layer's, the image's shape.
      const [width, height, channels] = w ? [w, h, c] : image();
      $('filters-what').textContent = conv
        ? `The first convolution's filters, a ${w}×${h} window each, slid over the whole image: grey is 0, dark positive, light negative (each scaled to its largest weight).`
        : 'The weights into the first hidden units, one image each: grey is 0, dark positive, light negative (each filter scaled to its largest weight).';
      const scaled = split(values, count).map((w) => {
        const scale = Math.max(1e-12, ...w.map(Math.abs));
        return w.map((v) => 0.5 + v / (2 * scale));
      });
      filters.update(rowsOf(scaled, FILTERS_PER_ROW), width, height, channels);
    },
    code({ step, phase, meanCode, jacobianNorm, target }) {
      bars.update(meanCode, target);
      if (phase !== seriesPhase) series = [[], []]; // each phase has its own encoder
      seriesPhase = phase;
      if (jacobianNorm != null && series[0].at(-1) !== step) {
        series[0].push(step);
        series[1].push(jacobianNorm);
      }
      jacobian.setData(series);
      $('jacobian-views').hidden = jacobianNorm == null;
      $('jacobian-off').hidden = jacobianNorm != null;
    },
  };
}

/** "Generating": interpolation between two test samples' codes, and a VAE's samples and manifold. */
function installGenerating(controller, dataset, image) {
  const grids = Object.fromEntries(['interpolation', 'samples', 'manifold'].map((id) => [id, new ImageGrid($(id), { size: 56 })]));
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
  return {
    ready({ dataset: info }) {
      for (const id of ['interpolate-a', 'interpolate-b']) $(id).max = info.nTest - 1;
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
  };
}
