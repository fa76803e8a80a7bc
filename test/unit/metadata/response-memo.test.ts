import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';
import { ResponseMemo } from '../../../src/metadata/response-memo.js';
import { bareInstance, fixtureInstance, harness, type Harness } from './metadata-test-kit.js';
import { bodyOf, RawConnection, statusOf, withoutDate } from './raw-connection.js';

// Loopback addresses the client binds to, so the server sees distinct guests (Linux routes all of 127/8 to lo).
const V1_IP = '127.0.0.10';
const V2_ONLY_IP = '127.0.0.11';
const UNKNOWN_IP = '127.0.0.12';
const INSTANCE_ID = 'i-0123456789abcdef0';

/** Paths that are never memoised (their answers are not a function of instance + URL) — the contract. */
function isVolatile(path: string): boolean {
  return /^\/openstack\/?$/.test(path) || path.endsWith('/meta_data.json') || path.endsWith('/password');
}

interface Served {
  app: Harness;
  memo: ResponseMemo;
  port: number;
  records(): MetadataRequestRecord[];
  /** Requests that reached node:http (its 'request' event): the socket fast path answers below it. */
  httpRequests(): number;
}

async function serve(): Promise<Served> {
  const memo = new ResponseMemo();
  const h = await harness([fixtureInstance({ ip: V1_IP }), bareInstance({ ip: V2_ONLY_IP, imdsv2: 'required' })], { responseMemo: memo });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (h.app.server.address() as AddressInfo).port;
  let httpRequests = 0;
  h.app.server.on('request', () => httpRequests++);
  return { app: h, memo, port, records: () => h.requestLog.query({}), httpRequests: () => httpRequests };
}

