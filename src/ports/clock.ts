/** Time as a port, so tests control it (token expiry, stage timings, log timestamps). */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  monotonic(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
