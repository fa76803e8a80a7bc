import type { CloudEvent, CloudEventStatus, CloudEventView, MaintenanceEvent, SpotEvent } from '../domain/cloud-event.js';
import type { InstanceRecord } from '../domain/instance.js';

/**
 * Where cloud events stand at a moment. Pure: every answer is a function of the events and `now`, so
 * the metadata trees, `event ls` and the controller agree on what a guest sees and what is due.
 */

/** The event's time to act: a spot's `actionAt`, a maintenance's `notBefore`; a rebalance has none. */
export function actionTime(event: CloudEvent): number | null {
  switch (event.kind) {
    case 'spot':
      return event.actionAt;
    case 'maintenance':
      return event.notBefore;
    case 'rebalance':
      return null;
  }
}

/**
 * The event's status at `now`. A maintenance window that ended is `completed` whether or not the cloud
 * acted in it (a controller that was down then does not act late); a spot whose time passed stays
 * `due` until the controller records what it did.
 */
export function cloudEventStatus(event: CloudEvent, now: number): CloudEventStatus {
  if (event.canceledAt !== null) return 'canceled';
  if (now < event.noticeAt) return 'scheduled';
  switch (event.kind) {
    case 'rebalance':
      return 'notice';
    case 'maintenance':
      if (now >= event.notAfter) return 'completed';
      if (event.fired !== null) return 'fired';
      return now >= event.notBefore ? 'due' : 'notice';
    case 'spot':
      if (event.fired !== null) return 'fired';
      return now >= event.actionAt ? 'due' : 'notice';
  }
}

/** Statuses that still have something ahead of them (the TUI's countdowns, `event cancel`). */
export function isPending(status: CloudEventStatus): boolean {
  return status === 'scheduled' || status === 'notice' || status === 'due';
}

/** Whether the guest sees the event's notice at `now` (announced and not canceled). */
export function isAnnounced(event: CloudEvent, now: number): boolean {
  return event.canceledAt === null && now >= event.noticeAt;
}

/** The events the cloud must act on now: past their action time, not acted on, not canceled or over. */
export function dueEvents(events: readonly CloudEvent[], now: number): (SpotEvent | MaintenanceEvent)[] {
  const due: (SpotEvent | MaintenanceEvent)[] = [];
  for (const event of events) {
    if (event.kind !== 'rebalance' && cloudEventStatus(event, now) === 'due') due.push(event);
  }
  return due;
}

/**
 * The first moment after `now` at which some event's status (and so what the guest reads) changes:
 * a notice appearing, an action time, a maintenance window's end. Infinity when nothing is ahead.
 * Caches of answers built from the events are valid until then.
 */
export function nextBoundary(events: readonly CloudEvent[], now: number): number {
  let next = Infinity;
  const consider = (t: number | null): void => {
    if (t !== null && t > now && t < next) next = t;
  };
  for (const event of events) {
    if (event.canceledAt !== null) continue;
    consider(event.noticeAt);
    consider(actionTime(event));
    if (event.kind === 'maintenance') consider(event.notAfter);
  }
  return next;
}

/** The event as `event ls`, the API and the event stream show it. */
export function cloudEventView(event: CloudEvent, instance: Pick<InstanceRecord, 'id' | 'name'>, now: number): CloudEventView {
  return { ...event, instanceId: instance.id, instanceName: instance.name, status: cloudEventStatus(event, now), at: now };
}

/** Every event of every instance by notice time; ties keep the order they were made in (a stable sort). */
export function cloudEventViews(records: readonly InstanceRecord[], now: number): CloudEventView[] {
  const views = records.flatMap((record) => record.cloudEvents.map((event) => cloudEventView(event, record, now)));
  return views.sort((a, b) => a.noticeAt - b.noticeAt);
}
