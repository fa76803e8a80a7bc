import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SmbiosIdentity } from '../../src/ports/hypervisor.js';

/**
 * The files a Linux guest finds in /sys/class/dmi/id when QEMU 7.2 (`-M pc`, SeaBIOS) is given this
 * SMBIOS identity: QEMU's defaults for what the identity leaves out, the identity's values for the rest.
 * Measured by booting the minicirros kernel with and without `-smbios type=1/2/3` and listing the
 * directory (the board_* files exist only when a type-2 structure is given). The vm tier checks this
 * mapping against a real guest, so tests that run cloud-init's platform checks on a fake tree built from
 * it see what a minicloud guest sees.
 */
export function guestDmiFiles(identity: SmbiosIdentity): Record<string, string> {
  const machine = 'Standard PC (i440FX + PIIX, 1996)';
  const version = 'pc-i440fx-7.2';
  const s = identity.system;
  const files: Record<string, string> = {
    bios_date: '04/01/2014',
    bios_release: '0.0',
    bios_vendor: 'SeaBIOS',
    bios_version: '1.16.2-debian-1.16.2-1',
    sys_vendor: s.manufacturer ?? 'QEMU',
    product_name: s.product ?? machine,
    product_version: s.version ?? version,
    product_serial: s.serial ?? '',
    product_sku: s.sku ?? '',
    product_family: s.family ?? '',
    chassis_vendor: identity.chassis?.manufacturer ?? 'QEMU',
    chassis_type: '1',
    chassis_version: identity.chassis?.version ?? version,
    chassis_serial: identity.chassis?.serial ?? '',
    chassis_asset_tag: identity.chassis?.asset ?? '',
  };
  if (s.uuid !== undefined) files['product_uuid'] = s.uuid;
  const b = identity.baseBoard;
  if (b !== undefined) {
    Object.assign(files, {
      board_vendor: b.manufacturer ?? 'QEMU',
      board_name: b.product ?? machine,
      board_version: b.version ?? version,
      board_serial: b.serial ?? '',
      board_asset_tag: b.asset ?? '',
    });
  }
  return files;
}

/** Writes guestDmiFiles(identity) into `dir` (created), one file per key with sysfs's trailing newline. */
export function writeGuestDmi(dir: string, identity: SmbiosIdentity): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(guestDmiFiles(identity))) writeFileSync(join(dir, name), `${value}\n`);
}
