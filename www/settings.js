// Every setting the page offers, declared once: its control, its default, how it reads from and
// writes to the URL hash, and how it becomes part of the engine's config.

export const SETTINGS = [
  { key: 'dataset', group: 'Data', label: 'Dataset', kind: 'select', options: ['mnist', 'digits', 'swissRoll', 'circles', 'sines'], initial: 'mnist' },
  { key: 'conv', group: 'Model', label: 'Convolutional layers before the dense ones, e.g. 16k3s2,32k3s2 (filters, kernel, stride; images only)', kind: 'conv', initial: [] },
  { key: 'convActivation', group: 'Model', label: 'Activation of the convolutions', kind: 'select', options: ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'linear'], initial: 'relu' },
  { key: 'hidden', group: 'Model', label: 'Hidden layers (encoder widths, code last)', kind: 'list', initial: [32], max: 8192 },
  { key: 'activation', group: 'Model', label: 'Hidden activation', kind: 'select', options: ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'linear'], initial: 'sigmoid', perLayer: true },
  { key: 'outputActivation', group: 'Model', label: 'Output activation', kind: 'select', options: ['sigmoid', 'linear'], initial: 'sigmoid' },
  { key: 'loss', group: 'Model', label: 'Loss', kind: 'select', options: ['squaredError', 'crossEntropy'], initial: 'squaredError' },
  { key: 'tied', group: 'Model', label: 'Tied decoder weights', kind: 'checkbox', initial: false },
  { key: 'engine', group: 'Training', label: 'Engine (auto: WebGPU on a real GPU, else CPU)', kind: 'select', options: ['auto', 'cpu', 'webgpu'], initial: 'auto' },
  { key: 'threads', group: 'Training', label: 'CPU threads (auto: every core, where the page is cross-origin isolated)', kind: 'select', options: ['auto', '1', '2', '4', '8'], initial: 'auto' },
  { key: 'optimizer', group: 'Training', label: 'Optimizer', kind: 'select', options: ['adam', 'sgd'], initial: 'adam' },
  { key: 'learningRate', group: 'Training', label: 'Learning rate', kind: 'number', initial: 0.003, min: 0, above: 0, step: 'any' },
  { key: 'momentum', group: 'Training', label: 'Momentum (SGD)', kind: 'number', initial: 0.9, min: 0, below: 1, step: 'any' },
  { key: 'weightDecay', group: 'Training', label: 'Weight decay', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'batchSize', group: 'Training', label: 'Batch size', kind: 'number', initial: 64, min: 1, max: 4096, step: 1 },
  { key: 'seed', group: 'Training', label: 'Seed', kind: 'number', initial: 1, min: 0, max: 4294967295, step: 1 },
  { key: 'initGain', group: 'Training', label: 'Initial weight scale (0: by activation)', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'validation', group: 'Training', label: 'Validation fraction (held out: early stopping, plateau)', kind: 'number', initial: 0, min: 0, max: 0.9, below: 0.9, step: 'any' },
  { key: 'patience', group: 'Training', label: 'Early stopping patience in epochs (0: off)', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'schedule', group: 'Learning-rate schedule', label: 'Schedule (each phase)', kind: 'select', options: ['constant', 'step', 'cosine', 'plateau'], initial: 'constant' },
  { key: 'decayEvery', group: 'Learning-rate schedule', label: 'Step: cut every n epochs', kind: 'number', initial: 10, min: 1, step: 1 },
  { key: 'decayFactor', group: 'Learning-rate schedule', label: 'Step and plateau: × this at each cut', kind: 'number', initial: 0.5, min: 0, above: 0, below: 1, step: 'any' },
  { key: 'warmupEpochs', group: 'Learning-rate schedule', label: 'Cosine: warm-up epochs', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'plateauPatience', group: 'Learning-rate schedule', label: 'Plateau: epochs without a better validation loss', kind: 'number', initial: 2, min: 1, step: 1 },
  { key: 'pretrainEpochs', group: 'Layer-wise pretraining', label: 'Epochs per stage (0: end to end)', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'pretrain', group: 'Layer-wise pretraining', label: 'Each stage is', kind: 'select', options: ['autoencoder', 'rbm'], initial: 'autoencoder' },
  { key: 'cdSteps', group: 'Layer-wise pretraining', label: 'RBM: Gibbs steps per update (CD-k)', kind: 'number', initial: 1, min: 1, max: 1000, step: 1 },
  { key: 'epochs', group: 'Layer-wise pretraining', label: 'Epochs of fine-tuning (0: until paused)', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'classifierEpochs', group: 'Classifier', label: 'Classifier epochs after the autoencoder (0: none; needs labels, and epochs above)', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'classifierLabels', group: 'Classifier', label: 'Labels per class it trains on (0: all)', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'classifierFrozen', group: 'Classifier', label: 'Train the head alone on the frozen encoder', kind: 'checkbox', initial: false },
  { key: 'masking', group: 'Denoising', label: 'Masking fraction', kind: 'number', initial: 0, min: 0, max: 1, step: 'any' },
  { key: 'saltPepper', group: 'Denoising', label: 'Salt-and-pepper fraction', kind: 'number', initial: 0, min: 0, max: 1, step: 'any' },
  { key: 'gaussian', group: 'Denoising', label: 'Gaussian noise σ', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'l1', group: 'Sparse', label: 'L1 on the code (λ)', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'klWeight', group: 'Sparse', label: 'KL sparsity weight (β)', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'klTarget', group: 'Sparse', label: 'KL target rate (ρ)', kind: 'number', initial: 0.05, min: 0, max: 1, step: 'any' },
  { key: 'kSparse', group: 'Sparse', label: 'k-sparse: keep k code units (0: off)', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'contractive', group: 'Contractive', label: 'Contractive penalty (λ)', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'variational', group: 'Variational', label: 'Variational autoencoder', kind: 'checkbox', initial: false },
  { key: 'beta', group: 'Variational', label: 'KL weight (β)', kind: 'number', initial: 1, min: 0, step: 'any' },
];

