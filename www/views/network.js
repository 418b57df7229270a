// The network diagram, the page's centre: the autoencoder drawn as an hourglass of cards (input,
// corruption, encoder, code, decoder, output), each showing the selected sample's activations, joined
// by their strongest links coloured by sign. − and + on an encoder card change its units (a
// convolution's: its filters), ⊕ adds a layer before it, × removes it (⊕ on an image's input card
// adds a first convolution); clicking a card's title shows its details beside the diagram. An RBM
// stage is drawn as its two layers, outlined together, with straight (undirected) links.
import { describeNetwork, insertLayer, removeLayer, resizeLayer } from './network-model.js';
import { drawUnits, unitCentre } from './network-cells.js';

const POSITIVE = '#0072B2'; // Okabe–Ito blue
const NEGATIVE = '#E69F00'; // Okabe–Ito orange
const STATE_TEXT = { data: 'data', training: 'training', frozen: 'frozen', waiting: 'waiting', idle: 'not used' };

/** A link from p to q, leaving and arriving along the flow (an S-curve, as TensorFlow Playground draws them). */
function curve(ctx, p, q, vertical) {
  const mid = vertical ? (p[1] + q[1]) / 2 : (p[0] + q[0]) / 2;
  ctx.beginPath();
  ctx.moveTo(...p);
  if (vertical) ctx.bezierCurveTo(p[0], mid, q[0], mid, ...q);
  else ctx.bezierCurveTo(mid, p[1], mid, q[1], ...q);
  ctx.stroke();
}

export class NetworkView {
  /** `onLayers(change)`: the user changed the layers ({hidden} or {conv}); `onSelectCard(id)`: a
   * card was clicked. */
  constructor(root, { onLayers, onSelectCard }) {
    Object.assign(this, { root, onLayers, onSelectCard });
    this.row = Object.assign(document.createElement('div'), { className: 'net-row' });
    this.overlay = Object.assign(document.createElement('canvas'), { className: 'net-links' });
    this.overlay.setAttribute('aria-hidden', 'true');
    root.replaceChildren(this.overlay, this.row);
    this.shape = '';
    this.drawn = ''; // the size the links were last drawn at: a resize that changes nothing draws nothing
    new ResizeObserver(() => this.drawLinks(true)).observe(root);
  }

  /** Draws the net for `state` (settings, dataset, network, selectedCard, watch, panels). */
  update({ settings, dataset, network, selectedCard, watch, panels, view }) {
    if (!dataset) return;
    const { cards, links } = describeNetwork(settings, dataset, network);
    const shape = JSON.stringify([cards.map((c) => [c.id, c.units, c.state, Boolean(c.stageDecoder), c.transposeOf, c.rbm]), settings.hidden, settings.conv]);
    // A lesson that hides or locks the layers (`hide=hidden`, `lock=Model`…) hides or locks their buttons.
    const has = (set) => set?.has('hidden') || set?.has('Model');
    const editing = has(view?.hide) ? 'hidden' : has(view?.lock) ? 'locked' : 'open';
    if (shape !== this.shape || editing !== this.editing) this.build(cards, settings, dataset, editing);
    this.editing = editing;
    this.shape = shape;
    this.cards = cards;
    this.links = links;
    this.image = dataset.height > 1 ? dataset : null;
    const max = Math.max(...cards.filter((c) => !c.maps).map((c) => c.units));
    const vertical = this.vertical(); // read once: each card's drawing changes styles, and a read after it lays out again
    for (const card of cards) {
      const el = this.elements.get(card.id);
      el.root.classList.toggle('selected', card.id === selectedCard);
      el.title.setAttribute('aria-pressed', String(card.id === selectedCard));
      el.root.classList.toggle('watched', watch === card.role || (watch === 'encoder' && card.role === 'code'));
      drawUnits(el.canvas, card, this.isImage(card), this.image, max, vertical);
      if (card.stageDecoder) drawUnits(el.stage, { ...card.stageDecoder, role: 'stage' }, card.stageDecoder.image && Boolean(this.image), this.image, max, vertical);
      el.note.textContent = this.note(card, settings, panels);
    }
    this.drawLinks();
  }

  isImage(card) {
    return Boolean(this.image) && ['input', 'noise', 'output'].includes(card.role);
  }

  vertical() {
    return getComputedStyle(this.row).flexDirection === 'column';
  }

