import type { MinicloudEvent } from '../domain/events.js';
import type { ApiClient } from './api-client.js';

/** What to follow: the options of ApiClient.events besides follow, replay and the signal. */
export type EventStreamOptions = Pick<Parameters<ApiClient['events']>[0], 'requests' | 'keep'>;

/**
 * The controller's event stream (followed, history replayed) as an async iterable: what the TUI's
 * asyncIterableSource consumes in `up` and in bench/tui. Ending the iteration aborts the request. A
 * stream that fails (controller gone mid-stream, a malformed event) delivers what arrived, then `next()`
 * rejects with the error, which the consumer reports (asyncIterableSource: an error notice).
 */
export function apiEventIterable(client: ApiClient, stream: EventStreamOptions): AsyncIterable<MinicloudEvent> {
  return {
    [Symbol.asyncIterator]() {
      const queue: MinicloudEvent[] = [];
      let wake: (() => void) | null = null;
      let ended = false;
      let failure: { error: unknown } | null = null;
      const ac = new AbortController();
      client.events({ follow: true, replay: true, signal: ac.signal, ...stream }, (e) => {
        queue.push(e);
        wake?.();
      }).then(
        () => {
          ended = true;
          wake?.();
        },
        (error: unknown) => {
          failure = { error };
          ended = true;
          wake?.();
        },
      );
      return {
        async next(): Promise<IteratorResult<MinicloudEvent>> {
          while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
          const value = queue.shift();
          if (value !== undefined) return { value, done: false };
          if (failure !== null) throw failure.error;
          return { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<MinicloudEvent>> {
          ac.abort();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