/** A value as it appears in a refusal: short JSON, numbers as JavaScript writes them (NaN, -64). */
export function shown(value) {
  const text = value === undefined ? 'nothing' : typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What setting `s` takes, in words: "a whole number from 1 to 4096", "one of adam, sgd". */
function allowed(s) {
  if (s.kind === 'select') return `one of ${s.options.join(', ')}${s.perLayer ? ', or a list of them (one per encoder layer)' : ''}`;
  if (s.kind === 'checkbox') return 'true or false';
  if (s.kind === 'list') return `a list of whole numbers from 1 to ${s.max}, such as [64, 8] (the encoder's widths, the code last)`;
  if (s.kind === 'conv') return 'a list of convolutional layers such as 16k3s2,32k3s2 (16 filters, a 3×3 kernel, stride 2; kernels odd up to 11, strides 1 or 2; a final p adds 2×2 max pooling, as in 16k3s1p), or none';
  const low = s.above !== undefined ? `> ${s.above}` : `≥ ${s.min}`;
  const range = s.below !== undefined ? `${low} and < ${s.below}` : s.max !== undefined && s.above === undefined ? `from ${s.min} to ${s.max}` : low;
  return `${s.step === 1 ? 'a whole number' : 'a number'} ${range}`;
}

/** Whether `value` is one setting `s` takes (the engine checks what depends on other settings). */
function fits(s, value) {
  if (s.kind === 'select') return s.options.includes(value) || (s.perLayer && Array.isArray(value) && value.length > 0 && value.every((v) => s.options.includes(v)));
  if (s.kind === 'checkbox') return typeof value === 'boolean';
  if (s.kind === 'list') return Array.isArray(value) && value.length > 0 && value.every((w) => Number.isInteger(w) && w >= 1 && w <= s.max);
  if (s.kind === 'conv') return Array.isArray(value) && value.length <= 6 && value.every(convFits);
  if (typeof value !== 'number' || !Number.isFinite(value) || (s.step === 1 && !Number.isInteger(value))) return false;
  return (s.above !== undefined ? value > s.above : value >= s.min) && (s.below !== undefined ? value < s.below : value <= (s.max ?? Infinity));
}

/** One conv layer {filters, kernel, stride} (kernel 3 and stride 2 when left out). */
function convFits(l) {
  const whole = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;
  const keys = l !== null && typeof l === 'object' && Object.keys(l).every((k) => ['filters', 'kernel', 'stride', 'pool'].includes(k));
  const kernel = l?.kernel === undefined || (whole(l.kernel, 1, 11) && l.kernel % 2 === 1);
  return keys && whole(l.filters, 1, 512) && kernel && (l.stride === undefined || [1, 2].includes(l.stride)) && (l.pool === undefined || typeof l.pool === 'boolean');
}

/** Why `value` cannot be setting `key` ("batchSize: -64 is not a whole number from 1 to 4096"), or
 * null when it can. An upload's dataset ("upload:…") is any name here: the worker knows which it has. */
export function settingProblem(key, value) {
  const s = SETTINGS.find((s) => s.key === key);
  if (!s) {
    const near = SETTINGS.find((s) => editDistance(s.key.toLowerCase(), String(key).toLowerCase()) <= 2);
    return `${key} is not a setting${near ? ` (did you mean ${near.key}?)` : ' (docs/settings.md lists them)'}`;
  }
  if (fits(s, value) || (key === 'dataset' && /^(upload|segment):./.test(value))) return null;
  return `${key}: ${shown(value)} is not ${allowed(s)}${key === 'dataset' ? " (or an upload's name)" : ''}`;
}

/** Levenshtein distance: how many letters to change, add or drop to turn `a` into `b`. */
function editDistance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** Throws at the first value of `settings` that no setting takes, naming it, the value and what is
 * allowed; `where` goes before the name ("lesson.settings."). */
export function checkSettings(settings, where = '') {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) throw new Error(`${where || 'settings: '}expected an object of settings, got ${shown(settings)}`);
  for (const [key, value] of Object.entries(settings)) {
    const problem = settingProblem(key, value);
    if (problem) throw new Error(`${where}${problem}`);
  }
  return settings;
}

