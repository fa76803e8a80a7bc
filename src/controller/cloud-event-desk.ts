import { cloudEventView, cloudEventViews } from '../core/cloud-event-timeline.js';
import { maintenanceEvent, newCloudEventId, rebalanceEvent, spotEvent, withEventCanceled } from '../core/cloud-event-spec.js';
import type { RandomBytes } from '../core/instance-id.js';
import type { CloudEvent, CloudEventView, MaintenanceCode, SpotAction } from '../domain/cloud-event.js';
import { errors } from '../errors/catalogue.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceBook } from './instance-book.js';

/** What `minicloud event spot|maintenance|rebalance` asks for (the API's bodies, validated). */
export type CloudEventRequest =
  | { kind: 'spot'; action: SpotAction; inMs: number; act: boolean }
  | { kind: 'maintenance'; code: MaintenanceCode; at: { notBefore: number } | { inMs: number }; durationMs: number; act: boolean }
  | { kind: 'rebalance' };

export interface CloudEventDeskDeps {
  book: InstanceBook;
  bus: EventBus;
  clock: Clock;
  random: RandomBytes;
}

/**
 * Makes, lists and cancels cloud events (docs/events.md). An event is written into its instance's
 * record before it is announced on the bus, so the next metadata request sees it and a restarted
 * controller still knows it; acting on it is the reconcile's job (plan: `cloud-event.fire`).
 */
export class CloudEventDesk {
  private readonly deps: CloudEventDeskDeps;

  constructor(deps: CloudEventDeskDeps) {
    this.deps = deps;
  }

  /** Makes an event for the running instance `ref` (MC_ERR_EVENT_INSTANCE_STATE otherwise). */
  schedule(ref: string, request: CloudEventRequest): CloudEventView {
    const { inst, rec } = this.deps.book.resolve(ref);
    if (inst.failure !== null) throw errors.cloudEventInstanceState(rec.name, 'failed');
    if (inst.desired !== 'running') throw errors.cloudEventInstanceState(rec.name, inst.desired === 'deleted' ? 'being deleted' : 'stopped');
    const now = this.deps.clock.now();
    const event = this.build(this.freshId(), now, request);
    this.deps.book.updateRecord({ ...rec, cloudEvents: [...rec.cloudEvents, event] });
    const view = cloudEventView(event, rec, now);
    this.deps.bus.publish({ type: 'cloud.event.scheduled', at: now, instanceId: rec.id, event: view });
    return view;
  }

  /** Withdraws a pending event (MC_ERR_EVENT_NOT_FOUND, MC_ERR_EVENT_NOT_PENDING). */
  cancel(id: string): CloudEventView {
    const rec = this.deps.book.records.listInstances().find((r) => r.cloudEvents.some((e) => e.id === id));
    if (rec === undefined) throw errors.cloudEventNotFound(id);
    const now = this.deps.clock.now();
    const next = { ...rec, cloudEvents: withEventCanceled(rec.cloudEvents, id, now) };
    this.deps.book.updateRecord(next);
    const view = cloudEventView(next.cloudEvents.find((e) => e.id === id) as CloudEvent, rec, now);
    this.deps.bus.publish({ type: 'cloud.event.canceled', at: now, instanceId: rec.id, event: view });
    return view;
  }

  /** Every event of every instance, as it stands now. */
  list(): CloudEventView[] {
    return cloudEventViews(this.deps.book.records.listInstances(), this.deps.clock.now());
  }

  private build(id: string, now: number, request: CloudEventRequest): CloudEvent {
    switch (request.kind) {
      case 'spot':
        return spotEvent(id, now, request);
      case 'maintenance': {
        const notBefore = 'notBefore' in request.at ? request.at.notBefore : now + request.at.inMs;
        return maintenanceEvent(id, now, { code: request.code, notBefore, durationMs: request.durationMs, act: request.act });
      }
      case 'rebalance':
        return rebalanceEvent(id, now);
    }
  }

  private freshId(): string {
    const taken = new Set(this.deps.book.records.listInstances().flatMap((r) => r.cloudEvents.map((e) => e.id)));
    for (;;) {
      const id = newCloudEventId(this.deps.random);
      if (!taken.has(id)) return id;
    }
  }
}
