// The bench page's controller: starts the benchmark worker, adds each result to the table, and
// exposes window.aeBench = {done: Promise<rows>} for scripts (scripts/bench-page.mjs).
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
