// The datasets the training worker holds, by key: the bundled ones (fetched once), the synthetic ones
// (generated from seed 1) and uploads (streamed into the engine), each an engine `Data` shared by every
// model built on it. An upload's files are kept too, for the saved run.
// MNIST comes in two parts: its first slice (every test row and the first 2,000 training rows, a third
// of the download) is all the first screen needs, and the whole comes when training starts.
import { Data, syntheticDataset } from './engine.js';
import { hasImages, imagesToIdx } from '../data/image-upload.js';
import { readFiles } from '../data/read-files.js';

const SYNTHETIC = ['swissRoll', 'circles', 'sines'];

// A bundled dataset's first slice: its file, and the whole's training rows (checked when the whole
// arrives; src/bin/pack-data.rs writes both files).
const FIRST_SLICES = { mnist: { file: 'mnist-first', nTrain: 8000 } };

const datasets = new Map(); // key → Data
const fetching = new Map(); // file → the promise of its Data, while it downloads
const uploads = new Map(); // key → {files, options} of an upload

/** The dataset `key`, whole: a bundled or synthetic one by name, or an upload read before. */
export async function loadDataset(key) {
  if (!datasets.has(key) && SYNTHETIC.includes(key)) datasets.set(key, syntheticDataset(key, 1));
  if (!datasets.has(key)) {
    const data = await fetchPacked(key);
    const promised = FIRST_SLICES[key]?.nTrain;
    const { nTrain } = data.summary();
    if (promised && nTrain !== promised) throw new Error(`dataset ${key}: ${nTrain} training rows, not the ${promised} its first slice promised`);
    datasets.set(key, data);
  }
  return datasets.get(key);
}

/** What the first screen needs of dataset `key`: `{data, wholeToCome}`, where `wholeToCome` is null
 * when `data` is the whole dataset, else the whole's `{nTrain}` (the first slice has every test row
 * and the whole's first training rows, in order: a model built on it starts as one built on the whole). */
export async function loadFirst(key) {
  const first = FIRST_SLICES[key];
  if (!first || datasets.has(key)) return { data: await loadDataset(key), wholeToCome: null };
  if (!datasets.has(first.file)) datasets.set(first.file, await fetchPacked(first.file));
  return { data: datasets.get(first.file), wholeToCome: { nTrain: first.nTrain } };
}

/** Lets go of dataset `key`'s first slice once the whole is in (the models on it hold their own). */
export function dropFirst(key) {
  const file = FIRST_SLICES[key]?.file;
  datasets.get(file)?.free();
  datasets.delete(file);
}

/** A packed file's Data, downloaded once however many ask for it while it comes. */
function fetchPacked(file) {
  if (!fetching.has(file)) {
    const download = async () => {
      const response = await fetch(new URL(`../../data/${file}.aepk`, import.meta.url));
      if (!response.ok) throw new Error(`dataset ${file}: HTTP ${response.status}`);
      return Data.fromPacked(new Uint8Array(await response.arrayBuffer()));
    };
    fetching.set(file, download().finally(() => fetching.delete(file)));
  }
  return fetching.get(file);
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