  note(card, settings, panels) {
    const parts = [];
    if (card.mu) parts.push('μ | σ | z drawn from N(μ, σ²)');
    const jacobian = panels?.code?.jacobianNorm;
    if (card.phaseCode && settings.contractive > 0 && jacobian != null) parts.push(`‖J‖F ${jacobian.toFixed(2)}`);
    if (card.maps?.pooled && card.role === 'conv') parts.push('2×2 max pooled');
    if (card.sparse) parts.push(`${card.values ? card.values.filter((v) => v !== 0).length : '–'} active`);
    if (card.transposeOf !== undefined && card.role !== 'output') parts.push(`began as W${card.transposeOf + 2}ᵀ`);
    if (card.role === 'output' && card.transposeOf !== undefined) parts.push('began as W1ᵀ');
    return parts.join(' · ');
  }

  /** Builds the cards' elements (once per shape: a new layer, a new phase); the keyboard stays on the
   * button it was on. */
  build(cards, settings, dataset, editing) {
    const focused = this.root.contains(document.activeElement) ? document.activeElement : null;
    const [focusCard, focusLabel] = [focused?.closest('.card')?.dataset.id, focused?.getAttribute('aria-label')];
    this.elements = new Map();
    this.row.replaceChildren(
      ...cards.map((card) => {
        const root = Object.assign(document.createElement('figure'), { className: 'card' });
        Object.assign(root.dataset, { role: card.role, state: card.state, id: card.id });
        if (card.transposeOf !== undefined) root.dataset.assembled = ''; // fine-tuning's decoder, begun as transposes
        if (card.rbm) root.dataset.rbm = card.rbm; // an RBM stage's visible or hidden layer
        const title = Object.assign(document.createElement('button'), { type: 'button', className: 'card-title' });
        title.textContent = `${card.label} · ${card.maps ? `${card.maps.channels}@${card.maps.height}×${card.maps.width}` : card.units}`;
        // The accessible name starts with the visible title (what a voice user reads out).
        const size = card.maps ? `${title.textContent}: ${card.maps.channels} maps of ${card.maps.height}×${card.maps.width}` : `${card.label}: ${card.units} units`;
        title.setAttribute('aria-label', `${size}, ${STATE_TEXT[card.state]}; show details`);
        title.onclick = () => this.onSelectCard(card.id);
        title.setAttribute('aria-controls', 'layer-details');
        const canvas = Object.assign(document.createElement('canvas'), { className: 'units' });
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${card.label}'s activations for the selected sample`);
        const note = Object.assign(document.createElement('figcaption'), { className: 'card-note' });
        root.append(title, canvas, note);
        if (['frozen', 'waiting', 'idle'].includes(card.state)) root.append(Object.assign(document.createElement('span'), { className: 'card-state', textContent: STATE_TEXT[card.state] }));
        if (card.rbm === 'hidden') root.append(Object.assign(document.createElement('span'), { className: 'card-stage', textContent: 'RBM: one weight matrix, both ways; no decoder' }));
        let stage = null;
        if (card.stageDecoder) {
          stage = Object.assign(document.createElement('canvas'), { className: 'units stage' });
          stage.setAttribute('role', 'img');
          stage.setAttribute('aria-label', card.stageDecoder.label);
          root.append(Object.assign(document.createElement('span'), { className: 'card-stage', textContent: card.stageDecoder.label }), stage);
        }
        const editable = card.layer !== undefined || (card.role === 'input' && dataset.height > 1 && !settings.conv?.length);
        if (editable && editing !== 'hidden') root.append(this.editButtons(card, cards, settings, editing === 'locked'));
        this.elements.set(card.id, { root, canvas, note, stage, title });
        return root;
      }),
    );
    const again = this.elements.get(focusCard)?.root.querySelector(`[aria-label="${focusLabel}"]`) ?? this.elements.get(focusCard)?.title;
    if (focused && again) again.focus();
  }

