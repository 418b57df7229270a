// The details of the card clicked in the network diagram: what the layer is and does in this phase,
// a histogram of the selected sample's activations, the first layer's filters, and at the code the
// mean activation ρ̂ of each unit against the sparsity target ρ, ‖J‖ and a VAE's μ and σ.
import { describeNetwork } from './network-model.js';
import { ImageGrid } from './image-grid.js';

const BINS = 20;
const FILTERS = 16;

export class LayerDetails {
  constructor(root) {
    this.root = root;
    this.title = root.querySelector('.details-title');
    this.text = root.querySelector('.details-text');
    this.histogram = root.querySelector('.details-histogram');
    this.filters = new ImageGrid(root.querySelector('.details-filters'), { size: 36 });
    this.filtersCanvas = root.querySelector('.details-filters');
    this.rho = root.querySelector('.details-rho');
  }

  update({ settings, dataset, network, selectedCard, panels }) {
    if (!dataset) return;
    const { cards } = describeNetwork(settings, dataset, network);
    const card = cards.find((c) => c.id === selectedCard) ?? cards.find((c) => c.phaseCode) ?? cards.find((c) => c.role === 'code');
    this.title.textContent = `${card.label}: ${card.units} ${card.role === 'input' || card.role === 'noise' || card.role === 'output' ? 'values' : 'units'}${card.activation ? `, ${card.activation}` : ''} (${card.state})`;
    this.text.textContent = this.explain(card, panels, settings);
    this.drawHistogram(card.values);
    const means = card.phaseCode ? panels.code?.meanCode : null;
    this.rho.hidden = !means;
    if (means) this.drawRho(means, settings.klWeight > 0 ? settings.klTarget : null);
    // The first layer's filters drawn as images: a dense layer's in the image's shape, a
    // convolution's as its K × K windows (in the input's colours).
    const firstId = settings.conv?.length ? 'conv0' : 'enc0';
    const first = card.id === firstId && panels.filters?.count > 0 && dataset.height > 1;
    this.filtersCanvas.hidden = !first;
    if (first) {
      const { values, count, width, height, channels } = panels.filters;
      const shown = Math.min(FILTERS, count);
      const size = values.length / count;
      const scaled = Array.from({ length: shown }, (_, i) => {
        const f = values.subarray(i * size, (i + 1) * size);
        const m = Math.max(1e-9, ...Array.from(f, Math.abs));
        return Float32Array.from(f, (v) => 0.5 + (0.5 * v) / m);
      });
      this.filters.update([scaled.slice(0, 8), scaled.slice(8)].filter((r) => r.length), width ?? dataset.width, height ?? dataset.height, channels ?? dataset.channels);
    }
  }

  explain(card, panels, settings) {
    const code = panels.code;
    const lines = [];
    if (card.state === 'frozen') lines.push('Frozen: trained in an earlier stage, it only passes its code up.');
    if (card.state === 'waiting') lines.push('Waiting: it is trained in a later phase.');
    if (card.state === 'idle') lines.push('Done: the classifier phase trains a softmax head on the code and leaves the decoder as it is.');
    if (card.stageDecoder) lines.push('This stage trains this layer with a decoder of its own, which rebuilds the layer below from its code.');
    if (card.transposeOf !== undefined) lines.push('At assembly this decoder layer started as the transpose of its encoder layer; fine-tuning now trains the whole net.');
    if (card.phaseCode && code?.meanCode) {
      const rho = code.meanCode.map((v) => v.toFixed(2)).slice(0, 16).join(' ');
      lines.push(`Mean activation ρ̂ per unit on the test set: ${rho}${code.meanCode.length > 16 ? ' …' : ''}${settings.klWeight > 0 ? ` (target ρ = ${settings.klTarget})` : ''}.`);
      if (code.jacobianNorm != null) lines.push(`Encoder Jacobian ‖J‖F = ${code.jacobianNorm.toFixed(3)}${settings.contractive > 0 ? ', pulled down by the contractive penalty' : ''}.`);
    }
    if (card.mu) lines.push(`μ: ${fmt(card.mu)}; σ: ${fmt(card.sigma)}; the code z is drawn from N(μ, σ²).`);
    if (card.sparse) lines.push(`k-sparse: only the ${settings.kSparse} largest units are kept.`);
    return lines.join(' ');
  }

  /** ρ̂ of each code unit as a bar, the target ρ as a dashed line. */
  drawRho(means, target) {
    const ctx = this.rho.getContext('2d');
    const { width: w, height: h } = this.rho;
    ctx.clearRect(0, 0, w, h);
    const top = Math.max(1e-6, target ?? 0, ...means);
    const step = w / means.length;
    ctx.fillStyle = '#0072B2';
    means.forEach((m, j) => ctx.fillRect(j * step + (step > 3 ? 1 : 0), h - 12 - ((h - 16) * Math.max(0, m)) / top, Math.max(1, step - (step > 3 ? 2 : 0)), ((h - 16) * Math.max(0, m)) / top));
    if (target != null) {
      const y = h - 12 - ((h - 16) * target) / top;
      Object.assign(ctx, { strokeStyle: '#D55E00', lineWidth: 1.5 });
      ctx.setLineDash([5, 3]);
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(w, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    Object.assign(ctx, { fillStyle: '#57606a', font: '10px system-ui' });
    ctx.fillText(`ρ̂ per unit${target != null ? `; ρ = ${target}` : ''}`, 0, h - 1);
  }

  drawHistogram(values) {
    const canvas = this.histogram;
    const ctx = canvas.getContext('2d');
    const { width: w, height: h } = canvas;
    ctx.clearRect(0, 0, w, h);
    if (!values?.length) return;
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const counts = new Array(BINS).fill(0);
    for (const v of values) counts[Math.min(BINS - 1, Math.floor(((v - lo) / (hi - lo || 1)) * BINS))]++;
    const top = Math.max(...counts);
    ctx.fillStyle = '#0072B2';
    counts.forEach((c, i) => ctx.fillRect((i * w) / BINS + 1, h - 14 - ((h - 16) * c) / top, w / BINS - 2, ((h - 16) * c) / top));
    ctx.fillStyle = '#57606a';
    ctx.font = '10px system-ui';
    ctx.fillText(lo.toFixed(2), 0, h - 2);
    ctx.textAlign = 'right';
    ctx.fillText(hi.toFixed(2), w, h - 2);
    ctx.textAlign = 'left';
    canvas.setAttribute('aria-label', `Histogram of ${values.length} activations from ${lo.toFixed(2)} to ${hi.toFixed(2)}`);
  }
}

const fmt = (v) => Array.from(v.slice(0, 6), (x) => x.toFixed(2)).join(' ') + (v.length > 6 ? ' …' : '');
