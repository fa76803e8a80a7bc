import { afterEach, describe, expect, it } from 'vitest';
import { domainXml } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { AZURE_CHASSIS_ASSET_TAG, byteSwapUuid } from '../../../src/clouds/azure/azure-identity.js';
import { goalStateIds, goalStateXml, parseHealthReport } from '../../../src/clouds/azure/wireserver-documents.js';
import { cloudNamed } from '../../../src/clouds/registry.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { guestDmiFiles } from '../../helpers/guest-dmi.js';
import { sampleGuestSpec } from '../hypervisor/sample-guest-spec.js';
import { fixtureInstance, harness, type Harness } from '../metadata/metadata-test-kit.js';

const AZURE_IP = '10.254.254.45';
const IMDS = { Metadata: 'true' };
const WIRE = { 'x-ms-agent-name': 'WALinuxAgent', 'x-ms-version': '2012-11-30' };

function azureInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000a', uuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b', name: 'az-1', hostname: 'az-1', mac: '52:54:00:ab:cd:45', ip: AZURE_IP, datasource: 'azure', imageId: 'ami-debiancloud', ...over });
}

/** cloud-init's health report, as GoalStateHealthReporter builds it (25.3's template). */
function healthReport(ids: { incarnation: string; containerId: string; roleInstanceId: string }, state: string, details = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<Health xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n  <GoalStateIncarnation>${ids.incarnation}</GoalStateIncarnation>\n  <Container>\n    <ContainerId>${ids.containerId}</ContainerId>\n    <RoleInstanceList>\n      <Role>\n        <InstanceId>${ids.roleInstanceId}</InstanceId>\n        <Health>\n          <State>${state}</State>\n          ${details}\n        </Health>\n      </Role>\n    </RoleInstanceList>\n  </Container>\n</Health>\n`;
}

describe('Azure identity', () => {
  it('carries the chassis asset tag; the SMBIOS uuid is the vmId byte-swapped, as on a generation-1 VM (golden)', async () => {
    const id = cloudNamed('azure').identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(id.chassis?.asset).toBe(AZURE_CHASSIS_ASSET_TAG);
    // Python: uuid.UUID(bytes=uuid.UUID('5d1e2f3a-…').bytes_le)
    expect(id.system.uuid).toBe('3a2f1e5d-5d4c-6f4e-8a9b-0c1d2e3f4a5b');
    expect(byteSwapUuid(id.system.uuid ?? '')).toBe('5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b');
    const spec = sampleGuestSpec('azure');
    const argv = qemuArgv(spec);
    const xml = domainXml(spec);
    const dmi = guestDmiFiles(spec.smbios);
    const golden = [
      '# QEMU (qemu driver)',
      ...argv.flatMap((arg, i) => (argv[i - 1] === '-smbios' ? [`-smbios ${arg}`] : [])),
      '# libvirt <sysinfo>',
      xml.slice(xml.indexOf('  <sysinfo'), xml.indexOf('</sysinfo>') + '</sysinfo>'.length),
      '# /sys/class/dmi/id in the guest',
      ...['sys_vendor', 'product_name', 'product_version', 'product_uuid', 'chassis_vendor', 'chassis_asset_tag'].map((f) => `${f}=${dmi[f] ?? '(absent)'}`),
      '',
    ].join('\n');
    await expect(golden).toMatchFileSnapshot('../../../fixtures/clouds/azure/identity.txt');
  });
});

describe('Azure IMDS', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, headers: Record<string, string> = IMDS, method: 'GET' | 'POST' = 'GET') => h.req(url, { remoteAddress: AZURE_IP, headers, method });

  it('serves /metadata/instance as cloud-init asks it (golden): the VM, its admin user and keys, user-data base64, the real MAC without colons', async () => {
    h = await harness([azureInstance()]);
    const res = await get('/metadata/instance?api-version=2021-08-01&extended=true');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body) as { compute: Record<string, unknown>; network: unknown; extended: unknown };
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('../../../fixtures/clouds/azure/instance-2021-08-01-extended.json');
    expect(doc.compute).toMatchObject({
      vmId: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      name: 'az-1',
      location: 'minicloud-1',
      vmSize: 'm1.small',
      osProfile: { adminUsername: 'debian', computerName: 'az-1', disablePasswordAuthentication: 'true' },
      publicKeys: [{ keyData: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey', path: '/home/debian/.ssh/authorized_keys' }],
      userData: Buffer.from('#cloud-config\nruncmd:\n  - echo hello\n').toString('base64'),
      customData: '',
    });
    expect(doc.network).toEqual({
      interface: [{ ipv4: { ipAddress: [{ privateIpAddress: AZURE_IP, publicIpAddress: '' }], subnet: [{ address: '10.254.254.0', prefix: '24' }] }, ipv6: { ipAddress: [] }, macAddress: '525400ABCD45' }],
    });
    expect(doc.extended).toEqual({ compute: { ppsType: 'None' } });
  });

  it('the fallback version 2019-06-01 has no extended part; sub-paths and leaves (format=text) answer from the same document', async () => {
    h = await harness([azureInstance({ meta: { adminUsername: 'azureuser' }, userData: null })]);
    const plain = JSON.parse((await get('/metadata/instance?api-version=2019-06-01&extended=true')).body) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['compute', 'network']);
    expect((await get('/metadata/instance/compute/osProfile/adminUsername?api-version=2021-08-01&format=text')).body).toBe('azureuser');
    expect((await get('/metadata/instance/compute/userData?api-version=2021-08-01&format=text')).body).toBe('');
    expect((await get('/metadata/instance/network/interface/0/macAddress?api-version=2021-08-01&format=text')).body).toBe('525400ABCD45');
    expect(JSON.parse((await get('/metadata/instance/network?api-version=2019-06-01')).body)).toEqual(plain['network']);
    expect(JSON.parse((await get('/metadata/instance/compute?api-version=2021-08-01')).body)).toEqual(plain['compute']);
    expect((await get('/metadata/instance/compute?api-version=2021-08-01&format=text')).statusCode).toBe(400);
    expect((await get('/metadata/instance/compute/nothing?api-version=2021-08-01')).statusCode).toBe(404);
    const local = cloudNamed('azure').localIpv4;
    expect((await get(local?.path ?? '', local?.headers ?? {})).body).toBe(AZURE_IP);
  });

  it('refuses as Azure does: 400 without `Metadata: true`, without or with an unknown api-version, or through a proxy', async () => {
    h = await harness([azureInstance()]);
    expect((await get('/metadata/instance?api-version=2021-08-01', {})).statusCode).toBe(400);
    expect((await get('/metadata/instance?api-version=2021-08-01', { Metadata: 'false' })).statusCode).toBe(400);
    expect((await get('/metadata/instance')).statusCode).toBe(400);
    const unknown = await get('/metadata/instance?api-version=2099-01-01');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('MC_ERR_AZURE_API_VERSION_INVALID');
    expect((await get('/metadata/instance?api-version=2021-08-01', { ...IMDS, 'X-Forwarded-For': '10.0.0.1' })).statusCode).toBe(400);
    expect((await get('/metadata/instance?api-version=2021-08-01', IMDS, 'POST')).statusCode).toBe(405);
    expect(JSON.parse((await get('/metadata/versions')).body)).toMatchObject({ apiVersions: expect.arrayContaining(['2019-06-01', '2021-08-01']) as unknown });
  });

  it('hands the VM identity a test token for the resource asked, and lists no scheduled events', async () => {
    h = await harness([azureInstance()]);
    const token = JSON.parse((await get('/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/')).body) as Record<string, string>;
    expect(token).toMatchObject({ resource: 'https://management.azure.com/', token_type: 'Bearer', expires_in: '86400', client_id: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(token['access_token']?.split('.')).toHaveLength(3);
    expect(Number(token['expires_on']) - Number(token['not_before'])).toBe(86_400);
    expect((await get('/metadata/identity/oauth2/token?api-version=2018-02-01')).statusCode).toBe(400);
    expect(JSON.parse((await get('/metadata/scheduledevents?api-version=2020-07-01')).body)).toEqual({ DocumentIncarnation: 0, Events: [] });
  });

  it('answers only Azure guests: another cloud\'s guest gets no IMDS', async () => {
    h = await harness([azureInstance(), fixtureInstance()]);
    const other = await h.req('/metadata/instance?api-version=2021-08-01', { headers: IMDS });
    expect(other.statusCode).toBe(404);
  });
});

describe('Azure wireserver', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const wire = (url: string, opts: { method?: 'GET' | 'POST'; headers?: Record<string, string>; payload?: string } = {}) =>
    h.req(url, { remoteAddress: AZURE_IP, method: opts.method ?? 'GET', headers: opts.headers ?? WIRE, ...(opts.payload === undefined ? {} : { payload: opts.payload }) });

  it('serves the versions and the goal state (golden): incarnation, container id, role instance id, no certificates', async () => {
    h = await harness([azureInstance()]);
    const versions = await wire('/?comp=versions', { headers: {} });
    expect(versions.statusCode).toBe(200);
    expect(versions.body).toContain('<Preferred>');
    const goal = await wire('/machine/?comp=goalstate');
    expect(goal.statusCode).toBe(200);
    expect(goal.headers['content-type']).toMatch(/^text\/xml/);
    await expect(goal.body).toMatchFileSnapshot('../../../fixtures/clouds/azure/goalstate.xml');
    expect(goal.body).not.toContain('Certificates');
    const ids = goalStateIds(azureInstance());
    expect(goal.body).toContain(`<ContainerId>${ids.containerId}</ContainerId>`);
    expect(goal.body).toContain(`<InstanceId>${ids.roleInstanceId}</InstanceId>`);
    expect(goal.body).toBe(goalStateXml(ids));
    expect((await wire('/machine?comp=goalstate')).statusCode).toBe(200);
    expect((await wire('/machine/?comp=goalstate', { headers: {} })).statusCode).toBe(400);
  });

  it('records the ready report and answers 200 with no body; a failure report is published as not-ready with its words', async () => {
    h = await harness([azureInstance()]);
    const ids = goalStateIds(azureInstance());
    const headers = { ...WIRE, 'Content-Type': 'text/xml; charset=utf-8' };
    const ready = await wire('/machine?comp=health', { method: 'POST', headers, payload: healthReport(ids, 'Ready') });
    expect(ready.statusCode).toBe(200);
    expect(ready.body).toBe('');
    const failed = await wire('/machine?comp=health', { method: 'POST', headers, payload: healthReport(ids, 'NotReady', '<Details>\n  <SubStatus>ProvisioningFailed</SubStatus>\n  <Description>result=error|reason=dhcp &amp; more</Description>\n</Details>') });
    expect(failed.statusCode).toBe(200);
    const reported = h.events.filter((e) => e.type === 'instance.reported');
    expect(reported).toEqual([
      { type: 'instance.reported', at: h.clock.now(), instanceId: 'i-0000000000000000a', state: 'ready', detail: null },
      { type: 'instance.reported', at: h.clock.now(), instanceId: 'i-0000000000000000a', state: 'not-ready', detail: 'NotReady: ProvisioningFailed: result=error|reason=dhcp & more' },
    ]);
    const logged = h.requestLog.query({ limit: 10 }).filter((r) => r.path === '/machine?comp=health');
    expect(logged.map((r) => [r.method, r.status, r.flavour])).toEqual([['POST', 200, 'azure-wireserver'], ['POST', 200, 'azure-wireserver']]);
    expect((await wire('/machine?comp=health', { method: 'POST', headers, payload: '<nothing/>' })).statusCode).toBe(400);
    expect((await wire('/machine?comp=health')).statusCode).toBe(405);
    expect((await wire('/machine?comp=telemetrydata', { method: 'POST', headers, payload: '<TelemetryData/>' })).statusCode).toBe(200);
    expect((await wire('/machine?comp=bogus')).statusCode).toBe(400);
  });

  it('parses the health document by element', () => {
    expect(parseHealthReport(healthReport({ incarnation: '1', containerId: 'c', roleInstanceId: 'r' }, 'Ready'))).toEqual({ incarnation: '1', containerId: 'c', roleInstanceId: 'r', state: 'Ready', substatus: null, description: null });
    expect(parseHealthReport('<Health></Health>')).toBeNull();
  });
});
