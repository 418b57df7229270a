// Every setting the page offers, declared once: its control, its default, how it reads from and
// writes to the URL hash, and how it becomes part of the engine's config.

export const SETTINGS = [
  { key: 'dataset', label: 'Dataset', kind: 'select', options: ['mnist', 'digits'], initial: 'mnist' },
  { key: 'hidden', label: 'Hidden layers (encoder widths, code last)', kind: 'list', initial: [32] },
  { key: 'activation', label: 'Hidden activation', kind: 'select', options: ['sigmoid', 'tanh', 'relu', 'linear'], initial: 'sigmoid' },
  { key: 'learningRate', label: 'Learning rate (Adam)', kind: 'number', initial: 0.003, min: 0, step: 'any' },
  { key: 'batchSize', label: 'Batch size', kind: 'number', initial: 64, min: 1, step: 1 },
  { key: 'seed', label: 'Seed', kind: 'number', initial: 1, min: 0, step: 1 },
];

const parse = {
  select: (text, s) => (s.options.includes(text) ? text : undefined),
  list: (text) => {
    const widths = text.split(/[,\s]+/).filter(Boolean).map(Number);
    return widths.length && widths.every(Number.isInteger) ? widths : undefined;
  },
  number: (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined),
};

const format = (value) => (Array.isArray(value) ? value.join(',') : String(value));

export function defaults() {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, s.initial]));
}

/** Settings from a URL hash such as "#dataset=digits&hidden=64,16"; unknown or bad values are dropped. */
export function fromHash(hash) {
  const state = defaults();
  for (const [key, text] of new URLSearchParams(hash.replace(/^#/, ''))) {
    const setting = SETTINGS.find((s) => s.key === key);
    const value = setting && parse[setting.kind](text, setting);
    if (value !== undefined) state[key] = value;
  }
  return state;
}

/** The hash for a state, listing only what differs from the defaults. */
export function toHash(state) {
  const params = new URLSearchParams();
  for (const s of SETTINGS) if (format(state[s.key]) !== format(s.initial)) params.set(s.key, format(state[s.key]));
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** The engine's config: every setting except the dataset, which picks the data instead. */
export function toConfig(state) {
  const { dataset, ...config } = state;
  return config;
}

/** Builds the labelled controls into `form`; `onChange(state)` fires when the user commits a change. */
export function renderForm(form, state, onChange) {
  form.replaceChildren();
  for (const s of SETTINGS) {
    const id = `setting-${s.key}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: s.label });
    let input;
    if (s.kind === 'select') {
      input = document.createElement('select');
      for (const o of s.options) input.append(new Option(o, o));
    } else {
      input = Object.assign(document.createElement('input'), { type: s.kind === 'number' ? 'number' : 'text' });
      if (s.min !== undefined) input.min = s.min;
      if (s.step !== undefined) input.step = s.step;
    }
    Object.assign(input, { id, name: s.key, value: format(state[s.key]) });
    input.addEventListener('change', () => {
      const value = parse[s.kind](input.value, s);
      input.setAttribute('aria-invalid', String(value === undefined));
      if (value !== undefined) onChange({ ...state, [s.key]: value });
    });
    form.append(label, input);
  }
}
