// The side-by-side page's report (window.aeVersus's result) and the two measurements every net goes
// through, whatever runs it: the loss check (the same steps, one at a time, against a reference) and the
// timing (turns in order, A B C A B C, after each net's warm-up). A net is {use(), train(n) → loss}.

export const quick = location.hash.includes('quick');
export const report = { quick, userAgent: navigator.userAgent, rows: [], agreement: [], losses: {}, timing: {}, gemm: [], threads: null, webgpu: null };

const body = document.querySelector('#results tbody');
export const status = (text) => (document.getElementById('status').textContent = text);

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function row(what, engine, result) {
  report.rows.push({ what, engine, result });
  const tr = document.createElement('tr');
  for (const text of [what, engine, result]) tr.append(Object.assign(document.createElement('td'), { textContent: text }));
  body.append(tr);
}

/** Trains each net `steps` steps, one at a time, keeps every loss in report.losses, and records how far
 * each differs from the first net's (the worst step's relative difference) in report.agreement. */
export async function agreement(nets, steps, label = (name) => name) {
  for (const [name, net] of Object.entries(nets)) {
    status(`loss check: ${label(name)}…`);
    await net.use();
    report.losses[name] = [];
    for (let s = 0; s < steps; s++) report.losses[name].push(await net.train(1));
  }
  const [ref, ...others] = Object.keys(nets);
  const losses = report.losses;
  for (const name of others) {
    const relative = (i) => Math.abs(losses[name][i] - losses[ref][i]) / losses[ref][i];
    const worst = Math.max(...losses[name].map((_, i) => relative(i)));
    const entry = { engine: name, reference: ref, steps, first: [losses[ref][0], losses[name][0]], last: [losses[ref].at(-1), losses[name].at(-1)], worst };
    report.agreement.push(entry);
    const how = worst === 0 ? 'identical at every step' : `worst step differs by ${(worst * 100).toPrecision(2)}%`;
    row(`loss after ${steps} steps`, `${label(ref)} vs ${label(name)}`, `${entry.last[0].toFixed(3)} vs ${entry.last[1].toFixed(3)} (from ${entry.first[0].toFixed(3)}; ${how})`);
  }
}

/** Median ms per step of each net over `turns` turns taken in order, after each net's warm-up;
 * plan[name] = [warm-up steps, steps per turn]. */
export async function timing(nets, plan, turns, label = (name) => name) {
  const times = Object.fromEntries(Object.keys(nets).map((name) => [name, []]));
  for (const [name, net] of Object.entries(nets)) {
    status(`warm-up: ${label(name)}…`);
    await net.use();
    await net.train(plan[name][0]);
  }
  for (let turn = 0; turn < turns; turn++) {
    for (const [name, net] of Object.entries(nets)) {
      status(`timing: turn ${turn + 1} of ${turns}, ${label(name)}…`);
      await net.use();
      const steps = plan[name][1];
      const start = performance.now();
      await net.train(steps);
      times[name].push((performance.now() - start) / steps);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, median(t)]));
}
