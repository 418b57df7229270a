// The training worker's state, one object per owner. Each part says which functions write it; the
// rest only read it, so that what a handler reads and writes shows in its code (`models.playground`,
// `training.running`). Constants stay in worker.js; the datasets held are data.js's, the panels' wishes
// panels.js's.

/** The models in hand and what they were built from. Written by build() (endCompare drops B, ensureWhole
 * moves both onto the whole dataset). */
export const models = {
  playground: null, // model A
  partner: null, // compare mode's model B, or null
  info: null, // A's dataset: name, size, split
  datasetKey: null, // its key (see data.js)
  settings: null, // the settings A was built with
  wholeToCome: null, // while the models are on a bundled dataset's first slice, the whole's {nTrain} (see data.js)
  batchSize: 0,
};

/** Play and pause. Written by the play loop and the play, pause, train and reset handlers. */
export const training = {
  running: false,
  generation: 0, // a new model (reset, import) ends any play loop of the one before
  looping: false, // a play loop is running (at most one)
};

/** What the page was last told, and the pace of training. Written by report() and trainSlice(). */
export const reports = {
  pending: pendingSince(0), // steps since the last report, and the losses read of them
  lastPost: 0,
  lastTestLoss: 0,
  /** How long the last report, and the last test-set measurement, took (ms). */
  cost: 0,
  testCost: 0,
  stepsPerSlice: 1,
  backendSent: '', // the engine in use and why, as last posted
  phasesSent: 0, // finished phases whose loss series the page has
};

/** The WebGPU device found (a Gpu, whose failure says why there is none), written by findGpu(); and
 * the CPU engine's threads, {count, text}, written by build(). */
export const device = { gpu: null, threads: null };

/** The test sample the network diagram shows. Written by the select handler (and build, to keep it in range). */
export const diagram = { selected: 0 };

/** The upload last written with the saved run (written again only when it changes). Written by save and resume. */
export const saving = { upload: null };

/** No steps yet since `since` (ms). */
export function pendingSince(since) {
  return { loss: 0, read: 0, steps: 0, since };
}
