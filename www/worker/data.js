// The datasets the training worker holds, by key: the bundled ones (fetched once), the synthetic ones
// (generated from seed 1) and uploads (streamed into the engine), each an engine `Data` shared by every
// model built on it. An upload's files are kept too, for the saved run.
import { Data, syntheticDataset } from '../../pkg/ae_playground.js';
import { hasImages, imagesToIdx } from '../data/image-upload.js';
import { readFiles } from '../data/read-files.js';

const SYNTHETIC = ['swissRoll', 'circles', 'sines'];

const datasets = new Map(); // key → Data
const uploads = new Map(); // key → {files, options} of an upload

/** The dataset `key`: a bundled or synthetic one by name, or an upload read before. */
export async function loadDataset(key) {
  if (!datasets.has(key) && SYNTHETIC.includes(key)) datasets.set(key, syntheticDataset(key, 1));
  if (!datasets.has(key)) {
    const response = await fetch(new URL(`../../data/${key}.aepk`, import.meta.url));
    if (!response.ok) throw new Error(`dataset ${key}: HTTP ${response.status}`);
    datasets.set(key, Data.fromPacked(new Uint8Array(await response.arrayBuffer())));
  }
  return datasets.get(key);
}

/** An image's patch dataset, kept under `segment:<name>`, in place of the one before (not saved for
 * a reload: see worker.js). */
export function keepSegmentation(name, data) {
  const key = `segment:${name}`;
  // One image at a time: the models built on earlier ones keep their own hold.
  for (const [old, kept] of datasets) {
    if (old.startsWith('segment:')) {
      kept.free();
      datasets.delete(old);
    }
  }
  datasets.set(key, data);
  return { key, summary: data.summary() };
}

/** The upload kept under `key` ({files, options}), or null for a bundled or synthetic dataset. */
export const uploadOf = (key) => uploads.get(key) ?? null;

/** Reads files ([{name, blob}], already tables, arrays or IDX) into a dataset kept under a key of its
 * own: {key, summary}. A saved run's upload comes back through here. */
export async function keepUpload({ files, options }) {
  const { imageSize, colour, fit, ...engineOptions } = options ?? {};
  const data = await readFiles(files, engineOptions);
  const summary = data.summary();
  const key = `upload:${summary.name}`;
  datasets.get(key)?.free(); // a model built on it keeps its own hold
  datasets.set(key, data);
  uploads.set(key, { files, options });
  return { key, summary };
}

/** An upload as the page sends it: images and ZIPs of them are made into IDX (their folders the
 * class names) first. */
export async function readUpload(files, options) {
  if (!hasImages(files)) return keepUpload({ files, options });
  const images = await imagesToIdx(files, options);
  return keepUpload({ files: images.files, options: { ...options, classNames: images.classNames } });
}
