// Export and import: the model as safetensors (with its settings as JSON beside it), the model for
// PyTorch (a ZIP), the test samples' codes as CSV, each figure as PNG; and weights imported back to
// train on, the page's own or a checkpoint of the PyTorch export's train.py. Files are made in the
// browser and saved by the browser: nothing is uploaded.

const $ = (id) => document.getElementById(id);

/** Saves `data` (a Blob, or bytes / text with its type) as `name`. */
function save(name, data, type = 'application/octet-stream') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

const savePng = (canvas, name) => canvas.toBlob((blob) => save(name, blob));

/** Wires the export buttons, the import picker and a PNG button beside each figure. */
export function installExport(controller, showMessage) {
  const fail = (e) => showMessage(e.message ?? String(e));
  $('export-weights').onclick = async () => {
    try {
      save('model.safetensors', await controller.exportWeights());
      const { dataset, engine, threads, ...config } = controller.state;
      save('model.json', JSON.stringify(config, null, 2), 'application/json');
    } catch (e) {
      fail(e);
    }
  };
  $('export-pytorch').onclick = () =>
    controller.exportPyTorch().then((zip) => save('autoencoder-pytorch.zip', zip, 'application/zip'), fail);
  $('export-codes').onclick = () => controller.exportCodes().then((csv) => save('codes.csv', csv, 'text/csv'), fail);
  $('import-weights').addEventListener('change', async (e) => {
    const [file] = e.target.files;
    e.target.value = '';
    if (!file) return;
    showMessage(null);
    controller.importWeights(new Uint8Array(await file.arrayBuffer())).catch(fail);
  });
  // A PNG button beside each figure: data-png names the canvas, or the chart holding one; data-file
  // the file, when not that name.
  for (const button of document.querySelectorAll('button[data-png]')) {
    const id = button.dataset.png;
    button.onclick = () => {
      const el = $(id);
      savePng(el.tagName === 'CANVAS' ? el : el.querySelector('canvas'), `${button.dataset.file ?? id}.png`);
    };
  }
}
