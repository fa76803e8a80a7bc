import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryControllerStore } from '../../../src/adapters/store/memory-controller-store.js';
import { FakeStrayGuestFinder } from '../../../src/adapters/hypervisor/fake/fake-stray-guests.js';
import { Controller, type ControllerDeps } from '../../../src/controller/controller.js';
import type { LaunchRequest } from '../../../src/core/launch.js';
import type { CloudEventNews, CloudEventView } from '../../../src/domain/cloud-event.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { ManualClock } from '../../../src/ports/clock.js';
import { thrownMinicloudError } from '../../helpers/minicloud-error.js';
import { TestHypervisor, TestInstanceStore, TestNetwork, TestRequestLog } from './fakes.js';

const MIN = 60_000;
let dir: string;
let seq = 0;
const random = (n: number) => {
  seq += 1;
  return new Uint8Array(n).map((_, i) => (seq * 31 + i * 7) & 0xff);
};
const controllers: Controller[] = [];

function request(): LaunchRequest {
  return { image: 'minicirros', name: 'web-1', count: 1, cpus: 1, memoryMiB: 256, diskBytes: null, datasource: 'ec2', userData: [], meta: {}, sshKeys: [], ip: null, imdsv2: 'optional', removeOnExit: false };
}

/** A cloud on fakes with a ManualClock; `again()` is a restarted controller over the same stores and guests. */
function world() {
  const clock = new ManualClock();
  const bus = new EventBus();
  const events: MinicloudEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const deps: ControllerDeps = {
    cloudId: 'test',
    hypervisor: new TestHypervisor('test'),
    network: new TestNetwork(),
    networkConfig: { cloudId: 'test', bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataPort: 8775, egress: false, domain: 'minicloud', stateDir: join(dir, 'net') },
    instances: new TestInstanceStore(),
    controllerStore: new MemoryControllerStore(),
    requestLog: new TestRequestLog(),
    strayGuests: new FakeStrayGuestFinder(),
    bus,
    clock,
    random,
    paths: { instancesDir: join(dir, 'instances') },
    accelerator: 'tcg',
    sshProbe: { probe: async () => false },
    resolveImage: () => ({ name: 'minicirros', path: '/images/minicirros/disk.qcow2', format: 'qcow2', kernel: null, sshUser: 'cirros' }),
    cloudKey: null,
    writeConfigDrive: async (record, isoPath) => writeFile(isoPath, record.id),
    writeProvisioningMedia: async (record, isoPath) => writeFile(isoPath, record.id),
    reconcileIntervalMs: 3_600_000,
    watchIntervalMs: 3_600_000,
  };
  const make = () => {
    const c = new Controller(deps);
    controllers.push(c);
    return c;
  };
  return { deps, clock, bus, events, hv: deps.hypervisor as TestHypervisor, controller: make(), again: make };
}

/** Launches web-1 and reconciles until its guest runs. */
async function running(w: ReturnType<typeof world>): Promise<string> {
  await w.controller.start();
  const [inst] = w.controller.launch(request());
  await w.controller.reconcile();
  expect(await w.hv.stateOf(inst!.id)).toBe('running');
  return inst!.id;
}

const news = <T extends CloudEventNews['type']>(w: ReturnType<typeof world>, type: T) => w.events.filter((e): e is Extract<CloudEventNews, { type: T }> => e.type === type);

/** The view's spot fields (a test failure if it is another kind). */
function spot(view: CloudEventView): Extract<CloudEventView, { kind: 'spot' }> {
  if (view.kind !== 'spot') throw new Error(`expected a spot event, got ${view.kind}`);
  return view;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-events-'));
});
afterEach(async () => {
  for (const controller of controllers.splice(0)) {
    controller.stop();
    await controller.reconcile({ unlessStopped: true });
  }
  await rm(dir, { recursive: true, force: true });
});

