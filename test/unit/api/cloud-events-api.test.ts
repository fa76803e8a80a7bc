import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { buildApiApp } from '../../../src/api/api-app.js';
import { ApiClient } from '../../../src/api/api-client.js';
import { MemoryControllerStore } from '../../../src/adapters/store/memory-controller-store.js';
import { FakeStrayGuestFinder } from '../../../src/adapters/hypervisor/fake/fake-stray-guests.js';
import { Controller } from '../../../src/controller/controller.js';
import { CloudEventViewSchema } from '../../../src/core/cloud-event-schema.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { isMinicloudError, type MinicloudError } from '../../../src/errors/catalogue.js';
import { ManualClock } from '../../../src/ports/clock.js';
import { TestHypervisor, TestInstanceStore, TestNetwork, TestRequestLog } from '../controller/fakes.js';

let dir: string;
let app: FastifyInstance;
let client: ApiClient;
let controller: Controller;
let clock: ManualClock;
const published: MinicloudEvent[] = [];

async function rejection(p: Promise<unknown>): Promise<MinicloudError> {
  try {
    await p;
  } catch (err) {
    if (isMinicloudError(err)) return err;
    throw err;
  }
  throw new Error('expected the API to refuse');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-api-events-'));
  const bus = new EventBus();
  published.length = 0;
  bus.subscribe((e) => published.push(e));
  clock = new ManualClock(Date.UTC(2030, 0, 1));
  controller = new Controller({
    cloudId: 'api', hypervisor: new TestHypervisor('api'), network: new TestNetwork(),
    networkConfig: { cloudId: 'api', bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataPort: 8775, egress: false, domain: 'minicloud', stateDir: dir },
    instances: new TestInstanceStore(), controllerStore: new MemoryControllerStore(), requestLog: new TestRequestLog(), strayGuests: new FakeStrayGuestFinder(),
    bus, clock, random: randomBytes, paths: { instancesDir: join(dir, 'instances') }, accelerator: 'tcg',
    sshProbe: { probe: async () => false },
    resolveImage: (image) => ({ name: image, path: '/img.qcow2', format: 'qcow2', kernel: null, sshUser: 'cirros' }),
    cloudKey: null, writeConfigDrive: async () => {}, writeProvisioningMedia: async () => {}, reconcileIntervalMs: 3_600_000, watchIntervalMs: 3_600_000,
  });
  app = buildApiApp({
    controller, bus,
    status: () => ({ cloudId: 'api', pid: process.pid, startedAt: 0, accelerator: 'tcg', hypervisor: 'fake', netns: null, bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataAddress: '10.77.0.1:8775', sshKeyPath: '/k', home: dir, instances: 0, defaultTimeoutMs: null }),
    onShutdown: () => {},
  });
  const socketPath = join(dir, 'controller.sock');
  await app.listen({ path: socketPath });
  client = new ApiClient(socketPath);
  controller.launch({ image: 'minicirros', name: 'web', count: 1, userData: [], meta: {}, sshKeys: [], ip: null, removeOnExit: false });
});

afterEach(async () => {
  controller.stop();
  await controller.reconcile({ unlessStopped: true });
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('controller API: cloud events', () => {
  it('makes each kind with the defaults of the commands, lists them and cancels one; answers match the schema', async () => {
    const now = clock.now();
    const spot = await client.spotEvent('web', {});
    expect(spot).toMatchObject({ kind: 'spot', action: 'terminate', actionAt: now + 120_000, act: true, status: 'notice', instanceName: 'web' });
    const maint = await client.maintenanceEvent('web', { inMs: 3_600_000, code: 'instance-stop', act: false });
    expect(maint).toMatchObject({ kind: 'maintenance', code: 'instance-stop', notBefore: now + 3_600_000, notAfter: now + 3 * 3_600_000, act: false });
    const at = await client.maintenanceEvent('web', { notBefore: now + 60_000, durationMs: 60_000 });
    expect(at).toMatchObject({ code: 'system-reboot', notBefore: now + 60_000, notAfter: now + 120_000 });
    const rebalance = await client.rebalanceEvent('web');
    const listed = await client.cloudEvents();
    expect(listed.map((e) => e.id)).toEqual([spot.id, maint.id, at.id, rebalance.id]);
    for (const view of listed) expect(Value.Check(CloudEventViewSchema, view)).toBe(true);
    expect(await client.cancelCloudEvent(maint.id)).toMatchObject({ id: maint.id, status: 'canceled', canceledAt: now });
    expect(published.filter((e) => e.type.startsWith('cloud.event.')).map((e) => e.type)).toEqual([
      'cloud.event.scheduled', 'cloud.event.scheduled', 'cloud.event.scheduled', 'cloud.event.scheduled', 'cloud.event.canceled',
    ]);
  });

  it('refuses what is wrong with coded errors (the CLI exits with their codes)', async () => {
    expect((await rejection(client.spotEvent('nope', {}))).code).toBe('MC_ERR_INSTANCE_NOT_FOUND');
    expect((await rejection(client.maintenanceEvent('web', {}))).code).toBe('MC_ERR_EVENT_INVALID');
    expect((await rejection(client.maintenanceEvent('web', { inMs: 1, notBefore: 1 }))).code).toBe('MC_ERR_EVENT_INVALID');
    expect((await rejection(client.maintenanceEvent('web', { notBefore: clock.now() - 1 }))).code).toBe('MC_ERR_EVENT_INVALID');
    expect((await rejection(client.spotEvent('web', { action: 'explode' } as never))).code).toBe('MC_ERR_USAGE');
    expect((await rejection(client.spotEvent('web', { inMs: -5 }))).code).toBe('MC_ERR_USAGE');
    expect((await rejection(client.cancelCloudEvent('instance-event-00000000000000000'))).code).toBe('MC_ERR_EVENT_NOT_FOUND');
    const spot = await client.spotEvent('web', { inMs: 0, action: 'stop' });
    await controller.reconcile();
    await controller.reconcile();
    const err = await rejection(client.cancelCloudEvent(spot.id));
    expect([err.code, err.exitCode]).toEqual(['MC_ERR_EVENT_NOT_PENDING', 1]);
    expect((await rejection(client.rebalanceEvent('web'))).code).toBe('MC_ERR_EVENT_INSTANCE_STATE');
  });
});
