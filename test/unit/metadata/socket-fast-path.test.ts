import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetadataAppDeps } from '../../../src/metadata/build-metadata-app.js';
import { ResponseMemo } from '../../../src/metadata/response-memo.js';
import { fixtureInstance, harness, type Harness } from './metadata-test-kit.js';
import { bodyOf, headerOf, RawConnection, statusOf, withoutDate } from './raw-connection.js';

// The client binds to this loopback address, so the server sees the fixture guest.
const GUEST = '127.0.0.20';
const ID = '/latest/meta-data/instance-id';
const HOSTNAME = '/latest/meta-data/hostname';

interface Served {
  h: Harness;
  memo: ResponseMemo;
  port: number;
  /** Requests that reached node:http; the socket fast path answers below it. */
  httpRequests(): number;
}

async function serve(extra: Partial<MetadataAppDeps> = {}): Promise<Served> {
  const memo = new ResponseMemo();
  const h = await harness([fixtureInstance({ ip: GUEST })], { responseMemo: memo, ...extra });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  let httpRequests = 0;
  h.app.server.on('request', () => httpRequests++);
  return { h, memo, port: (h.app.server.address() as AddressInfo).port, httpRequests: () => httpRequests };
}

describe('socket fast path (memoised answers below node:http)', () => {
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
  /** Fills the memo for `paths` over a throwaway connection. */
  async function warm(served: Served, ...paths: string[]): Promise<void> {
    const c = await open(served);
    for (const path of paths) await c.exchange('GET', path);
    c.close();
  }

  it('answers pipelined requests in order, passing the ones it cannot answer to node:http one at a time', async () => {
    s = await serve();
    await warm(s, ID);
    const c = await open(s);
    const before = s.httpRequests();
    // hit, miss (node:http answers; fills the memo), hit, miss again via a different alias, hit of the fresh entry.
    c.send([ID, HOSTNAME, ID, '/latest/meta-data/local-ipv4', HOSTNAME].map((p) => RawConnection.request('GET', p)).join(''));
    const bodies = [];
    for (let i = 0; i < 5; i++) bodies.push(bodyOf(await c.response()));
    expect(bodies).toEqual(['i-0123456789abcdef0', 'web-1', 'i-0123456789abcdef0', GUEST, 'web-1']);
    expect(s.httpRequests() - before).toBe(2);
    // The connection is still the fast path's: another hit does not reach node:http.
    expect(bodyOf(await c.exchange('GET', ID))).toBe('i-0123456789abcdef0');
    expect(s.httpRequests() - before).toBe(2);
    // Every request is in the log, in order, with the same fields either way.
    const log = s.h.requestLog.query({}).slice(-6);
    expect(log.map((r) => [r.path, r.status, r.userAgent, r.sourceIp])).toEqual(
      [ID, HOSTNAME, ID, '/latest/meta-data/local-ipv4', HOSTNAME, ID].map((p) => [p, 200, 'memo-test/1', GUEST]),
    );
  });

  it('hands the rest of a connection to node:http at the first request that is not simple, answers before it kept in order', async () => {
    s = await serve();
    await warm(s, ID);
    const c = await open(s);
    const token = RawConnection.request('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' });
    c.send(RawConnection.request('GET', ID) + token + RawConnection.request('GET', ID));
    expect(statusOf(await c.response())).toBe(200);
    const put = await c.response();
    expect(statusOf(put)).toBe(200);
    expect(headerOf(put, 'x-aws-ec2-metadata-token-ttl-seconds')).toBe('60');
    expect(bodyOf(await c.response())).toBe('i-0123456789abcdef0');
    // node:http owns the connection now: tokens, bodies and hits all work there.
    const before = s.httpRequests();
    const used = await c.exchange('GET', ID, { 'X-aws-ec2-metadata-token': bodyOf(put) });
    expect(statusOf(used)).toBe(200);
    c.send(`${RawConnection.request('POST', '/openstack/latest/password', { 'Content-Length': '6' })}secret`);
    expect(statusOf(await c.response())).toBe(200);
    expect(bodyOf(await c.exchange('GET', '/openstack/latest/password'))).toBe('secret');
    expect(bodyOf(await c.exchange('GET', ID))).toBe('i-0123456789abcdef0');
    expect(s.httpRequests() - before).toBe(4);
  });

  it('passes a request that arrives in pieces to node:http, which waits for the rest', async () => {
    s = await serve();
    await warm(s, ID);
    const c = await open(s);
    const request = RawConnection.request('GET', ID);
    c.send(request.slice(0, 10));
    await new Promise((ok) => setTimeout(ok, 50));
    c.send(request.slice(10));
    expect(bodyOf(await c.response())).toBe('i-0123456789abcdef0');
    expect(bodyOf(await c.exchange('GET', HOSTNAME))).toBe('web-1');
  });

  it('leaves requests node:http answers differently to node:http: Connection: close, HTTP/1.0, no Host', async () => {
    s = await serve();
    await warm(s, ID);
    const close = await open(s);
    const closing = await close.exchange('GET', ID, { Connection: 'close' });
    expect(headerOf(closing, 'connection')).toBe('close');
    await close.closed;

    const old = await open(s);
    old.send(`GET ${ID} HTTP/1.0\r\nHost: x\r\n\r\n`);
    const answer = await old.response();
    expect(answer.toString('latin1').startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(headerOf(answer, 'connection')).toBe('close');

    const hostless = await open(s);
    hostless.send(`GET ${ID} HTTP/1.1\r\n\r\n`);
    expect(statusOf(await hostless.response())).toBe(400);
  });

  it('writes the same bytes as node:http for a hit (all but Date)', async () => {
    s = await serve();
    const c = await open(s);
    const viaHttp = await c.exchange('GET', ID);
    const viaSocket = await c.exchange('GET', ID);
    expect(withoutDate(viaSocket)).toBe(withoutDate(viaHttp));
    expect(headerOf(viaSocket, 'date')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(headerOf(viaSocket, 'keep-alive')).toBe('timeout=5');
  });

  it('ends a half-closed connection once it has answered, and closes idle ones after the keep-alive timeout', async () => {
    s = await serve({ limits: { keepAliveTimeoutMs: 300 } });
    await warm(s, ID);
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

  it('lets the server close while fast-path connections are open and idle', async () => {
    const served = await serve();
    await warm(served, ID);
    const c = await open(served);
    await c.exchange('GET', ID);
    const started = Date.now();
    await served.h.app.close();
    await c.closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops reading a client that sends without reading, and answers everything once it reads', async () => {
    s = await serve();
    await warm(s, ID);
    const c = await open(s);
    const count = 20_000;
    c.send(RawConnection.request('GET', ID).repeat(count));
    for (let i = 0; i < count; i++) expect(statusOf(await c.response())).toBe(200);
    expect(s.h.requestLog.query({ instanceId: 'i-0123456789abcdef0' }).length).toBeGreaterThanOrEqual(count);
  });
});
