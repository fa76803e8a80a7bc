import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOUD_METADATA } from '../../../src/clouds/registry.js';
import { gcePlugin } from '../../../src/clouds/gce/gce-plugin.js';
import { LongPollRegistry } from '../../../src/clouds/gce/gce-long-poll.js';
import { Controller } from '../../../src/controller/controller.js';
import { MemoryControllerStore } from '../../../src/adapters/store/memory-controller-store.js';
import { FakeStrayGuestFinder } from '../../../src/adapters/hypervisor/fake/fake-stray-guests.js';
import { buildMetadataApp } from '../../../src/metadata/build-metadata-app.js';
import type { CloudMetadata } from '../../../src/metadata/metadata-api.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { ManualClock } from '../../../src/ports/clock.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { TestHypervisor, TestInstanceStore, TestNetwork, TestRequestLog } from '../controller/fakes.js';
import { bareInstance, fixtureInstance, GUEST_IP, harness, listeningHarness, OTHER_IP, TOKEN_SECRET, type Harness } from '../metadata/metadata-test-kit.js';

const V1 = '/computeMetadata/v1';
const FLAVOR = { 'metadata-flavor': 'Google' };
const ATTRIBUTES = `${V1}/instance/attributes/?recursive=True`;

/** The registry's clouds with the GCE API given `polls`, so a test can see what is held. */
function cloudsWatching(polls: LongPollRegistry): CloudMetadata[] {
  return CLOUD_METADATA.map((c) =>
    c.cloud === 'gce' ? { cloud: 'gce', apis: [{ name: 'gce', plugin: (app, ctx) => gcePlugin(app, { instances: ctx.instances, bus: ctx.bus, clock: ctx.clock, projectSeed: ctx.projectId, polls }) }] } : c,
  );
}

const gceGuests = (): InstanceRecord[] => [fixtureInstance({ datasource: 'gce' }), bareInstance({ datasource: 'gce' })];

/** What `minicloud metadata set` does to the metadata plane: the record changes, then instance.metadata is published. */
function setMeta(h: Harness, id: string, meta: Record<string, string>): void {
  const record = h.instances.getInstance(id);
  if (record === undefined) throw new Error(`no instance ${id}`);
  h.instances.updateInstance({ ...record, meta: { ...record.meta, ...meta } });
  h.bus.publish({ type: 'instance.metadata', at: h.clock.now(), instanceId: id, keys: Object.keys(meta), userData: false });
}

