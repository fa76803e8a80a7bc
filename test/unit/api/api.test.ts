import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DETACH_BYTE, keystrokes } from '../../../src/cli/commands/console.js';
import { buildApiApp } from '../../../src/api/api-app.js';
import { ApiClient } from '../../../src/api/api-client.js';
import type { LaunchBody } from '../../../src/api/api-schemas.js';
import { Controller } from '../../../src/controller/controller.js';
import { MemoryControllerStore } from '../../../src/adapters/store/memory-controller-store.js';
import { FakeStrayGuestFinder } from '../../../src/adapters/hypervisor/fake/fake-stray-guests.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { errors } from '../../../src/errors/catalogue.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { ManualClock } from '../../../src/ports/clock.js';
import { TestHypervisor, TestInstanceStore, TestNetwork, TestRequestLog } from '../controller/fakes.js';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Value } from '@sinclair/typebox/value';
import { SkippedRequestsEventSchema } from '../../../src/api/api-schemas.js';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';

let dir: string;
let app: FastifyInstance;
let client: ApiClient;
let controller: Controller;
let bus: EventBus;
let instances: TestInstanceStore;
let shutdowns: number;
/** Resolves when the API asks its owner to shut the cloud down (onShutdown). */
let shutdownAsked: Promise<void>;

const body = (over: Partial<LaunchBody> = {}): LaunchBody => ({
  image: 'minicirros', name: null, count: 1, cpus: 1, memoryMiB: 256, diskBytes: null, datasource: 'ec2',
  userData: [], meta: {}, sshKeys: [], ip: null, imdsv2: 'optional', removeOnExit: false, ...over,
});

/**
 * Resolves once `count` more listeners have subscribed to the bus: a followed event stream subscribes
 * when its request arrives, and only what is published after that is streamed to it.
 */
