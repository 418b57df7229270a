// The network diagram's content, worked out without drawing: the cards of the deep autoencoder (input,
// corruption, convolutions, encoder, code, decoder, transposed convolutions, output) with each one's
// state in the current phase (training, frozen, waiting; an RBM stage's pair of layers), its values
// for the selected sample, and the links between cards. A convolution's card is its stack of
// feature maps (`maps`: channels, height, width), the sizes shrinking to the code and growing back.

const noisy = (s) => s.masking > 0 || s.saltPepper > 0 || s.gaussian > 0;

/** Each convolution's output map {channels, height, width, pooled} on an image `shape` (the engine's
 * sizes: padding (k − 1)/2, so stride s makes ⌈size / s⌉; 2×2 max pooling halves it). */
export function convMaps(conv, shape) {
  let [height, width] = [shape.height, shape.width];
  return (conv ?? []).map(({ filters, stride, pool }) => {
    [height, width] = [Math.ceil(height / stride), Math.ceil(width / stride)];
    if (pool) [height, width] = [height / 2, width / 2]; // 2×2 max pooling: the card shows the pooled maps
    return { channels: filters, height, width, pooled: Boolean(pool) };
  });
}

/** The card id of pretraining stage `s` (its encoder layer): a convolution's, then a dense layer's. */
export function stageCard(settings, s) {
  const m = settings.conv?.length ?? 0;
  return s < m ? `conv${s}` : `enc${s - m}`;
}

/** The deep net's cards for `settings` on data of `shape` ({width, height, channels}), before any
 * phase is known. `layer` is a card's pretraining stage; `hiddenIndex` and `convIndex` what its
 * buttons change. */
function skeleton(settings, shape) {
  const dim = shape.width * shape.height * shape.channels;
  const hidden = settings.hidden;
  const n = hidden.length;
  const maps = shape.height > 1 ? convMaps(settings.conv, shape) : [];
  const m = maps.length;
  const units = (map) => map.channels * map.height * map.width;
  const cards = [{ id: 'input', role: 'input', units: dim, label: 'input' }];
  if (noisy(settings)) cards.push({ id: 'noise', role: 'noise', units: dim, label: 'corrupted' });
  maps.forEach((map, i) => cards.push({ id: `conv${i}`, role: 'conv', units: units(map), maps: map, layer: i, convIndex: i, label: `conv ${i + 1}` }));
  hidden.forEach((units, i) => cards.push({ id: `enc${i}`, role: i === n - 1 ? 'code' : 'encoder', units, layer: m + i, hiddenIndex: i, label: i === n - 1 ? 'code' : `encoder ${i + 1}` }));
  for (let i = n - 2; i >= 0; i--) cards.push({ id: `dec${i}`, role: 'decoder', units: hidden[i], mirror: m + i, label: `decoder ${n - 1 - i}` });
  // The transposed convolutions' maps: each rebuilds the map its encoder convolution read.
  for (let i = m - 1; i >= 0; i--) cards.push({ id: `deconv${i}`, role: 'deconv', units: units(maps[i]), maps: maps[i], mirror: i, label: `decoder maps ${m - i}` });
  cards.push({ id: 'output', role: 'output', units: dim, label: 'output' });
  return cards.map((c) => ({ state: ['input', 'noise'].includes(c.role) ? 'data' : 'training', values: null, ...c }));
}

/** A dense op's card values, with the k-sparse and VAE ops after it folded in: the code's
 * values are the kept units (k-sparse) or the drawn sample z, with μ and σ beside it. */
function walkOps(layers, outs) {
  const steps = [];
  layers.forEach((layer, i) => {
    const values = outs?.[i] ?? null;
    if (['dense', 'conv', 'convTranspose'].includes(layer.op)) steps.push({ links: layer.links ?? null, values, activation: layer.activation });
    else if (layer.op === 'maxPool') steps[steps.length - 1].values = values; // a convolution's card shows its pooled maps
    else if (layer.op === 'kSparse') Object.assign(steps[steps.length - 1], { values, sparse: true });
    else if (layer.op === 'reparameterize') {
      const last = steps[steps.length - 1];
      const both = last.values;
      const c = both ? both.length / 2 : 0;
      Object.assign(last, { values, mu: both?.subarray(0, c), sigma: both && Float32Array.from(both.subarray(c), (v) => Math.exp(0.5 * v)) });
    }
  });
  return steps;
}

/** Everything the diagram draws: {cards, links}; `links[i]` joins cards[i] to cards[i + 1] ({from,
 * to, weight, largest} thinned, or null where not known). `shape` is the data's {width, height,
 * channels}; `network`, the worker's message (with the phase it was taken in), is null before the
 * first report. */
