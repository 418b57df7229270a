// window.aePlayground: the page API for scripts, tests and course authors (documented in docs/instructors.md).
import { describeNetwork } from './views/network-model.js';
import { lessonNow } from './lessons/view.js';
import { diagrammed } from './views/compare-view.js';

/** Installs the API over the page's controller (main.js): its requests to the worker and its state.
 * What it resolves, it resolves after the page's next frame: the views draw once a frame
 * (views/pacing.js), so a script that reads the page after `await train()` finds drawn what is in
 * view (the views and charts below the first screen draw as they come into view). */
export function installApi(controller) {
  const api = {
    /** Resolves once the engine, the data and the first metrics are ready. */
    ready: drawn(controller.ready),
    /** Trains exactly `steps` steps (pausing play first); resolves with the metrics after them. */
    train: ({ steps = 1 } = {}) => controller.request({ type: 'train', steps }).then(() => controller.metrics()),
    play: () => controller.play(),
    pause: () => controller.pause(),
    /** Rebuilds the model with (some) new settings; resolves once it is ready, rejects with the reason. */
    reset: (settings = {}) => controller.reset(settings),
    /** The same as reset: the settings (engine config, `dataset`, `engine`) to change. */
    configure: (config = {}) => controller.reset(config),
    /** Trains a new model on a bundled or synthetic dataset: mnist, digits, swissRoll, circles, sines. */
    loadBundled: (name) => controller.reset({ dataset: name }),
    /** Reads files ([File] or [{name, bytes}]) with options {labelColumn, normalise, testFraction, seed,
     * imageSize, colour: 'auto' | 'grey' | 'rgb', fit: 'crop' | 'stretch' | 'pad'} and builds a new model on them; resolves with {name, n,
     * nTrain, nTest, height, width, channels, classes, classNames, min, max}, rejects with the reason
     * (the dataset and model in hand stay). */
    upload: (files, options) => controller.upload(files, options),
    /** Test samples `indices` through the model: {inputs, outputs, width}, each [indices.length, width]. */
    reconstruct: (indices) => controller.reconstruct(indices),
    /** The current phase's model as safetensors bytes (Uint8Array; tensor names in docs/practitioners.md). */
    exportWeights: () => controller.exportWeights(),
    /** "Export for PyTorch": the bytes (Uint8Array) of a ZIP holding model.safetensors in PyTorch's
     * names and layout, model.py, train.py, README.md and requirements.txt. */
    exportPyTorch: () => controller.exportPyTorch(),
    /** Builds the model a file of exportWeights (or a checkpoint of the PyTorch export's train.py) was saved from (on the current dataset), puts its
     * weights and optimizer state in, and resolves with the settings in force; rejects with what does
     * not fit (the model in hand stays). */
    importWeights: (bytes) => controller.importWeights(bytes),
    /** Every test sample's code as CSV text (label, z1, z2, …). */
    exportCodes: () => controller.exportCodes(),
    /** {step, epoch, phase: {name, index, count, width}, finished, trainLoss, testLoss, testAccuracy
     *  (the classifier phase), samplesPerSecond, backend, backendReason, running, b}: `b` is B's
     *  {step, epoch, phase, finished, trainLoss, testLoss, testAccuracy, maskedTestLoss, meanCode}
     *  while comparing (A's figures then have maskedTestLoss and meanCode too), else null. */
    metrics: () => controller.metrics(),
    /** Test accuracy of softmax classifiers trained on `labels` labelled samples (10 to 1,000, an equal
     * share per class): {labels, raw, frozenCode, fineTuned} (softmax heads), nearest: {raw, pca,
     * code} (the nearest labelled neighbour), spread: {pca, code} (label spreading over every
     * sample; raw: null), each 0..1, pcaWidth (PCA's components: as many as the code's units, at
     * most the data's values) and step (the training step measured at). */
    fewLabels: (labels) => controller.request({ type: 'fewLabels', labels }),
    /** Trains a linear autoencoder for each k = 1, 2, 4, … 64 (up to the data's width) on the current
     * dataset: {ks, errors, steps}, the test errors beside PCA's in the PCA panel. */
    linearSweep: () => controller.request({ type: 'linearSweep' }),
    /** Builds the patch dataset of an image ({image: {width, height, channels, pixels (Uint8Array)},
     * truth (a Uint8Array of classes, or absent), patch (odd, 5 to 21), name}) and a new model on it with
     * the current settings; resolves with the dataset's summary. */
    loadSegmentation: (options) => controller.loadSegmentation(options),
    /** Trains the classifiers on the labelled pixels [{x, y, label}] (features averaged over `window`
     * pixels, default 21; with `fineTune` true, the encoder first trained 300 steps through a classifier
     * on the labelled patches, the model itself unchanged) and draws the map: {width, height, classes (the code's map, a Uint8Array),
     * accuracy, meanIoU (with a truth, over unlabelled pixels), rawPixels, pca (each {classes,
     * accuracy, meanIoU})}. */
    segment: async (scribbles, window, fineTune) => {
      const r = await controller.segment(scribbles, window, fineTune);
      return { width: r.width, height: r.height, classes: r.code.classes, accuracy: r.code.accuracy, meanIoU: r.code.meanIoU, rawPixels: r.rawPixels, pca: r.pca };
    },
    /** Compare mode: `compare(changes)` builds a second model B with those settings changed from A's
     * (not the dataset or engine) and starts both afresh, trained in lockstep on the same batches;
     * `compare(null)` drops B. Resolves once done; rejects with the reason (what was in hand stays). */
    compare: (changes) => controller.compare(changes),
    /** B's changes and settings while comparing ({changes, settings}), else null. */
    comparing: () => {
      const { partner } = controller.store.get();
      return partner ? structuredClone({ changes: partner.changes, settings: partner.settings }) : null;
    },
    /** Sets the test sample the network diagram shows; resolves once its activations are in. */
    select: (index) => controller.select(index),
    /** Each card of the diagram (A's, or B's when it shows B) for the selected sample: [{id, role, label, units, state, values}]
     * (values an Array, or null for a layer not trained yet), input first, output last. */
    activations: () => {
      const { settings, dataset, network } = diagrammed(controller.store.get()); // A's, or B's when the diagram shows B
      return describeNetwork(settings, dataset, network).cards.map(({ id, role, label, units, state, values }) => ({ id, role, label, units, state, values: values ? Array.from(values) : null }));
    },
    /** The model's output (an array of values) for `code` (an array as wide as the code). */
    decode: async (code) => Array.from(await controller.request({ type: 'decode', code: [...code] })),
    /** Any input (an array of the data's width, e.g. a drawn digit): {code, output}. */
    encode: async (pixels) => {
      const { code, output } = await controller.request({ type: 'encode', pixels: [...pixels] });
      return { code: Array.from(code), output: Array.from(output) };
    },
    /** The lesson's current step: {key, title, step, steps, text, watch, goal, met}, or null in free play. */
    lesson: () => lessonNow(controller.store.get()),
    /** The settings in force (dataset, engine and model). */
    settings: () => structuredClone(controller.state),
    /** For tests: `loseGpu()` destroys the WebGPU device mid-training; resolves once the worker has
     * fallen back to the CPU; `lossSeries()` is the loss chart's points, [steps, train, test]. */
    debug: {
      loseGpu: () => controller.request({ type: 'loseGpu' }),
      /** Any message to the worker, as the page sends it (tests of the protocol). */
      request: (message) => controller.request(message),
      lossSeries: () => controller.lossSeries(),
      /** What the explorers last showed: the code under the pointer and its decoding, the drawn digit. */
      explored: () => structuredClone({ hover: controller.store.get().hover, drawn: controller.store.get().drawn, neighbours: controller.store.get().neighbours }),
    },
  };
  for (const [name, member] of Object.entries(api)) {
    if (typeof member === 'function') api[name] = (...args) => settled(member(...args));
  }
  api.ready.catch(() => {}); // (the worker's failure is shown on the page; a script that awaits ready hears it too)
  window.aePlayground = api;
}

/** `value` as it is, or a promise of it settled once the page has drawn the frame after it. */
function settled(value) {
  return typeof value?.then === 'function' ? drawn(value) : value;
}

/** Resolves (or rejects) as `promise` does, after the next frame's drawing; in a hidden page, which
 * draws no frames, after 100 ms. */
function drawn(promise) {
  const frame = () => new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve));
    setTimeout(resolve, 100);
  });
  return promise.then(
    async (value) => (await frame(), value),
    async (error) => {
      await frame();
      throw error;
    },
  );
}
