// Compare mode's views: the headline on how B differs from A (and the figures behind it: the error on
// half-masked test images, the code's mean activation ρ̂ per unit), B's latent plane beside A's turned
// onto it by Procrustes, and the switch of the diagram between A and B.
import { LatentScatter } from './latent-scatter.js';
import { grouped } from './numbers.js';
import { comparable } from '../lessons/goals.js';

const $ = (id) => document.getElementById(id);
const figure = (v) => (v == null ? '–' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const phaseName = (p) => ({ stage: `pretraining stage ${(p.stage ?? 0) + 1}`, fineTune: 'fine-tuning', endToEnd: 'end-to-end training', classifier: 'the classifier' })[p.kind] ?? p.kind;

/** The state with B's net, settings and network in A's place when the diagram shows B (its layers not
 * editable there: they follow A's settings and B's changes). */
export function diagrammed(s) {
  if (s.diagram !== 'b' || !s.partner) return s;
  const hide = new Set([...(s.view?.hide ?? []), 'hidden']);
  return { ...s, settings: s.partner.settings, network: s.partner.network ?? null, panels: { filters: null, code: null }, view: { ...s.view, hide } };
}

/** One line on the difference: "Step 1,500: B's test loss is 69% lower than A's (1.48 against 4.76)." */
export function headline(a, b) {
  const step = `Step ${grouped(b?.step ?? 0)}`;
  if (a?.testLoss == null || b?.testLoss == null) return 'A and B train in lockstep: the same steps, on the same batches.';
  if (!comparable(a.phase, b.phase)) return `${step}: A is in ${phaseName(a.phase)}, B in ${phaseName(b.phase)}; their losses compare once both train the same thing.`;
  if (a.finished && b.step > a.step) return `${step}: A has finished (at step ${grouped(a.step)}); B trains on.`;
  const change = Math.round(100 * Math.abs(1 - b.testLoss / a.testLoss));
  const how = change === 0 ? 'about the same as' : `${change}% ${b.testLoss < a.testLoss ? 'lower' : 'higher'} than`;
  return `${step}: B's test loss is ${how} A's (${figure(b.testLoss)} against ${figure(a.testLoss)}).`;
}

/** The figures beside the loss, for both: the error on half-masked inputs where either model is
 * denoising (`noisy`), the mean code where either is sparse (`sparse`), and the classifiers' accuracy. */
export function details(a, b, { noisy = true, sparse = true } = {}) {
  if (!a || !b) return '';
  const parts = [];
  if (noisy && a.maskedTestLoss != null && b.maskedTestLoss != null) parts.push(`With half of each test input masked: A ${figure(a.maskedTestLoss)}, B ${figure(b.maskedTestLoss)}.`);
  if (sparse && a.meanCode != null && b.meanCode != null) parts.push(`Mean code activation ρ̂: A ${figure(a.meanCode)}, B ${figure(b.meanCode)}.`);
  if (a.testAccuracy != null && b.testAccuracy != null) parts.push(`Classifier accuracy: A ${(100 * a.testAccuracy).toFixed(1)}%, B ${(100 * b.testAccuracy).toFixed(1)}%.`);
  return parts.join(' ');
}

/** ρ̂ per code unit, A's bars above B's (each unit's mean activation on the test set, 0 to 1). */
function drawRho(canvas, a, b) {
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  const rows = [['A', a], ['B', b]];
  const half = h / 2;
  ctx.font = '11px system-ui, sans-serif';
  rows.forEach(([name, rho], r) => {
    const top = r * half;
    ctx.fillStyle = '#333';
    ctx.fillText(name, 0, top + half / 2 + 4);
    const bar = (w - 14) / Math.max(1, rho.length);
    ctx.fillStyle = r ? '#CC79A7' : '#0072B2';
    rho.forEach((v, i) => {
      const height = Math.max(1, Math.min(1, Math.max(0, v)) * (half - 4));
      ctx.fillRect(14 + i * bar, top + half - 2 - height, Math.max(1, bar - 1), height);
    });
  });
}

export class CompareView {
  constructor(store, onPoint) {
    this.scatter = new LatentScatter({ canvas: $('latent-b'), caption: $('latent-b-what'), legend: document.createElement('ul'), table: $('latent-b-table'), tip: $('latent-b-tip'), onPoint });
    for (const which of ['a', 'b']) $(`diagram-${which}`).onclick = () => store.set({ diagram: which });
    store.subscribe((s, changed) => {
      if (changed.has('diagram') || changed.has('partner')) {
        $('diagram-pick').hidden = !s.partner;
        for (const which of ['a', 'b']) $(`diagram-${which}`).setAttribute('aria-pressed', String((s.partner ? s.diagram : 'a') === which));
      }
      if (!changed.has('partner')) return; // (B's report follows A's: both figures are then of one step)
      $('latent-b-box').hidden = !s.partner;
      if (!s.partner) return;
      const [a, b] = [s.metrics, s.partner.metrics];
      $('compare-headline').textContent = headline(a, b);
      const either = (test) => test(s.settings) || test(s.partner.settings);
      const sparse = either((x) => x.klWeight > 0 || x.l1 > 0 || x.kSparse > 0);
      $('compare-details').textContent = details(a, b, { noisy: either((x) => x.masking > 0 || x.saltPepper > 0 || x.gaussian > 0), sparse });
      const rho = a.rho?.length && b.rho?.length && sparse;
      $('compare-rho').hidden = !rho;
      if (rho) drawRho($('compare-rho'), a.rho, b.rho);
      if (changed.has('partner') && s.partner.latent) this.showLatent(s.partner.latent);
    });
  }

  showLatent(latent) {
    this.scatter.update(latent);
    $('latent-b-what').textContent = latent.aligned ? 'B (right): the same samples, turned, scaled and shifted onto A’s plane (Procrustes) so that each sits where A puts it.' : `B (right): ${$('latent-b-what').textContent}`;
  }

  /** A new pair of models: B's plane shows the same samples as A's. */
  newModel(dataset, images) {
    this.scatter.setClassNames(dataset.classNames);
    if (images) this.scatter.setImages(images.images, images.count, dataset.width, dataset.height, dataset.channels);
  }
}
