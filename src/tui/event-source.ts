import type { MinicloudEvent } from '../domain/events.js';
import type { EventBus } from '../events/event-bus.js';

/**
 * What the TUI asks of the controller's event stream (`GET /v1/events`, ApiClient.events): request
 * summaries, keeping per source and 100 ms flush window the newest 20 requests in full (200 a second
 * per source; a guest's cloud-init under TCG makes far fewer, so its rows are all there) and counting
 * the rest. Every counter stays exact whatever the rate; only a flood (a load test) leaves gaps in the
 * request lists. 20 and not the 100 an instance view lists: at 100 the controller serialised and the
 * TUI parsed five times more under load: bench/tui on an idle host measured 0.90–0.93 with 100, a
 * median of 0.95 with 20 (docs/tui.md).
 */
export const DASHBOARD_STREAM = { requests: 'summary', keep: 20 } as const;

/**
 * The TUI's only input: subscribe to the controller's event stream (the same events as
 * `minicloud events --json`). MUST deliver events in order and MUST NOT call the listener after
 * unsubscribe returns; MAY replay retained history first. Fits an in-process EventBus and a
 * remote controller's NDJSON stream alike.
 */
export type SubscribeEvents = (listener: (event: MinicloudEvent) => void) => () => void;

/** The in-process bus, with its retained history replayed so a late TUI starts complete. */
export function eventBusSource(bus: EventBus): SubscribeEvents {
  return (listener) => bus.subscribe(listener, { replay: true });
}

/**
 * An async iterable of events (e.g. parsed NDJSON from the controller's socket). `open` is called
 * once per subscription. When the stream ends or fails, the listener receives a `notice` that says
 * so, so the TUI shows the failure instead of freezing silently.
 */
export function asyncIterableSource(open: () => AsyncIterable<MinicloudEvent>, now: () => number = Date.now): SubscribeEvents {
  return (listener) => {
    let isActive = true;
    const iterator = open()[Symbol.asyncIterator]();
    const pump = async (): Promise<void> => {
      for (;;) {
        const next = await iterator.next();
        if (!isActive) return;
        if (next.done === true) {
          listener({ type: 'notice', at: now(), level: 'warn', message: 'event stream ended' });
          return;
        }
        listener(next.value);
      }
    };
    pump().catch((err: unknown) => {
      if (isActive) listener({ type: 'notice', at: now(), level: 'error', message: `event stream failed: ${String(err)}` });
    });
    return () => {
      isActive = false;
      void iterator.return?.().catch((err: unknown) => process.emitWarning(`closing the event stream: ${String(err)}`));
    };
  };
}
