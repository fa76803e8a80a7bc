/**
 * The undo steps of a start (`startCloud`): each part registers how to remove itself as soon as it may
 * exist, and `run()` removes them in reverse order — also when the start failed halfway, so a failed
 * `up` leaves nothing it made. Every step runs even when an earlier one fails, and every failure is
 * returned: none is dropped.
 */
export class UndoStack {
  private steps: (() => unknown)[] = [];
  private last: (() => unknown)[] = [];

  /** Registers a step; the latest registered runs first. */
  push(step: () => unknown): void {
    this.steps.push(step);
  }

  /** Registers a step that runs after all the others (e.g. removing the socket a `down` waits on). */
  pushLast(step: () => unknown): void {
    this.last.unshift(step);
  }

  /** Runs every step once, latest first, then the `pushLast` ones; returns the failures in that order. */
  async run(): Promise<unknown[]> {
    const steps = [...this.steps.reverse(), ...this.last];
    this.steps = [];
    this.last = [];
    const failures: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        failures.push(err);
      }
    }
    return failures;
  }
}
