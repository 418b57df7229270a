// The lesson in the network column: its current step drawn by LessonCard (Back and Next move through
// the steps), its goal checked against the store at every change, and what the page API reports.
import { LessonCard } from '../views/lesson-card.js';
import { lessonStatus } from './goals.js';

export function installLesson(store, root) {
  const card = new LessonCard(root, {
    onStep: (index) => store.set({ lessonStep: index }),
    onAnswer: (step, choice) => store.set({ answers: { ...store.get().answers, [step]: choice } }),
  });
  store.subscribe((state) => card.update(state.view?.lesson ?? null, state.lessonStep, state));
}

/** The lesson's current step and whether its goal is met (null in free play). */
export function lessonNow(state) {
  const lesson = state.view?.lesson;
  return lesson ? lessonStatus(lesson, state.lessonStep, state) : null;
}