function busSubscriptions(count: number): Promise<void> {
  const subscribe = bus.subscribe.bind(bus);
  let seen = 0;
  return new Promise((resolve) => {
    vi.spyOn(bus, 'subscribe').mockImplementation((listener, opts) => {
      const unsubscribe = subscribe(listener, opts);
      seen += 1;
      if (seen === count) resolve();
      return unsubscribe;
    });
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-api-'));
  shutdowns = 0;
  let askShutdown!: () => void;
  shutdownAsked = new Promise((resolve) => (askShutdown = resolve));
  bus = new EventBus();
  instances = new TestInstanceStore();
  controller = new Controller({
    cloudId: 'api', hypervisor: new TestHypervisor('api'), network: new TestNetwork(),
    networkConfig: { cloudId: 'api', bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataPort: 8775, egress: false, domain: 'minicloud', stateDir: dir },
    instances, controllerStore: new MemoryControllerStore(), requestLog: new TestRequestLog(), strayGuests: new FakeStrayGuestFinder(),
    bus, clock: new ManualClock(), random: randomBytes, paths: { instancesDir: join(dir, 'instances') }, accelerator: 'tcg',
    sshProbe: { probe: async () => false },
    resolveImage: (image) => {
      if (image !== 'minicirros') throw errors.imageNotFound(image, 'minicirros');
      return { name: image, path: '/img.qcow2', format: 'qcow2', kernel: null, sshUser: 'cirros' };
    },
    cloudKey: null, writeConfigDrive: async () => {}, writeProvisioningMedia: async () => {}, reconcileIntervalMs: 3_600_000, watchIntervalMs: 3_600_000,
  });
  app = buildApiApp({
    controller, bus,
    status: () => ({ cloudId: 'api', pid: process.pid, startedAt: 0, accelerator: 'tcg', hypervisor: 'fake', netns: null, bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataAddress: '10.77.0.1:8775', sshKeyPath: '/k', home: dir, instances: controller.list().length, defaultTimeoutMs: null }),
    onShutdown: () => {
      shutdowns += 1;
      askShutdown();
    },
  });
  const socketPath = join(dir, 'controller.sock');
  await app.listen({ path: socketPath });
  client = new ApiClient(socketPath);
});

afterEach(async () => {
  controller.stop();
  // Waits out a pass a launch kicked (it runs behind the mutex and would mkdir into `dir` after the rm).
  await controller.reconcile({ unlessStopped: true });
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('controller API over its unix socket', () => {
  it('runs, lists, shows and deletes instances', async () => {
    const created = await client.launch(body({ name: 'web', count: 2, userData: [Buffer.from('#!/bin/sh\nexit 0\n').toString('base64')] }));
    expect(created.map((i) => i.name)).toEqual(['web-1', 'web-2']);
    expect((await client.list()).map((i) => i.ip)).toEqual(['10.77.0.10', '10.77.0.11']);
    const info = await client.info('web-2');
    expect(info).toMatchObject({ name: 'web-2', userDataBytes: 17, imagePath: '/img.qcow2', cpus: 1, memoryMiB: 256 });
    expect((await client.status()).instances).toBe(2);
    expect(await client.remove('web-1')).toEqual({ deleted: [created[0]!.id] });
    expect((await client.removeAll()).deleted).toHaveLength(2);
  });

  it('shows the password a guest posted, and null before it posted one (Nova get-password)', async () => {
    const [web] = await client.launch(body({ name: 'web' }));
    expect(await client.password('web')).toBeNull();
    expect(instances.setPasswordOnce(web!.id, 'ZmFrZS1lbmNyeXB0ZWQ=')).toBe(true);
    expect(await client.password('web')).toBe('ZmFrZS1lbmNyeXB0ZWQ=');
    await expect(client.password('nope')).rejects.toMatchObject({ code: 'MC_ERR_INSTANCE_NOT_FOUND' });
  });

  it('answers a failure without a code as MC_ERR_INTERNAL (exit 70), not as a literal', async () => {
    vi.spyOn(controller, 'list').mockImplementation(() => { throw new TypeError('boom'); });
    const res = await app.inject({ method: 'GET', url: '/v1/instances' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'MC_ERR_INTERNAL', message: 'internal error: boom', hint: expect.stringContaining('bug'), exit: 70 });
    await expect(client.list()).rejects.toMatchObject({ code: 'MC_ERR_INTERNAL', exitCode: 70 });
  });

  it('turns error answers back into the same coded errors (and exit codes)', async () => {
    await expect(client.info('nope')).rejects.toMatchObject({ code: 'MC_ERR_INSTANCE_NOT_FOUND', exitCode: 1, hint: expect.stringContaining('minicloud ls') });
    await expect(client.launch(body({ image: 'missing' }))).rejects.toMatchObject({ code: 'MC_ERR_IMAGE_NOT_FOUND', exitCode: 3 });
    await expect(client.launch({ ...body(), count: 0 })).rejects.toMatchObject({ code: 'MC_ERR_USAGE', exitCode: 1 });
    await expect(client.launch({ ...body(), bogus: 1 } as LaunchBody)).rejects.toMatchObject({ code: 'MC_ERR_USAGE' });
    await client.launch(body({ name: 'dup' }));
    await expect(client.launch(body({ name: 'dup' }))).rejects.toMatchObject({ code: 'MC_ERR_INSTANCE_EXISTS', exitCode: 1 });
  });

  it('reports a missing controller as MC_ERR_CONTROLLER_NOT_RUNNING (exit 2)', async () => {
    await expect(new ApiClient(join(dir, 'nothing.sock')).list()).rejects.toMatchObject({ code: 'MC_ERR_CONTROLLER_NOT_RUNNING', exitCode: 2 });
  });

  it('statusIfRunning: null only when nothing listens; a controller that fails is an error, not "not running"', async () => {
    expect(await new ApiClient(join(dir, 'nothing.sock')).statusIfRunning()).toBeNull();
    expect(await client.statusIfRunning()).toMatchObject({ cloudId: 'api' });
    const broken = createServer((_req, res) => res.writeHead(500).end('not json'));
    const brokenPath = join(dir, 'broken.sock');
    await new Promise<void>((resolve) => broken.listen(brokenPath, resolve));
    try {
      await expect(new ApiClient(brokenPath).statusIfRunning()).rejects.toMatchObject({ code: 'MC_ERR_API_REQUEST' });
    } finally {
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it('closing the app ends followed streams after what was queued, without waiting for their clients', async () => {
    const seen: MinicloudEvent[] = [];
    const subscribed = busSubscriptions(1);
    const followed = client.events({ follow: true, replay: false, requests: 'summary', keep: 5 }, (e) => seen.push(e));
    await subscribed;
    bus.publish({ type: 'cloud.status', at: 1, status: 'down' });
    const started = Date.now();
    await app.close();
    await followed;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(seen).toEqual([{ type: 'cloud.status', at: 1, status: 'down' }]);
  });

  it('streams events as NDJSON, with replay, until the client stops', async () => {
    bus.publish({ type: 'notice', at: 1, level: 'info', message: 'before' });
    const seen: MinicloudEvent[] = [];
    const ac = new AbortController();
    const subscribed = busSubscriptions(1);
    const done = client.events({ follow: true, replay: true, signal: ac.signal }, (e) => {
      seen.push(e);
      if (seen.length === 2) ac.abort();
    });
    await subscribed;
    bus.publish({ type: 'notice', at: 2, level: 'warn', message: 'after' });
    await done;
    expect(seen.map((e) => (e.type === 'notice' ? e.message : e.type))).toEqual(['before', 'after']);
  });

  it('streams request summaries to a follower that asks for them, and every event to one that does not', async () => {
    const record = (n: number, over: Partial<MetadataRequestRecord> = {}): MinicloudEvent => {
      const r: MetadataRequestRecord = { time: 1000 + n, instanceId: 'i-1', sourceIp: '10.77.0.10', method: 'GET', path: `/p/${n % 3}`, status: n === 4 ? 404 : 200, bytes: 10, latencyMs: 1, userAgent: null, tokenUsed: false, flavour: 'ec2', fault: null, ...over };
      return { type: 'metadata.request', at: r.time, request: r };
    };
    const follow = (opts: { requests?: 'summary'; keep?: number }, until: (seen: MinicloudEvent[]) => boolean) => {
      const seen: MinicloudEvent[] = [];
      const ac = new AbortController();
      const done = client.events({ follow: true, replay: false, signal: ac.signal, ...opts }, (e) => {
        seen.push(e);
        if (until(seen)) ac.abort();
      });
      return { seen, done };
    };
    const subscribed = busSubscriptions(2);
    const summarised = follow({ requests: 'summary', keep: 2 }, (seen) => seen.some((e) => e.type === 'notice'));
    const full = follow({}, (seen) => seen.some((e) => e.type === 'notice'));
    await subscribed;
    for (let n = 0; n < 10; n++) bus.publish(record(n));
    bus.publish(record(10, { instanceId: null, sourceIp: '10.77.0.99' }));
    bus.publish({ type: 'notice', at: 2000, level: 'info', message: 'end' });
    await Promise.all([summarised.done, full.done]);
    expect(full.seen).toHaveLength(12);
    expect(summarised.seen.map((e) => (e.type === 'metadata.request' ? e.at - 1000 : e.type))).toEqual(['metadata.requests.skipped', 8, 9, 10, 'notice']);
    const skipped = summarised.seen[0];
    expect(Value.Check(SkippedRequestsEventSchema, skipped)).toBe(true);
    expect(skipped).toEqual({
      type: 'metadata.requests.skipped', at: 1007, instanceId: 'i-1', sourceIp: '10.77.0.10', count: 8, errorCount: 1, bytes: 80, firstAt: 1000, lastAt: 1007,
      paths: [{ path: '/p/2', status: 200 }, { path: '/p/0', status: 200 }, { path: '/p/1', status: 200 }],
    });
  });

  it('refuses an unknown request mode or keep with a usage error', async () => {
    const ac = new AbortController();
    await expect(client.events({ follow: true, replay: false, signal: ac.signal, requests: 'some' as 'summary' }, () => undefined)).rejects.toMatchObject({ code: 'MC_ERR_USAGE' });
    await expect(client.events({ follow: true, replay: false, signal: ac.signal, requests: 'summary', keep: 0 }, () => undefined)).rejects.toMatchObject({ code: 'MC_ERR_USAGE' });
  });

  it('fails a stream that carries a malformed request summary instead of counting it', async () => {
    const socketPath = join(dir, 'bad.sock');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ type: 'notice', at: 1, level: 'info', message: 'ok' })}\n${JSON.stringify({ type: 'metadata.requests.skipped', at: 1, instanceId: 'i-1', sourceIp: '10.0.0.1', count: '5' })}\n`);
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
    const seen: MinicloudEvent[] = [];
    try {
      await expect(new ApiClient(socketPath).events({ follow: true, replay: false, requests: 'summary' }, (e) => seen.push(e))).rejects.toMatchObject({ code: 'MC_ERR_API_REQUEST', message: expect.stringContaining('malformed metadata.requests.skipped') });
      expect(seen.map((e) => e.type)).toEqual(['notice']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('serves the console log from an offset, and metadata changes', async () => {
    const [inst] = await client.launch(body({ name: 'c' }));
    await mkdir(join(dir, 'instances', inst!.id), { recursive: true });
    await writeFile(join(dir, 'instances', inst!.id, 'console.log'), 'hello\nworld\n');
    const first = await client.console('c', 0);
    expect(first).toEqual({ data: Buffer.from('hello\nworld\n'), nextOffset: 12 });
    expect((await client.console('c', 6)).data.toString()).toBe('world\n');
    const after = await client.setMetadata('c', { meta: { role: 'db' }, userData: Buffer.from('#cloud-config\n').toString('base64') });
    expect(after).toMatchObject({ meta: { role: 'db' }, userDataBytes: 14 });
  });

  it('attaches to a running guest\'s serial console both ways (HTTP Upgrade), and refuses with coded errors', async () => {
    const [inst] = await client.launch(body({ name: 'tty' }));
    await expect(client.attachConsole('tty')).rejects.toMatchObject({ code: 'MC_ERR_GUEST_UNKNOWN' }); // not defined yet
    await controller.reconcile();
    const socket = await client.attachConsole(inst!.id);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    socket.write('echo hi\n'); // the fake guest's serial line echoes keystrokes
    await vi.waitFor(() => expect(Buffer.concat(received).toString()).toContain('echo hi\n'));
    socket.destroy();
    await expect(client.attachConsole('nope')).rejects.toMatchObject({ code: 'MC_ERR_INSTANCE_NOT_FOUND', exitCode: 1 });
  });

  it('console: Ctrl-] detaches and is never sent to the guest', () => {
    expect(keystrokes(Buffer.from('ls\r'))).toEqual({ forward: Buffer.from('ls\r'), detach: false });
    expect(keystrokes(Buffer.from([0x61, DETACH_BYTE, 0x62]))).toEqual({ forward: Buffer.from('a'), detach: true });
  });

  it('answers down, then asks its owner to shut the cloud down', async () => {
    expect(await client.down()).toEqual({ stopping: true });
    await shutdownAsked;
    expect(shutdowns).toBe(1);
  });
});
