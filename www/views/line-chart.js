// A small uPlot line chart (‖J‖ over time, PCA against the linear autoencoder, accuracy against the
// label budget) with a table beside it as its text alternative. The chart is made when it comes near
// the screen (charting.js), and keeps the data it is given until then.
import { whenInView } from './charting.js';

// Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
export const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];

export class LineChart {
  /** `series`: [{label, points?, dash?, colour?}]; `x`/`y`: axis labels; `logX`: a log x axis of that base (2 or 10), `logY`: a log y axis;
   * `xRange`: fixed ends of the x axis (a log axis needs them while it has no data); `height` in pixels. */
  constructor(container, { x, y, series, logX = false, logY = false, xRange, yRange, table = null, digits = 3, height = 200 }) {
    this.container = container;
    this.height = height;
    this.table = table;
    this.logY = logY;
    this.digits = digits;
    this.labels = [x, ...series.map((s) => s.label)];
    this.data = [[], ...series.map(() => [])];
    const options = {
      ...this.size(),
      scales: { x: { time: false, distr: logX ? 3 : 1, log: logX || 10, range: xRange }, y: { distr: logY ? 3 : 1, range: yRange } },
      axes: [{ label: x }, { label: y, size: 60 }],
      series: [
        { label: x },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.colour ?? COLOURS[i % COLOURS.length],
          width: 2,
          dash: s.dash,
          spanGaps: true,
          points: { show: true, size: s.points ? 7 : 4 },
          ...(s.points ? { paths: () => null } : {}),
        })),
      ],
    };
    this.plot = null;
    whenInView(container, (uPlot) => {
      this.plot = new uPlot({ ...options, ...this.size() }, this.drawn(this.data), container);
      new ResizeObserver(() => this.plot.setSize(this.size())).observe(container);
    });
  }

  /** The columns as drawn: a log scale has no place for 0 (PCA with every component reconstructs
   * exactly, to rounding: uPlot's log axis fails on values as small as 1e-29); the table shows them. */
  drawn(columns) {
    return this.logY ? columns.map((c, i) => (i === 0 ? c : c.map((v) => (v > 1e-9 ? v : null)))) : columns;
  }

  size() {
    return { width: Math.max(240, this.container.clientWidth), height: this.height };
  }

  /** Columns: [xs, ys of series 1, …]; a missing value is null. */
  setData(columns) {
    this.data = columns;
    this.plot?.setData(this.drawn(columns));
    if (!this.table) return;
    const head = this.table.createTHead();
    head.replaceChildren(row('th', this.labels));
    const fmt = (v) => (v == null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(this.digits));
    const body = this.table.tBodies[0] ?? this.table.createTBody();
    body.replaceChildren(...columns[0].map((_, i) => row('td', columns.map((c) => fmt(c[i])))));
  }
}

function row(cell, values) {
  const tr = document.createElement('tr');
  tr.append(...values.map((v) => Object.assign(document.createElement(cell), { textContent: v })));
  return tr;
}
