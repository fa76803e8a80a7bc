import { SMBIOS_LAYOUT, type GuestSpec, type SmbiosIdentity } from '../../../ports/hypervisor.js';
import { guestFiles } from '../guest-files.js';

/**
 * GuestSpec → the argv of `qemu-system-x86_64` (without the binary). Pure; golden files in
 * fixtures/hypervisor/. Contracts the qemu driver relies on:
 * - `-S`: the guest starts paused; the driver enslaves the tap QEMU created, then sends QMP `cont`,
 *   so the guest's first DHCP packet never races the bridge.
 * - `-nodefaults -no-user-config` and an explicit `-netdev tap,...,script=no`: QEMU never adds a
 *   user-mode NIC (which would give the guest a second, unsupervised way out).
 * - the serial port is a socket chardev with `logfile=`: every byte goes to the console log from the
 *   first, whether or not a client is attached to the socket.
 * - `-name ...,process=<name>`: the process is tagged (visible in `ps`), as are its files in runDir.
 */
export function qemuArgv(spec: GuestSpec): string[] {
  const files = guestFiles(spec.runDir);
  const argv: string[] = [
    '-name', `${spec.name},process=${spec.name}`,
    '-uuid', spec.uuid,
    '-M', 'pc',
    '-accel', spec.accelerator,
    '-cpu', spec.accelerator === 'kvm' ? 'host' : 'max',
    '-smp', String(spec.cpus),
    '-m', `${spec.memoryMiB}M`,
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    '-S',
    '-qmp', `unix:${files.qmpSocket},server=on,wait=off`,
    '-pidfile', files.pidFile,
    '-chardev', `socket,id=serial0,path=${q(files.consoleSocket)},server=on,wait=off,logfile=${q(spec.consoleLogPath)},logappend=off`,
    '-serial', 'chardev:serial0',
    ...smbiosArgs(spec.smbios),
    '-drive', `file=${q(spec.disk.overlayPath)},if=none,id=disk0,format=qcow2,cache=unsafe`,
    '-device', 'virtio-blk-pci,drive=disk0',
  ];
  if (spec.configDrivePath) {
    argv.push('-drive', `file=${q(spec.configDrivePath)},if=none,id=disk1,format=raw,readonly=on`);
    argv.push('-device', 'virtio-blk-pci,drive=disk1');
  }
  if (spec.cdromPath) {
    // The i440fx board's own IDE controller (there with -nodefaults): secondary master, the guest's /dev/sr0.
    argv.push('-drive', `file=${q(spec.cdromPath)},if=none,id=cd0,format=raw,media=cdrom,readonly=on`);
    argv.push('-device', 'ide-cd,drive=cd0,bus=ide.1,unit=0');
  }
  if (spec.kernel) {
    argv.push('-kernel', spec.kernel.kernelPath);
    if (spec.kernel.initrdPath) argv.push('-initrd', spec.kernel.initrdPath);
    argv.push('-append', spec.kernel.cmdline);
  }
  argv.push('-netdev', `tap,id=net0,ifname=${spec.nic.tapName},script=no,downscript=no`);
  argv.push('-device', `virtio-net-pci,netdev=net0,mac=${spec.nic.mac},romfile=`);
  return argv;
}

function smbiosArgs(smbios: SmbiosIdentity): string[] {
  return SMBIOS_LAYOUT.flatMap(({ key, type, fields }) => {
    const values: Partial<Record<string, string>> = smbios[key] ?? {};
    const set = fields.flatMap((f) => (values[f] === undefined ? [] : [`${f}=${q(values[f])}`]));
    return set.length === 0 ? [] : ['-smbios', `type=${type},${set.join(',')}`];
  });
}

/** QEMU option values escape a literal comma by doubling it. */
function q(value: string): string {
  return value.replace(/,/g, ',,');
}
