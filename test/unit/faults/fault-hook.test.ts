import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultBook } from '../../../src/core/fault-book.js';
import type { FaultRuleSpec } from '../../../src/core/fault-rule-spec.js';
import type { MetadataAppDeps } from '../../../src/metadata/build-metadata-app.js';
import { fixtureInstance, bareInstance, harness, STRANGER_IP, type Harness } from '../metadata/metadata-test-kit.js';
import { bodyOf, RawConnection, statusOf } from '../metadata/raw-connection.js';

// The fixture instance (web-1, an OpenStack guest, also served Nova's EC2 tree) at a loopback address of its own.
const GUEST = '127.0.0.21';
const ID = '/latest/meta-data/instance-id';

async function withRules(rules: FaultRuleSpec[], extra: Partial<MetadataAppDeps> = {}, listen = false): Promise<Harness & { faults: FaultBook; port: number }> {
  // The book needs the harness's clock and bus, and the harness needs the book: the closures read it once built.
  const built: { h?: Harness } = {};
  const faults = new FaultBook({ now: () => built.h?.clock.now() ?? 0, seed: () => 1, clouds: ['ec2', 'openstack', 'nocloud'], publish: (e) => built.h?.bus.publish(e) });
  const h = (built.h = await harness([fixtureInstance({ ip: GUEST }), bareInstance()], { faults, ...extra }));
  faults.addAll(rules);
  let port = 0;
  if (listen) {
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    port = (h.app.server.address() as AddressInfo).port;
  }
  return { ...h, faults, port, req: (url, opts = {}) => h.app.inject({ method: 'GET', remoteAddress: GUEST, ...opts, url }) };
}

/** A GET from GUEST over a real socket; resolves with the status or the socket error's code. */
function get(port: number, path: string, opts: { timeoutMs?: number } = {}): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, localAddress: GUEST, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    if (opts.timeoutMs !== undefined) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client gave up')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

