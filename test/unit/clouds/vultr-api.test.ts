import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { fixtureInstance, GUEST_IP, harness, type Harness } from '../metadata/metadata-test-kit.js';

const VULTR_IP = '10.254.254.30';

/** The fixture instance as a Vultr guest (every optional part present). */
function vultrInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000b', uuid: '0A0B0C0D-0000-4000-8000-00000000000B', name: 'vultr-1', hostname: 'vultr-1', mac: '52:54:00:ab:cd:0b', ip: VULTR_IP, datasource: 'vultr', ...over });
}

describe('Vultr metadata API', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, headers: Record<string, string> = {}) => h.req(url, { remoteAddress: VULTR_IP, headers });

  it('serves /v1.json (golden): instance-v2-id, hostname, keys, user-data as text, the interface with the guest\'s real MAC', async () => {
    h = await harness([fixtureInstance(), vultrInstance()]);
    const res = await get('/v1.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // Served compact; the golden file holds it pretty-printed.
    expect(JSON.stringify(JSON.parse(res.body))).toBe(res.body);
    await expect(`${JSON.stringify(JSON.parse(res.body), null, 2)}\n`).toMatchFileSnapshot('../../../fixtures/clouds/vultr/v1.json');
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    const instance = vultrInstance();
    expect(doc).toMatchObject({
      'instance-v2-id': '0a0b0c0d-0000-4000-8000-00000000000b',
      instanceid: expect.stringMatching(/^[1-9]\d{7}$/) as unknown,
      hostname: 'vultr-1',
      'public-keys': instance.publicKeys.map((k) => k.key),
      region: { regioncode: instance.region },
      'user-data': new TextDecoder().decode(instance.userData ?? new Uint8Array()),
      'vendor-data': [],
      interfaces: [
        {
          mac: '52:54:00:ab:cd:0b',
          'network-type': 'public',
          ipv4: { address: VULTR_IP, gateway: '10.254.254.1', netmask: '255.255.255.0', additional: [] },
          ipv6: { additional: [], network: '', prefix: '' },
        },
      ],
    });
  });

  it('needs no header: the same answer with and without cloud-init\'s Metadata-Token and User-Agent', async () => {
    h = await harness([vultrInstance()]);
    const plain = await get('/v1.json');
    const asCloudInit = await get('/v1.json', { 'metadata-token': 'cloudinit', 'user-agent': 'Cloud-Init/22.4.2 - OS: Linux Variant: debian' });
    expect([plain.statusCode, asCloudInit.statusCode]).toEqual([200, 200]);
    expect(asCloudInit.body).toBe(plain.body);
    expect(h.requestLog.query({ limit: 10 }).map((r) => r.userAgent)).toContain('Cloud-Init/22.4.2 - OS: Linux Variant: debian');
  });

  it('serves /v1/… path by path: indexes list, values are plain text (local-ipv4 at /v1/interfaces/0/ipv4/address)', async () => {
    h = await harness([vultrInstance()]);
    const ip = await get('/v1/interfaces/0/ipv4/address');
    expect([ip.statusCode, ip.body, ip.headers['content-type']]).toEqual([200, VULTR_IP, 'text/plain']);
    expect((await get('/v1/')).body).toBe('bgp/\nhostname\ninstance-v2-id\ninstanceid\ninterfaces/\npublic-keys\nraid1-script\nregion/\nstartup-script\nuser-data\nuser-defined\nvendor-data');
    expect((await get('/v1')).body).toBe((await get('/v1/')).body);
    expect((await get('/v1/interfaces/')).body).toBe('0/');
    expect((await get('/v1/interfaces/0/')).body).toBe('ipv4/\nipv6/\nmac\nnetwork-type');
    expect((await get('/v1/interfaces/0/mac')).body).toBe('52:54:00:ab:cd:0b');
    expect((await get('/v1/hostname')).body).toBe('vultr-1');
    expect((await get('/v1/instance-v2-id')).body).toBe('0a0b0c0d-0000-4000-8000-00000000000b');
    expect((await get('/v1/region/regioncode')).body).toBe(vultrInstance().region);
    expect((await get('/v1/public-keys')).body).toBe(vultrInstance().publicKeys.map((k) => k.key).join('\n'));
    expect((await get('/v1/bgp/ipv4/my-asn')).body).toBe('');
    for (const path of ['/v1/interfaces/1', '/v1/nope', '/v1/hostname/x', '/v2.json', '/v1.json/x', '/latest/meta-data/', '/metadata/v1.json', '/opc/v2/instance/']) {
      expect((await get(path)).statusCode, path).toBe(404);
    }
  });

  it('serves the user-data byte for byte at /latest/user-data (404 without); v1.json carries it as text, [] when none', async () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x0a]);
    h = await harness([vultrInstance({ userData: bytes })]);
    const raw = await get('/latest/user-data');
    expect(raw.statusCode).toBe(200);
    expect(raw.rawPayload).toEqual(Buffer.from(bytes));
    expect((await get('/latest/')).body).toBe('user-data');
    await h.app.close();
    h = await harness([vultrInstance({ userData: null })]);
    expect((await get('/latest/user-data')).statusCode).toBe(404);
    expect((JSON.parse((await get('/v1.json')).body) as Record<string, unknown>)['user-data']).toEqual([]);
  });

  it('vendor-data is the instance\'s cloud-init vendor data when it has one', async () => {
    h = await harness([vultrInstance({ vendorData: { 'cloud-init': '#cloud-config\npackage_upgrade: false\n' } })]);
    expect((JSON.parse((await get('/v1.json')).body) as Record<string, unknown>)['vendor-data']).toBe('#cloud-config\npackage_upgrade: false\n');
  });

  it('the root answers 200 (cloud-init checks http://169.254.169.254 before its ephemeral DHCP) and lists the tree', async () => {
    h = await harness([vultrInstance()]);
    const root = await get('/');
    expect([root.statusCode, root.body]).toEqual([200, 'latest/\nv1/\nv1.json']);
  });

  it('takes GET and HEAD; another method is 405 with Allow, as Vultr documents', async () => {
    h = await harness([vultrInstance()]);
    const head = await h.req('/v1.json', { method: 'HEAD', remoteAddress: VULTR_IP });
    expect([head.statusCode, head.body]).toEqual([200, '']);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength((await get('/v1.json')).body));
    const post = await h.req('/v1.json', { method: 'POST', remoteAddress: VULTR_IP, payload: '{}' });
    expect(post.statusCode).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  it('answers only Vultr guests, and records their requests as vultr', async () => {
    h = await harness([fixtureInstance(), vultrInstance()]);
    expect((await h.req('/v1.json', { remoteAddress: GUEST_IP })).statusCode).toBe(404);
    expect((await get('/latest/meta-data/instance-id')).statusCode).toBe(404);
    await get('/v1.json');
    expect(h.requestLog.query({ limit: 10 }).find((r) => r.path === '/v1.json' && r.sourceIp === VULTR_IP)).toMatchObject({ flavour: 'vultr', status: 200 });
  });

  it('a change to the instance is served at once', async () => {
    h = await harness([vultrInstance()]);
    expect((await get('/v1/hostname')).body).toBe('vultr-1');
    h.instances.updateInstance(vultrInstance({ hostname: 'renamed' }));
    expect((await get('/v1/hostname')).body).toBe('renamed');
  });
});
