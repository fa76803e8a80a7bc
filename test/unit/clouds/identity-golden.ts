import { domainXml } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { guestDmiFiles } from '../../helpers/guest-dmi.js';
import { sampleGuestSpec } from '../hypervisor/sample-guest-spec.js';

/**
 * The SMBIOS a guest of `datasource` gets on both driver paths (QEMU `-smbios`, libvirt `<sysinfo>`) and
 * the `dmiFiles` of /sys/class/dmi/id the guest then reads: a cloud's identity golden file.
 */
export function identityGolden(datasource: string, dmiFiles: readonly string[]): string {
  const spec = sampleGuestSpec(datasource);
  const argv = qemuArgv(spec);
  const smbios = argv.flatMap((arg, i) => (argv[i - 1] === '-smbios' ? [`-smbios ${arg}`] : []));
  const xml = domainXml(spec);
  const sysinfo = xml.slice(xml.indexOf('  <sysinfo'), xml.indexOf('</sysinfo>') + '</sysinfo>'.length);
  const dmi = guestDmiFiles(spec.smbios);
  const dmiLines = dmiFiles.map((f) => `${f}=${dmi[f] ?? '(absent)'}`);
  return ['# QEMU (qemu driver)', ...smbios, '# libvirt <sysinfo>', sysinfo, '# /sys/class/dmi/id in the guest', ...dmiLines, ''].join('\n');
}
