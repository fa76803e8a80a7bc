import { describe, expect, it } from 'vitest';
import {
  derivedCloudEventId,
  isCloudEventId,
  maintenanceEvent,
  newCloudEventId,
  rebalanceEvent,
  spotEvent,
  withEventCanceled,
  withEventFired,
} from '../../../src/core/cloud-event-spec.js';
import { cloudEventStatus, dueEvents, nextBoundary } from '../../../src/core/cloud-event-timeline.js';
import { thrownMinicloudError } from '../../helpers/minicloud-error.js';

const T = 1_800_000_000_000;
const MIN = 60_000;
const spot = spotEvent('instance-event-00000000000000001', T, { action: 'terminate', inMs: 2 * MIN, act: true });
const maint = maintenanceEvent('instance-event-00000000000000002', T, { code: 'system-reboot', notBefore: T + 10 * MIN, durationMs: 60 * MIN, act: true });
const later = spotEvent('instance-event-00000000000000003', T, { action: 'stop', inMs: MIN, act: true, noticeAt: T + 5 * MIN });

describe('cloud event timeline: statuses at and around each boundary', () => {
  it.each([
    ['spot before its action time', spot, T, 'notice'],
    ['spot 1 ms before', spot, T + 2 * MIN - 1, 'notice'],
    ['spot at its action time', spot, T + 2 * MIN, 'due'],
    ['spot long after, never acted on', spot, T + 60 * MIN, 'due'],
    ['delayed spot before its notice', later, T + 5 * MIN - 1, 'scheduled'],
    ['delayed spot at its notice', later, T + 5 * MIN, 'notice'],
    ['maintenance announced', maint, T, 'notice'],
    ['maintenance at NotBefore', maint, T + 10 * MIN, 'due'],
    ['maintenance at NotAfter', maint, T + 70 * MIN, 'completed'],
    ['rebalance', rebalanceEvent('instance-event-00000000000000004', T), T + 1, 'notice'],
  ] as const)('%s', (_name, event, now, status) => {
    expect(cloudEventStatus(event, now)).toBe(status);
  });

  it('fired and canceled events say so; a fired maintenance still completes at NotAfter', () => {
    const fired = withEventFired([spot, maint], spot.id, { at: T + 2 * MIN, outcome: 'terminated', detail: null });
    expect(cloudEventStatus(fired[0]!, T + 3 * MIN)).toBe('fired');
    const firedMaint = withEventFired([maint], maint.id, { at: T + 10 * MIN, outcome: 'rebooted', detail: null })[0]!;
    expect(cloudEventStatus(firedMaint, T + 11 * MIN)).toBe('fired');
    expect(cloudEventStatus(firedMaint, T + 70 * MIN)).toBe('completed');
    const canceled = withEventCanceled([maint], maint.id, T + MIN)[0]!;
    expect(cloudEventStatus(canceled, T + MIN)).toBe('canceled');
  });

  it('lists what is due, and the next boundary (Infinity when nothing is ahead)', () => {
    const all = [spot, maint, later];
    expect(dueEvents(all, T + MIN)).toEqual([]);
    expect(dueEvents(all, T + 2 * MIN).map((e) => e.id)).toEqual([spot.id]);
    expect(dueEvents(all, T + 10 * MIN).map((e) => e.id)).toEqual([spot.id, maint.id, later.id]);
    expect(nextBoundary(all, T)).toBe(T + 2 * MIN);
    expect(nextBoundary(all, T + 2 * MIN)).toBe(T + 5 * MIN);
    expect(nextBoundary(all, T + 6 * MIN)).toBe(T + 10 * MIN);
    expect(nextBoundary(all, T + 10 * MIN)).toBe(T + 70 * MIN);
    expect(nextBoundary(all, T + 70 * MIN)).toBe(Infinity);
    expect(nextBoundary(withEventCanceled([maint], maint.id, T), T)).toBe(Infinity);
  });
});

describe('cloud event spec: ids, limits, cancel', () => {
  it('makes EC2-form ids, random or derived', () => {
    const id = newCloudEventId((n) => new Uint8Array(n).fill(0xab));
    expect(id).toBe('instance-event-abababababababab' + 'a');
    expect(isCloudEventId(id)).toBe(true);
    expect(derivedCloudEventId('10.0.0.5:0')).toBe(derivedCloudEventId('10.0.0.5:0'));
    expect(isCloudEventId(derivedCloudEventId('x'))).toBe(true);
  });

  it('refuses a maintenance window in the past, an empty one, and one more than 5 weeks ahead', () => {
    const at = (notBefore: number, durationMs = MIN) => () => maintenanceEvent('instance-event-00000000000000009', T, { code: 'instance-stop', notBefore, durationMs, act: true });
    expect(thrownMinicloudError(at(T - 1)).code).toBe('MC_ERR_EVENT_INVALID');
    expect(thrownMinicloudError(at(T + MIN, 0)).code).toBe('MC_ERR_EVENT_INVALID');
    expect(thrownMinicloudError(at(T + 36 * 24 * 60 * MIN)).code).toBe('MC_ERR_EVENT_INVALID');
    expect(thrownMinicloudError(() => spotEvent('instance-event-00000000000000009', T, { action: 'stop', inMs: -1, act: true })).code).toBe('MC_ERR_EVENT_INVALID');
  });

  it('cancels only what is pending (MC_ERR_EVENT_NOT_PENDING otherwise)', () => {
    const fired = withEventFired([spot], spot.id, { at: T + 2 * MIN, outcome: 'stopped', detail: null });
    expect(thrownMinicloudError(() => withEventCanceled(fired, spot.id, T + 3 * MIN)).code).toBe('MC_ERR_EVENT_NOT_PENDING');
    expect(thrownMinicloudError(() => withEventCanceled([maint], maint.id, T + 70 * MIN)).message).toContain('completed');
    const once = withEventCanceled([maint], maint.id, T);
    expect(thrownMinicloudError(() => withEventCanceled(once, maint.id, T + 1)).message).toContain('canceled');
  });
});
