// The loss chart: train and test loss against the step on a log scale and, when the objective has
// penalties (a VAE's KL, L1, KL sparsity, contractive), each term apart for train (solid) and test
// (dashed), so that a student sees which part of the objective moves. In compare mode B's train and
// test losses take the terms' place. With a learning-rate schedule, the rate is a thin grey line on
// an axis of its own (right). Drawn by uPlot once the chart comes near the screen (charting.js); its
// points are kept until then. The columns: step, train, test, each term's train and test, the rate.
import { whenInView } from './charting.js';

// Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
const TRAIN = '#0072B2';
const TEST = '#D55E00';
const TERMS = [
  { key: 'loss', label: 'reconstruction', colour: '#009E73', on: () => true },
  { key: 'vaeKl', label: 'VAE KL', colour: '#CC79A7', on: (s) => s.variational },
  { key: 'l1', label: 'L1', colour: '#56B4E9', on: (s) => s.l1 > 0 },
  { key: 'klSparsity', label: 'KL sparsity', colour: '#E69F00', on: (s) => s.klWeight > 0 },
  { key: 'contractive', label: 'contractive', colour: '#000000', on: (s) => s.contractive > 0 },
];

// Compare mode's model B: two series drawn as a term's are (train solid, test dashed).
const PARTNER = { key: 'b', label: 'B', colour: '#CC79A7' };
const RATE = '#6b7075';

/** The terms of the objective for these settings; none apart when it is the loss alone. */
export function termsOf(settings) {
  const on = TERMS.filter((t) => t.on(settings));
  return on.length > 1 ? on : [];
}

export class LossChart {
  /** `key`: the element for the series' key, a line under the chart (uPlot's own legend would push
   * the page down as it grows). */
  constructor(container, height = 150, key = null) {
    Object.assign(this, { container, height, terms: [], showRate: false, key: key ?? document.createElement('p') });
    this.data = [[], [], [], []];
    this.plot = null;
    this.showKey();
    whenInView(container, (uPlot) => {
      this.uPlot = uPlot;
      this.draw();
      new ResizeObserver(() => this.plot.setSize(this.size())).observe(container);
    });
  }

  /** Makes the chart anew for the current series (once uPlot is in). */
  draw() {
    if (!this.uPlot) return;
    this.plot?.destroy();
    this.plot = new this.uPlot(this.options(), this.data, this.container);
  }

  size() {
    return { width: Math.max(240, this.container.clientWidth), height: this.height };
  }

  options() {
    const termSeries = this.terms.flatMap((t) => [
      { label: `${t.label} (train)`, stroke: t.colour, width: 1.5, spanGaps: true },
      { label: `${t.label} (test)`, stroke: t.colour, width: 1.5, dash: [4, 3], spanGaps: true },
    ]);
    return {
      ...this.size(),
      scales: { x: { time: false }, y: { distr: 3 }, rate: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      legend: { show: false },
      axes: [{ label: 'step', size: 36 }, { size: 50 }, { scale: 'rate', side: 1, size: 50, grid: { show: false }, show: this.showRate }],
      series: [
        { label: 'step' },
        { label: 'train', stroke: TRAIN, width: 2, spanGaps: true },
        { label: 'test', stroke: TEST, width: 2, dash: [6, 3], spanGaps: true, points: { show: true, size: 4 } },
        ...termSeries,
        { label: 'learning rate', scale: 'rate', stroke: RATE, width: 1, spanGaps: true, points: { show: false }, show: this.showRate },
      ],
    };
  }

  /** Starts afresh, with the terms of `settings` (when given) as their own series, or B's losses
   * when `comparing`. */
  reset(settings, comparing = false) {
    const terms = settings ? (comparing ? [PARTNER] : termsOf(settings)) : this.terms;
    const showRate = settings ? settings.schedule !== 'constant' : this.showRate;
    const changed = terms.map((t) => t.key).join() !== this.terms.map((t) => t.key).join() || showRate !== this.showRate;
    Object.assign(this, { terms, showRate });
    this.data = Array.from({ length: 4 + 2 * this.terms.length }, () => []);
    if (changed) this.draw();
    else this.plot?.setData(this.data);
    this.showKey();
  }

  showKey() {
    const swatch = (colour, text) => {
      const line = Object.assign(document.createElement('span'), { className: 'key' });
      line.style.background = colour;
      const span = document.createElement('span');
      span.append(line, ` ${text}`);
      return span;
    };
    const comparing = this.terms[0] === PARTNER;
    const parts = [swatch(TRAIN, comparing ? 'A train' : 'train'), swatch(TEST, comparing ? 'A test' : 'test'), ...this.terms.map((t) => swatch(t.colour, t.label))];
    if (this.showRate) parts.push(swatch(RATE, comparing ? 'A’s learning rate (right axis)' : 'learning rate (right axis)'));
    this.key.replaceChildren(...parts.flatMap((p, i) => (i ? [' ', p] : [p])));
    if (this.terms.length) this.key.append(comparing ? ' (train solid, test dashed)' : ' (terms: train solid, test dashed)');
  }

  /** Puts back saved points ([steps, train, test, each term's train and test, the rate]; points
   * saved before the rate was kept have none). */
  restore(data) {
    const width = 4 + 2 * this.terms.length;
    this.data = Array.from({ length: width }, (_, i) => data[i] ?? data[0].map(() => null));
    this.plot?.setData(this.data);
  }

  /** Adds one point; a loss (or the terms) may be missing when not measured at this step. */
  update({ step, trainLoss, testLoss, terms, learningRate }) {
    this.add(step, [trainLoss, testLoss, ...this.terms.flatMap((t) => [terms?.train[t.key], terms?.test[t.key]]), learningRate]);
  }

  /** B's losses at its step (compare mode), beside A's at the same step or at a step of its own. */
  updatePartner({ step, trainLoss, testLoss }) {
    if (this.terms[0] === PARTNER) this.add(step, [trainLoss, testLoss], 2);
  }

  /** Puts `values` into the series from number `first` on, in `step`'s row: a new row for a new step;
   * a step older than the last is dropped (A's last step reported again while B trains on). A log
   * scale has no place for 0: a term at 0 is left out. */
  add(step, values, first = 0) {
    const [steps, ...series] = this.data;
    let row = steps.lastIndexOf(step);
    if (row < 0) {
      if (steps.length && step < steps.at(-1)) return;
      steps.push(step);
      series.forEach((s) => s.push(null));
      row = steps.length - 1;
    }
    values.forEach((v, i) => (series[first + i][row] ??= v > 0 ? v : null));
    this.plot?.setData(this.data);
  }

  /** Compare mode on or off, the points so far kept: B's two series in the terms' place, or the
   * terms of `settings` back (empty until the next points). */
  setPartner(on, settings) {
    const terms = on ? [PARTNER] : termsOf(settings);
    if (terms.map((t) => t.key).join() === this.terms.map((t) => t.key).join()) return;
    const kept = this.data.slice(0, 3);
    this.terms = terms;
    this.data = [...kept, ...Array.from({ length: 2 * terms.length }, () => kept[0].map(() => null)), this.data.at(-1)];
    this.draw();
    this.showKey();
  }
}