describe('GCE wait_for_change', () => {
  let h: Harness;
  let polls: LongPollRegistry;
  afterEach(async () => h.app.close());
  const setup = async () => {
    polls = new LongPollRegistry();
    h = await harness(gceGuests(), { clouds: cloudsWatching(polls) });
  };
  const etagOf = async (path: string, remoteAddress = GUEST_IP) => String((await h.req(path, { headers: FLAVOR, remoteAddress })).headers['etag']);

  it('answers at once when last_etag names other content than the current', async () => {
    await setup();
    const res = await h.req(`${ATTRIBUTES}&wait_for_change=true&last_etag=0`, { headers: FLAVOR });
    expect(res.statusCode).toBe(200);
    expect(res.headers['etag']).toBe(await etagOf(ATTRIBUTES));
    expect(polls.size()).toBe(0);
  });

  it('holds the request until metadata set changes what it waits on, then answers the new content and ETag', async () => {
    await setup();
    const before = await etagOf(ATTRIBUTES);
    const pending = h.req(`${ATTRIBUTES}&wait_for_change=true&last_etag=${before}`, { headers: FLAVOR });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    setMeta(h, 'i-0123456789abcdef0', { 'enable-oslogin': 'TRUE' });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ 'enable-oslogin': 'TRUE', role: 'web' });
    expect(res.headers['etag']).not.toBe(before);
    expect(res.headers['etag']).toBe(await etagOf(ATTRIBUTES));
    expect(polls.size()).toBe(0);
  });

  it('without last_etag waits for the next change; a guest attribute write is one', async () => {
    await setup();
    const path = `${V1}/instance/guest-attributes/?recursive=true`;
    const pending = h.req(`${path}&wait_for_change=true`, { headers: FLAVOR });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    const put = await h.req(`${V1}/instance/guest-attributes/hostkeys/ssh-ed25519`, { method: 'PUT', headers: FLAVOR, payload: 'ssh-ed25519 AAAA host' });
    expect(put.statusCode).toBe(200);
    expect(JSON.parse((await pending).body)).toEqual({ hostkeys: { 'ssh-ed25519': 'ssh-ed25519 AAAA host' } });
  });

  it('keeps waiting through changes elsewhere (another key, another instance) and answers the unchanged content at timeout_sec', async () => {
    await setup();
    const path = `${V1}/instance/id`;
    const before = await etagOf(path);
    const started = Date.now();
    const pending = h.req(`${path}?wait_for_change=true&timeout_sec=1&last_etag=${before}`, { headers: FLAVOR });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    setMeta(h, 'i-0123456789abcdef0', { role: 'db' });
    setMeta(h, 'i-00000000000000002', { role: 'db' });
    // wake() runs inside publish: had the content changed, the request would no longer be held.
    expect(polls.size()).toBe(1);
    const res = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect([res.statusCode, res.headers['etag']]).toEqual([200, before]);
  });

  it('wakes only the waiting instance: another instance\'s change leaves it held', async () => {
    await setup();
    const pending = h.req(`${ATTRIBUTES}&wait_for_change=true&timeout_sec=1`, { headers: FLAVOR, remoteAddress: OTHER_IP });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    setMeta(h, 'i-0123456789abcdef0', { role: 'db' });
    expect(polls.size()).toBe(1);
    expect(JSON.parse((await pending).body)).toEqual({});
  });

  it('answers 404 when the instance is removed while its request is held', async () => {
    await setup();
    const pending = h.req(`${ATTRIBUTES}&wait_for_change=true`, { headers: FLAVOR });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    h.instances.deleteInstance('i-0123456789abcdef0');
    h.bus.publish({ type: 'instance.removed', at: h.clock.now(), instanceId: 'i-0123456789abcdef0' });
    expect((await pending).statusCode).toBe(404);
  });

  it('does not hold the server on close: app.close() answers held requests with their current content', async () => {
    await setup();
    const pending = h.req(`${ATTRIBUTES}&wait_for_change=true`, { headers: FLAVOR });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    await h.app.close();
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ role: 'web' });
    expect(polls.size()).toBe(0);
  });

  it('rejects a timeout_sec that is not a whole number of seconds with 400', async () => {
    await setup();
    for (const t of ['0', '-1', '1.5', 'soon']) {
      const res = await h.req(`${ATTRIBUTES}&wait_for_change=true&timeout_sec=${t}`, { headers: FLAVOR });
      expect(res.statusCode, t).toBe(400);
    }
  });
});

describe('GCE wait_for_change over real connections', () => {
  let h: Harness & { port: number };
  let polls: LongPollRegistry;
  afterEach(async () => h.app.close());

  /** A GET from 127.0.0.1 (the harness's guest has that address here); resolves with status and body, or 'gone'. */
  function get(path: string, onRequest?: (req: ReturnType<typeof httpRequest>) => void): Promise<{ status: number; body: string } | 'gone'> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: h.port, path, headers: FLAVOR }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve('gone') : reject(err)));
      req.end();
      onRequest?.(req);
    });
  }

  it('outlives the idle timeout of the connection (the hold has its own timer)', async () => {
    polls = new LongPollRegistry();
    h = await listeningHarness([fixtureInstance({ datasource: 'gce', ip: '127.0.0.1' })], { clouds: cloudsWatching(polls), limits: { idleTimeoutMs: 200 } });
    const res = await get(`${V1}/instance/id?wait_for_change=true&timeout_sec=1`);
    expect(res).toMatchObject({ status: 200, body: expect.stringMatching(/^\d{19}$/) });
  });

  it('releases the hold when the client goes away', async () => {
    polls = new LongPollRegistry();
    h = await listeningHarness([fixtureInstance({ datasource: 'gce', ip: '127.0.0.1' })], { clouds: cloudsWatching(polls) });
    let client: ReturnType<typeof httpRequest> | undefined;
    const outcome = get(`${V1}/instance/id?wait_for_change=true`, (req) => (client = req));
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    client?.destroy();
    expect(await outcome).toBe('gone');
    await vi.waitFor(() => expect(polls.size()).toBe(0));
  });
});

