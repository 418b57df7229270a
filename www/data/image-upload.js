// Image uploads, read in the training worker: PNG, JPEG, GIF, WebP or BMP files (many at once, or a
// folder) and ZIP archives of them become an MNIST IDX pair the engine reads. Each image is decoded by
// the browser and drawn at the chosen square size (stretched to fill it); the images stay in colour
// (red, green, blue) unless every one is grey or grey is asked for (then luma, Rec. 601), 0..255,
// transparent parts black; the folder an image sits in is its label when the images come from two or
// more folders.

import { zipImages } from '../worker/engine.js';

const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i;
const MAX_SIZE = 256;
const MAX_IMAGES = 100_000;
const MAX_BYTES = 2 ** 28; // the colour pixels read (the engine's own limit on values)

export const hasImages = (files) => files.some((f) => IMAGE.test(f.name) || /\.zip$/i.test(f.name));

/** The images in a ZIP archive ({name, blob}), read by the engine (stored and deflated entries). */
function unzip(name, bytes) {
  return zipImages(name, bytes).map((e) => ({ name: e.path, blob: new Blob([e.bytes]) }));
}

/** Where an image of w×h pixels goes on the size×size square, as drawImage's source and destination
 * rectangles: its centre square (crop), all of it squeezed to the square (stretch), or all of it with
 * its aspect kept, centred on black (pad). */
export function placement(fit, w, h, size) {
  if (fit === 'stretch') return [0, 0, w, h, 0, 0, size, size];
  if (fit === 'crop') {
    const side = Math.min(w, h);
    return [(w - side) / 2, (h - side) / 2, side, side, 0, 0, size, size];
  }
  const scale = size / Math.max(w, h);
  return [0, 0, w, h, (size - w * scale) / 2, (size - h * scale) / 2, w * scale, h * scale];
}

/** Files ({name, path?, blob}; images or ZIPs) as [IDX images, IDX labels?] ({name, blob}) and the
 * class names. `colour`: 'auto' (grey when every image is), 'grey' or 'rgb'; `fit`: 'crop', 'stretch'
 * or 'pad' (see placement). */
export async function imagesToIdx(files, { imageSize = 28, colour = 'auto', fit = 'crop' } = {}) {
  if (!['auto', 'grey', 'rgb'].includes(colour)) throw new Error(`image colour ${colour} must be auto, grey or rgb`);
  if (!['crop', 'stretch', 'pad'].includes(fit)) throw new Error(`image fit ${fit} must be crop, stretch or pad`);
  const size = Math.round(Number(imageSize));
  if (!(size >= 2 && size <= MAX_SIZE)) throw new Error(`image size ${imageSize} must be a whole number from 2 to ${MAX_SIZE}`);
  const images = [];
  for (const f of files) {
    if (/\.zip$/i.test(f.name)) images.push(...(unzip(f.name, new Uint8Array(await f.blob.arrayBuffer()))).map((e) => ({ name: `${f.name}/${e.name}`, path: e.name, blob: e.blob })));
    else if (IMAGE.test(f.name)) images.push({ name: f.name, path: f.path ?? f.name, blob: f.blob });
    else throw new Error(`${f.name}: upload images (PNG, JPEG, GIF, WebP, BMP) or ZIPs of them on their own, not with other files`);
  }
  if (!images.length) throw new Error(`${files[0].name}: no images in it`);
  if (images.length > MAX_IMAGES) throw new Error(`${images.length} images is more than the ${MAX_IMAGES} the page reads at once`);
  const folder = (path) => path.split('/').slice(0, -1).pop() ?? '';
  const classNames = [...new Set(images.map((i) => folder(i.path)))].sort();
  const labelled = classNames.length >= 2 && classNames.length <= 256;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const area = size * size;
  if (images.length * area * 3 > MAX_BYTES) throw new Error(`${images.length} images of ${size}×${size} are more than the page can hold; choose a smaller image size`);
  const rgb = new Uint8Array(images.length * area * 3);
  let allGrey = true;
  for (const [n, image] of images.entries()) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(image.blob);
    } catch {
      throw new Error(`${image.name}: the browser cannot decode this image`);
    }
    ctx.clearRect(0, 0, size, size);
    ctx.drawImage(bitmap, ...placement(fit, bitmap.width, bitmap.height, size));
    bitmap.close();
    const { data } = ctx.getImageData(0, 0, size, size);
    for (let p = 0; p < area; p++) {
      const alpha = data[4 * p + 3] / 255; // transparent areas count as black, as in MNIST
      for (let c = 0; c < 3; c++) rgb[3 * (n * area + p) + c] = Math.round(alpha * data[4 * p + c]);
      allGrey &&= data[4 * p] === data[4 * p + 1] && data[4 * p + 1] === data[4 * p + 2];
    }
  }
  const channels = colour === 'rgb' || (colour === 'auto' && !allGrey) ? 3 : 1;
  const dims = channels === 3 ? [0x00000804, images.length, size, size, 3] : [0x00000803, images.length, size, size];
  const pixels = new Uint8Array(4 * dims.length + images.length * area * channels);
  const header = new DataView(pixels.buffer);
  dims.forEach((v, i) => header.setUint32(4 * i, v));
  if (channels === 3) pixels.set(rgb, 4 * dims.length);
  else {
    const grey = (i) => Math.round(0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]);
    for (let i = 0; i < images.length * area; i++) pixels[16 + i] = grey(i);
  }
  const idx = [{ name: files[0].name, blob: new Blob([pixels]) }];
  if (labelled) {
    const labels = new Uint8Array(8 + images.length);
    new DataView(labels.buffer).setUint32(0, 0x00000801);
    new DataView(labels.buffer).setUint32(4, images.length);
    images.forEach((image, n) => (labels[8 + n] = classNames.indexOf(folder(image.path))));
    idx.push({ name: `${files[0].name} (folder labels)`, blob: new Blob([labels]) });
  }
  return { files: idx, classNames: labelled ? classNames : [] };
}
