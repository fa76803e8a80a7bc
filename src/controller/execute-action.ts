import { guestIdentity } from '../clouds/guest-identity.js';
import { mkdir, rm } from 'node:fs/promises';
import { buildGuestSpec, instanceDir, type CloudPaths } from '../core/guest-spec.js';
import type { Action } from '../core/plan.js';
import type { InstanceFailure } from '../domain/controller-instance.js';
import { advanceStage } from '../core/stage-tracker.js';
import { errors, isMinicloudError } from '../errors/catalogue.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { Hypervisor } from '../ports/hypervisor.js';
import type { Accelerator } from '../domain/controller-instance.js';
import type { NetworkConfig, NetworkHost, NetworkPlane } from '../ports/network.js';
import { fireCloudEvent, GUEST_STOP_TIMEOUT_MS } from './fire-cloud-event.js';
import type { InstanceBook } from './instance-book.js';

export interface ExecuteContext {
  cloudId: string;
  hypervisor: Hypervisor;
  network: NetworkPlane;
  networkConfig: NetworkConfig;
  book: InstanceBook;
  bus: EventBus;
  clock: Clock;
  paths: CloudPaths;
  accelerator: Accelerator;
  /** Writes the `config-2` ISO of a `configdrive` instance (the hypervisor's writeConfigDrive in production). */
  writeConfigDrive: (record: InstanceRecord, isoPath: string) => Promise<void>;
  /** Writes the provisioning CD of an instance that asks for it (its cloud's media; provisioning-media-iso.ts in production). */
  writeProvisioningMedia: (record: InstanceRecord, isoPath: string) => Promise<void>;
  /** Records what setHosts last applied (the plan compares against it). */
  setAppliedHosts(hosts: NetworkHost[] | null): void;
}

function bootFailure(ctx: ExecuteContext, name: string, err: unknown): InstanceFailure {
  // Coded errors (image unreadable, QEMU missing) keep their code and exit; anything else is a boot failure.
  const coded = isMinicloudError(err) ? err : errors.guestBootFailed(name, err instanceof Error ? err.message : String(err)).causedBy(err);
  return { code: coded.code, message: coded.message, hint: coded.hint ?? null, exit: coded.exitCode, at: ctx.clock.now() };
}

/**
 * Carries out one planned action with idempotent port calls. Failures of one instance's guest become
 * that instance's recorded failure; network failures become an error notice and the next pass retries.
 * Never throws for an expected failure: one broken guest must not stop the others' reconcile.
 */
export async function executeAction(ctx: ExecuteContext, action: Action): Promise<void> {
  switch (action.kind) {
    case 'network.ensureUp':
      return networkStep(ctx, 'bring up the network', () => ctx.network.ensureUp(ctx.networkConfig));
    case 'network.setHosts':
      return networkStep(ctx, 'set the DHCP reservations', async () => {
        ctx.setAppliedHosts(null);
        await ctx.network.setHosts(action.hosts);
        ctx.setAppliedHosts(action.hosts);
      });
    case 'guest.create':
    case 'guest.start':
      return startGuest(ctx, action.instanceId, action.kind === 'guest.create');
    case 'guest.remove':
      return removeGuest(ctx, action.instanceId);
    case 'guest.stop':
      await ctx.hypervisor.stop(action.instanceId, { timeoutMs: GUEST_STOP_TIMEOUT_MS });
      ctx.book.update(action.instanceId, (i) => i);
      return;
    case 'cloud-event.fire':
      return fireCloudEvent({ hypervisor: ctx.hypervisor, book: ctx.book, bus: ctx.bus, clock: ctx.clock, terminate: (id) => removeGuest(ctx, id) }, action.instanceId, action.eventId);
    case 'instance.forget':
      ctx.book.forget(action.instanceId);
      return;
    case 'instance.fail': {
      const rec = ctx.book.records.getInstance(action.instanceId);
      const err = errors.guestBootFailed(rec?.name ?? action.instanceId, action.reason);
      ctx.book.fail(action.instanceId, { code: err.code, message: err.message, hint: err.hint ?? null, exit: err.exitCode, at: ctx.clock.now() });
      return;
    }
    case 'instance.adopt': {
      const now = ctx.clock.now();
      ctx.book.update(action.instanceId, (i) => ({
        ...i,
        accelerator: action.accelerator ?? i.accelerator ?? ctx.accelerator,
        stages: advanceStage(i.stages, { kind: 'started', at: now }).state,
      }));
      return;
    }
    case 'orphan.remove':
      await ctx.hypervisor.destroy(action.instanceId);
      await ctx.hypervisor.undefine(action.instanceId);
      ctx.bus.publish({ type: 'notice', at: ctx.clock.now(), level: 'info', message: `removed orphan guest ${action.name}` });
      return;
  }
}

/** Powers off and undefines the guest, removes its directory and forgets the instance (each step idempotent). */
async function removeGuest(ctx: ExecuteContext, id: string): Promise<void> {
  await ctx.hypervisor.destroy(id);
  await ctx.hypervisor.undefine(id);
  // undefine removed the driver's files; the directory the controller made for them goes too.
  await rm(instanceDir(ctx.paths, id), { recursive: true, force: true });
  ctx.book.forget(id);
}

async function networkStep(ctx: ExecuteContext, what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    const e = isMinicloudError(err) ? err : null;
    ctx.bus.publish({
      type: 'notice',
      at: ctx.clock.now(),
      level: 'error',
      message: `could not ${what}: ${err instanceof Error ? err.message : String(err)}${e?.hint ? ` (${e.hint})` : ''}`,
      ...(e ? { code: e.code } : {}),
    });
  }
}

async function startGuest(ctx: ExecuteContext, id: string, define: boolean): Promise<void> {
  const inst = ctx.book.rows.get(id);
  const rec = ctx.book.records.getInstance(id);
  if (!inst || !rec) return;
  try {
    if (define) {
      const identity = guestIdentity(rec.datasource, { instanceId: rec.id, instanceUuid: rec.uuid }, rec.meta);
      const spec = buildGuestSpec({ cloudId: ctx.cloudId, bridge: ctx.networkConfig.bridge, paths: ctx.paths, instance: inst, record: rec, accelerator: ctx.accelerator, identity });
      await mkdir(instanceDir(ctx.paths, id), { recursive: true });
      await mkdir(spec.runDir, { recursive: true });
      if (spec.configDrivePath !== null) await ctx.writeConfigDrive(rec, spec.configDrivePath);
      if (spec.cdromPath !== null) await ctx.writeProvisioningMedia(rec, spec.cdromPath);
      await ctx.hypervisor.define(spec);
    }
    await ctx.hypervisor.start(id);
  } catch (err) {
    ctx.book.fail(id, bootFailure(ctx, rec.name, err));
    return;
  }
  const now = ctx.clock.now();
  ctx.book.update(id, (i) => ({ ...i, accelerator: ctx.accelerator, stages: advanceStage(i.stages, { kind: 'started', at: now }).state }));
}