  /** − and + for the units of a dense encoder layer (its decoder mirror follows) or the filters of a
   * convolution, ⊕ for a layer before it, × to remove it; on an image's input card, ⊕ for a first
   * convolution. */
  editButtons(card, cards, settings, locked) {
    const box = Object.assign(document.createElement('div'), { className: 'card-edit' });
    const button = (text, label, key, list) => {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text, className: 'small', title: label });
      b.setAttribute('aria-label', label);
      b.disabled = locked || JSON.stringify(list) === JSON.stringify(settings[key] ?? []);
      b.onclick = () => this.onLayers({ [key]: list });
      return b;
    };
    const conv = settings.conv ?? [];
    if (card.role === 'input') {
      box.append(button('⊕', 'add a convolutional layer after the input', 'conv', [{ filters: 16, kernel: 3, stride: 2 }]));
      return box;
    }
    if (card.convIndex !== undefined) {
      const i = card.convIndex;
      const filters = (by) => resizeLayer(conv.map((l) => l.filters), i, by);
      const withFilters = (list) => conv.map((l, j) => ({ ...l, filters: list[j] <= 512 ? list[j] : l.filters }));
      box.append(
        button('−', `fewer filters in ${card.label}`, 'conv', withFilters(filters(-1))),
        button('+', `more filters in ${card.label}`, 'conv', withFilters(filters(1))),
        button('⊕', `add a convolutional layer before ${card.label}`, 'conv', [...conv.slice(0, i), { filters: conv[i].filters, kernel: 3, stride: 1 }, ...conv.slice(i)]),
        button('×', `remove ${card.label}`, 'conv', conv.filter((_, j) => j !== i)),
      );
      return box;
    }
    const { hidden } = settings;
    const i = card.hiddenIndex;
    const before = cards[cards.indexOf(card) - 1].units; // the width under this layer
    box.append(
      button('−', `fewer units in ${card.label}`, 'hidden', resizeLayer(hidden, i, -1)),
      button('+', `more units in ${card.label}`, 'hidden', resizeLayer(hidden, i, 1)),
      button('⊕', `add a layer before ${card.label}`, 'hidden', insertLayer(hidden, i, before)),
      button('×', `remove ${card.label}`, 'hidden', removeLayer(hidden, i)),
    );
    return box;
  }

  /** The strongest links between neighbouring cards, on one canvas over the row (`resized`: only if
   * the row's size changed since they were last drawn). */
  drawLinks(resized = false) {
    if (!this.cards) return;
    const box = this.root.getBoundingClientRect();
    const size = `${box.width}×${box.height}`;
    if (resized && size === this.drawn) return;
    this.drawn = size;
    const ratio = devicePixelRatio || 1;
    Object.assign(this.overlay, { width: Math.round(box.width * ratio), height: Math.round(box.height * ratio) });
    const ctx = this.overlay.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, box.width, box.height);
    const vertical = this.vertical();
    // Each card's canvas measured once (not once a link).
    const rects = new Map(this.cards.map((card) => [card.id, this.elements.get(card.id).canvas.getBoundingClientRect()]));
    const largest = Math.max(1e-9, ...this.links.map((l) => l?.largest ?? 0));
    this.cards.slice(1).forEach((to, i) => {
      const from = this.cards[i];
      const [a, b] = [rects.get(from.id), rects.get(to.id)];
      const link = this.links[i];
      const edge = (rect, card, unit, end) => unitCentre(rect, card, this.isImage(card), this.image, unit, vertical, end, box);
      if (!link) {
        // Not known here (a frozen layer, a layer still waiting, the corruption): one faint band.
        ctx.strokeStyle = from.role === 'input' && to.role === 'noise' ? '#b3261e' : '#c8ccd0';
        ctx.setLineDash(to.state === 'waiting' ? [4, 4] : []);
        ctx.lineWidth = 1.5;
        const [p, q] = [edge(a, from, -1, 'out'), edge(b, to, -1, 'in')];
        ctx.beginPath();
        ctx.moveTo(...p);
        ctx.lineTo(...q);
        ctx.stroke();
        ctx.setLineDash([]);
        return;
      }
      for (let k = link.weight.length - 1; k >= 0; k--) {
        const w = link.weight[k];
        const strength = Math.abs(w) / largest;
        ctx.strokeStyle = w > 0 ? POSITIVE : NEGATIVE;
        ctx.globalAlpha = 0.08 + 0.6 * strength;
        ctx.lineWidth = 0.4 + 1.6 * strength;
        const [p, q] = [edge(a, from, link.from[k], 'out'), edge(b, to, link.to[k] % to.units, 'in')];
        if (link.undirected) {
          // An RBM's links have no direction: straight, not flowing from one side to the other.
          ctx.beginPath();
          ctx.moveTo(...p);
          ctx.lineTo(...q);
          ctx.stroke();
        } else curve(ctx, p, q, vertical);
      }
      ctx.globalAlpha = 1;
    });
  }
}
