import type { MinicloudEvent } from '../domain/events.js';
import type { ApiClient } from './api-client.js';

/** What to follow: the options of ApiClient.events besides follow, replay and the signal. */
export type EventStreamOptions = Pick<Parameters<ApiClient['events']>[0], 'requests' | 'keep'>;

/**
 * The controller's event stream (followed, history replayed) as an async iterable: what the TUI's
 * asyncIterableSource consumes in `up` and in bench/tui. Ending the iteration aborts the request.
 */
export function apiEventIterable(client: ApiClient, stream: EventStreamOptions): AsyncIterable<MinicloudEvent> {
  return {
    [Symbol.asyncIterator]() {
      const queue: MinicloudEvent[] = [];
      let wake: (() => void) | null = null;
      let ended = false;
      const ac = new AbortController();
      void client.events({ follow: true, replay: true, signal: ac.signal, ...stream }, (e) => {
        queue.push(e);
        wake?.();
      }).finally(() => {
        ended = true;
        wake?.();
      });
      return {
        async next(): Promise<IteratorResult<MinicloudEvent>> {
          while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
          const value = queue.shift();
          return value ? { value, done: false } : { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<MinicloudEvent>> {
          ac.abort();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
