import { afterEach, describe, expect, it } from 'vitest';
import { domainXml } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { NO_NETWORK_NEEDS } from '../../../src/clouds/cloud-flavour.js';
import { cloudNamed, CLOUD_NETWORK_NEEDS } from '../../../src/clouds/registry.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { guestPassword } from '../../../src/metadata/cloudstack/password-server.js';
import { guestDmiFiles } from '../../helpers/guest-dmi.js';
import { sampleGuestSpec } from '../hypervisor/sample-guest-spec.js';
import { fixtureInstance, harness, TOKEN_SECRET, type Harness } from '../metadata/metadata-test-kit.js';

const CS_IP = '10.254.254.40';
const EXO_IP = '10.254.254.41';
const KEYS = [
  { name: 'mykey', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey' },
  { name: 'other', key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDother other@minicloud' },
];

function cloudStackInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-00000000000000c50', uuid: '0a0b0c0d-0000-4000-8000-000000000c50', name: 'cs-1', hostname: 'cs-1', mac: '52:54:00:ab:cd:50', ip: CS_IP, datasource: 'cloudstack', publicKeys: KEYS, instanceType: 'Small Instance', availabilityZone: 'zone1', ...over });
}

/** The SMBIOS a CloudStack guest gets, on both driver paths, and the DMI files the guest then reads. */
function identityGolden(): string {
  const spec = sampleGuestSpec('cloudstack');
  const argv = qemuArgv(spec);
  const smbios = argv.flatMap((arg, i) => (argv[i - 1] === '-smbios' ? [`-smbios ${arg}`] : []));
  const xml = domainXml(spec);
  const sysinfo = xml.slice(xml.indexOf('  <sysinfo'), xml.indexOf('</sysinfo>') + '</sysinfo>'.length);
  const dmi = guestDmiFiles(spec.smbios);
  const dmiLines = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'chassis_asset_tag'].map((f) => `${f}=${dmi[f] ?? '(absent)'}`);
  return ['# QEMU (qemu driver)', ...smbios, '# libvirt <sysinfo>', sysinfo, '# /sys/class/dmi/id in the guest', ...dmiLines, ''].join('\n');
}

const SEND = { DomU_Request: 'send_my_password' };
const SAVED = { DomU_Request: 'saved_password' };

describe('CloudStack identity and network needs', () => {
  it('product CloudStack KVM Hypervisor (ds-identify globs CloudStack*), serial = uuid = instance uuid (golden: QEMU and libvirt)', async () => {
    const cloudstack = cloudNamed('cloudstack');
    const id = cloudstack.identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    const uuid = '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
    expect(id).toEqual({ system: { manufacturer: 'Apache Software Foundation', product: 'CloudStack KVM Hypervisor', serial: uuid, uuid } });
    expect(cloudstack.guestUuid('5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b')).toBe(uuid);
    await expect(identityGolden()).toMatchFileSnapshot('../../../fixtures/clouds/cloudstack/identity.txt');
  });

  it('asks the plane for ports 80 and 8080 and the name data-server on the bridge\'s own address (the virtual router), a DHCP guest', () => {
    const cloudstack = cloudNamed('cloudstack');
    expect(cloudstack.network).toEqual({ ...NO_NETWORK_NEEDS, gatewayPorts: [80, 8080], gatewayNames: ['data-server'] });
    expect(CLOUD_NETWORK_NEEDS.gatewayPorts).toEqual(expect.arrayContaining([80, 8080]));
    expect(CLOUD_NETWORK_NEEDS.gatewayNames).toContain('data-server');
    expect(cloudstack.guestNetwork).toBe('dhcp');
    expect(cloudstack.localIpv4).toEqual({ path: '/latest/meta-data/local-ipv4', headers: {} });
  });
});

