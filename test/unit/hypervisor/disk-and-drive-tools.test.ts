import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { writeConfigDrive } from '../../../src/adapters/hypervisor/config-drive-iso.js';
import { ensureOverlay, overlayInfo, removeOverlay } from '../../../src/adapters/hypervisor/overlay-disk.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { sampleInstance } from '../../helpers/instance-record.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-hv-disk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

describeWhen({ commands: ['qemu-img'] }, 'overlay disks (qemu-img)', () => {
  for (const format of ['raw', 'qcow2'] as const) {
    it(`creates a qcow2 overlay over a ${format} base, never writes the base, and is idempotent`, async () => {
      const base = join(dir, `base.${format}`);
      execFileSync('qemu-img', ['create', '-q', '-f', format, base, '64M']);
      const before = sha(base);
      const disk = { basePath: base, baseFormat: format, overlayPath: join(dir, `${format}-overlay`, 'disk.qcow2'), sizeBytes: null };
      await ensureOverlay(disk);
      await ensureOverlay(disk);
      const info = await overlayInfo(disk.overlayPath);
      expect(info).toEqual({ virtualSize: 64 * 1024 * 1024, backing: base });
      // Writing through the overlay (what the guest does) leaves the base byte for byte the same.
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xab 0 1M', disk.overlayPath], { stdio: 'ignore' });
      expect(sha(base)).toBe(before);
      await removeOverlay(disk.overlayPath);
      await removeOverlay(disk.overlayPath);
      expect(await overlayInfo(disk.overlayPath)).toBeNull();
    });
  }

  it('sets the virtual size when asked', async () => {
    const base = join(dir, 'small.raw');
    writeFileSync(base, Buffer.alloc(1024 * 1024));
    const disk = { basePath: base, baseFormat: 'raw' as const, overlayPath: join(dir, 'big.qcow2'), sizeBytes: 512 * 1024 * 1024 };
    await ensureOverlay(disk);
    expect((await overlayInfo(disk.overlayPath))?.virtualSize).toBe(512 * 1024 * 1024);
  });

  it('refuses a missing base with a coded error', async () => {
    const disk = { basePath: join(dir, 'nope.raw'), baseFormat: 'raw' as const, overlayPath: join(dir, 'x.qcow2'), sizeBytes: null };
    await expect(ensureOverlay(disk)).rejects.toMatchObject({ code: 'MC_ERR_DISK_TOOL_FAILED' });
  });
});

describeWhen({ commands: ['xorriso', 'isoinfo'] }, 'config drive ISO (xorriso)', () => {
  it('writes an ISO labelled config-2 with the Nova layout', async () => {
    const iso = join(dir, 'cd', 'config-2.iso');
    await writeConfigDrive(sampleInstance(7, { datasource: 'configdrive' }), iso, { projectId: 'p1' });
    const pvd = execFileSync('isoinfo', ['-d', '-i', iso], { encoding: 'utf8' });
    expect(pvd).toMatch(/Volume id: config-2/);
    const listing = execFileSync('isoinfo', ['-R', '-f', '-i', iso], { encoding: 'utf8' });
    expect(listing).toContain('/openstack/latest/meta_data.json');
    expect(listing).toContain('/ec2/latest/meta-data.json');
    const meta = execFileSync('isoinfo', ['-R', '-x', '/openstack/latest/meta_data.json', '-i', iso], { encoding: 'utf8' });
    expect(JSON.parse(meta)).toMatchObject({ uuid: '00000000-0000-4000-8000-000000000007' });
  });
});
