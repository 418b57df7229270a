// The "Few labels" panel: a label budget, and three classifiers trained on that many labelled
// samples (a softmax on the raw inputs, on the frozen code, with the encoder fine-tuned), their test
// accuracies added to a chart and a table at each press.
import { LineChart } from './views/line-chart.js';

const $ = (id) => document.getElementById(id);
const LABEL_BUDGETS = [10, 20, 50, 100, 200, 500, 1000];

/** Wires the panel; returns the handler of the worker's `ready` message. */
export function installLabelsPanel(controller) {
  const chart = new LineChart($('labels-chart'), {
    x: 'labels',
    y: 'test accuracy',
    logX: 10,
    xRange: [10, 1000],
    yRange: [0, 1],
    series: [{ label: 'raw inputs' }, { label: 'frozen code', dash: [6, 3] }, { label: 'fine-tuned encoder' }],
    table: $('labels-table'),
  });
  let accuracies = new Map(); // labels → {raw, frozenCode, fineTuned}
  const show = () => {
    const xs = [...accuracies.keys()].sort((a, b) => a - b);
    chart.setData([xs, ...['raw', 'frozenCode', 'fineTuned'].map((key) => xs.map((x) => accuracies.get(x)[key]))]);
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
      show();
      const pct = (v) => `${(100 * v).toFixed(1)}%`;
      $('labels-status').textContent = `${result.labels} labels: raw inputs ${pct(result.raw)}, frozen code ${pct(result.frozenCode)}, fine-tuned encoder ${pct(result.fineTuned)}.`;
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
