import { describe, expect, it } from 'vitest';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { EventBus } from '../../../src/events/event-bus.js';

const notice = (i: number): MinicloudEvent => ({ type: 'notice', at: i, level: 'info', message: `n${i}` });

describe('EventBus history', () => {
  it('keeps exactly the last historySize events, oldest first, across batched trims', () => {
    const bus = new EventBus({ historySize: 3 });
    for (let i = 1; i <= 10; i++) {
      bus.publish(notice(i));
      const expected = Array.from({ length: Math.min(i, 3) }, (_, k) => Math.max(1, i - 2) + k);
      expect(bus.recent().map((e) => e.at)).toEqual(expected);
    }
    const replayed: number[] = [];
    bus.subscribe((e) => replayed.push(e.at), { replay: true });
    expect(replayed).toEqual([8, 9, 10]);
  });

  it('keeps nothing with historySize 0', () => {
    const bus = new EventBus({ historySize: 0 });
    bus.publish(notice(1));
    expect(bus.recent()).toEqual([]);
  });
});
