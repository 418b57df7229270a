// Uploads: the file picker ("Upload dataset"), a folder picker and drag-and-drop onto the controls. The files go
// to the worker unread (as Blobs, which cost the page nothing); it streams them into the engine, which
// keeps the dataset, then the model is rebuilt on them. A refused file leaves the dataset, the model and
// the curves as they were.
import { addDatasetOption } from '../settings.js';

const $ = (id) => document.getElementById(id);

/** Files (File objects, or {name, bytes} from scripts) as {name, path, blob}, an IDX labels file after
 * its images (the engine expects that order). A folder's files carry their path in it: the folder is an
 * image's label. */
function entries(fileList) {
  const files = [...fileList].map((f) => ({ name: f.name, path: f.webkitRelativePath || f.path || f.name, blob: f instanceof Blob ? f : new Blob([f.bytes]) }));
  const labelsLast = (f) => (/label/i.test(f.name) ? 1 : 0);
  return files.sort((a, b) => labelsLast(a) - labelsLast(b));
}

function describe(s) {
  const shape = s.height > 1 ? `${s.height}×${s.width} ${s.channels === 3 ? 'colour' : 'grey'} images` : `${s.width} values each`;
  const names = s.classNames?.length ? ` (${s.classNames.slice(0, 6).join(', ')}${s.classNames.length > 6 ? ', …' : ''})` : '';
  const labels = s.classes ? `, ${s.classes} classes${names}` : ', no labels';
  const column = s.table?.label != null ? ` The labels are column ${s.table.label + 1}, "${s.table.names[s.table.label]}" (${s.table.labelWhy}).` : '';
  return `${s.name}: ${s.n} samples of ${shape} (${s.nTrain} train, ${s.nTest} test)${labels}; values ${s.min.toFixed(3)} to ${s.max.toFixed(3)}.${column}`;
}

/** For a table: a choice of its label column (or none), which reads the same files again. */
function offerLabels(table, again) {
  const box = $('upload-relabel');
  box.hidden = !table;
  if (!table) return;
  const pick = $('upload-label-pick');
  const choices = [['none', 'no column (no labels)'], ...table.names.map((name, i) => [String(i + 1), `column ${i + 1}: ${name}`])];
  pick.replaceChildren(...choices.map(([value, text]) => new Option(text, value)));
  pick.value = table.label == null ? 'none' : String(table.label + 1);
  pick.onchange = () => again(pick.value);
}

/** Reads, parses and trains on `fileList`; resolves with the summary, rejects with the reason. A
 * table's summary offers to read it again with another label column. */
export async function upload(controller, fileList, options = {}) {
  const files = entries(fileList); // taken now: a picker's list empties once it is reset
  if (!files.length) throw new Error('no file was chosen');
  return build(controller, files, options);
}

async function build(controller, files, options) {
  const { key, summary } = await controller.request({ type: 'upload', files, options });
  addDatasetOption(key);
  // A batch larger than the training rows cannot be drawn: a small upload gets a smaller batch.
  const changes = { dataset: key };
  if (controller.state.batchSize > summary.nTrain) changes.batchSize = summary.nTrain;
  await controller.reset(changes);
  const lowered = changes.batchSize ? ` Batch size lowered to ${changes.batchSize} to fit the training rows.` : '';
  $('upload-summary').textContent = describe(summary) + lowered;
  const again = (labelColumn) => build(controller, files, { ...options, labelColumn }).catch((e) => ($('upload-summary').textContent = `${e.message} (the data in hand stay as they were)`));
  offerLabels(summary.table, again);
  return summary;
}

/** Wires the picker, the options and the drop zone; errors go to `showMessage`. */
export function installUpload(controller, showMessage) {
  const options = () => ({
    labelColumn: $('upload-label').value.trim(),
    normalise: $('upload-normalise').value,
    testFraction: Number($('upload-test').value),
    imageSize: Number($('upload-size').value),
    colour: $('upload-colour').value,
    fit: $('upload-fit').value,
  });
  const go = (fileList) => {
    showMessage(null);
    $('upload-summary').textContent = `Reading ${[...fileList].map((f) => f.name).join(', ')}…`;
    upload(controller, fileList, options()).catch((e) => {
      $('upload-summary').textContent = '';
      showMessage(e.message);
    });
  };
  for (const picker of ['upload', 'upload-folder']) {
    $(picker).addEventListener('change', (e) => {
      if (e.target.files.length) go(e.target.files);
      e.target.value = '';
    });
  }
  const zone = $('drop');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    if (e.dataTransfer.files.length) go(e.dataTransfer.files);
  });
}
