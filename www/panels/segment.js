// The segmentation panel: an image (a seeded texture mosaic, digits on stripes, a photograph or the
// user's own) becomes a dataset of its patches, on which the playground's autoencoder trains like on
// any other; the user paints a few labels; the worker classifies every pixel from the codes (and from
// the two baselines), and the map is drawn over the image as training goes on.

const $ = (id) => document.getElementById(id);
// Okabe–Ito: told apart with every common colour-vision deficiency.
const COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'];
const RGB = COLOURS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
const MAX_CLASSES = COLOURS.length;
const LONGEST_SIDE = 256; // photographs are scaled down to this
const REFRESH_MS = 1200; // the map is redrawn at most this often while training
const FINE_TUNE_STEPS = 300; // the encoder trained through the classifier, when asked

/** The RGBA pixels of a grey or colour image (`channels` bytes a pixel). */
function rgba({ pixels, width, height, channels }) {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) out[4 * i + c] = pixels[i * channels + (channels === 3 ? c : 0)];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** A picture or photo file as grey or colour bytes, its longest side at most LONGEST_SIDE. */
async function imageOf(blob, name) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new Error(`${name}: not an image the browser can read (use PNG or JPEG)`);
  }
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const [width, height] = [Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale))];
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#000'; // transparent pixels black, as the image upload does
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(data.subarray(4 * i, 4 * i + 3), 3 * i);
  return { width, height, channels: 3, pixels };
}

