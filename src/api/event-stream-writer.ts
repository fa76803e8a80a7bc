import type { MinicloudEvent } from '../domain/events.js';

/** The part of a response (http.ServerResponse) the writer uses. */
export interface NdjsonSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface EventStreamWriter {
  /** Queues one event; MUST cost the publisher no more than an array push (it runs in the metadata request hook). */
  push(event: MinicloudEvent): void;
  /** The client went away: drops what is queued, stops the timer; later pushes are ignored. */
  close(): void;
}

/**
 * One follower of `GET /v1/events` (the TUI, `events -f`). Events are serialised and written as
 * NDJSON once per `flushMs`, all at once: a write per event was a syscall per metadata request in
 * the controller (bench/tui), and the TUI draws about 10 frames a second anyway.
 * A client that does not keep up (write() returned false, no 'drain' yet) MUST NOT grow the
 * controller's memory: at most `maxPending` events wait, later ones are dropped and counted, and a
 * `notice` event tells the client how many it missed once it has caught up.
 */
export function createEventStreamWriter(sink: NdjsonSink, opts: { flushMs?: number; maxPending?: number; now?: () => number } = {}): EventStreamWriter {
  const flushMs = opts.flushMs ?? 50;
  const maxPending = opts.maxPending ?? 20_000;
  const now = opts.now ?? Date.now;
  let pending: MinicloudEvent[] = [];
  let dropped = 0;
  let isBlocked = false;
  let isClosed = false;
  let timer: NodeJS.Timeout | null = null;

  const flush = (): void => {
    timer = null;
    if (isBlocked || pending.length === 0) return;
    const batch = pending;
    pending = [];
    if (dropped > 0) {
      batch.push({ type: 'notice', at: now(), level: 'warn', message: `event stream: ${dropped} events dropped while this client was not reading fast enough` });
      dropped = 0;
    }
    let text = '';
    for (const event of batch) text += `${JSON.stringify(event)}\n`;
    if (!sink.write(text)) {
      isBlocked = true;
      sink.once('drain', () => {
        isBlocked = false;
        if (!isClosed) schedule();
      });
    }
  };

  const schedule = (): void => {
    if (timer !== null || isClosed) return;
    timer = setTimeout(flush, flushMs);
  };

  return {
    push(event) {
      if (isClosed) return;
      if (pending.length >= maxPending) {
        dropped++;
        return;
      }
      pending.push(event);
      if (!isBlocked) schedule();
    },
    close() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = [];
      isClosed = true;
    },
  };
}
