// The data column's strip of test samples: the first few as they enter the network, the one the
// diagram shows marked; clicking one selects it.
import { pixelImage } from './image-grid.js';

const COLS = 3;
const ROWS = 4;

export class SampleStrip {
  constructor(canvas, onSelect) {
    this.canvas = canvas;
    canvas.addEventListener('click', (e) => {
      const r = canvas.getBoundingClientRect();
      const [c, row] = [Math.floor(((e.clientX - r.left) / r.width) * COLS), Math.floor(((e.clientY - r.top) / r.height) * ROWS)];
      const index = row * COLS + c;
      if (this.images && index < this.images.count) onSelect(index);
    });
  }

  update({ images, dataset, selected }) {
    this.images = images;
    const ctx = this.canvas.getContext('2d');
    const { width: w, height: h } = this.canvas;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    if (!images || !dataset || dataset.height <= 1) return;
    const { width, height, channels } = dataset;
    const size = width * height * channels;
    const cell = w / COLS;
    const scratch = new OffscreenCanvas(width, height);
    const sctx = scratch.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    for (let i = 0; i < Math.min(COLS * ROWS, images.count); i++) {
      sctx.putImageData(pixelImage(sctx, images.images.subarray(i * size, (i + 1) * size), width, height, channels), 0, 0);
      ctx.drawImage(scratch, (i % COLS) * cell + 2, Math.floor(i / COLS) * cell + 2, cell - 4, cell - 4);
    }
    if (selected < COLS * ROWS) {
      ctx.strokeStyle = '#e69f00';
      ctx.lineWidth = 3;
      ctx.strokeRect((selected % COLS) * cell + 1.5, Math.floor(selected / COLS) * cell + 1.5, cell - 3, cell - 3);
    }
  }
}