/** The settings compare mode's B always shares with A: the data and the engine. */
export const SHARED_WITH_B = ['dataset', 'engine', 'threads'];

const parse = {
  select: (text, s) => {
    const list = s.perLayer && text.includes(',') ? text.split(',') : null; // one activation per layer
    if (list) return list.every((t) => s.options.includes(t)) ? list : undefined;
    return s.options.includes(text) ? text : undefined;
  },
  list: (text) => {
    const widths = text.split(/[,\s]+/).filter(Boolean).map(Number);
    return widths.length && widths.every(Number.isInteger) ? widths : undefined;
  },
  conv: (text) => {
    const layers = text.split(/[,\s]+/).filter(Boolean).map((t) => /^(\d+)(?:k(\d+))?(?:s(\d+))?(p?)$/i.exec(t));
    if (layers.some((m) => !m)) return undefined;
    return layers.map(([, f, k, s, p]) => ({ filters: Number(f), kernel: Number(k ?? 3), stride: Number(s ?? 2), ...(p ? { pool: true } : {}) }));
  },
  number: (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined),
  checkbox: (text) => (text === 'true' ? true : text === 'false' ? false : undefined),
};

/** A conv layer as the address writes it: 16k3s2 (filters, kernel, stride), 16k3s1p with 2×2 max pooling. */
const convText = (l) => `${l.filters}k${l.kernel ?? 3}s${l.stride ?? 2}${l.pool ? 'p' : ''}`;
const format = (value) => (Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? convText(v) : v)).join(',') : String(value));

export function defaults() {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, s.initial]));
}

