import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/api/api-client.js';
import { apiEventIterable } from '../../../src/api/api-event-iterable.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';

const notice = (message: string): MinicloudEvent => ({ type: 'notice', at: 1, level: 'info', message });

/** A client whose stream sends `events`, then ends with `outcome`. */
function clientThat(events: MinicloudEvent[], outcome: Error | null): ApiClient {
  const fake: Pick<ApiClient, 'events'> = {
    events: async (_opts, onEvent) => {
      for (const e of events) onEvent(e);
      if (outcome !== null) throw outcome;
    },
  };
  return fake as ApiClient;
}

async function drain(iterable: AsyncIterable<MinicloudEvent>): Promise<{ seen: string[]; error: unknown }> {
  const seen: string[] = [];
  try {
    for await (const e of iterable) seen.push(e.type === 'notice' ? e.message : e.type);
    return { seen, error: null };
  } catch (error) {
    return { seen, error };
  }
}

describe('apiEventIterable', () => {
  it('yields the stream in order and ends when it ends', async () => {
    expect(await drain(apiEventIterable(clientThat([notice('a'), notice('b')], null), {}))).toEqual({ seen: ['a', 'b'], error: null });
  });

  it('a failed stream yields what arrived, then rejects with the error (not an unhandled rejection)', async () => {
    const failure = new Error('controller went away');
    expect(await drain(apiEventIterable(clientThat([notice('a')], failure), {}))).toEqual({ seen: ['a'], error: failure });
  });
});
