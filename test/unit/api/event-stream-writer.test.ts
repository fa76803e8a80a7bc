import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventStreamWriter } from '../../../src/api/event-stream-writer.js';
import { SKIPPED_PATHS_MAX, type MinicloudEvent } from '../../../src/domain/events.js';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';

/** A response that records its writes and says "full" while `isFull`. */
function fakeSink() {
  const emitter = new EventEmitter();
  const sink = {
    writes: [] as string[],
    isFull: false,
    ended: false,
    end(): void {
      sink.ended = true;
    },
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

  it('end writes what is queued at once, ends the stream and ignores later pushes', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 10 });
    writer.push(notice(1));
    writer.push(notice(2));
    writer.end();
    expect(sink.lines()).toEqual([notice(1), notice(2)]);
    expect(sink.ended).toBe(true);
    writer.push(notice(3));
    vi.advanceTimersByTime(100);
    expect(sink.lines()).toHaveLength(2);
  });

  it('end drops what a client that stopped reading has not taken, and still ends', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 10 });
    sink.isFull = true;
    writer.push(notice(1));
    vi.advanceTimersByTime(10);
    writer.push(notice(2));
    writer.end();
    expect(sink.lines()).toEqual([notice(1)]);
    expect(sink.ended).toBe(true);
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

const ID_A = 'i-000000000000000a';
const ID_B = 'i-000000000000000b';

/** A `metadata.request` event; `n` orders them (time T0 + n). */
function req(n: number, over: Partial<MetadataRequestRecord> = {}): MinicloudEvent {
  const request: MetadataRequestRecord = {
    time: 1000 + n, instanceId: ID_A, sourceIp: '10.0.0.10', method: 'GET', path: '/latest/meta-data/instance-id',
    status: 200, bytes: 19, latencyMs: 1, userAgent: null, tokenUsed: false, flavour: 'ec2', fault: null, ...over,
  };
  return { type: 'metadata.request', at: request.time, request };
}
const fromB = { instanceId: ID_B, sourceIp: '10.0.0.11' };

