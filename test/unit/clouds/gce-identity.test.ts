import { NO_NETWORK_NEEDS } from '../../../src/clouds/cloud-flavour.js';
import { describe, expect, it } from 'vitest';
import { domainXml } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { gceHostname, gceInstanceId, gceProject, gceZone } from '../../../src/clouds/gce/gce-ids.js';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { guestDmiFiles } from '../../helpers/guest-dmi.js';
import { sampleGuestSpec } from '../hypervisor/sample-guest-spec.js';
import { fixtureInstance } from '../metadata/metadata-test-kit.js';

/** The SMBIOS a GCE guest gets, on both driver paths, and the DMI files the guest then reads. */
function identityGolden(): string {
  const spec = sampleGuestSpec('gce');
  const argv = qemuArgv(spec);
  const smbios = argv.flatMap((arg, i) => (argv[i - 1] === '-smbios' ? [`-smbios ${arg}`] : []));
  const xml = domainXml(spec);
  const sysinfo = xml.slice(xml.indexOf('  <sysinfo'), xml.indexOf('</sysinfo>') + '</sysinfo>'.length);
  const dmi = guestDmiFiles(spec.smbios);
  const dmiLines = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'board_vendor', 'board_name', 'board_serial', 'chassis_vendor'].map((f) => `${f}=${dmi[f] ?? '(absent)'}`);
  return ['# QEMU (qemu driver)', ...smbios, '# libvirt <sysinfo>', sysinfo, '# /sys/class/dmi/id in the guest', ...dmiLines, ''].join('\n');
}

describe('GCE identity', () => {
  it('is Google Compute Engine with a GoogleCloud- serial made of the instance uuid (golden: QEMU and libvirt)', async () => {
    const id = cloudNamed('gce').identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(id).toEqual({
      system: { manufacturer: 'Google', product: 'Google Compute Engine', serial: 'GoogleCloud-5D1E2F3A4C5D4E6F8A9B0C1D2E3F4A5B', uuid: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' },
      baseBoard: { manufacturer: 'Google', product: 'Google Compute Engine', serial: 'Board-GoogleCloud-5D1E2F3A4C5D4E6F8A9B0C1D2E3F4A5B' },
      chassis: { manufacturer: 'Google' },
    });
    await expect(identityGolden()).toMatchFileSnapshot('../../../fixtures/clouds/gce/identity.txt');
  });

  it('asks the network plane to resolve metadata.google.internal, and reads local-ipv4 with the flavor header', () => {
    const gce = cloudNamed('gce');
    expect(gce.network).toEqual({ ...NO_NETWORK_NEEDS, dhcpRoutes: ['169.254.169.254'], metadataNames: ['metadata.google.internal'] });
    expect(gce.localIpv4).toEqual({ path: '/computeMetadata/v1/instance/network-interfaces/0/ip', headers: { 'Metadata-Flavor': 'Google' } });
  });
});

describe('GCE identifiers derived from the record', () => {
  const project = gceProject('0123456789abcdef0123456789abcdef');

  it('project: a minicloud-<hex> id and a 12-digit number, stable per seed', () => {
    expect(project).toEqual(gceProject('0123456789abcdef0123456789abcdef'));
    expect(project.projectId).toMatch(/^minicloud-[0-9a-f]{6}$/);
    expect(project.numericProjectId).toMatch(/^[1-9]\d{11}$/);
    expect(gceProject('another').numericProjectId).not.toBe(project.numericProjectId);
  });

  it('instance id: 19 digits, stable per record id', () => {
    const a = gceInstanceId('i-0123456789abcdef0');
    expect(a).toMatch(/^[1-9]\d{18}$/);
    expect(gceInstanceId('i-0123456789abcdef0')).toBe(a);
    expect(gceInstanceId('i-00000000000000002')).not.toBe(a);
  });

  it('zone: EC2-form zones become <region>-<letter>; others are kept', () => {
    const zone = (availabilityZone: string, region: string) => gceZone(fixtureInstance({ availabilityZone, region }));
    expect(zone('minicloud-1a', 'minicloud-1')).toBe('minicloud-1-a');
    expect(zone('us-east-1b', 'us-east-1')).toBe('us-east-1-b');
    expect(zone('europe-west1-b', 'europe-west1')).toBe('europe-west1-b');
    expect(zone('nova', 'minicloud-1')).toBe('nova');
  });

  it('hostname: the zonal internal name, or the record\'s own when it is fully qualified', () => {
    expect(gceHostname(fixtureInstance({ hostname: 'web-1', availabilityZone: 'minicloud-1a', region: 'minicloud-1' }), project)).toBe(
      `web-1.minicloud-1-a.c.${project.projectId}.internal`,
    );
    expect(gceHostname(fixtureInstance({ hostname: 'web-1.example.org' }), project)).toBe('web-1.example.org');
  });
});
