// The lesson in the network column: its current step (LessonCard), moved on by Back and Next, its goal
// checked against the store at every change.
export function installLesson(store, root) {
  store.subscribe(({ view, lessonStep }) => {
    const lesson = view?.lesson;
    root.hidden = !lesson;
    if (!lesson) return;
    const step = lesson.steps?.[lessonStep];
    root.textContent = `${lesson.title}: ${step?.text ?? lesson.text ?? ''}`;
  });
}

/** The lesson's current step and whether its goal is met (null in free play). */
export function lessonNow({ view, lessonStep }) {
  const lesson = view?.lesson;
  if (!lesson) return null;
  const step = lesson.steps?.[lessonStep];
  return { key: lesson.key, title: lesson.title, step: lessonStep, steps: lesson.steps?.length ?? 1, text: step?.text ?? lesson.text, watch: step?.watch ?? null, goal: null, met: true };
}
