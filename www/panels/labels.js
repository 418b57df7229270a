// The "Few labels" panel: a label budget, and classifiers given that many labelled samples: a
// softmax on the raw inputs, on the frozen code and with the encoder fine-tuned; the nearest labelled
// neighbour (1-NN) on the pixels and on the code; label spreading over PCA's coordinates (as many as
// the code's units) and over the code, which uses the unlabelled samples too; and the Γ-model (the
// encoder fine-tuned with a denoising cost on unlabelled samples). Their test accuracies
// go on a chart and a table at each press: the label-budget curves.
import { COLOURS, LineChart } from '../views/line-chart.js';

const $ = (id) => document.getElementById(id);
const LABEL_BUDGETS = [10, 20, 50, 100, 200, 500, 1000];
// Each readout, by its features' colour (pixels, PCA, the code, the fine-tuned encoder) and its kind
// (softmax solid, 1-NN dotted, spreading dashed).
const [PIXELS, PCA, CODE, TUNED, GAMMA] = COLOURS;
const READOUTS = [
  { label: 'pixels, softmax', colour: PIXELS, read: (r) => r.raw },
  { label: 'pixels, 1-NN', colour: PIXELS, dash: [2, 3], read: (r) => r.nearest.raw },
  { label: 'PCA, spreading', colour: PCA, dash: [6, 3], read: (r) => r.spread.pca },
  { label: 'code, softmax', colour: CODE, read: (r) => r.frozenCode },
  { label: 'code, 1-NN', colour: CODE, dash: [2, 3], read: (r) => r.nearest.code },
  { label: 'code, spreading', colour: CODE, dash: [6, 3], read: (r) => r.spread.code },
  { label: 'encoder fine-tuned, softmax', colour: TUNED, read: (r) => r.fineTuned },
  { label: 'Γ-model (ladder)', colour: GAMMA, read: (r) => r.gamma },
];

/** Wires the panel; returns the handler of the worker's `ready` message. */
export function installLabelsPanel(controller) {
  const chart = new LineChart($('labels-chart'), {
    x: 'labels',
    y: 'test accuracy',
    logX: 10,
    xRange: [10, 1000],
    yRange: [0, 1],
    series: READOUTS.map(({ label, colour, dash }) => ({ label, colour, dash })),
    table: $('labels-table'),
  });
  let accuracies = new Map(); // labels → the worker's answer
  const show = () => {
    const xs = [...accuracies.keys()].sort((a, b) => a - b);
    chart.setData([xs, ...READOUTS.map(({ read }) => xs.map((x) => read(accuracies.get(x))))]);
  };
  const budget = () => LABEL_BUDGETS[Number($('label-budget').value)];
  $('label-budget').addEventListener('input', () => {
    $('label-count').value = budget();
    $('label-budget').setAttribute('aria-valuetext', `${budget()} labels`);
  });
  $('few-labels').onclick = async () => {
    const labels = budget();
    $('few-labels').disabled = true;
    $('labels-status').textContent = `Training the classifiers and the Γ-model on ${labels} labels, and spreading them over every sample…`;
    try {
      const result = await controller.request({ type: 'fewLabels', labels });
      accuracies.set(result.labels, result);
      show();
      const pct = (v) => `${(100 * v).toFixed(1)}%`;
      const best = READOUTS.reduce((a, b) => ((b.read(result) ?? -1) > (a.read(result) ?? -1) ? b : a));
      const gamma = result.gamma == null ? `no Γ-model: ${result.gammaNote}` : `Γ-model ${pct(result.gamma)}`;
      $('labels-status').textContent = `${result.labels} labels: raw inputs ${pct(result.raw)}, frozen code ${pct(result.frozenCode)}, fine-tuned encoder ${pct(result.fineTuned)}; spread over the code ${pct(result.spread.code)}, over PCA-${result.pcaWidth} ${pct(result.spread.pca)}; ${gamma}. Best: ${best.label}, ${pct(best.read(result))}.`;
    } catch (e) {
      $('labels-status').textContent = e.message;
    } finally {
      $('few-labels').disabled = false;
    }
  };
  return {
    ready() {
      accuracies = new Map();
      show();
      $('labels-status').textContent = '';
    },
  };
}
