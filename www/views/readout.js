// The compact readout in the top bar (phase, step, epoch, losses, accuracy, speed), and the live
// region that speaks it to screen readers at a calm rate: at most every ANNOUNCE_EVERY_MS, and at
// once when a phase begins or training starts or stops.

const ANNOUNCE_EVERY_MS = 10_000;

export class Readout {
  constructor(list, live) {
    Object.assign(this, { list, live });
    this.announced = { at: -Infinity, phase: null, running: false };
  }

  update({ metrics: m, running }) {
    const fmt = (v, digits = 2) => (v == null ? '–' : v.toFixed(digits));
    const phase = m.phase ? `${m.phase.name} (${m.phase.index + 1} of ${m.phase.count})${m.finished ? ', finished' : ''}` : '–';
    const rows = [
      ['Phase', phase],
      ['Step', m.step],
      ['Epoch', m.epoch],
      ['Train loss', fmt(m.trainLoss)],
      ['Test loss', fmt(m.testLoss)],
      ...(m.testAccuracy == null ? [] : [['Test accuracy', `${(100 * m.testAccuracy).toFixed(1)}%`]]),
      ['Samples/s', m.samplesPerSecond == null ? '–' : Math.round(m.samplesPerSecond)],
    ];
    const item = (tag, textContent) => Object.assign(document.createElement(tag), { textContent });
    this.list.replaceChildren(...rows.flatMap(([k, v]) => [item('dt', k), item('dd', v)]));
    this.announce(phase, m, running);
  }

  announce(phase, m, running) {
    const now = performance.now();
    const changed = phase !== this.announced.phase || running !== this.announced.running;
    if (!changed && now - this.announced.at < ANNOUNCE_EVERY_MS) return;
    this.announced = { at: now, phase, running };
    const loss = m.testLoss == null ? '' : `, test loss ${m.testLoss.toFixed(2)}`;
    this.live.textContent = `${running ? 'Training' : 'Paused'}: ${phase}, step ${m.step}${loss}.`;
  }
}
