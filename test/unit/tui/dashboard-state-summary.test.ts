import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventStreamWriter } from '../../../src/api/event-stream-writer.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { applyInputs, errorCountOf, initialDashboardState, LIMITS, type DashboardState } from '../../../src/tui/dashboard-state.js';
import { DASHBOARD_STREAM } from '../../../src/tui/event-source.js';
import { added, request, summary, T0 } from './event-factory.js';

/**
 * Property: a TUI fed the summary stream (`requests=summary`, through the real stream writer) shows
 * the same counters as one fed every event, on generated bursts, whatever the flush and frame
 * boundaries; with keep >= LIMITS.instanceRequests the instance views are identical as a whole.
 */

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSTANCES = [
  { id: 'i-00000000000000001', ip: '10.0.0.10' },
  { id: 'i-00000000000000002', ip: '10.0.0.11' },
  { id: 'i-00000000000000003', ip: '10.0.0.12' },
];
const UNKNOWN_IPS = ['10.0.0.98', '10.0.0.99'];
const STATUSES = [200, 200, 200, 200, 404, 401, 500];

/**
 * A burst as the controller publishes it: instances added first, then requests (one flooding
 * instance, two calmer ones, unknown sources) mixed with stage, console, update and notice events;
 * the third instance is removed part-way and sends nothing after. Each event is paired with
 * whether a flush window ends after it.
 */
function burst(seed: number, length: number): { events: MinicloudEvent[]; flushAfter: boolean[] } {
  const random = prng(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const events: MinicloudEvent[] = [{ type: 'cloud.status', at: T0, status: 'up' }];
  for (const i of INSTANCES) events.push(added({ id: i.id, ip: i.ip, name: i.id.slice(-4) }));
  let time = T0 + 1000;
  let removed = false;
  const paths = Array.from({ length: 12 + Math.floor(random() * 90) }, (_, k) => `/latest/meta-data/p${k}`);
  while (events.length < length) {
    time += Math.floor(random() * 3);
    const r = random();
    if (r < 0.9) {
      const source = random() < 0.6 ? INSTANCES[0] : random() < 0.85 ? pick(removed ? INSTANCES.slice(0, 2) : INSTANCES) : null;
      const path = random() < 0.7 ? '/latest/meta-data/instance-id' : pick(paths);
      const record = request({
        time, instanceId: source?.id ?? null, sourceIp: source?.ip ?? pick(UNKNOWN_IPS), path,
        status: pick(STATUSES), bytes: Math.floor(random() * 500),
      });
      events.push({ type: 'metadata.request', at: time, request: record });
    } else if (r < 0.93) {
      events.push({ type: 'notice', at: time, level: 'info', message: `n${events.length}` });
    } else if (r < 0.96) {
      events.push({ type: 'instance.console', at: time, instanceId: pick(INSTANCES).id, line: `line ${events.length}` });
    } else if (r < 0.98) {
      const i = pick(INSTANCES.slice(0, 2));
      events.push({ type: 'instance.updated', at: time, instance: summary({ id: i.id, ip: i.ip, name: i.id.slice(-4), stage: 'metadata', state: 'running', lastMetadataAt: time - 500, errorCount: Math.floor(random() * 5) }) });
    } else if (!removed && random() < 0.2) {
      removed = true;
      events.push({ type: 'instance.removed', at: time, instanceId: INSTANCES[2]?.id ?? '' });
    } else {
      events.push({ type: 'instance.stage', at: time, instanceId: pick(INSTANCES).id, stage: 'userdata', elapsedMs: time - T0 });
    }
  }
  return { events, flushAfter: events.map(() => random() < 0.002) };
}

/** Feeds the reducer as the TUI's store does: in frames of random size. */
function reduceInFrames(inputs: readonly MinicloudEvent[], random: () => number): DashboardState {
  let state = initialDashboardState();
  for (let i = 0; i < inputs.length; ) {
    const size = 1 + Math.floor(random() * 3000);
    state = applyInputs(state, inputs.slice(i, i + size));
    i += size;
  }
  return state;
}

/** The events as a summary follower receives them: through the API's stream writer, then NDJSON. */
function summaryStream(events: readonly MinicloudEvent[], flushAfter: readonly boolean[], keep: number): MinicloudEvent[] {
  let text = '';
  const writer = createEventStreamWriter({ write: (chunk) => ((text += chunk), true), once: () => undefined, end: () => undefined }, { flushMs: 50, keepRequests: keep });
  events.forEach((event, i) => {
    writer.push(event);
    if (flushAfter[i] === true) vi.advanceTimersByTime(50);
  });
  vi.advanceTimersByTime(50);
  writer.close();
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as MinicloudEvent);
}

/** What the screens show from requests, besides the request lists. */
function counters(state: DashboardState) {
  return {
    requestCount: state.requestCount,
    instances: Object.fromEntries(Object.entries(state.instances).map(([id, view]) => [id, {
      lastMetadataAt: view.summary.lastMetadataAt, errors: errorCountOf(view), served: view.served,
    }])),
  };
}

describe('summary stream vs every event (property, generated bursts)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const seeds = Array.from({ length: 12 }, (_, i) => 1000 + i);

  it.each(seeds)('with keep as large as an instance list (%i): every instance view, counter and the newest rows are identical', (seed) => {
    const keep = LIMITS.instanceRequests;
    const { events, flushAfter } = burst(seed, 8000);
    const stream = summaryStream(events, flushAfter, keep);
    expect(stream.some((e) => e.type === 'metadata.requests.skipped')).toBe(true); // the burst did get summarised
    expect(stream.length).toBeLessThan(events.length);
    const full = reduceInFrames(events, prng(seed + 1));
    const summarised = reduceInFrames(stream, prng(seed + 2));
    expect(summarised.instances).toEqual(full.instances);
    expect(summarised.requestCount).toBe(full.requestCount);
    expect(summarised.notices).toEqual(full.notices);
    expect(summarised.cloud).toEqual(full.cloud);
    expect(summarised.requests.slice(-keep)).toEqual(full.requests.slice(-keep));
  });

  const smallKeeps = seeds.flatMap((seed) => [[3, seed], [DASHBOARD_STREAM.keep, seed]] as const);
  it.each(smallKeeps)('with keep %i (the TUI\'s is 20; seed %i): every counter is identical, the request lists end the same', (keep, seed) => {
    const { events, flushAfter } = burst(seed, 8000);
    const stream = summaryStream(events, flushAfter, keep);
    const full = reduceInFrames(events, prng(seed + 1));
    const summarised = reduceInFrames(stream, prng(seed + 2));
    expect(stream.filter((e) => e.type === 'metadata.request').length).toBeLessThan(events.length / (keep === 3 ? 4 : 1));
    expect(counters(summarised)).toEqual(counters(full));
    for (const [id, view] of Object.entries(full.instances)) {
      expect(summarised.instances[id]?.summary).toEqual(view.summary);
      expect(summarised.instances[id]?.requests.slice(-keep)).toEqual(view.requests.slice(-keep));
    }
    expect(summarised.requests.slice(-keep)).toEqual(full.requests.slice(-keep));
  });
});
