import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { DashboardStore } from '../../../src/tui/dashboard-store.js';
import { asyncIterableSource, eventBusSource } from '../../../src/tui/event-source.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { added, bootEvents, requested, T0 } from './event-factory.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('DashboardStore', () => {
  it('replays the bus history into the first frame, then batches later events into one frame per interval', () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    for (const event of bootEvents()) bus.publish(event);
    const store = new DashboardStore({ subscribe: eventBusSource(bus), frameMs: 100 });
    const frames = vi.fn();
    store.subscribe(frames);
    store.start();
    expect(store.getSnapshot().requestCount).toBe(3);
    frames.mockClear();
    for (let i = 0; i < 500; i++) bus.publish(requested({ time: T0 + i }));
    expect(frames).not.toHaveBeenCalled();
    expect(store.getSnapshot().requestCount).toBe(3);
    vi.advanceTimersByTime(100);
    expect(frames).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().requestCount).toBe(503);
    store.stop();
    bus.publish(requested());
    vi.advanceTimersByTime(1000);
    expect(store.getSnapshot().requestCount).toBe(503);
  });

  it('folds a large backlog without waiting for the frame, and keeps the frame rate', () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    const store = new DashboardStore({ subscribe: eventBusSource(bus), frameMs: 100, maxPending: 50 });
    const frames = vi.fn();
    store.subscribe(frames);
    store.start();
    frames.mockClear();
    for (let i = 0; i < 120; i++) bus.publish(requested({ time: T0 + i }));
    expect(store.getSnapshot().requestCount).toBe(100);
    expect(frames).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(store.getSnapshot().requestCount).toBe(120);
    expect(frames).toHaveBeenCalledTimes(1);
  });

  it('applies events but renders nothing while paused, and renders once on resume', () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    const store = new DashboardStore({ subscribe: eventBusSource(bus), frameMs: 10 });
    const frames = vi.fn();
    store.subscribe(frames);
    store.start();
    frames.mockClear();
    store.setPaused(true);
    bus.publish(added());
    vi.advanceTimersByTime(50);
    expect(frames).not.toHaveBeenCalled();
    store.setPaused(false);
    expect(frames).toHaveBeenCalledTimes(1);
    expect(Object.keys(store.getSnapshot().instances)).toEqual(['i-0123456789abcdef0']);
  });
});

describe('asyncIterableSource', () => {
  it('delivers the events of a remote stream in order, then a notice that it ended', async () => {
    async function* remote(): AsyncGenerator<MinicloudEvent> {
      yield* bootEvents();
    }
    const seen: MinicloudEvent[] = [];
    asyncIterableSource(remote, () => T0)((event) => seen.push(event));
    await vi.waitFor(() => expect(seen.at(-1)?.type).toBe('notice'));
    expect(seen.slice(0, -1)).toEqual(bootEvents());
    expect(seen.at(-1)).toEqual({ type: 'notice', at: T0, level: 'warn', message: 'event stream ended' });
  });

  it('names a failure of the stream as an error notice', async () => {
    async function* failing(): AsyncGenerator<MinicloudEvent> {
      yield added();
      throw new Error('socket closed');
    }
    const seen: MinicloudEvent[] = [];
    asyncIterableSource(failing, () => T0)((event) => seen.push(event));
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(seen[1]).toMatchObject({ type: 'notice', level: 'error', message: 'event stream failed: Error: socket closed' });
  });

  it('stays quiet after unsubscribe, and closes the stream: an event already on its way is dropped, and so is the end', async () => {
    // A stream driven by hand: each next() waits until the test answers it.
    const answers: ((result: IteratorResult<MinicloudEvent>) => void)[] = [];
    let closed = 0;
    const stream: AsyncIterable<MinicloudEvent> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise((resolve) => answers.push(resolve)),
        return: () => {
          closed += 1;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    // The source reacts to the stream on promise callbacks alone (this stream does no I/O), so by the
    // next check phase of the event loop it has done all it will do with an answer.
    const afterTheSourceReacted = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const late: MinicloudEvent[] = [];
    const unsubscribe = asyncIterableSource(() => stream, () => T0)((event) => late.push(event));
    expect(answers).toHaveLength(1);
    unsubscribe();
    expect(closed).toBe(1);
    answers[0]?.({ done: false, value: added() });
    await afterTheSourceReacted();
    answers[1]?.({ done: true, value: undefined }); // only if the source (wrongly) asked for more
    await afterTheSourceReacted();
    expect(late).toEqual([]);
    expect(answers).toHaveLength(1);
  });
});

describe('frame pacing', () => {
  it('spaces frames out when draws are expensive, within 1 s, and back to 100 ms when they are cheap', () => {
    const store = new DashboardStore({ subscribe: () => () => undefined, frameMs: 100, drawBudget: 0.02 });
    expect(store.frameInterval()).toBe(100);
    store.noteDrawTime(10);
    expect(store.frameInterval()).toBe(500);
    for (let i = 0; i < 5; i++) store.noteDrawTime(100);
    expect(store.frameInterval()).toBe(1000);
    for (let i = 0; i < 40; i++) store.noteDrawTime(0.5);
    expect(store.frameInterval()).toBe(100);
  });

  it('charges a frame it started with the CPU used until Ink drew it, not only Ink\'s own step', () => {
    let cpu = 1_000;
    const store = new DashboardStore({ subscribe: () => () => undefined, frameMs: 100, drawBudget: 0.02, cpuMs: () => cpu });
    store.flush();
    cpu += 10; // reducer, React, layout and output of that frame
    store.noteFrameDrawn(4);
    expect(store.frameInterval()).toBe(500);
    // A redraw the store did not start (a key, the clock) costs what Ink measured.
    const other = new DashboardStore({ subscribe: () => () => undefined, frameMs: 100, drawBudget: 0.02, cpuMs: () => cpu });
    other.noteFrameDrawn(4);
    expect(other.frameInterval()).toBe(200);
  });
});