/** Settings from a URL hash such as "#dataset=digits&hidden=64,16", on top of `base` (the defaults,
 * or a lesson's settings over them). A value no setting takes is left out; `refused` (if given)
 * gathers why, for the page to say. Other parameters (a lesson, hide, …) are the view's, not refused
 * unless `strict`. An upload's or a segmentation's dataset is left to the saved run: the address
 * cannot carry the files. */
export function fromHash(hash, base = defaults(), refused = [], { strict = false } = {}) {
  const state = structuredClone(base);
  for (const [key, text] of new URLSearchParams(hash.replace(/^#/, ''))) {
    const setting = SETTINGS.find((s) => s.key === key);
    if (!setting) {
      if (strict) refused.push(settingProblem(key));
      continue;
    }
    if (key === 'dataset' && /^(upload|segment):/.test(text) && !setting.options.includes(text)) continue;
    const value = parse[setting.kind](text, setting);
    const problem = value === undefined ? `${key}: ${shown(text)} is not ${allowed(setting)}` : settingProblem(key, value);
    if (problem) refused.push(problem);
    else state[key] = value;
  }
  return state;
}

/** The hash for a state, listing only what differs from `base`, after `prefix` (view parameters). */
export function toHash(state, base = defaults(), prefix = '') {
  const params = new URLSearchParams(prefix);
  for (const s of SETTINGS) if (format(state[s.key]) !== format(base[s.key])) params.set(s.key, format(state[s.key]));
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** Builds the labelled controls into `form`, one fieldset per group (the variants' groups start
 * collapsed unless set); `onChange(state)` fires when the user commits a change. Settings or groups
 * in `hide` are left out; those in `lock` are shown disabled. */
export function renderForm(form, state, onChange, { hide = new Set(), lock = new Set() } = {}) {
  form.replaceChildren();
  const groups = new Map();
  for (const s of SETTINGS.filter((s) => !hide.has(s.key) && !hide.has(s.group))) {
    if (!groups.has(s.group)) groups.set(s.group, []);
    groups.get(s.group).push(s);
  }
  for (const [group, settings] of groups) {
    const changed = settings.some((s) => format(state[s.key]) !== format(s.initial));
    const details = Object.assign(document.createElement('details'), { open: ['Data', 'Model', 'Training'].includes(group) || changed });
    details.append(Object.assign(document.createElement('summary'), { textContent: group }));
    for (const s of settings) details.append(...control(s, state, onChange, lock.has(s.key) || lock.has(group)));
    form.append(details);
  }
}

function control(s, state, onChange, locked) {
  const id = `setting-${s.key}`;
  const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: s.label });
  let input;
  if (s.kind === 'select') {
    input = document.createElement('select');
    for (const o of s.options) input.append(new Option(o, o));
  } else {
    const type = { number: 'number', checkbox: 'checkbox' }[s.kind] ?? 'text';
    input = Object.assign(document.createElement('input'), { type });
    for (const attr of ['min', 'max', 'step']) if (s[attr] !== undefined) input[attr] = s[attr];
  }
  Object.assign(input, { id, name: s.key, disabled: locked });
  if (locked) label.textContent += ' (set by the lesson)';
  if (s.kind === 'checkbox') input.checked = state[s.key];
  else input.value = format(state[s.key]);
  input.addEventListener('change', () => {
    const value = s.kind === 'checkbox' ? input.checked : parse[s.kind](input.value, s);
    input.setAttribute('aria-invalid', String(value === undefined));
    if (value !== undefined) onChange({ ...state, [s.key]: value });
  });
  const field = Object.assign(document.createElement('div'), { className: `field ${s.kind}` });
  field.append(label, input);
  return [field];
}

/** Offers an uploaded dataset (its key, "upload:<file>") in the dataset control from now on. */
export function addDatasetOption(key) {
  const dataset = SETTINGS.find((s) => s.key === 'dataset');
  if (!dataset.options.includes(key)) dataset.options.push(key);
}
