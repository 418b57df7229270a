// Compare mode on the page: which settings B changes from A's (`compare` in the store), how that goes
// in the address (`b=masking%3D0.3`, `b=off` where a lesson's comparison was ended), the page API's
// compare(), and the bar that says what is compared and how it comes out, with the form to start one.
import { checkSettings } from './lessons/goals.js';
import { SETTINGS, fromHash, toHash } from './settings.js';

const $ = (id) => document.getElementById(id);
/** What compare mode measures beside the losses, for A and B (worker/compare.js). */
export const COMPARED = ['maskedTestLoss', 'meanCode', 'rho'];

/** B's changes as the address has them (or a lesson's, without `b=`); null when not comparing.
 * `refused` gathers what of `b=` no setting takes, for the page to say. */
export function compareFromHash(hash, view, refused = []) {
  const b = new URLSearchParams(hash.replace(/^#/, '')).get('b');
  if (b === 'off') return null;
  if (b === null) return view.lesson?.compare ?? null;
  const bad = [];
  const changes = fromHash(b, {}, bad, { strict: true });
  refused.push(...bad.map((problem) => `B's ${problem}`));
  return Object.keys(changes).length ? changes : null;
}

/** The `b` parameter for `compare` (null where it is the lesson's own). */
export function compareParam(compare, view) {
  const own = view.lesson?.compare ?? null;
  if (JSON.stringify(compare) === JSON.stringify(own)) return null;
  return compare ? toHash(compare, {}).slice(1) : 'off';
}

/** B's changes read from text such as "masking=0.3&hidden=64,8"; throws naming what is not a
 * setting, or a value its setting does not take. */
export function parseChanges(text) {
  const refused = [];
  const changes = fromHash(text.trim().replace(/^#/, ''), {}, refused, { strict: true });
  if (refused.length) throw new Error(`B's changes: ${refused.join('; ')}`);
  if (!Object.keys(changes).length) throw new Error('B\'s changes name no setting (write them as in the address, e.g. masking=0.3)');
  return changes;
}

/** The changes in words: "Masking fraction 0.3, Hidden layers 64,8". */
export function describeChanges(changes) {
  const label = (key) => SETTINGS.find((s) => s.key === key).label.replace(/\s*[(:].*$/, '');
  return Object.entries(changes).map(([k, v]) => `${label(k)} ${Array.isArray(v) ? v.join(',') : v}`).join(', ');
}

/** The controller's compare(changes): B built with A, both from step 0; compare(null) drops B. */
export function installCompare({ store, request, reset, adopt, showMessage }) {
  async function start(changes) {
    // (a change of the data or the engine is refused by the worker, which says why)
    checkSettings(changes, 'compare');
    if (!Object.keys(changes).length) throw new Error('compare: name at least one setting B changes (compare(null) ends a comparison)');
    const before = store.get().compare;
    store.set({ compare: structuredClone(changes) });
    try {
      await reset();
    } catch (e) {
      store.set({ compare: before });
      adopt(store.get().settings);
      throw e;
    }
  }
  async function end() {
    // Cleared first, so that a reset sent before the worker answers builds A alone.
    const before = store.get().compare;
    store.set({ compare: null });
    try {
      await request({ type: 'endCompare' });
    } catch (e) {
      store.set({ compare: before });
      throw e;
    }
    // A's figures that only a comparison measures go with B.
    const metrics = { ...store.get().metrics };
    for (const key of COMPARED) delete metrics[key];
    store.set({ partner: null, diagram: 'a', metrics });
    adopt(store.get().settings);
  }
  const form = $('compare-form');
  form.onsubmit = (e) => {
    e.preventDefault();
    try {
      start(parseChanges($('compare-changes').value)).catch((err) => showMessage(err.message));
    } catch (err) {
      showMessage(err.message);
    }
  };
  $('compare-preset').onchange = (e) => e.target.value && ($('compare-changes').value = e.target.value);
  $('compare-end').onclick = () => end().catch((err) => showMessage(err.message));
  store.subscribe(({ compare }, changed) => {
    if (!changed.has('compare')) return;
    $('compare-bar').hidden = !compare;
    $('compare-what').textContent = compare ? describeChanges(compare) : '';
    if (compare) $('compare-changes').value = toHash(compare, {}).slice(1);
  });
  return { compare: (changes) => (changes == null ? end() : start(changes)) };
}