describe('controller: cloud events act at the announced time (ManualClock)', () => {
  it('spot stop: nothing before the time; at it the guest is stopped, stays stopped, and the event says when', async () => {
    const w = world();
    const id = await running(w);
    const view = spot(w.controller.scheduleCloudEvent('web-1', { kind: 'spot', action: 'stop', inMs: 2 * MIN, act: true }));
    expect(view).toMatchObject({ kind: 'spot', instanceName: 'web-1', status: 'notice', actionAt: w.clock.now() + 2 * MIN });
    expect(news(w, 'cloud.event.scheduled')).toHaveLength(1);
    // The ticker is set for the action time: that is when the reconcile runs, not at its next 2 s pass.
    expect(w.controller.cloudEventTicker.nextWakeAt()).toBe(view.actionAt);

    w.clock.advance(2 * MIN - 1);
    await w.controller.reconcile();
    expect(w.hv.calls.filter((c) => c.startsWith('stop'))).toEqual([]);
    w.clock.advance(1);
    await w.controller.reconcile();
    expect(w.hv.calls.filter((c) => c.startsWith('stop'))).toEqual([`stop ${id}`]);
    expect(await w.hv.stateOf(id)).toBe('shutoff');
    const [fired] = news(w, 'cloud.event.fired');
    expect(fired).toMatchObject({ outcome: 'stopped', lateMs: 0, event: { status: 'fired', fired: { outcome: 'stopped', at: view.actionAt } } });

    // Level-based from here: a stopped instance is neither restarted nor failed, and ls says stopped.
    await w.controller.reconcile();
    await w.controller.reconcile();
    expect(w.hv.calls.filter((c) => c.startsWith('start'))).toHaveLength(1);
    expect(w.controller.list()[0]).toMatchObject({ state: 'stopped' });
    expect(w.controller.info(id).failure).toBeNull();
    expect(w.controller.listCloudEvents()[0]).toMatchObject({ status: 'fired', fired: { outcome: 'stopped' } });
  });

  it('spot terminate: the instance is deleted at the time; the event stream says so', async () => {
    const w = world();
    const id = await running(w);
    w.controller.scheduleCloudEvent(id, { kind: 'spot', action: 'terminate', inMs: MIN, act: true });
    w.clock.advance(MIN + 250);
    await w.controller.reconcile();
    expect(w.controller.list()).toEqual([]);
    expect(await w.hv.stateOf(id)).toBeUndefined();
    expect(news(w, 'cloud.event.fired')[0]).toMatchObject({ outcome: 'terminated', lateMs: 250, instanceId: id });
    expect(w.events.some((e) => e.type === 'instance.removed' && e.instanceId === id)).toBe(true);
  });

  it('--no-act: the time passes, the guest keeps running, the notice stays, and it is recorded once', async () => {
    const w = world();
    const id = await running(w);
    w.controller.scheduleCloudEvent(id, { kind: 'spot', action: 'terminate', inMs: MIN, act: false });
    w.clock.advance(MIN);
    await w.controller.reconcile();
    await w.controller.reconcile();
    expect(await w.hv.stateOf(id)).toBe('running');
    expect(news(w, 'cloud.event.fired').map((e) => e.outcome)).toEqual(['not-acted']);
    expect(w.deps.instances.getInstance(id)?.cloudEvents[0]).toMatchObject({ fired: { outcome: 'not-acted' }, canceledAt: null });
  });

  it('a controller restarted after the time acts late, once (the event is in the record, its firing too)', async () => {
    const w = world();
    const id = await running(w);
    w.controller.scheduleCloudEvent(id, { kind: 'spot', action: 'stop', inMs: MIN, act: true });
    w.controller.stop();
    w.clock.advance(5 * MIN);
    const restarted = w.again();
    await restarted.start();
    expect(await w.hv.stateOf(id)).toBe('shutoff');
    expect(news(w, 'cloud.event.fired')).toMatchObject([{ outcome: 'stopped', lateMs: 4 * MIN }]);
    restarted.stop();
    await w.again().start();
    expect(news(w, 'cloud.event.fired')).toHaveLength(1);
  });

  it('maintenance: a reboot code reboots at NotBefore (stages start again), a stop code stops, system-maintenance touches nothing; the window end is announced', async () => {
    const w = world();
    const id = await running(w);
    const reboot = w.controller.scheduleCloudEvent(id, { kind: 'maintenance', code: 'system-reboot', at: { inMs: 10 * MIN }, durationMs: 60 * MIN, act: true });
    w.controller.scheduleCloudEvent(id, { kind: 'maintenance', code: 'system-maintenance', at: { inMs: 20 * MIN }, durationMs: MIN, act: true });
    w.clock.advance(10 * MIN);
    await w.controller.reconcile();
    expect(w.hv.calls.slice(-2)).toEqual([`stop ${id}`, `start ${id}`]);
    expect(await w.hv.stateOf(id)).toBe('running');
    expect(w.controller.info(id)).toMatchObject({ stage: 'defined', startedAt: w.clock.now() });
    w.clock.advance(10 * MIN);
    await w.controller.reconcile();
    expect(news(w, 'cloud.event.fired').map((e) => e.outcome)).toEqual(['rebooted', 'none']);

    w.controller.cloudEventTicker.tick();
    w.clock.advance(MIN);
    w.controller.cloudEventTicker.tick();
    expect(news(w, 'cloud.event.completed').map((e) => (e.event.kind === 'maintenance' ? e.event.code : e.event.kind))).toEqual(['system-maintenance']);
    w.clock.advance(reboot.kind === 'maintenance' ? reboot.notAfter - w.clock.now() : 0);
    w.controller.cloudEventTicker.tick();
    expect(news(w, 'cloud.event.completed').map((e) => e.event.id)).toContain(reboot.id);

    w.controller.scheduleCloudEvent(id, { kind: 'maintenance', code: 'instance-retirement', at: { inMs: MIN }, durationMs: MIN, act: true });
    w.clock.advance(MIN);
    await w.controller.reconcile();
    expect(await w.hv.stateOf(id)).toBe('shutoff');
    expect(w.controller.list()[0]?.state).toBe('stopped');
  });

  it('cancel withdraws a pending event (it never fires); errors name what is wrong', async () => {
    const w = world();
    const id = await running(w);
    const spot = w.controller.scheduleCloudEvent(id, { kind: 'spot', action: 'terminate', inMs: MIN, act: true });
    expect(w.controller.cancelCloudEvent(spot.id)).toMatchObject({ status: 'canceled' });
    expect(news(w, 'cloud.event.canceled')).toHaveLength(1);
    w.clock.advance(2 * MIN);
    await w.controller.reconcile();
    expect(await w.hv.stateOf(id)).toBe('running');
    expect(thrownMinicloudError(() => w.controller.cancelCloudEvent(spot.id)).code).toBe('MC_ERR_EVENT_NOT_PENDING');
    expect(thrownMinicloudError(() => w.controller.cancelCloudEvent('instance-event-00000000000000000')).code).toBe('MC_ERR_EVENT_NOT_FOUND');
    expect(thrownMinicloudError(() => w.controller.scheduleCloudEvent('nope', { kind: 'rebalance' })).code).toBe('MC_ERR_INSTANCE_NOT_FOUND');

    w.controller.scheduleCloudEvent(id, { kind: 'spot', action: 'stop', inMs: 0, act: true });
    await w.controller.reconcile();
    expect(thrownMinicloudError(() => w.controller.scheduleCloudEvent(id, { kind: 'rebalance' })).code).toBe('MC_ERR_EVENT_INSTANCE_STATE');
    expect(w.controller.listCloudEvents().map((e) => e.status)).toEqual(['canceled', 'fired']);
  });
});