describe('response memo (fast path)', () => {
  let s: Served;
  const connections: RawConnection[] = [];
  afterEach(async () => {
    for (const c of connections.splice(0)) c.close();
    await s.app.app.close();
  });

  async function open(ip: string): Promise<RawConnection> {
    const c = await RawConnection.open(s.port, ip);
    connections.push(c);
    return c;
  }

  /**
   * Asks `path` twice with `method` and checks the contract: a memoisable answer comes back from the memo
   * (hits + 1) byte-identical but for Date, and the log gets two records identical but for latency.
   * On these connections every request is simple (simple-request.ts), so a replay is written by the
   * socket fast path, below node:http: what it writes must be what node:http wrote the first time.
   * Returns the first response.
   */
  async function twice(c: RawConnection, method: 'GET' | 'HEAD', path: string, memoised: boolean): Promise<Buffer> {
    const first = await c.exchange(method, path);
    const hits = s.memo.hits;
    const viaHttp = s.httpRequests();
    const second = await c.exchange(method, path);
    expect(s.memo.hits - hits, `${method} ${path} from the memo`).toBe(memoised ? 1 : 0);
    expect(s.httpRequests() - viaHttp, `${method} ${path} through node:http`).toBe(memoised ? 0 : 1);
    const [a, b] = s.records().slice(-2);
    expect(b, `${method} ${path} recorded twice`).toBeDefined();
    if (memoised) {
      expect(withoutDate(second), `${method} ${path}`).toBe(withoutDate(first));
      expect(/\r\ndate: /i.test(second.toString('latin1'))).toBe(true);
      expect({ ...b, latencyMs: 0 }).toEqual({ ...a, latencyMs: 0 });
      expect(b?.latencyMs).toBeGreaterThanOrEqual(0);
    }
    return first;
  }

  /** GET and HEAD of one path; returns the GET body when it answered 200 (for the crawl to follow). */
  async function check(c: RawConnection, path: string): Promise<string | null> {
    const get = await twice(c, 'GET', path, !isVolatile(path));
    await twice(c, 'HEAD', path, !isVolatile(path));
    return statusOf(get) === 200 ? bodyOf(get) : null;
  }

  /** Crawls a listing tree: `x/` is a directory (also asked without the slash), `N=name` means `N/`. */
  async function crawl(c: RawConnection, dir: string, visited: string[]): Promise<void> {
    visited.push(dir);
    const listing = await check(c, dir);
    expect(listing, `${dir} answers 200`).not.toBeNull();
    if (dir.length > 1) await check(c, dir.slice(0, -1));
    for (const line of (listing ?? '').split('\n').filter((l) => l !== '')) {
      const key = /^(\d+)=/.exec(line);
      if (key !== null) await crawl(c, `${dir}${key[1]}/`, visited);
      else if (line.endsWith('/')) await crawl(c, `${dir}${line}`, visited);
      else {
        visited.push(`${dir}${line}`);
        expect(await check(c, `${dir}${line}`), `${dir}${line} answers 200`).not.toBeNull();
      }
    }
  }

  it('replays every path of the EC2, OpenStack and NoCloud trees byte for byte, GET and HEAD, and records each request alike', async () => {
    s = await serve();
    const c = await open(V1_IP);
    const visited: string[] = [];
    const versions = (await c.exchange('GET', '/')).toString('utf8').split('\r\n\r\n')[1]?.split('\n') ?? [];
    expect(versions).toContain('latest');
    await check(c, '/');
    for (const version of versions) await crawl(c, `/${version}/`, visited);
    // The OpenStack tree: the version listing is dated today, meta_data.json has a fresh seed: never memoised.
    const osVersions = bodyOf(await c.exchange('GET', '/openstack')).split('\n');
    await check(c, '/openstack');
    await check(c, '/openstack/');
    for (const version of osVersions) await crawl(c, `/openstack/${version}/`, visited);
    await crawl(c, `/nocloud/${INSTANCE_ID}/`, visited);
    // 404s of the trees, aliases the router folds together, and a query string: each its own memo key.
    for (const path of ['/latest/meta-data/nope', '/1999-01-01/meta-data/', '/openstack/latest/nope', '/openstack/1999-01-01/', `/nocloud/${INSTANCE_ID}/nope`, '/nocloud/i-someone-else/meta-data', '//latest//meta-data/instance-id', '/latest/meta-data/instance-id?x=1', '/latest/meta-data/../user-data']) {
      await twice(c, 'GET', path, true);
      await twice(c, 'HEAD', path, true);
    }
    expect(visited.length).toBeGreaterThan(200);
    // meta_data.json really differs between two answers (its random seed): replaying it would be wrong.
    const a = bodyOf(await c.exchange('GET', '/openstack/latest/meta_data.json'));
    const b = bodyOf(await c.exchange('GET', '/openstack/latest/meta_data.json'));
    expect(a).not.toBe(b);
  });

  it('forgets everything when the store revision moves, and refills from the new answers', async () => {
    s = await serve();
    const c = await open(V1_IP);
    await twice(c, 'GET', '/latest/meta-data/hostname', true);
    s.app.instances.updateInstance(fixtureInstance({ ip: V1_IP, hostname: 'renamed' }));
    const hits = s.memo.hits;
    const fresh = await c.exchange('GET', '/latest/meta-data/hostname');
    expect(s.memo.hits).toBe(hits);
    expect(bodyOf(fresh)).toBe('renamed');
    const replayed = await c.exchange('GET', '/latest/meta-data/hostname');
    expect(s.memo.hits).toBe(hits + 1);
    expect(bodyOf(replayed)).toBe('renamed');
    // Switching the instance to IMDSv2-required stops replays at once: the token-less GET is now a 401.
    s.app.instances.updateInstance(fixtureInstance({ ip: V1_IP, hostname: 'renamed', imdsv2: 'required' }));
    const refused = await c.exchange('GET', '/latest/meta-data/hostname');
    expect(statusOf(refused)).toBe(401);
    expect(s.memo.hits).toBe(hits + 1);
  });

  it('never memoises: IMDSv2-required instances, token-bearing or X-Forwarded-For requests, PUT/POST, unknown sources, 405s', async () => {
    s = await serve();
    const v2 = await open(V2_ONLY_IP);
    await twice(v2, 'GET', '/latest/meta-data/instance-id', false);
    expect(statusOf(await v2.exchange('GET', '/latest/meta-data/instance-id'))).toBe(401);
    const token = bodyOf(await v2.exchange('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' }));
    for (let i = 0; i < 2; i++) {
      const answered = await v2.exchange('GET', '/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': token });
      expect(statusOf(answered)).toBe(200);
    }
    expect(s.memo.sizeOf(V2_ONLY_IP)).toBe(0);

    const v1 = await open(V1_IP);
    const v1Token = bodyOf(await v1.exchange('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' }));
    await v1.exchange('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' });
    for (let i = 0; i < 2; i++) {
      await v1.exchange('GET', '/latest/meta-data/local-ipv4', { 'X-aws-ec2-metadata-token': v1Token });
      await v1.exchange('GET', '/latest/meta-data/local-ipv4', { 'X-Forwarded-For': '10.0.0.1' });
      await v1.exchange('POST', '/openstack/latest/password', { 'Content-Length': '0' });
      await v1.exchange('GET', '/openstack/latest/password');
      await v1.exchange('DELETE', '/latest/meta-data/instance-id');
      await v1.exchange('GET', '/latest/meta-data/instance-id', { 'Content-Length': '0' });
    }
    expect(s.memo.hits).toBe(0);
    expect(s.memo.sizeOf(V1_IP)).toBe(0);
    // The records say what the slow path saw: the token was used, the PUTs and POSTs were answered.
    const log = s.records();
    expect(log.filter((r) => r.sourceIp === V1_IP && r.tokenUsed && r.path === '/latest/meta-data/local-ipv4')).toHaveLength(2);

    const stranger = await open(UNKNOWN_IP);
    await twice(stranger, 'GET', '/latest/meta-data/instance-id', false);
    expect(statusOf(await stranger.exchange('GET', '/latest/meta-data/instance-id'))).toBe(404);
    expect(s.memo.sizeOf(UNKNOWN_IP)).toBe(0);
  });

  it('keeps answers per source: one guest never gets another guest’s memoised answer', async () => {
    s = await serve();
    s.app.instances.updateInstance(bareInstance({ ip: V2_ONLY_IP, imdsv2: 'optional' }));
    const one = await open(V1_IP);
    const two = await open(V2_ONLY_IP);
    await twice(one, 'GET', '/latest/meta-data/instance-id', true);
    const other = await two.exchange('GET', '/latest/meta-data/instance-id');
    expect(bodyOf(other)).toBe('i-00000000000000002');
  });
});