/** Wires the panel; returns {load, segment, ready} for the page API and the worker's messages. */
export function installSegmentPanel(controller, showMessage) {
  const canvas = $('seg-canvas');
  // `generation` counts images: an answer about an earlier one is dropped. `running`: the request in flight.
  const state = { key: null, image: null, truth: null, classNames: [], labels: new Map(), classes: 2, current: 0, eraser: false, result: null, running: null, again: false, last: 0, generation: 0 };
  for (let s = 5; s <= 21; s += 2) $('seg-patch').add(new Option(`${s}×${s}`, s, s === 11, s === 11));
  const status = (text) => ($('seg-status').textContent = text);

  function drawClasses() {
    const focused = $('seg-classes').contains(document.activeElement);
    $('seg-classes').replaceChildren(
      ...Array.from({ length: state.classes }, (_, k) => {
        const b = document.createElement('button');
        Object.assign(b, { type: 'button', className: 'small' });
        const swatch = Object.assign(document.createElement('span'), { className: 'seg-swatch' });
        swatch.style.background = COLOURS[k];
        b.append(swatch, String(state.classNames[k] ?? `class ${k + 1}`));
        b.setAttribute('aria-pressed', String(!state.eraser && k === state.current));
        b.onclick = () => {
          Object.assign(state, { current: k, eraser: false });
          $('seg-eraser').setAttribute('aria-pressed', 'false');
          drawClasses();
        };
        return b;
      }),
    );
    if (focused && !state.eraser) $('seg-classes').children[state.current]?.focus();
    $('seg-add').disabled = state.classes >= MAX_CLASSES;
  }

  /** The image, the AE's map over it at the chosen opacity, and the labels on top. */
  function draw() {
    const { image } = state;
    if (!image) return;
    const out = rgba(image);
    const map = state.result?.code.classes;
    const alpha = Number($('seg-opacity').value) / 100;
    for (let i = 0; i < image.width * image.height; i++) {
      const label = state.labels.get(i);
      const colour = label !== undefined ? RGB[label] : map ? RGB[map[i]] : null;
      if (!colour) continue;
      const a = label !== undefined ? 1 : alpha;
      for (let c = 0; c < 3; c++) out[4 * i + c] = (1 - a) * out[4 * i + c] + a * colour[c];
    }
    canvas.getContext('2d').putImageData(new ImageData(out, image.width, image.height), 0, 0);
  }

  /** One method's map into its small canvas, with its scores in the caption. */
  function drawMap(id, caption, name, map) {
    const { width, height } = state.image;
    const c = $(id);
    Object.assign(c, { width, height });
    const out = new Uint8ClampedArray(width * height * 4);
    map.classes.forEach((k, i) => out.set([...RGB[k], 255], 4 * i));
    c.getContext('2d').putImageData(new ImageData(out, width, height), 0, 0);
    const pct = (v) => `${(100 * v).toFixed(1)}%`;
    $(caption).textContent = map.accuracy === null ? name : `${name}: ${pct(map.accuracy)} of pixels right, mean IoU ${pct(map.meanIoU)}`;
  }

  /** Classifies every pixel from the labels, once the labels name two classes. A refresh asked for
   * while one runs is made once after it; the API's request waits for it and then runs. */
  async function segment(quiet = true) {
    if (state.running) {
      if (quiet) {
        state.again = true;
        return null;
      }
      await state.running.catch(() => {});
    }
    if (!state.image) return null;
    if (new Set([...state.labels.values()]).size < 2) {
      Object.assign(state, { result: null });
      $('seg-results').hidden = true;
      draw();
      if (!quiet) throw new Error('segment: label pixels of at least two classes');
      status('Paint a few pixels of at least two classes.');
      return null;
    }
    const labels = [...state.labels].flatMap(([i, k]) => [i % state.image.width, Math.floor(i / state.image.width), k]);
    const generation = state.generation;
    const fineTune = $('seg-tune').checked ? FINE_TUNE_STEPS : 0;
    const asked = controller.request({ type: 'segment', scribbles: labels, window: Number($('seg-window').value), fineTune }, [], { quiet });
    state.running = asked;
    try {
      const result = await asked;
      if (generation !== state.generation) return null; // about an image no longer in the panel
      state.result = result;
      state.last = performance.now();
      controller.store.set({ segmentation: { accuracy: result.code.accuracy, rawAccuracy: result.rawPixels.accuracy, pcaAccuracy: result.pca.accuracy } });
      draw();
      $('seg-results').hidden = false;
      drawMap('seg-map-code', 'seg-score-code', fineTune ? 'autoencoder code, fine-tuned' : 'autoencoder code', result.code);
      drawMap('seg-map-raw', 'seg-score-raw', 'raw patches', result.rawPixels);
      drawMap('seg-map-pca', 'seg-score-pca', 'PCA', result.pca);
      status(`${state.labels.size} labelled pixels; the map follows the model as it trains.`);
      return result;
    } catch (e) {
      if (generation !== state.generation) return null;
      if (!quiet) throw e;
      status(e.message ?? String(e));
      return null;
    } finally {
      if (state.running === asked) state.running = null;
      if (state.again && !state.running) {
        state.again = false;
        segment();
      }
    }
  }

  /** Paints (or erases) a disc of the brush's radius at the pointer. */
  function paint(event) {
    if (!state.image) return;
    const rect = canvas.getBoundingClientRect();
    const x = Math.floor(((event.clientX - rect.left) / rect.width) * state.image.width);
    const y = Math.floor(((event.clientY - rect.top) / rect.height) * state.image.height);
    const r = Number($('seg-brush').value) - 1;
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const [px, py] = [x + dx, y + dy];
        if (dx * dx + dy * dy > r * r || px < 0 || py < 0 || px >= state.image.width || py >= state.image.height) continue;
        if (state.eraser) state.labels.delete(py * state.image.width + px);
        else state.labels.set(py * state.image.width + px, state.current);
      }
    }
    draw();
  }
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    paint(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (canvas.hasPointerCapture(e.pointerId)) paint(e);
  });
  canvas.addEventListener('pointerup', () => segment());

  /** Builds the patch dataset of `image` and a new model on it with the current settings. */
  async function load({ image, truth = null, patch = 11, name = 'image', classNames = [] }) {
    const bytes = image?.pixels instanceof Uint8Array || image?.pixels instanceof Uint8ClampedArray;
    if (!bytes) throw new Error('loadSegmentation: give image {width, height, channels, pixels (a Uint8Array)}');
    image = { ...image, pixels: new Uint8Array(image.pixels.buffer, image.pixels.byteOffset, image.pixels.length) };
    status(`Cutting ${image.width}×${image.height} patches of ${patch}×${patch}…`);
    const { key, summary } = await controller.request({ type: 'loadSegmentation', name, image, truth, patch });
    // From here the panel's old image is gone: answers about it are dropped.
    Object.assign(state, { generation: state.generation + 1, key: null, image: null, result: null, labels: new Map() });
    await controller.useDataset(key);
    let top = 1;
    for (const k of truth ?? []) top = Math.max(top, k);
    Object.assign(state, { key, image, truth, classNames, labels: new Map(), classes: Math.min(MAX_CLASSES, top + 1), current: 0, eraser: false, result: null });
    $('seg-eraser').setAttribute('aria-pressed', 'false');
    Object.assign(canvas, { width: image.width, height: image.height });
    $('seg-work').hidden = false;
    $('seg-results').hidden = true;
    drawClasses();
    draw();
    for (const id of ['seg-score-code', 'seg-score-raw', 'seg-score-pca']) $(id).textContent = '';
    status(`${summary.n} patches of ${patch}×${patch}. Press play to train the autoencoder on them, then paint a few pixels of each class.`);
    return summary;
  }

  /** The image the picker names. */
  async function picked() {
    const kind = $('seg-image').value;
    const seed = Math.max(1, Number($('seg-seed').value) || 1);
    const patch = Number($('seg-patch').value);
    if (kind === 'upload') {
      $('seg-file').click();
      return 'picker'; // the file's own handler goes on
    }
    if (kind === 'photo') {
      const response = await fetch(new URL('../../data/chelsea-192.png', import.meta.url));
      if (!response.ok) throw new Error(`The photograph could not be fetched (HTTP ${response.status})`);
      const blob = await response.blob();
      return load({ image: await imageOf(blob, 'chelsea'), patch, name: 'chelsea' });
    }
    const scene = await controller.request({ type: 'scene', kind, seed, size: kind === 'mosaic' ? 128 : 4, regions: 4 });
    return load({ image: scene, truth: scene.truth, patch, name: `${kind}-${seed}`, classNames: scene.classNames });
  }
  const fail = (e) => {
    status(e.message ?? String(e));
    showMessage?.(e.message ?? String(e));
  };
  $('seg-load').onclick = () => picked().then((r) => r !== 'picker' && controller.play(), fail);
  $('seg-image').addEventListener('change', () => ($('seg-seed-field').hidden = !['mosaic', 'digits'].includes($('seg-image').value)));
  $('seg-file').addEventListener('change', async (e) => {
    const [file] = e.target.files;
    e.target.value = '';
    if (!file) return;
    try {
      await load({ image: await imageOf(file, file.name), patch: Number($('seg-patch').value), name: file.name });
      controller.play();
    } catch (err) {
      fail(err);
    }
  });
  $('seg-add').onclick = () => {
    state.classes = Math.min(MAX_CLASSES, state.classes + 1);
    state.current = state.classes - 1;
    drawClasses();
  };
  $('seg-eraser').onclick = () => {
    state.eraser = !state.eraser;
    $('seg-eraser').setAttribute('aria-pressed', String(state.eraser));
    drawClasses();
  };
  $('seg-clear').onclick = () => {
    Object.assign(state, { labels: new Map(), result: null });
    $('seg-results').hidden = true;
    draw();
  };
  $('seg-opacity').addEventListener('input', draw);
  $('seg-window').addEventListener('change', () => segment());
  $('seg-tune').addEventListener('change', () => segment());
  $('seg-export').onclick = () => {
    if (!state.result) return fail(new Error('Paint labels of two classes first: there is no map yet.'));
    $('seg-map-code').toBlob((blob) => {
      const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: 'segmentation.png' });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    });
  };

  return {
    load,
    /** The API's segment: [{x, y, label}] replaces the labels; `fineTune` (a boolean) sets the box;
     * resolves with the maps. */
    async segment(scribbles, window, fineTune) {
      if (fineTune !== undefined) $('seg-tune').checked = Boolean(fineTune);
      if (!state.image) throw new Error('segment: load an image for segmentation first (loadSegmentation)');
      const { width, height } = state.image;
      for (const { x, y, label } of scribbles) {
        if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < width && y < height)) throw new Error(`segment: pixel (${x}, ${y}) is outside the ${width}×${height} image`);
        if (!(Number.isInteger(label) && label >= 0 && label < MAX_CLASSES)) throw new Error(`segment: label ${label} — use classes 0 to ${MAX_CLASSES - 1}`);
      }
      if (window !== undefined && !(Number.isInteger(window) && window % 2 === 1 && window >= 1 && window <= 41)) throw new Error(`segment: the window is an odd number of pixels from 1 to 41, not ${window}`);
      state.labels = new Map(scribbles.map(({ x, y, label }) => [y * width + x, label]));
      for (const { label } of scribbles) state.classes = Math.max(state.classes, label + 1);
      if (window !== undefined) {
        const select = $('seg-window');
        if (![...select.options].some((o) => o.value === String(window))) select.add(new Option(`${window} px`, window));
        select.value = String(window);
      }
      drawClasses();
      return segment(false);
    },
    /** A new model: on another dataset the panel goes back to its picker. */
    ready({ settings }) {
      if (settings.dataset !== state.key) {
        state.generation++;
        Object.assign(state, { image: null, result: null });
        $('seg-work').hidden = true;
        controller.store.set({ segmentation: null });
      }
    },
    /** While training: the map follows the model, at most every REFRESH_MS. */
    metrics() {
      if (state.image && state.result && performance.now() - state.last > REFRESH_MS) segment();
    },
  };
}
