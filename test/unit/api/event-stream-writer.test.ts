import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventStreamWriter } from '../../../src/api/event-stream-writer.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';

/** A response that records its writes and says "full" while `isFull`. */
function fakeSink() {
  const emitter = new EventEmitter();
  const sink = {
    writes: [] as string[],
    isFull: false,
    write(chunk: string): boolean {
      sink.writes.push(chunk);
      return !sink.isFull;
    },
    once: (event: 'drain', listener: () => void) => emitter.once(event, listener),
    drain: () => emitter.emit('drain'),
    lines: () => sink.writes.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as MinicloudEvent),
  };
  return sink;
}

const notice = (n: number): MinicloudEvent => ({ type: 'notice', at: n, level: 'info', message: `e${n}` });

describe('event stream writer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the events of one interval as one NDJSON chunk, in order', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 50 });
    for (let i = 0; i < 100; i++) writer.push(notice(i));
    expect(sink.writes).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(sink.writes).toHaveLength(1);
    expect(sink.lines().map((e) => e.at)).toEqual([...Array(100).keys()]);
  });

  it('holds at most maxPending events for a client that stops reading, then says how many it dropped', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 10, maxPending: 5, now: () => 999 });
    sink.isFull = true;
    writer.push(notice(0));
    vi.advanceTimersByTime(10);
    for (let i = 1; i <= 8; i++) writer.push(notice(i));
    vi.advanceTimersByTime(100);
    expect(sink.writes).toHaveLength(1); // blocked: nothing written until 'drain'
    sink.isFull = false;
    sink.drain();
    vi.advanceTimersByTime(10);
    const events = sink.lines();
    expect(events.map((e) => e.at)).toEqual([0, 1, 2, 3, 4, 5, 999]);
    expect(events.at(-1)).toMatchObject({ type: 'notice', level: 'warn', message: 'event stream: 3 events dropped while this client was not reading fast enough' });
  });

  it('writes nothing after close', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 10 });
    writer.push(notice(1));
    writer.close();
    writer.push(notice(2));
    vi.advanceTimersByTime(100);
    expect(sink.writes).toEqual([]);
  });
});
