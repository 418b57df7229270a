// Every setting the page offers, declared once: its control, its default, how it reads from and
// writes to the URL hash, and how it becomes part of the engine's config.

export const SETTINGS = [
  { key: 'dataset', group: 'Data', label: 'Dataset', kind: 'select', options: ['mnist', 'digits', 'swissRoll', 'circles', 'sines'], initial: 'mnist' },
  { key: 'hidden', group: 'Model', label: 'Hidden layers (encoder widths, code last)', kind: 'list', initial: [32] },
  { key: 'activation', group: 'Model', label: 'Hidden activation', kind: 'select', options: ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'linear'], initial: 'sigmoid' },
  { key: 'outputActivation', group: 'Model', label: 'Output activation', kind: 'select', options: ['sigmoid', 'linear'], initial: 'sigmoid' },
  { key: 'loss', group: 'Model', label: 'Loss', kind: 'select', options: ['squaredError', 'crossEntropy'], initial: 'squaredError' },
  { key: 'tied', group: 'Model', label: 'Tied decoder weights', kind: 'checkbox', initial: false },
  { key: 'engine', group: 'Training', label: 'Engine (auto: WebGPU on a real GPU, else CPU)', kind: 'select', options: ['auto', 'cpu', 'webgpu'], initial: 'auto' },
  { key: 'optimizer', group: 'Training', label: 'Optimizer', kind: 'select', options: ['adam', 'sgd'], initial: 'adam' },
  { key: 'learningRate', group: 'Training', label: 'Learning rate', kind: 'number', initial: 0.003, min: 0, step: 'any' },
  { key: 'momentum', group: 'Training', label: 'Momentum (SGD)', kind: 'number', initial: 0.9, min: 0, step: 'any' },
  { key: 'weightDecay', group: 'Training', label: 'Weight decay', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'batchSize', group: 'Training', label: 'Batch size', kind: 'number', initial: 64, min: 1, step: 1 },
  { key: 'seed', group: 'Training', label: 'Seed', kind: 'number', initial: 1, min: 0, step: 1 },
  { key: 'initGain', group: 'Training', label: 'Initial weight scale (0: by activation)', kind: 'number', initial: 0, min: 0, step: 'any' },
  { key: 'validation', group: 'Training', label: 'Validation fraction (held out for early stopping)', kind: 'number', initial: 0, min: 0, max: 0.9, step: 'any' },
  { key: 'patience', group: 'Training', label: 'Early stopping patience in epochs (0: off)', kind: 'number', initial: 0, min: 0, step: 1 },
  { key: 'pretrainEpochs', group: 'Layer-wise pretraining', label: 'Epochs per stage (0: end to end)', kind: 'number', initial: 0, min: 0, step: 1 },
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

/** The settings compare mode's B always shares with A: the data and the engine. */
export const SHARED_WITH_B = ['dataset', 'engine'];

const parse = {
  select: (text, s) => (s.options.includes(text) ? text : undefined),
  list: (text) => {
    const widths = text.split(/[,\s]+/).filter(Boolean).map(Number);
    return widths.length && widths.every(Number.isInteger) ? widths : undefined;
  },
  number: (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined),
  checkbox: (text) => (text === 'true' ? true : text === 'false' ? false : undefined),
};

const format = (value) => (Array.isArray(value) ? value.join(',') : String(value));

export function defaults() {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, s.initial]));
}

/** Settings from a URL hash such as "#dataset=digits&hidden=64,16", on top of `base` (the defaults,
 * or a lesson's settings over them); unknown or bad values are dropped. */
export function fromHash(hash, base = defaults()) {
  const state = structuredClone(base);
  for (const [key, text] of new URLSearchParams(hash.replace(/^#/, ''))) {
    const setting = SETTINGS.find((s) => s.key === key);
    const value = setting && parse[setting.kind](text, setting);
    if (value !== undefined) state[key] = value;
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
