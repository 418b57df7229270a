// The page inside an iframe: answers postMessage requests from the origins the embedder allowed in
// the address (`embedder=`; its own origin always), and ignores everything else, malformed messages
// included. Requests: {type: 'ae:load', lesson (a built-in lesson's key, or a whole lesson), id}, {type: 'ae:play' | 'ae:pause' | 'ae:metrics', id};
// replies: {type: 'ae:reply', id, value} or {type: 'ae:reply', id, error}. Once ready it tells each
// allowed parent {type: 'ae:ready'}.
import { LESSONS, checkLesson } from './lessons/lessons.js';

export function installEmbedding(controller, view, loadLesson) {
  const allowed = new Set([location.origin, ...view.embedder]);
  window.addEventListener('message', async (event) => {
    const m = event.data;
    if (!allowed.has(event.origin) || !m || typeof m !== 'object' || typeof m.type !== 'string') return;
    const reply = (answer) => event.source?.postMessage({ type: 'ae:reply', id: m.id, ...answer }, event.origin);
    try {
      switch (m.type) {
        case 'ae:play':
          controller.play();
          return reply({ value: true });
        case 'ae:pause':
          controller.pause();
          return reply({ value: true });
        case 'ae:metrics':
          return reply({ value: controller.metrics() });
        case 'ae:load': {
          // A built-in lesson by key, or an instructor's whole lesson (checked, its faults named).
          const lesson = typeof m.lesson === 'object' && m.lesson !== null ? checkLesson(m.lesson) : LESSONS.find((l) => l.key === m.lesson);
          if (!lesson) return reply({ error: `no lesson ${JSON.stringify(m.lesson)} (there are ${LESSONS.map((l) => l.key).join(', ')})` });
          return reply({ value: await loadLesson(lesson) });
        }
        default:
          return undefined; // not ours: ignored
      }
    } catch (e) {
      return reply({ error: e.message ?? String(e) });
    }
  });
  if (window.parent !== window) {
    controller.ready.then(() => {
      for (const origin of allowed) window.parent.postMessage({ type: 'ae:ready' }, origin);
    });
  }
}
