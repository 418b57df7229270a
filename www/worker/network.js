// What the network diagram needs from the worker: the current phase's layers with only their
// strongest links (a 784 × 256 layer has 200,704 weights; a diagram shows a few hundred), and one
// test sample through the net, layer by layer.

const LINKS = 160; // the strongest weights drawn between two layers
const SAMPLED = 4096; // weights sampled to find the threshold of the strongest

/** The `count` largest-magnitude entries of `weight` [inputs, outputs] (row-major, or read
 * transposed from [outputs, inputs]) as {from, to, weight} arrays, strongest first. */
export function strongest(weight, inputs, outputs, transposed, count = LINKS) {
  const n = weight.length;
  // A threshold a little below the count-th largest, from an even sample; then only those above it are sorted.
  const step = Math.max(1, Math.floor(n / SAMPLED));
  const sample = [];
  for (let i = 0; i < n; i += step) sample.push(Math.abs(weight[i]));
  sample.sort((a, b) => b - a);
  const rank = Math.min(sample.length - 1, Math.ceil(((count * 2) / n) * sample.length));
  const threshold = n <= count ? -1 : sample[rank];
  let picked = [];
  for (let i = 0; i < n; i++) if (Math.abs(weight[i]) >= threshold) picked.push(i);
  if (picked.length < count && threshold >= 0) picked = [...weight.keys()]; // an unlucky sample: take all
  picked.sort((a, b) => Math.abs(weight[b]) - Math.abs(weight[a]));
  picked = picked.slice(0, count);
  const from = new Uint16Array(picked.length);
  const to = new Uint16Array(picked.length);
  const values = new Float32Array(picked.length);
  picked.forEach((i, k) => {
    const [row, col] = [Math.floor(i / (transposed ? inputs : outputs)), i % (transposed ? inputs : outputs)];
    [from[k], to[k]] = transposed ? [col, row] : [row, col];
    values[k] = weight[i];
  });
  return { from, to, weight: values, largest: picked.length ? Math.abs(weight[picked[0]]) : 0 };
}

/** The `network` message: the phase's ops (dense ones with their strongest links; a convolution has
 * too many windows to draw as links) and test sample
 * `index` through them ({input, corrupted, frozen, ops}, see Playground.activations). */
export function networkMessage(playground, index) {
  const layers = playground.layers().map((layer) => {
    if (layer.op === 'conv' || layer.op === 'convTranspose') return { op: layer.op, activation: layer.activation };
    if (layer.op !== 'dense') return { op: layer.op };
    const { inputs, outputs, activation, transposed, weight } = layer;
    return { op: 'dense', inputs, outputs, activation, transposed, links: strongest(weight, inputs, outputs, transposed) };
  });
  return { type: 'network', index, phase: playground.phase(), layers, activations: playground.activations(index) };
}
