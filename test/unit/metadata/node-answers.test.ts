import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstance, listeningHarness, type Harness } from './metadata-test-kit.js';
import { bodyOf, RawConnection, rawExchange, statusOf } from './raw-connection.js';

const ID = '/latest/meta-data/instance-id';
const INSTANCE = 'i-0123456789abcdef0';

/**
 * Answers node:http (or fastify) used to write by itself, around the hooks: each must be answered
 * with a catalogue code and recorded in the request log like every other answer.
 */
describe('answers node:http writes itself are in the request log', () => {
  let h: (Harness & { port: number }) | undefined;
  afterEach(async () => {
    await h?.app.close();
    h = undefined;
  });
  const serve = async (limits = {}) => (h = await listeningHarness([fixtureInstance({ ip: '127.0.0.1' })], { limits }));

  it('an HTTP/1.1 request without Host: 400, coded and recorded', async () => {
    const s = await serve();
    const answer = await rawExchange(s.port, `GET ${ID} HTTP/1.1\r\nUser-Agent: no-host/1\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('[MC_ERR_METADATA_BAD_REQUEST]');
    expect(s.requestLog.query({})).toEqual([expect.objectContaining({ method: 'GET', path: ID, status: 400, userAgent: 'no-host/1', instanceId: INSTANCE, flavour: null })]);
    // HTTP/1.0 needs no Host.
    expect(await rawExchange(s.port, `GET ${ID} HTTP/1.0\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('an Expect the server cannot meet: 417, coded and recorded; 100-continue still works', async () => {
    const s = await serve();
    const answer = await rawExchange(s.port, `GET ${ID} HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 417 /);
    expect(answer).toContain('[MC_ERR_METADATA_EXPECTATION]');
    const c = await RawConnection.open(s.port, '127.0.0.1');
    c.send(`POST /openstack/latest/password HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 6\r\n\r\n`);
    expect(statusOf(await c.response())).toBe(100);
    c.send('secret');
    expect(statusOf(await c.response())).toBe(200);
    expect(bodyOf(await c.exchange('GET', '/openstack/latest/password'))).toBe('secret');
    c.close();
    expect(s.requestLog.query({}).map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', ID, 417],
      ['POST', '/openstack/latest/password', 200],
      ['GET', '/openstack/latest/password', 200],
    ]);
  });

  it('CONNECT (which node:http would drop without a word): 400, coded and recorded, then the connection is closed', async () => {
    const s = await serve();
    const answer = await rawExchange(s.port, 'CONNECT 169.254.169.254:80 HTTP/1.1\r\nHost: 169.254.169.254:80\r\n\r\n', { endAfterMs: 5_000 });
    expect(answer).toMatch(/^HTTP\/1\.1 400 [\s\S]*[Cc]onnection: close[\s\S]*\[MC_ERR_METADATA_BAD_REQUEST\]/);
    expect(s.requestLog.query({})).toEqual([expect.objectContaining({ method: 'CONNECT', path: '169.254.169.254:80', status: 400, instanceId: INSTANCE, flavour: null })]);
  });

  it('requests node:http rejects before parsing them (bad request line, headers too large, too slow) are answered with a code and recorded', async () => {
    const s = await serve({ requestTimeoutMs: 300 });
    const garbage = await rawExchange(s.port, 'BLAH\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\[MC_ERR_METADATA_BAD_REQUEST\]/);
    const big = await rawExchange(s.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 [\s\S]*\[MC_ERR_METADATA_HEADERS_TOO_LARGE\]/);
    const slow = await rawExchange(s.port, `GET ${ID} HTTP/1.1\r\nHost: x\r\n`, { endAfterMs: 5_000 });
    expect(slow).toMatch(/^HTTP\/1\.1 408 [\s\S]*\[MC_ERR_METADATA_REQUEST_TIMEOUT\]/);
    // Not parsed, so neither method nor path is known: both are recorded as '-'.
    expect(s.requestLog.query({}).map((r) => [r.method, r.path, r.status, r.instanceId, r.sourceIp, r.flavour])).toEqual([
      ['-', '-', 400, INSTANCE, '127.0.0.1', null],
      ['-', '-', 431, INSTANCE, '127.0.0.1', null],
      ['-', '-', 408, INSTANCE, '127.0.0.1', null],
    ]);
    const published = s.events.filter((e) => e.type === 'metadata.request');
    expect(published).toHaveLength(3);
  });

  it('a request that arrives while the server closes is answered (Connection: close) and recorded', async () => {
    const s = await serve();
    const serverSide: Socket[] = [];
    s.app.server.on('connection', (socket: Socket) => serverSide.push(socket));
    const c = await RawConnection.open(s.port, '127.0.0.1');
    const request = RawConnection.request('GET', ID);
    // Half a request: the connection is busy, so closing the server waits for it.
    c.send(request.slice(0, 20));
    while ((serverSide[0]?.bytesRead ?? 0) < 20) await new Promise<void>((ok) => setImmediate(ok));
    const closed = s.app.close();
    c.send(request.slice(20));
    const answer = await c.response();
    expect(statusOf(answer)).toBe(200);
    expect(bodyOf(answer)).toBe(INSTANCE);
    await closed;
    h = undefined;
    expect(s.requestLog.query({}).map((r) => [r.path, r.status])).toEqual([[ID, 200]]);
  });
});