describe('CloudStack metadata server (the virtual router)', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, opts: { headers?: Record<string, string>; method?: 'GET' | 'HEAD' | 'POST'; remoteAddress?: string } = {}) => h.req(url, { remoteAddress: CS_IP, ...opts });

  it('lists latest at /, and serves CloudStack\'s meta-data under /latest/ in its order, every name 200 (golden crawl)', async () => {
    h = await harness([cloudStackInstance()]);
    expect((await get('/')).body).toBe('latest');
    expect((await get('/latest/')).body).toBe('meta-data/\nuser-data');
    const listing = await get('/latest/meta-data/');
    const parts = [`/latest/meta-data/\n${listing.body}`];
    for (const name of listing.body.split('\n')) {
      const leaf = await get(`/latest/meta-data/${name}`);
      expect(leaf.statusCode, name).toBe(200);
      parts.push(`/latest/meta-data/${name}\n${leaf.body}`);
    }
    await expect(`${parts.join('\n\n')}\n`).toMatchFileSnapshot('../../../fixtures/clouds/cloudstack/latest-meta-data-crawl.txt');
    expect(listing.body.split('\n')).toEqual(['service-offering', 'availability-zone', 'local-ipv4', 'local-hostname', 'public-ipv4', 'public-hostname', 'instance-id', 'vm-id', 'public-keys', 'cloud-identifier']);
    expect((await get('/latest/meta-data/instance-id')).body).toBe(cloudStackInstance().uuid);
    expect((await get('/latest/meta-data/local-ipv4')).body).toBe(CS_IP);
    expect((await get('/latest/meta-data/availability-zone')).body).toBe('zone1');
    expect((await get('/latest/meta-data/public-keys')).body).toBe(KEYS.map((k) => k.key).join('\n'));
  });

  it('serves user-data byte for byte; 404 without; Exoscale\'s 1.0 and EC2\'s extras are not CloudStack\'s', async () => {
    const bytes = new Uint8Array([0x23, 0x21, 0x09, 0xff, 0x00, 0x0a]);
    h = await harness([cloudStackInstance({ userData: bytes }), cloudStackInstance({ id: 'i-00000000000000c51', uuid: '0a0b0c0d-0000-4000-8000-000000000c51', name: 'cs-2', hostname: 'cs-2', mac: '52:54:00:ab:cd:51', ip: EXO_IP, userData: null })]);
    const res = await get('/latest/user-data');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(new Uint8Array(res.rawPayload)).toEqual(bytes);
    expect((await get('/latest/user-data', { remoteAddress: EXO_IP })).statusCode).toBe(404);
    for (const url of ['/1.0/meta-data/instance-id', '/latest/meta-data/ami-id', '/2009-04-04/meta-data/instance-id', '/metadata/v1.json']) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });

  it('password server on the same server (8080 is DNATed to it): the password until saved_password, keyed by cloud, recorded', async () => {
    h = await harness([cloudStackInstance(), fixtureInstance({ id: 'i-00000000000000c52', ip: EXO_IP, mac: '52:54:00:ab:cd:52', datasource: 'exoscale' })]);
    const instance = cloudStackInstance();
    const password = guestPassword(TOKEN_SECRET, 'cloudstack', instance.id);
    // cloud-init's wget asks http://<router>:8080 (path /).
    expect((await get('/', { headers: SEND })).body).toBe(password);
    expect(password).not.toBe(guestPassword(TOKEN_SECRET, 'exoscale', instance.id));
    expect(h.instances.getPassword(instance.id)).toBeNull();
    expect((await get('/', { headers: SAVED })).body).toBe('saved_password');
    expect(h.instances.getPassword(instance.id)).toBe(password);
    expect((await get('/', { headers: SEND })).body).toBe('saved_password');
    // An Exoscale guest on the same server gets Exoscale's tree and its own password.
    expect((await get('/', { remoteAddress: EXO_IP })).body).toBe('1.0\nlatest');
    expect((await get('/1.0/', { remoteAddress: EXO_IP, headers: SEND })).body).toBe(guestPassword(TOKEN_SECRET, 'exoscale', 'i-00000000000000c52'));
    const bad = await get('/', { headers: { DomU_Request: 'bad_request' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/\[MC_ERR_PASSWORD_SERVER_REQUEST\]\n$/);
  });

  it('records its requests as the cloudstack API\'s', async () => {
    h = await harness([cloudStackInstance()]);
    await get('/latest/meta-data/instance-id');
    await get('/', { headers: SEND });
    h.requestLog.flush();
    expect(h.requestLog.query({}).map((r) => [r.path, r.status, r.flavour])).toEqual([
      ['/latest/meta-data/instance-id', 200, 'cloudstack'],
      ['/', 200, 'cloudstack'],
    ]);
  });
});