describe('ResponseMemo bounds', () => {
  const entry = { status: 200, headers: {}, body: Buffer.alloc(0), record: { instanceId: 'i-1', status: 200, bytes: 0, flavour: 'ec2' as const } };

  it('evicts the least recently used entry of a source, refuses other revisions and long URLs', () => {
    const memo = new ResponseMemo({ maxEntriesPerSource: 2, maxUrlLength: 10 });
    memo.sync(5);
    memo.remember(5, 'a', 'GET', '/1', entry);
    memo.remember(5, 'a', 'HEAD', '/1', entry);
    expect(memo.get('a', 'GET', '/1')).toBe(entry); // now most recently used
    memo.remember(5, 'a', 'GET', '/2', entry);
    expect(memo.get('a', 'HEAD', '/1')).toBeUndefined();
    expect(memo.get('a', 'GET', '/1')).toBe(entry);
    expect(memo.sizeOf('a')).toBe(2);
    memo.remember(4, 'a', 'GET', '/3', entry);
    memo.remember(5, 'a', 'GET', '/this-is-too-long', entry);
    expect(memo.get('a', 'GET', '/3')).toBeUndefined();
    expect(memo.get('a', 'GET', '/this-is-too-long')).toBeUndefined();
    memo.sync(6);
    expect(memo.sizeOf('a')).toBe(0);
  });
});
