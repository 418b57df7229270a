// The bench page's controller: starts the benchmark worker, adds each result to the table, and
// exposes window.aeBench = {done: Promise<rows>} for scripts (scripts/bench-page.mjs). With #report in
// the address it also posts the rows to /bench-report on its own origin, for a runner without Node
// (scripts/bench-page-gpu-machine.py).
const quick = location.hash.includes('quick');
const worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module' });
const rows = [];
const body = document.querySelector('#results tbody');

window.aeBench = {
  done: new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'status') document.getElementById('status').textContent = data.text;
      if (data.type === 'row') {
        rows.push(data.row);
        const tr = document.createElement('tr');
        for (const key of ['what', 'engine', 'size', 'result']) tr.append(Object.assign(document.createElement('td'), { textContent: data.row[key] }));
        body.append(tr);
      }
      if (data.type === 'done') resolve(rows);
      if (data.type === 'error') reject(new Error(data.message));
    };
  }),
};
worker.postMessage({ quick });

if (location.hash.includes('report')) {
  const report = (body) => fetch(new URL('/bench-report', location.href), { method: 'POST', body: JSON.stringify(body) });
  window.aeBench.done.then((rows) => report({ rows, userAgent: navigator.userAgent }), (e) => report({ error: e.message }));
}
