// A lesson's current step as a card: the title, "Step i of n", the instruction, the part of the diagram
// to watch, the goal with a live mark (✓ met, ○ not yet), a question's choices, and Back / Next. Next
// is never held back by the goal (a guide, not a gate); it only says so when the goal is met. The card
// draws into its own element only, from update(lesson, stepIndex, state).
import { WATCH_PARTS } from '../lessons/lessons.js';
import { describeGoal, goalMet } from '../lessons/goals.js';

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const live = (node) => (node.setAttribute('aria-live', 'polite'), node);
let cards = 0; // gives each card's radio group a name of its own

/** The goal line: a mark, the goal in words, and its state in words for screen readers. */
function goalLine(goal) {
  const words = 'question' in goal ? 'Answer the question below.' : describeGoal(goal);
  const mark = el('span', { className: 'lesson-mark' });
  mark.setAttribute('aria-hidden', 'true');
  const status = el('span', { className: 'visually-hidden' });
  const line = el('p', { className: 'lesson-goal' }, mark, ' ', el('strong', { textContent: 'Goal: ' }), words, ' ', status);
  return { line, mark, status };
}

export class LessonCard {
  /** `onStep(index)` when Back or Next is pressed; `onAnswer(stepIndex, choice)` when a choice is picked. */
  constructor(element, { onStep = () => {}, onAnswer = () => {} } = {}) {
    Object.assign(this, { element, onStep, onAnswer, name: `lesson-choice-${++cards}`, shown: null, parts: null, met: null });
    element.classList.add('lesson-card');
  }

  /** Draws step `stepIndex` of `lesson` (null: the card is hidden) and checks its goal against `state`
   * (the page's store: metrics, settings, fewLabels, answers). */
  update(lesson, stepIndex, state = {}) {
    this.element.hidden = !lesson;
    if (!lesson) {
      this.shown = null;
      return;
    }
    const index = Math.max(0, Math.min(lesson.steps.length - 1, Math.trunc(stepIndex) || 0));
    if (this.shown?.lesson !== lesson || this.shown.index !== index) this.build(lesson, index);
    this.check(lesson.steps[index].goal, state, index);
  }

  /** Makes the card's contents for a new step; keeps the keyboard on Back or Next if it was there. */
  build(lesson, index) {
    const step = lesson.steps[index];
    const focused = ['lesson-back', 'lesson-next'].find((name) => document.activeElement?.classList.contains(name) && this.element.contains(document.activeElement));
    this.shown = { lesson, index };
    this.met = null;
    const back = el('button', { type: 'button', className: 'lesson-back', textContent: 'Back', disabled: index === 0 });
    const next = el('button', { type: 'button', className: 'lesson-next', textContent: 'Next', disabled: index === lesson.steps.length - 1 });
    back.onclick = () => this.onStep(index - 1);
    next.onclick = () => this.onStep(index + 1);
    const goal = step.goal ? goalLine(step.goal) : null;
    const question = step.goal && 'question' in step.goal ? this.question(step.goal, index) : null;
    const feedback = question ? live(el('p', { className: 'lesson-feedback' })) : null;
    const announce = live(el('p', { className: 'lesson-announce visually-hidden' }));
    const watch = step.watch ? el('p', { className: 'lesson-watch', textContent: `Watch: ${WATCH_PARTS[step.watch]}` }) : null;
    if (watch) watch.dataset.part = step.watch;
    this.parts = { goal, question, feedback, back, next, announce };
    this.element.replaceChildren(
      el('h3', { className: 'lesson-title', textContent: lesson.title }),
      el('p', { className: 'lesson-progress', textContent: `Step ${index + 1} of ${lesson.steps.length}` }),
      el('p', { className: 'lesson-text', textContent: step.text }),
      ...[watch, goal?.line, question, feedback].filter(Boolean),
      el('div', { className: 'lesson-nav' }, back, next),
      announce,
    );
    if (focused) {
      const [same, other] = focused === 'lesson-next' ? [next, back] : [back, next];
      (same.disabled ? other : same).focus();
      announce.textContent = `Step ${index + 1} of ${lesson.steps.length}: ${step.text}`;
    }
  }

  /** A question's choices as radio buttons in a fieldset whose legend is the question. */
  question(goal, index) {
    const fieldset = el('fieldset', { className: 'lesson-question' }, el('legend', { textContent: goal.question }));
    goal.choices.forEach((choice, i) => {
      const input = el('input', { type: 'radio', name: this.name, value: String(i) });
      input.addEventListener('change', () => input.checked && this.onAnswer(index, i));
      fieldset.append(el('label', { className: 'lesson-choice' }, input, ` ${choice}`));
    });
    return fieldset;
  }

  /** The goal's mark, the choice picked and what it earns, and Next's wording, from the state. */
  check(goal, state, index) {
    const met = goalMet(goal, state, index);
    const { goal: line, question, next, announce } = this.parts;
    const ready = Boolean(goal && met && !next.disabled);
    next.textContent = ready ? 'Goal met — next' : 'Next';
    next.classList.toggle('lesson-next-ready', ready);
    if (line) {
      line.line.dataset.met = String(met);
      line.mark.textContent = met ? '✓' : '○';
      line.status.textContent = met ? '(met)' : '(not yet)';
    }
    if (question) this.showAnswer(goal, state.answers?.[index], met);
    // Said when the goal becomes met while the student is on the step, not on arriving at a met one;
    // a question's own feedback says it instead.
    else if (goal && met && this.met === false) announce.textContent = `Goal met: ${describeGoal(goal)}`;
    this.met = met;
  }

  /** Ticks the picked choice and says whether it is right (with the explanation once it is). */
  showAnswer(goal, picked, met) {
    const { question, feedback } = this.parts;
    question.querySelectorAll('input').forEach((input, i) => (input.checked = i === picked));
    const text = picked == null ? '' : met ? `Right. ${goal.explain ?? ''}`.trim() : 'Not quite: try another answer.';
    if (feedback.textContent !== text) feedback.textContent = text;
  }
}
