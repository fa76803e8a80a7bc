import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test-only variants of minicirros that fail on purpose, built without touching vm-images: the
 * kernel unpacks concatenated initramfs archives in order, so a small newc archive appended to
 * minicirros's initrd replaces single files of its init (a later entry overwrites an earlier one).
 */

export interface OverlayFile {
  /** Path inside the initramfs, without a leading slash. */
  path: string;
  mode: number;
  content: string;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(buf: Buffer): Buffer {
  const extra = (4 - (buf.length % 4)) % 4;
  return extra ? Buffer.concat([buf, Buffer.alloc(extra)]) : buf;
}

/** A newc ("070701") cpio archive of regular files, ending with the TRAILER!!! entry. */
function newcArchive(files: OverlayFile[]): Buffer {
  const entry = (name: string, mode: number, data: Buffer, ino: number): Buffer => {
    const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, Buffer.byteLength(name) + 1, 0];
    const header = Buffer.from(`070701${fields.map(hex8).join('')}${name}\0`, 'latin1');
    return Buffer.concat([pad4(header), pad4(data)]);
  };
  const parts = files.map((f, i) => entry(f.path, 0o100000 | f.mode, Buffer.from(f.content), i + 1));
  parts.push(entry('TRAILER!!!', 0, Buffer.alloc(0), 0));
  return Buffer.concat(parts);
}

/** Which init step a variant breaks. */
export type Breakage = 'no-dhcp' | 'no-metadata';

/**
 * minicirros's rcS with its DHCP client call replaced by `false`: rcS prints "Starting network: FAIL"
 * as when no DHCP server answers, and no DHCP packet leaves the guest. (Replacing /sbin/udhcpc does
 * not work: busybox sh runs its applets directly, without a PATH lookup.)
 */
function rcsWithoutDhcp(): string {
  const rcs = readFileSync(new URL('../../../vm-images/minicirros/rootfs/etc/init.d/rcS', import.meta.url), 'utf8');
  const broken = rcs.replace(/^if udhcpc /m, 'if false ');
  if (broken === rcs) throw new Error('vm-images/minicirros/rootfs/etc/init.d/rcS no longer starts DHCP with "if udhcpc ": update this helper');
  return broken;
}

const OVERLAYS: Record<Breakage, () => OverlayFile[]> = {
  'no-dhcp': () => [{ path: 'etc/init.d/rcS', mode: 0o755, content: rcsWithoutDhcp() }],
  // The EC2 datasource never runs: the guest boots to login without one metadata request.
  'no-metadata': () => [{ path: 'lib/minicirros/ds-ec2.sh', mode: 0o644, content: 'ds_ec2() { echo "minicirros: EC2 datasource disabled in this smoke test image"; }\n' }],
};

/**
 * Writes `<dir>/initrd-<breakage>.img` and a minicloud.yaml naming each variant `minicirros-<breakage>`
 * (direct kernel boot with minicirros's kernel, disk and command line). Returns the config path.
 */
export function writeBrokenMinicirros(imagesDir: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const base = join(imagesDir, 'minicirros');
  const initrd = readFileSync(join(base, 'initrd.img'));
  const manifest = readFileSync(join(base, 'manifest.txt'), 'utf8');
  const cmdline = /^cmdline:\s*(.*)$/m.exec(manifest)?.[1]?.trim() ?? 'console=ttyS0';
  const images: string[] = [];
  for (const breakage of Object.keys(OVERLAYS) as Breakage[]) {
    const path = join(dir, `initrd-${breakage}.img`);
    // The compressed archive ends where zstd's frame ends; the appended one starts 4-byte aligned.
    writeFileSync(path, Buffer.concat([pad4(initrd), newcArchive(OVERLAYS[breakage]())]));
    images.push(
      `  minicirros-${breakage}:`,
      `    path: ${join(base, 'disk.qcow2')}`,
      `    kernel: ${join(base, 'vmlinuz')}`,
      `    initrd: ${path}`,
      `    cmdline: ${JSON.stringify(cmdline)}`,
      '    sshUser: cirros',
    );
  }
  const configPath = join(dir, 'minicloud.yaml');
  writeFileSync(configPath, ['images:', ...images, ''].join('\n'));
  return configPath;
}
