import type { MinicloudEvent } from '../domain/events.js';

export type EventListener = (event: MinicloudEvent) => void;

/**
 * In-process publish/subscribe for MinicloudEvent. Publishing never waits on a listener:
 * a listener that throws is removed and the error reported through `onListenerError`, so one
 * broken consumer (a TUI, a log writer) can never slow or break the metadata server.
 * Keeps the last `historySize` events so a late subscriber (TUI, `events -f`) can catch up.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly history: MinicloudEvent[] = [];
  private readonly historySize: number;
  private readonly onListenerError: (err: unknown) => void;

  constructor(opts: { historySize?: number; onListenerError?: (err: unknown) => void } = {}) {
    this.historySize = opts.historySize ?? 1000;
    this.onListenerError = opts.onListenerError ?? ((err) => process.emitWarning(String(err)));
  }

  publish(event: MinicloudEvent): void {
    this.history.push(event);
    // Trim in batches: splicing one event off a 1000-entry array on every publish cost ~10 µs, the
    // largest share of a metadata request (bench/metadata). Amortised O(1); recent() hides the slack.
    if (this.history.length >= this.historySize * 2) this.history.splice(0, this.history.length - this.historySize);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.listeners.delete(listener);
        this.onListenerError(err);
      }
    }
  }

  /** Returns the unsubscribe function. With `replay`, first receives the retained history. */
  subscribe(listener: EventListener, opts: { replay?: boolean } = {}): () => void {
    if (opts.replay) for (const event of this.recent()) listener(event);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The retained events, oldest first. */
  recent(): readonly MinicloudEvent[] {
    return this.history.length > this.historySize ? this.history.slice(this.history.length - this.historySize) : this.history;
  }
}
