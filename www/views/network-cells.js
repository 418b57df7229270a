// A card's units on its canvas, one pixel per unit scaled up by CSS: a strip for a narrow layer, a
// grid for a wide one, the image itself for the input, the corrupted input and the output, a
// convolution's feature maps as a grid of small images (one per channel); and where a unit sits on
// screen, for the links.
import { pixelImage } from './image-grid.js';

// CSS px of the widest card across the flow: less on a short screen or in a course page's box.
const longest = () => Math.max(120, Math.min(220, 0.22 * innerHeight));
const CELL = 22; // the largest cell, in CSS px
const ALONG = 96; // CSS px at most along the flow (a wide layer's grid)
const EMPTY = [232, 234, 237]; // no values yet (a layer waiting, or before the first report)

/** Cells across the flow and along it for `units` units: one column up to 16, a few columns of 16 up
 * to 64, then a square. */
function grid(units) {
  if (units > 64) {
    const cross = Math.ceil(Math.sqrt(units));
    return { cross, along: Math.ceil(units / cross) };
  }
  const along = Math.ceil(units / 16);
  return { cross: Math.ceil(units / along), along };
}

/** The extent across the flow, in CSS px: larger for wider layers (log scale). */
function extent(units, max, cross) {
  const fraction = 0.3 + (0.7 * Math.log(Math.max(units, 1))) / Math.log(Math.max(max, 2));
  return Math.min(longest() * fraction, cross * CELL);
}

/** A value's colour: white at 0, Okabe–Ito blue for positive, orange for negative, by `scale`. */
function colour(v, scale) {
  const t = Math.min(1, Math.abs(v) / scale);
  const [r, g, b] = v >= 0 ? [0, 114, 178] : [230, 159, 0];
  return [255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t];
}

/** A map card's tiles: `cols` × `rows` maps of height × width, one pixel apart. */
function tiles({ channels, height, width }) {
  const cols = Math.ceil(Math.sqrt(channels));
  const rows = Math.ceil(channels / cols);
  return { cols, rows, w: cols * (width + 1) - 1, h: rows * (height + 1) - 1 };
}

/** The canvas pixel of unit `u` (channels-last: u = (y·width + x)·channels + c) in a map card. */
function tilePixel(maps, u) {
  const { cols } = tiles(maps);
  const c = u % maps.channels;
  const pixel = Math.floor(u / maps.channels);
  const [y, x] = [Math.floor(pixel / maps.width), pixel % maps.width];
  return [(c % cols) * (maps.width + 1) + x, Math.floor(c / cols) * (maps.height + 1) + y];
}

/** A convolution's maps, each channel a small image in the diverging colours, at 3 CSS px a map
 * pixel or less, so that the cards shrink as the maps do and grow back in the decoder. */
function drawMaps(canvas, card) {
  const { maps } = card;
  const { w, h } = tiles(maps);
  [canvas.width, canvas.height] = [w, h];
  const scale = Math.min(3, longest() / Math.max(w, h));
  Object.assign(canvas.style, { width: `${w * scale}px`, height: `${h * scale}px` });
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(w, h);
  data.data.fill(255); // the gaps between maps: white
  if (card.values) {
    const values = card.values;
    for (let c = 0; c < maps.channels; c++) {
      let top = 1e-6;
      for (let u = c; u < values.length; u += maps.channels) top = Math.max(top, Math.abs(values[u]));
      for (let u = c; u < values.length; u += maps.channels) {
        const [x, y] = tilePixel(maps, u);
        data.data.set([...colour(values[u], top), 255], 4 * (y * w + x));
      }
    }
  } else {
    for (let u = 0; u < card.units; u++) {
      const [x, y] = tilePixel(maps, u);
      data.data.set([...EMPTY, 255], 4 * (y * w + x));
    }
  }
  ctx.putImageData(data, 0, 0);
}

export function drawUnits(canvas, card, isImage, image, max, vertical) {
  if (card.maps && !isImage) return drawMaps(canvas, card);
  if (isImage) {
    const { width, height, channels } = image;
    [canvas.width, canvas.height] = [width, height];
    const size = Math.min(96, Math.max(56, width * 3));
    Object.assign(canvas.style, { width: `${size}px`, height: `${(size * height) / width}px` });
    const ctx = canvas.getContext('2d');
    if (card.values) ctx.putImageData(pixelImage(ctx, card.values, width, height, channels), 0, 0);
    else fill(ctx, width, height);
    return;
  }
  const { cross, along: columns } = grid(card.units);
  const along = card.mu ? 3 * columns : columns; // a VAE's code: μ, σ and the drawn z side by side
  const cell = Math.min(extent(card.units, max, cross) / cross, ALONG / along);
  const long = cell * cross;
  [canvas.width, canvas.height] = vertical ? [cross, along] : [along, cross];
  Object.assign(canvas.style, vertical ? { width: `${long}px`, height: `${along * cell}px` } : { width: `${along * cell}px`, height: `${long}px` });
  const ctx = canvas.getContext('2d');
  if (!card.values) return fill(ctx, canvas.width, canvas.height);
  const data = ctx.createImageData(canvas.width, canvas.height);
  const blocks = card.mu ? [card.mu, card.sigma, card.values] : [card.values];
  blocks.forEach((values, b) => {
    const scale = Math.max(1e-6, ...Array.from(values, Math.abs));
    for (let j = 0; j < card.units; j++) {
      const [c, a] = [j % cross, b * columns + Math.floor(j / cross)];
      const pixel = vertical ? a * cross + c : c * along + a;
      data.data.set([...colour(values[j], scale), 255], 4 * pixel);
    }
  });
  ctx.putImageData(data, 0, 0);
}

function fill(ctx, width, height) {
  ctx.fillStyle = `rgb(${EMPTY.join(',')})`;
  ctx.fillRect(0, 0, width, height);
}

/** Where unit `unit` of `card` meets a link, relative to `box`: on the edge of its canvas (`r`, the
 * canvas's bounding rectangle) facing the flow (`end` 'out' towards the next card, 'in' from the one
 * before); unit −1 is the edge's middle. */
export function unitCentre(r, card, isImage, image, unit, vertical, end, box) {
  let across = 0.5;
  if (unit >= 0 && card.maps && !isImage) {
    const [x, y] = tilePixel(card.maps, unit);
    const { w, h } = tiles(card.maps);
    across = vertical ? (x + 0.5) / w : (y + 0.5) / h;
  } else if (unit >= 0 && isImage) {
    const pixel = Math.floor(unit / image.channels);
    across = vertical ? ((pixel % image.width) + 0.5) / image.width : (Math.floor(pixel / image.width) + 0.5) / image.height;
  } else if (unit >= 0) {
    const { cross } = grid(card.units);
    across = ((unit % cross) + 0.5) / cross;
  }
  if (vertical) return [r.left - box.left + across * r.width, (end === 'out' ? r.bottom : r.top) - box.top];
  return [(end === 'out' ? r.right : r.left) - box.left, r.top - box.top + across * r.height];
}
