import type { CloudEvent, CloudEventFiring, MaintenanceCode, MaintenanceEvent, RebalanceEvent, SpotAction, SpotEvent } from '../domain/cloud-event.js';
import { errors } from '../errors/catalogue.js';
import { derivedHex } from './derived-ids.js';
import type { RandomBytes } from './instance-id.js';
import { cloudEventStatus, isPending } from './cloud-event-timeline.js';

/**
 * Making, canceling and recording cloud events (pure). The commands, the API and the instances file of
 * `metadata serve` all build events here, so their defaults and limits are the same everywhere.
 */

/** EC2 gives two minutes between the interruption notice and the action. */
export const SPOT_NOTICE_MS = 120_000;
/** A maintenance window's length when none is given. */
export const MAINTENANCE_WINDOW_MS = 2 * 3_600_000;

const WEEK_MS = 7 * 24 * 3_600_000;
/** How far ahead an event may be placed: EC2 schedules maintenance weeks ahead; a test needs far less. */
const MAX_AHEAD_MS = 5 * WEEK_MS;

/**
 * EC2's `Description` per code. EC2 writes free text; these follow its documented examples ("The
 * instance is scheduled for a reboot", "The instance is running on degraded hardware").
 */
const MAINTENANCE_DESCRIPTIONS: Readonly<Record<MaintenanceCode, string>> = {
  'system-reboot': 'The instance is scheduled for a reboot',
  'instance-reboot': 'The instance is scheduled for a reboot',
  'system-maintenance': 'The instance is scheduled for system maintenance',
  'instance-retirement': 'The instance is running on degraded hardware',
  'instance-stop': 'The instance is running on degraded hardware',
};

const EVENT_ID = /^instance-event-[0-9a-f]{17}$/;

export function isCloudEventId(id: string): boolean {
  return EVENT_ID.test(id);
}

/** A fresh `instance-event-` id (EC2's EventId form: 17 hex digits). */
export function newCloudEventId(random: RandomBytes): string {
  return `instance-event-${Buffer.from(random(9)).toString('hex').slice(0, 17)}`;
}

/** A stable id derived from `seed` (events of an instances file keep their ids across restarts). */
export function derivedCloudEventId(seed: string): string {
  return `instance-event-${derivedHex(`event:${seed}`, 17)}`;
}

export interface SpotSpec {
  action: SpotAction;
  /** From the notice to the action. */
  inMs: number;
  act: boolean;
  /** When the guest first sees the notice (default: now). */
  noticeAt?: number;
}

export function spotEvent(id: string, now: number, spec: SpotSpec): SpotEvent {
  checkSpan('spot --in', spec.inMs, 0);
  const noticeAt = spec.noticeAt ?? now;
  return { kind: 'spot', id, noticeAt, canceledAt: null, action: spec.action, actionAt: noticeAt + spec.inMs, act: spec.act, fired: null };
}

export interface MaintenanceSpec {
  code: MaintenanceCode;
  /** When the window opens (EC2's NotBefore); not before the notice. */
  notBefore: number;
  durationMs: number;
  act: boolean;
  noticeAt?: number;
}

export function maintenanceEvent(id: string, now: number, spec: MaintenanceSpec): MaintenanceEvent {
  const noticeAt = spec.noticeAt ?? now;
  if (spec.notBefore < noticeAt) throw errors.cloudEventInvalid('maintenance --at', `${new Date(spec.notBefore).toISOString()} is before the notice (${new Date(noticeAt).toISOString()})`);
  checkSpan('maintenance --at', spec.notBefore - noticeAt, 0);
  checkSpan('maintenance --duration', spec.durationMs, 1000);
  return {
    kind: 'maintenance',
    id,
    noticeAt,
    canceledAt: null,
    code: spec.code,
    description: MAINTENANCE_DESCRIPTIONS[spec.code],
    notBefore: spec.notBefore,
    notAfter: spec.notBefore + spec.durationMs,
    act: spec.act,
    fired: null,
  };
}

export function rebalanceEvent(id: string, now: number, noticeAt: number = now): RebalanceEvent {
  return { kind: 'rebalance', id, noticeAt, canceledAt: null };
}

function checkSpan(what: string, ms: number, min: number): void {
  if (!Number.isFinite(ms) || ms < min) throw errors.cloudEventInvalid(what, min === 0 ? 'must not be in the past' : `must be at least ${min / 1000} s`);
  if (ms > MAX_AHEAD_MS) throw errors.cloudEventInvalid(what, `at most ${MAX_AHEAD_MS / WEEK_MS} weeks`);
}

/**
 * `events` with `id` canceled at `now`. Throws MC_ERR_EVENT_NOT_PENDING when it fired, completed or was
 * canceled already. A canceled maintenance moves to EC2's history as `canceled`; a canceled spot or
 * rebalance notice disappears from the metadata.
 */
export function withEventCanceled(events: readonly CloudEvent[], id: string, now: number): CloudEvent[] {
  return events.map((event) => {
    if (event.id !== id) return event;
    const status = cloudEventStatus(event, now);
    if (!isPending(status)) throw errors.cloudEventNotPending(id, status);
    return { ...event, canceledAt: now };
  });
}

/** `events` with what the cloud did about `id` recorded. */
export function withEventFired(events: readonly CloudEvent[], id: string, firing: CloudEventFiring): CloudEvent[] {
  return events.map((event) => (event.id === id && event.kind !== 'rebalance' ? { ...event, fired: firing } : event));
}
