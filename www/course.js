// The example course page's own script (course.html): the element's step, and the plain iframe driven
// by postMessage. In a file of its own, so that the page runs under a Content-Security-Policy without
// inline scripts.
const element = document.getElementById('lesson');
setInterval(async () => (document.getElementById('element-step').value = (await element.metrics()).step), 1000);

const frame = document.getElementById('frame');
const playground = new URL('../', import.meta.url);
frame.src = `${playground.href}#lesson=bottleneck&embedder=${encodeURIComponent(location.origin)}`;
let nextId = 1;
const waiting = new Map();
window.addEventListener('message', ({ source, origin, data }) => {
  if (source !== frame.contentWindow || origin !== playground.origin || data?.type !== 'ae:reply') return;
  waiting.get(data.id)?.(data);
  waiting.delete(data.id);
});
const ask = (type, fields = {}) => new Promise((resolve) => {
  const id = nextId++;
  waiting.set(id, resolve);
  frame.contentWindow.postMessage({ type, id, ...fields }, playground.origin);
});
document.getElementById('frame-play').onclick = () => ask('ae:play');
document.getElementById('frame-pause').onclick = () => ask('ae:pause');
document.getElementById('frame-vae').onclick = () => ask('ae:load', { lesson: 'vae' });
// Ask only once the playground says it is ready (messages before that would go unanswered).
window.addEventListener('message', function started({ source, data }) {
  if (source !== frame.contentWindow || data?.type !== 'ae:ready') return;
  window.removeEventListener('message', started);
  for (const id of ['frame-play', 'frame-pause', 'frame-vae']) document.getElementById(id).disabled = false;
  setInterval(async () => {
    const { value } = await ask('ae:metrics');
    document.getElementById('frame-loss').value = value?.testLoss?.toFixed(2) ?? '–';
  }, 1000);
});
