import { SMBIOS_LAYOUT, type GuestSpec, type SmbiosIdentity } from '../../../ports/hypervisor.js';
import { guestFiles } from '../guest-files.js';
import { GUEST_TAG_XMLNS, type GuestTag } from '../../../core/guest-name.js';
import { canonicalJson } from '../same-guest-spec.js';

/**
 * GuestSpec → libvirt domain XML. Pure; golden files in fixtures/hypervisor/. The choices below are the
 * ones that were measured to work on this kind of host (docs/hypervisors.md, "The libvirt driver"):
 * - `type='qemu'` under TCG: libvirt advertises kvm whenever /dev/kvm exists, even when it cannot run a guest.
 * - `<features><acpi/>`: without it `poweroff` halts the guest and the domain stays "running".
 * - serial on a unix socket with a `<log>` file: the log has every byte from the first, the socket is
 *   what `attachConsole` connects to (same layout as the qemu driver).
 * - static DAC label root without relabelling: the daemon never chowns the user's base image, and QEMU can
 *   read files under the cloud's state directory (the qemu driver also runs QEMU as root).
 */
export function domainXml(spec: GuestSpec): string {
  const files = guestFiles(spec.runDir);
  const tag: GuestTag = { cloudId: spec.cloudId, instanceId: spec.instanceId, accelerator: spec.accelerator };
  const lines: string[] = [
    `<domain type='${spec.accelerator === 'kvm' ? 'kvm' : 'qemu'}'>`,
    `  <name>${x(spec.name)}</name>`,
    `  <uuid>${x(spec.uuid)}</uuid>`,
    `  <metadata>`,
    `    <minicloud:guest xmlns:minicloud='${GUEST_TAG_XMLNS}'>`,
    `      <minicloud:cloud>${x(tag.cloudId)}</minicloud:cloud>`,
    `      <minicloud:instance>${x(tag.instanceId)}</minicloud:instance>`,
    `      <minicloud:accelerator>${tag.accelerator}</minicloud:accelerator>`,
    `      <minicloud:spec>${x(canonicalJson(spec))}</minicloud:spec>`,
    `    </minicloud:guest>`,
    `  </metadata>`,
    `  <memory unit='MiB'>${spec.memoryMiB}</memory>`,
    `  <vcpu>${spec.cpus}</vcpu>`,
    ...sysinfoXml(spec.smbios),
    `  <os>`,
    `    <type arch='x86_64' machine='pc'>hvm</type>`,
    ...(spec.kernel
      ? [
          `    <kernel>${x(spec.kernel.kernelPath)}</kernel>`,
          ...(spec.kernel.initrdPath ? [`    <initrd>${x(spec.kernel.initrdPath)}</initrd>`] : []),
          `    <cmdline>${x(spec.kernel.cmdline)}</cmdline>`,
        ]
      : [`    <boot dev='hd'/>`]),
    `    <smbios mode='sysinfo'/>`,
    `  </os>`,
    `  <features>`,
    `    <acpi/>`,
    `  </features>`,
    `  <cpu mode='maximum' check='none'/>`,
    `  <clock offset='utc'/>`,
    `  <on_poweroff>destroy</on_poweroff>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>destroy</on_crash>`,
    `  <devices>`,
    `    <disk type='file' device='disk'>`,
    `      <driver name='qemu' type='qcow2' cache='unsafe'/>`,
    `      <source file='${x(spec.disk.overlayPath)}'/>`,
    `      <target dev='vda' bus='virtio'/>`,
    `    </disk>`,
    ...(spec.configDrivePath
      ? [
          `    <disk type='file' device='disk'>`,
          `      <driver name='qemu' type='raw'/>`,
          `      <source file='${x(spec.configDrivePath)}'/>`,
          `      <target dev='vdb' bus='virtio'/>`,
          `      <readonly/>`,
          `    </disk>`,
        ]
      : []),
    ...(spec.cdromPath
      ? [
          // IDE secondary master (hdc), as QEMU's argv puts it: the guest's /dev/sr0.
          `    <disk type='file' device='cdrom'>`,
          `      <driver name='qemu' type='raw'/>`,
          `      <source file='${x(spec.cdromPath)}'/>`,
          `      <target dev='hdc' bus='ide'/>`,
          `      <readonly/>`,
          `    </disk>`,
        ]
      : []),
    `    <interface type='bridge'>`,
    `      <mac address='${x(spec.nic.mac)}'/>`,
    `      <source bridge='${x(spec.nic.bridge)}'/>`,
    `      <target dev='${x(spec.nic.tapName)}'/>`,
    `      <model type='virtio'/>`,
    `      <rom enabled='no'/>`,
    `    </interface>`,
    `    <serial type='unix'>`,
    `      <source mode='bind' path='${x(files.consoleSocket)}'/>`,
    `      <log file='${x(spec.consoleLogPath)}' append='off'/>`,
    `      <target port='0'/>`,
    `    </serial>`,
    `    <controller type='usb' model='none'/>`,
    `    <memballoon model='none'/>`,
    `  </devices>`,
    `  <seclabel type='static' model='dac' relabel='no'>`,
    `    <label>+0:+0</label>`,
    `  </seclabel>`,
    `</domain>`,
  ];
  return lines.join('\n') + '\n';
}

/**
 * Reads minicloud's tag (and the spec the domain was defined from) back out of a domain's XML; null for
 * domains minicloud did not define. The spec is what `undefine` and `prune` use to find the guest's files.
 */
export function parseGuestTag(xml: string): (GuestTag & { spec: GuestSpec | null }) | null {
  const block = /<minicloud:guest\b[^>]*>([\s\S]*?)<\/minicloud:guest>/.exec(xml);
  if (!block?.[1]) return null;
  const field = (name: string): string | null => {
    const m = new RegExp(`<minicloud:${name}>([^<]*)</minicloud:${name}>`).exec(block[1] ?? '');
    return m?.[1] !== undefined ? unx(m[1]) : null;
  };
  const cloudId = field('cloud');
  const instanceId = field('instance');
  const accelerator = field('accelerator');
  if (!cloudId || !instanceId) return null;
  const specJson = field('spec');
  const spec = specJson ? (JSON.parse(specJson) as GuestSpec) : null;
  return { cloudId, instanceId, accelerator: accelerator === 'kvm' ? 'kvm' : 'tcg', spec };
}

function sysinfoXml(smbios: SmbiosIdentity): string[] {
  const blocks = SMBIOS_LAYOUT.flatMap(({ key, element, fields }) => {
    const values: Partial<Record<string, string>> = smbios[key] ?? {};
    const entries = fields.flatMap((f) => (values[f] === undefined ? [] : [`      <entry name='${f}'>${x(values[f])}</entry>`]));
    return entries.length === 0 ? [] : [`    <${element}>`, ...entries, `    </${element}>`];
  });
  if (blocks.length === 0) return [];
  return [`  <sysinfo type='smbios'>`, ...blocks, `  </sysinfo>`];
}

function x(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

function unx(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}
