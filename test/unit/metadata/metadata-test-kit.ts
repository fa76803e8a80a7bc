import { CLOUD_METADATA } from '../../../src/clouds/registry.js';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { MemoryInstanceStore } from '../../../src/adapters/store/memory-instance-store.js';
import { MemoryRequestLog } from '../../../src/adapters/store/memory-request-log.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { buildMetadataApp, type MetadataAppDeps } from '../../../src/metadata/build-metadata-app.js';
import { ManualClock } from '../../../src/ports/clock.js';

export const GUEST_IP = '10.254.254.10';
export const OTHER_IP = '10.254.254.11';
export const STRANGER_IP = '10.254.254.99';
/** The address of nocloudInstance(), the one instance of the default harness whose cloud is NoCloud. */
export const NOCLOUD_IP = '10.254.254.12';
export const TOKEN_SECRET = new Uint8Array(32).fill(7);

/** The fixture instance behind the golden files: every optional part present. */
export function fixtureInstance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id: 'i-0123456789abcdef0',
    uuid: '6f1c3a0e-2b7d-4c59-9a51-0d7e8f9a1b2c',
    name: 'web-1',
    hostname: 'web-1',
    mac: '52:54:00:12:34:56',
    ip: GUEST_IP,
    publicKeys: [{ name: 'mykey', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey' }],
    userData: new TextEncoder().encode('#cloud-config\nruncmd:\n  - echo hello\n'),
    meta: { role: 'web', tier: 'frontend' },
    datasource: 'openstack',
    imdsv2: 'optional',
    launchIndex: 0,
    instanceType: 'm1.small',
    imageId: 'ami-00000001',
    availabilityZone: 'nova',
    region: 'minicloud-1',
    reservationId: 'r-0123456789abcdef0',
    securityGroups: ['default'],
    iamRole: {
      name: 'minicloud-test-role',
      accessKeyId: 'ASIAMINICLOUDTEST000',
      secretAccessKey: 'minicloud/test/secret/access/key/0000000',
      token: 'minicloud-test-session-token',
      expiration: '2030-01-01T00:00:00Z',
    },
    vendorData: {},
    createdAt: 1_700_000_000_000,
    cloudEvents: [],
    ...overrides,
  };
}

/** A second instance, for isolation tests: nothing optional. */
export function bareInstance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({
    id: 'i-00000000000000002',
    uuid: '0a0b0c0d-0000-4000-8000-000000000002',
    name: 'bare',
    hostname: 'bare',
    mac: '52:54:00:00:00:02',
    ip: OTHER_IP,
    publicKeys: [],
    userData: null,
    meta: {},
    iamRole: null,
    createdAt: 1_700_000_001_000,
    ...overrides,
  });
}

/** The fixture instance as a NoCloud guest (its own address): only the /nocloud seed answers it. */
function nocloudInstance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000c', uuid: '0a0b0c0d-0000-4000-8000-00000000000c', name: 'seed', hostname: 'seed', mac: '52:54:00:00:00:0c', ip: NOCLOUD_IP, datasource: 'nocloud', ...overrides });
}

export interface Harness {
  app: FastifyInstance;
  instances: MemoryInstanceStore;
  requestLog: MemoryRequestLog;
  bus: EventBus;
  clock: ManualClock;
  events: MinicloudEvent[];
  /** GET (or the given method) from the fixture guest's address unless `remoteAddress` says otherwise. */
  req(url: string, opts?: Omit<InjectOptions, 'url'>): Promise<LightMyRequestResponse>;
}

export async function harness(
  instances: InstanceRecord[] = [fixtureInstance(), bareInstance(), nocloudInstance()],
  extra: Partial<MetadataAppDeps> = {},
): Promise<Harness> {
  const store = new MemoryInstanceStore(instances);
  const requestLog = new MemoryRequestLog();
  const bus = new EventBus();
  const clock = new ManualClock(Date.UTC(2025, 5, 1));
  const events: MinicloudEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const app = buildMetadataApp({ instances: store, requestLog, bus, clock, tokenSecret: TOKEN_SECRET, clouds: CLOUD_METADATA, ...extra });
  await app.ready();
  return {
    app,
    instances: store,
    requestLog,
    bus,
    clock,
    events,
    req: (url, opts = {}) => app.inject({ method: 'GET', remoteAddress: GUEST_IP, ...opts, url }),
  };
}

/** A harness whose app also listens on 127.0.0.1 (an ephemeral port), for tests that need real sockets. */
export async function listeningHarness(
  instances: InstanceRecord[] = [fixtureInstance(), bareInstance()],
  extra: Partial<MetadataAppDeps> = {},
): Promise<Harness & { port: number }> {
  const h = await harness(instances, extra);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...h, port: (h.app.server.address() as AddressInfo).port };
}
