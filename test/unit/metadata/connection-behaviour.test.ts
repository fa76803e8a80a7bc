import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetadataAppDeps } from '../../../src/metadata/build-metadata-app.js';
import { fixtureInstance, harness, type Harness } from './metadata-test-kit.js';
import { bodyOf, headerOf, RawConnection, statusOf } from './raw-connection.js';

// The client binds to this loopback address, so the server sees the fixture guest.
const GUEST = '127.0.0.20';
const ID = '/latest/meta-data/instance-id';
const HOSTNAME = '/latest/meta-data/hostname';

interface Served {
  h: Harness;
  port: number;
}

async function serve(extra: Partial<MetadataAppDeps> = {}): Promise<Served> {
  const h = await harness([fixtureInstance({ ip: GUEST })], extra);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return { h, port: (h.app.server.address() as AddressInfo).port };
}

/** HTTP/1.1 over real loopback sockets: what node:http and fastify do with the connections guests open. */
describe('connections (keep-alive, pipelining, closing)', () => {
  let s: Served | undefined;
  const connections: RawConnection[] = [];
  afterEach(async () => {
    for (const c of connections.splice(0)) c.close();
    await s?.h.app.close();
    s = undefined;
  });
  async function open(served: Served): Promise<RawConnection> {
    const c = await RawConnection.open(served.port, GUEST);
    connections.push(c);
    return c;
  }

  it('answers pipelined requests in order, tokens and bodies included, and records them in that order', async () => {
    s = await serve();
    const c = await open(s);
    const token = RawConnection.request('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' });
    const password = `${RawConnection.request('POST', '/openstack/latest/password', { 'Content-Length': '6' })}secret`;
    c.send([RawConnection.request('GET', ID), token, RawConnection.request('GET', HOSTNAME), password, RawConnection.request('GET', '/latest/meta-data/local-ipv4')].join(''));
    expect(bodyOf(await c.response())).toBe('i-0123456789abcdef0');
    const put = await c.response();
    expect(headerOf(put, 'x-aws-ec2-metadata-token-ttl-seconds')).toBe('60');
    expect(bodyOf(await c.response())).toBe('web-1');
    expect(statusOf(await c.response())).toBe(200);
    expect(bodyOf(await c.response())).toBe(GUEST);
    // node:http runs pipelined requests' handlers as they are parsed (only the answers are kept in order),
    // so a read that depends on a pipelined write is asked once that write is answered.
    expect(bodyOf(await c.exchange('GET', '/openstack/latest/password'))).toBe('secret');
    const used = await c.exchange('GET', ID, { 'X-aws-ec2-metadata-token': bodyOf(put) });
    expect(statusOf(used)).toBe(200);
    const log = s.h.requestLog.query({});
    expect(log.map((r) => [r.method, r.path, r.status, r.userAgent, r.sourceIp, r.tokenUsed])).toEqual([
      ['GET', ID, 200, 'raw-test/1', GUEST, false],
      ['PUT', '/latest/api/token', 200, 'raw-test/1', GUEST, false],
      ['GET', HOSTNAME, 200, 'raw-test/1', GUEST, false],
      ['POST', '/openstack/latest/password', 200, 'raw-test/1', GUEST, false],
      ['GET', '/latest/meta-data/local-ipv4', 200, 'raw-test/1', GUEST, false],
      ['GET', '/openstack/latest/password', 200, 'raw-test/1', GUEST, false],
      ['GET', ID, 200, 'raw-test/1', GUEST, true],
    ]);
  });

  it('waits for the rest of a request that arrives in pieces', async () => {
    s = await serve();
    const c = await open(s);
    const request = RawConnection.request('GET', ID);
    c.send(request.slice(0, 10));
    // Nothing can be answered before the head is complete; send the rest once the server has read the first piece.
    await new Promise<void>((ok) => setImmediate(ok));
    c.send(request.slice(10));
    expect(bodyOf(await c.response())).toBe('i-0123456789abcdef0');
    expect(bodyOf(await c.exchange('GET', HOSTNAME))).toBe('web-1');
  });

  it('closes after answering Connection: close and HTTP/1.0; keeps HTTP/1.1 alive with a Keep-Alive timeout', async () => {
    s = await serve();
    const alive = await open(s);
    const kept = await alive.exchange('GET', ID);
    expect(headerOf(kept, 'connection')).toBe('keep-alive');
    expect(headerOf(kept, 'keep-alive')).toBe('timeout=5');

    const close = await open(s);
    const closing = await close.exchange('GET', ID, { Connection: 'close' });
    expect(headerOf(closing, 'connection')).toBe('close');
    await close.closed;

    const old = await open(s);
    old.send(`GET ${ID} HTTP/1.0\r\nHost: x\r\n\r\n`);
    const answer = await old.response();
    expect(answer.toString('latin1').startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(headerOf(answer, 'connection')).toBe('close');
    await old.closed;
  });

  it('ends a half-closed connection once it has answered, and closes idle ones after the keep-alive timeout', async () => {
    s = await serve({ limits: { keepAliveTimeoutMs: 300 } });
    const half = await open(s);
    half.send(RawConnection.request('GET', ID));
    half.end();
    expect(bodyOf(await half.response())).toBe('i-0123456789abcdef0');
    await half.closed;

    const idle = await open(s);
    expect(headerOf(await idle.exchange('GET', ID), 'keep-alive')).toBe('timeout=0');
    const started = Date.now();
    await idle.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('closes a connection that sends nothing within the idle timeout (fastify connectionTimeout)', async () => {
    s = await serve({ limits: { idleTimeoutMs: 300 } });
    const silent = await open(s);
    const started = Date.now();
    await silent.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(s.h.requestLog.query({})).toEqual([]);
  });

  it('lets the server close while keep-alive connections are open and idle', async () => {
    const served = await serve();
    const c = await open(served);
    await c.exchange('GET', ID);
    const started = Date.now();
    await served.h.app.close();
    await c.closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers every one of 20 000 pipelined requests from a client that sends them all before reading', async () => {
    s = await serve();
    const c = await open(s);
    const count = 20_000;
    c.send(RawConnection.request('GET', ID).repeat(count));
    for (let i = 0; i < count; i++) expect(statusOf(await c.response())).toBe(200);
    expect(s.h.requestLog.query({ instanceId: 'i-0123456789abcdef0' })).toHaveLength(count);
  });
});
