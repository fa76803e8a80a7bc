import { actionTime, cloudEventStatus, cloudEventView } from '../core/cloud-event-timeline.js';
import { withEventFired } from '../core/cloud-event-spec.js';
import { advanceStage, initialStageState } from '../core/stage-tracker.js';
import type { CloudEventOutcome, MaintenanceEvent, SpotEvent } from '../domain/cloud-event.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { Hypervisor } from '../ports/hypervisor.js';
import type { InstanceBook } from './instance-book.js';

/**
 * How long a guest gets to power off after the ACPI power button before it is forced off. EC2 gives a
 * stopped spot instance's OS its shutdown signal at the announced time; 20 s lets a booted minicirros or
 * Debian shut down cleanly under TCG, and bounds how long the controller's one mutation lock is held.
 */
export const GUEST_STOP_TIMEOUT_MS = 20_000;

export interface FireContext {
  hypervisor: Hypervisor;
  book: InstanceBook;
  bus: EventBus;
  clock: Clock;
  /** Deletes the instance now: its guest, files and records (the `guest.remove` action). */
  terminate(instanceId: string): Promise<void>;
}

/** What an event asks of the guest when its time comes (docs/events.md, "What the cloud does"). */
function actionOf(event: SpotEvent | MaintenanceEvent): 'terminate' | 'stop' | 'reboot' | 'none' {
  if (event.kind === 'spot') return event.action === 'terminate' ? 'terminate' : 'stop'; // hibernate: minicloud stops
  switch (event.code) {
    case 'instance-stop':
    case 'instance-retirement':
      return 'stop';
    case 'instance-reboot':
    case 'system-reboot':
      return 'reboot';
    case 'system-maintenance':
      return 'none';
  }
}

/**
 * The `cloud-event.fire` action: acts on a due event and records what it did in the instance's record
 * (so a restarted controller never acts twice), then publishes `cloud.event.fired`. The desired state
 * changes before the guest is touched, so a controller that dies half-way finishes the job on its next
 * reconcile (plan: `guest.stop` for a stopped instance, `guest.remove` for a deleted one).
 * Idempotent: an event that is no longer due is left alone.
 */
export async function fireCloudEvent(ctx: FireContext, instanceId: string, eventId: string): Promise<void> {
  const record = ctx.book.records.getInstance(instanceId);
  const event = record?.cloudEvents.find((e) => e.id === eventId);
  if (record === undefined || event === undefined || event.kind === 'rebalance' || cloudEventStatus(event, ctx.clock.now()) !== 'due') return;
  let outcome: CloudEventOutcome = 'not-acted';
  let detail: string | null = null;
  if (event.act) {
    try {
      outcome = await act(ctx, instanceId, actionOf(event));
    } catch (err) {
      outcome = 'failed';
      detail = err instanceof Error ? err.message : String(err);
    }
  }
  const at = ctx.clock.now();
  const current = ctx.book.records.getInstance(instanceId) ?? record;
  const next = { ...current, cloudEvents: withEventFired(current.cloudEvents, eventId, { at, outcome, detail }) };
  const fired = next.cloudEvents.find((e) => e.id === eventId) ?? event;
  // A terminated instance's record is gone with it; the event stream still says what happened.
  if (outcome !== 'terminated') ctx.book.updateRecord(next);
  const view = cloudEventView(fired, record, at);
  ctx.bus.publish({ type: 'cloud.event.fired', at, instanceId, event: view, outcome, lateMs: at - (actionTime(event) ?? at) });
}

async function act(ctx: FireContext, id: string, action: 'terminate' | 'stop' | 'reboot' | 'none'): Promise<CloudEventOutcome> {
  switch (action) {
    case 'none':
      return 'none';
    case 'terminate':
      ctx.book.update(id, (i) => ({ ...i, desired: 'deleted' }));
      await ctx.terminate(id);
      return 'terminated';
    case 'stop':
      ctx.book.update(id, (i) => ({ ...i, desired: 'stopped' }));
      await ctx.hypervisor.stop(id, { timeoutMs: GUEST_STOP_TIMEOUT_MS });
      ctx.book.update(id, (i) => i);
      return 'stopped';
    case 'reboot': {
      await ctx.hypervisor.stop(id, { timeoutMs: GUEST_STOP_TIMEOUT_MS });
      await ctx.hypervisor.start(id);
      // A new boot: the readiness stages start again (the first console byte is `booting`).
      const now = ctx.clock.now();
      ctx.book.update(id, (i) => ({ ...i, stages: advanceStage(initialStageState(now), { kind: 'started', at: now }).state }));
      return 'rebooted';
    }
  }
}
