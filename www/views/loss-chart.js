// The loss chart: train and test loss against the step, drawn by uPlot on a log scale.
// uPlot comes from vendor/uPlot.iife.min.js, loaded by the page before this module runs.
const { uPlot } = globalThis;

// Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
const TRAIN = '#0072B2';
const TEST = '#D55E00';

export class LossChart {
  constructor(container) {
    this.container = container;
    this.data = [[], [], []];
    this.plot = new uPlot(this.options(), this.data, container);
    new ResizeObserver(() => this.plot.setSize(this.size())).observe(container);
  }

  size() {
    return { width: Math.max(240, this.container.clientWidth), height: 260 };
  }

  options() {
    return {
      ...this.size(),
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ label: 'step' }, { label: 'loss', size: 60 }],
      series: [
        { label: 'step' },
        { label: 'train', stroke: TRAIN, width: 2, spanGaps: true },
        { label: 'test', stroke: TEST, width: 2, dash: [6, 3], spanGaps: true, points: { show: true, size: 4 } },
      ],
    };
  }

  reset() {
    this.data = [[], [], []];
    this.plot.setData(this.data);
  }

  /** Puts back saved points ([steps, train, test]). */
  restore(data) {
    this.data = data;
    this.plot.setData(this.data);
  }

  /** Adds one point; either loss may be null when it was not measured at this step. */
  update({ step, trainLoss, testLoss }) {
    const [steps, train, test] = this.data;
    if (steps.length && steps[steps.length - 1] === step) {
      train[train.length - 1] ??= trainLoss;
      test[test.length - 1] ??= testLoss;
    } else {
      steps.push(step);
      train.push(trainLoss ?? null);
      test.push(testLoss ?? null);
    }
    this.plot.setData(this.data);
  }
}
