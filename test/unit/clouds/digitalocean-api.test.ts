import { afterEach, describe, expect, it } from 'vitest';
import { domainXml } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { NO_NETWORK_NEEDS } from '../../../src/clouds/cloud-flavour.js';
import { dropletId } from '../../../src/clouds/digitalocean/digitalocean-identity.js';
import { cloudNamed } from '../../../src/clouds/registry.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { guestDmiFiles } from '../../helpers/guest-dmi.js';
import { sampleGuestSpec } from '../hypervisor/sample-guest-spec.js';
import { fixtureInstance, harness, type Harness } from '../metadata/metadata-test-kit.js';

const DO_IP = '10.254.254.60';
const BARE_DO_IP = '10.254.254.61';
const UC_IP = '10.254.254.62';
const KEYS = [
  { name: 'mykey', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey' },
  { name: 'other', key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDother other@minicloud' },
];
const VENDOR = '#cloud-config\n# vendor\tdata \n';

function droplet(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-00000000000000d60', uuid: '0a0b0c0d-0000-4000-8000-000000000d60', name: 'do-1', hostname: 'do-1', mac: '52:54:00:ab:cd:60', ip: DO_IP, datasource: 'digitalocean', publicKeys: KEYS, region: 'nyc3', vendorData: { 'cloud-init': VENDOR }, ...over });
}

function bareDroplet(): InstanceRecord {
  return droplet({ id: 'i-00000000000000d61', uuid: '0a0b0c0d-0000-4000-8000-000000000d61', name: 'do-2', hostname: 'do-2', mac: '52:54:00:ab:cd:61', ip: BARE_DO_IP, publicKeys: [], userData: null, vendorData: {} });
}

/** The SMBIOS a droplet gets, on both driver paths, and the DMI files the guest then reads. */
function identityGolden(): string {
  const spec = sampleGuestSpec('digitalocean');
  const argv = qemuArgv(spec);
  const smbios = argv.flatMap((arg, i) => (argv[i - 1] === '-smbios' ? [`-smbios ${arg}`] : []));
  const xml = domainXml(spec);
  const sysinfo = xml.slice(xml.indexOf('  <sysinfo'), xml.indexOf('</sysinfo>') + '</sysinfo>'.length);
  const dmi = guestDmiFiles(spec.smbios);
  const dmiLines = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'product_family', 'chassis_asset_tag'].map((f) => `${f}=${dmi[f] ?? '(absent)'}`);
  return ['# QEMU (qemu driver)', ...smbios, '# libvirt <sysinfo>', sysinfo, '# /sys/class/dmi/id in the guest', ...dmiLines, ''].join('\n');
}

describe('DigitalOcean identity and network', () => {
  it('vendor DigitalOcean, serial = the droplet id the metadata serves (golden: QEMU and libvirt)', async () => {
    const id = cloudNamed('digitalocean').identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(id.system.manufacturer).toBe('DigitalOcean');
    expect(id.system.serial).toBe(String(dropletId('i-0abc')));
    expect(id.system.serial).toMatch(/^[1-9]\d{8}$/);
    expect(id.system.uuid).toBe('5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b');
    expect(dropletId('i-0abc')).not.toBe(dropletId('i-0abd'));
    await expect(identityGolden()).toMatchFileSnapshot('../../../fixtures/clouds/digitalocean/identity.txt');
  });

  it('needs no more endpoints; its guests take no lease (link-local until cloud-init writes the static config)', () => {
    const digitalocean = cloudNamed('digitalocean');
    expect(digitalocean.network).toEqual(NO_NETWORK_NEEDS);
    expect(digitalocean.guestNetwork).toBe('link-local');
    expect(digitalocean.localIpv4).toEqual({ path: '/metadata/v1/interfaces/public/0/ipv4/address', headers: {} });
  });
});

describe('DigitalOcean metadata server', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, opts: { method?: 'GET' | 'HEAD' | 'POST'; remoteAddress?: string } = {}) => h.req(url, { remoteAddress: DO_IP, ...opts });

  it('/metadata/v1.json: droplet_id, hostname, the real MAC and static address on the /24, keys, region, dns, user- and vendor-data (golden)', async () => {
    const bytes = new TextEncoder().encode('#cloud-config\nruncmd:\n  - echo "ünïcødé"\t \n');
    h = await harness([droplet({ userData: bytes })]);
    const res = await get('/metadata/v1.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await expect(res.body).toMatchFileSnapshot('../../../fixtures/clouds/digitalocean/v1.json');
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    expect(doc).toMatchObject({
      droplet_id: dropletId('i-00000000000000d60'),
      hostname: 'do-1',
      public_keys: KEYS.map((k) => k.key),
      region: 'nyc3',
      interfaces: { public: [{ mac: '52:54:00:ab:cd:60', type: 'public', ipv4: { ip_address: DO_IP, netmask: '255.255.255.0', gateway: '10.254.254.1' } }] },
      dns: { nameservers: ['10.254.254.1'] },
      vendor_data: VENDOR,
      user_data: new TextDecoder().decode(bytes),
    });
    // cloud-init takes [0] of every interfaces list: none may be empty.
    expect(Object.keys(doc['interfaces'] as object)).toEqual(['public']);
  });

  it('leaves user_data and vendor_data out when the instance has none (cloud-init reads "none")', async () => {
    h = await harness([bareDroplet()]);
    const doc = JSON.parse((await get('/metadata/v1.json', { remoteAddress: BARE_DO_IP })).body) as Record<string, unknown>;
    expect(doc).not.toHaveProperty('user_data');
    expect(doc).not.toHaveProperty('vendor_data');
    expect(doc['public_keys']).toEqual([]);
    expect((await get('/metadata/v1/user-data', { remoteAddress: BARE_DO_IP })).statusCode).toBe(404);
  });

  it('the index tree under /metadata/v1/ in DigitalOcean\'s order, the same data, indexes 301 without their slash', async () => {
    const bytes = new Uint8Array([0x23, 0x21, 0x09, 0xff, 0x00, 0x0a]);
    h = await harness([droplet({ userData: bytes })]);
    const text = async (url: string): Promise<string> => {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      return res.body;
    };
    expect((await text('/metadata/v1/')).split('\n')).toEqual(['id', 'hostname', 'user-data', 'vendor-data', 'public-keys', 'region', 'interfaces/', 'dns/', 'floating_ip/', 'reserved_ip/', 'tags/', 'features/']);
    expect(await text('/metadata/v1')).toBe(await text('/metadata/v1/'));
    expect(await text('/metadata/v1/id')).toBe(String(dropletId('i-00000000000000d60')));
    expect(await text('/metadata/v1/hostname')).toBe('do-1');
    expect(await text('/metadata/v1/public-keys')).toBe(KEYS.map((k) => k.key).join('\n'));
    expect(await text('/metadata/v1/vendor-data')).toBe(VENDOR);
    expect(await text('/metadata/v1/interfaces/')).toBe('public/');
    expect(await text('/metadata/v1/interfaces/public/')).toBe('0/');
    expect(await text('/metadata/v1/interfaces/public/0/')).toBe('mac\ntype\nipv4/');
    expect(await text('/metadata/v1/interfaces/public/0/mac')).toBe('52:54:00:ab:cd:60');
    expect(await text('/metadata/v1/interfaces/public/0/ipv4/')).toBe('address\nnetmask\ngateway');
    expect(await text('/metadata/v1/interfaces/public/0/ipv4/address')).toBe(DO_IP);
    expect(await text('/metadata/v1/dns/nameservers')).toBe('10.254.254.1');
    expect(await text('/metadata/v1/floating_ip/ipv4/active')).toBe('false');
    expect(await text('/metadata/v1/features/dhcp_enabled')).toBe('false');
    const userData = await get('/metadata/v1/user-data');
    expect(userData.headers['content-type']).toBe('application/octet-stream');
    expect(new Uint8Array(userData.rawPayload)).toEqual(bytes);

    const moved = await get('/metadata/v1/interfaces/public/0?x=1');
    expect(moved.statusCode).toBe(301);
    expect(moved.headers['location']).toBe('/metadata/v1/interfaces/public/0/?x=1');
    for (const url of ['/metadata/v1/nothing', '/metadata/v1/id/x', '/metadata/v2.json', '/metadata/', '/latest/meta-data/']) expect((await get(url)).statusCode, url).toBe(404);
    expect((await get('/metadata/v1.json', { method: 'POST' })).statusCode).toBe(405);
  });

  it('answers only its own guests: an UpCloud guest asking /metadata/v1.json gets UpCloud\'s document', async () => {
    h = await harness([droplet(), fixtureInstance({ id: 'i-00000000000000d62', uuid: '0a0b0c0d-0000-4000-8000-000000000d62', name: 'uc', hostname: 'uc', mac: '52:54:00:ab:cd:62', ip: UC_IP, datasource: 'upcloud' })]);
    const upcloud = JSON.parse((await get('/metadata/v1.json', { remoteAddress: UC_IP })).body) as Record<string, unknown>;
    expect(upcloud['cloud_name']).toBe('upcloud');
    expect(upcloud).not.toHaveProperty('droplet_id');
    expect(JSON.parse((await get('/metadata/v1.json')).body)).toHaveProperty('droplet_id');
    await get('/metadata/v1/hostname');
    h.requestLog.flush();
    expect(h.requestLog.query({}).map((r) => [r.path, r.flavour])).toEqual([
      ['/metadata/v1.json', 'upcloud'],
      ['/metadata/v1.json', 'digitalocean'],
      ['/metadata/v1/hostname', 'digitalocean'],
    ]);
  });
});
