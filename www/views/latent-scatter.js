// The latent scatter: each test sample's code as a point (the code itself when it has two units, its
// top two principal coordinates otherwise), coloured by label, with a legend, the sample's image under
// the pointer (which it reports, `onPoint`), and a table of each class's mean position as the chart's
// text alternative. It maps the pointer back to the plane (`planeAt`), finds the nearest points
// (`nearest`) and marks a point, the drawn digit's code (`mark`).

import { pixelImage } from './image-grid.js';

// Paul Tol's "muted" scheme and a dark grey: ten colours told apart with common colour-vision deficiencies.
const CLASS_COLOURS = ['#332288', '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499', '#555555'];
const RADIUS = 2.5;
const HIT = 8; // px from a point that still shows it

export class LatentScatter {
  /** `onPoint(i)`: the pointer came to rest on test sample i. */
  constructor({ canvas, caption, legend, table, tip, onPoint }) {
    Object.assign(this, { canvas, caption, legend, table, tip, onPoint });
    this.screen = []; // [x, y] on the canvas per point
    this.images = null;
    canvas.addEventListener('pointermove', (e) => this.hover(e));
    canvas.addEventListener('pointerleave', () => (this.tip.hidden = true));
  }

  /** Names of the classes (an upload's folders), or [] to show the label numbers. */
  setClassNames(names) {
    this.names = names ?? [];
    this.legendKey = null;
  }

  name(c) {
    return this.names?.[c] ?? `${c}`;
  }

  /** The points' images ([count, width·height·channels] values 0..1), for the thumbnails. */
  setImages(images, count, width, height, channels = 1) {
    this.images = { images, count, width, height, channels };
  }

  update(message) {
    const { points, labels, width, projected } = message;
    this.last = message;
    this.labels = labels;
    const n = points.length / 2;
    const ctx = this.canvas.getContext('2d');
    const { width: w, height: h } = this.canvas;
    const xs = Array.from({ length: n }, (_, i) => points[2 * i]);
    const ys = Array.from({ length: n }, (_, i) => points[2 * i + 1]);
    // The view spans the middle 98% of the points (a few far ones would squash the rest into a
    // corner); points beyond it are drawn at its edge. The table gives the exact means.
    const range = (v) => {
      const s = [...v].sort((a, b) => a - b);
      const [lo, hi] = [s[Math.floor(0.01 * (s.length - 1))], s[Math.ceil(0.99 * (s.length - 1))]];
      const pad = (hi - lo || 1) * 0.05;
      return [lo - pad, hi + pad];
    };
    const [[x0, x1], [y0, y1]] = [range(xs), range(ys)];
    const clamp = (t) => Math.min(1, Math.max(0, t));
    const sx = (x) => RADIUS + clamp((x - x0) / (x1 - x0)) * (w - 2 * RADIUS);
    const sy = (y) => h - RADIUS - clamp((y - y0) / (y1 - y0)) * (h - 2 * RADIUS);
    this.frame = { x0, x1, y0, y1, w, h, sx, sy };
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = '#ddd';
    if (x0 < 0 && x1 > 0) ctx.strokeRect(sx(0), 0, 0, h);
    if (y0 < 0 && y1 > 0) ctx.strokeRect(0, sy(0), w, 0);
    this.screen = xs.map((x, i) => [sx(x), sy(ys[i])]);
    this.screen.forEach(([x, y], i) => {
      ctx.fillStyle = labels.length ? CLASS_COLOURS[labels[i] % CLASS_COLOURS.length] : '#332288';
      ctx.beginPath();
      ctx.arc(x, y, RADIUS, 0, 2 * Math.PI);
      ctx.fill();
    });
    if (this.marked) this.drawMark(ctx);
    if (this.cross) this.drawCross(ctx);
    this.caption.textContent = projected
      ? `${n} test codes (${width} units) on their first two principal directions.`
      : `${n} test codes (${width} unit${width === 1 ? ', on a line' : 's, as they are'}).`;
    this.describe(xs, ys, labels);
  }

  /** The plane's point (its own coordinates) under a pointer event. */
  planeAt(event) {
    const { x0, x1, y0, y1, w, h } = this.frame;
    const rect = this.canvas.getBoundingClientRect();
    const [px, py] = [((event.clientX - rect.left) * w) / rect.width, ((event.clientY - rect.top) * h) / rect.height];
    return { x: x0 + ((px - RADIUS) / (w - 2 * RADIUS)) * (x1 - x0), y: y0 + ((h - RADIUS - py) / (h - 2 * RADIUS)) * (y1 - y0), px, py };
  }

