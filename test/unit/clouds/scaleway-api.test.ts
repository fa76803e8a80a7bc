import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isPrivilegedSourcePort } from '../../../src/clouds/scaleway/privileged-port.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { fixtureInstance, harness, listeningHarness, type Harness } from '../metadata/metadata-test-kit.js';

const SCALEWAY_IP = '10.254.254.40';

function scalewayInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000d', uuid: '0A0B0C0D-0000-4000-8000-00000000000D', name: 'scw-1', hostname: 'scw-1', mac: '52:54:00:ab:cd:0d', ip: SCALEWAY_IP, datasource: 'scaleway', vendorData: { 'cloud-init': '#cloud-config\npackages: [htop]\n' }, ...over });
}

describe('Scaleway metadata API', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, opts: { method?: 'GET' | 'POST' | 'HEAD'; remoteAddress?: string } = {}) => h.req(url, { remoteAddress: SCALEWAY_IP, ...opts });

  it('serves /conf?format=json (golden): id, hostname, keys, private_ip null and the guest\'s address in public_ips, ipv6 null', async () => {
    h = await harness([fixtureInstance(), scalewayInstance()]);
    const res = await get('/conf?format=json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await expect(`${JSON.stringify(JSON.parse(res.body), null, 2)}\n`).toMatchFileSnapshot('../../../fixtures/clouds/scaleway/conf.json');
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    expect(doc).toMatchObject({
      id: '0a0b0c0d-0000-4000-8000-00000000000d',
      hostname: 'scw-1',
      ssh_public_keys: [{ key: scalewayInstance().publicKeys[0]?.key }],
      private_ip: null,
      ipv6: null,
      public_ips: [{ address: SCALEWAY_IP, netmask: '24', family: 'inet', gateway: '10.254.254.1' }],
      mac_address: '52:54:00:ab:cd:0d',
    });
  });

  it('serves /conf as shell variables, and a non-empty 200 at / (cloud-init 25.x probes it)', async () => {
    h = await harness([scalewayInstance()]);
    const text = await get('/conf');
    expect([text.statusCode, text.headers['content-type']]).toEqual([200, 'text/plain']);
    expect(text.body).toContain('ID=0a0b0c0d-0000-4000-8000-00000000000d\n');
    expect(text.body).toContain('HOSTNAME=scw-1\n');
    expect(text.body).toContain('SSH_PUBLIC_KEYS=1\n');
    expect(text.body).toContain(`SSH_PUBLIC_KEYS_0_KEY='${scalewayInstance().publicKeys[0]?.key ?? ''}'\n`);
    expect(text.body).toContain(`PUBLIC_IP_ADDRESS=${SCALEWAY_IP}\n`);
    const root = await get('/');
    expect([root.statusCode, root.body]).toEqual([200, 'conf\nuser_data\nvendor_data']);
  });

  it('refuses user and vendor data without a privileged source port: 403 with MC_ERR_SCALEWAY_PORT, and closes the connection', async () => {
    h = await harness([scalewayInstance()]);
    for (const path of ['/user_data', '/user_data/cloud-init', '/user_data?format=json', '/vendor_data/cloud-init', '/vendor_data']) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(403);
      expect(res.body, path).toContain('[MC_ERR_SCALEWAY_PORT]');
      expect(res.headers['connection'], path).toBe('close');
    }
    expect(h.requestLog.query({ limit: 10 }).map((r) => [r.status, r.flavour])).toContainEqual([403, 'scaleway']);
  });

  it('isPrivilegedSourcePort: 1-1023 only (no TCP peer is not privileged)', () => {
    expect([1, 2, 1023].map(isPrivilegedSourcePort)).toEqual([true, true, true]);
    expect([0, 1024, 40000, undefined].map(isPrivilegedSourcePort)).toEqual([false, false, false, false]);
  });

  it('over a real socket from an unprivileged port: 403, and the server closes the connection', async () => {
    const lh = await listeningHarness([scalewayInstance({ ip: '127.0.0.1' })]);
    h = lh;
    const { status, connection, localPort } = await new Promise<{ status: number; connection: string | undefined; localPort: number }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: lh.port, path: '/user_data/cloud-init', agent: false }, (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, localPort: req.socket?.localPort ?? 0 }));
      });
      req.once('error', reject);
      req.end();
    });
    expect(localPort).toBeGreaterThanOrEqual(1024);
    expect([status, connection]).toEqual([403, 'close']);
  });

  it('GET and HEAD only (405 otherwise); other paths 404; another cloud\'s guest gets none of it', async () => {
    h = await harness([fixtureInstance(), scalewayInstance()]);
    const post = await get('/conf?format=json', { method: 'POST' });
    expect([post.statusCode, post.headers['allow']]).toEqual([405, 'GET, HEAD']);
    for (const path of ['/conf/x', '/latest/meta-data/', '/v1.json', '/user-data']) expect((await get(path)).statusCode, path).toBe(404);
    expect((await get('/conf?format=json', { remoteAddress: fixtureInstance().ip })).statusCode).toBe(404);
  });
});
