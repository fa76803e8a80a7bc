import { afterEach, describe, expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { fixtureInstance, GUEST_IP, harness, type Harness } from '../metadata/metadata-test-kit.js';

const UPCLOUD_IP = '10.254.254.40';

/** The fixture instance as an UpCloud guest (every optional part present). */
function upcloudInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000f', uuid: '7a0b0c0d-0000-4000-8000-00000000000f', name: 'uc-1', hostname: 'uc-1', mac: '52:54:00:ab:cd:0f', ip: UPCLOUD_IP, datasource: 'upcloud', ...over });
}

const SERVER_UUID = '000b0c0d-0000-4000-8000-00000000000f';

describe('UpCloud metadata service', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, opts: { method?: 'GET' | 'HEAD' | 'POST' | 'PUT'; payload?: string } = {}) => h.req(url, { remoteAddress: UPCLOUD_IP, ...opts });

  it('serves /metadata/v1.json (golden): instance_id = the SMBIOS uuid, interface 1 with the guest\'s real MAC and address', async () => {
    h = await harness([upcloudInstance({ vendorData: { 'cloud-init': '#cloud-config\n{}' } })]);
    const res = await get('/metadata/v1.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await expect(`${res.body}\n`).toMatchFileSnapshot('../../../fixtures/clouds/upcloud/v1.json');
    const instance = upcloudInstance();
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['cloud_name', 'instance_id', 'hostname', 'platform', 'subplatform', 'public_keys', 'region', 'network', 'storage', 'tags', 'user_data', 'vendor_data']);
    expect(doc).toMatchObject({
      cloud_name: 'upcloud',
      instance_id: SERVER_UUID,
      hostname: 'uc-1',
      public_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey'],
      region: 'minicloud-1',
      user_data: '#cloud-config\nruncmd:\n  - echo hello\n',
      vendor_data: '#cloud-config\n{}',
      network: {
        interfaces: [
          {
            index: 1,
            mac: '52:54:00:ab:cd:0f',
            type: 'public',
            ip_addresses: [{ address: UPCLOUD_IP, dhcp: true, dns: ['10.254.254.1'], family: 'IPv4', floating: false, gateway: '10.254.254.1', network: '10.254.254.0/24' }],
          },
        ],
        dns: ['10.254.254.1'],
      },
    });
    expect(doc['instance_id']).toBe(cloudNamed('upcloud').identity({ instanceId: instance.id, instanceUuid: instance.uuid }).system.uuid);
    expect((doc['network'] as { interfaces: { network_id: string }[] }).interfaces[0]?.network_id).toMatch(/^03[0-9a-f]{6}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('serves the same data as a tree under /metadata/v1/, in UpCloud\'s order; interfaces and addresses from 1', async () => {
    h = await harness([upcloudInstance()]);
    const text = async (path: string) => {
      const res = await get(path);
      expect(res.statusCode, path).toBe(200);
      return res.body;
    };
    expect(await text('/metadata/v1/')).toBe(['cloud_name', 'instance_id', 'hostname', 'platform', 'subplatform', 'public_keys', 'region', 'network/', 'storage/', 'tags', 'user_data', 'vendor_data'].join('\n'));
    expect(await text('/metadata/v1')).toBe(await text('/metadata/v1/'));
    expect(await text('/metadata/v1/instance_id')).toBe(SERVER_UUID);
    expect(await text('/metadata/v1/hostname')).toBe('uc-1');
    expect(await text('/metadata/v1/region')).toBe('minicloud-1');
    expect(await text('/metadata/v1/network/')).toBe('interfaces/\ndns');
    expect(await text('/metadata/v1/network/interfaces/')).toBe('1/');
    expect(await text('/metadata/v1/network/interfaces/1/')).toBe('index\nip_addresses/\nmac\nnetwork_id\ntype');
    expect(await text('/metadata/v1/network/interfaces/1/mac')).toBe('52:54:00:ab:cd:0f');
    expect(await text('/metadata/v1/network/interfaces/1/ip_addresses/1/address')).toBe(UPCLOUD_IP);
    expect(await text('/metadata/v1/network/interfaces/1/ip_addresses/1/dhcp')).toBe('true');
    expect(await text('/metadata/v1/network/interfaces/1/ip_addresses/1/floating')).toBe('false');
    expect(await text('/metadata/v1/network/dns')).toBe('10.254.254.1');
    expect(await text('/metadata/v1/public_keys')).toBe('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey');
    expect(await text('/metadata/v1/tags')).toBe('');
    expect(await text('/metadata/v1/storage/disks')).toBe('');
    expect(await text('/metadata/v1/user_data')).toBe('#cloud-config\nruncmd:\n  - echo hello\n');
    // The first address is 1, as clients read it (not 0).
    expect((await get('/metadata/v1/network/interfaces/1/ip_addresses/0/address')).statusCode).toBe(404);
  });

  it('keeps user-data bytes that are not UTF-8 in the tree; the JSON string carries U+FFFD for them', async () => {
    const bytes = Uint8Array.from([0x23, 0x21, 0x0a, 0xff, 0xfe, 0x0a]);
    h = await harness([upcloudInstance({ userData: bytes })]);
    expect((await get('/metadata/v1/user_data')).rawPayload).toEqual(Buffer.from(bytes));
    expect((JSON.parse((await get('/metadata/v1.json')).body) as { user_data: string }).user_data).toBe('#!\n\ufffd\ufffd\n');
    await h.app.close();
    h = await harness([upcloudInstance({ userData: null, vendorData: {} })]);
    expect(JSON.parse((await get('/metadata/v1.json')).body)).toMatchObject({ user_data: '', vendor_data: '' });
  });

  it('answers HEAD like GET without a body, other methods 405 with Allow, unknown paths 404', async () => {
    h = await harness([upcloudInstance()]);
    const full = await get('/metadata/v1.json');
    const head = await get('/metadata/v1.json', { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(full.body)));
    for (const path of ['/metadata/v1.json', '/metadata/v1/', '/metadata/v1/hostname']) {
      const res = await get(path, { method: 'POST', payload: 'x' });
      expect(res.statusCode, path).toBe(405);
      expect(res.headers['allow'], path).toBe('GET, HEAD');
    }
    for (const path of ['/metadata', '/metadata/v2.json', '/metadata/v1/nope', '/metadata/v1/hostname/x', '/metadata/v1/network/interfaces/2/', '/metadata/v1/constructor', '/metadata/v2/']) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body, path).toContain('MC_ERR_METADATA_NOT_FOUND');
    }
  });

  it('answers only UpCloud guests, and an UpCloud guest only its own API; requests are recorded as upcloud', async () => {
    h = await harness([fixtureInstance({ datasource: 'ec2' }), upcloudInstance()]);
    expect((await h.req('/metadata/v1.json', { remoteAddress: GUEST_IP })).statusCode).toBe(404);
    expect((await get('/latest/meta-data/instance-id')).statusCode).toBe(404);
    await get('/metadata/v1/hostname');
    expect(h.requestLog.query({}).at(-1)).toMatchObject({ path: '/metadata/v1/hostname', status: 200, flavour: 'upcloud', instanceId: 'i-0000000000000000f' });
  });

  it('answers from the instance as it is now: a changed hostname shows on the next request', async () => {
    h = await harness([upcloudInstance()]);
    expect((await get('/metadata/v1/hostname')).body).toBe('uc-1');
    expect(JSON.parse((await get('/metadata/v1.json')).body)).toMatchObject({ hostname: 'uc-1' });
    h.instances.updateInstance(upcloudInstance({ hostname: 'renamed' }));
    expect((await get('/metadata/v1/hostname')).body).toBe('renamed');
    expect(JSON.parse((await get('/metadata/v1.json')).body)).toMatchObject({ hostname: 'renamed' });
  });
});

describe('UpCloud identity', () => {
  it('is vendor UpCloud with the server uuid (00…) that the metadata serves as instance_id', () => {
    const ids = { instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' };
    const cloud = cloudNamed('upcloud');
    expect(cloud.identity(ids)).toEqual({ system: { manufacturer: 'UpCloud', uuid: '001e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' } });
    expect(cloud.guestUuid(ids.instanceUuid)).toBe('001e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b');
  });
});