  /** The `k` test samples nearest to canvas point (px, py), nearest first. */
  nearest(px, py, k) {
    return this.screen
      .map(([x, y], i) => [(x - px) ** 2 + (y - py) ** 2, i])
      .sort((a, b) => a[0] - b[0])
      .slice(0, k)
      .map(([, i]) => i);
  }

  /** Marks a point of the plane (the drawn digit's code) with a ring, kept across updates; null clears it. */
  mark(point) {
    this.marked = point;
    if (this.last) this.update(this.last);
  }

  /** The keyboard's cross on the plane (a point of it), kept across updates. */
  showCross(point) {
    this.cross = point;
    if (this.last) this.update(this.last);
  }

  drawCross(ctx) {
    const [x, y] = [this.frame.sx(this.cross.x), this.frame.sy(this.cross.y)];
    Object.assign(ctx, { strokeStyle: '#000', lineWidth: 1.5 });
    ctx.beginPath();
    ctx.moveTo(x - 8, y);
    ctx.lineTo(x + 8, y);
    ctx.moveTo(x, y - 8);
    ctx.lineTo(x, y + 8);
    ctx.stroke();
  }

  drawMark(ctx) {
    const { sx, sy } = this.frame;
    ctx.strokeStyle = '#b3261e';
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.arc(sx(this.marked.x), sy(this.marked.y), 7, 0, 2 * Math.PI);
    ctx.stroke();
  }

  /** Legend and table: each class's colour, count and mean position. */
  describe(xs, ys, labels) {
    const classes = new Map();
    xs.forEach((x, i) => {
      const c = labels.length ? labels[i] : 0;
      const s = classes.get(c) ?? { n: 0, x: 0, y: 0 };
      classes.set(c, { n: s.n + 1, x: s.x + x, y: s.y + ys[i] });
    });
    const sorted = [...classes.entries()].sort(([a], [b]) => a - b);
    const key = sorted.map(([c]) => c).join();
    if (key !== this.legendKey) {
      this.legendKey = key;
      this.legend.replaceChildren(
        ...sorted.map(([c]) => {
          const item = document.createElement('li');
          const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
          swatch.style.background = CLASS_COLOURS[c % CLASS_COLOURS.length];
          item.append(swatch, labels.length ? this.name(c) : 'samples (no labels)');
          return item;
        }),
      );
    }
    const cell = (text) => Object.assign(document.createElement('td'), { textContent: text });
    this.table.tBodies[0].replaceChildren(
      ...sorted.map(([c, s]) => {
        const tr = document.createElement('tr');
        tr.append(cell(labels.length ? this.name(c) : '–'), cell(s.n), cell((s.x / s.n).toFixed(3)), cell((s.y / s.n).toFixed(3)));
        return tr;
      }),
    );
  }

  hover(event) {
    const rect = this.canvas.getBoundingClientRect();
    const [px, py] = [((event.clientX - rect.left) * this.canvas.width) / rect.width, ((event.clientY - rect.top) * this.canvas.height) / rect.height];
    let best = -1;
    let bestDistance = HIT * HIT;
    this.screen.forEach(([x, y], i) => {
      const distance = (x - px) ** 2 + (y - py) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [i, distance];
    });
    if (best < 0) {
      this.tip.hidden = true;
      return;
    }
    if (best !== this.pointed) this.onPoint?.(best); // the sample under the pointer goes through the diagram
    this.pointed = best;
    const label = this.labels.length ? `label ${this.name(this.labels[best])}` : '';
    this.tip.replaceChildren();
    const im = this.images;
    if (im && best < im.count) {
      const thumb = document.createElement('canvas');
      [thumb.width, thumb.height] = [im.width, im.height];
      const size = im.width * im.height * im.channels;
      const tctx = thumb.getContext('2d');
      tctx.putImageData(pixelImage(tctx, im.images.subarray(best * size, (best + 1) * size), im.width, im.height, im.channels), 0, 0);
      this.tip.append(thumb);
    }
    this.tip.append(Object.assign(document.createElement('span'), { textContent: `test sample ${best}${label ? `, ${label}` : ''}` }));
    this.tip.style.left = `${event.clientX - rect.left + 12}px`;
    this.tip.style.top = `${event.clientY - rect.top + 12}px`;
    this.tip.hidden = false;
  }
}
