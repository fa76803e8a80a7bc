import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventStreamWriter } from '../../../src/api/event-stream-writer.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { applyInputs, initialDashboardState } from '../../../src/tui/dashboard-state.js';
import { added, requested, T0 } from '../tui/event-factory.js';
import { faultView } from './fault-factory.js';

describe('dashboard reducer: fault rules', () => {
  it('lists added rules in order and counts their hits from the request records', () => {
    const state = applyInputs(initialDashboardState(), [
      added(),
      { type: 'fault.added', at: T0, rule: faultView() },
      { type: 'fault.added', at: T0, rule: faultView({ id: 'slow', action: { kind: 'delay', delayMs: 2000 }, limit: { kind: 'always' } }) },
      requested({ time: T0 + 1, status: 500, fault: 'f1' }),
      requested({ time: T0 + 2, status: 500, fault: 'f1' }),
      requested({ time: T0 + 3, status: 200, fault: 'slow' }),
      requested({ time: T0 + 4, status: 200 }),
    ]);
    expect([...state.faults.values()].map((f) => [f.id, f.hits, f.firstHitAt])).toEqual([['f1', 2, T0 + 1], ['slow', 1, T0 + 3]]);
    expect(state.faults.get('slow')?.rule?.action).toEqual({ kind: 'delay', delayMs: 2000 });
  });

  it('drops removed rules; hits of a rule it never saw added get an entry without the rule', () => {
    const state = applyInputs(initialDashboardState(), [
      { type: 'fault.added', at: T0, rule: faultView() },
      { type: 'fault.removed', at: T0 + 5, id: 'f1' },
      requested({ time: T0 + 6, status: 0, fault: 'f9' }),
    ]);
    expect([...state.faults.values()]).toEqual([{ id: 'f9', rule: null, hits: 1, firstHitAt: T0 + 6 }]);
  });

  it('never mutates the state it is given', () => {
    const before = applyInputs(initialDashboardState(), [{ type: 'fault.added', at: T0, rule: faultView() }]);
    const faultsBefore = before.faults;
    applyInputs(before, [requested({ fault: 'f1' }), { type: 'fault.removed', at: T0, id: 'f1' }]);
    expect(before.faults).toBe(faultsBefore);
    expect(before.faults.get('f1')?.hits).toBe(0);
  });

  describe('with request summaries on the event stream (what the TUI follows)', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('counts every hit exactly, the summarised requests included', () => {
      const written: string[] = [];
      const writer = createEventStreamWriter({ write: (c) => (written.push(c), true), once: () => undefined, end: () => undefined }, { keepRequests: 3, flushMs: 100 });
      writer.push({ type: 'fault.added', at: T0, rule: faultView() });
      for (let i = 0; i < 50; i++) writer.push(requested({ time: T0 + i, fault: i % 5 === 0 ? 'f1' : i % 7 === 0 ? 'f2' : null, status: i % 5 === 0 ? 500 : 200 }));
      vi.advanceTimersByTime(100);
      const events = written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as MinicloudEvent);
      expect(events.filter((e) => e.type === 'metadata.request')).toHaveLength(3);
      const state = applyInputs(initialDashboardState(), events);
      expect(state.faults.get('f1')?.hits).toBe(10);
      expect(state.faults.get('f2')?.hits).toBe(6);
    });
  });
});
