// Exploring the latent space with the model being trained: pointing at the plane decodes that point
// at once, clicking it shows the nearest test samples (and sends the nearest through the diagram),
// and a pad takes a digit drawn with the pointer or a finger, shows where its code lands and what the
// network makes of it.
import { pixelImage } from './image-grid.js';

const $ = (id) => document.getElementById(id);
const NEIGHBOURS = 6;

/** The code at plane point (x, y): the code itself for 1 or 2 units, else mean + x·u₁ + y·u₂. */
export function codeAt(latent, x, y) {
  const { width, basis } = latent;
  if (!basis?.length) return width === 1 ? [x] : [x, y];
  return Array.from({ length: width }, (_, j) => basis[j] + x * basis[width + j] + y * basis[2 * width + j]);
}

/** Where a code lies in the plane (the inverse of codeAt on the plane). */
export function pointOf(latent, code) {
  const { width, basis } = latent;
  if (!basis?.length) return { x: code[0], y: width > 1 ? code[1] : 0 };
  const along = (axis) => code.reduce((sum, c, j) => sum + (c - basis[j]) * basis[axis * width + j], 0);
  return { x: along(1), y: along(2) };
}

function show(canvas, values, dataset) {
  const { width, height, channels } = dataset;
  if (!values || values.length !== width * height * channels || height <= 1) return;
  [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d');
  ctx.putImageData(pixelImage(ctx, values, width, height, channels), 0, 0);
}

/** Wires the plane and the pad: `request` asks the worker, `store` holds latent, dataset, hover, drawn. */
export function installExplore({ scatter, request, store, select }) {
  let busy = false; // one decode in flight; the latest pointer position wins
  let wanted = null;
  const decodeAt = async () => {
    const { latent, dataset } = store.get();
    if (busy || !wanted || !latent) return;
    const code = codeAt(latent, wanted.x, wanted.y);
    [busy, wanted] = [true, null];
    try {
      const output = await request({ type: 'decode', code });
      show($('decoded'), output, dataset);
      store.set({ hover: { code, output } });
    } catch {
      // a model being replaced: the next move decodes again
    }
    busy = false;
    decodeAt();
  };
  $('latent').addEventListener('pointermove', (e) => {
    if (!scatter.frame) return;
    wanted = scatter.planeAt(e);
    decodeAt();
  });
  const pick = (px, py) => {
    const near = scatter.nearest(px, py, NEIGHBOURS);
    store.set({ neighbours: near });
    if (near.length) select(near[0]).catch(() => {});
  };
  $('latent').addEventListener('click', (e) => {
    if (!scatter.frame) return;
    const { px, py } = scatter.planeAt(e);
    pick(px, py);
  });
  // From the keyboard: the arrows move a cross over the plane (a twentieth of it a press), decoding
  // where it stands; Enter shows its nearest samples.
  const STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  $('latent').addEventListener('keydown', (e) => {
    const f = scatter.frame;
    if (!f || !(e.key in STEPS || e.key === 'Enter')) return;
    e.preventDefault();
    const cross = scatter.cross ?? { x: (f.x0 + f.x1) / 2, y: (f.y0 + f.y1) / 2 };
    if (e.key === 'Enter') return pick(f.sx(cross.x), f.sy(cross.y));
    const [dx, dy] = STEPS[e.key];
    const within = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const moved = { x: within(cross.x + (dx * (f.x1 - f.x0)) / 20, f.x0, f.x1), y: within(cross.y + (dy * (f.y1 - f.y0)) / 20, f.y0, f.y1) };
    scatter.showCross(moved);
    wanted = moved;
    decodeAt();
  });
  installPad(store, request, scatter);
}

/** The drawing pad: strokes in ink, read at the data's size after each stroke and encoded. */
function installPad(store, request, scatter) {
  const pad = $('draw');
  const ctx = pad.getContext('2d');
  const clear = () => {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, pad.width, pad.height);
    scatter.mark(null);
    store.set({ drawn: null });
  };
  clear();
  let last = null;
  const at = (e) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
  };
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    last = at(e);
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    const next = at(e);
    Object.assign(ctx, { strokeStyle: '#000', lineWidth: pad.width / 11, lineCap: 'round', lineJoin: 'round' });
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...next);
    ctx.stroke();
    last = next;
  });
  const finish = async () => {
    if (!last) return;
    last = null;
    const { dataset, latent } = store.get();
    if (!dataset || dataset.height <= 1 || dataset.channels !== 1) return;
    const pixels = readPad(pad, dataset.width, dataset.height);
    try {
      const { code, output } = await request({ type: 'encode', pixels });
      show($('drawn-output'), output, dataset);
      store.set({ drawn: { pixels, code, output } });
      if (latent && code.length === latent.width) scatter.mark(pointOf(latent, code));
    } catch {
      // the model was replaced mid-way: the next stroke encodes again
    }
  };
  pad.addEventListener('pointerup', finish);
  pad.addEventListener('pointercancel', finish);
  $('draw-clear').onclick = clear;
}

/** The pad's ink at `width` × `height`, 0 (paper) to 1 (ink), framed as MNIST frames its digits: the
 * strokes' box scaled to fit 20/28 of the frame, its centre of mass moved to the frame's centre. */
export function readPad(pad, width, height) {
  const box = inkBox(pad);
  if (!box) return new Array(width * height).fill(0);
  const scale = Math.round((Math.min(width, height) * 20) / 28) / Math.max(box.w, box.h);
  const [w, h] = [box.w * scale, box.h * scale];
  const draw = (dx, dy) => {
    const small = new OffscreenCanvas(width, height);
    const ctx = small.getContext('2d');
    Object.assign(ctx, { fillStyle: '#fff', imageSmoothingQuality: 'high' });
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(pad, box.x, box.y, box.w, box.h, (width - w) / 2 + dx, (height - h) / 2 + dy, w, h);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    return Array.from({ length: width * height }, (_, i) => 1 - rgba[4 * i] / 255);
  };
  const centred = draw(0, 0);
  let [mass, mx, my] = [0, 0, 0];
  centred.forEach((v, i) => {
    [mass, mx, my] = [mass + v, mx + v * (i % width), my + v * Math.floor(i / width)];
  });
  return draw(Math.round((width - 1) / 2 - mx / mass), Math.round((height - 1) / 2 - my / mass));
}

/** The box around the pad's ink, or null when it is blank. */
function inkBox(pad) {
  const { width, height } = pad;
  const rgba = pad.getContext('2d').getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (rgba[4 * (y * width + x)] > 200) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}
