import { describe, expect, it } from 'vitest';
import { domainXml } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { guestDmiFiles } from '../../helpers/guest-dmi.js';
import { sampleGuestSpec } from '../hypervisor/sample-guest-spec.js';

/** The SMBIOS a Vultr guest gets, on both driver paths, and the DMI files the guest then reads. */
function identityGolden(datasource: string): string {
  const spec = sampleGuestSpec(datasource);
  const argv = qemuArgv(spec);
  const smbios = argv.flatMap((arg, i) => (argv[i - 1] === '-smbios' ? [`-smbios ${arg}`] : []));
  const xml = domainXml(spec);
  const sysinfo = xml.slice(xml.indexOf('  <sysinfo'), xml.indexOf('</sysinfo>') + '</sysinfo>'.length);
  const dmi = guestDmiFiles(spec.smbios);
  const dmiLines = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'chassis_vendor', 'chassis_asset_tag'].map((f) => `${f}=${dmi[f] ?? '(absent)'}`);
  return ['# QEMU (qemu driver)', ...smbios, '# libvirt <sysinfo>', sysinfo, '# /sys/class/dmi/id in the guest', ...dmiLines, ''].join('\n');
}

describe('Vultr identity', () => {
  it('vendor Vultr, product VC2, serial = uuid = the instance uuid (golden: QEMU and libvirt)', async () => {
    const id = cloudNamed('vultr').identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    const uuid = '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
    expect(id).toEqual({ system: { manufacturer: 'Vultr', product: 'VC2', serial: uuid, uuid } });
    // cloud-init's check_instance_id: the serial (Vultr's SUBID field) must equal the system uuid.
    expect(id.system.serial).toBe(id.system.uuid);
    await expect(identityGolden('vultr')).toMatchFileSnapshot('../../../fixtures/clouds/vultr/identity.txt');
  });
});
