// Compare mode's second model, B: built beside A from A's settings with some changed, on A's data and
// engine (one seed: the same batches, and the same first weights where the shapes agree), trained as
// many steps as A in every slice, and reported whenever A is: its figures, its reconstructions of the
// same test samples, its latent plane put in register with A's (Procrustes) and its network.
import { Playground, procrustes2d } from './engine.js';
import { networkMessage } from './network.js';
import { SHARED_WITH_B } from '../settings.js';
// Both models are also measured on the first test samples with half their values masked (the
// denoising claim); the masks come from the seed, so A and B see the same ones.
export const MASKED = { fraction: 0.5, count: 500 };

/** B's settings: A's with `changes`; a change of the data or the engine is refused. */
export function partnerSettings(settings, changes) {
  for (const key of SHARED_WITH_B) {
    if (key in changes && changes[key] !== settings[key]) throw new Error(`B trains on A's ${key === 'dataset' ? 'data' : 'engine'}: change ${key} for both (in the settings), not for B alone`);
  }
  return { ...settings, ...changes };
}

/** What both models report beside the loss in compare mode: the masked-input error, each code unit's
 * mean activation on the test set (ρ̂, `rho`) and their mean. */
export function extraFigures(model, evaluation) {
  const rho = Array.from(evaluation.meanCode ?? []);
  const meanCode = rho.length ? rho.reduce((a, b) => a + b, 0) / rho.length : null;
  return { maskedTestLoss: model.maskedTestLoss(MASKED.fraction, MASKED.count) ?? null, meanCode, rho };
}

export class Partner {
  /** Throws (nothing kept) when the settings are refused. */
  constructor(settings, changes, data, gpu) {
    const { dataset, engine, threads, ...config } = settings;
    this.settings = settings;
    this.changes = changes;
    this.model = new Playground(config, data);
    try {
      if (gpu) this.model.useEngine(engine ?? 'auto', gpu); // (none in Node: the CPU)
    } catch (e) {
      this.model.free();
      throw e;
    }
    this.pending = { loss: 0, read: 0 };
  }

  get finished() {
    return this.model.finished;
  }

  /** Trains `steps` steps, or fewer if it finishes, through its own phase changes. */
  async train(steps) {
    let done = 0;
    while (done < steps && !this.model.finished) {
      const trained = await this.model.train(steps - done);
      if (trained.loss !== null) {
        this.pending.loss += trained.loss * trained.read;
        this.pending.read += trained.read;
      }
      done += trained.steps;
      if (!trained.steps) break;
    }
    return done;
  }

  /** The `compared` message: B's figures (the test ones when `withTestLoss`), its reconstructions of
   * test samples `indices`, its latent plane turned onto A's `latentA`, and its network with test
   * sample `selected` through it. */
  async report(withTestLoss, indices, latentA, selected) {
    const model = this.model;
    await model.sync();
    const { loss, read } = this.pending;
    const metrics = { step: model.step, epoch: model.epoch, phase: model.phase(), finished: model.finished, trainLoss: read ? loss / read : null };
    if (withTestLoss) {
      const evaluation = model.evaluate();
      Object.assign(metrics, { testLoss: evaluation.loss, testAccuracy: evaluation.accuracy ?? null }, extraFigures(model, evaluation));
    }
    this.pending = { loss: 0, read: 0 };
    const pixels = model.reconstruct(indices);
    const corrupted = model.corrupted(indices);
    const latent = model.latent(latentA.points.length / 2);
    // Aligned only where both planes are of the same samples (a 1-unit code is a line: as it is).
    const aligned = latent.points.length === latentA.points.length && latent.width > 1 && latentA.width > 1;
    if (aligned) latent.points = procrustes2d(latentA.points, latent.points);
    return { type: 'compared', metrics, pixels, corrupted, latent: { ...latent, aligned }, network: networkMessage(model, selected) };
  }

  free() {
    this.model.free();
  }
}