export function describeNetwork(settings, shape, network) {
  const phase = network?.phase ?? null;
  const cards = skeleton(settings, shape);
  const dim = shape.width * shape.height * shape.channels;
  const links = cards.slice(1).map(() => null);
  const at = (id) => cards.findIndex((c) => c.id === id);
  const n = cards.filter((c) => c.layer !== undefined).length; // layers with weights in the encoder
  const a = network?.activations;
  const first = at('noise') >= 0 ? at('noise') + 1 : 1; // the first encoder card
  if (a) cards[0].values = a.input;
  if (a?.corrupted && a.corrupted.length === dim && at('noise') >= 0) cards[at('noise')].values = a.corrupted;
  if (!network || !phase) return { cards, links };
  const steps = walkOps(network.layers, a?.ops);
  // Settings just changed, their model not yet reported: the cards wait for it.
  const fits = phase.kind === 'stage' ? phase.stage < n && steps.length === 2 : phase.kind === 'classifier' ? steps.length > n : steps.length === 2 * n;
  if (!fits) return { cards, links };
  if (phase.kind === 'stage') {
    const s = phase.stage;
    cards.forEach((c, i) => {
      if (i < first) return;
      c.state = c.layer < s ? 'frozen' : c.layer === s ? 'training' : 'waiting';
    });
    a?.frozen.forEach((values, i) => (cards[first + i].values = values));
    const [enc, dec] = [steps[0], steps[steps.length - 1]];
    const card = cards[first + s];
    // This stage's code: the penalties and the code statistics (ρ̂, ‖J‖) are its.
    Object.assign(card, { values: enc.values, mu: enc.mu, sigma: enc.sigma, sparse: enc.sparse, activation: enc.activation, phaseCode: true });
    links[first + s - 1] = enc.links;
    if (phase.rbm) {
      // An RBM: the layer below and this one, joined both ways by one weight matrix; no decoder.
      Object.assign(card, { rbm: 'hidden' });
      // (the input, not the corrupted copy: an RBM stage trains on clean data)
      Object.assign(cards[s === 0 ? 0 : first + s - 1], { rbm: 'visible' });
      if (enc.links) links[first + s - 1] = { ...enc.links, undirected: true };
      return { cards, links };
    }
    const under = cards[first + s - 1];
    const below = s === 0 ? { units: dim } : { units: under.units, maps: under.maps };
    card.stageDecoder = { ...below, values: dec.values, image: s === 0, links: dec.links, label: `its decoder, rebuilding ${s === 0 ? 'the input' : under.label}` };
    return { cards, links };
  }
  // The deep net (fine-tuning, end to end) or, for the classifier, its encoder: one dense op per card.
  const classifier = phase.kind === 'classifier';
  steps.forEach((step, i) => {
    const card = cards[first + i];
    if (!card || (classifier && i >= n)) return;
    Object.assign(card, { values: step.values, mu: step.mu, sigma: step.sigma, sparse: step.sparse, activation: step.activation });
    links[first + i - 1] = step.links;
  });
  const code = cards.find((c) => c.role === 'code');
  code.phaseCode = true;
  if (classifier) {
    cards.forEach((c, i) => i >= first + n && (c.state = 'idle')); // the decoder, done: the head reads the code
    if (settings.classifierFrozen) cards.forEach((c, i) => i >= first && i < first + n && (c.state = 'frozen'));
  }
  if (phase.kind === 'fineTune') cards.forEach((c) => (['decoder', 'deconv', 'output'].includes(c.role) ? (c.transposeOf = c.mirror ?? 0) : null));
  return { cards, links };
}

/** Widths a + and − on a layer step through: the sizes people pick. */
const LADDER = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];

/** The hidden widths with layer `i` one step wider (`by` = 1) or narrower (−1). */
export function resizeLayer(hidden, i, by) {
  const w = hidden[i];
  const next = by > 0 ? LADDER.find((v) => v > w) ?? w : [...LADDER].reverse().find((v) => v < w) ?? w;
  return hidden.map((v, j) => (j === i ? next : v));
}

/** The hidden widths with a layer inserted before layer `i`, as wide as the geometric mean of its
 * neighbours (`dim` the input's width), on the ladder. */
export function insertLayer(hidden, i, dim) {
  const before = i === 0 ? dim : hidden[i - 1];
  const mean = Math.sqrt(before * hidden[i]);
  const width = LADDER.reduce((best, v) => (Math.abs(Math.log(v / mean)) < Math.abs(Math.log(best / mean)) ? v : best));
  return [...hidden.slice(0, i), width, ...hidden.slice(i)];
}

/** The hidden widths without layer `i` (the code, the last, stays: a net keeps one layer). */
export function removeLayer(hidden, i) {
  return hidden.length > 1 ? hidden.filter((_, j) => j !== i) : hidden;
}
