import { CLOUD_METADATA } from '../../../src/clouds/registry.js';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryInstanceStore } from '../../../src/adapters/store/memory-instance-store.js';
import { MemoryRequestLog } from '../../../src/adapters/store/memory-request-log.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { buildMetadataApp } from '../../../src/metadata/build-metadata-app.js';
import { ManualClock } from '../../../src/ports/clock.js';
import { fixtureInstance, GUEST_IP, harness, NOCLOUD_IP, TOKEN_SECRET, type Harness } from './metadata-test-kit.js';
import { rawExchange } from './raw-connection.js';

describe('bad input', () => {
  let h: Harness;
  afterEach(async () => h.app.close());

  it('answers 405 with Allow to methods a path does not take', async () => {
    h = await harness();
    for (const [method, url, allow] of [
      ['POST', '/latest/meta-data/instance-id', 'GET, HEAD'],
      ['DELETE', '/', 'GET, HEAD'],
      ['PATCH', '/openstack', 'GET, HEAD'],
      ['PUT', '/nocloud/i-0000000000000000c/meta-data', 'GET, HEAD'],
      ['OPTIONS', '/latest/user-data', 'GET, HEAD'],
    ] as const) {
      const res = await h.req(url, { method, remoteAddress: url.startsWith('/nocloud') ? NOCLOUD_IP : GUEST_IP });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers['allow']).toBe(allow);
      expect(res.body).toContain('MC_ERR_METADATA_METHOD');
    }
  });

  it('answers 400 to malformed percent-encoding and 413 to oversized bodies, in plain text', async () => {
    h = await harness();
    const bad = await h.req('/latest/meta-data/%zz');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(bad.body).toContain('MC_ERR_METADATA_BAD_REQUEST');
    const big = await h.req('/latest/meta-data/', { method: 'POST', payload: Buffer.alloc(64 * 1024, 1) });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('MC_ERR_METADATA_BODY_TOO_LARGE');
    // Percent-encoding that decodes to invalid UTF-8 is malformed too.
    expect((await h.req('/latest/meta-data/%ff%c3%28')).statusCode).toBe(400);
    expect((await h.req('/latest/meta-data/%00')).statusCode).toBe(404);
    const long = await h.req(`/latest/meta-data/${'a'.repeat(5000)}`);
    expect(long.statusCode).toBe(404);
    expect(long.body.length).toBeLessThan(400);
  });

  it('never leaks 5xx details to the guest; the event stream gets them', async () => {
    h = await harness();
    h.instances.getInstanceByIp = () => {
      throw new Error('secret database detail');
    };
    h.instances.updateInstance(fixtureInstance({ hostname: 'bump-revision' }));
    const res = await h.req('/latest/meta-data/instance-id');
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('internal error in the metadata server [MC_ERR_METADATA_INTERNAL]\n');
    const notice = h.events.find((e) => e.type === 'notice');
    expect(notice).toMatchObject({ level: 'error', code: 'MC_ERR_METADATA_INTERNAL' });
    expect(notice?.type === 'notice' && notice.message).toContain('secret database detail');
  });

  it('refuses a token secret shorter than 32 bytes', () => {
    const deps = { instances: new MemoryInstanceStore(), requestLog: new MemoryRequestLog(), bus: new EventBus(), clock: new ManualClock(), clouds: CLOUD_METADATA };
    expect(() => buildMetadataApp({ ...deps, tokenSecret: new Uint8Array(16) })).toThrow(/MC_ERR|at least 32/);
  });

  describe('over a real socket', () => {
    async function listening(limits = {}) {
      const store = new MemoryInstanceStore([fixtureInstance({ ip: '127.0.0.1' })]);
      const app = buildMetadataApp({ instances: store, requestLog: new MemoryRequestLog(), bus: new EventBus(), clock: new ManualClock(), tokenSecret: TOKEN_SECRET, limits, clouds: CLOUD_METADATA });
      await app.listen({ host: '127.0.0.1', port: 0 });
      return { app, port: (app.server.address() as AddressInfo).port };
    }

    it('never lets literal or encoded .. escape the tree', async () => {
      const { app, port } = await listening();
      h = { app } as Harness;
      for (const path of ['/latest/meta-data/../meta-data/instance-id', '/latest/meta-data/%2e%2e/meta-data', '/latest/meta-data/.%2E/', '/openstack/latest/../latest/meta_data.json', '/latest/meta-data/%2F..%2F']) {
        const answer = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(answer, path).toMatch(/^HTTP\/1\.1 404 /);
      }
      const ok = await rawExchange(port, 'GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(ok).toMatch(/^HTTP\/1\.1 200 [\s\S]*\r\n\r\ni-0123456789abcdef0$/);
    });

    it('answers garbage and oversized headers with a plain 4xx and stays up', async () => {
      const { app, port } = await listening();
      h = { app } as Harness;
      expect(await rawExchange(port, 'BLAH\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*text\/plain/);
      expect(await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
      expect(await rawExchange(port, 'GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
    });

    it('times out a client that never finishes its request', async () => {
      const { app, port } = await listening({ requestTimeoutMs: 300 });
      h = { app } as Harness;
      const started = Date.now();
      const answer = await rawExchange(port, 'GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\n', { endAfterMs: 5_000 });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(Date.now() - started).toBeLessThan(4_000);
    });
  });
});
