import { NO_NETWORK_NEEDS } from '../../../src/clouds/cloud-flavour.js';
import { describe, expect, it } from 'vitest';
import { domainXml } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { cloudNamed, CLOUD_NETWORK_NEEDS } from '../../../src/clouds/registry.js';
import { guestDmiFiles } from '../../helpers/guest-dmi.js';
import { sampleGuestSpec } from '../hypervisor/sample-guest-spec.js';

/** The SMBIOS an Exoscale guest gets, on both driver paths, and the DMI files the guest then reads. */
function identityGolden(): string {
  const spec = sampleGuestSpec('exoscale');
  const argv = qemuArgv(spec);
  const smbios = argv.flatMap((arg, i) => (argv[i - 1] === '-smbios' ? [`-smbios ${arg}`] : []));
  const xml = domainXml(spec);
  const sysinfo = xml.slice(xml.indexOf('  <sysinfo'), xml.indexOf('</sysinfo>') + '</sysinfo>'.length);
  const dmi = guestDmiFiles(spec.smbios);
  const dmiLines = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'chassis_asset_tag'].map((f) => `${f}=${dmi[f] ?? '(absent)'}`);
  return ['# QEMU (qemu driver)', ...smbios, '# libvirt <sysinfo>', sysinfo, '# /sys/class/dmi/id in the guest', ...dmiLines, ''].join('\n');
}

describe('Exoscale identity and network needs', () => {
  it('product Exoscale Compute Platform (ds-identify globs Exoscale*), uuid = instance uuid (golden: QEMU and libvirt)', async () => {
    const exoscale = cloudNamed('exoscale');
    const id = exoscale.identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(id).toEqual({ system: { manufacturer: 'Exoscale', product: 'Exoscale Compute Platform', uuid: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' } });
    expect(id.system.product?.startsWith('Exoscale')).toBe(true);
    expect(exoscale.guestUuid('5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b')).toBe(id.system.uuid);
    await expect(identityGolden()).toMatchFileSnapshot('../../../fixtures/clouds/exoscale/identity.txt');
  });

  it('asks the plane for the password server port 8080 and Exoscale\'s metadata name; smoke reads local-ipv4 from /1.0/', () => {
    const exoscale = cloudNamed('exoscale');
    expect(exoscale.network).toEqual({ ...NO_NETWORK_NEEDS, dhcpRoutes: ['169.254.169.254'], metadataPorts: [8080], metadataNames: ['metadata.exoscale.com'] });
    expect(CLOUD_NETWORK_NEEDS.metadataPorts).toContain(8080);
    expect(CLOUD_NETWORK_NEEDS.metadataNames).toContain('metadata.exoscale.com');
    expect(exoscale.localIpv4).toEqual({ path: '/1.0/meta-data/local-ipv4', headers: {} });
    expect(exoscale.delivery).toBe('metadata-service');
  });
});
