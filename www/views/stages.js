// The training phases as a list, one item each (pretraining stage AE k, fine-tuning, or end-to-end
// training, then the classifier if there is one): a progress bar with the steps, epochs and samples
// per second, then, once the phase is done, its own loss curve (with a table) and its last
// reconstructions (a stage k > 1 reconstructs the code of the stage below, Z_{k−1}); the classifier
// shows its test accuracy instead.
import { grouped } from './numbers.js';
import { LineChart } from './line-chart.js';

const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);

export class StageList {
  /** `onShow(index)`: the user asked to see phase `index`'s layer in the network diagram. */
  constructor(list, onShow = () => {}) {
    this.list = list;
    this.onShow = onShow;
    this.key = null;
    this.items = [];
  }

  /** One item per phase; made again when the phases change (a new model). */
  ensure(names) {
    const key = names.join('|');
    if (key === this.key) return;
    this.key = key;
    this.items = names.map((name) => {
      const bar = el('progress', { max: 1, value: 0 });
      bar.setAttribute('aria-label', `${name}: progress`);
      const state = el('span', { className: 'stage-state', textContent: 'waiting' });
      const curve = el('div', { className: 'stage-curve' });
      const table = el('table');
      const tableBox = el('details', { hidden: true });
      tableBox.append(el('summary', { textContent: `${name}: loss table` }), table);
      const thumb = el('canvas', { className: 'stage-recon', width: 0, height: 0 });
      thumb.setAttribute('role', 'img');
      thumb.setAttribute('aria-label', `${name}: its last reconstructions (top: inputs, bottom: outputs)`);
      const li = el('li', { className: 'stage' });
      li.append(el('div', { className: 'stage-head' }), bar, el('div', { className: 'stage-body' }), tableBox);
      const show = el('button', { type: 'button', className: 'small secondary', textContent: 'show in the network' });
      show.onclick = () => this.onShow(names.indexOf(name));
      li.firstChild.append(el('strong', { textContent: name }), ' ', state, ' ', show);
      li.children[2].append(curve, thumb);
      return { name, li, bar, state, curve, table, tableBox, thumb, chart: null, speed: null };
    });
    this.list.replaceChildren(...this.items.map((i) => i.li));
  }

  /** Progress from a metrics report ({phase, epoch, finished, samplesPerSecond, testAccuracy}). */
  update({ phase: p, epoch, finished, samplesPerSecond, testAccuracy }) {
    this.ensure(p.names);
    this.items.forEach((item, i) => {
      const done = i < p.index || (i === p.index && finished);
      item.li.dataset.state = done ? 'done' : i === p.index ? 'current' : 'waiting';
      if (i === p.index && samplesPerSecond) item.speed = samplesPerSecond;
      if (i === p.index && testAccuracy != null) item.accuracy = testAccuracy;
      const accuracy = item.accuracy != null ? `, test accuracy ${(100 * item.accuracy).toFixed(1)}%` : '';
      const speed = `${item.speed ? `, ${grouped(item.speed)} samples/s` : ''}${accuracy}`;
      if (done) {
        item.bar.value = 1;
        item.state.textContent = `done: ${grouped(p.doneSteps[i])} steps${speed}`;
      } else if (i > p.index) {
        item.bar.value = 0;
        item.state.textContent = 'waiting';
      } else {
        const total = p.epochs ? p.epochs * p.stepsPerEpoch + 1 : 0;
        if (total) item.bar.value = Math.min(1, p.steps / total);
        else item.bar.removeAttribute('value'); // no end: an indeterminate bar
        const epochs = p.epochs ? ` of ${p.epochs}` : ' (no end)';
        item.state.textContent = `training: step ${grouped(p.steps)}${total ? ` of ${grouped(total)}` : ''}, epoch ${epoch}${epochs}${speed}`;
      }
    });
  }

  /** A finished phase's loss series ([step, loss] pairs). */
  setLosses(index, losses) {
    const item = this.items[index];
    if (!item) return;
    const steps = Array.from({ length: losses.length / 2 }, (_, i) => losses[2 * i]);
    const values = Array.from({ length: losses.length / 2 }, (_, i) => losses[2 * i + 1]);
    item.chart ??= new LineChart(item.curve, { x: 'step', y: 'loss', series: [{ label: item.name }], table: item.table, height: 120 });
    item.chart.setData([steps, values]);
    item.tableBox.hidden = false;
  }

  /** The phase `index`'s latest reconstructions: a copy of `canvas`, kept once the phase is done. */
  setReconstruction(index, canvas) {
    const thumb = this.items[index]?.thumb;
    if (!thumb || !canvas.width) return;
    const scale = Math.min(1, 160 / canvas.width);
    [thumb.width, thumb.height] = [Math.round(canvas.width * scale), Math.round(canvas.height * scale)];
    thumb.getContext('2d').drawImage(canvas, 0, 0, thumb.width, thumb.height);
  }
}
