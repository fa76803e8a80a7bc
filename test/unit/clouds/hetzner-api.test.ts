import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { hetznerServerId } from '../../../src/clouds/hetzner/hetzner-server-id.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { fixtureInstance, GUEST_IP, harness, type Harness } from '../metadata/metadata-test-kit.js';

const HETZNER_IP = '10.254.254.30';

/**
 * The fixture instance as a Hetzner guest (every optional part present). Its MAC, 52:54:00:12:34:56, is
 * all digits: the one YAML 1.1 reads as a sexagesimal integer unless it is quoted.
 */
function hetznerInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000e', uuid: '0a0b0c0d-0000-4000-8000-00000000000e', name: 'hcloud-1', hostname: 'hcloud-1', ip: HETZNER_IP, datasource: 'hetzner', ...over });
}

/** PyYAML's reading (YAML 1.1), which is what cloud-init applies to every Hetzner answer. */
const yaml11 = (text: string): unknown => parse(text, { version: '1.1' });

describe('Hetzner Cloud metadata service', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, opts: { method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'; payload?: string } = {}) => h.req(url, { remoteAddress: HETZNER_IP, ...opts });

  it('serves /hetzner/v1/metadata as YAML (golden), instance-id = the SMBIOS serial, the real MAC quoted', async () => {
    h = await harness([hetznerInstance({ vendorData: { 'cloud-init': '#cloud-config\npackage_upgrade: false\n' } })]);
    const res = await get('/hetzner/v1/metadata');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    await expect(res.body).toMatchFileSnapshot('../../../fixtures/clouds/hetzner/metadata.yaml');
    const instance = hetznerInstance();
    const serial = cloudNamed('hetzner').identity({ instanceId: instance.id, instanceUuid: instance.uuid }).system.serial;
    expect(res.body).toContain("mac_address: '52:54:00:12:34:56'");
    expect(yaml11(res.body)).toEqual({
      'availability-zone': 'nova',
      hostname: 'hcloud-1',
      'instance-id': Number(serial),
      'local-ipv4': '',
      'network-config': {
        config: [{ mac_address: '52:54:00:12:34:56', name: 'eth0', subnets: [{ dns_nameservers: ['10.254.254.1'], ipv4: true, type: 'dhcp' }], type: 'physical' }],
        version: 1,
      },
      'private-networks': [],
      'public-ipv4': HETZNER_IP,
      'public-keys': ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey'],
      region: 'minicloud-1',
      vendor_data: '#cloud-config\npackage_upgrade: false\n',
    });
  });

  it('serves each key at /hetzner/v1/metadata/<key>: scalars as plain text, lists as YAML', async () => {
    h = await harness([hetznerInstance()]);
    const text = async (key: string) => {
      const res = await get(`/hetzner/v1/metadata/${key}`);
      expect(res.statusCode, key).toBe(200);
      return res.body;
    };
    expect(await text('instance-id')).toBe(String(hetznerServerId('i-0000000000000000e')));
    expect(await text('hostname')).toBe('hcloud-1');
    expect(await text('public-ipv4')).toBe(HETZNER_IP);
    expect(await text('local-ipv4')).toBe('');
    expect(await text('availability-zone')).toBe('nova');
    expect(await text('region')).toBe('minicloud-1');
    expect(yaml11(await text('public-keys'))).toEqual(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey']);
    // 25.x treats an empty body as "no answer yet": the empty list is the two bytes `[]`.
    expect(await text('private-networks')).toBe('[]\n');
    expect(yaml11(await text('network-config'))).toMatchObject({ version: 1, config: [{ mac_address: '52:54:00:12:34:56' }] });
    // No vendor data: no key, as the datasource reads it with md.get().
    expect((await get('/hetzner/v1/metadata/vendor_data')).statusCode).toBe(404);
  });

  it('serves user-data byte for byte, and an empty or missing one as 204 (an empty 200 stalls 25.x for 120 s)', async () => {
    const bytes = Uint8Array.from([0x23, 0x21, 0x2f, 0x62, 0x69, 0x6e, 0x2f, 0x73, 0x68, 0x0a, 0xff, 0x00, 0xc3, 0xbc, 0x0a]);
    h = await harness([hetznerInstance({ userData: bytes })]);
    const res = await get('/hetzner/v1/userdata');
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload).toEqual(Buffer.from(bytes));
    await h.app.close();
    for (const userData of [null, new Uint8Array(0)]) {
      h = await harness([hetznerInstance({ userData })]);
      const none = await get('/hetzner/v1/userdata');
      expect(none.statusCode).toBe(204);
      expect(none.body).toBe('');
      await h.app.close();
    }
    h = await harness([hetznerInstance()]);
  });

  it('answers HEAD like GET without a body, other methods 405 with Allow, unknown paths 404', async () => {
    h = await harness([hetznerInstance()]);
    const full = await get('/hetzner/v1/metadata');
    const head = await get('/hetzner/v1/metadata', { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(full.body)));
    for (const path of ['/hetzner/v1/metadata', '/hetzner/v1/metadata/hostname', '/hetzner/v1/userdata']) {
      const res = await get(path, { method: 'POST', payload: 'x' });
      expect(res.statusCode, path).toBe(405);
      expect(res.headers['allow'], path).toBe('GET, HEAD');
    }
    for (const path of ['/hetzner', '/hetzner/v1', '/hetzner/v2/metadata', '/hetzner/v1/metadata/nope', '/hetzner/v1/metadata/hostname/x', '/hetzner/v1/userdata/x', '/hetzner/v1/metadata/constructor']) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body, path).toContain('MC_ERR_METADATA_NOT_FOUND');
    }
    // Duplicate and trailing slashes name the same key, as the other APIs here.
    expect((await get('/hetzner//v1/metadata/hostname/')).body).toBe('hcloud-1');
  });

  it('answers only Hetzner guests, and a Hetzner guest only its own API; requests are recorded as hetzner', async () => {
    h = await harness([fixtureInstance({ datasource: 'ec2', mac: '52:54:00:00:00:01' }), hetznerInstance()]);
    expect((await h.req('/hetzner/v1/metadata', { remoteAddress: GUEST_IP })).statusCode).toBe(404);
    expect((await get('/latest/meta-data/instance-id')).statusCode).toBe(404);
    expect((await get('/openstack/latest/meta_data.json')).statusCode).toBe(404);
    await get('/hetzner/v1/metadata/hostname');
    const log = h.requestLog.query({});
    expect(log.at(-1)).toMatchObject({ path: '/hetzner/v1/metadata/hostname', status: 200, flavour: 'hetzner', instanceId: 'i-0000000000000000e' });
  });

  it('answers from the instance as it is now: a changed hostname shows on the next request', async () => {
    h = await harness([hetznerInstance()]);
    expect((await get('/hetzner/v1/metadata/hostname')).body).toBe('hcloud-1');
    h.instances.updateInstance(hetznerInstance({ hostname: 'renamed' }));
    expect((await get('/hetzner/v1/metadata/hostname')).body).toBe('renamed');
    expect(yaml11((await get('/hetzner/v1/metadata')).body)).toMatchObject({ hostname: 'renamed' });
  });
});

describe('Hetzner identity', () => {
  const ids = { instanceId: 'i-0123456789abcdef0', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' };

  it('is vendor Hetzner (exact case), serial = the numeric server id, product vServer', () => {
    expect(cloudNamed('hetzner').identity(ids)).toEqual({
      system: {
        manufacturer: 'Hetzner',
        product: 'vServer',
        serial: String(hetznerServerId(ids.instanceId)),
        uuid: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
        family: 'Hetzner_vServer',
      },
    });
  });

  it('derives an 8-digit server id, stable for an instance and different between instances', () => {
    const a = hetznerServerId('i-0123456789abcdef0');
    expect(String(a)).toMatch(/^[1-9]\d{7}$/);
    expect(hetznerServerId('i-0123456789abcdef0')).toBe(a);
    expect(hetznerServerId('i-0123456789abcdef1')).not.toBe(a);
  });
});
