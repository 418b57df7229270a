// The "Linear autoencoder and PCA" panel: PCA's test error against k beside linear autoencoders'
// and this model's, and test images above their PCA and autoencoder reconstructions.
import { ImageGrid } from '../views/image-grid.js';
import { LineChart } from '../views/line-chart.js';

const $ = (id) => document.getElementById(id);
const split = (values, count, size = values.length / count) => Array.from({ length: count }, (_, i) => values.subarray(i * size, (i + 1) * size));

/** Wires the panel; returns the handlers of the worker's `ready`, `pca` and `sweep` messages. */
export function installPcaPanel(controller, image) {
  const images = new ImageGrid($('pca-images'), { size: 56 });
  // Made when first shown: uPlot cannot lay out a chart inside a closed <details>.
  let chart = null;
  let pca = null; // the last PCA message
  let sweep = null; // {ks, errors} of the linear autoencoders
  const show = () => {
    if (!pca) return;
    chart ??= new LineChart($('pca-chart'), {
      x: 'k',
      y: 'test error',
      logX: 2,
      logY: true,
      xRange: [1, 64],
      series: [{ label: 'PCA-k' }, { label: 'linear autoencoder', points: true }, { label: 'this model', points: true }],
      table: $('pca-table'),
    });
    const xs = [...new Set([...pca.ks, pca.k, ...(sweep?.ks ?? [])])].sort((a, b) => a - b);
    const at = (ks, values, k) => (ks.includes(k) ? values[ks.indexOf(k)] : null);
    chart.setData([
      xs,
      xs.map((k) => at(pca.ks, pca.errors, k) ?? (k === pca.k ? pca.ownError : null)),
      xs.map((k) => (sweep ? at(sweep.ks, sweep.errors, k) : null)),
      xs.map((k) => (k === pca.k ? pca.aeError : null)),
    ]);
  };
  $('pca-panel').addEventListener('toggle', (e) => {
    controller.request({ type: 'show', wanted: { pca: e.target.open } }).catch(() => {});
  });
  $('linear-sweep').onclick = async () => {
    $('linear-sweep').disabled = true;
    $('sweep-status').textContent = 'Training a linear autoencoder for each k…';
    try {
      sweep = await controller.request({ type: 'linearSweep' });
      show();
    } catch {
      // the message area says why
    } finally {
      $('linear-sweep').disabled = false;
    }
  };
  return {
    ready() {
      [pca, sweep] = [null, null];
    },
    pca(message) {
      pca = message;
      show();
      const { k, aeError, ownError, inputs, outputs, pcaOutputs, count } = message;
      const [width, height, channels] = image();
      images.update([split(inputs, count), split(pcaOutputs, count), split(outputs, count)], width, height, channels);
      const ratio = aeError != null && ownError ? ` (${(aeError / ownError).toFixed(3)} × PCA's)` : '';
      $('pca-what').textContent =
        `Rows: test images; PCA with k = ${k}; this model (a ${k}-unit code). This model's test error ${aeError?.toFixed(3) ?? '–'}, PCA-${k}'s ${ownError?.toFixed(3) ?? '–'}${ratio}.`;
    },
    sweep(message) {
      sweep = message;
      show();
      $('sweep-status').textContent = `Linear autoencoders trained up to k = ${message.ks.at(-1)} (${message.steps} steps each).`;
    },
  };
}
