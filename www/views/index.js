// The page's views, each subscribed to the store: the network diagram and the clicked layer's
// details, the readout, the data column's samples, the loss chart, reconstructions, phases and latent
// plane, compare mode's B beside A, the lesson, the settings drawer, and what a lesson step asks to watch.
import { NetworkView } from './network.js';
import { stageCard } from './network-model.js';
import { LayerDetails } from './layer-details.js';
import { Readout } from './readout.js';
import { SampleStrip } from './sample-strip.js';
import { LossChart } from './loss-chart.js';
import { ImageGrid } from './image-grid.js';
import { StageList } from './stages.js';
import { LatentScatter } from './latent-scatter.js';
import { ReconstructionsView } from './reconstructions.js';
import { CompareView, diagrammed } from './compare-view.js';
import { installLesson } from '../lessons/view.js';
import { inView, perFrame } from './pacing.js';
import { guarded, made } from './guard.js';

const $ = (id) => document.getElementById(id);
// The bundled datasets' shapes, so that the diagram is drawn at once, before the data arrives (nothing
// jumps when it does); an upload's shape is known only then.
const SHAPES = { mnist: [28, 28], digits: [8, 8], swissRoll: [10, 1], circles: [10, 1], sines: [64, 1] };
const OUTSIDE = { loss: 'loss-block', reconstructions: 'recon-block', latent: 'latent-block', phases: 'stages', segmentation: 'segment-panel' };