describe('GCE wait_for_change and the app\'s onRequest hooks (issue 14\'s fault rules are one)', () => {
  it('a hook that answers first answers a long-poll too; a hook that delays still lets it be held and woken', async () => {
    const polls = new LongPollRegistry();
    const instances = new TestInstanceStore(gceGuests());
    const bus = new EventBus();
    const app = buildMetadataApp({ instances, requestLog: new TestRequestLog(), bus, clock: new ManualClock(), tokenSecret: TOKEN_SECRET, clouds: cloudsWatching(polls) });
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.includes('fault=503')) return reply.code(503).send('injected');
      await new Promise((resolve) => setImmediate(resolve));
      return undefined;
    });
    await app.ready();
    try {
      const faulted = await app.inject({ url: `${ATTRIBUTES}&wait_for_change=true&fault=503`, headers: FLAVOR, remoteAddress: GUEST_IP });
      expect([faulted.statusCode, faulted.body, polls.size()]).toEqual([503, 'injected', 0]);
      const pending = app.inject({ url: `${ATTRIBUTES}&wait_for_change=true`, headers: FLAVOR, remoteAddress: GUEST_IP });
      await vi.waitFor(() => expect(polls.size()).toBe(1));
      const record = instances.getInstance('i-0123456789abcdef0') as InstanceRecord;
      instances.updateInstance({ ...record, meta: { changed: 'yes' } });
      bus.publish({ type: 'instance.metadata', at: 0, instanceId: record.id, keys: ['changed'], userData: false });
      expect(JSON.parse((await pending).body)).toMatchObject({ changed: 'yes' });
    } finally {
      await app.close();
    }
  });
});

describe('GCE wait_for_change woken by the controller\'s setMetadata (what `minicloud metadata set` calls)', () => {
  let dir = '';
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('answers the held request with the new attributes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mc-gce-'));
    const bus = new EventBus();
    const clock = new ManualClock();
    const instances = new TestInstanceStore();
    const controller = new Controller({
      cloudId: 'test',
      hypervisor: new TestHypervisor('test'),
      network: new TestNetwork(),
      networkConfig: { cloudId: 'test', bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataPort: 8775, egress: false, domain: 'minicloud', stateDir: join(dir, 'net') },
      instances,
      controllerStore: new MemoryControllerStore(),
      requestLog: new TestRequestLog(),
      strayGuests: new FakeStrayGuestFinder(),
      bus,
      clock,
      random: (n) => new Uint8Array(n).map((_, i) => i * 7),
      paths: { instancesDir: join(dir, 'instances') },
      accelerator: 'tcg',
      sshProbe: { probe: async () => false },
      resolveImage: () => ({ name: 'minicirros', path: '/images/minicirros/disk.qcow2', format: 'qcow2', kernel: null, sshUser: 'cirros' }),
      cloudKey: { name: 'minicloud', key: 'ssh-ed25519 AAAA test' },
      writeConfigDrive: async (record, isoPath) => writeFile(isoPath, `config-2 of ${record.id}`),
      writeProvisioningMedia: async () => {},
      reconcileIntervalMs: 3_600_000,
      watchIntervalMs: 3_600_000,
    });
    const polls = new LongPollRegistry();
    const app = buildMetadataApp({ instances, requestLog: new TestRequestLog(), bus, clock, tokenSecret: TOKEN_SECRET, clouds: cloudsWatching(polls) });
    await app.ready();
    try {
      const [launched] = controller.launch({ image: 'minicirros', name: 'g', count: 1, cpus: 1, memoryMiB: 256, diskBytes: null, datasource: 'gce', userData: [], meta: {}, sshKeys: [], ip: null, imdsv2: 'optional', removeOnExit: false });
      if (launched === undefined) throw new Error('nothing launched');
      const pending = app.inject({ url: `${ATTRIBUTES}&wait_for_change=true`, headers: FLAVOR, remoteAddress: launched.ip });
      await vi.waitFor(() => expect(polls.size()).toBe(1));
      controller.setMetadata('g', { meta: { 'startup-script': '#!/bin/sh\necho hi' } });
      const res = await pending;
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ 'startup-script': '#!/bin/sh\necho hi' });
    } finally {
      controller.stop();
      await app.close();
    }
  });
});