/** Waits until the request log holds `n` records (they are appended when an answer ends, or a held request does). */
async function records(h: Harness, n: number, withinMs = 5000): Promise<ReturnType<Harness['requestLog']['query']>> {
  const deadline = Date.now() + withinMs;
  while (h.requestLog.query({}).length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} records, have ${JSON.stringify(h.requestLog.query({}))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return h.requestLog.query({});
}

describe('the fault hook: one onRequest step, after the gate and the instance lookup, before any handler', () => {
  let h: (Harness & { faults: FaultBook; port: number }) | undefined;
  afterEach(async () => {
    await h?.app.close();
    h = undefined;
  });

  it('status: answers the rule\'s status and body instead, for the next N requests, and the log names the rule', async () => {
    h = await withRules([{ path: '/latest/meta-data/**', status: 500, body: 'flaky', times: 3 }]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await h.req(ID));
    expect(answers.map((r) => [r.statusCode, r.body])).toEqual([[500, 'flaky'], [500, 'flaky'], [500, 'flaky'], [200, 'i-0123456789abcdef0']]);
    expect(answers[0]?.headers['content-type']).toBe('text/plain; charset=utf-8');
    const log = h.requestLog.query({});
    expect(log.map((r) => [r.status, r.fault, r.flavour, r.bytes])).toEqual([[500, 'f1', 'ec2', 5], [500, 'f1', 'ec2', 5], [500, 'f1', 'ec2', 5], [200, null, 'ec2', 19]]);
    expect(h.events.filter((e) => e.type === 'metadata.request').map((e) => e.type === 'metadata.request' && e.request.fault)).toEqual(['f1', 'f1', 'f1', null]);
    expect(h.faults.list()[0]).toMatchObject({ hits: 3, state: 'spent' });
  });

  it('status without a body answers an empty one; HEAD too', async () => {
    h = await withRules([{ path: '/**', status: 503 }]);
    const get = await h.req(ID);
    const head = await h.req(ID, { method: 'HEAD' });
    expect([get.statusCode, get.body, head.statusCode, head.body]).toEqual([503, '', 503, '']);
  });

  it('comes before the answer memo: a path already answered (and memoised) is faulted once a rule is added', async () => {
    h = await withRules([]);
    expect((await h.req(ID)).statusCode).toBe(200);
    expect((await h.req(ID)).statusCode).toBe(200);
    h.faults.add({ path: ID, status: 404 });
    expect((await h.req(ID)).statusCode).toBe(404);
  });

  it('leaves other instances, other paths, other methods and the request gate alone', async () => {
    h = await withRules([{ path: ID, method: 'GET', instance: 'web-1', status: 500 }]);
    expect((await h.req(ID, { remoteAddress: bareInstance().ip })).statusCode).toBe(200);
    expect((await h.req('/latest/meta-data/hostname')).statusCode).toBe(200);
    expect((await h.req(ID, { method: 'HEAD' })).statusCode).toBe(200);
    // An unknown source is refused by the gate before any rule; so is a malformed request.
    expect((await h.req(ID, { remoteAddress: STRANGER_IP })).statusCode).toBe(404);
    expect((await h.req(`/latest%2Fmeta-data%2Finstance-id`)).statusCode).toBe(404);
    expect(h.requestLog.query({}).map((r) => r.fault)).toEqual([null, null, null, null, null]);
    expect((await h.req(ID)).statusCode).toBe(500);
  });

  it('delay: waits, then gives the normal answer; the latency includes the wait', async () => {
    h = await withRules([{ path: ID, delay: '300ms', times: 1 }]);
    const started = performance.now();
    const r = await h.req(ID);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect([r.statusCode, r.body]).toEqual([200, 'i-0123456789abcdef0']);
    const [record] = h.requestLog.query({});
    expect(record).toMatchObject({ status: 200, fault: 'f1', flavour: 'ec2', bytes: 19 });
    expect(record?.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it('reset: the client sees ECONNRESET and no answer; recorded with status 0', async () => {
    h = await withRules([{ path: ID, reset: true }], {}, true);
    const port = (h.app.server.address() as AddressInfo).port;
    expect(await get(port, ID)).toEqual({ error: 'ECONNRESET' });
    const [record] = await records(h, 1);
    expect(record).toMatchObject({ status: 0, bytes: 0, fault: 'f1', method: 'GET', path: ID, sourceIp: GUEST, instanceId: 'i-0123456789abcdef0' });
    // Nothing else is recorded for it later (no onResponse for an answer that was never sent).
    expect((await get(port, '/latest/meta-data/hostname')).status).toBe(200);
    expect((await records(h, 2)).map((r) => [r.status, r.fault])).toEqual([[0, 'f1'], [200, null]]);
  });

  it('hang: holds the request past the idle timeout until the client gives up; recorded then with status 0 and the time held', async () => {
    h = await withRules([{ path: ID, hang: true }], { limits: { idleTimeoutMs: 200 } }, true);
    const port = (h.app.server.address() as AddressInfo).port;
    const started = performance.now();
    // The client's own timeout (1 s) is what ends it: node:http's idle timeout (200 ms) does not.
    expect(await get(port, ID, { timeoutMs: 1000 })).toEqual({ error: 'client gave up' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    const [record] = await records(h, 1);
    expect(record).toMatchObject({ status: 0, bytes: 0, fault: 'f1' });
    expect(record?.latencyMs).toBeGreaterThanOrEqual(990);
  });

  it('hang: closing the server cuts the held requests at once (no leak, no wait) and records them', async () => {
    h = await withRules([{ path: '/**', hang: true }], {}, true);
    const c = await RawConnection.open(h.port, GUEST);
    c.send(RawConnection.request('GET', ID));
    c.send(RawConnection.request('GET', '/latest/meta-data/hostname'));
    const c2 = await RawConnection.open(h.port, GUEST);
    c2.send(RawConnection.request('GET', '/openstack/latest/meta_data.json'));
    // All three are held: node:http hands a pipelined request to its handler as soon as it is parsed.
    while (h.faults.list()[0]?.hits !== 3) await new Promise((r) => setTimeout(r, 10));
    const started = performance.now();
    await h.app.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await Promise.all([c.closed, c2.closed]);
    const log = await records(h, 3, 2000);
    expect(log.map((r) => [r.path, r.status, r.fault]).sort()).toEqual([['/latest/meta-data/hostname', 0, 'f1'], [ID, 0, 'f1'], ['/openstack/latest/meta_data.json', 0, 'f1']]);
    h = undefined;
  });

  it('delay: closing the server answers the delayed requests at once, normally', async () => {
    h = await withRules([{ path: ID, delay: '60s' }], {}, true);
    const c = await RawConnection.open(h.port, GUEST);
    c.send(RawConnection.request('GET', ID));
    while (h.faults.list()[0]?.hits !== 1) await new Promise((r) => setTimeout(r, 10));
    const started = performance.now();
    const closing = h.app.close();
    const answer = await c.response();
    await closing;
    expect(performance.now() - started).toBeLessThan(1000);
    expect([statusOf(answer), bodyOf(answer)]).toEqual([200, 'i-0123456789abcdef0']);
    expect(h.requestLog.query({}).map((r) => [r.status, r.fault])).toEqual([[200, 'f1']]);
    h = undefined;
  });

  it('delay: a client that goes away during the wait gets nothing and is recorded with status 0', async () => {
    h = await withRules([{ path: ID, delay: '60s' }], {}, true);
    expect(await get(h.port, ID, { timeoutMs: 200 })).toEqual({ error: 'client gave up' });
    const [record] = await records(h, 1);
    expect(record).toMatchObject({ status: 0, fault: 'f1' });
  });
});