export function installViews(store, { reset, select }) {
  const choose = (i) => select(i, true).catch(() => {}); // a sample chosen by pointing
  // Each view is made, and draws, on its own (guard.js): one that fails shows why in its place.
  const chart = made($('loss-chart'), () => new LossChart($('loss-chart'), 130, $('loss-key')), LossChart);
  // A phase's item shows its layer in the diagram: a stage its encoder layer, fine-tuning the code.
  const stages = made($('stages'), () => new StageList($('stages'), (index) => {
    const { metrics, settings } = store.get();
    const phase = metrics.phase?.kinds?.[index];
    store.set({ selectedCard: phase?.kind === 'stage' ? stageCard(settings, phase.stage) : `enc${settings.hidden.length - 1}` });
    $('network').scrollIntoView({ block: 'nearest' });
  }), StageList);
  const scatter = made($('latent-block'), () => new LatentScatter({ canvas: $('latent'), caption: $('latent-what'), legend: $('latent-legend'), table: $('latent-table'), tip: $('latent-tip'), onPoint: choose }), LatentScatter);
  const recon = made($('reconstructions'), () => new ReconstructionsView($('reconstructions'), choose), ReconstructionsView);
  const network = made($('network'), () => new NetworkView($('network'), {
    onLayers: (change) => reset(change).catch(() => {}),
    onSelectCard: (id) => store.set({ selectedCard: id }),
  }), NetworkView);
  const details = made($('layer-details'), () => new LayerDetails($('layer-details')), LayerDetails);
  // Drawn once a frame from the latest state (pacing.js); those below a phone's first screen only
  // while in view.
  const drawNetwork = perFrame((s) => network.update(s)); // (each view's methods are guarded)
  const drawDetails = inView($('layer-details'), (s) => details.update(s));
  const drawStrip = inView($('sample-strip'), (s) => strip.update(s));
  const drawLatent = inView($('latent'), (latent, comparing) => {
    scatter.update(latent);
    if (comparing) $('latent-what').textContent = `A (left): ${$('latent-what').textContent}`;
  });
  const drawImages = inView($('latent'), guarded($('latent-block'), (s) => showImages(s, scatter, compare.scatter)));
  const drawPreview = perFrame(guarded($('upload-preview'), (s) => showPreview(s, preview))); // in the drawer, which may open any time
  const drawReconstructions = inView($('reconstructions'), (m) => {
    recon.update(m, store.get().dataset);
    const { phase } = store.get().metrics;
    if (phase) stages.setReconstruction(phase.index, $('reconstructions'));
  });
  // An RBM stage's dreams: shown while one trains, in the data's own shape.
  const dreams = made($('dreams'), () => new ImageGrid($('dreams'), { size: 42 }), ImageGrid);
  const drawDreams = guarded($('dreams-block'), ({ count, pixels, steps, model }) => {
    $('dreams-block').hidden = !count;
    if (!count) return;
    const { width, height, channels } = store.get().dataset;
    const size = width * height * channels;
    const row = (r) => Array.from({ length: count / 2 }, (_, i) => pixels.subarray((r * count) / 2 * size + i * size, (r * count) / 2 * size + (i + 1) * size));
    dreams.update([row(0), row(1)], width, height, channels);
    const whose = model ? `${model}’s ` : '';
    $('dreams-what').textContent = `${whose}Gibbs chains started from noise, ${steps} steps on: what the RBM being trained finds likely. They sharpen as it learns.`;
  });
  const compare = made($('compare-bar'), () => new CompareView(store, choose), CompareView);
  const readout = made($('readout'), () => new Readout($('readout'), $('announce')), Readout);
  const strip = made($('sample-strip'), () => new SampleStrip($('sample-strip'), choose), SampleStrip);
  const preview = made($('upload-preview'), () => new ImageGrid($('upload-preview'), { size: 40 }), ImageGrid);
  const neighbours = made($('neighbours'), () => new ImageGrid($('neighbours'), { size: 36 }), ImageGrid);
  store.subscribe((state, changed) => {
    const s = diagrammed(state);
    const diagramChanged = changed.has('diagram') || (changed.has('partner') && s.diagram === 'b');
    // (not on `panels`: the ‖J‖ on the code card follows with the next network message)
    if (diagramChanged || ['settings', 'dataset', 'network', 'selectedCard', 'view', 'lessonStep'].some((k) => changed.has(k))) drawNetwork({ ...s, dataset: s.dataset ?? provisional(s.settings), watch: watchOf(s) });
    if (diagramChanged || ['settings', 'dataset', 'network', 'selectedCard', 'panels'].some((k) => changed.has(k))) drawDetails(s);
    if (changed.has('metrics') || changed.has('running')) readout.update(s);
    if (['images', 'dataset', 'selected'].some((k) => changed.has(k))) drawStrip(s);
    if (changed.has('selected')) $('sample-pick').value = s.selected;
    if (changed.has('dataset') && s.dataset) $('sample-pick').max = s.dataset.nTest - 1;
    if (changed.has('latent') && s.latent) drawLatent(s.latent, Boolean(s.partner));
    if (changed.has('backend')) $('backend').textContent = $('backend').title = backendLine(s.backend);
    if (changed.has('images') && s.images && s.dataset) {
      drawImages(s);
      drawPreview(s);
    }
    if (changed.has('dataset') && s.dataset) showData(s.dataset);
    if (changed.has('view') || changed.has('lessonStep')) highlight(watchOf(s));
    if (changed.has('neighbours')) showNeighbours(s, neighbours, scatter);
    // A comparison ended: B leaves the chart and the reconstructions (A's points stay).
    if (changed.has('partner') && !state.partner) {
      chart.setPartner(false, state.settings);
      recon.setPartner(null);
    }
  });
  $('sample-pick').addEventListener('change', (e) => select(Number(e.target.value)).catch(() => (e.target.value = store.get().selected)));
  made($('lesson'), () => installLesson(store, $('lesson')));
  made($('drawer'), installDrawer);
  return {
    scatter,
    newModel(dataset) {
      scatter.setClassNames(dataset.classNames);
      [scatter.marked, scatter.cross] = [null, null]; // the drawing's code and the cross were the old model's
      for (const id of ['decoded', 'drawn-output']) $(id).getContext('2d').clearRect(0, 0, $(id).width, $(id).height);
      chart.reset(store.get().settings, Boolean(store.get().partner));
      $('dreams-block').hidden = true; // a new model dreams once an RBM stage of its own trains
      compare.newModel(dataset);
      recon.setPartner(null); // the old B's outputs
    },
    /** B's report (compare mode): its losses on the chart, its outputs under A's. */
    compared(m) {
      chart.updatePartner(m);
      // B's rows beside A's only while both rebuild the data (not a later pretraining stage's codes).
      const later = (p) => p?.kind === 'stage' && p.stage > 0;
      recon.setPartner(store.get().partner, later(m.phase) || later(store.get().metrics.phase));
    },
    metrics(m, before) {
      // Each phase (pretraining stage, fine-tuning) has its own loss series: their losses differ in kind.
      if (before.phase && m.phase.index !== before.phase.index) chart.reset();
      chart.update(m);
      stages.update(store.get().metrics);
    },
    reconstructions: (m) => drawReconstructions(m),
    dreams: (m) => drawDreams(m),
    phaseLosses: ({ index, losses }) => stages.setLosses(index, losses),
    chartData: () => chart.data,
    restoreChart: (data) => chart.restore(data),
  };
}

