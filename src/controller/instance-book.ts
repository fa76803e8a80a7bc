import type { ControllerInstance, InstanceFailure } from '../domain/controller-instance.js';
import { findByRef, instanceInfo, instanceSummary, type InstanceInfo } from '../core/instance-view.js';
import { advanceStage, type StageObservation } from '../core/stage-tracker.js';
import type { InstanceSummary } from '../domain/events.js';
import type { InstanceRecord } from '../domain/instance.js';
import { errors } from '../errors/catalogue.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { ControllerStore } from '../ports/controller-store.js';
import type { GuestState } from '../ports/hypervisor.js';
import type { InstanceStore } from '../ports/store.js';

/**
 * The controller's view of its instances over the two stores (metadata records + controller rows),
 * plus the live extras (guest state, last metadata request, error count). Every change goes through
 * here, is written to the store before anything else happens, and is published on the bus.
 * Read-modify-write sections are synchronous, so the reconcile pass and the readiness watcher never
 * overwrite each other's changes.
 */
export class InstanceBook {
  private readonly guestStates = new Map<string, GuestState>();
  private readonly lastMetadataAt = new Map<string, number>();
  private readonly errorCounts = new Map<string, number>();
  readonly records: InstanceStore;
  readonly rows: ControllerStore;
  private readonly bus: EventBus;
  private readonly clock: Clock;

  constructor(deps: { records: InstanceStore; rows: ControllerStore; bus: EventBus; clock: Clock }) {
    this.records = deps.records;
    this.rows = deps.rows;
    this.bus = deps.bus;
    this.clock = deps.clock;
  }

  /** Controller rows that have a metadata record, oldest first. */
  all(): { inst: ControllerInstance; rec: InstanceRecord }[] {
    const out: { inst: ControllerInstance; rec: InstanceRecord }[] = [];
    for (const inst of this.rows.list()) {
      const rec = this.records.getInstance(inst.id);
      if (rec) out.push({ inst, rec });
    }
    return out;
  }

  /** By id or name; throws MC_ERR_INSTANCE_NOT_FOUND. */
  resolve(ref: string): { inst: ControllerInstance; rec: InstanceRecord } {
    const rec = findByRef(this.records.listInstances(), ref);
    const inst = rec && this.rows.get(rec.id);
    if (!rec || !inst) throw errors.instanceNotFound(ref);
    return { inst, rec };
  }

  /** Inserts both records; the metadata store's uniqueness checks run first, so a clash writes nothing. */
  add(rec: InstanceRecord, inst: ControllerInstance): void {
    this.records.insertInstance(rec);
    this.rows.put(inst);
    this.bus.publish({ type: 'instance.added', at: this.clock.now(), instance: this.summary(inst, rec) });
  }

  /** Applies `change` to the stored row (if it still exists) and publishes the result. */
  update(id: string, change: (inst: ControllerInstance) => ControllerInstance): ControllerInstance | undefined {
    const inst = this.rows.get(id);
    const rec = this.records.getInstance(id);
    if (!inst || !rec) return undefined;
    const next = change(inst);
    this.rows.put(next);
    this.bus.publish({ type: 'instance.updated', at: this.clock.now(), instance: this.summary(next, rec) });
    return next;
  }

  updateRecord(rec: InstanceRecord): void {
    this.records.updateInstance(rec);
  }

  /** Drops both records and the live extras. */
  forget(id: string): void {
    this.rows.delete(id);
    this.records.deleteInstance(id);
    this.guestStates.delete(id);
    this.lastMetadataAt.delete(id);
    this.errorCounts.delete(id);
    this.bus.publish({ type: 'instance.removed', at: this.clock.now(), instanceId: id });
  }

  /** Feeds the stage tracker; publishes one `instance.stage` per stage reached. */
  observe(id: string, obs: StageObservation): void {
    const inst = this.rows.get(id);
    if (!inst || inst.failure || inst.desired !== 'running') return;
    const { state, reached } = advanceStage(inst.stages, obs);
    if (state === inst.stages) return;
    this.rows.put({ ...inst, stages: state });
    for (const stage of reached) {
      const at = state.reached[stage] ?? obs.at;
      this.bus.publish({ type: 'instance.stage', at, instanceId: id, stage, elapsedMs: at - (state.startedAt ?? at) });
    }
    if (reached.length > 0) this.update(id, (i) => i);
  }

  fail(id: string, failure: InstanceFailure): void {
    const updated = this.update(id, (i) => (i.failure ? i : { ...i, failure }));
    if (!updated) return;
    this.bumpErrors(id);
    this.bus.publish({ type: 'instance.error', at: failure.at, instanceId: id, code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) });
  }

  setGuestStates(states: Map<string, GuestState>): void {
    this.guestStates.clear();
    for (const [id, s] of states) this.guestStates.set(id, s);
  }

  guestState(id: string): GuestState | null {
    return this.guestStates.get(id) ?? null;
  }

  noteMetadataRequest(id: string, at: number, status: number): void {
    this.lastMetadataAt.set(id, at);
    // 0: a fault rule sent no answer (docs/faults.md); a failed request as much as a 5xx.
    if (status >= 400 || status === 0) this.bumpErrors(id);
  }

  bumpErrors(id: string): void {
    this.errorCounts.set(id, (this.errorCounts.get(id) ?? 0) + 1);
  }

  private extras(id: string) {
    return { guestState: this.guestState(id), lastMetadataAt: this.lastMetadataAt.get(id) ?? null, errorCount: this.errorCounts.get(id) ?? 0 };
  }

  summary(inst: ControllerInstance, rec: InstanceRecord): InstanceSummary {
    return instanceSummary(inst, rec, this.extras(inst.id));
  }

  info(inst: ControllerInstance, rec: InstanceRecord): InstanceInfo {
    return instanceInfo(inst, rec, this.extras(inst.id));
  }
}