describe('event stream writer, request summaries (keepRequests)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the last K requests of each source in order, after one event counting the rest of that source', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 50, keepRequests: 2 });
    writer.push(req(0));
    writer.push(req(1, { status: 404, bytes: 9, path: '/a' }));
    writer.push(req(2, fromB));
    writer.push(notice(3));
    writer.push(req(4, { path: '/b', status: 500, bytes: 5 }));
    writer.push(req(5));
    writer.push(req(6, fromB));
    writer.push(req(7));
    vi.advanceTimersByTime(50);
    expect(sink.writes).toHaveLength(1);
    const lines = sink.lines().map((e) => (e.type === 'metadata.request' ? `req ${e.at - 1000}` : e.type === 'notice' ? `notice ${e.at}` : e.type));
    // A's requests 0, 1, 4 are skipped: the summary sits where the last of them (4) was.
    expect(lines).toEqual(['req 2', 'notice 3', 'metadata.requests.skipped', 'req 5', 'req 6', 'req 7']);
    expect(sink.lines()[2]).toEqual({
      type: 'metadata.requests.skipped', at: 1004, instanceId: ID_A, sourceIp: '10.0.0.10', count: 3, errorCount: 2, bytes: 19 + 9 + 5,
      firstAt: 1000, lastAt: 1004, paths: [{ path: '/latest/meta-data/instance-id', status: 200 }, { path: '/a', status: 404 }, { path: '/b', status: 500 }],
    });
  });

  it('keys unknown sources by their IP, and starts every flush window afresh', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 50, keepRequests: 1 });
    for (let i = 0; i < 3; i++) writer.push(req(i, { instanceId: null, sourceIp: '10.0.0.99' }));
    for (let i = 3; i < 5; i++) writer.push(req(i, { instanceId: null, sourceIp: '10.0.0.98' }));
    vi.advanceTimersByTime(50);
    writer.push(req(5, { instanceId: null, sourceIp: '10.0.0.99' }));
    vi.advanceTimersByTime(50);
    const summaries = sink.lines().filter((e) => e.type === 'metadata.requests.skipped');
    expect(summaries.map((e) => [e.instanceId, e.sourceIp, e.count])).toEqual([[null, '10.0.0.99', 2], [null, '10.0.0.98', 1]]);
    expect(sink.writes).toHaveLength(2);
    expect(sink.writes[1]).toBe(`${JSON.stringify(req(5, { instanceId: null, sourceIp: '10.0.0.99' }))}\n`);
  });

  it('lists at most SKIPPED_PATHS_MAX paths, the most recent, each with the status of its last request', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 50, keepRequests: 1 });
    for (let i = 0; i < 100; i++) writer.push(req(i, { path: `/p/${i % 80}`, status: i < 50 ? 200 : 404 }));
    writer.push(req(100));
    vi.advanceTimersByTime(50);
    const [summary] = sink.lines().filter((e) => e.type === 'metadata.requests.skipped');
    expect(summary?.type === 'metadata.requests.skipped' && summary.count).toBe(100);
    const paths = summary?.type === 'metadata.requests.skipped' ? summary.paths : [];
    expect(paths).toHaveLength(SKIPPED_PATHS_MAX);
    // Requests 36..99 are the last to their paths: /p/36../p/79, then /p/0../p/19 (404 from i >= 50).
    expect(paths[0]).toEqual({ path: '/p/36', status: 200 });
    expect(paths.at(-1)).toEqual({ path: '/p/19', status: 404 });
    expect(paths.find((p) => p.path === '/p/49')).toEqual({ path: '/p/49', status: 200 });
  });

  it('never serialises while pushing, and holds at most K requests per source for a blocked client without losing a count', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 10, keepRequests: 5, maxPending: 10 });
    sink.isFull = true;
    writer.push(notice(0));
    vi.advanceTimersByTime(10);
    const stringify = vi.spyOn(JSON, 'stringify');
    for (let i = 1; i <= 50_000; i++) writer.push(req(i, i % 2 === 0 ? fromB : { status: i % 7 === 0 ? 503 : 200 }));
    expect(stringify).not.toHaveBeenCalled();
    stringify.mockRestore();
    vi.advanceTimersByTime(100);
    expect(sink.writes).toHaveLength(1);
    sink.isFull = false;
    sink.drain();
    vi.advanceTimersByTime(10);
    const events = sink.lines().slice(1);
    expect(events).toHaveLength(2 * (1 + 5)); // per source: one summary, five requests; nothing dropped
    const skipped = events.filter((e) => e.type === 'metadata.requests.skipped');
    expect(skipped.map((e) => e.count)).toEqual([25_000 - 5, 25_000 - 5]);
    const expectedErrors = Array.from({ length: 25_000 - 5 }, (_, k) => 2 * k + 1).filter((i) => i % 7 === 0).length;
    expect(skipped.find((e) => e.instanceId === ID_A)?.errorCount).toBe(expectedErrors);
    expect(events.filter((e) => e.type === 'metadata.request').map((e) => e.at - 1000)).toEqual([49_991, 49_992, 49_993, 49_994, 49_995, 49_996, 49_997, 49_998, 49_999, 50_000]);
  });

  it('still caps and counts the other events for a blocked client', () => {
    const sink = fakeSink();
    const writer = createEventStreamWriter(sink, { flushMs: 10, keepRequests: 5, maxPending: 3, now: () => 999 });
    sink.isFull = true;
    writer.push(notice(0));
    vi.advanceTimersByTime(10);
    for (let i = 1; i <= 5; i++) writer.push(notice(i));
    sink.isFull = false;
    sink.drain();
    vi.advanceTimersByTime(10);
    expect(sink.lines().slice(1).map((e) => e.at)).toEqual([1, 2, 3, 999]);
  });
});
