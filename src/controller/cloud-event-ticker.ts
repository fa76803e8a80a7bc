import { cloudEventStatus, cloudEventView, nextBoundary } from '../core/cloud-event-timeline.js';
import type { CloudEvent, CloudEventStatus } from '../domain/cloud-event.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceStore } from '../ports/store.js';

/** The longest single timer: boundaries further ahead are reached in steps (setTimeout caps at ~24.8 days). */
const MAX_TIMER_MS = 3_600_000;

export interface CloudEventTickerDeps {
  instances: InstanceStore;
  bus: EventBus;
  clock: Clock;
  /** An event's action time came (its status became `due`): the controller kicks its reconcile, `metadata serve` reports it. */
  onDue: (record: InstanceRecord, event: CloudEvent) => void;
}

/**
 * Wakes at every cloud event boundary (a delayed notice appearing, an action time, a maintenance
 * window's end) and says so: `cloud.event.notice` and `cloud.event.completed` on the bus (the TUI, the
 * event stream and GCE's long-polls hear them), and `onDue` for an action time. Only status changes it
 * sees while running are announced: an event's maker announces it (`cloud.event.scheduled`), and what
 * passed while nothing ran is not replayed (the trees answer from the record and the clock anyway).
 * Re-arms whenever a `cloud.event.*` is published.
 */
export class CloudEventTicker {
  private readonly deps: CloudEventTickerDeps;
  private readonly known = new Map<string, CloudEventStatus>();
  private timer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private unsubscribe: (() => void) | null = null;

  constructor(deps: CloudEventTickerDeps) {
    this.deps = deps;
  }

  /** Learns where every event stands now (announcing nothing) and arms the timer. */
  start(): void {
    if (this.unsubscribe !== null) return;
    const now = this.deps.clock.now();
    for (const record of this.deps.instances.listInstances()) for (const event of record.cloudEvents) this.known.set(event.id, cloudEventStatus(event, now));
    this.unsubscribe = this.deps.bus.subscribe((e) => {
      if (e.type.startsWith('cloud.event.')) this.arm();
    });
    this.arm();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.wakeAt = Infinity;
  }

  /** The next boundary the timer is set for (Infinity: none). */
  nextWakeAt(): number {
    return this.wakeAt;
  }

  /** One pass at the clock's time: announces the status changes since the last pass, then re-arms. */
  tick(): void {
    const now = this.deps.clock.now();
    const seen = new Set<string>();
    const changes: [InstanceRecord, CloudEvent, CloudEventStatus | undefined, CloudEventStatus][] = [];
    for (const record of this.deps.instances.listInstances()) {
      for (const event of record.cloudEvents) {
        seen.add(event.id);
        const status = cloudEventStatus(event, now);
        const before = this.known.get(event.id);
        this.known.set(event.id, status);
        if (before !== status) changes.push([record, event, before, status]);
      }
    }
    for (const id of this.known.keys()) if (!seen.has(id)) this.known.delete(id);
    for (const [record, event, before, status] of changes) {
      const news = { at: now, instanceId: record.id, event: cloudEventView(event, record, now) };
      // A new event was announced by its maker; one made for later is news when its notice shows.
      if (before === 'scheduled' && status !== 'canceled') this.deps.bus.publish({ type: 'cloud.event.notice', ...news });
      if (status === 'due' && before !== undefined) this.deps.onDue(record, event);
      if (status === 'completed') this.deps.bus.publish({ type: 'cloud.event.completed', ...news });
    }
    this.arm();
  }

  /** Sets the timer for the earliest boundary of any instance's events. */
  private arm(): void {
    if (this.unsubscribe === null) return;
    const now = this.deps.clock.now();
    let next = Infinity;
    for (const record of this.deps.instances.listInstances()) next = Math.min(next, nextBoundary(record.cloudEvents, now));
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.wakeAt = next;
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_TIMER_MS, Math.max(0, next - now)));
    this.timer.unref();
  }
}
