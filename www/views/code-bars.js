// Mean activation of each code unit as bars on a canvas, with the KL sparsity target ρ as a dashed
// line when the penalty is on, and a table of the values as the chart's text alternative.

const BAR = '#0072B2'; // Okabe–Ito blue
const TARGET = '#D55E00'; // Okabe–Ito vermillion

export class CodeBars {
  constructor(canvas, table, caption) {
    Object.assign(this, { canvas, table, caption });
  }

  update(means, target) {
    const ctx = this.canvas.getContext('2d');
    const { width: w, height: h } = this.canvas;
    ctx.clearRect(0, 0, w, h);
    const lo = Math.min(0, ...means);
    const hi = Math.max(target ?? 0, ...means, lo + 1e-6);
    const y = (v) => h - 14 - ((v - lo) / (hi - lo)) * (h - 24);
    const step = w / Math.max(1, means.length);
    ctx.fillStyle = BAR;
    means.forEach((m, i) => {
      const [top, bottom] = [y(Math.max(m, 0)), y(Math.min(m, 0))];
      ctx.fillRect(i * step + step * 0.1, top, Math.max(1, step * 0.8), Math.max(1, bottom - top));
    });
    ctx.strokeStyle = '#57606a';
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(0, y(0));
    ctx.lineTo(w, y(0));
    ctx.stroke();
    ctx.fillStyle = '#57606a';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(hi.toPrecision(2), 2, 10);
    ctx.fillText(`${means.length} units`, w - 60, h - 2);
    if (target != null) {
      ctx.strokeStyle = TARGET;
      ctx.setLineDash([6, 3]);
      ctx.beginPath();
      ctx.moveTo(0, y(target));
      ctx.lineTo(w, y(target));
      ctx.stroke();
    }
    const mean = means.reduce((a, b) => a + b, 0) / Math.max(1, means.length);
    this.caption.textContent = `On the test set; mean over units ${mean.toFixed(3)}${target != null ? `, target ρ = ${target} (dashed)` : ''}.`;
    const body = this.table.tBodies[0];
    body.replaceChildren(
      ...means.map((m, i) => {
        const tr = document.createElement('tr');
        tr.append(Object.assign(document.createElement('td'), { textContent: i + 1 }), Object.assign(document.createElement('td'), { textContent: m.toFixed(4) }));
        return tr;
      }),
    );
  }
}