/** The first test samples as the engine sees them, as the latent planes' thumbnails. */
function showImages({ images: { images, count }, dataset: { width, height, channels } }, scatter, scatterB) {
  for (const plane of [scatter, scatterB]) plane?.setImages(images, count, width, height, channels);
}

/** The first test samples in the preview under "Your data" in the drawer. */
function showPreview({ images: { images, count }, dataset: { width, height, channels } }, preview) {
  const size = width * height * channels;
  preview.update([Array.from({ length: Math.min(8, count) }, (_, i) => images.subarray(i * size, (i + 1) * size))], width, height, channels);
}

/** The test samples nearest the point clicked on the latent plane, as images, with their labels. */
function showNeighbours({ neighbours: near, images, dataset, latent }, grid, scatter) {
  const shown = Boolean(near.length && images && dataset?.height > 1);
  $('neighbours').hidden = !shown;
  $('neighbours-what').textContent = near.length ? `Nearest test samples to the point clicked: ${near.map((i) => (latent?.labels.length ? `${i} (${scatter.name(latent.labels[i])})` : i)).join(', ')}; the nearest is in the network.` : '';
  if (!shown) return;
  const size = dataset.width * dataset.height * dataset.channels;
  grid.update([near.filter((i) => i < images.count).map((i) => images.images.subarray(i * size, (i + 1) * size))], dataset.width, dataset.height, dataset.channels);
}

/** The shape of the dataset the settings name, while it loads (null for an upload). */
function provisional({ dataset }) {
  const shape = SHAPES[dataset];
  return shape && { width: shape[0], height: shape[1], channels: 1 };
}

/** The part of the page the lesson's current step asks to watch, if any. */
function watchOf({ view, lessonStep }) {
  return view?.lesson?.steps?.[lessonStep]?.watch ?? null;
}

/** Outlines the panel a step points at outside the diagram (the diagram marks its own cards). */
function highlight(watch) {
  for (const [part, id] of Object.entries(OUTSIDE)) $(id).classList.toggle('watched', part === watch);
}

/** The dataset in words; the sample strip and the decoded images only for images, the pad only for grey ones. */
function showData(d) {
  $('data-what').textContent = describeData(d);
  $('samples-images').hidden = d.height <= 1;
  $('explore').hidden = d.height <= 1;
  $('pad').hidden = d.height <= 1 || d.channels !== 1;
}

function describeData(d) {
  const shape = d.height > 1 ? `${d.height}×${d.width} ${d.channels === 3 ? 'colour ' : ''}images` : `${d.width} values each`;
  return `${d.name}: ${d.nTrain} train and ${d.nTest} test samples of ${shape}.`;
}

/** The settings drawer: opened from the top bar (or "Your data…"), closed by its button or Escape,
 * the keyboard going back to the button that opened it. */
function installDrawer() {
  const drawer = $('drawer');
  let opener = $('drawer-open');
  const open = (on, focus) => {
    drawer.hidden = !on;
    $('drawer-open').setAttribute('aria-expanded', String(on));
    if (on) (focus ?? $('drawer-close')).focus();
    else opener.focus();
  };
  $('drawer-open').onclick = () => {
    opener = $('drawer-open');
    open(drawer.hidden);
  };
  $('drawer-close').onclick = () => open(false);
  $('compare-open').onclick = () => {
    opener = $('compare-open');
    $('compare-start').open = true;
    open(true, $('compare-preset'));
  };
  $('upload-open').onclick = () => {
    opener = $('upload-open');
    $('drop').open = true;
    open(true, $('upload'));
  };
  drawer.addEventListener('keydown', (e) => e.key === 'Escape' && open(false));
}

/** "Backend: CPU, 2 threads — why the CPU", "Backend: CPU, 1 thread (why one) — why the CPU", or
 * "Backend: WebGPU — why": the threads first, where a narrow line still shows them. */
function backendLine({ name, reason, threads }) {
  const count = name === 'CPU' && threads ? `, ${threads.replace(/: (.*)$/, ' ($1)')}` : '';
  return `Backend: ${name}${count} — ${reason}`;
}
