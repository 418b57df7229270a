// The reconstructions: test images above what the autoencoder makes of them and, with noise on, the
// same corrupted as in training between them; in compare mode B's outputs (and its corrupted inputs)
// in rows below A's. Pointing at a column sends that sample through the network diagram. A later
// pretraining stage reconstructs the code below it, drawn as a square tile; an RBM stage's outputs
// are one Gibbs step from the inputs.
import { ImageGrid } from './image-grid.js';

const $ = (id) => document.getElementById(id);

export class ReconstructionsView {
  constructor(canvas, onSelect) {
    this.canvas = canvas;
    this.grid = new ImageGrid(canvas, { size: 42 });
    this.partner = null;
    canvas.addEventListener('pointermove', (e) => {
      if (!this.count) return;
      const r = canvas.getBoundingClientRect();
      const column = Math.min(this.count - 1, Math.floor(((e.clientX - r.left) / r.width) * this.count));
      if (column !== this.pointed) onSelect(column);
      this.pointed = column;
    });
  }

  /** B's latest `compared` message (its pixels and corrupted inputs), or null: drawn with A's next;
   * `apart` when one of them rebuilds another thing (a later stage's codes): B's rows wait. */
  setPartner(partner, apart = false) {
    this.partner = partner?.pixels ? { ...partner, apart } : null;
    if (this.last) this.update(...this.last);
  }

  update({ count, pixels, corrupted, gibbs }, dataset) {
    this.last = [{ count, pixels, corrupted, gibbs }, dataset];
    const size = pixels.length / (2 * count);
    let [width, height, channels] = [dataset.width, dataset.height, dataset.channels];
    const own = size === width * height * channels;
    if (!own) [width, height, channels] = [Math.ceil(Math.sqrt(size)), Math.ceil(size / Math.ceil(Math.sqrt(size))), 1];
    const image = (values, i) => {
      const tile = new Float32Array(width * height * channels);
      tile.set(values.subarray(i * size, (i + 1) * size));
      return tile;
    };
    const row = (values, first) => Array.from({ length: count }, (_, i) => image(values, first + i));
    // With noise on: the clean inputs, the same corrupted as in training, and what the net makes of those.
    const noisy = corrupted?.length > 0;
    const rows = noisy ? [row(pixels, 0), row(corrupted, 0), row(corrupted, count)] : [row(pixels, 0), row(pixels, count)];
    // B's rows, when its samples are A's (not while one of them pretrains a later stage).
    const b = this.partner;
    const withB = Boolean(b) && !b.apart && b.pixels.length === pixels.length;
    const bNoisy = withB && b.corrupted.length > 0;
    if (withB) rows.push(...(bNoisy ? [row(b.corrupted, 0), row(b.corrupted, count)] : [row(b.pixels, count)]));
    this.grid.update(rows, width, height, channels);
    this.count = count;
    const said = (noise) => (noise ? 'corrupted as in training, then the outputs' : 'the outputs');
    $('recon-middle').textContent = withB ? '' : noisy ? ' Middle: corrupted as in training.' : '';
    // An RBM stage reconstructs by one mean-field Gibbs step: v → p(h|v) → E[v|h].
    $('recon-bottom').textContent = withB ? '' : gibbs ? 'them after one Gibbs step of the RBM, v → h → v′, taken in means' : noisy ? 'the corrupted ones' : 'them';
    $('recon-compare').textContent = withB ? `Rows: the test inputs; A: ${said(noisy)}; B: ${said(bNoisy)}.` : b ? 'B’s rows come back when both reconstruct the same inputs (one of them is pretraining a later stage).' : '';
    $('recon-plain').hidden = withB;
    // For the page-load benchmark (scripts/bench.mjs): when reconstructions first appear.
    if (!performance.getEntriesByName('first-reconstruction').length) performance.mark('first-reconstruction');
    const what = dataset.height > 1 ? 'test images' : `test samples (${size} values each, drawn as grey levels)`;
    $('recon-what').textContent = own ? what : `codes of the stage below (${size} units)`;
  }
}
