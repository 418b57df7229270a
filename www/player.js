// The Player owns play, pause, step and reset: it tells the worker and keeps `running` in the
// store, and the buttons show what it allows.

export class Player {
  /** `worker`: {send, request} (main.js); `reset()` rebuilds the model from the settings in force. */
  constructor(store, worker, reset) {
    Object.assign(this, { store, worker, resetModel: reset });
  }

  play() {
    this.store.set({ running: true });
    this.worker.send({ type: 'play' });
  }

  pause() {
    this.store.set({ running: false });
    this.worker.send({ type: 'pause' });
  }

  /** Pauses, then trains exactly `steps` steps; resolves once they are done. */
  step(steps = 1) {
    this.store.set({ running: false });
    return this.worker.request({ type: 'train', steps });
  }

  reset() {
    return this.resetModel();
  }

  /** Wires the four buttons, and keeps their enabled state in step with `running`. */
  bind({ play, pause, step, reset }) {
    play.onclick = () => this.play();
    pause.onclick = () => this.pause();
    step.onclick = () => this.step().catch(() => {});
    reset.onclick = () => this.reset().catch(() => {});
    this.store.subscribe(({ running }, changed) => {
      if (!changed.has('running')) return;
      play.disabled = running;
      pause.disabled = !running;
    });
  }
}
