import type { ServerResponse } from 'node:http';

/** One held `wait_for_change` request, as the registry sees it. */
export interface LongPoll {
  /**
   * Reads again what the client waits on. Answers and returns true when it changed (or is gone);
   * returns false to keep waiting. May throw: the registry then calls `fail`.
   */
  recheck(): boolean;
  /** Answers with the current content, changed or not (its timeout, or the server closing). */
  answerNow(): void;
  /** Answers with the error (a coded 500 through the app's error handler). */
  fail(err: unknown): void;
}

interface Held {
  readonly instanceId: string;
  readonly poll: LongPoll;
  readonly timer: NodeJS.Timeout;
  readonly res: ServerResponse;
  readonly onGone: () => void;
}

/** A held request's connection is idle by design; its hold's own timer bounds it. */
function keepConnection(): void {}

/**
 * The `wait_for_change` requests being held, per instance. A held request costs a timer and a set
 * entry, nothing per request of others: only `wake(instanceId)` (a change of that instance's metadata:
 * `metadata set`, a guest attribute write, issue 14's cloud events) looks at that instance's set.
 *
 * While held, the connection's idle timeout does not close it (the hold's own timer bounds it), and a
 * client that goes away releases its hold. `closeAll` answers every held request at once, so closing the server
 * never waits for a long-poll.
 */
export class LongPollRegistry {
  private readonly byInstance = new Map<string, Set<Held>>();
  private closing = false;

  /** Holds `poll` for at most `timeoutMs`; answers it at once when the server is closing. */
  hold(instanceId: string, poll: LongPoll, timeoutMs: number, res: ServerResponse): void {
    if (this.closing) {
      poll.answerNow();
      return;
    }
    const onGone = (): void => this.release(held);
    const timer = setTimeout(() => {
      this.release(held);
      this.settle(poll, () => poll.answerNow());
    }, timeoutMs);
    const held: Held = { instanceId, poll, timer, res, onGone };
    let set = this.byInstance.get(instanceId);
    if (set === undefined) {
      set = new Set();
      this.byInstance.set(instanceId, set);
    }
    set.add(held);
    // node:http destroys an idle connection on its socket's timeout unless the response listens for it.
    res.on('timeout', keepConnection);
    // 'close' before the answer: the client went away. After the answer, release() has removed this listener.
    res.once('close', onGone);
  }

  /** The instance's metadata may have changed: each of its held requests reads again and answers if it did. */
  wake(instanceId: string): void {
    const set = this.byInstance.get(instanceId);
    if (set === undefined) return;
    for (const held of [...set]) {
      this.settle(held.poll, () => {
        if (held.poll.recheck()) this.release(held);
      }, held);
    }
  }

  /** Answers every held request now and holds no more (the app's preClose). */
  closeAll(): void {
    this.closing = true;
    for (const set of [...this.byInstance.values()]) {
      for (const held of [...set]) {
        this.release(held);
        this.settle(held.poll, () => held.poll.answerNow());
      }
    }
  }

  /** How many requests are held (tests, diagnostics). */
  size(): number {
    let n = 0;
    for (const set of this.byInstance.values()) n += set.size;
    return n;
  }

  private settle(poll: LongPoll, step: () => void, held?: Held): void {
    try {
      step();
    } catch (err) {
      if (held !== undefined) this.release(held);
      poll.fail(err);
    }
  }

  private release(held: Held): void {
    clearTimeout(held.timer);
    held.res.removeListener('close', held.onGone);
    held.res.removeListener('timeout', keepConnection);
    const set = this.byInstance.get(held.instanceId);
    if (set === undefined) return;
    set.delete(held);
    if (set.size === 0) this.byInstance.delete(held.instanceId);
  }
}
